// SPDX-License-Identifier: GPL-2.0
/*
 * podnet link: podnet devices, through rtnetlink (link kind "podnet") and
 * the device commands of the podnet generic netlink family.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/podnet.h>
#include <linux/rtnetlink.h>

#include "podnet.h"

#define KIND "podnet"

void link_usage(FILE *f)
{
	fputs("Usage: podnet link add NAME [mode { vxlan | ipip }] [OPTIONS]\n"
	      "       podnet link set NAME [mode { vxlan | ipip }] [OPTIONS]\n"
	      "       podnet link replace NAME [mode { vxlan | ipip }] [OPTIONS]\n"
	      "       podnet link del NAME\n"
	      "       podnet link show [NAME]\n"
	      "       podnet link help\n"
	      "where  OPTIONS := [local ADDR] [local ADDR6] [dev IFNAME]\n"
	      "                  [vni VNI] [port PORT]\n"
	      "                  [ttl { TTL | auto }] [tos { TOS | inherit }]\n"
	      "                  [mtu MTU] [address LLADDR] [srccheck { on | off }]\n"
	      "                  [gateway { ADDR | none }] [gateway6 { ADDR6 | none }]\n"
	      "                  [arpsuppress { on | off }]\n"
	      "                  [df { unset | set | inherit }] [maxsubnets N]\n"
	      "                  [direct { on | off }]\n"
	      "                  [up | down]\n",
	      f);
}

enum {
	LK_MODE, LK_LOCAL, LK_DEV, LK_VNI, LK_PORT, LK_TTL, LK_TOS, LK_MTU,
	LK_ADDRESS, LK_SRCCHECK, LK_GATEWAY, LK_ARPSUPPRESS, LK_DF,
	LK_MAXSUBNETS, LK_UP, LK_DOWN, LK_GATEWAY6,
	LK_LOCAL6,	/* "local" with an IPv6 address */
	LK_DIRECT,
};

static const struct keyword link_keywords[] = {
	{ "mode", LK_MODE },
	{ "local", LK_LOCAL },
	{ "dev", LK_DEV },
	{ "vni", LK_VNI },
	{ "port", LK_PORT },
	{ "ttl", LK_TTL },
	{ "tos", LK_TOS },
	{ "mtu", LK_MTU },
	{ "address", LK_ADDRESS },
	{ "srccheck", LK_SRCCHECK },
	{ "gateway", LK_GATEWAY },
	{ "gateway6", LK_GATEWAY6 },
	{ "arpsuppress", LK_ARPSUPPRESS },
	{ "maxsubnets", LK_MAXSUBNETS },
	{ "df", LK_DF },
	{ "direct", LK_DIRECT },
	{ "up", LK_UP },
	{ "down", LK_DOWN },
	{ NULL, 0 }
};

static const struct keyword mode_words[] = {
	{ "vxlan", PODNET_MODE_VXLAN },
	{ "ipip", PODNET_MODE_IPIP },
	{ NULL, 0 }
};

static const struct keyword onoff_words[] = {
	{ "on", 1 },
	{ "off", 0 },
	{ NULL, 0 }
};

static const struct keyword df_words[] = {
	{ "unset", PODNET_DF_UNSET },
	{ "set", PODNET_DF_SET },
	{ "inherit", PODNET_DF_INHERIT },
	{ NULL, 0 }
};

static const struct keyword ttl_words[] = { { "auto", 0 }, { NULL, 0 } };
static const struct keyword tos_words[] = { { "inherit", 1 }, { NULL, 0 } };

/* What "link add" and "link set" were asked to do; seen has bits LK_*. */
struct link_opts {
	uint32_t seen;
	uint32_t mode, vni, port, ttl, tos, mtu, link, srccheck, arpsuppress;
	uint32_t maxsubnets;
	uint32_t df, direct;
	struct in_addr local, gateway;
	struct in6_addr gateway6, local6;
	uint8_t address[ETH_ALEN];
	bool up;
};

#define LK_PODNET_OPTS                                                      \
	(1u << LK_MODE | 1u << LK_LOCAL | 1u << LK_DEV | 1u << LK_VNI |     \
	 1u << LK_PORT | 1u << LK_TTL | 1u << LK_TOS | 1u << LK_SRCCHECK | \
	 1u << LK_GATEWAY | 1u << LK_ARPSUPPRESS | 1u << LK_DF |        \
	 1u << LK_MAXSUBNETS | 1u << LK_GATEWAY6 | 1u << LK_LOCAL6 |     \
	 1u << LK_DIRECT)

static int parse_word_or_u32(const char *what, const char *arg,
			     const struct keyword *words, uint32_t max,
			     uint32_t *val)
{
	int id = kw_match(arg, words);

	if (id >= 0) {
		*val = id;
		return 0;
	}
	return parse_u32(what, arg, 0, max, val);
}

/* One of the words; the error lists them all. */
static int parse_choice(const char *what, const char *arg,
			const struct keyword *words, uint32_t *val)
{
	char list[64] = "";
	int id = kw_match(arg, words);

	if (id >= 0) {
		*val = id;
		return 0;
	}
	for (; words->name; words++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", *list ? ", " : "", words->name);
	return pn_err("invalid %s \"%s\" (%s)", what, arg, list);
}

static int link_opts_parse(int argc, char **argv, struct link_opts *o)
{
	const char *val;
	int kw, bit;

	memset(o, 0, sizeof(*o));
	for (; argc > 0; argc--, argv++) {
		kw = kw_lookup(argv[0], link_keywords, "keyword");
		if (kw < 0)
			return EXIT_USAGE;
		bit = kw == LK_DOWN ? LK_UP : kw;
		/* "local" is given once per family. */
		if (kw == LK_LOCAL && argc > 1 && strchr(argv[1], ':'))
			bit = LK_LOCAL6;
		if (o->seen & 1u << bit)
			return pn_err(bit == LK_LOCAL6 ?
				      "duplicate \"%s\" for IPv6" :
				      "duplicate \"%s\"",
				      kw_name(link_keywords, kw));
		o->seen |= 1u << bit;
		if (kw == LK_UP || kw == LK_DOWN) {
			o->up = kw == LK_UP;
			continue;
		}
		if (argc < 2)
			return pn_err("missing value after \"%s\"",
				      kw_name(link_keywords, kw));
		val = *++argv;
		argc--;

		switch (kw) {
		case LK_MODE:
			if (parse_choice("mode", val, mode_words, &o->mode))
				return EXIT_USAGE;
			break;
		case LK_LOCAL:
			if (bit == LK_LOCAL6 ?
			    inet_pton(AF_INET6, val, &o->local6) != 1 :
			    inet_pton(AF_INET, val, &o->local) != 1)
				return pn_err("invalid address \"%s\"", val);
			break;
		case LK_DEV:
			if (dev_lookup(val, &o->link))
				return EXIT_USAGE;
			break;
		case LK_VNI:
			if (parse_u32("vni", val, 0, 0xffffff, &o->vni))
				return EXIT_USAGE;
			break;
		case LK_PORT:
			if (parse_u32("port", val, 1, 65535, &o->port))
				return EXIT_USAGE;
			break;
		case LK_TTL:
			if (parse_word_or_u32("ttl", val, ttl_words, 255,
					      &o->ttl))
				return EXIT_USAGE;
			break;
		case LK_TOS:
			if (parse_word_or_u32("tos", val, tos_words, 255,
					      &o->tos))
				return EXIT_USAGE;
			break;
		case LK_MTU:
			if (parse_u32("mtu", val, 68, 65535, &o->mtu))
				return EXIT_USAGE;
			break;
		case LK_ADDRESS:
			if (parse_lladdr("address", val, o->address))
				return EXIT_USAGE;
			break;
		case LK_SRCCHECK:
			if (parse_choice("srccheck", val, onoff_words,
					 &o->srccheck))
				return EXIT_USAGE;
			break;
		case LK_GATEWAY:
			if (strcmp(val, "none") && parse_ipv4(val, &o->gateway))
				return EXIT_USAGE;
			break;
		case LK_GATEWAY6:
			if (strcmp(val, "none") &&
			    inet_pton(AF_INET6, val, &o->gateway6) != 1)
				return pn_err("invalid IPv6 address \"%s\"", val);
			break;
		case LK_ARPSUPPRESS:
			if (parse_choice("arpsuppress", val, onoff_words,
					 &o->arpsuppress))
				return EXIT_USAGE;
			break;
		case LK_DF:
			if (parse_choice("df", val, df_words, &o->df))
				return EXIT_USAGE;
			break;
		case LK_DIRECT:
			if (parse_choice("direct", val, onoff_words,
					 &o->direct))
				return EXIT_USAGE;
			break;
		case LK_MAXSUBNETS:
			if (parse_u32("maxsubnets", val, 1, UINT32_MAX,
				      &o->maxsubnets))
				return EXIT_USAGE;
			break;
		}
	}
	return 0;
}

#define SEEN(o, kw) ((o)->seen & 1u << LK_##kw)

static void link_put_data(struct nlmsghdr *nlh, const struct link_opts *o)
{
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);

	if (SEEN(o, MODE))
		mnl_attr_put_u8(nlh, IFLA_PODNET_MODE, o->mode);
	if (SEEN(o, VNI))
		mnl_attr_put_u32(nlh, IFLA_PODNET_VNI, o->vni);
	if (SEEN(o, PORT))
		mnl_attr_put_u16(nlh, IFLA_PODNET_PORT, htons(o->port));
	if (SEEN(o, LOCAL))
		mnl_attr_put(nlh, IFLA_PODNET_LOCAL, sizeof(o->local),
			     &o->local);
	if (SEEN(o, LOCAL6))
		mnl_attr_put(nlh, IFLA_PODNET_LOCAL6, sizeof(o->local6),
			     &o->local6);
	if (SEEN(o, DEV))
		mnl_attr_put_u32(nlh, IFLA_PODNET_LINK, o->link);
	if (SEEN(o, TTL))
		mnl_attr_put_u8(nlh, IFLA_PODNET_TTL, o->ttl);
	if (SEEN(o, TOS))
		mnl_attr_put_u8(nlh, IFLA_PODNET_TOS, o->tos);
	if (SEEN(o, SRCCHECK))
		mnl_attr_put_u8(nlh, IFLA_PODNET_SRCCHECK, o->srccheck);
	if (SEEN(o, GATEWAY))
		mnl_attr_put(nlh, IFLA_PODNET_GATEWAY, sizeof(o->gateway),
			     &o->gateway);
	if (SEEN(o, GATEWAY6))
		mnl_attr_put(nlh, IFLA_PODNET_GATEWAY6, sizeof(o->gateway6),
			     &o->gateway6);
	if (SEEN(o, ARPSUPPRESS))
		mnl_attr_put_u8(nlh, IFLA_PODNET_ARPSUPPRESS, o->arpsuppress);
	if (SEEN(o, MAXSUBNETS))
		mnl_attr_put_u32(nlh, IFLA_PODNET_MAX_SUBNETS, o->maxsubnets);
	if (SEEN(o, DF))
		mnl_attr_put_u8(nlh, IFLA_PODNET_DF, o->df);
	if (SEEN(o, DIRECT))
		mnl_attr_put_u8(nlh, IFLA_PODNET_DIRECT, o->direct);
	mnl_attr_nest_end(nlh, data);
}

/* RTM_NEWLINK: create NAME (ifindex 0), or change the device ifindex. */
static int link_modify(const char *name, unsigned int ifindex,
		       const struct link_opts *o)
{
	bool data = o->seen & LK_PODNET_OPTS;
	uint16_t flags = NLM_F_ACK;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info;
	int ret;

	ret = nl_open(&rtnl);
	if (ret)
		return ret;
	if (!ifindex)
		flags |= NLM_F_CREATE | NLM_F_EXCL;
	nlh = nl_msg(&rtnl, nl_txbuf, RTM_NEWLINK, flags);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (SEEN(o, UP)) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = o->up ? IFF_UP : 0;
	}
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (SEEN(o, MTU))
		mnl_attr_put_u32(nlh, IFLA_MTU, o->mtu);
	if (SEEN(o, ADDRESS))
		mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, o->address);
	/* the kind selects the ops that parse IFLA_INFO_DATA */
	if (!ifindex || data) {
		info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, KIND);
		if (data)
			link_put_data(nlh, o);
		mnl_attr_nest_end(nlh, info);
	}
	dev_cache_flush();
	if (nl_talk(&rtnl, nlh, NULL, NULL))
		return nl_perror(NULL);
	return 0;
}

/* A link as RTM_GETLINK reports it. */
struct link_info {
	unsigned int ifindex;
	char name[IFNAMSIZ];
	bool podnet;
	uint32_t present;	/* bits IFLA_PODNET_* */
	uint8_t mode, ttl, tos, srccheck, arpsuppress, df, direct;
	uint32_t vni, link, maxsubnets;
	uint16_t port;
	struct in_addr local, gateway;
	struct in6_addr gateway6, local6;
	bool has_mtu, has_operstate, has_stats64;
	uint32_t mtu;
	uint8_t operstate;
	uint8_t address[32];
	size_t address_len;
	struct rtnl_link_stats64 stats64;
};

struct link_list {
	struct link_info *v;
	size_t n, cap;
};

static void link_parse_data(const struct nlattr *nest, struct link_info *l)
{
	const struct nlattr *tb[IFLA_PODNET_MAX + 1];

	if (attr_table(nest, tb, IFLA_PODNET_MAX))
		return;
#define GET(attr, field, len, expr)                                         \
	do {                                                                \
		const struct nlattr *a = tb[IFLA_PODNET_##attr];            \
									    \
		if (attr_ok(a, len)) {                                      \
			l->field = expr;                                    \
			l->present |= 1u << IFLA_PODNET_##attr;             \
		}                                                           \
	} while (0)
	GET(MODE, mode, 1, mnl_attr_get_u8(a));
	GET(VNI, vni, 4, mnl_attr_get_u32(a));
	GET(PORT, port, 2, ntohs(mnl_attr_get_u16(a)));
	GET(LOCAL, local.s_addr, 4, mnl_attr_get_u32(a));
	GET(LOCAL6, local6, 16,
	    *(const struct in6_addr *)mnl_attr_get_payload(a));
	GET(LINK, link, 4, mnl_attr_get_u32(a));
	GET(TTL, ttl, 1, mnl_attr_get_u8(a));
	GET(TOS, tos, 1, mnl_attr_get_u8(a));
	GET(SRCCHECK, srccheck, 1, mnl_attr_get_u8(a));
	GET(GATEWAY, gateway.s_addr, 4, mnl_attr_get_u32(a));
	GET(GATEWAY6, gateway6, 16,
	    *(const struct in6_addr *)mnl_attr_get_payload(a));
	GET(ARPSUPPRESS, arpsuppress, 1, mnl_attr_get_u8(a));
	GET(MAX_SUBNETS, maxsubnets, 4, mnl_attr_get_u32(a));
	GET(DF, df, 1, mnl_attr_get_u8(a));
	GET(DIRECT, direct, 1, mnl_attr_get_u8(a));
#undef GET
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_list *list = data;
	struct link_info *l;
	size_t len;
	void *v;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (attr_table_msg(nlh, sizeof(*ifi), tb, IFLA_MAX))
		return -EBADMSG;
	if (list->n == list->cap) {
		v = array_grow(list->v, &list->cap, sizeof(*list->v));
		if (!v)
			return -ENOMEM;
		list->v = v;
	}
	l = &list->v[list->n++];
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	if (tb[IFLA_IFNAME] &&
	    !mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING))
		snprintf(l->name, sizeof(l->name), "%s",
			 mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_LINKINFO] &&
	    !attr_table(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX) &&
	    info[IFLA_INFO_KIND] &&
	    !mnl_attr_validate(info[IFLA_INFO_KIND], MNL_TYPE_NUL_STRING) &&
	    !strcmp(mnl_attr_get_str(info[IFLA_INFO_KIND]), KIND)) {
		l->podnet = true;
		if (info[IFLA_INFO_DATA])
			link_parse_data(info[IFLA_INFO_DATA], l);
	}
	if (attr_ok(tb[IFLA_MTU], 4)) {
		l->has_mtu = true;
		l->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	}
	if (attr_ok(tb[IFLA_OPERSTATE], 1)) {
		l->has_operstate = true;
		l->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	}
	if (tb[IFLA_ADDRESS]) {
		len = mnl_attr_get_payload_len(tb[IFLA_ADDRESS]);
		l->address_len = len < sizeof(l->address) ? len :
			sizeof(l->address);
		memcpy(l->address, mnl_attr_get_payload(tb[IFLA_ADDRESS]),
		       l->address_len);
	}
	if (tb[IFLA_STATS64]) {
		len = mnl_attr_get_payload_len(tb[IFLA_STATS64]);
		if (len > sizeof(l->stats64))
			len = sizeof(l->stats64);
		memcpy(&l->stats64, mnl_attr_get_payload(tb[IFLA_STATS64]),
		       len);
		l->has_stats64 = true;
	}
	return 0;
}

/* RTM_GETLINK of one link (name) or of all of them (name NULL). */
static int link_get(const char *name, struct link_list *list)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret;

	ret = nl_open(&rtnl);
	if (ret)
		return ret;
	nlh = nl_msg(&rtnl, nl_txbuf, RTM_GETLINK, name ? NLM_F_ACK :
			     NLM_F_DUMP);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (!opt_stats)
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	ret = nl_talk(&rtnl, nlh, link_cb, list);
	if (ret == -ENODEV && name)
		return pn_err("device \"%s\" does not exist", name);
	if (ret)
		return nl_perror(NULL);
	return 0;
}

/* The one podnet device called name, into *l. */
static int link_get_podnet(const char *name, struct link_info *l)
{
	struct link_list list = { NULL, 0, 0 };
	int ret;

	if (parse_ifname(name))
		return EXIT_USAGE;
	ret = link_get(name, &list);
	if (!ret && (list.n != 1 || !list.v[0].podnet))
		ret = pn_err("\"%s\" is not a podnet device", name);
	if (!ret)
		*l = list.v[0];
	free(list.v);
	return ret;
}

static int dev_info_parse(const struct nlmsghdr *nlh, struct dev_info *d)
{
	const struct nlattr *tb[PODNET_A_MAX + 1], *a;
	uint16_t type;

	memset(d, 0, sizeof(*d));
	if (attr_table_msg(nlh, GENL_HDRLEN, tb, PODNET_A_MAX) ||
	    !attr_ok(tb[PODNET_A_IFINDEX], 4))
		return -EBADMSG;
	d->ifindex = mnl_attr_get_u32(tb[PODNET_A_IFINDEX]);
	if (tb[PODNET_A_IFNAME] &&
	    !mnl_attr_validate(tb[PODNET_A_IFNAME], MNL_TYPE_NUL_STRING))
		snprintf(d->name, sizeof(d->name), "%s",
			 mnl_attr_get_str(tb[PODNET_A_IFNAME]));
	else if (!if_indextoname(d->ifindex, d->name))
		snprintf(d->name, sizeof(d->name), "if%u", d->ifindex);
	if (attr_ok(tb[PODNET_A_SUBNET_COUNT], 4)) {
		d->has_count = true;
		d->count = mnl_attr_get_u32(tb[PODNET_A_SUBNET_COUNT]);
	}
	if (attr_ok(tb[PODNET_A_GENERATION], 4)) {
		d->has_generation = true;
		d->generation = mnl_attr_get_u32(tb[PODNET_A_GENERATION]);
	}
	if (!tb[PODNET_A_STATS])
		return 0;
	mnl_attr_for_each_nested(a, tb[PODNET_A_STATS]) {
		type = mnl_attr_get_type(a);
		if (type == PODNET_STATS_A_PAD || type >= 32 || !attr_ok(a, 8))
			continue;
		d->stats[type] = mnl_attr_get_u64(a);
		d->stats_mask |= 1u << type;
	}
	return 0;
}

static int dev_info_cb(const struct nlmsghdr *nlh, void *data)
{
	return dev_info_parse(nlh, data);
}

struct dev_list {
	struct dev_info *v;
	size_t n, cap;
};

static int dev_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dev_list *l = data;
	void *v;

	if (l->n == l->cap) {
		v = array_grow(l->v, &l->cap, sizeof(*l->v));
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	return dev_info_parse(nlh, &l->v[l->n++]);
}

/* PODNET_CMD_GET_DEVICE of every podnet device of the namespace. */
int device_list(struct dev_info **devs, size_t *n)
{
	struct dev_list l = { NULL, 0, 0 };
	struct nlmsghdr *nlh;
	int ret;

	ret = genl_resolve();
	if (ret)
		return ret;
	nlh = genl_msg(nl_txbuf, PODNET_CMD_GET_DEVICE, NLM_F_DUMP, 0);
	if (nl_talk(&genl, nlh, dev_list_cb, &l)) {
		free(l.v);
		return nl_perror(NULL);
	}
	*devs = l.v;
	*n = l.n;
	return 0;
}

static int device_get(unsigned int ifindex, struct dev_info *d)
{
	struct nlmsghdr *nlh;
	int ret;

	ret = genl_resolve();
	if (ret)
		return ret;
	nlh = genl_msg(nl_txbuf, PODNET_CMD_GET_DEVICE, NLM_F_ACK, ifindex);
	if (nl_talk(&genl, nlh, dev_info_cb, d))
		return nl_perror(NULL);
	return 0;
}

static const char *const stat_names[] = {
	[PODNET_STATS_A_NO_ROUTE] = "no_route",
	[PODNET_STATS_A_NOT_IP] = "not_ip",
	[PODNET_STATS_A_PMTU] = "pmtu",
	[PODNET_STATS_A_TX_ERRORS] = "tx_errors",
	[PODNET_STATS_A_BAD_HEADER] = "bad_header",
	[PODNET_STATS_A_BAD_VNI] = "bad_vni",
	[PODNET_STATS_A_SRC_CHECK] = "src_check",
	[PODNET_STATS_A_ARP_REPLY] = "arp_reply",
	[PODNET_STATS_A_ARP_MISS] = "arp_miss",
	[PODNET_STATS_A_BCAST] = "bcast",
	[PODNET_STATS_A_UNKNOWN_NODE] = "unknown_node",
	[PODNET_STATS_A_NO_UNDERLAY] = "no_underlay",
	[PODNET_STATS_A_ND_REPLY] = "nd_reply",
	[PODNET_STATS_A_ND_MISS] = "nd_miss",
	[PODNET_STATS_A_DAD] = "dad",
	[PODNET_STATS_A_RS] = "rs",
	[PODNET_STATS_A_MLD] = "mld",
};

static const char *const operstates[] = {
	"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
	"TESTING", "DORMANT", "UP",
};

static void link_print_stats(const struct link_info *l,
			     const struct dev_info *d)
{
	const struct rtnl_link_stats64 *s = &l->stats64;
	char name[32];
	unsigned int i;

	if (l->has_stats64) {
		print_open("stats64");
		print_open("rx");
		print_u64("packets", "    rx %llu packets", s->rx_packets);
		print_u64("bytes", " %llu bytes", s->rx_bytes);
		print_u64("errors", " %llu errors", s->rx_errors);
		print_u64("dropped", " %llu dropped\n", s->rx_dropped);
		print_close();
		print_open("tx");
		print_u64("packets", "    tx %llu packets", s->tx_packets);
		print_u64("bytes", " %llu bytes", s->tx_bytes);
		print_u64("errors", " %llu errors", s->tx_errors);
		print_u64("dropped", " %llu dropped\n", s->tx_dropped);
		print_close();
		print_close();
	}
	if (!d->stats_mask)
		return;
	print_open("counters");
	print_text("   ");
	for (i = 0; i < 32; i++) {
		if (!(d->stats_mask & 1u << i))
			continue;
		if (i < ARRAY_SIZE(stat_names) && stat_names[i])
			snprintf(name, sizeof(name), "%s", stat_names[i]);
		else
			snprintf(name, sizeof(name), "counter%u", i);
		print_text(" %s", name);
		print_u64(name, " %llu", d->stats[i]);
	}
	print_text("\n");
	print_close();
}

static void link_print(const struct link_info *l, const struct dev_info *d)
{
	bool ipip = l->mode == PODNET_MODE_IPIP;
	char buf[LLADDR_BUF], lower[IFNAMSIZ];

#define HAS(a) (l->present & 1u << IFLA_PODNET_##a)
	print_open(NULL);
	print_str("ifname", "%s:", l->name);
	print_u64("ifindex", opt_details ? " ifindex %llu" : NULL,
		  l->ifindex);
	if (HAS(MODE)) {
		if (l->mode < __PODNET_MODE_MAX)
			print_str("mode", " mode %s",
				  kw_name(mode_words, l->mode));
		else
			print_u64("mode", " mode %llu", l->mode);
	}
	if (HAS(VNI) && !ipip)
		print_u64("vni", " vni %llu", l->vni);
	if (HAS(PORT) && !ipip)
		print_u64("port", " port %llu", l->port);
	if (HAS(LOCAL) && l->local.s_addr)
		print_str("local", " local %s",
			  fmt_addr(AF_INET, &l->local, buf));
	if (HAS(LOCAL6) && !IN6_IS_ADDR_UNSPECIFIED(&l->local6))
		print_str("local6", " local %s",
			  fmt_addr(AF_INET6, &l->local6, buf));
	if (HAS(LINK) && l->link) {
		if (!if_indextoname(l->link, lower))
			snprintf(lower, sizeof(lower), "if%u", l->link);
		print_str("link", " dev %s", lower);
	}
	if (HAS(TTL))
		print_u64("ttl", l->ttl ? " ttl %llu" : " ttl auto", l->ttl);
	if (HAS(TOS))
		print_u64("tos", l->tos == 1 ? " tos inherit" : " tos %llu",
			  l->tos);
	if (HAS(SRCCHECK))
		print_bool("srccheck", " srccheck %s", l->srccheck);
	if (HAS(DF)) {
		if (l->df < __PODNET_DF_MAX)
			print_str("df", " df %s", kw_name(df_words, l->df));
		else
			print_u64("df", " df %llu", l->df);
	}
	if (HAS(GATEWAY) && !ipip)
		print_str("gateway", " gateway %s", l->gateway.s_addr ?
			  fmt_addr(AF_INET, &l->gateway, buf) : "none");
	if (HAS(GATEWAY6) && !ipip)
		print_str("gateway6", " gateway6 %s",
			  IN6_IS_ADDR_UNSPECIFIED(&l->gateway6) ? "none" :
			  fmt_addr(AF_INET6, &l->gateway6, buf));
	if (HAS(ARPSUPPRESS) && !ipip)
		print_bool("arpsuppress", " arpsuppress %s", l->arpsuppress);
	if (HAS(DIRECT))
		print_bool("direct", l->direct || opt_details ?
			   " direct %s" : NULL, l->direct);
	if (HAS(MAX_SUBNETS))
		print_u64("maxsubnets", opt_details ? " maxsubnets %llu" : NULL,
			  l->maxsubnets);
#undef HAS
	if (l->has_mtu)
		print_u64("mtu", " mtu %llu", l->mtu);
	if (l->address_len)
		print_str("address", " address %s",
			  fmt_lladdr(l->address, l->address_len, buf));
	if (l->has_operstate)
		print_str("operstate", " state %s",
			  l->operstate < ARRAY_SIZE(operstates) ?
			  operstates[l->operstate] : "UNKNOWN");
	if (d && d->has_count)
		print_u64("subnets", opt_details ? " subnets %llu" : NULL,
			  d->count);
	if (d && d->has_generation)
		print_u64("generation", opt_details ? " generation %llu" : NULL,
			  d->generation);
	print_text("\n");
	if (opt_stats && d)
		link_print_stats(l, d);
	print_close();
}

static int link_add(int argc, char **argv)
{
	struct link_opts o;

	if (argc < 1)
		return pn_err("missing NAME");
	if (parse_ifname(argv[0]) || link_opts_parse(argc - 1, argv + 1, &o))
		return EXIT_USAGE;
	return link_modify(argv[0], 0, &o);
}

/*
 * Set the given options on the podnet device NAME; the others keep their
 * values, and so does the subnet table. With create, a missing NAME is
 * made as "add" would make it.
 */
static int link_change(int argc, char **argv, bool create)
{
	struct link_info l;
	struct link_opts o;
	int ret;

	if (argc < 1)
		return pn_err("missing NAME");
	if (parse_ifname(argv[0]) || link_opts_parse(argc - 1, argv + 1, &o))
		return EXIT_USAGE;
	if (create && !if_nametoindex(argv[0]))
		return link_modify(argv[0], 0, &o);
	ret = link_get_podnet(argv[0], &l);
	if (ret)
		return ret;
	return link_modify(argv[0], l.ifindex, &o);
}

static int link_set(int argc, char **argv)
{
	return link_change(argc, argv, false);
}

/*
 * "add" when there is no NAME, "set" when there is: run twice with the
 * same words, it leaves the device as once, which is what a control
 * plane's start-up hook needs.
 */
static int link_replace(int argc, char **argv)
{
	return link_change(argc, argv, true);
}

static int link_del(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct link_info l;
	int ret;

	if (argc < 1)
		return pn_err("missing NAME");
	if (argc > 1)
		return pn_err("unknown keyword \"%s\"", argv[1]);
	/* never delete a device that is not ours */
	ret = link_get_podnet(argv[0], &l);
	if (ret)
		return ret;
	nlh = nl_msg(&rtnl, nl_txbuf, RTM_DELLINK, NLM_F_ACK);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = l.ifindex;
	dev_cache_flush();
	if (nl_talk(&rtnl, nlh, NULL, NULL))
		return nl_perror(NULL);
	return 0;
}

static int link_show(int argc, char **argv)
{
	struct link_list list = { NULL, 0, 0 };
	bool query = opt_stats || opt_details;
	struct dev_info d;
	size_t i;
	int ret;

	if (argc > 1)
		return pn_err("unknown keyword \"%s\"", argv[1]);
	if (argc && parse_ifname(argv[0]))
		return EXIT_USAGE;
	ret = link_get(argc ? argv[0] : NULL, &list);
	if (ret)
		goto out;
	if (argc && (list.n != 1 || !list.v[0].podnet)) {
		ret = pn_err("\"%s\" is not a podnet device", argv[0]);
		goto out;
	}
	print_list_open();
	for (i = 0; i < list.n; i++) {
		if (!list.v[i].podnet)
			continue;
		/* counters and table size come from the generic family */
		if (query) {
			ret = device_get(list.v[i].ifindex, &d);
			if (ret)
				break;
		}
		link_print(&list.v[i], query ? &d : NULL);
	}
	print_list_close();
out:
	free(list.v);
	return ret;
}

static int link_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	link_usage(stdout);
	return 0;
}

int do_link(int argc, char **argv)
{
	static const struct command cmds[] = {
		{ "add", link_add, NULL },
		{ "set", link_set, NULL },
		{ "replace", link_replace, NULL },
		{ "delete", link_del, NULL },
		{ "show", link_show, NULL },
		{ "list", link_show, NULL },
		{ "help", link_help, NULL },
		{ NULL, NULL, NULL }
	};
	const struct command *c;

	if (argc < 1)
		return link_show(0, NULL);
	c = cmd_lookup(argv[0], cmds, "command", "podnet link help");
	if (!c)
		return EXIT_USAGE;
	return c->run(argc - 1, argv + 1);
}
