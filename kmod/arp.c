// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: ARP suppression. The table knows which MAC address answers for
 * every pod address, so ARP requests the host sends through the device are
 * answered here and none crosses the underlay; there is nothing to flood
 * to, so broadcast frames go nowhere.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <net/arp.h>

#include "compat.h"
#include "podnet_private.h"

/*
 * The sender and target of an Ethernet/IPv4 ARP packet at the network
 * header, or NULL for anything else.
 */
static const u8 *pn_arp_parse(struct sk_buff *skb, __be32 *sip, __be32 *tip)
{
	const struct arphdr *ah;
	const u8 *p;

	if (!pskb_network_may_pull(skb, arp_hdr_len(skb->dev)))
		return NULL;
	ah = arp_hdr(skb);
	if (ah->ar_hrd != htons(ARPHRD_ETHER) ||
	    ah->ar_pro != htons(ETH_P_IP) ||
	    ah->ar_hln != ETH_ALEN || ah->ar_pln != sizeof(*sip))
		return NULL;
	p = (const u8 *)(ah + 1);
	memcpy(sip, p + ETH_ALEN, sizeof(*sip));
	memcpy(tip, p + 2 * ETH_ALEN + sizeof(*sip), sizeof(*tip));
	return p;
}

/* Hand the host an ARP reply, as if @mac had sent it from the wire. */
static void pn_arp_answer(struct pn_dev *pn, const u8 *sha, __be32 sip,
			  __be32 tip, const u8 *mac)
{
	struct net_device *dev = pn->dev;
	struct sk_buff *reply;

	reply = arp_create(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha, mac,
			   sha);
	if (!reply) {
		pn_link_inc(pn, PN_LINK_RX_DROPPED);
		return;
	}
	skb_reset_mac_header(reply);
	__skb_pull(reply, skb_network_offset(reply));
	reply->ip_summed = CHECKSUM_UNNECESSARY;
	reply->pkt_type = PACKET_HOST;
	if (netif_rx(reply) == NET_RX_DROP) {
		pn_link_inc(pn, PN_LINK_RX_DROPPED);
		return;
	}
	pn_stats_inc(pn, PN_STAT_ARP_REPLY);
}

/**
 * pn_arp_lladdr - the MAC address the device answers for an IPv4 address
 * @pn: the device
 * @ip: the address asked for
 * @subnet: set to the subnet that holds @ip, or NULL for the gateway and
 *	for an address in no subnet
 *
 * The gateway is answered with the device's own MAC address, an address in
 * a subnet with that subnet's VTEP MAC address. ARP suppression and the
 * renewal of neighbours after a subnet replace both ask here, so that they
 * agree. The caller holds rcu_read_lock().
 *
 * Return: the MAC address, or NULL when the device answers nothing for @ip.
 */
const u8 *pn_arp_lladdr(struct pn_dev *pn, __be32 ip,
			struct pn_subnet **subnet)
{
	struct pn_subnet *n = NULL;
	const u8 *mac = NULL;

	if (ip && ip == READ_ONCE(pn->cfg.gateway)) {	/* 0: no gateway */
		mac = pn->dev->dev_addr;
	} else {
		n = pn_table_lookup(&pn->table, ip);
		if (n)
			mac = n->lladdr;
	}
	*subnet = n;
	return mac;
}

/**
 * pn_arp_xmit - handle an ARP frame the host sends into the device
 * @pn: the device
 * @skb: the frame, data at the Ethernet header
 *
 * Requests for the gateway are answered with the device's MAC address;
 * with suppression on, requests for addresses in a subnet are answered
 * with that subnet's VTEP MAC address. Gratuitous ARP, probes, requests
 * for addresses in no subnet and frames whose target address is 0.0.0.0
 * (the host's reply to a peer's probe, say) are dropped and counted.
 *
 * Return: the address whose node must receive the frame (a reply, or a
 * request with suppression off), or 0 when the frame was consumed.
 */
__be32 pn_arp_xmit(struct pn_dev *pn, struct sk_buff *skb)
{
	enum skb_drop_reason reason;
	const struct arphdr *ah;
	struct pn_subnet *n;
	const u8 *sha, *mac;
	enum pn_stat why;
	__be32 sip, tip;

	why = PN_STAT_NOT_IP;
	reason = SKB_DROP_REASON_UNHANDLED_PROTO;
	sha = pn_arp_parse(skb, &sip, &tip);
	if (!sha)
		goto drop;
	ah = arp_hdr(skb);
	why = PN_STAT_BCAST;
	reason = SKB_DROP_REASON_NO_TX_TARGET;
	if (!sip || !tip || sip == tip)	/* a probe, for no one, gratuitous */
		goto drop;
	if (ah->ar_op == htons(ARPOP_REPLY))
		return tip;
	why = PN_STAT_NOT_IP;
	reason = SKB_DROP_REASON_UNHANDLED_PROTO;
	if (ah->ar_op != htons(ARPOP_REQUEST))
		goto drop;

	mac = pn_arp_lladdr(pn, tip, &n);
	why = PN_STAT_ARP_MISS;
	reason = SKB_DROP_REASON_NO_TX_TARGET;
	if (!mac) {
		pn_nl_miss(pn, AF_INET, &tip, PODNET_MISS_ARP);
		goto drop;
	}
	if (n && !READ_ONCE(pn->cfg.arpsuppress))
		return tip;
	pn_arp_answer(pn, sha, sip, tip, mac);
	consume_skb(skb);
	return 0;

drop:
	pn_tx_drop(pn, skb, why, reason);
	return 0;
}

/**
 * pn_arp_rcv_ok - whether an ARP packet from the overlay may pass
 * @pn: the device
 * @skb: the packet, data at the ARP header
 * @node: the outer source address
 *
 * ARP from a peer (a flannel node in learning mode, say) reaches the host,
 * which answers for its own addresses; with the source check on, only
 * when its sender address lies in a subnet of the node that sent it.
 *
 * Return: true to deliver it.
 */
bool pn_arp_rcv_ok(struct pn_dev *pn, struct sk_buff *skb,
		   const struct pn_addr *node)
{
	struct pn_subnet *n;
	__be32 sip, tip;

	if (!pn_arp_parse(skb, &sip, &tip))
		return false;
	if (!READ_ONCE(pn->cfg.srccheck))
		return true;
	n = pn_table_lookup(&pn->table, sip);
	return n && pn_peer_is(n->peer, node);
}
