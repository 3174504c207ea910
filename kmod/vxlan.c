// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: VXLAN encapsulation, byte for byte what a flannel node sends with
 * the kernel's vxlan driver (VNI 1, port 8472, zero UDP checksum), and its
 * receive side on a UDP tunnel socket shared by the devices on one port.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <net/gro.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "compat.h"
#include "podnet_private.h"

/* Room for the outer IP, UDP and VXLAN headers in front of the frame. */
#define PN_VXLAN_PUSH (sizeof(struct iphdr) + VXLAN_HLEN)
#define PN_VXLAN6_PUSH (sizeof(struct ipv6hdr) + VXLAN_HLEN)

/*
 * Each family's socket lists its devices by an entry of its own. Read
 * under RCU on receive, and under RTNL, the writers' lock, on open.
 */
static struct pn_dev *pn_sock_dev(struct pn_sock *ps, u32 vni)
{
	struct pn_dev *pn;

	if (ps->family == AF_INET6) {
		list_for_each_entry_rcu(pn, &ps->devs, rx_list6,
					lockdep_rtnl_is_held())
			if (pn->cfg.vni == vni)
				return pn;
		return NULL;
	}
	list_for_each_entry_rcu(pn, &ps->devs, rx_list, lockdep_rtnl_is_held())
		if (pn->cfg.vni == vni)
			return pn;
	return NULL;
}

/* Any device of @ps, to count a drop on that names no device. */
static struct pn_dev *pn_sock_any_dev(struct pn_sock *ps)
{
	if (ps->family == AF_INET6)
		return list_first_or_null_rcu(&ps->devs, struct pn_dev,
					      rx_list6);
	return list_first_or_null_rcu(&ps->devs, struct pn_dev, rx_list);
}

/**
 * pn_vxlan_rcv - take a VXLAN packet off the UDP socket
 * @sk: the tunnel socket
 * @skb: the packet, data at the UDP header
 *
 * Called under rcu_read_lock() in softirq context. Packets with unexpected
 * flags, for another VNI, or that carry anything but IPv4, IPv6 or ARP are
 * dropped and counted on the device; the rest go on to pn_rcv_finish(),
 * ARP to the host when pn_arp_rcv_ok() lets it.
 *
 * Return: 0, the packet is consumed.
 */
static int pn_vxlan_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct pn_sock *ps = rcu_dereference_sk_user_data(sk);
	enum skb_drop_reason reason;
	struct pn_dev *pn = NULL;
	struct pn_addr osaddr;
	struct vxlanhdr *vh;
	enum pn_stat why;
	u8 otos;

	reason = SKB_DROP_REASON_DEV_READY;
	if (!ps)
		goto free;
	why = PN_STAT_BAD_HEADER;
	reason = SKB_DROP_REASON_HDR_TRUNC;
	if (!pskb_may_pull(skb, VXLAN_HLEN))
		goto drop;
	vh = (struct vxlanhdr *)(udp_hdr(skb) + 1);
	pn = pn_sock_dev(ps, be32_to_cpu(vh->vx_vni) >> 8);
	reason = SKB_DROP_REASON_VXLAN_INVALID_HDR;
	if (vh->vx_flags != VXLAN_HF_VNI || (vh->vx_vni & ~VXLAN_VNI_MASK))
		goto drop;
	why = PN_STAT_BAD_VNI;
	reason = SKB_DROP_REASON_VXLAN_VNI_NOT_FOUND;
	if (!pn)
		goto drop;

	if (ps->family == AF_INET6) {
		osaddr.af = PN_AF6;
		osaddr.ip6 = ipv6_hdr(skb)->saddr;
		otos = ipv6_get_dsfield(ipv6_hdr(skb));
	} else {
		osaddr.af = PN_AF4;
		osaddr.ip = ip_hdr(skb)->saddr;
		otos = ip_hdr(skb)->tos;
	}
	why = PN_STAT_BAD_HEADER;
	reason = SKB_DROP_REASON_HDR_TRUNC;
	if (iptunnel_pull_header(skb, VXLAN_HLEN, htons(ETH_P_TEB),
				 !net_eq(pn->net, dev_net(pn->dev))) ||
	    !pskb_may_pull(skb, ETH_HLEN))
		goto drop;

	skb_reset_mac_header(skb);
	skb->protocol = eth_type_trans(skb, pn->dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	skb_reset_network_header(skb);
	if (skb->protocol == htons(ETH_P_ARP)) {
		why = PN_STAT_SRC_CHECK;
		reason = SKB_DROP_REASON_IP_RPFILTER;
		if (!pn_arp_rcv_ok(pn, skb, &osaddr))
			goto drop;
		pn_rcv_deliver(pn, skb);
		return 0;
	}
	why = PN_STAT_NOT_IP;
	reason = SKB_DROP_REASON_UNHANDLED_PROTO;
	if (skb->protocol != htons(ETH_P_IP) &&
	    skb->protocol != htons(ETH_P_IPV6))
		goto drop;
	why = PN_STAT_BAD_HEADER;
	reason = SKB_DROP_REASON_HDR_TRUNC;
	if (!pskb_may_pull(skb, skb->protocol == htons(ETH_P_IP) ?
			   sizeof(struct iphdr) : sizeof(struct ipv6hdr)))
		goto drop;

	/* The table, not the inner MAC address, says whom a frame is for. */
	if (skb->pkt_type == PACKET_OTHERHOST)
		skb->pkt_type = PACKET_HOST;
	pn_rcv_finish(pn, skb, &osaddr, otos);
	return 0;

drop:
	if (!pn)
		pn = pn_sock_any_dev(ps);
	if (pn) {
		pn_rx_drop(pn, skb, why, reason);
		return 0;
	}
free:
	kfree_skb_reason(skb, reason);
	return 0;
}

static struct sk_buff *pn_vxlan_gro_receive(struct sock *sk,
					    struct list_head *head,
					    struct sk_buff *skb)
{
	unsigned int off = skb_gro_offset(skb);
	struct sk_buff *pp = NULL, *p;
	struct vxlanhdr *vh, *vh2;
	int flush = 1;

	vh = skb_gro_header(skb, off + sizeof(*vh), off);
	if (!vh || vh->vx_flags != VXLAN_HF_VNI)
		goto out;
	skb_gro_postpull_rcsum(skb, vh, sizeof(*vh));

	/* Only frames of the same VNI are one flow. */
	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		vh2 = (struct vxlanhdr *)(p->data + off);
		if (vh->vx_flags != vh2->vx_flags || vh->vx_vni != vh2->vx_vni)
			NAPI_GRO_CB(p)->same_flow = 0;
	}
	skb_gro_pull(skb, sizeof(*vh));
	pp = call_gro_receive(eth_gro_receive, head, skb);
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

static int pn_vxlan_gro_complete(struct sock *sk, struct sk_buff *skb,
				 int nhoff)
{
	return eth_gro_complete(skb, nhoff + sizeof(struct vxlanhdr));
}

/*
 * Encapsulate @skb to the node of @n and send it, over the underlay of
 * the node's family. The inner Ethernet header is rewritten from the table
 * (our MAC to the subnet's VTEP MAC), so the neighbour entry the host used
 * does not matter. Over IPv4 the UDP checksum is zero, as flannel's vxlan
 * device sends it; over IPv6 it is computed, since a receiver drops zero
 * checksums unless told otherwise (RFC 6935), and any packet too big for
 * the path is refused with ICMP, as the df setting is for IPv4 only.
 */
static void pn_vxlan_send(struct pn_dev *pn, struct sk_buff *skb,
			  struct pn_subnet *n)
{
	bool ip6 = pn_peer_is6(n->peer), xnet;
	struct net_device *dev = pn->dev;
	const struct pn_cfg *cfg = &pn->cfg;
	/* The inner IPv4 or IPv6 header, for the ip_tunnel helpers. */
	const struct iphdr *iph = NULL;
	enum skb_drop_reason reason;
	struct dst_entry *dst;
	struct pn_addr saddr;
	__be16 sport, df;
	struct vxlanhdr *vh;
	struct pn_sock *ps;
	struct ethhdr *eth;
	enum pn_stat why;
	unsigned int len;
	u8 tos, ttl;

	if (skb->protocol == htons(ETH_P_IP) ||
	    skb->protocol == htons(ETH_P_IPV6))
		iph = ip_hdr(skb);
	why = PN_STAT_TX_ERRORS;
	reason = SKB_DROP_REASON_DEV_READY;
	ps = ip6 ? rcu_dereference_bh(pn->sock6) : rcu_dereference_bh(pn->sock);
	if (!ps)
		goto drop;

	dst = pn_tunnel_outer(pn, skb, n, ps->sock->sk, IPPROTO_UDP, &tos,
			      &saddr);
	if (!dst)
		return;
	reason = SKB_DROP_REASON_IP_OUTNOROUTES;
	if (IS_ERR(dst))
		goto drop;
	/* This node fragments an outer IPv6 packet only when it does not fit
	 * the underlay device, not the path MTU learnt beyond it: a packet
	 * too big for the path is refused as if DF were set.
	 */
	df = ip6 ? htons(IP_DF) : pn_tunnel_df(pn, skb);
	why = PN_STAT_PMTU;
	reason = SKB_DROP_REASON_PKT_TOO_BIG;
	if (iph && pn_tunnel_too_big(skb, dst, &df, ip6 ? PN_VXLAN6_OVERHEAD :
						  PN_VXLAN_OVERHEAD, ETH_HLEN))
		goto drop_dst;

	why = PN_STAT_TX_ERRORS;
	reason = SKB_DROP_REASON_NOMEM;
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
			 (ip6 ? PN_VXLAN6_PUSH : PN_VXLAN_PUSH)))
		goto drop_dst;
	eth = eth_hdr(skb);
	ether_addr_copy(eth->h_dest, n->lladdr);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	if (iph)
		iph = ip_hdr(skb);

	tos = ip_tunnel_ecn_encap(tos, iph, skb);
	ttl = READ_ONCE(cfg->ttl);
	if (!ttl)
		ttl = ip6 ? ip6_dst_hoplimit(dst) : ip4_dst_hoplimit(dst);
	sport = udp_flow_src_port(dev_net(dev), skb, 0, 0, true);
	len = skb->len - ETH_HLEN;
	xnet = !net_eq(pn->net, dev_net(dev));

	reason = SKB_DROP_REASON_NOT_SPECIFIED;
	if (iptunnel_handle_offloads(skb, ip6 ? SKB_GSO_UDP_TUNNEL_CSUM :
						SKB_GSO_UDP_TUNNEL))
		goto drop_dst;
	vh = __skb_push(skb, sizeof(*vh));
	vh->vx_flags = VXLAN_HF_VNI;
	vh->vx_vni = cpu_to_be32(cfg->vni << 8);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));

	pn_subnet_count(n, true, len);
	if (ip6) {
		skb_scrub_packet(skb, xnet);
		skb->ignore_df = !df;
		pn_compat_udp_tunnel6_xmit_skb(dst, ps->sock->sk, skb, dev,
					       &saddr.ip6, n->peer->addr6, tos,
					       ttl, sport, cfg->port);
		return;
	}
	pn_compat_udp_tunnel_xmit_skb(container_of(dst, struct rtable, dst), ps->sock->sk, skb,
				      saddr.ip, n->peer->addr, tos, ttl, df,
				      sport, cfg->port, xnet, true);
	return;

drop_dst:
	dst_release(dst);
drop:
	pn_tx_drop(pn, skb, why, reason);
}

/*
 * The destination of an IPv6 frame, or NULL when it was answered or
 * dropped here: neighbour discovery is answered from the table (see
 * ndisc.c), and multicast goes nowhere. A forwarded solicitation goes to
 * the node of its target, kept in @target.
 */
static const struct in6_addr *pn_vxlan_dst6(struct pn_dev *pn,
					    struct sk_buff *skb,
					    struct in6_addr *target)
{
	enum skb_drop_reason reason;
	enum pn_stat why;

	why = PN_STAT_NOT_IP;
	reason = SKB_DROP_REASON_HDR_TRUNC;
	if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
		goto drop;
	switch (pn_nd_xmit(pn, skb, target)) {
	case PN_ND_DONE:
		return NULL;
	case PN_ND_FORWARD:
		return target;
	default:
		break;
	}
	why = PN_STAT_BCAST;
	reason = SKB_DROP_REASON_NO_TX_TARGET;
	if (is_multicast_ether_addr(eth_hdr(skb)->h_dest))
		goto drop;
	return &ipv6_hdr(skb)->daddr;

drop:
	pn_tx_drop(pn, skb, why, reason);
	return NULL;
}

/**
 * pn_vxlan_xmit - send a frame to the node that owns its destination
 * @skb: an Ethernet frame
 * @dev: the podnet device
 *
 * Called with rcu_read_lock_bh() held. IPv4 and IPv6 go to the node of the
 * subnet that holds their destination; ARP and neighbour discovery are
 * answered here (see arp.c and ndisc.c); broadcast, multicast and anything
 * else is dropped, since there is nothing to flood to.
 *
 * Return: NETDEV_TX_OK; the frame is sent or dropped and counted.
 */
netdev_tx_t pn_vxlan_xmit(struct sk_buff *skb, struct net_device *dev)
{
	const struct in6_addr *daddr6 = NULL;
	struct pn_dev *pn = netdev_priv(dev);
	enum skb_drop_reason reason;
	struct in6_addr target;
	struct pn_subnet *n;
	enum pn_stat why;
	__be32 daddr;

	if (skb->protocol == htons(ETH_P_IPV6)) {
		daddr6 = pn_vxlan_dst6(pn, skb, &target);
		if (!daddr6)
			return NETDEV_TX_OK;
	} else if (skb->protocol == htons(ETH_P_ARP)) {
		daddr = pn_arp_xmit(pn, skb);
		if (!daddr)
			return NETDEV_TX_OK;
	} else {
		why = PN_STAT_NOT_IP;
		reason = SKB_DROP_REASON_UNHANDLED_PROTO;
		if (skb->protocol != htons(ETH_P_IP))
			goto drop;
		reason = SKB_DROP_REASON_HDR_TRUNC;
		if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
			goto drop;
		why = PN_STAT_BCAST;
		reason = SKB_DROP_REASON_NO_TX_TARGET;
		if (is_multicast_ether_addr(eth_hdr(skb)->h_dest))
			goto drop;
		daddr = ip_hdr(skb)->daddr;
	}

	why = PN_STAT_NO_UNDERLAY;
	reason = SKB_DROP_REASON_DEV_READY;
	if (unlikely(!netif_carrier_ok(dev))) {
		pn_link_inc(pn, PN_LINK_TX_CARRIER_ERRORS);
		goto drop;
	}
	n = daddr6 ? pn_tx_lookup6(pn, skb, daddr6) :
		     pn_tx_lookup(pn, skb, daddr);
	why = PN_STAT_NO_ROUTE;
	reason = SKB_DROP_REASON_NO_TX_TARGET;
	if (!n)
		goto drop;
	pn_vxlan_send(pn, skb, n);
	return NETDEV_TX_OK;

drop:
	pn_tx_drop(pn, skb, why, reason);
	return NETDEV_TX_OK;
}

/**
 * pn_vxlan_err_lookup - whether an ICMP error is about our outer packet
 * @sk: the tunnel socket
 * @skb: the ICMP error, network header at the quoted outer IPv4 header,
 *	transport header at its UDP header
 *
 * udp_err() lets the outer route learn a path MTU or a redirect from any
 * ICMP error about a UDP packet before it looks for a socket (6.1 and 6.12
 * alike), so podnet's routes learn without this. The socket is then found
 * by the quoted destination port, ours on both ends of a tunnel (the
 * source port varies with the flow and names no socket), and the UDP core
 * takes the error for the tunnel's only when this says yes; otherwise it
 * counts the error as one nobody was waiting for (IcmpInErrors), as if it
 * were forged. Yes needs the quote to hold a VXLAN header with a VNI of a
 * device on the socket, as for the kernel's vxlan devices.
 * Called under rcu_read_lock().
 *
 * Return: 0 when the error is ours, or a negative errno.
 */
static int pn_vxlan_err_lookup(struct sock *sk, struct sk_buff *skb)
{
	struct pn_sock *ps = rcu_dereference_sk_user_data(sk);
	const struct vxlanhdr *vh;

	if (!ps || !pskb_may_pull(skb, skb_transport_offset(skb) + VXLAN_HLEN))
		return -EINVAL;
	vh = (const struct vxlanhdr *)(udp_hdr(skb) + 1);
	if (vh->vx_flags != VXLAN_HF_VNI || (vh->vx_vni & ~VXLAN_VNI_MASK))
		return -EINVAL;
	if (!pn_sock_dev(ps, be32_to_cpu(vh->vx_vni) >> 8))
		return -ENOENT;
	return 0;
}

static struct pn_sock *pn_sock_create(struct net *net, __be16 port, u8 family)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = 1,
		.encap_rcv = pn_vxlan_rcv,
		.gro_receive = pn_vxlan_gro_receive,
		.gro_complete = pn_vxlan_gro_complete,
		.encap_err_lookup = pn_vxlan_err_lookup,
	};
	struct udp_port_cfg ucfg = {
		.family = family,
		.local_udp_port = port,
	};
	struct pn_sock *ps;
	int ret;

	if (family == AF_INET6) {
		ucfg.local_ip6 = in6addr_any;
		ucfg.ipv6_v6only = 1;
		/* What the kernel's vxlan devices send unless told not to. */
		ucfg.use_udp6_tx_checksums = 1;
	} else {
		ucfg.local_ip.s_addr = htonl(INADDR_ANY);
	}
	ps = kzalloc(sizeof(*ps), GFP_KERNEL);
	if (!ps)
		return ERR_PTR(-ENOMEM);
	ret = udp_sock_create(net, &ucfg, &ps->sock);
	if (ret) {
		kfree(ps);
		return ERR_PTR(ret);
	}
	INIT_LIST_HEAD(&ps->devs);
	ps->port = port;
	ps->family = family;
	tcfg.sk_user_data = ps;
	pn_compat_setup_udp_tunnel_sock(net, ps->sock, &tcfg);
	return ps;
}

/* Attach @pn to the socket of its port in @family, made if none is open. */
static int pn_sock_attach(struct pn_dev *pn, u8 family,
			  struct pn_sock __rcu **slot, struct list_head *entry)
{
	struct pn_net *pnn = net_generic(pn->net, pn_net_id);
	struct pn_sock *ps;

	list_for_each_entry(ps, &pnn->socks, list)
		if (ps->port == pn->cfg.port && ps->family == family)
			break;
	if (list_entry_is_head(ps, &pnn->socks, list)) {
		ps = pn_sock_create(pn->net, pn->cfg.port, family);
		if (IS_ERR(ps))
			return PTR_ERR(ps);
		list_add(&ps->list, &pnn->socks);
	} else if (pn_sock_dev(ps, pn->cfg.vni)) {
		netdev_warn(pn->dev, "VNI %u on port %u is in use\n",
			    pn->cfg.vni, ntohs(pn->cfg.port));
		return -EADDRINUSE;
	}
	ps->refs++;
	list_add_rcu(entry, &ps->devs);
	rcu_assign_pointer(*slot, ps);
	return 0;
}

/*
 * Detach @pn from a socket, closing it if it was the last device on it;
 * the caller waits for readers before the socket is freed.
 */
static struct pn_sock *pn_sock_detach(struct pn_sock __rcu **slot,
				      struct list_head *entry)
{
	struct pn_sock *ps = rtnl_dereference(*slot);

	if (!ps)
		return NULL;
	RCU_INIT_POINTER(*slot, NULL);
	list_del_rcu(entry);
	if (--ps->refs)
		return NULL;
	list_del(&ps->list);
	pn_compat_udp_tunnel_sock_release(ps->sock);
	return ps;
}

/**
 * pn_vxlan_open - attach a device to the UDP sockets of its port
 * @pn: the device being brought up, under RTNL
 *
 * Devices on one port share a socket per family and are told apart by
 * VNI. The IPv4 socket is always opened, the IPv6 one (IPv6 only) when
 * the device has an IPv6 local address.
 *
 * Return: 0, -EADDRINUSE when another device has the same port and VNI, or
 * the error of creating a socket.
 */
int pn_vxlan_open(struct pn_dev *pn)
{
	struct pn_sock *ps;
	int ret;

	ret = pn_sock_attach(pn, AF_INET, &pn->sock, &pn->rx_list);
	if (ret || ipv6_addr_any(&pn->cfg.local6))
		return ret;
	ret = pn_sock_attach(pn, AF_INET6, &pn->sock6, &pn->rx_list6);
	if (!ret)
		return 0;
	ps = pn_sock_detach(&pn->sock, &pn->rx_list);
	synchronize_net();
	kfree(ps);
	return ret;
}

/**
 * pn_vxlan_stop - detach a device from its sockets, closing the last ones
 * @pn: the device going down, under RTNL
 */
void pn_vxlan_stop(struct pn_dev *pn)
{
	struct pn_sock *ps4, *ps6;

	ps4 = pn_sock_detach(&pn->sock, &pn->rx_list);
	ps6 = pn_sock_detach(&pn->sock6, &pn->rx_list6);
	synchronize_net();
	kfree(ps4);
	kfree(ps6);
}
