// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: neighbour discovery suppression, ARP suppression's IPv6 half
 * (RFC 4861). The table knows which MAC address answers for every IPv6
 * pod address, so neighbour solicitations the host sends through the
 * device are answered here, and none crosses the underlay. So is the
 * device's virtual IPv6 gateway (fe80::1 by default), with the device's
 * own MAC address. What else the host's IPv6 stack sends to all links,
 * duplicate address detection, router solicitations and multicast
 * listener reports, has nowhere to go: it is dropped and counted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "compat.h"
#include "podnet_private.h"

/* A neighbour advertisement with the target's link-layer address. */
#define PN_NA_LEN (sizeof(struct nd_msg) + 8)

/*
 * The ICMPv6 header of an IPv6 packet, past any extension headers, and its
 * offset from skb->data; NULL for anything else, or a fragment.
 */
static const struct icmp6hdr *pn_icmp6(struct sk_buff *skb, int *off)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	__be16 frag_off;
	int start;

	start = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
				 sizeof(struct ipv6hdr), &nexthdr, &frag_off);
	if (start < 0 || nexthdr != IPPROTO_ICMPV6 || frag_off ||
	    !pskb_may_pull(skb, start + sizeof(struct icmp6hdr)))
		return NULL;
	*off = start;
	return (const struct icmp6hdr *)(skb->data + start);
}

/*
 * Hand the host a neighbour advertisement for @target, as if @mac had sent
 * it from the wire, in answer to the solicitation @ns.
 */
static void pn_nd_answer(struct pn_dev *pn, const struct sk_buff *ns,
			 const struct in6_addr *target, const u8 *mac,
			 bool router)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(ns);
	struct net_device *dev = pn->dev;
	struct sk_buff *reply;
	struct ipv6hdr *rip6;
	struct ethhdr *eth;
	struct nd_msg *na;

	reply = netdev_alloc_skb_ip_align(dev, ETH_HLEN + sizeof(*rip6) +
					  PN_NA_LEN);
	if (!reply) {
		pn_link_inc(pn, PN_LINK_RX_DROPPED);
		return;
	}
	eth = skb_put(reply, ETH_HLEN);
	ether_addr_copy(eth->h_dest, eth_hdr(ns)->h_source);
	ether_addr_copy(eth->h_source, mac);
	eth->h_proto = htons(ETH_P_IPV6);

	rip6 = skb_put(reply, sizeof(*rip6));
	ip6_flow_hdr(rip6, 0, 0);
	rip6->payload_len = htons(PN_NA_LEN);
	rip6->nexthdr = IPPROTO_ICMPV6;
	rip6->hop_limit = 255;
	rip6->saddr = *target;
	rip6->daddr = ip6->saddr;

	na = skb_put_zero(reply, PN_NA_LEN);
	na->icmph.icmp6_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
	na->icmph.icmp6_router = router;
	na->icmph.icmp6_solicited = 1;
	na->icmph.icmp6_override = 1;
	na->target = *target;
	na->opt[0] = ND_OPT_TARGET_LL_ADDR;
	na->opt[1] = 1;		/* in units of 8 bytes */
	ether_addr_copy(&na->opt[2], mac);
	na->icmph.icmp6_cksum = csum_ipv6_magic(&rip6->saddr, &rip6->daddr,
						PN_NA_LEN, IPPROTO_ICMPV6,
						csum_partial(na, PN_NA_LEN, 0));

	reply->protocol = eth_type_trans(reply, dev);
	skb_reset_network_header(reply);
	reply->ip_summed = CHECKSUM_UNNECESSARY;
	if (netif_rx(reply) == NET_RX_DROP) {
		pn_link_inc(pn, PN_LINK_RX_DROPPED);
		return;
	}
	pn_stats_inc(pn, PN_STAT_ND_REPLY);
}

/**
 * pn_nd_lladdr - the MAC address the device answers for an IPv6 address
 * @pn: the device
 * @ip6: the address asked for
 * @subnet: set to the subnet that holds @ip6, or NULL for the gateway and
 *	for an address in no subnet
 *
 * As pn_arp_lladdr(), for neighbour discovery. The caller holds
 * rcu_read_lock().
 *
 * Return: the MAC address, or NULL when the device answers nothing for @ip6.
 */
const u8 *pn_nd_lladdr(struct pn_dev *pn, const struct in6_addr *ip6,
		       struct pn_subnet **subnet)
{
	struct pn_subnet *n = NULL;
	const u8 *mac = NULL;

	if (pn_cfg_is_gateway6(&pn->cfg, ip6)) {
		mac = pn->dev->dev_addr;
	} else {
		n = pn_table_lookup6(&pn->table, ip6);
		if (n)
			mac = n->lladdr;
	}
	*subnet = n;
	return mac;
}

/*
 * A neighbour solicitation: for the gateway, answered with our MAC; with
 * suppression on, for an address in a subnet, answered with the subnet's
 * VTEP MAC; with it off, sent on to the one node whose subnet holds the
 * target. Duplicate address detection (from ::) and targets in no subnet
 * are dropped and counted.
 */
static enum pn_nd_verdict pn_nd_solicit(struct pn_dev *pn,
					struct sk_buff *skb, int off,
					struct in6_addr *target)
{
	enum skb_drop_reason reason;
	const struct nd_msg *ns;
	struct pn_subnet *n;
	enum pn_stat why;
	const u8 *mac;

	why = PN_STAT_NOT_IP;
	reason = SKB_DROP_REASON_HDR_TRUNC;
	if (!pskb_may_pull(skb, off + sizeof(*ns)))
		goto drop;
	ns = (const struct nd_msg *)(skb->data + off);
	why = PN_STAT_DAD;
	reason = SKB_DROP_REASON_NO_TX_TARGET;
	if (ipv6_addr_any(&ipv6_hdr(skb)->saddr))
		goto drop;
	why = PN_STAT_NOT_IP;
	reason = SKB_DROP_REASON_UNHANDLED_PROTO;
	if (ipv6_addr_any(&ns->target) || ipv6_addr_is_multicast(&ns->target))
		goto drop;

	mac = pn_nd_lladdr(pn, &ns->target, &n);
	why = PN_STAT_ND_MISS;
	reason = SKB_DROP_REASON_NO_TX_TARGET;
	if (!mac) {
		pn_nl_miss(pn, AF_INET6, &ns->target, PODNET_MISS_ND);
		goto drop;
	}
	if (n && !READ_ONCE(pn->cfg.arpsuppress)) {
		*target = ns->target;
		return PN_ND_FORWARD;
	}
	/* Only the gateway, which has no subnet, answers as a router. */
	pn_nd_answer(pn, skb, &ns->target, mac, !n);
	consume_skb(skb);
	return PN_ND_DONE;

drop:
	pn_tx_drop(pn, skb, why, reason);
	return PN_ND_DONE;
}

/**
 * pn_nd_xmit - handle the neighbour discovery in an IPv6 frame the host
 *	sends into the device
 * @pn: the device
 * @skb: the frame, data at the Ethernet header, the IPv6 header pulled
 * @target: set to the address whose node must receive the frame, for
 *	%PN_ND_FORWARD
 *
 * Neighbour solicitations are answered or forwarded (pn_nd_solicit());
 * router solicitations and multicast listener messages are dropped and
 * counted, whatever their destination. Everything else, advertisements
 * among it, is the caller's to send as any IPv6 packet.
 *
 * Return: what became of the frame.
 */
enum pn_nd_verdict pn_nd_xmit(struct pn_dev *pn, struct sk_buff *skb,
			      struct in6_addr *target)
{
	const struct icmp6hdr *ic;
	enum pn_stat why;
	int off;

	ic = pn_icmp6(skb, &off);
	if (!ic)
		return PN_ND_PASS;
	switch (ic->icmp6_type) {
	case NDISC_NEIGHBOUR_SOLICITATION:
		return pn_nd_solicit(pn, skb, off, target);
	case NDISC_ROUTER_SOLICITATION:
		why = PN_STAT_RS;
		break;
	case ICMPV6_MGM_QUERY:
	case ICMPV6_MGM_REPORT:
	case ICMPV6_MGM_REDUCTION:
	case ICMPV6_MLD2_REPORT:
		why = PN_STAT_MLD;
		break;
	default:
		return PN_ND_PASS;
	}
	pn_tx_drop(pn, skb, why, SKB_DROP_REASON_NO_TX_TARGET);
	return PN_ND_DONE;
}
