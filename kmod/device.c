// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the net_device, its rtnetlink link kind and its ethtool face.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "podnet_private.h"

const char pn_stat_names[PN_STAT_COUNT][ETH_GSTRING_LEN] = {
	[PN_STAT_NO_ROUTE] = "no_route",
	[PN_STAT_NOT_IP] = "not_ip",
	[PN_STAT_PMTU] = "pmtu",
	[PN_STAT_TX_ERRORS] = "tx_errors",
	[PN_STAT_BAD_HEADER] = "bad_header",
	[PN_STAT_BAD_VNI] = "bad_vni",
	[PN_STAT_SRC_CHECK] = "src_check",
	[PN_STAT_ARP_REPLY] = "arp_reply",
	[PN_STAT_ARP_MISS] = "arp_miss",
	[PN_STAT_BCAST] = "bcast",
	[PN_STAT_UNKNOWN_NODE] = "unknown_node",
	[PN_STAT_NO_UNDERLAY] = "no_underlay",
	[PN_STAT_ND_REPLY] = "nd_reply",
	[PN_STAT_ND_MISS] = "nd_miss",
	[PN_STAT_DAD] = "dad",
	[PN_STAT_RS] = "rs",
	[PN_STAT_MLD] = "mld",
};

static struct rtnl_link_ops pn_link_ops;

bool pn_is_podnet(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &pn_link_ops;
}

void pn_stats_inc(struct pn_dev *pn, enum pn_stat stat)
{
	struct pn_pcpu_stats *s = get_cpu_ptr(pn->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->count[stat]);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(pn->stats);
}

/* Drops and errors, counted per CPU: no atomic on a path a flood hits. */
void pn_link_inc(struct pn_dev *pn, enum pn_link_stat stat)
{
	struct pn_pcpu_stats *s = get_cpu_ptr(pn->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->link[stat]);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(pn->stats);
}

u64 pn_stats_read(const struct pn_dev *pn, enum pn_stat stat)
{
	unsigned int start;
	u64 sum = 0, v;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct pn_pcpu_stats *s = per_cpu_ptr(pn->stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			v = u64_stats_read(&s->count[stat]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum += v;
	}
	return sum;
}

/*
 * The core's traffic counters, which the tunnel helpers update, and
 * podnet's per-CPU drop and error counters added to them.
 */
static void pn_get_stats64(struct net_device *dev,
			   struct rtnl_link_stats64 *tot)
{
	struct pn_dev *pn = netdev_priv(dev);
	u64 link[PN_LINK_COUNT] = {};
	unsigned int start;
	int cpu, i;

	dev_get_tstats64(dev, tot);
	for_each_possible_cpu(cpu) {
		const struct pn_pcpu_stats *s = per_cpu_ptr(pn->stats, cpu);
		u64 v[PN_LINK_COUNT];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < PN_LINK_COUNT; i++)
				v[i] = u64_stats_read(&s->link[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < PN_LINK_COUNT; i++)
			link[i] += v[i];
	}
	tot->rx_dropped += link[PN_LINK_RX_DROPPED];
	tot->tx_dropped += link[PN_LINK_TX_DROPPED];
	tot->rx_frame_errors += link[PN_LINK_RX_FRAME_ERRORS];
	tot->tx_carrier_errors += link[PN_LINK_TX_CARRIER_ERRORS];
}

static int pn_dev_init(struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);
	int ret;

	ret = pn_table_init(&pn->table);
	if (ret)
		return ret;
	ret = -ENOMEM;
	pn->stats = netdev_alloc_pcpu_stats(struct pn_pcpu_stats);
	if (!pn->stats)
		goto err_table;
	ret = gro_cells_init(&pn->gro_cells, dev);
	if (ret)
		goto err_stats;
	return 0;

err_stats:
	free_percpu(pn->stats);
err_table:
	pn_table_destroy(&pn->table);
	return ret;
}

static void pn_dev_uninit(struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);

	pn_table_lock(&pn->table);
	pn->table.dead = true;
	pn_table_flush(&pn->table);
	pn_table_unlock(&pn->table);
	gro_cells_destroy(&pn->gro_cells);
}

/* Per-CPU memory is freed only once the last reference is gone. */
static void pn_dev_free(struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);

	free_percpu(pn->stats);
	pn_table_destroy(&pn->table);
}

static int pn_open(struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);

	if (pn_is_ipip(pn))
		return pn_ipip_open(pn);
	return pn_vxlan_open(pn);
}

static int pn_stop(struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);

	if (pn_is_ipip(pn))
		pn_ipip_stop(pn);
	else
		pn_vxlan_stop(pn);
	return 0;
}

static int pn_set_mac_address(struct net_device *dev, void *p)
{
	struct pn_dev *pn = netdev_priv(dev);
	int ret;

	ret = eth_mac_addr(dev, p);
	if (!ret)
		pn->mac_derived = false;
	return ret;
}

/* What encapsulation adds: over an IPv6 underlay, when the device has one. */
static unsigned int pn_overhead(const struct pn_cfg *cfg)
{
	if (cfg->mode == PODNET_MODE_IPIP)
		return ipv6_addr_any(&cfg->local6) ? PN_IPIP_OVERHEAD :
						     PN_IPIP6_OVERHEAD;
	return ipv6_addr_any(&cfg->local6) ? PN_VXLAN_OVERHEAD :
					     PN_VXLAN6_OVERHEAD;
}

/*
 * The underlay device: the configured one, else the one holding the local
 * address, or NULL when it is unknown. Under RTNL. An IPv6 address still
 * in duplicate address detection counts, as in pn_underlay_ok(): no event
 * comes when DAD completes, so a device that did not find its underlay
 * then would wait for an unrelated one. ipv6_dev_find() passes such an
 * address over, and nothing exported finds its device but asking each
 * device (strictly: a global address otherwise matches any).
 */
static struct net_device *pn_lower(struct net *net, const struct pn_cfg *cfg)
{
	struct net_device *dev;

	if (cfg->link)
		return __dev_get_by_index(net, cfg->link);
	if (cfg->local)
		return __ip_dev_find(net, cfg->local, false);
	if (ipv6_addr_any(&cfg->local6))
		return NULL;
	dev = ipv6_dev_find(net, &cfg->local6, NULL);
	if (dev)
		return dev;
	for_each_netdev(net, dev)
		if (ipv6_chk_addr_and_flags(net, &cfg->local6, dev, false, 1, 0))
			return dev;
	return NULL;
}

/*
 * Whether an event on @dev may concern @pn's underlay: @dev is the one
 * followed now, or the one pn_lower() would find. Asks @dev alone, not
 * every device of the namespace, as the walk in pn_lower() may: a
 * namespace's devices each coming and going would otherwise cost a walk
 * of them all per event.
 */
static bool pn_is_lower(const struct pn_dev *pn, const struct net_device *dev)
{
	const struct pn_cfg *cfg = &pn->cfg;

	if (dev->ifindex == pn->lower)
		return true;
	if (cfg->link)
		return dev->ifindex == cfg->link;
	if (cfg->local)
		return __ip_dev_find(pn->net, cfg->local, false) == dev;
	if (ipv6_addr_any(&cfg->local6))
		return false;
	return ipv6_chk_addr_and_flags(pn->net, &cfg->local6, dev, false, 1, 0);
}

/* The largest MTU the underlay @lower can carry, or the protocol's limit. */
static unsigned int pn_max_mtu(const struct pn_cfg *cfg,
			       const struct net_device *lower)
{
	unsigned int limit = IP_MAX_MTU - pn_overhead(cfg);

	if (!lower)
		return limit;
	return clamp_t(int, lower->mtu - pn_overhead(cfg), ETH_MIN_MTU, limit);
}

/*
 * The core checks @new_mtu against max_mtu, which follows the underlay's
 * MTU; the underlay's live MTU is checked again here since, without a
 * configured underlay device, it is whichever device holds the local
 * address now. An MTU set here is the operator's: it no longer rises
 * with the underlay's.
 */
static int pn_change_mtu(struct net_device *dev, int new_mtu)
{
	struct pn_dev *pn = netdev_priv(dev);
	struct net_device *lower = pn_lower(pn->net, &pn->cfg);

	if (new_mtu > pn_max_mtu(&pn->cfg, lower))
		return -EINVAL;
	WRITE_ONCE(dev->mtu, new_mtu);
	pn->mtu_auto = false;
	return 0;
}

/* The underlay device, or the device itself when it has none. */
static int pn_get_iflink(const struct net_device *dev)
{
	const struct pn_dev *pn = netdev_priv(dev);

	return READ_ONCE(pn->cfg.link) ?: dev->ifindex;
}

static const struct net_device_ops pn_netdev_ops = {
	.ndo_init = pn_dev_init,
	.ndo_uninit = pn_dev_uninit,
	.ndo_open = pn_open,
	.ndo_stop = pn_stop,
	.ndo_start_xmit = pn_vxlan_xmit,
	.ndo_change_mtu = pn_change_mtu,
	.ndo_get_iflink = pn_get_iflink,
	.ndo_get_stats64 = pn_get_stats64,
	.ndo_set_mac_address = pn_set_mac_address,
	.ndo_validate_addr = eth_validate_addr,
};

static const struct net_device_ops pn_ipip_netdev_ops = {
	.ndo_init = pn_dev_init,
	.ndo_uninit = pn_dev_uninit,
	.ndo_open = pn_open,
	.ndo_stop = pn_stop,
	.ndo_start_xmit = pn_ipip_xmit,
	.ndo_change_mtu = pn_change_mtu,
	.ndo_get_iflink = pn_get_iflink,
	.ndo_get_stats64 = pn_get_stats64,
};

static void pn_get_drvinfo(struct net_device *dev,
			   struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, PODNET_VERSION, sizeof(info->version));
}

static int pn_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? PN_STAT_COUNT : -EOPNOTSUPP;
}

static void pn_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, pn_stat_names, sizeof(pn_stat_names));
}

static void pn_get_ethtool_stats(struct net_device *dev,
				 struct ethtool_stats *stats, u64 *data)
{
	struct pn_dev *pn = netdev_priv(dev);
	int i;

	for (i = 0; i < PN_STAT_COUNT; i++)
		data[i] = pn_stats_read(pn, i);
}

static const struct ethtool_ops pn_ethtool_ops = {
	.get_drvinfo = pn_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = pn_get_sset_count,
	.get_strings = pn_get_strings,
	.get_ethtool_stats = pn_get_ethtool_stats,
};

static void pn_setup(struct net_device *dev)
{
	struct pn_dev *pn = netdev_priv(dev);

	ether_setup(dev);
	dev->netdev_ops = &pn_netdev_ops;
	dev->ethtool_ops = &pn_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = pn_dev_free;
	/* The core keeps the traffic counters the tunnel helpers update. */
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;

	dev->priv_flags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
	/* Encapsulation writes to the packet: pktgen may not send one skb
	 * many times over (clone_skb) through the device.
	 */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	/* The inner route is needed for ICMP errors and PMTU updates. */
	netif_keep_dst(dev);
	pn_compat_set_lltx(dev);
	dev->features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			 NETIF_F_GSO_SOFTWARE;
	dev->hw_features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			    NETIF_F_GSO_SOFTWARE;
	dev->vlan_features = dev->features;

	dev->mtu = PN_DEFAULT_MTU;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - PN_VXLAN_OVERHEAD;
	eth_hw_addr_random(dev);

	pn->dev = dev;
	INIT_LIST_HEAD(&pn->list);
	INIT_LIST_HEAD(&pn->rx_list);
	pn->cfg = (struct pn_cfg) {
		.mode = PODNET_MODE_VXLAN,
		.vni = PODNET_DEFAULT_VNI,
		.port = htons(PODNET_DEFAULT_PORT),
		.srccheck = true,
		.gateway = htonl(PN_DEFAULT_GATEWAY),
		.arpsuppress = true,
		.max_subnets = PODNET_DEFAULT_MAX_SUBNETS,
		.df = PODNET_DF_INHERIT,
		.gateway6 = PN_DEFAULT_GATEWAY6,
	};
	/* A budget for miss events, not for log lines: it logs nothing. */
	ratelimit_state_init(&pn->miss_rs, HZ, 10);
	ratelimit_set_flags(&pn->miss_rs, RATELIMIT_MSG_ON_RELEASE);
	spin_lock_init(&pn->miss_lock);
	pn->last_miss_time = jiffies - HZ;
}

/*
 * An ipip device is a layer-3 device: no link-layer header or address,
 * no ARP, IPv4 in and out. Called before it is registered.
 */
static void pn_ipip_setup(struct net_device *dev, const struct pn_cfg *cfg,
			  bool mtu_given)
{
	dev->netdev_ops = &pn_ipip_netdev_ops;
	dev->header_ops = NULL;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->flags = IFF_NOARP;
	if (!mtu_given)
		dev->mtu = ETH_DATA_LEN - pn_overhead(cfg);
}

static struct netlink_range_validation pn_vni_range __read_mostly = {
	.max = PN_VNI_MAX,
};

static const struct nla_policy pn_policy[IFLA_PODNET_MAX + 1] = {
	[IFLA_PODNET_MODE] = NLA_POLICY_MAX(NLA_U8, PODNET_MODE_IPIP),
	[IFLA_PODNET_VNI] = NLA_POLICY_FULL_RANGE(NLA_U32, &pn_vni_range),
	[IFLA_PODNET_PORT] = { .type = NLA_BE16 },
	[IFLA_PODNET_LOCAL] = { .type = NLA_BE32 },
	[IFLA_PODNET_LINK] = { .type = NLA_U32 },
	[IFLA_PODNET_TTL] = { .type = NLA_U8 },
	[IFLA_PODNET_TOS] = { .type = NLA_U8 },
	[IFLA_PODNET_SRCCHECK] = NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_PODNET_GATEWAY] = { .type = NLA_BE32 },
	[IFLA_PODNET_ARPSUPPRESS] = NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_PODNET_MAX_SUBNETS] = NLA_POLICY_MIN(NLA_U32, 1),
	[IFLA_PODNET_DF] = NLA_POLICY_MAX(NLA_U8, PODNET_DF_MAX),
	[IFLA_PODNET_LOCAL6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_PODNET_GATEWAY6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_PODNET_DIRECT] = NLA_POLICY_MAX(NLA_U8, 1),
};

static int pn_validate(struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct nlattr *a;

	a = tb[IFLA_ADDRESS];
	if (a && (nla_len(a) != ETH_ALEN ||
		  !is_valid_ether_addr(nla_data(a)))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "address must be a unicast Ethernet address");
		return -EADDRNOTAVAIL;
	}
	if (!data)
		return 0;

	a = data[IFLA_PODNET_LOCAL6];
	if (a && !ipv6_addr_any(nla_data(a)) &&
	    (ipv6_addr_type(nla_data(a)) & (IPV6_ADDR_MULTICAST |
					    IPV6_ADDR_LOOPBACK |
					    IPV6_ADDR_MAPPED))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "IPv6 local address must be a unicast IPv6 address");
		return -EINVAL;
	}
	a = data[IFLA_PODNET_GATEWAY6];
	if (a && (ipv6_addr_is_multicast(nla_data(a)) ||
		  ipv6_addr_loopback(nla_data(a)))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "IPv6 gateway must be a unicast IPv6 address");
		return -EINVAL;
	}

	a = data[IFLA_PODNET_MODE];
	if (a && nla_get_u8(a) == PODNET_MODE_IPIP && tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "an ipip device has no link-layer address");
		return -EINVAL;
	}

	a = data[IFLA_PODNET_PORT];
	if (a && !nla_get_be16(a)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "UDP port must not be 0");
		return -EINVAL;
	}
	a = data[IFLA_PODNET_LOCAL];
	if (a) {
		__be32 addr = nla_get_in_addr(a);

		if (addr && (ipv4_is_zeronet(addr) || ipv4_is_loopback(addr) ||
			     ipv4_is_multicast(addr) || ipv4_is_lbcast(addr))) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "local address must be a unicast IPv4 address");
			return -EINVAL;
		}
	}
	a = data[IFLA_PODNET_GATEWAY];
	if (a && nla_get_in_addr(a) && (ipv4_is_multicast(nla_get_in_addr(a)) ||
					ipv4_is_lbcast(nla_get_in_addr(a)))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "gateway must be a unicast IPv4 address");
		return -EINVAL;
	}
	return 0;
}

/*
 * Fill @cfg from @data on top of what it holds. Attributes that cannot
 * change on a live device are refused while @dev is up.
 */
static int pn_cfg_parse(struct net_device *dev, struct net *net,
			struct nlattr *data[], struct pn_cfg *cfg,
			bool changing, struct netlink_ext_ack *extack)
{
	bool running = changing && netif_running(dev);
	struct pn_dev *pn = netdev_priv(dev);
	struct nlattr *a;

	if (!data)
		return 0;

	a = data[IFLA_PODNET_MODE];
	if (a && changing && nla_get_u8(a) != cfg->mode) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "mode is fixed when the device is created");
		return -EOPNOTSUPP;
	}
	if (a)
		cfg->mode = nla_get_u8(a);
	if (cfg->mode == PODNET_MODE_IPIP) {
		static const int vxlan_only[] = {
			IFLA_PODNET_VNI, IFLA_PODNET_PORT,
			IFLA_PODNET_GATEWAY, IFLA_PODNET_ARPSUPPRESS,
			IFLA_PODNET_GATEWAY6,
		};
		int i;

		for (i = 0; i < ARRAY_SIZE(vxlan_only); i++) {
			a = data[vxlan_only[i]];
			if (a) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "VNI, port, gateway and arpsuppress are VXLAN settings, not ipip ones");
				return -EINVAL;
			}
		}
	}

	a = data[IFLA_PODNET_PORT];
	if (a && running && nla_get_be16(a) != cfg->port)
		goto busy;
	if (a)
		cfg->port = nla_get_be16(a);

	a = data[IFLA_PODNET_LOCAL];
	if (a && running && nla_get_in_addr(a) != cfg->local)
		goto busy;
	if (a)
		cfg->local = nla_get_in_addr(a);

	a = data[IFLA_PODNET_LOCAL6];
	if (a && running && !ipv6_addr_equal(nla_data(a), &cfg->local6))
		goto busy;
	if (a && changing && ipv6_addr_any(nla_data(a)) &&
	    !ipv6_addr_any(&cfg->local6) &&
	    pn_table_has_nodes(&pn->table, PN_AF6)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "the table has IPv6 nodes, which need the IPv6 local address");
		return -EBUSY;
	}
	if (a)
		cfg->local6 = nla_get_in6_addr(a);
	if (a && !PN_HAVE_TUNNEL6 && cfg->mode == PODNET_MODE_IPIP &&
	    !ipv6_addr_any(&cfg->local6)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "this kernel has no IPv6 tunnel support (CONFIG_INET6_TUNNEL) for ipip over IPv6");
		return -EOPNOTSUPP;
	}

	a = data[IFLA_PODNET_LINK];
	if (a && running && nla_get_u32(a) != cfg->link)
		goto busy;
	if (a) {
		cfg->link = nla_get_u32(a);
		if (cfg->link && !__dev_get_by_index(net, cfg->link)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "underlay device does not exist");
			return -ENODEV;
		}
	}

	a = data[IFLA_PODNET_VNI];
	if (a && running && nla_get_u32(a) != cfg->vni)
		goto busy;
	if (a)
		cfg->vni = nla_get_u32(a);

	if (data[IFLA_PODNET_TTL])
		cfg->ttl = nla_get_u8(data[IFLA_PODNET_TTL]);
	if (data[IFLA_PODNET_TOS])
		cfg->tos = nla_get_u8(data[IFLA_PODNET_TOS]);
	if (data[IFLA_PODNET_SRCCHECK])
		cfg->srccheck = nla_get_u8(data[IFLA_PODNET_SRCCHECK]);
	if (data[IFLA_PODNET_DIRECT])
		cfg->direct = nla_get_u8(data[IFLA_PODNET_DIRECT]);
	if (data[IFLA_PODNET_GATEWAY])
		cfg->gateway = nla_get_in_addr(data[IFLA_PODNET_GATEWAY]);
	if (data[IFLA_PODNET_GATEWAY6])
		cfg->gateway6 = nla_get_in6_addr(data[IFLA_PODNET_GATEWAY6]);
	if (data[IFLA_PODNET_ARPSUPPRESS])
		cfg->arpsuppress = nla_get_u8(data[IFLA_PODNET_ARPSUPPRESS]);

	a = data[IFLA_PODNET_MAX_SUBNETS];
	if (a && nla_get_u32(a) > PODNET_DEFAULT_MAX_SUBNETS &&
	    nla_get_u32(a) != cfg->max_subnets &&
	    !capable(CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "a subnet limit above the default needs CAP_NET_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (a)
		cfg->max_subnets = nla_get_u32(a);
	if (data[IFLA_PODNET_DF])
		cfg->df = nla_get_u8(data[IFLA_PODNET_DF]);
	return 0;

busy:
	NL_SET_ERR_MSG_ATTR(extack, a,
			    "port, VNI, local address and underlay device can only change while the device is down");
	return -EBUSY;
}

/*
 * Whether the device can reach its peers now: the underlay device it was
 * given still exists, is up and has carrier, and the local address, when
 * there is one, is still an address of the node.
 */
static bool pn_underlay_ok(const struct pn_dev *pn,
			   const struct net_device *lower)
{
	const struct pn_cfg *cfg = &pn->cfg;

	if (pn->lost_lower[0])
		return false;
	if (cfg->local && !__ip_dev_find(pn->net, cfg->local, false))
		return false;
	/* A tentative address counts: it is the node's while DAD runs. */
	if (!ipv6_addr_any(&cfg->local6) &&
	    !ipv6_chk_addr_and_flags(pn->net, &cfg->local6, NULL, true, 0, 0))
		return false;
	if (!lower)
		return !cfg->link && !cfg->local && ipv6_addr_any(&cfg->local6);
	return netif_running(lower) && netif_carrier_ok(lower);
}

/**
 * pn_underlay_update - follow the underlay device
 * @pn: the device, under RTNL
 *
 * The MTU bound, the headroom and the carrier follow the underlay: a
 * smaller underlay MTU lowers the device's MTU with it, a larger one
 * raises it only while the MTU is the one derived from the underlay (no
 * MTU was given), and the carrier is off while the underlay or the local
 * address is missing or down, so that `ip link` shows why nothing passes.
 */
static void pn_underlay_update(struct pn_dev *pn)
{
	struct net_device *lower = pn_lower(pn->net, &pn->cfg);
	unsigned int outer = pn_overhead(&pn->cfg);
	struct net_device *dev = pn->dev;
	unsigned int max;

	/* Room in front of the inner packet for the outer headers, so that
	 * the stack makes it when it allocates or forwards the packet and
	 * encapsulation need not copy it again. With direct on, none: a
	 * packet to a node on the segment leaves with no outer header, and
	 * forwarding would otherwise reallocate every such packet for room
	 * it never uses (a pod's packet comes with room for one link-layer
	 * header only). Encapsulation then makes its room itself, the one
	 * reallocation forwarding would have made.
	 */
	outer -= dev->hard_header_len;
	if (pn->cfg.direct)
		dev->needed_headroom = 0;
	else
		dev->needed_headroom = outer +
			(lower ? LL_RESERVED_SPACE(lower) : LL_MAX_HEADER);

	WRITE_ONCE(pn->lower, lower ? lower->ifindex : 0);
	max = pn_max_mtu(&pn->cfg, lower);
	dev->max_mtu = max;
	if (dev->mtu > max || (pn->mtu_auto && lower && dev->mtu != max)) {
		bool mtu_auto = pn->mtu_auto;

		if (dev->reg_state == NETREG_REGISTERED)
			dev_set_mtu(dev, max);
		else
			dev->mtu = max;
		pn->mtu_auto = mtu_auto;
	}

	if (pn_underlay_ok(pn, lower))
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
}

/*
 * Apply a parsed configuration: follow the underlay it names and derive
 * the MAC address from the local address unless one was set.
 */
static void pn_cfg_apply(struct pn_dev *pn, const struct pn_cfg *cfg)
{
	struct pn_cfg *cur = &pn->cfg;
	struct net_device *dev = pn->dev;
	bool reroute;
	int i;

	reroute = cfg->local != cur->local || cfg->link != cur->link ||
		  cfg->tos != cur->tos || cfg->port != cur->port ||
		  !ipv6_addr_equal(&cfg->local6, &cur->local6);
	if (pn->mac_derived && cfg->mode != PODNET_MODE_IPIP &&
	    (cfg->local || !ipv6_addr_any(&cfg->local6))) {
		struct pn_addr a = { .af = cfg->local ? PN_AF4 : PN_AF6 };
		u8 mac[ETH_ALEN];

		a.ip = cfg->local;
		if (!cfg->local)
			a.ip6 = cfg->local6;
		pn_mac_from_addr(mac, &a);
		/* Set, not random: udev's MACAddressPolicy=persistent would
		 * otherwise replace it when the device appears.
		 */
		dev->addr_assign_type = NET_ADDR_SET;
		if (!ether_addr_equal(dev->dev_addr, mac)) {
			eth_hw_addr_set(dev, mac);
			if (dev->reg_state == NETREG_REGISTERED)
				call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
		}
	}
	if (cfg->link != cur->link)
		pn->lost_lower[0] = '\0';

	/* The data path reads these without RTNL. */
	cur->mode = cfg->mode;
	WRITE_ONCE(cur->local, cfg->local);
	WRITE_ONCE(cur->link, cfg->link);
	WRITE_ONCE(cur->port, cfg->port);
	WRITE_ONCE(cur->vni, cfg->vni);
	WRITE_ONCE(cur->ttl, cfg->ttl);
	WRITE_ONCE(cur->tos, cfg->tos);
	WRITE_ONCE(cur->srccheck, cfg->srccheck);
	WRITE_ONCE(cur->gateway, cfg->gateway);
	WRITE_ONCE(cur->arpsuppress, cfg->arpsuppress);
	WRITE_ONCE(cur->max_subnets, cfg->max_subnets);
	WRITE_ONCE(cur->df, cfg->df);
	WRITE_ONCE(cur->direct, cfg->direct);
	for (i = 0; i < 4; i++) {
		WRITE_ONCE(cur->gateway6.s6_addr32[i], cfg->gateway6.s6_addr32[i]);
		WRITE_ONCE(cur->local6.s6_addr32[i], cfg->local6.s6_addr32[i]);
	}
	if (reroute && dev->reg_state == NETREG_REGISTERED)
		pn_routes_reset(pn);
	pn_underlay_update(pn);
}

int pn_newlink(struct net *src_net, struct net_device *dev,
	       struct nlattr *tb[], struct nlattr *data[],
	       struct netlink_ext_ack *extack)
{
	struct pn_net *pnn = net_generic(src_net, pn_net_id);
	struct pn_dev *pn = netdev_priv(dev);
	struct pn_cfg cfg = pn->cfg;
	int ret;

	pn->net = src_net;
	ret = pn_cfg_parse(dev, src_net, data, &cfg, false, extack);
	if (ret)
		return ret;

	pn->mac_derived = !tb[IFLA_ADDRESS];
	pn->mtu_auto = !tb[IFLA_MTU];
	if (cfg.mode == PODNET_MODE_IPIP)
		pn_ipip_setup(dev, &cfg, !!tb[IFLA_MTU]);
	if (tb[IFLA_MTU] &&
	    dev->mtu > pn_max_mtu(&cfg, pn_lower(src_net, &cfg))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
				    "MTU is larger than the underlay device allows");
		return -EINVAL;
	}
	pn_cfg_apply(pn, &cfg);

	ret = register_netdevice(dev);
	if (ret)
		return ret;

	list_add(&pn->list, &pnn->devices);
	return 0;
}

/*
 * A change never fails for the MTU: one the new settings cannot carry is
 * lowered to what they can.
 */
static int pn_changelink(struct net_device *dev, struct nlattr *tb[],
			 struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct pn_dev *pn = netdev_priv(dev);
	struct pn_cfg cfg;
	int ret;

	/* The core sets an address only after this has applied the rest. */
	if (tb[IFLA_ADDRESS] && pn_is_ipip(pn)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "an ipip device has no link-layer address");
		return -EINVAL;
	}
	/* Under the table's lock, so that no subnet via an IPv6 node gets in
	 * between the check that there is none and the IPv6 local address
	 * going away.
	 */
	pn_table_lock(&pn->table);
	cfg = pn->cfg;
	ret = pn_cfg_parse(dev, pn->net, data, &cfg, true, extack);
	if (ret)
		goto out;
	/* The core sets a new MTU only after this has applied the rest:
	 * one the new settings cannot carry is refused now, so that the
	 * request fails before it changes anything.
	 */
	if (tb[IFLA_MTU]) {
		u32 mtu = nla_get_u32(tb[IFLA_MTU]);

		if (mtu < dev->min_mtu ||
		    mtu > pn_max_mtu(&cfg, pn_lower(pn->net, &cfg))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
					    "MTU is out of the range these settings allow");
			ret = -EINVAL;
			goto out;
		}
	}
	if (tb[IFLA_ADDRESS])
		pn->mac_derived = false;
	/* An underlay given, even 0 after the old one is gone, replaces
	 * the one remembered by name.
	 */
	if (data && data[IFLA_PODNET_LINK])
		pn->lost_lower[0] = '\0';
	pn_cfg_apply(pn, &cfg);
out:
	pn_table_unlock(&pn->table);
	return ret;
}

static void pn_dellink(struct net_device *dev, struct list_head *head)
{
	struct pn_dev *pn = netdev_priv(dev);

	list_del_init(&pn->list);
	unregister_netdevice_queue(dev, head);
}

static size_t pn_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u8)) +	/* IFLA_PODNET_MODE */
	       nla_total_size(sizeof(u32)) +	/* IFLA_PODNET_VNI */
	       nla_total_size(sizeof(__be16)) +	/* IFLA_PODNET_PORT */
	       nla_total_size(sizeof(__be32)) +	/* IFLA_PODNET_LOCAL */
	       nla_total_size(sizeof(u32)) +	/* IFLA_PODNET_LINK */
	       nla_total_size(sizeof(u8)) +	/* IFLA_PODNET_TTL */
	       nla_total_size(sizeof(u8)) +	/* IFLA_PODNET_TOS */
	       nla_total_size(sizeof(u8)) +	/* IFLA_PODNET_SRCCHECK */
	       nla_total_size(sizeof(u8)) +	/* IFLA_PODNET_DF */
	       nla_total_size(sizeof(u8)) +	/* IFLA_PODNET_DIRECT */
	       nla_total_size(sizeof(__be32)) +	/* IFLA_PODNET_GATEWAY */
	       nla_total_size(sizeof(struct in6_addr)) + /* IFLA_PODNET_GATEWAY6 */
	       nla_total_size(sizeof(struct in6_addr)) + /* IFLA_PODNET_LOCAL6 */
	       nla_total_size(sizeof(u8)) +	/* IFLA_PODNET_ARPSUPPRESS */
	       nla_total_size(sizeof(u32));	/* IFLA_PODNET_MAX_SUBNETS */
}

static int pn_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct pn_dev *pn = netdev_priv(dev);
	const struct pn_cfg *cfg = &pn->cfg;

	if (nla_put_u8(skb, IFLA_PODNET_MODE, cfg->mode) ||
	    nla_put_in_addr(skb, IFLA_PODNET_LOCAL, cfg->local) ||
	    nla_put_u32(skb, IFLA_PODNET_LINK, cfg->link) ||
	    nla_put_u8(skb, IFLA_PODNET_TTL, cfg->ttl) ||
	    nla_put_u8(skb, IFLA_PODNET_TOS, cfg->tos) ||
	    nla_put_u8(skb, IFLA_PODNET_SRCCHECK, cfg->srccheck) ||
	    nla_put_u32(skb, IFLA_PODNET_MAX_SUBNETS, cfg->max_subnets) ||
	    nla_put_u8(skb, IFLA_PODNET_DF, cfg->df) ||
	    nla_put_u8(skb, IFLA_PODNET_DIRECT, cfg->direct))
		return -EMSGSIZE;
	if (cfg->mode == PODNET_MODE_IPIP)
		return 0;
	if (nla_put_u32(skb, IFLA_PODNET_VNI, cfg->vni) ||
	    nla_put_be16(skb, IFLA_PODNET_PORT, cfg->port) ||
	    nla_put_in_addr(skb, IFLA_PODNET_GATEWAY, cfg->gateway) ||
	    nla_put_in6_addr(skb, IFLA_PODNET_GATEWAY6, &cfg->gateway6) ||
	    nla_put_in6_addr(skb, IFLA_PODNET_LOCAL6, &cfg->local6) ||
	    nla_put_u8(skb, IFLA_PODNET_ARPSUPPRESS, cfg->arpsuppress))
		return -EMSGSIZE;
	return 0;
}

static struct net *pn_get_link_net(const struct net_device *dev)
{
	const struct pn_dev *pn = netdev_priv(dev);

	return pn->net;
}

static struct rtnl_link_ops pn_link_ops __read_mostly = {
	.kind = "podnet",
	.priv_size = sizeof(struct pn_dev),
	.setup = pn_setup,
	.maxtype = IFLA_PODNET_MAX,
	.policy = pn_policy,
	.validate = pn_validate,
	.changelink = pn_changelink,
	.dellink = pn_dellink,
	.get_size = pn_get_size,
	.fill_info = pn_fill_info,
	.get_link_net = pn_get_link_net,
};

/**
 * pn_net_exit_rtnl - delete the devices of a dying namespace
 * @net: the namespace going away
 * @kill: where to queue the devices for unregistration
 *
 * A device moved to another namespace still has its socket in the one it
 * was created in; when that one dies, so does the device. Devices still
 * inside a dying namespace are deleted by the core before this runs.
 */
void pn_net_exit_rtnl(struct net *net, struct list_head *kill)
{
	struct pn_net *pnn = net_generic(net, pn_net_id);
	struct pn_dev *pn, *tmp;

	list_for_each_entry_safe(pn, tmp, &pnn->devices, list)
		pn_dellink(pn->dev, kill);
}

/*
 * @dev, a device of @pn's namespace, changed. The underlay it names by
 * ifindex going away is remembered by name: the device follows a new
 * device of that name, so that an underlay that is re-created (a bond or
 * VLAN rebuilt, a driver reloaded) is picked up again without the
 * operator.
 */
static void pn_lower_event(struct pn_dev *pn, struct net_device *dev,
			   unsigned long event)
{
	if (pn->dev->reg_state != NETREG_REGISTERED)
		return;

	switch (event) {
	case NETDEV_UNREGISTER:
		if (dev->ifindex != pn->cfg.link)
			return;
		strscpy(pn->lost_lower, dev->name, sizeof(pn->lost_lower));
		WRITE_ONCE(pn->cfg.link, 0);
		netdev_info(pn->dev, "underlay device %s is gone\n", dev->name);
		break;
	case NETDEV_REGISTER:
	case NETDEV_CHANGENAME:
		if (!pn->lost_lower[0] || strcmp(dev->name, pn->lost_lower))
			return;
		pn->lost_lower[0] = '\0';
		WRITE_ONCE(pn->cfg.link, dev->ifindex);
		pn_table_lock(&pn->table);
		pn_routes_reset(pn);
		pn_table_unlock(&pn->table);
		netdev_info(pn->dev, "underlay device %s is back\n", dev->name);
		break;
	default:
		if (!pn_is_lower(pn, dev))
			return;
	}
	pn_underlay_update(pn);
}

static int pn_netdev_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct pn_net *pnn;
	struct pn_dev *pn;

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_UNREGISTER:
	case NETDEV_CHANGENAME:
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_CHANGEMTU:
		break;
	default:
		return NOTIFY_DONE;
	}
	if (pn_is_podnet(dev))
		return NOTIFY_DONE;
	pnn = net_generic(dev_net(dev), pn_net_id);
	list_for_each_entry(pn, &pnn->devices, list)
		pn_lower_event(pn, dev, event);
	return NOTIFY_DONE;
}

/* The local address of a device coming or going moves its carrier. */
static int pn_inetaddr_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	const struct in_ifaddr *ifa = ptr;
	struct net *net = dev_net(ifa->ifa_dev->dev);
	struct pn_net *pnn = net_generic(net, pn_net_id);
	struct pn_dev *pn;

	if (event != NETDEV_UP && event != NETDEV_DOWN)
		return NOTIFY_DONE;
	list_for_each_entry(pn, &pnn->devices, list)
		if (pn->cfg.local == ifa->ifa_local &&
		    pn->dev->reg_state == NETREG_REGISTERED)
			pn_underlay_update(pn);
	return NOTIFY_DONE;
}

/**
 * pn_addr6_work - follow the IPv6 local addresses of a namespace's devices
 * @work: the namespace's &struct pn_net addr6_work
 *
 * IPv6 address events come in atomic context, some (addresses configured
 * from router advertisements) without RTNL, so they only queue this.
 */
void pn_addr6_work(struct work_struct *work)
{
	struct pn_net *pnn = container_of(work, struct pn_net, addr6_work);
	struct pn_dev *pn;

	rtnl_lock();
	list_for_each_entry(pn, &pnn->devices, list)
		if (!ipv6_addr_any(&pn->cfg.local6) &&
		    pn->dev->reg_state == NETREG_REGISTERED)
			pn_underlay_update(pn);
	rtnl_unlock();
}

static int pn_inet6addr_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	const struct inet6_ifaddr *ifa = ptr;
	struct pn_net *pnn;

	if (event != NETDEV_UP && event != NETDEV_DOWN)
		return NOTIFY_DONE;
	pnn = net_generic(dev_net(ifa->idev->dev), pn_net_id);
	schedule_work(&pnn->addr6_work);
	return NOTIFY_DONE;
}

static struct notifier_block pn_netdev_notifier = {
	.notifier_call = pn_netdev_event,
};

static struct notifier_block pn_inetaddr_notifier = {
	.notifier_call = pn_inetaddr_event,
};

static struct notifier_block pn_inet6addr_notifier = {
	.notifier_call = pn_inet6addr_event,
};

int pn_device_init(void)
{
	int ret;

	ret = register_netdevice_notifier(&pn_netdev_notifier);
	if (ret)
		return ret;
	ret = register_inetaddr_notifier(&pn_inetaddr_notifier);
	if (ret)
		goto err_inetaddr;
	ret = register_inet6addr_notifier(&pn_inet6addr_notifier);
	if (ret)
		goto err_inet6addr;
	pn_compat_set_newlink(&pn_link_ops);
	ret = rtnl_link_register(&pn_link_ops);
	if (ret)
		goto err_link;
	return 0;

err_link:
	unregister_inet6addr_notifier(&pn_inet6addr_notifier);
err_inet6addr:
	unregister_inetaddr_notifier(&pn_inetaddr_notifier);
err_inetaddr:
	unregister_netdevice_notifier(&pn_netdev_notifier);
	return ret;
}

void pn_device_uninit(void)
{
	rtnl_link_unregister(&pn_link_ops);
	unregister_inet6addr_notifier(&pn_inet6addr_notifier);
	unregister_inetaddr_notifier(&pn_inetaddr_notifier);
	unregister_netdevice_notifier(&pn_netdev_notifier);
}
