/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel versions podnet builds against (6.1 to
 * 7.x). Every version test of the module lives here.
 */
#ifndef _PODNET_COMPAT_H
#define _PODNET_COMPAT_H

#include <linux/netdevice.h>
#include <linux/version.h>
#include <net/flow.h>
#include <net/genetlink.h>
#include <net/route.h>
#include <net/rtnetlink.h>
#include <net/udp_tunnel.h>

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

/*
 * The pernet exit that runs under RTNL: one namespace at a time since 6.15,
 * a batch of them before. PN_PERNET_EXIT_RTNL(fn) names @fn, which takes
 * one namespace, in struct pernet_operations; PN_DEFINE_EXIT_RTNL_BATCH(fn)
 * goes before it and makes the batch form where the kernel needs one.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define PN_DEFINE_EXIT_RTNL_BATCH(fn)
#define PN_PERNET_EXIT_RTNL(fn) .exit_rtnl = (fn)
#else
#define PN_DEFINE_EXIT_RTNL_BATCH(fn)					\
static void fn##_batch(struct list_head *net_list, struct list_head *kill) \
{									\
	struct net *net;						\
									\
	list_for_each_entry(net, net_list, exit_list)			\
		fn(net, kill);						\
}
#define PN_PERNET_EXIT_RTNL(fn) .exit_batch_rtnl = fn##_batch
#endif

/*
 * rtnl_link_ops.newlink takes its namespaces and attributes in one struct
 * since 6.15. PN_RTNL_NEWLINK(fn) names @fn, written to the older form,
 * in struct rtnl_link_ops; PN_DEFINE_NEWLINK(fn) goes before it and makes
 * the newer form where the kernel needs one.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define PN_DEFINE_NEWLINK(fn)						\
static int fn##_params(struct net_device *dev,				\
		       struct rtnl_newlink_params *params,		\
		       struct netlink_ext_ack *extack)			\
{									\
	return fn(rtnl_newlink_link_net(params), dev, params->tb,	\
		  params->data, extack);				\
}
#define PN_RTNL_NEWLINK(fn) .newlink = fn##_params
#else
#define PN_DEFINE_NEWLINK(fn)
#define PN_RTNL_NEWLINK(fn) .newlink = (fn)
#endif

/*
 * The TOS of an IPv4 flow became a DSCP (dscp_t flowi4_dscp); the macro
 * that names the field tells which the kernel has.
 */
#ifdef flowi4_dscp
static inline void pn_compat_flowi4_set_tos(struct flowi4 *fl4, u8 tos)
{
	fl4->flowi4_dscp = inet_dsfield_to_dscp(tos);
}
#else
static inline void pn_compat_flowi4_set_tos(struct flowi4 *fl4, u8 tos)
{
	fl4->flowi4_tos = RT_TOS(tos);
}
#endif

/*
 * The tunnel transmit helpers take the IP control block's flags since
 * 6.17; podnet sets none.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define PN_IPCB_FLAGS , 0
#else
#define PN_IPCB_FLAGS
#endif

static inline void pn_compat_iptunnel_xmit(struct rtable *rt,
					   struct sk_buff *skb, __be32 src,
					   __be32 dst, u8 proto, u8 tos,
					   u8 ttl, __be16 df, bool xnet)
{
	iptunnel_xmit(NULL, rt, skb, src, dst, proto, tos, ttl, df, xnet
		      PN_IPCB_FLAGS);
}

static inline void pn_compat_udp_tunnel_xmit_skb(struct rtable *rt,
						 struct sock *sk,
						 struct sk_buff *skb,
						 __be32 src, __be32 dst,
						 u8 tos, u8 ttl, __be16 df,
						 __be16 sport, __be16 dport,
						 bool xnet, bool nocheck)
{
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, sport, dport,
			    xnet, nocheck PN_IPCB_FLAGS);
}

/* The UDP tunnel socket helpers take the struct sock since 6.19. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
static inline void pn_compat_setup_udp_tunnel_sock(struct net *net,
						   struct socket *sock,
						   struct udp_tunnel_sock_cfg *cfg)
{
	setup_udp_tunnel_sock(net, sock->sk, cfg);
}

static inline void pn_compat_udp_tunnel_sock_release(struct socket *sock)
{
	udp_tunnel_sock_release(sock->sk);
}
#else
static inline void pn_compat_setup_udp_tunnel_sock(struct net *net,
						   struct socket *sock,
						   struct udp_tunnel_sock_cfg *cfg)
{
	setup_udp_tunnel_sock(net, sock, cfg);
}

static inline void pn_compat_udp_tunnel_sock_release(struct socket *sock)
{
	udp_tunnel_sock_release(sock);
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
