// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: IPv4-in-IPv4 encapsulation, what Calico's tunl0 and flannel's
 * ipip backend put on the wire, IPv6-in-IPv4 (protocol 41, RFC 4213) as
 * the kernel's sit tunnels send it, and their receive side.
 *
 * Received protocol-4 packets reach every tunnel4 handler in the order of
 * their priority until one takes the packet; no two handlers may share a
 * priority. podnet's first handler runs before the kernel's ipip module
 * (priority 1) and ip_vti (priority 0, which passes on what no vti tunnel
 * claims), whichever was loaded first, and takes only packets from the
 * peer nodes of an ipip device that is up, so tunl0, vti and
 * point-to-point ipip tunnels keep what is theirs. Its second handler runs
 * after every other one: a packet nobody took, in a namespace with an
 * ipip device up, is dropped and counted as coming from an unknown node.
 * Both are registered when the first ipip device comes up, and a pair
 * like them for protocol 41, before and after sit's handler (priority 1).
 * Over an IPv6 underlay, IPv4 and IPv6 in IPv6 (RFC 2473) as the kernel's
 * ip6tnl tunnels send them, with handlers before ip6tnl's (priority 1).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <net/icmp.h>
#include <net/ip6_route.h>
#include <net/ip6_tunnel.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "compat.h"
#include "podnet_private.h"

#define PN_IPIP_PRIO_PEERS	-1
#define PN_IPIP_PRIO_UNCLAIMED	100

/*
 * The device that takes a packet from @saddr to @daddr: an ipip device
 * that is up, has @saddr as a peer node and has no other local address.
 * Called under rcu_read_lock().
 */
static struct pn_dev *pn_ipip_find(struct net *net, __be32 saddr,
				   __be32 daddr)
{
	struct pn_net *pnn = net_generic(net, pn_net_id);
	struct pn_dev *pn;

	list_for_each_entry_rcu(pn, &pnn->ipip_devs, rx_list) {
		if (pn->cfg.local && pn->cfg.local != daddr)
			continue;
		if (pn_peer_lookup(&pn->table, saddr))
			return pn;
	}
	return NULL;
}

/*
 * Whether the inner header of a decapsulated packet is whole and of the
 * family its outer protocol says.
 */
static bool pn_ipip_hdr_ok(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (skb->protocol == htons(ETH_P_IPV6))
		return pskb_may_pull(skb, sizeof(struct ipv6hdr)) &&
		       ipv6_hdr(skb)->version == 6 &&
		       sizeof(struct ipv6hdr) +
		       ntohs(ipv6_hdr(skb)->payload_len) <= skb->len;
	return iph->version == 4 && iph->ihl >= 5 &&
	       ntohs(iph->tot_len) <= skb->len;
}

/*
 * The tail of receive over either outer family, once the packet is known
 * to be from a peer of @pn: take the outer header off and hand the inner
 * @proto packet on. Return: 0, the packet is taken.
 */
static int pn_ipip_decap(struct pn_dev *pn, struct sk_buff *skb, __be16 proto,
			 const struct pn_addr *osaddr, u8 otos)
{
	enum skb_drop_reason reason;

	reason = SKB_DROP_REASON_NOMEM;
	if (iptunnel_pull_header(skb, 0, proto,
				 !net_eq(pn->net, dev_net(pn->dev))))
		goto drop;
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	reason = SKB_DROP_REASON_IP_INHDR;
	if (!pn_ipip_hdr_ok(skb))
		goto drop;

	skb->dev = pn->dev;
	skb->pkt_type = PACKET_HOST;
	pn_rcv_finish(pn, skb, osaddr, otos);
	return 0;

drop:
	pn_rx_drop(pn, skb, PN_STAT_BAD_HEADER, reason);
	return 0;
}

/**
 * pn_ipip_rcv - take an IP-in-IP packet from a peer node
 * @skb: the packet, data at the inner IPv4 or IPv6 header (protocol 4 or
 *	41), the outer header already pulled
 *
 * Called under rcu_read_lock() in softirq context. A packet from a peer
 * node goes on to pn_rcv_finish() unless its inner header is bad.
 *
 * Return: 0 when the packet was taken (delivered or dropped), or a
 * negative errno to hand it to the next handler.
 */
static int pn_ipip_rcv(struct sk_buff *skb)
{
	struct pn_addr osaddr = { .af = PN_AF4 };
	const struct iphdr *oiph = ip_hdr(skb);
	struct pn_dev *pn;
	__be16 proto;
	u8 otos;

	pn = pn_ipip_find(dev_net(skb->dev), oiph->saddr, oiph->daddr);
	if (!pn)
		return -EINVAL;
	osaddr.ip = oiph->saddr;
	otos = oiph->tos;
	proto = oiph->protocol == IPPROTO_IPV6 ? htons(ETH_P_IPV6) :
						 htons(ETH_P_IP);

	if (!xfrm4_policy_check(NULL, XFRM_POLICY_IN, skb)) {
		pn_rx_drop(pn, skb, PN_STAT_NONE, SKB_DROP_REASON_XFRM_POLICY);
		return 0;
	}
	return pn_ipip_decap(pn, skb, proto, &osaddr, otos);
}

/*
 * As pn_ipip_find(), for an outer IPv6 header: an ipip device with @saddr
 * as a peer node and no other IPv6 local address than @daddr.
 */
static struct pn_dev *pn_ipip_find6(struct net *net,
				    const struct in6_addr *saddr,
				    const struct in6_addr *daddr)
{
	struct pn_net *pnn = net_generic(net, pn_net_id);
	struct pn_dev *pn;

	list_for_each_entry_rcu(pn, &pnn->ipip_devs, rx_list) {
		if (!ipv6_addr_equal(&pn->cfg.local6, daddr))
			continue;
		if (pn_peer_lookup6(&pn->table, saddr))
			return pn;
	}
	return NULL;
}

/*
 * An IPv4 (@proto ETH_P_IP) or IPv6 packet in IPv6 from a peer node, as
 * the kernel's ip6tnl tunnels send it, with or without their tunnel
 * encapsulation limit option, which the IPv6 stack has passed over.
 */
static int pn_ip6tnl_rcv(struct sk_buff *skb, __be16 proto)
{
	struct pn_addr osaddr = { .af = PN_AF6 };
	const struct ipv6hdr *oip6h = ipv6_hdr(skb);
	struct pn_dev *pn;
	u8 otos;

	pn = pn_ipip_find6(dev_net(skb->dev), &oip6h->saddr, &oip6h->daddr);
	if (!pn)
		return -EINVAL;
	osaddr.ip6 = oip6h->saddr;
	otos = ipv6_get_dsfield(oip6h);

	if (!xfrm6_policy_check(NULL, XFRM_POLICY_IN, skb)) {
		pn_rx_drop(pn, skb, PN_STAT_NONE, SKB_DROP_REASON_XFRM_POLICY);
		return 0;
	}
	return pn_ipip_decap(pn, skb, proto, &osaddr, otos);
}

static int pn_ip4ip6_rcv(struct sk_buff *skb)
{
	return pn_ip6tnl_rcv(skb, htons(ETH_P_IP));
}

static int pn_ip6ip6_rcv(struct sk_buff *skb)
{
	return pn_ip6tnl_rcv(skb, htons(ETH_P_IPV6));
}

/* An ICMPv6 error about our outer IPv6 packet: the outer route learns. */
static int pn_ip6tnl_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
			 u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	struct pn_dev *pn;

	pn = pn_ipip_find6(net, &ip6h->daddr, &ip6h->saddr);
	if (!pn)
		return -ENOENT;
	if (type == ICMPV6_PKT_TOOBIG)
		ip6_update_pmtu(skb, net, info, READ_ONCE(pn->cfg.link), 0,
				sock_net_uid(net, NULL));
	else if (type == NDISC_REDIRECT)
		ip6_redirect(skb, net, READ_ONCE(pn->cfg.link), 0,
			     sock_net_uid(net, NULL));
	return 0;
}

static struct xfrm6_tunnel pn_ip4ip6_peers __read_mostly = {
	.handler = pn_ip4ip6_rcv,
	.err_handler = pn_ip6tnl_err,
	.priority = PN_IPIP_PRIO_PEERS,
};

static struct xfrm6_tunnel pn_ip6ip6_peers __read_mostly = {
	.handler = pn_ip6ip6_rcv,
	.err_handler = pn_ip6tnl_err,
	.priority = PN_IPIP_PRIO_PEERS,
};

/* The device whose peer an ICMP error about our outer packet names. */
static int pn_ipip_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const int type = icmp_hdr(skb)->type;
	const int code = icmp_hdr(skb)->code;
	struct net *net = dev_net(skb->dev);
	struct pn_dev *pn;

	pn = pn_ipip_find(net, iph->daddr, iph->saddr);
	if (!pn)
		return -ENOENT;

	/* Our outer routes learn the path MTU and redirects, which the
	 * route cache of each peer notices. The route to learn is the one
	 * the device sends by, through its underlay device when it has one.
	 */
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		ipv4_update_pmtu(skb, net, info, READ_ONCE(pn->cfg.link),
				 iph->protocol);
	else if (type == ICMP_REDIRECT)
		ipv4_redirect(skb, net, READ_ONCE(pn->cfg.link), iph->protocol);
	return 0;
}

/*
 * The last handler: a packet nobody took, in a namespace where an ipip
 * device is up, is counted there as from an unknown node, preferring the
 * device whose local address it was sent to.
 */
static int pn_ipip_rcv_unclaimed(struct sk_buff *skb)
{
	struct pn_net *pnn = net_generic(dev_net(skb->dev), pn_net_id);
	__be32 daddr = ip_hdr(skb)->daddr;
	struct pn_dev *pn, *found = NULL;

	list_for_each_entry_rcu(pn, &pnn->ipip_devs, rx_list) {
		if (pn->cfg.local == daddr) {
			found = pn;
			break;
		}
		if (!pn->cfg.local && !found)
			found = pn;
	}
	if (!found)
		return -EINVAL;
	pn_rx_drop(found, skb, PN_STAT_UNKNOWN_NODE,
		   SKB_DROP_REASON_NOT_SPECIFIED);
	return 0;
}

static int pn_ipip_err_unclaimed(struct sk_buff *skb, u32 info)
{
	return -ENOENT;
}

/*
 * The last handler for IPv4 and IPv6 in IPv6: a packet to the IPv6 local
 * address of an ipip device that is up, which neither a peer of it nor an
 * ip6tnl tunnel took, is counted there as from an unknown node.
 */
static int pn_ip6tnl_rcv_unclaimed(struct sk_buff *skb)
{
	struct pn_net *pnn = net_generic(dev_net(skb->dev), pn_net_id);
	const struct in6_addr *daddr = &ipv6_hdr(skb)->daddr;
	struct pn_dev *pn;

	list_for_each_entry_rcu(pn, &pnn->ipip_devs, rx_list) {
		if (ipv6_addr_equal(&pn->cfg.local6, daddr)) {
			pn_rx_drop(pn, skb, PN_STAT_UNKNOWN_NODE,
				   SKB_DROP_REASON_NOT_SPECIFIED);
			return 0;
		}
	}
	return -EINVAL;
}

static int pn_ip6tnl_err_unclaimed(struct sk_buff *skb,
				   struct inet6_skb_parm *opt, u8 type,
				   u8 code, int offset, __be32 info)
{
	return -ENOENT;
}

static struct xfrm6_tunnel pn_ip4ip6_unclaimed __read_mostly = {
	.handler = pn_ip6tnl_rcv_unclaimed,
	.err_handler = pn_ip6tnl_err_unclaimed,
	.priority = PN_IPIP_PRIO_UNCLAIMED,
};

static struct xfrm6_tunnel pn_ip6ip6_unclaimed __read_mostly = {
	.handler = pn_ip6tnl_rcv_unclaimed,
	.err_handler = pn_ip6tnl_err_unclaimed,
	.priority = PN_IPIP_PRIO_UNCLAIMED,
};

static struct xfrm_tunnel pn_ipip_peers __read_mostly = {
	.handler = pn_ipip_rcv,
	.err_handler = pn_ipip_err,
	.priority = PN_IPIP_PRIO_PEERS,
};

static struct xfrm_tunnel pn_ipip_unclaimed __read_mostly = {
	.handler = pn_ipip_rcv_unclaimed,
	.err_handler = pn_ipip_err_unclaimed,
	.priority = PN_IPIP_PRIO_UNCLAIMED,
};

/* The same for protocol 41. */
static struct xfrm_tunnel pn_sit_peers __read_mostly = {
	.handler = pn_ipip_rcv,
	.err_handler = pn_ipip_err,
	.priority = PN_IPIP_PRIO_PEERS,
};

static struct xfrm_tunnel pn_sit_unclaimed __read_mostly = {
	.handler = pn_ipip_rcv_unclaimed,
	.err_handler = pn_ipip_err_unclaimed,
	.priority = PN_IPIP_PRIO_UNCLAIMED,
};

/*
 * Encapsulate @skb in IPv6 to the IPv6 node of @n, as the kernel's ip6tnl
 * tunnels in mode any do (without their encapsulation limit option, which
 * a receiver need not see): next header 4 or 41, traffic class and hop
 * limit as the settings say, ECN set by RFC 6040. A packet too big for the
 * outer path is refused with ICMP, whatever its DF bit.
 */
static void pn_ip6tnl_send(struct pn_dev *pn, struct sk_buff *skb,
			   struct pn_subnet *n, u8 proto)
{
	struct net_device *dev = pn->dev;
	const struct pn_cfg *cfg = &pn->cfg;
	enum skb_drop_reason reason;
	__be16 df = htons(IP_DF);
	const struct iphdr *iph;
	struct pn_addr saddr;
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	enum pn_stat why;
	u8 tos, ttl;

	dst = pn_tunnel_outer(pn, skb, n, NULL, proto, &tos, &saddr);
	if (!dst)
		return;
	why = PN_STAT_TX_ERRORS;
	reason = SKB_DROP_REASON_IP_OUTNOROUTES;
	if (IS_ERR(dst))
		goto drop;
	why = PN_STAT_PMTU;
	reason = SKB_DROP_REASON_PKT_TOO_BIG;
	if (pn_tunnel_too_big(skb, dst, &df, PN_IPIP6_OVERHEAD, 0))
		goto drop_dst;

	why = PN_STAT_TX_ERRORS;
	reason = SKB_DROP_REASON_NOMEM;
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
			 sizeof(struct ipv6hdr)))
		goto drop_dst;
	iph = ip_hdr(skb);
	tos = ip_tunnel_ecn_encap(tos, iph, skb);
	ttl = READ_ONCE(cfg->ttl) ?: ip6_dst_hoplimit(dst);

	reason = SKB_DROP_REASON_NOT_SPECIFIED;
	if (iptunnel_handle_offloads(skb, SKB_GSO_IPXIP6))
		goto drop_dst;
	skb_set_inner_ipproto(skb, proto);
	skb_scrub_packet(skb, !net_eq(pn->net, dev_net(dev)));
	/* Only a packet below IPv6's minimum path MTU leaves in fragments. */
	skb->ignore_df = !df;

	pn_subnet_count(n, true, skb->len);
	skb_dst_set(skb, dst);
	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, tos, 0);
	ip6h->nexthdr = proto;
	ip6h->hop_limit = ttl;
	ip6h->saddr = saddr.ip6;
	ip6h->daddr = *n->peer->addr6;
	skb->protocol = htons(ETH_P_IPV6);
	pn_compat_ip6tunnel_xmit(skb, dev);
	return;

drop_dst:
	dst_release(dst);
drop:
	pn_tx_drop(pn, skb, why, reason);
}

/*
 * Encapsulate @skb to the node of @n and send it, as the kernel's ipip
 * and sit tunnels do: protocol 4 for IPv4, 41 for IPv6, outer DF as the
 * device's df setting says (by default copied from an inner IPv4 header,
 * set for IPv6), ECN set by RFC 6040.
 */
static void pn_ipip_send(struct pn_dev *pn, struct sk_buff *skb,
			 struct pn_subnet *n)
{
	struct net_device *dev = pn->dev;
	const struct pn_cfg *cfg = &pn->cfg;
	enum skb_drop_reason reason;
	const struct iphdr *iph;
	struct pn_addr saddr;
	struct dst_entry *dst;
	enum pn_stat why;
	struct rtable *rt;
	u8 tos, ttl;
	__be16 df;
	u8 proto;

	proto = skb->protocol == htons(ETH_P_IPV6) ? IPPROTO_IPV6 :
						     IPPROTO_IPIP;
	if (pn_peer_is6(n->peer)) {
		pn_ip6tnl_send(pn, skb, n, proto);
		return;
	}
	dst = pn_tunnel_outer(pn, skb, n, NULL, proto, &tos, &saddr);
	if (!dst)
		return;
	why = PN_STAT_TX_ERRORS;
	reason = SKB_DROP_REASON_IP_OUTNOROUTES;
	if (IS_ERR(dst))
		goto drop;
	rt = container_of(dst, struct rtable, dst);
	df = pn_tunnel_df(pn, skb);
	why = PN_STAT_PMTU;
	reason = SKB_DROP_REASON_PKT_TOO_BIG;
	if (pn_tunnel_too_big(skb, &rt->dst, &df, PN_IPIP_OVERHEAD, 0))
		goto drop_rt;

	why = PN_STAT_TX_ERRORS;
	reason = SKB_DROP_REASON_NOMEM;
	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			 rt->dst.header_len + sizeof(struct iphdr)))
		goto drop_rt;
	iph = ip_hdr(skb);
	tos = ip_tunnel_ecn_encap(tos, iph, skb);
	ttl = READ_ONCE(cfg->ttl) ?: ip4_dst_hoplimit(&rt->dst);

	reason = SKB_DROP_REASON_NOT_SPECIFIED;
	if (iptunnel_handle_offloads(skb, SKB_GSO_IPXIP4))
		goto drop_rt;
	skb_set_inner_ipproto(skb, proto);

	pn_subnet_count(n, true, skb->len);
	pn_compat_iptunnel_xmit(rt, skb, saddr.ip, n->peer->addr, proto,
				tos, ttl, df, !net_eq(pn->net, dev_net(dev)));
	return;

drop_rt:
	ip_rt_put(rt);
drop:
	pn_tx_drop(pn, skb, why, reason);
}

/* The subnet of an IPv6 packet's destination, or NULL when it is dropped. */
static struct pn_subnet *pn_ipip_dst6(struct pn_dev *pn, struct sk_buff *skb)
{
	enum skb_drop_reason reason;
	enum pn_stat why;

	why = PN_STAT_NOT_IP;
	reason = SKB_DROP_REASON_HDR_TRUNC;
	if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
		goto drop;
	why = PN_STAT_BCAST;
	reason = SKB_DROP_REASON_NO_TX_TARGET;
	if (ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr))
		goto drop;
	return pn_tx_lookup6(pn, skb, &ipv6_hdr(skb)->daddr);

drop:
	pn_tx_drop(pn, skb, why, reason);
	return ERR_PTR(-EINVAL);
}

/**
 * pn_ipip_xmit - send an IP packet to the node that owns its destination
 * @skb: the packet, data at its IPv4 or IPv6 header
 * @dev: the podnet device
 *
 * Called with rcu_read_lock_bh() held.
 *
 * Return: NETDEV_TX_OK; the packet is sent or dropped and counted.
 */
netdev_tx_t pn_ipip_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);
	enum skb_drop_reason reason;
	struct pn_subnet *n;
	enum pn_stat why;
	__be32 daddr;

	why = PN_STAT_NO_UNDERLAY;
	reason = SKB_DROP_REASON_DEV_READY;
	if (unlikely(!netif_carrier_ok(dev))) {
		pn_link_inc(pn, PN_LINK_TX_CARRIER_ERRORS);
		goto drop;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		n = pn_ipip_dst6(pn, skb);
		if (IS_ERR(n))
			return NETDEV_TX_OK;
		goto found;
	}
	why = PN_STAT_NOT_IP;
	reason = SKB_DROP_REASON_UNHANDLED_PROTO;
	if (skb->protocol != htons(ETH_P_IP))
		goto drop;
	reason = SKB_DROP_REASON_HDR_TRUNC;
	if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
		goto drop;
	daddr = ip_hdr(skb)->daddr;
	why = PN_STAT_BCAST;
	reason = SKB_DROP_REASON_NO_TX_TARGET;
	if (ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr))
		goto drop;
	n = pn_tx_lookup(pn, skb, daddr);
found:
	why = PN_STAT_NO_ROUTE;
	reason = SKB_DROP_REASON_NO_TX_TARGET;
	if (!n)
		goto drop;
	pn_ipip_send(pn, skb, n);
	return NETDEV_TX_OK;

drop:
	pn_tx_drop(pn, skb, why, reason);
	return NETDEV_TX_OK;
}

/* Whether the handlers are registered; under RTNL, or at module exit. */
static bool pn_ipip_registered;

/*
 * Every handler, in the order they are registered: protocols 4 and 41
 * over IPv4 (@v4) and over IPv6 (@v6), @family the inner packet's.
 */
static const struct pn_ipip_handler {
	struct xfrm_tunnel *v4;
	struct xfrm6_tunnel *v6;
	unsigned short family;
} pn_ipip_handlers[] = {
	{ .v4 = &pn_ipip_peers, .family = AF_INET },
	{ .v4 = &pn_ipip_unclaimed, .family = AF_INET },
	{ .v4 = &pn_sit_peers, .family = AF_INET6 },
	{ .v4 = &pn_sit_unclaimed, .family = AF_INET6 },
	{ .v6 = &pn_ip4ip6_peers, .family = AF_INET },
	{ .v6 = &pn_ip6ip6_peers, .family = AF_INET6 },
	{ .v6 = &pn_ip4ip6_unclaimed, .family = AF_INET },
	{ .v6 = &pn_ip6ip6_unclaimed, .family = AF_INET6 },
};

/* Deregister the first @count handlers, the last registered first. */
static void pn_ipip_deregister(unsigned int count)
{
	const struct pn_ipip_handler *h;

	while (count--) {
		h = &pn_ipip_handlers[count];
		if (h->v4)
			xfrm4_tunnel_deregister(h->v4, h->family);
		else
			pn_compat_xfrm6_tunnel_deregister(h->v6, h->family);
	}
}

static int pn_ipip_register(void)
{
	const struct pn_ipip_handler *h;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(pn_ipip_handlers); i++) {
		h = &pn_ipip_handlers[i];
		if (h->v4)
			ret = xfrm4_tunnel_register(h->v4, h->family);
		else
			ret = pn_compat_xfrm6_tunnel_register(h->v6, h->family);
		if (ret) {
			pn_ipip_deregister(i);
			pr_err("cannot register the IP-in-IP handlers: %d\n", ret);
			return ret;
		}
	}
	pn_ipip_registered = true;
	return 0;
}

/**
 * pn_ipip_open - let a device receive
 * @pn: the device being brought up, under RTNL
 *
 * The first ipip device to come up registers the protocol-4 handlers,
 * which stay until the module is unloaded: on a host that only runs VXLAN
 * devices, no podnet code sees protocol-4 packets.
 *
 * Return: 0, or the error of registering the handlers.
 */
int pn_ipip_open(struct pn_dev *pn)
{
	struct pn_net *pnn = net_generic(pn->net, pn_net_id);
	int ret;

	ASSERT_RTNL();
	if (!pn_ipip_registered) {
		ret = pn_ipip_register();
		if (ret)
			return ret;
	}
	list_add_tail_rcu(&pn->rx_list, &pnn->ipip_devs);
	return 0;
}

/**
 * pn_ipip_stop - stop receiving, once no handler can still see the device
 * @pn: the device going down, under RTNL
 */
void pn_ipip_stop(struct pn_dev *pn)
{
	list_del_rcu(&pn->rx_list);
	synchronize_net();
	INIT_LIST_HEAD(&pn->rx_list);
}

/* At module exit, after every device is gone. */
void pn_ipip_uninit(void)
{
	if (!pn_ipip_registered)
		return;
	pn_ipip_deregister(ARRAY_SIZE(pn_ipip_handlers));
	pn_ipip_registered = false;
}
