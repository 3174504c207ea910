// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: what both encapsulations share on receive, once their own
 * header is off: the source check, ECN, the counters and delivery.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/inet_ecn.h>

#include "compat.h"
#include "podnet_private.h"

/**
 * pn_rx_drop - drop a packet from the underlay, counting why
 * @pn: the device it was for
 * @skb: the packet
 * @why: the named counter, or PN_STAT_NONE
 * @reason: what the kfree_skb tracepoint reports
 */
void pn_rx_drop(struct pn_dev *pn, struct sk_buff *skb, enum pn_stat why,
		enum skb_drop_reason reason)
{
	if (why != PN_STAT_NONE)
		pn_stats_inc(pn, why);
	pn_link_inc(pn, PN_LINK_RX_DROPPED);
	kfree_skb_reason(skb, reason);
}

/**
 * pn_rcv_deliver - hand a decapsulated packet to the host
 * @pn: the device
 * @skb: the packet, its headers set for the device
 */
void pn_rcv_deliver(struct pn_dev *pn, struct sk_buff *skb)
{
	dev_sw_netstats_rx_add(pn->dev, skb->len);
	gro_cells_receive(&pn->gro_cells, skb);
}

/* With the source check on, only a subnet's own node may send from it. */
static bool pn_rcv_src_ok(const struct pn_dev *pn, const struct pn_subnet *n,
			  const struct pn_addr *osaddr)
{
	return !READ_ONCE(pn->cfg.srccheck) ||
	       (n && pn_peer_is(n->peer, osaddr));
}

/* RFC 6040: the outer ECN field carried into the inner header. */
static bool pn_rcv_ecn_ok(struct pn_dev *pn, struct sk_buff *skb, u8 otos,
			  bool ip6)
{
	u8 itos = ip6 ? ipv6_get_dsfield(ipv6_hdr(skb)) : ip_hdr(skb)->tos;

	if (INET_ECN_decapsulate(skb, otos, itos) <= 1)
		return true;
	pn_link_inc(pn, PN_LINK_RX_FRAME_ERRORS);
	pn_rx_drop(pn, skb, PN_STAT_NONE, SKB_DROP_REASON_IP_TUNNEL_ECN);
	return false;
}

/**
 * pn_rcv_finish - deliver a decapsulated IP packet, or drop it
 * @pn: the device that took it
 * @skb: the packet, network header at the inner IPv4 or IPv6 header (as
 *	skb->protocol says), which is pulled; skb->dev and skb->pkt_type set
 *	for @pn
 * @osaddr: the outer source address, IPv4 or IPv6, the node that sent it
 * @otos: the outer TOS or traffic class
 *
 * The tail of receive in both modes, in softirq context under
 * rcu_read_lock(). The inner source must lie in a subnet of @osaddr (when
 * the source check is on), and the outer ECN field must not contradict
 * the inner one; then the packet is counted on its subnet and the device
 * and handed to GRO. A packet that fails is dropped and counted.
 */
void pn_rcv_finish(struct pn_dev *pn, struct sk_buff *skb,
		   const struct pn_addr *osaddr, u8 otos)
{
	bool ip6 = skb->protocol == htons(ETH_P_IPV6);
	struct pn_subnet *n;

	if (ip6)
		n = pn_table_lookup6(&pn->table, &ipv6_hdr(skb)->saddr);
	else
		n = pn_table_lookup(&pn->table, ip_hdr(skb)->saddr);
	if (!pn_rcv_src_ok(pn, n, osaddr)) {
		pn_rx_drop(pn, skb, PN_STAT_SRC_CHECK,
			   SKB_DROP_REASON_IP_RPFILTER);
		return;
	}
	if (!pn_rcv_ecn_ok(pn, skb, otos, ip6))
		return;
	if (n)
		pn_subnet_count(n, false, skb->len);
	pn_rcv_deliver(pn, skb);
}
