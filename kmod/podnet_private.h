/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet internals, grouped by the file that defines them.
 */
#ifndef _PODNET_PRIVATE_H
#define _PODNET_PRIVATE_H

#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <net/gro_cells.h>
#include <linux/podnet.h>

#define PODNET_VERSION "0.1.0"

/* Outer headers added in VXLAN mode: IPv4 + UDP + VXLAN + inner Ethernet. */
#define PN_VXLAN_OVERHEAD 50
#define PN_VNI_MAX 0xffffff
#define PN_DEFAULT_MTU (ETH_DATA_LEN - PN_VXLAN_OVERHEAD)

/**
 * struct pn_cfg - a device's configuration, as set over rtnetlink
 * @local: outer source address, or 0 to let the route choose
 * @vni: VXLAN network identifier, host order
 * @link: underlay ifindex, or 0
 * @port: UDP port, network order
 * @mode: enum podnet_mode
 * @ttl: outer TTL, 0 for the route's hop limit
 * @tos: outer TOS, 1 to inherit from the inner packet
 * @srccheck: accept only packets whose inner source belongs to the sender
 */
struct pn_cfg {
	__be32 local;
	u32 vni;
	int link;
	__be16 port;
	u8 mode;
	u8 ttl;
	u8 tos;
	bool srccheck;
};

/* The named counters of a device, in enum podnet_stats_attr order. */
enum pn_stat {
	PN_STAT_NO_ROUTE,
	PN_STAT_NOT_IP,
	PN_STAT_PMTU,
	PN_STAT_TX_ERRORS,
	PN_STAT_BAD_HEADER,
	PN_STAT_BAD_VNI,
	PN_STAT_SRC_CHECK,
	PN_STAT_COUNT
};

struct pn_pcpu_stats {
	u64_stats_t count[PN_STAT_COUNT];
	struct u64_stats_sync syncp;
};

/**
 * struct pn_dev - the private part of a podnet net_device
 * @dev: the device
 * @net: the namespace it was created in, where its socket lives
 * @list: entry in that namespace's list of podnet devices
 * @cfg: configuration; changed only under RTNL
 * @mac_derived: the MAC address follows @cfg.local
 * @stats: the named counters
 * @gro_cells: receive queue after decapsulation
 */
struct pn_dev {
	struct net_device *dev;
	struct net *net;
	struct list_head list;
	struct pn_cfg cfg;
	bool mac_derived;
	struct pn_pcpu_stats __percpu *stats;
	struct gro_cells gro_cells;
};

/* main.c */
extern unsigned int pn_net_id;

/**
 * struct pn_net - per network namespace state
 * @devices: podnet devices created in this namespace, under RTNL
 */
struct pn_net {
	struct list_head devices;
};

/* device.c */
int pn_device_init(void);
void pn_device_uninit(void);
void pn_net_exit_rtnl(struct list_head *net_list, struct list_head *kill);
bool pn_is_podnet(const struct net_device *dev);
void pn_stats_inc(struct pn_dev *pn, enum pn_stat stat);
u64 pn_stats_read(const struct pn_dev *pn, enum pn_stat stat);
extern const char pn_stat_names[PN_STAT_COUNT][ETH_GSTRING_LEN];

#endif /* _PODNET_PRIVATE_H */
