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
#include <net/ip6_tunnel.h>
#include <net/route.h>
#include <net/rtnetlink.h>
#include <net/udp_tunnel.h>
#include <net/xfrm.h>

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

/* The functions of podnet's that the wrappers below call. */
int pn_newlink(struct net *net, struct net_device *dev, struct nlattr *tb[],
	       struct nlattr *data[], struct netlink_ext_ack *extack);
void pn_net_exit_rtnl(struct net *net, struct list_head *kill);

/*
 * The pernet exit that runs under RTNL, pn_net_exit_rtnl(): one namespace
 * at a time since 6.15, a batch of them before.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
static inline void pn_compat_set_exit_rtnl(struct pernet_operations *ops)
{
	ops->exit_rtnl = pn_net_exit_rtnl;
}
#else
static inline void pn_compat_exit_batch_rtnl(struct list_head *net_list,
					     struct list_head *kill)
{
	struct net *net;

	list_for_each_entry(net, net_list, exit_list)
		pn_net_exit_rtnl(net, kill);
}

static inline void pn_compat_set_exit_rtnl(struct pernet_operations *ops)
{
	ops->exit_batch_rtnl = pn_compat_exit_batch_rtnl;
}
#endif

/*
 * rtnl_link_ops.newlink takes its namespaces and attributes in one struct
 * since 6.15; pn_newlink() has the older form.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
static inline int pn_compat_newlink(struct net_device *dev,
				    struct rtnl_newlink_params *params,
				    struct netlink_ext_ack *extack)
{
	return pn_newlink(rtnl_newlink_link_net(params), dev, params->tb,
			  params->data, extack);
}

static inline void pn_compat_set_newlink(struct rtnl_link_ops *ops)
{
	ops->newlink = pn_compat_newlink;
}
#else
static inline void pn_compat_set_newlink(struct rtnl_link_ops *ops)
{
	ops->newlink = pn_newlink;
}
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
static inline void pn_compat_iptunnel_xmit(struct rtable *rt,
					   struct sk_buff *skb, __be32 src,
					   __be32 dst, u8 proto, u8 tos,
					   u8 ttl, __be16 df, bool xnet)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
	iptunnel_xmit(NULL, rt, skb, src, dst, proto, tos, ttl, df, xnet, 0);
#else
	iptunnel_xmit(NULL, rt, skb, src, dst, proto, tos, ttl, df, xnet);
#endif
}

static inline void pn_compat_udp_tunnel_xmit_skb(struct rtable *rt,
						 struct sock *sk,
						 struct sk_buff *skb,
						 __be32 src, __be32 dst,
						 u8 tos, u8 ttl, __be16 df,
						 __be16 sport, __be16 dport,
						 bool xnet, bool nocheck)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, sport, dport,
			    xnet, nocheck, 0);
#else
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, sport, dport,
			    xnet, nocheck);
#endif
}

/* The IPv6 one takes the flags since 6.17 too. */
static inline void pn_compat_udp_tunnel6_xmit_skb(struct dst_entry *dst,
						  struct sock *sk,
						  struct sk_buff *skb,
						  struct net_device *dev,
						  struct in6_addr *saddr,
						  struct in6_addr *daddr,
						  u8 prio, u8 ttl,
						  __be16 sport, __be16 dport)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl, 0,
			     sport, dport, false, 0);
#else
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl, 0,
			     sport, dport, false);
#endif
}

/* And ip6tunnel_xmit(), since 6.17. */
static inline void pn_compat_ip6tunnel_xmit(struct sk_buff *skb,
					    struct net_device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
	ip6tunnel_xmit(NULL, skb, dev, 0);
#else
	ip6tunnel_xmit(NULL, skb, dev);
#endif
}

/*
 * IPv4 and IPv6 in IPv6 arrive through tunnel6 (CONFIG_INET6_TUNNEL),
 * which a kernel built without ip6tnl and the IPv6 xfrm tunnels lacks:
 * there an ipip device cannot have an IPv6 underlay, and nothing is
 * registered for it.
 */
#if IS_ENABLED(CONFIG_INET6_TUNNEL)
#define PN_HAVE_TUNNEL6 true

static inline int pn_compat_xfrm6_tunnel_register(struct xfrm6_tunnel *h,
						  unsigned short family)
{
	return xfrm6_tunnel_register(h, family);
}

static inline void pn_compat_xfrm6_tunnel_deregister(struct xfrm6_tunnel *h,
						     unsigned short family)
{
	xfrm6_tunnel_deregister(h, family);
}
#else
#define PN_HAVE_TUNNEL6 false

static inline int pn_compat_xfrm6_tunnel_register(struct xfrm6_tunnel *h,
						  unsigned short family)
{
	return 0;
}

static inline void pn_compat_xfrm6_tunnel_deregister(struct xfrm6_tunnel *h,
						     unsigned short family)
{
}
#endif

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
