/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet(8): shared declarations of the tool.
 */

#ifndef PODNET_TOOL_H
#define PODNET_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>

#include "../kmod/version.h"

#define PODNET_TOOL_VERSION PODNET_VERSION

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit status, as ip(8): 0 ok, 1 usage or syntax, 2 the kernel said no. */
enum {
	EXIT_USAGE = 1,
	EXIT_KERNEL = 2,
};

/* podnet.c: global options */
extern bool opt_json;
extern bool opt_pretty;
extern int opt_stats;
extern int opt_details;
extern const char *batch_name;
extern bool batch_force;

/* utils.c: errors, keywords, parsing */
struct errloc {
	const char *file;
	unsigned int line;
};
extern struct errloc batch_loc, file_loc;

int pn_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pn_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct keyword {
	const char *name;
	int id;
};

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *f);
};

#define KW_NONE (-1)
#define KW_AMBIGUOUS (-2)

int kw_match(const char *arg, const struct keyword *kw);
int kw_lookup(const char *arg, const struct keyword *kw, const char *what);
const char *kw_name(const struct keyword *kw, int id);
const struct command *cmd_lookup(const char *arg, const struct command *cmd,
				 const char *what, const char *hint);

int split_words(char *line, char **argv, int max);
void *array_grow(void *v, size_t *cap, size_t size);

int parse_u32(const char *what, const char *arg, uint32_t min, uint32_t max,
	      uint32_t *val);
int parse_ipv4(const char *arg, struct in_addr *addr);
int parse_addr(const char *arg, uint8_t addr[16], uint16_t *family);
int parse_lladdr(const char *what, const char *arg, uint8_t mac[ETH_ALEN]);
int parse_ifname(const char *arg);
int parse_dev_arg(int argc, char **argv, const char **dev, bool required);
int dev_lookup(const char *name, unsigned int *ifindex);
void dev_cache_flush(void);

#define ADDR_BUF 48
#define LLADDR_BUF 96
const char *fmt_addr(int family, const void *addr, char *buf);
const char *fmt_lladdr(const uint8_t *addr, size_t len, char *buf);

/* json.c: one JSON writer, and printers for both output formats */
void json_open(const char *key, char bracket);
void json_close(char bracket);
void json_str(const char *key, const char *val);
void json_u64(const char *key, uint64_t val);
void json_bool(const char *key, bool val);

void print_list_open(void);
void print_list_close(void);
void print_open(const char *key);
void print_close(void);
void print_str(const char *key, const char *fmt, const char *val);
void print_u64(const char *key, const char *fmt, uint64_t val);
void print_bool(const char *key, const char *fmt, bool val);
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* netlink.c: sockets, requests, acks, extended acks */
struct mnl_socket;

struct nl {
	struct mnl_socket *sk;
	int proto;
	uint32_t portid;
	uint32_t seq;
	bool intr;		/* a reply carried NLM_F_DUMP_INTR */
};
extern struct nl rtnl, genl;

struct nl_error {
	int err;		/* positive errno */
	uint32_t seq;		/* of the failed request */
	uint32_t off;		/* NLMSGERR_ATTR_OFFS, 0 if none */
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" if none */
};
extern struct nl_error nl_error;

typedef int (*nl_cb)(const struct nlmsghdr *nlh, void *data);

int nl_open(struct nl *nl);
struct nlmsghdr *nl_msg(struct nl *nl, void *buf, uint16_t type,
			uint16_t flags);
int nl_send(struct nl *nl, const void *buf, size_t len);
int nl_recv(struct nl *nl, uint32_t seq, unsigned int count, nl_cb cb,
	    void *data);
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, nl_cb cb, void *data);
int nl_listen(struct nl *nl, uint32_t group, nl_cb cb, void *data);
int nl_perror(const char *context);
int nl_syserr(const char *what);

int attr_table(const struct nlattr *nest, const struct nlattr **tb,
	       unsigned int max);
int attr_table_msg(const struct nlmsghdr *nlh, size_t hdrlen,
		   const struct nlattr **tb, unsigned int max);
bool attr_ok(const struct nlattr *attr, size_t len);

extern uint16_t pn_family;
extern uint32_t pn_events_group;
int genl_resolve(void);
struct nlmsghdr *genl_msg(void *buf, uint8_t cmd, uint16_t flags,
			  unsigned int ifindex);

#define NL_BUF_SIZE (64 * 1024)
extern char nl_txbuf[NL_BUF_SIZE];

/* link.c: podnet devices */
struct dev_info {
	unsigned int ifindex;
	char name[IFNAMSIZ];
	bool has_count, has_generation;
	uint32_t count;
	uint32_t generation;
	uint64_t stats[32];
	uint32_t stats_mask;
};

int device_list(struct dev_info **devs, size_t *n);
int do_link(int argc, char **argv);
void link_usage(FILE *f);

/* subnet.c: the subnet table */
struct subnet {
	uint8_t prefix[16];
	uint8_t node[16];
	uint8_t lladdr[ETH_ALEN];
	uint16_t family;	/* of the prefix */
	uint16_t node_family;	/* AF_UNSPEC when absent */
	uint8_t prefixlen;
	bool has_lladdr;
	bool has_stats;
	bool direct;		/* goes to its node unencapsulated now */
	uint32_t flags;
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	unsigned int line;	/* sync: where the file says so */
};

struct subnet_list {
	struct subnet *v;
	size_t n, cap;
};

struct subnet *subnet_list_add(struct subnet_list *l);
int subnet_args(int argc, char **argv, struct subnet *s, bool key_only,
		const char **dev);
int subnet_parse(const struct nlattr *nest, struct subnet *s);
void subnet_derive_lladdr(const struct subnet *s, uint8_t mac[ETH_ALEN]);
void subnet_print(const struct subnet *s, const char *dev, const char *event);
int subnet_dump(unsigned int ifindex, struct subnet_list *l);
int subnet_write(unsigned int ifindex, uint8_t cmd,
		 const struct subnet *const *v, size_t n);
int do_subnet(int argc, char **argv);
int subnet_batch_flush(void);
void subnet_usage(FILE *f);

/* sync.c */
int subnet_sync(int argc, char **argv);

/* monitor.c */
int do_monitor(int argc, char **argv);
void monitor_usage(FILE *f);

#endif /* PODNET_TOOL_H */
