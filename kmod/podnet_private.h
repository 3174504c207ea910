/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet internals, grouped by the file that defines them.
 */
#ifndef _PODNET_PRIVATE_H
#define _PODNET_PRIVATE_H

#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/rhashtable-types.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <linux/podnet.h>

#include "version.h"

/* Outer headers added in VXLAN mode: IPv4 + UDP + VXLAN + inner Ethernet. */
#define PN_VXLAN_OVERHEAD 50
/* And over an IPv6 underlay: IPv6 + UDP + VXLAN + inner Ethernet. */
#define PN_VXLAN6_OVERHEAD 70
/* And in IP-in-IP mode: the outer IPv4 header. */
#define PN_IPIP_OVERHEAD 20
/* Or the outer IPv6 header. */
#define PN_IPIP6_OVERHEAD 40
#define PN_VNI_MAX 0xffffff
#define PN_DEFAULT_GATEWAY 0xa9fe0101	/* 169.254.1.1 */
/* fe80::1 */
#define PN_DEFAULT_GATEWAY6 \
	{ { { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } }
#define PN_DEFAULT_MTU (ETH_DATA_LEN - PN_VXLAN_OVERHEAD)

/*
 * The address families of the table and of the underlay: the table has a
 * trie and a hash of peers for each.
 */
enum pn_af {
	PN_AF4,
	PN_AF6,
	PN_AF_COUNT
};

/**
 * struct pn_cfg - a device's configuration, as set over rtnetlink
 * @local: outer source address, or 0 to let the route choose
 * @local6: outer IPv6 source address, or :: for no IPv6 underlay (VXLAN
 *	mode); fixed while the device is up
 * @vni: VXLAN network identifier, host order
 * @link: underlay ifindex, or 0
 * @port: UDP port, network order
 * @mode: enum podnet_mode
 * @ttl: outer TTL, 0 for the route's hop limit
 * @tos: outer TOS, 1 to inherit from the inner packet
 * @srccheck: accept only packets whose inner source belongs to the sender
 * @gateway: the virtual gateway address answered with our MAC, or 0
 * @gateway6: the virtual IPv6 gateway, answered in neighbour discovery with
 *	our MAC, or :: for none; read with pn_cfg_is_gateway6()
 * @arpsuppress: answer ARP from the table instead of sending it on
 * @max_subnets: the most subnets the table may hold
 * @df: enum podnet_df, the outer DF bit
 * @direct: send to nodes on-link on the underlay without encapsulation
 *
 * The data path reads the fields with READ_ONCE(): they change, under
 * RTNL, on a live device.
 */
struct pn_cfg {
	__be32 local;
	__be32 gateway;
	u32 vni;
	int link;
	__be16 port;
	u8 mode;
	u8 ttl;
	u8 tos;
	bool srccheck;
	bool arpsuppress;
	u32 max_subnets;
	u8 df;
	bool direct;
	struct in6_addr gateway6;
	struct in6_addr local6;
};

/**
 * struct pn_addr - a node's underlay address, of either family
 * @af: enum pn_af
 * @ip: the IPv4 address
 * @ip6: the IPv6 address
 */
struct pn_addr {
	u8 af;
	union {
		__be32 ip;
		struct in6_addr ip6;
	};
};

static inline bool pn_addr_equal(const struct pn_addr *a,
				 const struct pn_addr *b)
{
	if (a->af != b->af)
		return false;
	return a->af == PN_AF6 ? ipv6_addr_equal(&a->ip6, &b->ip6) :
				 a->ip == b->ip;
}

/*
 * Whether @addr is the device's IPv6 gateway. The data path reads it a word
 * at a time, as pn_cfg_apply() writes it: a packet that meets a change may
 * match neither the old gateway nor the new one.
 */
static inline bool pn_cfg_is_gateway6(const struct pn_cfg *cfg,
				      const struct in6_addr *addr)
{
	u32 any = 0, w;
	int i;

	for (i = 0; i < 4; i++) {
		w = (__force u32)READ_ONCE(cfg->gateway6.s6_addr32[i]);
		if (w != (__force u32)addr->s6_addr32[i])
			return false;
		any |= w;
	}
	return any;
}

/* The named counters of a device, in enum podnet_stats_attr order. */
enum pn_stat {
	PN_STAT_NO_ROUTE,
	PN_STAT_NOT_IP,
	PN_STAT_PMTU,
	PN_STAT_TX_ERRORS,
	PN_STAT_BAD_HEADER,
	PN_STAT_BAD_VNI,
	PN_STAT_SRC_CHECK,
	PN_STAT_ARP_REPLY,
	PN_STAT_ARP_MISS,
	PN_STAT_BCAST,
	PN_STAT_UNKNOWN_NODE,
	PN_STAT_NO_UNDERLAY,
	PN_STAT_ND_REPLY,
	PN_STAT_ND_MISS,
	PN_STAT_DAD,
	PN_STAT_RS,
	PN_STAT_MLD,
	PN_STAT_COUNT,
	/* A drop that no named counter explains. */
	PN_STAT_NONE = PN_STAT_COUNT
};

/* The counters podnet adds to the device's struct rtnl_link_stats64. */
enum pn_link_stat {
	PN_LINK_RX_DROPPED,
	PN_LINK_TX_DROPPED,
	PN_LINK_RX_FRAME_ERRORS,
	PN_LINK_TX_CARRIER_ERRORS,
	PN_LINK_COUNT
};

struct pn_pcpu_stats {
	u64_stats_t count[PN_STAT_COUNT];
	u64_stats_t link[PN_LINK_COUNT];
	struct u64_stats_sync syncp;
};

/* subnets.c */

struct pn_subnet_stats {
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	struct u64_stats_sync syncp;
};

/**
 * struct pn_peer - a node that owns subnets, shared by all of them
 * @hnode: entry in the table's hash of peers of its family, keyed by
 *	@addr or @addr6
 * @addr: the node's underlay IPv4 address, or 0 for an IPv6 node
 * @state: the number of subnets in the table that the node owns (changed
 *	under the table's lock), %PN_PEER_WANTS_CACHE once a packet found
 *	@dst_cache not made yet and asked for it, and %PN_PEER_IPV6 for an
 *	IPv6 node, set when it is made
 * @dst_cache: the outer route to the node, made by the table's worker
 * @addr6: an IPv6 node's address; an IPv4 node is allocated without it
 *
 * A peer is made when the first subnet of its node is added, and freed
 * when the last one goes: a node that owns several subnets has one route
 * cache. The cache's per-CPU memory is made in process context, by the
 * table's worker, once the node is first sent to, so that a table of
 * many peers that are rarely or never talked to holds none for them.
 * Looking a peer up by address tells whether an outer source is a known
 * node.
 */
struct pn_peer {
	struct rhash_head hnode;
	__be32 addr;
	atomic_t state;
	struct dst_cache dst_cache;
	struct in6_addr addr6[];
};

#define PN_PEER_WANTS_CACHE	BIT(31)
#define PN_PEER_IPV6		BIT(30)
#define PN_PEER_REFS		(PN_PEER_IPV6 - 1)

static inline u32 pn_peer_refs(const struct pn_peer *p)
{
	return atomic_read(&p->state) & PN_PEER_REFS;
}

static inline bool pn_peer_is6(const struct pn_peer *p)
{
	return atomic_read(&p->state) & PN_PEER_IPV6;
}

/* Whether @p is the node at @a. */
static inline bool pn_peer_is(const struct pn_peer *p, const struct pn_addr *a)
{
	if (a->af == PN_AF4)
		return !pn_peer_is6(p) && p->addr == a->ip;
	return pn_peer_is6(p) && ipv6_addr_equal(p->addr6, &a->ip6);
}

/* The address of @p. */
static inline void pn_peer_addr(const struct pn_peer *p, struct pn_addr *a)
{
	a->af = pn_peer_is6(p) ? PN_AF6 : PN_AF4;
	if (a->af == PN_AF6)
		a->ip6 = *p->addr6;
	else
		a->ip = p->addr;
}

/* What a trie node is. */
enum pn_trie_kind {
	PN_TRIE_BRANCH,
	PN_TRIE_SUBNET,
};

/* The 32-bit words of a key, and its bits. */
static __always_inline unsigned int pn_af_words(u8 af)
{
	return af == PN_AF6 ? 4 : 1;
}

static __always_inline u8 pn_af_bits(u8 af)
{
	return 32 * pn_af_words(af);
}

/* The bits of word @w of a key that a prefix of length @cidr covers. */
static __always_inline u32 pn_word_mask(u8 cidr, unsigned int w)
{
	int b = cidr - 32 * (int)w;

	if (b <= 0)
		return 0;
	return b >= 32 ? ~0U : ~0U << (32 - b);
}

/* Keys in their order: by word, most significant first. */
static inline int pn_key_cmp(const u32 *a, const u32 *b, unsigned int words)
{
	unsigned int w;

	for (w = 0; w < words; w++)
		if (a[w] != b[w])
			return a[w] < b[w] ? -1 : 1;
	return 0;
}

/**
 * struct pn_trie_node - a node of the table's trie
 * @bit: the subtrees whose next bit after the prefix is 0 and 1
 * @cidr: the prefix length
 * @kind: a bare branch, which only joins two subtrees, or the last member
 *	of a &struct pn_subnet; set before the node is published
 * @af: enum pn_af, the trie the node is in, which sizes @key
 * @key: the prefix in host-order 32-bit words, most significant first,
 *	host bits clear: one word for IPv4, four for IPv6
 *
 * Nodes carry no rcu_head: the table frees what readers may still hold
 * in batches, after one grace period for each (see subnets.c).
 */
struct pn_trie_node {
	struct pn_trie_node __rcu *bit[2];
	u8 cidr;
	u8 kind;
	u8 af;
	u32 key[];
};

/**
 * struct pn_prefix - a prefix as requests and dumps name it
 * @af: enum pn_af
 * @cidr: the prefix length
 * @key: as in &struct pn_trie_node, the unused words zero
 */
struct pn_prefix {
	u8 af;
	u8 cidr;
	u32 key[4];
};

/**
 * struct pn_subnet - a subnet of the table: what it carries and its trie
 *	node
 * @peer: the node that owns it
 * @stats: per-CPU traffic counters, made when first needed
 * @lladdr: the owning node's VTEP MAC address
 * @lladdr_derived: @lladdr was derived from the node's address
 * @node: its place in the trie, at the subnet's prefix; last, since its
 *	key's size depends on the family
 *
 * A subnet is never changed once published: a changed subnet is a new
 * one swapped in for the old. A subnet that never carries a packet holds
 * no per-CPU memory.
 */
struct pn_subnet {
	struct pn_peer *peer;
	struct pn_subnet_stats __percpu *stats;
	u8 lladdr[ETH_ALEN];
	bool lladdr_derived;
	struct pn_trie_node node;
};

static inline struct pn_subnet *pn_trie_subnet(struct pn_trie_node *n)
{
	return n->kind == PN_TRIE_SUBNET ?
	       container_of(n, struct pn_subnet, node) : NULL;
}

/* A path holds at most 129 nodes (lengths 0 to 128); a depth-first walk's
 * stack one more.
 */
#define PN_TRIE_DEPTH 130

/**
 * struct pn_table - a device's subnets
 * @root: the tries, one per enum pn_af
 * @peers: the nodes that own the subnets, by address, one hash per family
 * @cache_work: makes the route caches that peers asked for
 * @grave: what this writer took out of the table, to free after a grace
 *	period; under @lock
 * @lock: serializes writers and protects the trie's structure and @peers;
 *	taken with pn_table_lock()
 * @count: number of subnets, of both families
 * @generation: changes with every change, for dumps
 * @dead: the device is going away; no more changes
 */
struct pn_grave;

struct pn_table {
	struct pn_trie_node __rcu *root[PN_AF_COUNT];
	struct rhashtable peers[PN_AF_COUNT];
	struct work_struct cache_work;
	struct pn_grave *grave;
	struct mutex lock; /* writers; see subnets.c */
	u32 count;
	u32 generation;
	bool dead;
};

int pn_subnets_init(void);
void pn_subnets_uninit(void);
struct pn_subnet *pn_subnet_alloc(u8 af);
void pn_subnet_free(struct pn_subnet *s);
struct pn_trie_node *pn_branch_alloc(u8 af);
void pn_branch_free(struct pn_trie_node *b);
void pn_subnet_stats_read(const struct pn_subnet *n,
			  struct pn_subnet_stats *sum);
int pn_table_init(struct pn_table *t);
void pn_table_destroy(struct pn_table *t);
void pn_table_lock(struct pn_table *t);
void pn_table_unlock(struct pn_table *t);
struct pn_peer *pn_peer_get(struct pn_table *t, const struct pn_addr *addr);
void pn_peer_put(struct pn_table *t, struct pn_peer *p);
struct pn_peer *pn_peer_lookup(struct pn_table *t, __be32 addr);
struct pn_peer *pn_peer_lookup6(struct pn_table *t,
				const struct in6_addr *addr);

/* Whether the table holds nodes of family @af. */
static inline bool pn_table_has_nodes(struct pn_table *t, u8 af)
{
	return atomic_read(&t->peers[af].nelems);
}

struct pn_dev;
void pn_routes_reset(struct pn_dev *pn);
void pn_peer_want_cache(struct pn_table *t, struct pn_peer *p);
struct pn_subnet *pn_table_lookup(struct pn_table *t, __be32 addr);
struct pn_subnet *pn_table_lookup6(struct pn_table *t,
				   const struct in6_addr *addr);
struct pn_subnet *pn_table_find(struct pn_table *t, const struct pn_prefix *p);
void pn_table_insert(struct pn_table *t, struct pn_subnet *new,
		     struct pn_trie_node **spare);
int pn_table_remove(struct pn_table *t, const struct pn_prefix *p,
		    struct pn_trie_node **spare);
void pn_table_flush(struct pn_table *t);
int pn_table_walk(struct pn_table *t, const struct pn_prefix *pos,
		  int (*fn)(struct pn_subnet *s, void *arg), void *arg);

/*
 * 0a:58 followed by the IPv4 address, the convention of the CNI plugins;
 * for an IPv6 address, its last four bytes.
 */
static inline void pn_mac_from_addr(u8 *mac, const struct pn_addr *addr)
{
	mac[0] = 0x0a;
	mac[1] = 0x58;
	if (addr->af == PN_AF6)
		memcpy(mac + 2, &addr->ip6.s6_addr32[3], sizeof(__be32));
	else
		memcpy(mac + 2, &addr->ip, sizeof(__be32));
}

/**
 * struct pn_dev - the private part of a podnet net_device
 * @dev: the device
 * @net: the namespace it was created in, where its socket lives
 * @list: entry in that namespace's list of podnet devices
 * @cfg: configuration; changed only under RTNL
 * @mac_derived: the MAC address follows @cfg.local
 * @mtu_auto: the MTU follows the underlay's, up and down; no MTU was given
 * @lost_lower: the name of the underlay device while it is gone, else ""
 * @lower: the ifindex of the underlay device as pn_underlay_update() last
 *	found it, 0 while it is unknown; read by the data path
 * @stats: the named counters
 * @table: the subnets and the nodes that own them
 * @sock: the UDP socket while the device is up (VXLAN mode)
 * @sock6: the UDP/IPv6 socket while the device is up with an IPv6 local
 *	address (VXLAN mode)
 * @rx_list: while the device is up, entry in @sock's list of devices
 *	(VXLAN mode) or in the namespace's list of ipip devices
 * @rx_list6: entry in @sock6's list of devices
 * @gro_cells: receive queue after decapsulation
 * @miss_rs: bounds the rate of miss events
 * @miss_lock: protects @last_miss and @last_miss_time
 * @last_miss: the address of the last miss event, against repeats
 * @last_miss_time: when it was sent, in jiffies
 */
struct pn_dev {
	struct net_device *dev;
	struct net *net;
	struct list_head list;
	struct pn_cfg cfg;
	bool mac_derived;
	bool mtu_auto;
	char lost_lower[IFNAMSIZ];
	int lower;
	struct pn_pcpu_stats __percpu *stats;
	struct pn_table table;
	struct pn_sock __rcu *sock;
	struct pn_sock __rcu *sock6;
	struct list_head rx_list;
	struct list_head rx_list6;
	struct gro_cells gro_cells;
	struct ratelimit_state miss_rs;
	spinlock_t miss_lock; /* see above */
	struct pn_addr last_miss;
	unsigned long last_miss_time;
};

/* main.c */
extern unsigned int pn_net_id;

/**
 * struct pn_net - per network namespace state
 * @devices: podnet devices created in this namespace, under RTNL
 * @socks: the UDP sockets of this namespace, under RTNL
 * @ipip_devs: the ipip devices that are up, found on receive (RCU)
 * @addr6_work: follows the IPv6 addresses of the namespace coming and
 *	going, for the devices' IPv6 local addresses
 */
struct pn_net {
	struct list_head devices;
	struct list_head socks;
	struct list_head ipip_devs;
	struct work_struct addr6_work;
};

/* device.c */
int pn_device_init(void);
void pn_device_uninit(void);
bool pn_is_podnet(const struct net_device *dev);
void pn_addr6_work(struct work_struct *work);
void pn_stats_inc(struct pn_dev *pn, enum pn_stat stat);
void pn_link_inc(struct pn_dev *pn, enum pn_link_stat stat);
u64 pn_stats_read(const struct pn_dev *pn, enum pn_stat stat);
extern const char pn_stat_names[PN_STAT_COUNT][ETH_GSTRING_LEN];

static inline bool pn_is_ipip(const struct pn_dev *pn)
{
	return pn->cfg.mode == PODNET_MODE_IPIP;
}

/* tunnel.c */
void pn_subnet_count(struct pn_subnet *n, bool tx, unsigned int len);
struct dst_entry *pn_tunnel_outer(struct pn_dev *pn, struct sk_buff *skb,
				  struct pn_subnet *n, struct sock *sk,
				  u8 proto, u8 *tos, struct pn_addr *saddr);
__be16 pn_tunnel_df(const struct pn_dev *pn, const struct sk_buff *skb);
bool pn_tunnel_too_big(struct sk_buff *skb, struct dst_entry *dst, __be16 *df,
		       int overhead, int hlen);
bool pn_subnet_direct(const struct pn_dev *pn, const struct pn_subnet *n);
void pn_tx_drop(struct pn_dev *pn, struct sk_buff *skb, enum pn_stat why,
		enum skb_drop_reason reason);
struct pn_subnet *pn_tx_lookup(struct pn_dev *pn, struct sk_buff *skb,
			       __be32 daddr);
struct pn_subnet *pn_tx_lookup6(struct pn_dev *pn, struct sk_buff *skb,
				const struct in6_addr *daddr);

/* receive.c */
void pn_rx_drop(struct pn_dev *pn, struct sk_buff *skb, enum pn_stat why,
		enum skb_drop_reason reason);
void pn_rcv_deliver(struct pn_dev *pn, struct sk_buff *skb);
void pn_rcv_finish(struct pn_dev *pn, struct sk_buff *skb,
		   const struct pn_addr *osaddr, u8 otos);

/* netlink.c */
int pn_genl_init(void);
void pn_genl_uninit(void);
void pn_nl_miss(struct pn_dev *pn, int family, const void *addr,
		enum podnet_miss kind);

/* arp.c */
const u8 *pn_arp_lladdr(struct pn_dev *pn, __be32 ip,
			struct pn_subnet **subnet);
__be32 pn_arp_xmit(struct pn_dev *pn, struct sk_buff *skb);
bool pn_arp_rcv_ok(struct pn_dev *pn, struct sk_buff *skb,
		   const struct pn_addr *node);

/* ndisc.c */

/* What pn_nd_xmit() did with a frame. */
enum pn_nd_verdict {
	PN_ND_PASS,	/* not neighbour discovery: send it as any packet */
	PN_ND_DONE,	/* answered or dropped */
	PN_ND_FORWARD,	/* a solicitation for the node that owns the target */
};

const u8 *pn_nd_lladdr(struct pn_dev *pn, const struct in6_addr *ip6,
		       struct pn_subnet **subnet);
enum pn_nd_verdict pn_nd_xmit(struct pn_dev *pn, struct sk_buff *skb,
			      struct in6_addr *target);

/* vxlan.c */

/**
 * struct pn_sock - a UDP socket shared by the devices on one port
 * @list: entry in the namespace's list of sockets
 * @sock: the socket
 * @devs: devices using it, found by VNI on receive (RCU)
 * @port: the UDP port, network order
 * @family: AF_INET, or AF_INET6 for an IPv6-only socket
 * @refs: number of devices using it, under RTNL
 */
struct pn_sock {
	struct list_head list;
	struct socket *sock;
	struct list_head devs;
	__be16 port;
	u8 family;
	unsigned int refs;
};

int pn_vxlan_open(struct pn_dev *pn);
void pn_vxlan_stop(struct pn_dev *pn);
netdev_tx_t pn_vxlan_xmit(struct sk_buff *skb, struct net_device *dev);

/* ipip.c */
void pn_ipip_uninit(void);
int pn_ipip_open(struct pn_dev *pn);
void pn_ipip_stop(struct pn_dev *pn);
netdev_tx_t pn_ipip_xmit(struct sk_buff *skb, struct net_device *dev);

#endif /* _PODNET_PRIVATE_H */
