// SPDX-License-Identifier: GPL-2.0
/*
 * podnet subnet: the table of peer subnets of a podnet device, through the
 * podnet generic netlink family.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/podnet.h>

#include "podnet.h"

/* Many subnets per request, but well inside a u16 nest and the socket. */
#define SUBNETS_PER_MSG 512
#define MSG_MAX (32 * 1024)
#define MSGS_PER_SEND 4

/* Dumps restarted because the table changed under them, at most. */
#define DUMP_TRIES 5

void subnet_usage(FILE *f)
{
	fputs("Usage: podnet subnet { add | replace | change } PREFIX via NODEADDR\n"
	      "                     [lladdr LLADDR] dev NAME\n"
	      "       podnet subnet del PREFIX dev NAME\n"
	      "       podnet subnet get ADDR dev NAME\n"
	      "       podnet subnet show [dev NAME]\n"
	      "       podnet subnet flush dev NAME\n"
	      "       podnet subnet sync dev NAME FILE\n"
	      "       podnet subnet help\n"
	      "where  PREFIX := ADDR[/LEN]\n"
	      "       FILE := { PATH | - }, lines of PREFIX via NODEADDR [lladdr LLADDR]\n",
	      f);
}

struct subnet *subnet_list_add(struct subnet_list *l)
{
	void *v;

	if (l->n == l->cap) {
		v = array_grow(l->v, &l->cap, sizeof(*l->v));
		if (!v)
			return NULL;
		l->v = v;
	}
	memset(&l->v[l->n], 0, sizeof(*l->v));
	return &l->v[l->n++];
}

/* ADDR or ADDR/LEN, IPv4 or IPv6, no host bits set. */
static int parse_prefix(const char *arg, struct subnet *s)
{
	const char *slash = strchr(arg, '/');
	char addr[INET6_ADDRSTRLEN];
	size_t len = slash ? (size_t)(slash - arg) : strlen(arg);
	unsigned int plen, max, i;
	uint8_t a[16];
	int family;
	char *end;

	if (len >= sizeof(addr))
		goto bad;
	memcpy(addr, arg, len);
	addr[len] = '\0';
	family = memchr(addr, ':', len) ? AF_INET6 : AF_INET;
	if (inet_pton(family, addr, a) != 1)
		goto bad;
	max = family == AF_INET6 ? 128 : 32;
	plen = max;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			goto bad;
		plen = strtoul(slash + 1, &end, 10);
		if (*end || plen > max || end - slash > 4)
			goto bad;
	}
	for (i = 0; i < max / 8; i++) {
		unsigned int bits = plen > 8 * i ? plen - 8 * i : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);

		if (a[i] & ~mask)
			return pn_err("invalid prefix \"%s\" (has host bits set)",
				      arg);
	}
	s->family = family;
	s->prefixlen = plen;
	memcpy(s->prefix, a, max / 8);
	return 0;
bad:
	return pn_err("invalid prefix \"%s\"", arg);
}

enum { SK_VIA, SK_LLADDR, SK_DEV };

static const struct keyword subnet_keywords[] = {
	{ "via", SK_VIA },
	{ "lladdr", SK_LLADDR },
	{ "dev", SK_DEV },
	{ NULL, 0 }
};

/*
 * PREFIX via NODEADDR [lladdr LLADDR] dev NAME, in any order. With key_only
 * only PREFIX and dev; without dev (a sync file) no "dev" at all.
 */
int subnet_args(int argc, char **argv, struct subnet *s, bool key_only,
		const char **dev)
{
	bool have_prefix = false;
	unsigned int seen = 0;
	const char *name;
	int kw;

	memset(s, 0, sizeof(*s));
	for (; argc > 0; argc--, argv++) {
		kw = kw_match(argv[0], subnet_keywords);
		if (kw == KW_AMBIGUOUS) {
			kw_lookup(argv[0], subnet_keywords, "keyword");
			return EXIT_USAGE;
		}
		if (kw == KW_NONE && !have_prefix) {
			if (parse_prefix(argv[0], s))
				return EXIT_USAGE;
			have_prefix = true;
			continue;
		}
		if (kw == KW_NONE || (kw == SK_DEV && !dev) ||
		    (kw != SK_DEV && key_only))
			return pn_err("unknown keyword \"%s\"", argv[0]);
		name = kw_name(subnet_keywords, kw);
		if (seen & 1u << kw)
			return pn_err("duplicate \"%s\"", name);
		seen |= 1u << kw;
		if (argc < 2)
			return pn_err("missing value after \"%s\"", name);
		argc--;
		argv++;

		switch (kw) {
		case SK_VIA:
			if (parse_addr(argv[0], s->node, &s->node_family))
				return EXIT_USAGE;
			break;
		case SK_LLADDR:
			if (parse_lladdr("lladdr", argv[0], s->lladdr))
				return EXIT_USAGE;
			s->has_lladdr = true;
			break;
		case SK_DEV:
			if (parse_ifname(argv[0]))
				return EXIT_USAGE;
			*dev = argv[0];
			break;
		}
	}
	if (!have_prefix)
		return pn_err("missing PREFIX");
	if (!key_only && !(seen & 1u << SK_VIA))
		return pn_err("missing \"via\"");
	if (dev && !(seen & 1u << SK_DEV))
		return pn_err("missing \"dev\"");
	return 0;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* An address's attribute: PREFIX4 or PREFIX6, NODE4 or NODE6. */
static uint16_t addr_attr(int family, uint16_t attr4, uint16_t attr6)
{
	return family == AF_INET6 ? attr6 : attr4;
}

/* One subnet nest; false (and nothing added) when size is too small. */
static bool subnet_put(struct nlmsghdr *nlh, size_t size,
		       const struct subnet *s, bool key_only)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(nlh, size, PODNET_A_SUBNET);
	if (!nest)
		return false;
	if (!mnl_attr_put_check(nlh, size,
				addr_attr(s->family, PODNET_SUBNET_A_PREFIX4,
					  PODNET_SUBNET_A_PREFIX6),
				addr_len(s->family), s->prefix) ||
	    !mnl_attr_put_u8_check(nlh, size, PODNET_SUBNET_A_PREFIXLEN,
				   s->prefixlen))
		goto cancel;
	if (!key_only && s->node_family &&
	    !mnl_attr_put_check(nlh, size,
				addr_attr(s->node_family, PODNET_SUBNET_A_NODE4,
					  PODNET_SUBNET_A_NODE6),
				addr_len(s->node_family), s->node))
		goto cancel;
	if (!key_only && s->has_lladdr &&
	    !mnl_attr_put_check(nlh, size, PODNET_SUBNET_A_LLADDR, ETH_ALEN,
				s->lladdr))
		goto cancel;
	mnl_attr_nest_end(nlh, nest);
	return true;
cancel:
	mnl_attr_nest_cancel(nlh, nest);
	return false;
}

/* An address attribute of family's length into buf; false if malformed. */
static bool addr_get(const struct nlattr *a, int family, uint8_t *buf)
{
	size_t len = addr_len(family);

	if (mnl_attr_get_payload_len(a) != len)
		return false;
	memcpy(buf, mnl_attr_get_payload(a), len);
	return true;
}

/* Decode a subnet nest: 0, -EBADMSG, or 1 for a family we cannot show. */
int subnet_parse(const struct nlattr *nest, struct subnet *s)
{
	const struct nlattr *tb[PODNET_SUBNET_A_MAX + 1];
	const struct nlattr *st[PODNET_SUBNET_STATS_A_MAX + 1];
	const struct nlattr *a;

	memset(s, 0, sizeof(*s));
	if (attr_table(nest, tb, PODNET_SUBNET_A_MAX) ||
	    !attr_ok(tb[PODNET_SUBNET_A_PREFIXLEN], 1))
		return -EBADMSG;
	s->family = tb[PODNET_SUBNET_A_PREFIX4] ? AF_INET :
		    tb[PODNET_SUBNET_A_PREFIX6] ? AF_INET6 : 0;
	if (!s->family)
		return 1;
	a = tb[PODNET_SUBNET_A_PREFIX4] ?: tb[PODNET_SUBNET_A_PREFIX6];
	s->prefixlen = mnl_attr_get_u8(tb[PODNET_SUBNET_A_PREFIXLEN]);
	if (!addr_get(a, s->family, s->prefix) ||
	    s->prefixlen > 8 * addr_len(s->family))
		return -EBADMSG;

	a = tb[PODNET_SUBNET_A_NODE4] ?: tb[PODNET_SUBNET_A_NODE6];
	if (a) {
		s->node_family = tb[PODNET_SUBNET_A_NODE4] ? AF_INET : AF_INET6;
		if (!addr_get(a, s->node_family, s->node))
			return -EBADMSG;
	}
	if (tb[PODNET_SUBNET_A_LLADDR]) {
		if (mnl_attr_get_payload_len(tb[PODNET_SUBNET_A_LLADDR]) !=
		    ETH_ALEN)
			return -EBADMSG;
		memcpy(s->lladdr,
		       mnl_attr_get_payload(tb[PODNET_SUBNET_A_LLADDR]),
		       ETH_ALEN);
		s->has_lladdr = true;
	}
	if (attr_ok(tb[PODNET_SUBNET_A_FLAGS], 4))
		s->flags = mnl_attr_get_u32(tb[PODNET_SUBNET_A_FLAGS]);
	if (tb[PODNET_SUBNET_A_STATS] &&
	    !attr_table(tb[PODNET_SUBNET_A_STATS], st,
			PODNET_SUBNET_STATS_A_MAX)) {
#define STAT(attr, field)                                                   \
	do {                                                                \
		if (attr_ok(st[PODNET_SUBNET_STATS_A_##attr], 8))           \
			s->field = mnl_attr_get_u64(                        \
				st[PODNET_SUBNET_STATS_A_##attr]);          \
	} while (0)
		STAT(TX_PACKETS, tx_packets);
		STAT(TX_BYTES, tx_bytes);
		STAT(RX_PACKETS, rx_packets);
		STAT(RX_BYTES, rx_bytes);
#undef STAT
		s->has_stats = true;
	}
	s->direct = !!tb[PODNET_SUBNET_A_DIRECT];
	return 0;
}

/*
 * The VTEP MAC the kernel derives from a node: 0a:58:a.b.c.d, of an IPv4
 * node's address or of an IPv6 node's last four bytes.
 */
void subnet_derive_lladdr(const struct subnet *s, uint8_t mac[ETH_ALEN])
{
	mac[0] = 0x0a;
	mac[1] = 0x58;
	memcpy(mac + 2, s->node + (s->node_family == AF_INET6 ? 12 : 0), 4);
}

void subnet_print(const struct subnet *s, const char *dev, const char *event)
{
	char addr[ADDR_BUF], dst[ADDR_BUF + 4], mac[LLADDR_BUF];

	print_open(NULL);
	if (event)
		print_str("event", "%s ", event);
	snprintf(dst, sizeof(dst), "%s/%u",
		 fmt_addr(s->family, s->prefix, addr), s->prefixlen);
	print_str("dst", "%s", dst);
	if (s->node_family)
		print_str("via", " via %s",
			  fmt_addr(s->node_family, s->node, addr));
	if (s->has_lladdr) {
		print_str("lladdr", " lladdr %s",
			  fmt_lladdr(s->lladdr, ETH_ALEN, mac));
		print_bool("lladdr_derived", NULL,
			   s->flags & PODNET_SUBNET_FLAGS_LLADDR_DERIVED);
	}
	if (dev)
		print_str("dev", " dev %s", dev);
	if (s->direct) {
		print_text(" direct");
		print_bool("direct", NULL, true);
	}
	print_text("\n");
	if (opt_stats && s->has_stats) {
		print_open("stats");
		print_u64("tx_packets", "    tx %llu packets", s->tx_packets);
		print_u64("tx_bytes", " %llu bytes", s->tx_bytes);
		print_u64("rx_packets", " rx %llu packets", s->rx_packets);
		print_u64("rx_bytes", " %llu bytes\n", s->rx_bytes);
		print_close();
	}
	print_close();
}

/* The subnets of a reply (a dump part, a get, an event) into a list. */
static int subnet_list_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PODNET_A_MAX + 1], *a;
	struct subnet_list *l = data;
	struct subnet *s;
	int ret;

	if (attr_table_msg(nlh, GENL_HDRLEN, tb, PODNET_A_MAX))
		return -EBADMSG;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != PODNET_A_SUBNET)
			continue;
		s = subnet_list_add(l);
		if (!s)
			return -ENOMEM;
		ret = subnet_parse(a, s);
		if (ret < 0)
			return ret;
		if (ret > 0)
			l->n--;
	}
	return 0;
}

/*
 * The whole table of a device. A dump spans many messages; when the table
 * changes in between the kernel flags the dump NLM_F_DUMP_INTR and it is
 * taken again, a few times at most.
 */
int subnet_dump(unsigned int ifindex, struct subnet_list *l)
{
	struct nlmsghdr *nlh;
	int try;

	for (try = 0; try < DUMP_TRIES; try++) {
		l->n = 0;
		genl.intr = false;
		nlh = genl_msg(nl_txbuf, PODNET_CMD_GET_SUBNET, NLM_F_DUMP,
			       ifindex);
		if (nl_talk(&genl, nlh, subnet_list_cb, l))
			return nl_perror(NULL);
		if (!genl.intr)
			return 0;
	}
	pn_err("the subnet table kept changing during %d dumps, giving up",
	       DUMP_TRIES);
	return EXIT_KERNEL;
}

/* Which subnet nest of a request holds offset off, -1 if none. */
static int subnet_at(const struct nlmsghdr *nlh, uint32_t off)
{
	const struct nlattr *a;
	uint32_t start;
	int i = 0;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != PODNET_A_SUBNET)
			continue;
		start = (const char *)a - (const char *)nlh;
		if (off >= start && off < start + a->nla_len)
			return i;
		i++;
	}
	return -1;
}

/*
 * Send v[0..n) with cmd (a write or DEL_SUBNET): up to SUBNETS_PER_MSG
 * per message, up to MSGS_PER_SEND messages per send, each acked. Stops
 * after the first send that failed, and names the subnet the kernel
 * pointed at when there were several.
 */
int subnet_write(unsigned int ifindex, uint8_t cmd,
		 const struct subnet *const *v, size_t n)
{
	size_t first[MSGS_PER_SEND], off[MSGS_PER_SEND];
	bool key_only = cmd == PODNET_CMD_DEL_SUBNET;
	char ctx[ADDR_BUF + 16], addr[ADDR_BUF];
	unsigned int nmsg = 0, m;
	struct nlmsghdr *nlh;
	size_t i = 0, used, k;
	uint32_t seq = 0;
	char *buf;
	int ret = 0, idx;

	buf = malloc(MSGS_PER_SEND * MSG_MAX);
	if (!buf)
		return nl_syserr("out of memory");
	while (i < n && !ret) {
		used = 0;
		for (nmsg = 0; i < n && nmsg < MSGS_PER_SEND; nmsg++) {
			nlh = genl_msg(buf + used, cmd, NLM_F_ACK, ifindex);
			if (!nmsg)
				seq = nlh->nlmsg_seq;
			first[nmsg] = i;
			off[nmsg] = used;
			for (k = 0; i < n && k < SUBNETS_PER_MSG; k++, i++)
				if (!subnet_put(nlh, MSG_MAX, v[i], key_only))
					break;
			used += nlh->nlmsg_len;
		}
		ret = nl_send(&genl, buf, used);
		if (!ret)
			ret = nl_recv(&genl, seq, nmsg, NULL, NULL);
	}
	if (!ret) {
		free(buf);
		return 0;
	}
	ctx[0] = '\0';
	m = nl_error.seq - seq;
	if (n > 1 && nl_error.off && m < nmsg) {
		idx = subnet_at((const void *)(buf + off[m]), nl_error.off);
		if (idx >= 0 && first[m] + idx < n)
			snprintf(ctx, sizeof(ctx), "subnet %s/%u",
				 fmt_addr(v[first[m] + idx]->family,
					  v[first[m] + idx]->prefix, addr),
				 v[first[m] + idx]->prefixlen);
	}
	free(buf);
	return nl_perror(ctx[0] ? ctx : NULL);
}

/*
 * In a -batch file, consecutive writes of one kind to one device travel
 * together, up to BATCH_MAX subnets in one request, so that a cluster's
 * table costs a few round trips instead of one per line. What is applied
 * and reported is what sending line by line gives: a request applies all
 * of its subnets or none, so when one is refused its lines are sent again
 * one at a time, which applies those before the refused line, reports
 * that line by its number, and, with -force, goes on after it.
 */
#define BATCH_MAX 256

static struct {
	struct subnet v[BATCH_MAX];
	unsigned int line[BATCH_MAX];
	size_t n;
	unsigned int ifindex;
	uint8_t cmd;
} pending;

/* Send v[0..n) in one acked request; prints nothing. */
static int subnet_send(unsigned int ifindex, uint8_t cmd,
		       const struct subnet *v, size_t n)
{
	bool key_only = cmd == PODNET_CMD_DEL_SUBNET;
	struct nlmsghdr *nlh;
	size_t i;
	int ret;

	nlh = genl_msg(nl_txbuf, cmd, NLM_F_ACK, ifindex);
	for (i = 0; i < n; i++)
		if (!subnet_put(nlh, sizeof(nl_txbuf), &v[i], key_only))
			return nl_syserr("request too large");
	ret = nl_send(&genl, nlh, nlh->nlmsg_len);
	if (!ret)
		ret = nl_recv(&genl, nlh->nlmsg_seq, 1, NULL, NULL);
	return ret;
}

/**
 * subnet_batch_flush - send the subnet writes a -batch file queued
 *
 * Return: 0, or the exit status of the first refused line (after which,
 * without -force, nothing more was sent).
 */
int subnet_batch_flush(void)
{
	unsigned int line = batch_loc.line;
	int ret, status = 0;
	size_t i;

	if (!pending.n)
		return 0;
	ret = subnet_send(pending.ifindex, pending.cmd, pending.v, pending.n);
	for (i = 0; ret && i < pending.n; i++) {
		if (!subnet_send(pending.ifindex, pending.cmd, &pending.v[i], 1))
			continue;
		batch_loc.line = pending.line[i];
		status = nl_perror(NULL);
		if (!batch_force)
			break;
	}
	batch_loc.line = line;
	pending.n = 0;
	return status;
}

/* Queue a write of a -batch file behind those of its kind, or send it. */
static int subnet_queue(unsigned int ifindex, uint8_t cmd,
			const struct subnet *s)
{
	int ret = 0;

	if (pending.n && (pending.n == BATCH_MAX ||
			  pending.ifindex != ifindex || pending.cmd != cmd)) {
		ret = subnet_batch_flush();
		if (ret && !batch_force)
			return ret;
	}
	pending.ifindex = ifindex;
	pending.cmd = cmd;
	pending.line[pending.n] = batch_loc.line;
	pending.v[pending.n++] = *s;
	return ret;
}

static int subnet_new(int argc, char **argv, uint8_t cmd)
{
	const struct subnet *p;
	unsigned int ifindex;
	struct subnet s;
	const char *dev;
	int ret;

	if (subnet_args(argc, argv, &s, false, &dev) ||
	    dev_lookup(dev, &ifindex))
		return EXIT_USAGE;
	ret = genl_resolve();
	if (ret)
		return ret;
	if (batch_loc.file)
		return subnet_queue(ifindex, cmd, &s);
	p = &s;
	return subnet_write(ifindex, cmd, &p, 1);
}

static int subnet_add(int argc, char **argv)
{
	return subnet_new(argc, argv, PODNET_CMD_NEW_SUBNET);
}

static int subnet_replace(int argc, char **argv)
{
	return subnet_new(argc, argv, PODNET_CMD_REPLACE_SUBNET);
}

static int subnet_change(int argc, char **argv)
{
	return subnet_new(argc, argv, PODNET_CMD_CHANGE_SUBNET);
}

static int subnet_del(int argc, char **argv)
{
	const struct subnet *p;
	unsigned int ifindex;
	struct subnet s;
	const char *dev;
	int ret;

	if (subnet_args(argc, argv, &s, true, &dev) ||
	    dev_lookup(dev, &ifindex))
		return EXIT_USAGE;
	ret = genl_resolve();
	if (ret)
		return ret;
	if (batch_loc.file)
		return subnet_queue(ifindex, PODNET_CMD_DEL_SUBNET, &s);
	p = &s;
	return subnet_write(ifindex, PODNET_CMD_DEL_SUBNET, &p, 1);
}

static int subnet_get(int argc, char **argv)
{
	struct subnet_list l = { NULL, 0, 0 };
	struct nlmsghdr *nlh;
	unsigned int ifindex;
	uint16_t family;
	uint8_t addr[16];
	const char *dev;
	size_t i;
	int ret;

	if (argc < 1)
		return pn_err("missing ADDR");
	if (parse_addr(argv[0], addr, &family) ||
	    parse_dev_arg(argc - 1, argv + 1, &dev, true) ||
	    dev_lookup(dev, &ifindex))
		return EXIT_USAGE;
	ret = genl_resolve();
	if (ret)
		return ret;
	nlh = genl_msg(nl_txbuf, PODNET_CMD_GET_SUBNET, NLM_F_ACK, ifindex);
	mnl_attr_put(nlh, addr_attr(family, PODNET_A_ADDRESS4,
				    PODNET_A_ADDRESS6),
		     addr_len(family), addr);
	if (nl_talk(&genl, nlh, subnet_list_cb, &l)) {
		ret = nl_perror(NULL);
		goto out;
	}
	print_list_open();
	for (i = 0; i < l.n; i++)
		subnet_print(&l.v[i], dev, NULL);
	print_list_close();
out:
	free(l.v);
	return ret;
}

static int show_dev(unsigned int ifindex, const char *dev)
{
	struct subnet_list l = { NULL, 0, 0 };
	size_t i;
	int ret;

	ret = subnet_dump(ifindex, &l);
	for (i = 0; !ret && i < l.n; i++)
		subnet_print(&l.v[i], dev, NULL);
	free(l.v);
	return ret;
}

static int subnet_show(int argc, char **argv)
{
	struct dev_info *devs = NULL;
	unsigned int ifindex;
	const char *dev;
	size_t i, n = 0;
	int ret;

	if (parse_dev_arg(argc, argv, &dev, false) ||
	    (dev && dev_lookup(dev, &ifindex)))
		return EXIT_USAGE;
	ret = dev ? genl_resolve() : device_list(&devs, &n);
	if (ret)
		return ret;
	print_list_open();
	if (dev)
		ret = show_dev(ifindex, dev);
	for (i = 0; !ret && i < n; i++)
		ret = show_dev(devs[i].ifindex, devs[i].name);
	print_list_close();
	free(devs);
	return ret;
}

static int subnet_flush(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	unsigned int ifindex;
	const char *dev;
	int ret;

	if (parse_dev_arg(argc, argv, &dev, true) ||
	    dev_lookup(dev, &ifindex))
		return EXIT_USAGE;
	ret = genl_resolve();
	if (ret)
		return ret;
	nlh = genl_msg(nl_txbuf, PODNET_CMD_FLUSH_SUBNETS, NLM_F_ACK, ifindex);
	if (nl_talk(&genl, nlh, NULL, NULL))
		return nl_perror(NULL);
	return 0;
}

static int subnet_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	subnet_usage(stdout);
	return 0;
}

int do_subnet(int argc, char **argv)
{
	static const struct command cmds[] = {
		{ "add", subnet_add, NULL },
		{ "replace", subnet_replace, NULL },
		{ "change", subnet_change, NULL },
		{ "delete", subnet_del, NULL },
		{ "get", subnet_get, NULL },
		{ "show", subnet_show, NULL },
		{ "list", subnet_show, NULL },
		{ "flush", subnet_flush, NULL },
		{ "sync", subnet_sync, NULL },
		{ "help", subnet_help, NULL },
		{ NULL, NULL, NULL }
	};
	const struct command *c;
	int ret = 0, status;

	c = argc ? cmd_lookup(argv[0], cmds, "command", "podnet subnet help") :
		   NULL;
	if (argc && !c)
		return EXIT_USAGE;
	/* Anything but a write sees the table the lines before it made. */
	if (!c || (c->run != subnet_add && c->run != subnet_replace &&
		   c->run != subnet_change && c->run != subnet_del)) {
		ret = subnet_batch_flush();
		if (ret && !batch_force)
			return ret;
	}
	status = c ? c->run(argc - 1, argv + 1) : subnet_show(0, NULL);
	return status > ret ? status : ret;
}
