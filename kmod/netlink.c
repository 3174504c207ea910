// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the generic netlink family "podnet", which programs the subnet
 * table. uapi/linux/podnet.h documents every command and attribute.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/sort.h>
#include <net/addrconf.h>
#include <net/arp.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "podnet_private.h"

static struct genl_family pn_genl_family;

enum pn_mcgrp {
	PN_MCGRP_EVENTS,
};

/* The events tell what the table holds: only an administrator listens. */
static const struct genl_multicast_group pn_mcgrps[] = {
	[PN_MCGRP_EVENTS] = {
		.name = PODNET_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static const struct nla_policy pn_subnet_stats_policy[PODNET_SUBNET_STATS_A_MAX + 1] = {
	[PODNET_SUBNET_STATS_A_TX_PACKETS] = { .type = NLA_U64 },
	[PODNET_SUBNET_STATS_A_TX_BYTES] = { .type = NLA_U64 },
	[PODNET_SUBNET_STATS_A_RX_PACKETS] = { .type = NLA_U64 },
	[PODNET_SUBNET_STATS_A_RX_BYTES] = { .type = NLA_U64 },
	/* where 64-bit values are padded, a dump fed back holds pads */
	[PODNET_SUBNET_STATS_A_PAD] = NLA_POLICY_EXACT_LEN(0),
};

/*
 * The policies are those the YNL spec generates (selftests/ynl.sh compares
 * them), so the big-endian addresses are NLA_U32 as there, which the
 * policy dump shows. PREFIXLEN's maximum is an IPv6 one: the IPv4
 * maximum is the parser's.
 */
static const struct nla_policy pn_subnet_policy[PODNET_SUBNET_A_MAX + 1] = {
	[PODNET_SUBNET_A_PREFIX4] = { .type = NLA_U32 },
	[PODNET_SUBNET_A_PREFIX6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[PODNET_SUBNET_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[PODNET_SUBNET_A_NODE4] = { .type = NLA_U32 },
	[PODNET_SUBNET_A_NODE6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[PODNET_SUBNET_A_LLADDR] = NLA_POLICY_ETH_ADDR,
	[PODNET_SUBNET_A_FLAGS] = NLA_POLICY_MASK(NLA_U32,
						  PODNET_SUBNET_FLAGS_LLADDR_DERIVED),
	[PODNET_SUBNET_A_STATS] = NLA_POLICY_NESTED(pn_subnet_stats_policy),
	[PODNET_SUBNET_A_DIRECT] = { .type = NLA_FLAG },
};

/*
 * Each request takes only its own attributes: validation is strict, so
 * anything else is refused by the genetlink core.
 */
static const struct nla_policy pn_dev_policy[PODNET_A_IFNAME + 1] = {
	[PODNET_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PODNET_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static const struct nla_policy pn_write_policy[PODNET_A_SUBNET + 1] = {
	[PODNET_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PODNET_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PODNET_A_SUBNET] = NLA_POLICY_NESTED(pn_subnet_policy),
};

static const struct nla_policy pn_get_subnet_policy[PODNET_A_ADDRESS6 + 1] = {
	[PODNET_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PODNET_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PODNET_A_ADDRESS4] = { .type = NLA_U32 },
	[PODNET_A_ADDRESS6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

/**
 * pn_nl_dev - the podnet device a request names
 * @net: the requester's namespace
 * @attrs: the request
 * @extack: for the reason of a failure
 *
 * Return: the device, with a reference the caller drops with dev_put(), or
 * an ERR_PTR.
 */
static struct pn_dev *pn_nl_dev(struct net *net, struct nlattr **attrs,
				struct netlink_ext_ack *extack)
{
	struct nlattr *ifindex = attrs[PODNET_A_IFINDEX];
	struct nlattr *ifname = attrs[PODNET_A_IFNAME];
	struct net_device *dev;

	if (!ifindex == !ifname) {
		NL_SET_ERR_MSG(extack,
			       "exactly one of PODNET_A_IFINDEX and PODNET_A_IFNAME is required");
		return ERR_PTR(-EINVAL);
	}
	if (ifindex)
		dev = dev_get_by_index(net, nla_get_u32(ifindex));
	else
		dev = dev_get_by_name(net, nla_data(ifname));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname,
				    "no such device");
		return ERR_PTR(-ENODEV);
	}
	if (!pn_is_podnet(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname,
				    "not a podnet device");
		dev_put(dev);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

/* One subnet of a request, parsed. */
struct pn_req {
	struct pn_prefix pfx;
	bool has_node;
	bool has_lladdr;
	bool has_flags;
	bool lladdr_derived;
	struct pn_addr node;
	u8 lladdr[ETH_ALEN];
	const struct nlattr *attr;
	struct pn_subnet *new;
	struct pn_trie_node *spare;
	struct pn_peer *peer;
};

/* What a subnet nest must hold: a prefix, or a whole entry. */
enum pn_parse {
	PN_PARSE_PREFIX,
	PN_PARSE_ENTRY,
};

/* 0.0.0.0/8 is "this network": no node's address. */
static bool pn_nl_unicast(__be32 addr)
{
	return (addr & htonl(0xff000000)) && !ipv4_is_multicast(addr) &&
	       !ipv4_is_lbcast(addr) && !ipv4_is_loopback(addr);
}

/*
 * An IPv6 node is reached by its global or unique local address: not
 * ::, a multicast, loopback, link-local or IPv4-mapped one.
 */
static bool pn_nl_unicast6(const struct in6_addr *addr)
{
	int type = ipv6_addr_type(addr);

	return (type & IPV6_ADDR_UNICAST) &&
	       !(type & (IPV6_ADDR_LOOPBACK | IPV6_ADDR_LINKLOCAL |
			 IPV6_ADDR_MAPPED));
}

/**
 * pn_nl_parse_subnet - parse one subnet nest
 * @attr: the nest, validated by the request's policy
 * @req: filled in
 * @what: what the nest must hold; an entry's lladdr is derived when
 *	not given. A prefix's node, lladdr and flags are taken when given.
 * @extack: for the reason of a failure
 *
 * Return: 0 or a negative errno.
 */
static int pn_nl_parse_subnet(const struct nlattr *attr, struct pn_req *req,
			      enum pn_parse what,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PODNET_SUBNET_A_MAX + 1];
	struct pn_prefix *p = &req->pfx;
	struct nlattr *a, *pa;
	const __be32 *addr;
	unsigned int w;
	int ret;

	ret = nla_parse_nested(tb, PODNET_SUBNET_A_MAX, attr, pn_subnet_policy,
			       extack);
	if (ret)
		return ret;

	req->attr = attr;
	pa = tb[PODNET_SUBNET_A_PREFIX4] ?: tb[PODNET_SUBNET_A_PREFIX6];
	if (!pa) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "subnet has no prefix");
		return -EINVAL;
	}
	if (tb[PODNET_SUBNET_A_PREFIX4] && tb[PODNET_SUBNET_A_PREFIX6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PODNET_SUBNET_A_PREFIX6],
				    "a subnet has one prefix, IPv4 or IPv6");
		return -EINVAL;
	}
	p->af = nla_type(pa) == PODNET_SUBNET_A_PREFIX6 ? PN_AF6 : PN_AF4;
	addr = nla_data(pa);
	for (w = 0; w < pn_af_words(p->af); w++)
		p->key[w] = be32_to_cpu(addr[w]);

	a = tb[PODNET_SUBNET_A_PREFIXLEN];
	if (!a) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "subnet has no prefix length");
		return -EINVAL;
	}
	p->cidr = nla_get_u8(a);
	if (p->cidr > pn_af_bits(p->af)) {
		/* The policy bounds an IPv6 one. */
		NL_SET_ERR_MSG_ATTR(extack, a, "IPv4 prefix length must be 0 to 32");
		return -EINVAL;
	}
	for (w = 0; w < pn_af_words(p->af); w++) {
		if (p->key[w] & ~pn_word_mask(p->cidr, w)) {
			NL_SET_ERR_MSG_ATTR(extack, pa, "prefix has host bits set");
			return -EINVAL;
		}
	}

	a = tb[PODNET_SUBNET_A_NODE4] ?: tb[PODNET_SUBNET_A_NODE6];
	if (!a && what == PN_PARSE_ENTRY) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "subnet has no node address");
		return -EINVAL;
	}
	if (tb[PODNET_SUBNET_A_NODE4] && tb[PODNET_SUBNET_A_NODE6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PODNET_SUBNET_A_NODE6],
				    "a subnet has one node address, IPv4 or IPv6");
		return -EINVAL;
	}
	if (a && nla_type(a) == PODNET_SUBNET_A_NODE4) {
		req->node.af = PN_AF4;
		req->node.ip = nla_get_in_addr(a);
		if (!pn_nl_unicast(req->node.ip)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "node address must be a unicast IPv4 address");
			return -EINVAL;
		}
	} else if (a) {
		req->node.af = PN_AF6;
		req->node.ip6 = nla_get_in6_addr(a);
		if (!pn_nl_unicast6(&req->node.ip6)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "node address must be a global unicast IPv6 address");
			return -EINVAL;
		}
	}
	req->has_node = a;

	a = tb[PODNET_SUBNET_A_FLAGS];
	req->has_flags = a;
	req->lladdr_derived = a && (nla_get_u32(a) &
				    PODNET_SUBNET_FLAGS_LLADDR_DERIVED);
	a = tb[PODNET_SUBNET_A_LLADDR];
	if (a) {
		if (!is_valid_ether_addr(nla_data(a))) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "lladdr must be a unicast Ethernet address");
			return -EINVAL;
		}
		memcpy(req->lladdr, nla_data(a), ETH_ALEN);
		req->has_lladdr = true;
	}
	if (req->has_node && (req->lladdr_derived || !a)) {
		u8 derived[ETH_ALEN];

		pn_mac_from_addr(derived, &req->node);
		if (a && !ether_addr_equal(derived, req->lladdr)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "lladdr is not the one derived from the node address");
			return -EINVAL;
		}
		if (!a && what == PN_PARSE_ENTRY) {
			memcpy(req->lladdr, derived, ETH_ALEN);
			req->lladdr_derived = true;
		}
	}
	return 0;
}

static int pn_req_cmp(const void *a, const void *b)
{
	const struct pn_prefix *x = &((const struct pn_req *)a)->pfx;
	const struct pn_prefix *y = &((const struct pn_req *)b)->pfx;

	if (x->af != y->af)
		return x->af - y->af;
	return pn_key_cmp(x->key, y->key, pn_af_words(x->af)) ?:
	       x->cidr - y->cidr;
}

/**
 * pn_nl_parse_subnets - parse and sort every subnet of a request
 * @info: the request, whose PODNET_A_SUBNET attributes the policy checked
 * @what: as for pn_nl_parse_subnet()
 * @nreq: set to the number of subnets
 *
 * Return: the subnets, to be freed with kvfree(), or an ERR_PTR.
 */
static struct pn_req *pn_nl_parse_subnets(struct genl_info *info,
					  enum pn_parse what, int *nreq)
{
	struct nlattr *head = genlmsg_data(info->genlhdr);
	int len = genlmsg_len(info->genlhdr);
	struct pn_req *reqs;
	struct nlattr *a;
	int n = 0, rem, ret, i;

	nla_for_each_attr(a, head, len, rem)
		n += nla_type(a) == PODNET_A_SUBNET;
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "no PODNET_A_SUBNET given");
		return ERR_PTR(-EINVAL);
	}
	reqs = kvcalloc(n, sizeof(*reqs), GFP_KERNEL_ACCOUNT);
	if (!reqs)
		return ERR_PTR(-ENOMEM);

	i = 0;
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != PODNET_A_SUBNET)
			continue;
		ret = pn_nl_parse_subnet(a, &reqs[i++], what, info->extack);
		if (ret)
			goto err;
	}

	sort(reqs, n, sizeof(*reqs), pn_req_cmp, NULL);
	for (i = 1; i < n; i++) {
		if (!pn_req_cmp(&reqs[i - 1], &reqs[i])) {
			NL_SET_ERR_MSG_ATTR(info->extack, reqs[i].attr,
					    "subnet given twice in one request");
			ret = -EINVAL;
			goto err;
		}
	}
	*nreq = n;
	return reqs;

err:
	kvfree(reqs);
	return ERR_PTR(ret);
}

/*
 * An entry as a subnet nest; ipip devices have no lladdr to show. A reply
 * to a get or a dump (@with_stats) has the counters and whether the entry
 * goes direct now, which takes a route lookup.
 */
static int pn_nl_put_subnet(struct sk_buff *skb, const struct pn_dev *pn,
			    const struct pn_subnet *n, bool with_stats)
{
	struct pn_subnet_stats st;
	struct nlattr *nest, *sn;
	struct in6_addr prefix;
	unsigned int w;

	nest = nla_nest_start(skb, PODNET_A_SUBNET);
	if (!nest)
		return -EMSGSIZE;
	for (w = 0; w < pn_af_words(n->node.af); w++)
		prefix.s6_addr32[w] = cpu_to_be32(n->node.key[w]);
	if (n->node.af == PN_AF6 ?
	    nla_put_in6_addr(skb, PODNET_SUBNET_A_PREFIX6, &prefix) :
	    nla_put_in_addr(skb, PODNET_SUBNET_A_PREFIX4, prefix.s6_addr32[0]))
		goto cancel;
	if (nla_put_u8(skb, PODNET_SUBNET_A_PREFIXLEN, n->node.cidr) ||
	    (pn_peer_is6(n->peer) ?
	     nla_put_in6_addr(skb, PODNET_SUBNET_A_NODE6, n->peer->addr6) :
	     nla_put_in_addr(skb, PODNET_SUBNET_A_NODE4, n->peer->addr)))
		goto cancel;
	if (!pn_is_ipip(pn) &&
	    (nla_put(skb, PODNET_SUBNET_A_LLADDR, ETH_ALEN, n->lladdr) ||
	     nla_put_u32(skb, PODNET_SUBNET_A_FLAGS, n->lladdr_derived ?
			 PODNET_SUBNET_FLAGS_LLADDR_DERIVED : 0)))
		goto cancel;
	if (with_stats && READ_ONCE(pn->cfg.direct) &&
	    pn_subnet_direct(pn, n) &&
	    nla_put_flag(skb, PODNET_SUBNET_A_DIRECT))
		goto cancel;

	if (with_stats) {
		pn_subnet_stats_read(n, &st);
		sn = nla_nest_start(skb, PODNET_SUBNET_A_STATS);
		if (!sn ||
		    nla_put_u64_64bit(skb, PODNET_SUBNET_STATS_A_TX_PACKETS,
				      u64_stats_read(&st.tx_packets),
				      PODNET_SUBNET_STATS_A_PAD) ||
		    nla_put_u64_64bit(skb, PODNET_SUBNET_STATS_A_TX_BYTES,
				      u64_stats_read(&st.tx_bytes),
				      PODNET_SUBNET_STATS_A_PAD) ||
		    nla_put_u64_64bit(skb, PODNET_SUBNET_STATS_A_RX_PACKETS,
				      u64_stats_read(&st.rx_packets),
				      PODNET_SUBNET_STATS_A_PAD) ||
		    nla_put_u64_64bit(skb, PODNET_SUBNET_STATS_A_RX_BYTES,
				      u64_stats_read(&st.rx_bytes),
				      PODNET_SUBNET_STATS_A_PAD))
			goto cancel;
		nla_nest_end(skb, sn);
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The room pn_nl_put_subnet() takes, nest included. */
static size_t pn_nl_subnet_size(bool with_stats)
{
	size_t size = nla_total_size(0) +		/* the nest */
		      nla_total_size(sizeof(struct in6_addr)) + /* PREFIX */
		      nla_total_size(sizeof(u8)) +	/* PREFIXLEN */
		      nla_total_size(sizeof(struct in6_addr)) + /* NODE */
		      nla_total_size(ETH_ALEN) +	/* LLADDR */
		      nla_total_size(sizeof(u32));	/* FLAGS */

	if (with_stats)
		size += nla_total_size(0) +
			4 * nla_total_size_64bit(sizeof(u64)) +
			nla_total_size(0);	/* DIRECT */
	return size;
}

/* The room pn_nl_put_dev() takes. */
static size_t pn_nl_dev_size(void)
{
	return nla_total_size(sizeof(u32)) + nla_total_size(IFNAMSIZ);
}

static int pn_nl_put_dev(struct sk_buff *skb, const struct pn_dev *pn)
{
	if (nla_put_u32(skb, PODNET_A_IFINDEX, pn->dev->ifindex) ||
	    nla_put_string(skb, PODNET_A_IFNAME, pn->dev->name))
		return -EMSGSIZE;
	return 0;
}

/* Tell the events group about one subnet, or a flush when @n is NULL. */
static void pn_nl_notify(struct pn_dev *pn, u8 cmd,
			 const struct pn_subnet *n)
{
	struct net *net = dev_net(pn->dev);
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(pn_nl_dev_size() +
			  (n ? pn_nl_subnet_size(false) : 0), GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &pn_genl_family, 0, cmd);
	if (!hdr || pn_nl_put_dev(skb, pn))
		goto err;
	if (n && pn_nl_put_subnet(skb, pn, n, false))
		goto err;
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&pn_genl_family, net, skb, 0, PN_MCGRP_EVENTS,
				GFP_KERNEL);
	return;
err:
	nlmsg_free(skb);
}

/**
 * pn_nl_miss - announce that no subnet holds an address
 * @pn: the device
 * @family: AF_INET or AF_INET6
 * @addr: the address, a __be32 or a struct in6_addr
 * @kind: what was looking for it
 *
 * Called from the transmit path, in softirq context. One address is
 * announced at most once a second, and a device at most as often as its
 * rate limit allows, so a storm cannot flood userspace.
 */
void pn_nl_miss(struct pn_dev *pn, int family, const void *addr,
		enum podnet_miss kind)
{
	struct net *net = dev_net(pn->dev);
	bool ip6 = family == AF_INET6;
	struct pn_addr a = {};
	struct sk_buff *skb;
	bool send = false;
	void *hdr;

	if (!genl_has_listeners(&pn_genl_family, net, PN_MCGRP_EVENTS))
		return;
	a.af = ip6 ? PN_AF6 : PN_AF4;
	if (ip6)
		a.ip6 = *(const struct in6_addr *)addr;
	else
		a.ip = *(const __be32 *)addr;
	spin_lock_bh(&pn->miss_lock);
	if ((!pn_addr_equal(&a, &pn->last_miss) ||
	     time_after_eq(jiffies, pn->last_miss_time + HZ)) &&
	    __ratelimit(&pn->miss_rs)) {
		pn->last_miss = a;
		pn->last_miss_time = jiffies;
		send = true;
	}
	spin_unlock_bh(&pn->miss_lock);
	if (!send)
		return;

	skb = genlmsg_new(pn_nl_dev_size() + nla_total_size(sizeof(u8)) +
			  nla_total_size(sizeof(struct in6_addr)), GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &pn_genl_family, 0, PODNET_CMD_MISS_NTF);
	if (!hdr || pn_nl_put_dev(skb, pn) ||
	    nla_put_u8(skb, PODNET_A_MISS, kind) ||
	    (ip6 ? nla_put_in6_addr(skb, PODNET_A_ADDRESS6, addr) :
		   nla_put_in_addr(skb, PODNET_A_ADDRESS4,
				   *(const __be32 *)addr)))
		goto err;
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&pn_genl_family, net, skb, 0, PN_MCGRP_EVENTS,
				GFP_ATOMIC);
	return;
err:
	nlmsg_free(skb);
}

static bool pn_nl_listening(struct pn_dev *pn)
{
	return genl_has_listeners(&pn_genl_family, dev_net(pn->dev),
				  PN_MCGRP_EVENTS);
}

static void pn_reqs_free(struct pn_req *reqs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		pn_subnet_free(reqs[i].new);
		pn_branch_free(reqs[i].spare);
	}
	kvfree(reqs);
}

/*
 * A subnet whose node is this node itself would send its packets back to
 * us until their TTL runs out: the device's local address, or any other
 * address of its namespace.
 */
static bool pn_nl_node_is_self(struct pn_dev *pn, const struct pn_addr *node)
{
	if (node->af == PN_AF6)
		return ipv6_chk_addr_and_flags(pn->net, &node->ip6, NULL, true,
					       0, 0);
	return node->ip == READ_ONCE(pn->cfg.local) ||
	       inet_addr_type(pn->net, node->ip) == RTN_LOCAL;
}

static bool pn_nl_no_local6(struct pn_dev *pn)
{
	int i;

	for (i = 0; i < 4; i++)
		if (READ_ONCE(pn->cfg.local6.s6_addr32[i]))
			return false;
	return true;
}

/* What a request that writes subnets asks for each of them. */
enum pn_write {
	PN_WRITE_NEW,		/* add; EEXIST if held */
	PN_WRITE_REPLACE,	/* add or replace */
	PN_WRITE_CHANGE,	/* replace; ENOENT if not held */
};

/*
 * Decide what each subnet of a write request does to the table and
 * allocate what it needs: reqs[i].new stays NULL for an identical entry.
 * The peer of each new or changed subnet is found or made here, so that
 * applying cannot fail.
 */
static int pn_nl_new_check(struct pn_dev *pn, struct pn_req *reqs, int n,
			   enum pn_write how, struct netlink_ext_ack *extack)
{
	u32 limit = READ_ONCE(pn->cfg.max_subnets);
	struct pn_table *t = &pn->table;
	struct pn_subnet *old;
	struct pn_peer *peer;
	u32 added = 0;
	int i;

	for (i = 0; i < n; i++) {
		struct pn_req *r = &reqs[i];

		if (pn_is_ipip(pn) && r->has_lladdr) {
			NL_SET_ERR_MSG_ATTR(extack, r->attr,
					    "an ipip device's subnets have no lladdr");
			return -EINVAL;
		}
		if (r->node.af == PN_AF6 && pn_nl_no_local6(pn)) {
			NL_SET_ERR_MSG_ATTR(extack, r->attr,
					    "an IPv6 node needs an IPv6 local address on the device (local6)");
			return -EADDRNOTAVAIL;
		}
		if (pn_nl_node_is_self(pn, &r->node)) {
			NL_SET_ERR_MSG_ATTR(extack, r->attr,
					    "node address is an address of this node: the subnet would loop");
			return -EINVAL;
		}
		old = pn_table_find(t, &r->pfx);
		if (!old && how == PN_WRITE_CHANGE) {
			NL_SET_ERR_MSG_ATTR(extack, r->attr,
					    "no such subnet to replace");
			return -ENOENT;
		}
		if (!old && t->count + ++added > limit) {
			NL_SET_ERR_MSG_ATTR(extack, r->attr,
					    "the device's table is full (see max_subnets)");
			return -ENOSPC;
		}
		if (old && how == PN_WRITE_NEW) {
			NL_SET_ERR_MSG_ATTR(extack, r->attr, "subnet exists");
			return -EEXIST;
		}
		if (old && pn_peer_is(old->peer, &r->node) &&
		    ether_addr_equal(old->lladdr, r->lladdr) &&
		    old->lladdr_derived == r->lladdr_derived)
			continue;
		r->new = pn_subnet_alloc(r->pfx.af);
		if (!r->new)
			return -ENOMEM;
		/* Only an addition can need a branch. */
		if (!old) {
			r->spare = pn_branch_alloc(r->pfx.af);
			if (!r->spare)
				return -ENOMEM;
		}
		peer = pn_peer_get(t, &r->node);
		if (IS_ERR(peer))
			return PTR_ERR(peer);
		r->peer = peer;
	}
	return 0;
}

/* Drop the peer references a failed NEW_SUBNET request took. */
static void pn_nl_new_undo(struct pn_dev *pn, struct pn_req *reqs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (reqs[i].peer)
			pn_peer_put(&pn->table, reqs[i].peer);
}

/* A batch of a device's learnt neighbour entries, taken under the table lock. */
struct pn_neigh_batch {
	struct pn_dev *pn;
	struct neighbour *neigh[32];
	unsigned int count;
	unsigned int seen;
	bool more;
};

/*
 * Whether @neigh holds the lladdr the device would answer for it now:
 * its own for a gateway, its subnet's for a pod. Such an entry needs no
 * renewal, so that a replace of one subnet leaves the others' alone.
 */
static bool pn_neigh_current(struct pn_dev *pn, struct neighbour *neigh)
{
	struct pn_subnet *n;
	u8 ha[ETH_ALEN];
	const u8 *want;
	bool held;

	rcu_read_lock();
	if (neigh->tbl == &arp_tbl)
		want = pn_arp_lladdr(pn, *(__be32 *)neigh->primary_key, &n);
	else
		want = pn_nd_lladdr(pn, (void *)neigh->primary_key, &n);
	neigh_ha_snapshot(ha, neigh, pn->dev);
	held = want && ether_addr_equal(ha, want);
	rcu_read_unlock();
	return held;
}

static void pn_neigh_collect(struct neighbour *neigh, void *arg)
{
	struct pn_neigh_batch *b = arg;
	u8 state = READ_ONCE(neigh->nud_state);

	if (neigh->dev != b->pn->dev || !(state & NUD_VALID) ||
	    (state & (NUD_PERMANENT | NUD_NOARP)))
		return;
	if (pn_neigh_current(b->pn, neigh))
		return;
	b->seen++;
	if (b->count == ARRAY_SIZE(b->neigh)) {
		b->more = true;
		return;
	}
	neigh_hold(neigh);
	b->neigh[b->count++] = neigh;
}

static void pn_neigh_forget(struct neigh_table *tbl, struct pn_dev *pn)
{
	struct pn_neigh_batch b = { .pn = pn };
	unsigned int i, budget = 0;
	bool first = true;

	do {
		b.count = 0;
		b.seen = 0;
		b.more = false;
		neigh_for_each(tbl, pn_neigh_collect, &b);
		if (first)
			budget = 2 * b.seen;
		first = false;
		for (i = 0; i < b.count; i++) {
			neigh_update(b.neigh[i], NULL, NUD_FAILED,
				     NEIGH_UPDATE_F_OVERRIDE |
				     NEIGH_UPDATE_F_ADMIN, 0);
			neigh_release(b.neigh[i]);
		}
		budget -= min(budget, b.count);
		cond_resched();
	} while (b.more && budget);
}

/*
 * Make the device's learnt neighbour entries that do not hold the lladdr
 * of the table as it is now resolve again; the permanent ones an operator
 * added stay. Each is set to FAILED, which the next packet to it turns
 * into a new request, answered by the device from the table, so that an
 * entry renewed while the walk goes on is passed over. Should something
 * else answer with another MAC (arpsuppress off), the walk still ends: it
 * renews at most twice the entries it found at first.
 */
static void pn_nl_forget_neighbours(struct pn_dev *pn)
{
	pn_neigh_forget(&arp_tbl, pn);
	if (ipv6_mod_enabled())
		pn_neigh_forget(&nd_tbl, pn);
}

/* Apply a checked NEW_SUBNET request; cannot fail. */
static void pn_nl_new_apply(struct pn_dev *pn, struct pn_req *reqs, int n)
{
	bool notify = pn_nl_listening(pn), replaced = false;
	int i;

	for (i = 0; i < n; i++) {
		struct pn_req *r = &reqs[i];
		struct pn_subnet *new = r->new;

		if (!new)
			continue;
		replaced |= !r->spare;
		memcpy(new->node.key, r->pfx.key,
		       pn_af_words(r->pfx.af) * sizeof(u32));
		new->node.cidr = r->pfx.cidr;
		new->peer = r->peer;
		new->lladdr_derived = r->lladdr_derived;
		ether_addr_copy(new->lladdr, r->lladdr);
		pn_table_insert(&pn->table, new, &r->spare);
		r->new = NULL;
		r->peer = NULL;
		if (notify)
			pn_nl_notify(pn, PODNET_CMD_SUBNET_NEW_NTF, new);
	}
	/* Frames follow the table at once; the neighbour entries the device
	 * learnt, which may name an old MAC address, are renewed too.
	 */
	if (replaced)
		pn_nl_forget_neighbours(pn);
}

static int pn_nl_write(struct pn_dev *pn, struct pn_req *reqs, int n,
		       struct genl_info *info)
{
	enum pn_write how;
	int ret;

	switch (info->genlhdr->cmd) {
	case PODNET_CMD_NEW_SUBNET:
		how = PN_WRITE_NEW;
		break;
	case PODNET_CMD_REPLACE_SUBNET:
		how = PN_WRITE_REPLACE;
		break;
	default:
		how = PN_WRITE_CHANGE;
		break;
	}

	ret = pn_nl_new_check(pn, reqs, n, how, info->extack);
	if (ret)
		pn_nl_new_undo(pn, reqs, n);
	else
		pn_nl_new_apply(pn, reqs, n);
	return ret;
}

/* A node, lladdr or flags named in a DEL_SUBNET must be the entry's. */
static bool pn_nl_del_matches(const struct pn_req *r,
			      const struct pn_subnet *old)
{
	return (!r->has_node || pn_peer_is(old->peer, &r->node)) &&
	       (!r->has_lladdr || ether_addr_equal(r->lladdr, old->lladdr)) &&
	       (!r->has_flags || r->lladdr_derived == old->lladdr_derived);
}

static int pn_nl_del(struct pn_dev *pn, struct pn_req *reqs, int n,
		     struct genl_info *info)
{
	struct pn_table *t = &pn->table;
	bool notify;
	int i;

	for (i = 0; i < n; i++) {
		const struct pn_subnet *old = pn_table_find(t, &reqs[i].pfx);

		if (!old) {
			NL_SET_ERR_MSG_ATTR(info->extack, reqs[i].attr,
					    "no such subnet");
			return -ENOENT;
		}
		if (!pn_nl_del_matches(&reqs[i], old)) {
			NL_SET_ERR_MSG_ATTR(info->extack, reqs[i].attr,
					    "the subnet has another node, lladdr or flags");
			return -ENOENT;
		}
		reqs[i].spare = pn_branch_alloc(reqs[i].pfx.af);
		if (!reqs[i].spare)
			return -ENOMEM;
	}

	notify = pn_nl_listening(pn);
	for (i = 0; i < n; i++) {
		struct pn_subnet *old = pn_table_find(t, &reqs[i].pfx);

		if (notify)
			pn_nl_notify(pn, PODNET_CMD_SUBNET_DEL_NTF, old);
		pn_table_remove(t, &reqs[i].pfx, &reqs[i].spare);
	}
	return 0;
}

/**
 * pn_nl_change - run a request that changes subnets
 * @info: the request
 * @what: what each subnet nest holds
 * @change: checks every subnet against the table, then applies all of them
 *	or none; called with the table locked
 *
 * Return: 0 or a negative errno.
 */
static int pn_nl_change(struct genl_info *info, enum pn_parse what,
			int (*change)(struct pn_dev *pn, struct pn_req *reqs,
				      int n, struct genl_info *info))
{
	struct pn_req *reqs;
	struct pn_dev *pn;
	int ret, n;

	pn = pn_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);

	reqs = pn_nl_parse_subnets(info, what, &n);
	if (IS_ERR(reqs)) {
		ret = PTR_ERR(reqs);
		goto out;
	}
	pn_table_lock(&pn->table);
	ret = pn->table.dead ? -ENODEV : change(pn, reqs, n, info);
	pn_table_unlock(&pn->table);
	pn_reqs_free(reqs, n);
out:
	dev_put(pn->dev);
	return ret;
}

/* NEW_SUBNET, REPLACE_SUBNET and CHANGE_SUBNET: pn_nl_write() tells them apart. */
static int pn_nl_write_subnet(struct sk_buff *skb, struct genl_info *info)
{
	return pn_nl_change(info, PN_PARSE_ENTRY, pn_nl_write);
}

static int pn_nl_del_subnet(struct sk_buff *skb, struct genl_info *info)
{
	return pn_nl_change(info, PN_PARSE_PREFIX, pn_nl_del);
}

static int pn_nl_flush_subnets(struct sk_buff *skb, struct genl_info *info)
{
	struct pn_dev *pn;
	int ret;

	pn = pn_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);

	/* The event goes out under the lock, so that it cannot overtake
	 * or trail the events of the changes around it.
	 */
	pn_table_lock(&pn->table);
	ret = pn->table.dead ? -ENODEV : 0;
	if (!ret) {
		pn_table_flush(&pn->table);
		if (pn_nl_listening(pn))
			pn_nl_notify(pn, PODNET_CMD_SUBNET_FLUSH_NTF, NULL);
	}
	pn_table_unlock(&pn->table);
	dev_put(pn->dev);
	return ret;
}

/* GET_SUBNET without NLM_F_DUMP: the subnet that carries an address. */
static int pn_nl_get_subnet(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a4 = info->attrs[PODNET_A_ADDRESS4];
	struct nlattr *a6 = info->attrs[PODNET_A_ADDRESS6];
	struct nlattr *a = a4 ?: a6;
	struct pn_subnet *n;
	struct sk_buff *msg;
	struct pn_dev *pn;
	void *hdr;
	int ret;

	if (!a4 == !a6) {
		NL_SET_ERR_MSG(info->extack,
			       "exactly one of PODNET_A_ADDRESS4 and PODNET_A_ADDRESS6 is required");
		return -EINVAL;
	}
	pn = pn_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);

	ret = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out_dev;
	hdr = genlmsg_put_reply(msg, info, &pn_genl_family, 0,
				PODNET_CMD_GET_SUBNET);
	if (!hdr || pn_nl_put_dev(msg, pn))
		goto out_msg;

	rcu_read_lock_bh();
	if (a4) {
		n = pn_table_lookup(&pn->table, nla_get_in_addr(a4));
	} else {
		struct in6_addr addr = nla_get_in6_addr(a6);

		n = pn_table_lookup6(&pn->table, &addr);
	}
	ret = n ? pn_nl_put_subnet(msg, pn, n, true) : -ENOENT;
	rcu_read_unlock_bh();
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, a, "no subnet covers the address");
	if (ret)
		goto out_msg;
	genlmsg_end(msg, hdr);
	dev_put(pn->dev);
	return genlmsg_reply(msg, info);

out_msg:
	nlmsg_free(msg);
out_dev:
	dev_put(pn->dev);
	return ret;
}

/*
 * A dump shares its request's policy with the command's doit on kernels
 * without split ops: what only the doit takes is refused here.
 */
static int pn_nl_dump_check(struct nlattr **attrs, int first, int last,
			    struct netlink_ext_ack *extack)
{
	int i;

	for (i = first; i <= last; i++) {
		if (attrs[i]) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[i],
					    "a dump does not take this attribute");
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * struct pn_dump_state - where a dump of subnets is, in cb->ctx
 * @ifindex: the device
 * @has_pos: @pos is set: the last subnet an earlier message held
 * @done: the walk has ended
 * @pos: see @has_pos
 */
struct pn_dump_state {
	int ifindex;
	bool has_pos;
	bool done;
	struct pn_prefix pos;
};

static struct pn_dump_state *pn_dump_state(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct pn_dump_state) > sizeof(cb->ctx));
	return (struct pn_dump_state *)cb->ctx;
}

static int pn_nl_dump_subnets_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = pn_compat_dump_attrs(cb);
	struct pn_dev *pn;
	int ret;

	ret = pn_nl_dump_check(attrs, PODNET_A_ADDRESS4, PODNET_A_ADDRESS6,
			       cb->extack);
	if (ret)
		return ret;
	pn = pn_nl_dev(sock_net(cb->skb->sk), attrs, cb->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);
	memset(cb->ctx, 0, sizeof(cb->ctx));
	pn_dump_state(cb)->ifindex = pn->dev->ifindex;
	dev_put(pn->dev);
	return 0;
}

struct pn_dump_ctx {
	struct sk_buff *skb;
	const struct pn_dev *pn;
	struct pn_prefix pos;
	int count;
};

static int pn_nl_dump_one(struct pn_subnet *n, void *arg)
{
	struct pn_dump_ctx *ctx = arg;

	if (pn_nl_put_subnet(ctx->skb, ctx->pn, n, true))
		return -EMSGSIZE;
	ctx->pos.af = n->node.af;
	ctx->pos.cidr = n->node.cidr;
	memcpy(ctx->pos.key, n->node.key, pn_af_words(n->node.af) * sizeof(u32));
	ctx->count++;
	return 0;
}

static int pn_nl_dump_subnets(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pn_dump_state *st = pn_dump_state(cb);
	struct pn_dump_ctx ctx = { .skb = skb };
	struct net_device *dev;
	struct pn_dev *pn;
	void *hdr;
	int ret;

	if (st->done)
		return 0;
	dev = dev_get_by_index(sock_net(skb->sk), st->ifindex);
	if (!dev || !pn_is_podnet(dev)) {
		dev_put(dev);
		NL_SET_ERR_MSG(cb->extack, "the device went away");
		return -ENODEV;
	}
	pn = netdev_priv(dev);
	ctx.pn = pn;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &pn_genl_family, NLM_F_MULTI, PODNET_CMD_GET_SUBNET);
	ret = -EMSGSIZE;
	if (!hdr || pn_nl_put_dev(skb, pn))
		goto out;

	rcu_read_lock_bh();
	cb->seq = READ_ONCE(pn->table.generation);
	genl_dump_check_consistent(cb, hdr);
	ret = pn_table_walk(&pn->table, st->has_pos ? &st->pos : NULL,
			    pn_nl_dump_one, &ctx);
	rcu_read_unlock_bh();

	if (!ctx.count) {
		/* The end, or one subnet does not fit an empty message. */
		genlmsg_cancel(skb, hdr);
		dev_put(dev);
		return ret;
	}
	if (!ret)
		st->done = true;
	genlmsg_end(skb, hdr);
	st->has_pos = true;
	st->pos = ctx.pos;
	dev_put(dev);
	return skb->len;

out:
	if (hdr)
		genlmsg_cancel(skb, hdr);
	dev_put(dev);
	return ret;
}

/* The attribute of each counter: those added later come after the pad. */
static const u16 pn_stat_attrs[PN_STAT_COUNT] = {
	[PN_STAT_NO_ROUTE] = PODNET_STATS_A_NO_ROUTE,
	[PN_STAT_NOT_IP] = PODNET_STATS_A_NOT_IP,
	[PN_STAT_PMTU] = PODNET_STATS_A_PMTU,
	[PN_STAT_TX_ERRORS] = PODNET_STATS_A_TX_ERRORS,
	[PN_STAT_BAD_HEADER] = PODNET_STATS_A_BAD_HEADER,
	[PN_STAT_BAD_VNI] = PODNET_STATS_A_BAD_VNI,
	[PN_STAT_SRC_CHECK] = PODNET_STATS_A_SRC_CHECK,
	[PN_STAT_ARP_REPLY] = PODNET_STATS_A_ARP_REPLY,
	[PN_STAT_ARP_MISS] = PODNET_STATS_A_ARP_MISS,
	[PN_STAT_BCAST] = PODNET_STATS_A_BCAST,
	[PN_STAT_UNKNOWN_NODE] = PODNET_STATS_A_UNKNOWN_NODE,
	[PN_STAT_NO_UNDERLAY] = PODNET_STATS_A_NO_UNDERLAY,
	[PN_STAT_ND_REPLY] = PODNET_STATS_A_ND_REPLY,
	[PN_STAT_ND_MISS] = PODNET_STATS_A_ND_MISS,
	[PN_STAT_DAD] = PODNET_STATS_A_DAD,
	[PN_STAT_RS] = PODNET_STATS_A_RS,
	[PN_STAT_MLD] = PODNET_STATS_A_MLD,
};

static int pn_nl_put_device(struct sk_buff *skb, struct pn_dev *pn,
			    u32 portid, u32 seq, int flags)
{
	struct nlattr *stats;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &pn_genl_family, flags,
			  PODNET_CMD_GET_DEVICE);
	if (!hdr)
		return -EMSGSIZE;
	if (pn_nl_put_dev(skb, pn) ||
	    nla_put_u32(skb, PODNET_A_SUBNET_COUNT, READ_ONCE(pn->table.count)) ||
	    nla_put_u32(skb, PODNET_A_GENERATION,
			READ_ONCE(pn->table.generation)))
		goto cancel;
	stats = nla_nest_start(skb, PODNET_A_STATS);
	if (!stats)
		goto cancel;
	for (i = 0; i < PN_STAT_COUNT; i++)
		if (nla_put_u64_64bit(skb, pn_stat_attrs[i],
				      pn_stats_read(pn, i), PODNET_STATS_A_PAD))
			goto cancel;
	nla_nest_end(skb, stats);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int pn_nl_get_device(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct pn_dev *pn;
	int ret;

	pn = pn_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(pn))
		return PTR_ERR(pn);
	ret = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (msg) {
		ret = pn_nl_put_device(msg, pn, info->snd_portid, info->snd_seq, 0);
		if (!ret)
			ret = genlmsg_reply(msg, info);
		else
			nlmsg_free(msg);
	}
	dev_put(pn->dev);
	return ret;
}

/* A dump of the devices takes no attribute: it reports all of them. */
static int pn_nl_dump_devices_start(struct netlink_callback *cb)
{
	return pn_nl_dump_check(pn_compat_dump_attrs(cb), PODNET_A_IFINDEX,
				PODNET_A_IFNAME, cb->extack);
}

/* cb->args[0]: how many podnet devices earlier messages held. */
static int pn_nl_dump_devices(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net_device *dev;
	long idx = 0;
	int ret = 0;

	rcu_read_lock();
	for_each_netdev_rcu(sock_net(skb->sk), dev) {
		if (!pn_is_podnet(dev) || idx++ < cb->args[0])
			continue;
		ret = pn_nl_put_device(skb, netdev_priv(dev),
				       NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (ret)
			break;
		cb->args[0] = idx;
	}
	rcu_read_unlock();
	return ret && !skb->len ? ret : skb->len;
}

static const struct genl_ops pn_genl_ops[] = {
	{
		.cmd = PODNET_CMD_GET_DEVICE,
		.doit = pn_nl_get_device,
		.start = pn_nl_dump_devices_start,
		.dumpit = pn_nl_dump_devices,
		.policy = pn_dev_policy,
		.maxattr = ARRAY_SIZE(pn_dev_policy) - 1,
	}, {
		.cmd = PODNET_CMD_NEW_SUBNET,
		.doit = pn_nl_write_subnet,
		.flags = GENL_UNS_ADMIN_PERM,
		.policy = pn_write_policy,
		.maxattr = ARRAY_SIZE(pn_write_policy) - 1,
	}, {
		.cmd = PODNET_CMD_REPLACE_SUBNET,
		.doit = pn_nl_write_subnet,
		.flags = GENL_UNS_ADMIN_PERM,
		.policy = pn_write_policy,
		.maxattr = ARRAY_SIZE(pn_write_policy) - 1,
	}, {
		.cmd = PODNET_CMD_CHANGE_SUBNET,
		.doit = pn_nl_write_subnet,
		.flags = GENL_UNS_ADMIN_PERM,
		.policy = pn_write_policy,
		.maxattr = ARRAY_SIZE(pn_write_policy) - 1,
	}, {
		.cmd = PODNET_CMD_DEL_SUBNET,
		.doit = pn_nl_del_subnet,
		.flags = GENL_UNS_ADMIN_PERM,
		.policy = pn_write_policy,
		.maxattr = ARRAY_SIZE(pn_write_policy) - 1,
	}, {
		.cmd = PODNET_CMD_GET_SUBNET,
		.doit = pn_nl_get_subnet,
		.start = pn_nl_dump_subnets_start,
		.dumpit = pn_nl_dump_subnets,
		.policy = pn_get_subnet_policy,
		.maxattr = ARRAY_SIZE(pn_get_subnet_policy) - 1,
	}, {
		.cmd = PODNET_CMD_FLUSH_SUBNETS,
		.doit = pn_nl_flush_subnets,
		.flags = GENL_UNS_ADMIN_PERM,
		.policy = pn_dev_policy,
		.maxattr = ARRAY_SIZE(pn_dev_policy) - 1,
	},
};

static struct genl_family pn_genl_family __ro_after_init = {
	.name = PODNET_FAMILY_NAME,
	.version = PODNET_FAMILY_VERSION,
	.netnsok = true,
	/* Each table has a mutex of its own: a big batch to one device
	 * must not hold every other device's requests, or genl's.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = pn_genl_ops,
	.n_ops = ARRAY_SIZE(pn_genl_ops),
	.mcgrps = pn_mcgrps,
	.n_mcgrps = ARRAY_SIZE(pn_mcgrps),
};

int __init pn_genl_init(void)
{
	return genl_register_family(&pn_genl_family);
}

void pn_genl_uninit(void)
{
	genl_unregister_family(&pn_genl_family);
}
