// SPDX-License-Identifier: GPL-2.0
/*
 * podnet monitor: print the events of the podnet family's multicast group,
 * one line (or one JSON object) each, as they come.
 */

#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/podnet.h>

#include "podnet.h"

void monitor_usage(FILE *f)
{
	fputs("Usage: podnet monitor [dev NAME]\n"
	      "       podnet monitor help\n",
	      f);
}

/* The PODNET_A_SUBNET nests of an event. */
static void print_subnets(const struct nlmsghdr *nlh, const char *dev,
			  const char *event)
{
	const struct nlattr *a;
	struct subnet s;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == PODNET_A_SUBNET &&
		    !subnet_parse(a, &s))
			subnet_print(&s, dev, event);
}

/* "miss ip 10.244.9.2 dev pn0": no subnet holds the address. */
static void print_miss(const struct nlattr *const *tb, const char *dev)
{
	char buf[ADDR_BUF] = "?";
	const char *kind = "ip";

	if (attr_ok(tb[PODNET_A_MISS], 1)) {
		switch (mnl_attr_get_u8(tb[PODNET_A_MISS])) {
		case PODNET_MISS_ARP:
			kind = "arp";
			break;
		case PODNET_MISS_ND:
			kind = "nd";
			break;
		}
	}
	if (attr_ok(tb[PODNET_A_ADDRESS4], 4))
		fmt_addr(AF_INET, mnl_attr_get_payload(tb[PODNET_A_ADDRESS4]),
			 buf);
	else if (attr_ok(tb[PODNET_A_ADDRESS6], 16))
		fmt_addr(AF_INET6, mnl_attr_get_payload(tb[PODNET_A_ADDRESS6]),
			 buf);
	print_open(NULL);
	print_str("event", "%s", "miss");
	print_str("kind", " %s", kind);
	print_str("addr", " %s", buf);
	print_str("dev", " dev %s", dev);
	print_text("\n");
	print_close();
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[PODNET_A_MAX + 1];
	const unsigned int *filter = data;
	unsigned int ifindex = 0;
	char name[IFNAMSIZ] = "";

	if (nlh->nlmsg_type != pn_family ||
	    attr_table_msg(nlh, GENL_HDRLEN, tb, PODNET_A_MAX))
		return 0;
	if (attr_ok(tb[PODNET_A_IFINDEX], 4))
		ifindex = mnl_attr_get_u32(tb[PODNET_A_IFINDEX]);
	if (*filter && ifindex != *filter)
		return 0;
	if (tb[PODNET_A_IFNAME] &&
	    !mnl_attr_validate(tb[PODNET_A_IFNAME], MNL_TYPE_NUL_STRING))
		snprintf(name, sizeof(name), "%s",
			 mnl_attr_get_str(tb[PODNET_A_IFNAME]));
	else if (ifindex && !if_indextoname(ifindex, name))
		snprintf(name, sizeof(name), "if%u", ifindex);

	switch (g->cmd) {
	case PODNET_CMD_SUBNET_NEW_NTF:
		print_subnets(nlh, name, "add");
		break;
	case PODNET_CMD_SUBNET_DEL_NTF:
		print_subnets(nlh, name, "del");
		break;
	case PODNET_CMD_SUBNET_FLUSH_NTF:
		print_open(NULL);
		print_str("event", "%s", "flush");
		print_str("dev", " dev %s", name);
		print_text("\n");
		print_close();
		break;
	case PODNET_CMD_MISS_NTF:
		print_miss(tb, name);
		break;
	default:
		/* an event newer than this tool */
		print_open(NULL);
		print_str("event", NULL, "unknown");
		print_u64("cmd", "event %llu", g->cmd);
		print_str("dev", " dev %s", name);
		print_text("\n");
		print_close();
		break;
	}
	fflush(stdout);
	return 0;
}

int do_monitor(int argc, char **argv)
{
	static const struct keyword help_kw[] = { { "help", 0 }, { NULL, 0 } };
	unsigned int ifindex = 0;
	const char *dev;
	int ret;

	if (argc == 1 && kw_match(argv[0], help_kw) == 0) {
		monitor_usage(stdout);
		return 0;
	}
	if (parse_dev_arg(argc, argv, &dev, false) ||
	    (dev && dev_lookup(dev, &ifindex)))
		return EXIT_USAGE;
	ret = genl_resolve();
	if (ret)
		return ret;
	if (!pn_events_group) {
		pn_err("the podnet module has no \"%s\" group",
		       PODNET_MCGRP_EVENTS);
		return EXIT_KERNEL;
	}
	return nl_listen(&genl, pn_events_group, event_cb, &ifindex);
}
