/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel versions podnet builds against (6.1 to
 * 6.12). Every version test of the module lives here.
 */
#ifndef _PODNET_COMPAT_H
#define _PODNET_COMPAT_H

#include <linux/netdevice.h>
#include <linux/version.h>
#include <net/genetlink.h>

/* The GSO helpers moved out of skbuff.h into their own header in 6.5. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#include <net/gso.h>
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static inline void pn_compat_set_lltx(struct net_device *dev)
{
	dev->lltx = true;
}
#else
static inline void pn_compat_set_lltx(struct net_device *dev)
{
	dev->features |= NETIF_F_LLTX;
}
#endif

/* The attributes of a dump request, parsed by the genetlink core. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
static inline struct nlattr **pn_compat_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->info.attrs;
}
#else
static inline struct nlattr **pn_compat_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->attrs;
}
#endif

/*
 * Drop reasons named after 6.1: before 6.12 each stands for the nearest
 * one the kernel has, so that a drop keeps a reason everywhere.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
#define SKB_DROP_REASON_VXLAN_INVALID_HDR SKB_DROP_REASON_DEV_HDR
#define SKB_DROP_REASON_VXLAN_VNI_NOT_FOUND SKB_DROP_REASON_NOT_SPECIFIED
#define SKB_DROP_REASON_NO_TX_TARGET SKB_DROP_REASON_IP_OUTNOROUTES
#define SKB_DROP_REASON_IP_TUNNEL_ECN SKB_DROP_REASON_NOT_SPECIFIED
#endif

#endif /* _PODNET_COMPAT_H */
