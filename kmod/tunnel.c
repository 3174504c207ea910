// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: what both encapsulations share on transmit, the outer route and
 * the path MTU check, direct routing to on-link nodes, and the per-subnet
 * counters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmpv6.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_fib.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/neighbour.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "compat.h"
#include "podnet_private.h"

/*
 * A subnet's counters are made when it first carries a packet, so that a
 * table of many peers that are rarely or never talked to holds no per-CPU
 * memory for them. Without the memory, the packet goes uncounted and the
 * next one asks again: an atomic per-CPU allocation fails while the
 * allocator's reserve is refilled, not for good.
 */
static struct pn_subnet_stats __percpu *pn_subnet_stats_init(struct pn_subnet *n)
{
	struct pn_subnet_stats __percpu *stats, *old;

	stats = __netdev_alloc_pcpu_stats(struct pn_subnet_stats, GFP_ATOMIC);
	if (!stats)
		return NULL;
	/* Another CPU may have been first. */
	old = cmpxchg(&n->stats, NULL, stats);
	if (old) {
		free_percpu(stats);
		return old;
	}
	return stats;
}

void pn_subnet_count(struct pn_subnet *n, bool tx, unsigned int len)
{
	struct pn_subnet_stats __percpu *stats = READ_ONCE(n->stats);
	struct pn_subnet_stats *s;

	if (unlikely(!stats)) {
		stats = pn_subnet_stats_init(n);
		if (!stats)
			return;
	}
	s = this_cpu_ptr(stats);
	u64_stats_update_begin(&s->syncp);
	if (tx) {
		u64_stats_inc(&s->tx_packets);
		u64_stats_add(&s->tx_bytes, len);
	} else {
		u64_stats_inc(&s->rx_packets);
		u64_stats_add(&s->rx_bytes, len);
	}
	u64_stats_update_end(&s->syncp);
}

/*
 * The outer route to @peer, looked up now, with its source in @saddr; one
 * back into the device itself is refused.
 */
static struct rtable *pn_route4(const struct pn_dev *pn,
				const struct pn_peer *peer, u8 tos, u8 proto,
				__be32 *saddr)
{
	struct flowi4 fl4;
	struct rtable *rt;

	memset(&fl4, 0, sizeof(fl4));
	fl4.flowi4_oif = READ_ONCE(pn->cfg.link);
	pn_compat_flowi4_set_tos(&fl4, tos);
	fl4.flowi4_proto = proto;
	fl4.daddr = peer->addr;
	fl4.saddr = READ_ONCE(pn->cfg.local);
	if (proto == IPPROTO_UDP)
		fl4.fl4_dport = READ_ONCE(pn->cfg.port);
	rt = ip_route_output_key(pn->net, &fl4);
	if (IS_ERR(rt))
		return rt;
	if (rt->dst.dev == pn->dev) {
		ip_rt_put(rt);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl4.saddr;
	return rt;
}

/* As pn_route4(), to an IPv6 node, from the device's IPv6 local address. */
static struct dst_entry *pn_route6(const struct pn_dev *pn,
				   const struct pn_peer *peer, struct sock *sk,
				   u8 tos, u8 proto, struct in6_addr *saddr)
{
	struct dst_entry *dst;
	struct flowi6 fl6;
	int i;

	memset(&fl6, 0, sizeof(fl6));
	fl6.flowi6_oif = READ_ONCE(pn->cfg.link);
	fl6.flowlabel = ip6_make_flowinfo(tos, 0);
	fl6.flowi6_proto = proto;
	fl6.daddr = *peer->addr6;
	for (i = 0; i < 4; i++)
		fl6.saddr.s6_addr32[i] = READ_ONCE(pn->cfg.local6.s6_addr32[i]);
	if (proto == IPPROTO_UDP)
		fl6.fl6_dport = READ_ONCE(pn->cfg.port);
	dst = ip6_dst_lookup_flow(pn->net, sk, &fl6, NULL);
	if (IS_ERR(dst))
		return dst;
	if (dst->dev == pn->dev) {
		dst_release(dst);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl6.saddr;
	return dst;
}

/*
 * The outer route to @peer over its family, looked up now, with its source
 * in @saddr.
 */
static struct dst_entry *pn_peer_route(const struct pn_dev *pn,
				       const struct pn_peer *peer,
				       struct sock *sk, u8 tos, u8 proto,
				       struct pn_addr *saddr)
{
	struct rtable *rt;

	if (pn_peer_is6(peer)) {
		saddr->af = PN_AF6;
		return pn_route6(pn, peer, sk, tos, proto, &saddr->ip6);
	}
	saddr->af = PN_AF4;
	rt = pn_route4(pn, peer, tos, proto, &saddr->ip);
	return IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
}

/**
 * pn_tunnel_route - the outer route to a subnet's node
 * @pn: the device
 * @n: the subnet
 * @sk: the socket an outer IPv6 packet goes out on, or NULL
 * @tos: the outer TOS
 * @cached: whether the route may be cached: the TOS is the device's, not
 *	taken from each packet
 * @proto: the outer protocol
 * @saddr: set to the outer source address, of the node's family
 *
 * The route is cached in the subnet's peer, which its node's other subnets
 * share. The settings are read once each, since they may change meanwhile
 * (pn_routes_reset() then drops what was cached).
 *
 * Return: the route, or an ERR_PTR.
 */
static struct dst_entry *pn_tunnel_route(struct pn_dev *pn,
					 struct pn_subnet *n,
					 struct sock *sk, u8 tos, bool cached,
					 u8 proto, struct pn_addr *saddr)
{
	struct dst_cache *cache = &n->peer->dst_cache;
	bool ip6 = pn_peer_is6(n->peer);
	struct dst_entry *dst;
	struct rtable *rt;

	if (cached && unlikely(!READ_ONCE(cache->cache))) {
		pn_peer_want_cache(&pn->table, n->peer);
		cached = false;
	}
	if (cached) {
		if (ip6) {
			saddr->af = PN_AF6;
			dst = dst_cache_get_ip6(cache, &saddr->ip6);
		} else {
			saddr->af = PN_AF4;
			rt = dst_cache_get_ip4(cache, &saddr->ip);
			dst = rt ? &rt->dst : NULL;
		}
		if (dst)
			return dst;
	}

	dst = pn_peer_route(pn, n->peer, sk, tos, proto, saddr);
	if (!cached || IS_ERR(dst))
		return dst;
	if (ip6)
		dst_cache_set_ip6(cache, dst, &saddr->ip6);
	else
		dst_cache_set_ip4(cache, dst, saddr->ip);
	return dst;
}

/**
 * pn_tunnel_df - the DF bit of the outer header
 * @pn: the device
 * @skb: the packet, network header at its IPv4 or IPv6 header, if any
 *
 * To inherit DF is to copy an inner IPv4 header's, and to set it for IPv6,
 * which routers never fragment.
 *
 * Return: htons(IP_DF) or 0, as the device's df setting asks.
 */
__be16 pn_tunnel_df(const struct pn_dev *pn, const struct sk_buff *skb)
{
	switch (READ_ONCE(pn->cfg.df)) {
	case PODNET_DF_SET:
		return htons(IP_DF);
	case PODNET_DF_INHERIT:
		if (skb->protocol == htons(ETH_P_IP))
			return ip_hdr(skb)->frag_off & htons(IP_DF);
		return skb->protocol == htons(ETH_P_IPV6) ? htons(IP_DF) : 0;
	default:
		return 0;
	}
}

/* Whether @skb, @hlen bytes in front of its IP header, fits @mtu. */
static bool pn_fits(const struct sk_buff *skb, int mtu, int hlen)
{
	if (skb_is_gso(skb))
		return skb_gso_validate_network_len(skb, mtu);
	return skb->len - hlen <= mtu;
}

/**
 * pn_tunnel_too_big - whether a packet, once encapsulated, is too big
 * @skb: the packet, IPv4 or IPv6
 * @dst: the outer route, IPv4 or IPv6
 * @df: the outer DF bit, set for an IPv6 outer header; cleared when the
 *	outer packet must be fragmented
 * @overhead: the bytes encapsulation adds in front of the inner IP header
 * @hlen: the link-layer header in front of the inner IP header in @skb
 *
 * An IPv4 packet whose outer packet has DF and does not fit the outer
 * route is refused, and the sender learns the MTU it must use, as from a
 * router on the path; it would otherwise be dropped without a word here or
 * at the next router. Without DF, the outer packet is sent and fragmented
 * instead, whatever the inner DF bit: the inner packet itself arrives
 * whole. An IPv6 sender is told whatever the DF setting, as routers never
 * fragment IPv6, unless the path is narrower than IPv6's minimum MTU: then
 * the outer packet goes without DF and is fragmented.
 *
 * Return: true when @skb must be dropped.
 */
bool pn_tunnel_too_big(struct sk_buff *skb, struct dst_entry *dst, __be16 *df,
		       int overhead, int hlen)
{
	int mtu = dst_mtu(dst) - overhead;
	bool ip6 = skb->protocol == htons(ETH_P_IPV6);

	if (!*df && !ip6)
		return false;
	if (pn_fits(skb, mtu, hlen))
		return false;
	if (ip6) {
		if (mtu < IPV6_MIN_MTU) {
			*df = 0;
			return false;
		}
		skb_dst_update_pmtu_no_confirm(skb, mtu);
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
		return true;
	}
	mtu = max(mtu, IPV4_MIN_MTU);
	skb_dst_update_pmtu_no_confirm(skb, mtu);
	icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
	return true;
}

/**
 * pn_direct_route - whether an outer route reaches its node on-link
 * @pn: the device
 * @dst: the outer route to a node, IPv4 or IPv6
 * @ip6: it is an IPv6 route
 *
 * On-link is flannel's rule for direct routing: the route has no gateway
 * and leaves by the device's underlay device, as pn_underlay_update()
 * last found it. A route through an IPsec transformation is not.
 *
 * Return: true when packets to the node may go to it unencapsulated.
 */
static bool pn_direct_route(const struct pn_dev *pn,
			    const struct dst_entry *dst, bool ip6)
{
	int lower = READ_ONCE(pn->lower);
	const struct rtable *rt;

	if (!lower || dst->dev->ifindex != lower || dst_xfrm(dst))
		return false;
	if (ip6)
		return !(container_of(dst, struct rt6_info, dst)->rt6i_flags &
			 (RTF_GATEWAY | RTF_REJECT));
	rt = container_of(dst, struct rtable, dst);
	return rt->rt_type == RTN_UNICAST && !rt->rt_gw_family;
}

/**
 * pn_direct_xmit - send a packet to its node as it is, not encapsulated
 * @pn: the device, with direct on
 * @skb: the packet, IPv4 or IPv6, its link-layer header (VXLAN mode) in
 *	front of its network header
 * @n: the subnet of its destination
 * @dst: the outer route to the node of @n; the caller's to release unless
 *	this returns true
 *
 * A unicast packet of the node's family whose outer route is on-link
 * (pn_direct_route()) leaves by the underlay device as the host would
 * forward it to the node as a router: the node's underlay address is its
 * next hop, resolved by the underlay's neighbour table. One that does not
 * fit the route is refused with ICMP when it may not be fragmented (IPv6,
 * IPv4 with DF), and left to encapsulation otherwise, whose outer packet
 * may be fragmented.
 *
 * Return: true when @skb was sent or dropped here and @dst consumed;
 * false when it is the caller's to encapsulate.
 */
static bool pn_direct_xmit(struct pn_dev *pn, struct sk_buff *skb,
			   struct pn_subnet *n, struct dst_entry *dst)
{
	bool ip6 = skb->protocol == htons(ETH_P_IPV6);
	struct net_device *lower = dst->dev;
	int hlen = skb_network_offset(skb);
	enum skb_drop_reason reason;
	struct neighbour *neigh;
	unsigned int len;
	enum pn_stat why;
	__be16 df;
	int ret;

	if (ip6 != pn_peer_is6(n->peer) ||
	    (ip6 && ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr)) ||
	    !pn_direct_route(pn, dst, ip6))
		return false;
	if (!pn_fits(skb, dst_mtu(dst), hlen)) {
		df = ip6 ? htons(IP_DF) : ip_hdr(skb)->frag_off & htons(IP_DF);
		if (!pn_tunnel_too_big(skb, dst, &df, 0, hlen))
			return false;
		why = PN_STAT_PMTU;
		reason = SKB_DROP_REASON_PKT_TOO_BIG;
		goto drop;
	}
	/* The room the device's own header took is the underlay's now. */
	__skb_pull(skb, hlen);
	why = PN_STAT_TX_ERRORS;
	reason = SKB_DROP_REASON_NOMEM;
	if (skb_cow_head(skb, LL_RESERVED_SPACE(lower)))
		goto drop;

	/* The outer route only chose the way; it is not attached. A packet
	 * queued for neighbour resolution would be sent on by its route's
	 * next hop, which for an on-link route is the packet's own
	 * destination, a pod, instead of the node.
	 */
	skb_scrub_packet(skb, !net_eq(pn->net, dev_net(pn->dev)));
	skb->dev = lower;
	rcu_read_lock();
	neigh = ip6 ? ip_neigh_gw6(lower, n->peer->addr6) :
		      ip_neigh_gw4(lower, n->peer->addr);
	if (IS_ERR(neigh)) {
		rcu_read_unlock();
		why = PN_STAT_TX_ERRORS;
		reason = SKB_DROP_REASON_NEIGH_CREATEFAIL;
		goto drop;
	}
	len = skb->len;
	pn_subnet_count(n, true, len);
	ret = neigh_output(neigh, skb, false);
	rcu_read_unlock();
	dst_release(dst);
	iptunnel_xmit_stats(pn->dev, net_xmit_eval(ret) ? -1 : len);
	return true;

drop:
	dst_release(dst);
	pn_tx_drop(pn, skb, why, reason);
	return true;
}

/**
 * pn_tunnel_outer - the outer route of a packet, unless it goes direct
 * @pn: the device
 * @skb: the packet: IPv4 or IPv6 at its network header, or in VXLAN mode
 *	a frame the table forwards (ARP)
 * @n: the subnet of its destination
 * @sk: the socket an outer IPv6 packet is sent on, or NULL
 * @proto: the outer protocol (IPPROTO_UDP), or in ipip mode the inner
 *	packet's (IPPROTO_IPIP or IPPROTO_IPV6)
 * @tos: set to the outer TOS: the device's, or the inner packet's with
 *	tos inherit
 * @saddr: set to the outer source address, of the node's family
 *
 * What every encapsulation does first: the outer route to the node, over
 * the node's family, cached in its peer unless the TOS is each packet's
 * own; and with direct on, a packet whose node is on-link leaves here
 * unencapsulated (pn_direct_xmit()).
 *
 * Return: the outer route, for the caller to release; NULL when @skb was
 * sent direct or dropped there; an ERR_PTR when there is no route, counted
 * as a carrier error, @skb the caller's to drop.
 */
struct dst_entry *pn_tunnel_outer(struct pn_dev *pn, struct sk_buff *skb,
				  struct pn_subnet *n, struct sock *sk,
				  u8 proto, u8 *tos, struct pn_addr *saddr)
{
	bool ip = skb->protocol == htons(ETH_P_IP) ||
		  skb->protocol == htons(ETH_P_IPV6);
	struct dst_entry *dst;
	bool cached;

	*tos = READ_ONCE(pn->cfg.tos);
	cached = *tos != 1;
	if (!cached)
		*tos = ip ? ip_tunnel_get_dsfield(ip_hdr(skb), skb) : 0;
	dst = pn_tunnel_route(pn, n, sk, *tos, cached, proto, saddr);
	if (IS_ERR(dst)) {
		pn_link_inc(pn, PN_LINK_TX_CARRIER_ERRORS);
		return dst;
	}
	if (ip && READ_ONCE(pn->cfg.direct) && pn_direct_xmit(pn, skb, n, dst))
		return NULL;
	return dst;
}

/**
 * pn_subnet_direct - whether packets to a subnet go direct now
 * @pn: the device, with direct on
 * @n: the subnet
 *
 * Looks the outer route up afresh, as the next packet would find it, for
 * a dump or a get. Called under rcu_read_lock() or rcu_read_lock_bh().
 *
 * Return: true when its node is of the prefix's family and on-link.
 */
bool pn_subnet_direct(const struct pn_dev *pn, const struct pn_subnet *n)
{
	u8 proto = pn_is_ipip(pn) ? IPPROTO_IPIP : IPPROTO_UDP;
	bool prefix6 = n->node.af == PN_AF6;
	bool ip6 = pn_peer_is6(n->peer);
	u8 tos = READ_ONCE(pn->cfg.tos);
	struct dst_entry *dst;
	struct pn_addr saddr;
	bool direct;

	if (prefix6 != ip6)
		return false;
	if (ip6 && proto == IPPROTO_IPIP)
		proto = IPPROTO_IPV6;
	dst = pn_peer_route(pn, n->peer, NULL, tos == 1 ? 0 : tos, proto,
			    &saddr);
	if (IS_ERR(dst))
		return false;
	direct = pn_direct_route(pn, dst, ip6);
	dst_release(dst);
	return direct;
}

/**
 * pn_tx_drop - drop a packet the device was given, counting why
 * @pn: the device
 * @skb: the packet
 * @why: the named counter
 * @reason: what the kfree_skb tracepoint reports
 */
void pn_tx_drop(struct pn_dev *pn, struct sk_buff *skb, enum pn_stat why,
		enum skb_drop_reason reason)
{
	pn_stats_inc(pn, why);
	pn_link_inc(pn, PN_LINK_TX_DROPPED);
	kfree_skb_reason(skb, reason);
}

/**
 * pn_tx_lookup - the subnet that carries a packet's destination
 * @pn: the device
 * @skb: the packet
 * @daddr: its destination
 *
 * Called under rcu_read_lock_bh(). A destination in no subnet raises a
 * miss event, and an IPv4 sender is told the network is unreachable.
 *
 * Return: the subnet, or NULL; the caller drops the packet then.
 */
struct pn_subnet *pn_tx_lookup(struct pn_dev *pn, struct sk_buff *skb,
			       __be32 daddr)
{
	struct pn_subnet *n = pn_table_lookup(&pn->table, daddr);

	if (n)
		return n;
	pn_nl_miss(pn, AF_INET, &daddr, PODNET_MISS_IP);
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_NET_UNREACH, 0);
	return NULL;
}

/**
 * pn_tx_lookup6 - the subnet that carries an IPv6 packet's destination
 * @pn: the device
 * @skb: the packet, IPv6
 * @daddr: its destination
 *
 * As pn_tx_lookup(); the sender is told there is no route.
 *
 * Return: the subnet, or NULL; the caller drops the packet then.
 */
struct pn_subnet *pn_tx_lookup6(struct pn_dev *pn, struct sk_buff *skb,
				const struct in6_addr *daddr)
{
	struct pn_subnet *n = pn_table_lookup6(&pn->table, daddr);

	if (n)
		return n;
	pn_nl_miss(pn, AF_INET6, daddr, PODNET_MISS_IP);
	icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_NOROUTE, 0);
	return NULL;
}
