// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink plumbing on top of libmnl: one socket per protocol for the whole
 * run (a -batch reuses them), requests acknowledged one by one, extended
 * acks decoded, and the generic netlink family resolved once.
 */

#include <errno.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/podnet.h>

#include "podnet.h"

struct nl rtnl = { .proto = NETLINK_ROUTE };
struct nl genl = { .proto = NETLINK_GENERIC };
struct nl_error nl_error;

char nl_txbuf[NL_BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
static char nl_rxbuf[NL_BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));

uint16_t pn_family;
uint32_t pn_events_group;

/* A system call failed: say which, return the exit status. */
int nl_syserr(const char *what)
{
	pn_err("%s: %s", what, strerror(errno));
	return EXIT_KERNEL;
}

static void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

int nl_open(struct nl *nl)
{
	int one = 1, sndbuf = 1024 * 1024;

	if (nl->sk)
		return 0;
	nl->sk = mnl_socket_open(nl->proto);
	if (!nl->sk)
		return nl_syserr("cannot open a netlink socket");
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		nl_close(nl);
		return nl_syserr("cannot bind the netlink socket");
	}
	/* Best effort: older kernels lack some of these. */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_GET_STRICT_CHK, &one,
			      sizeof(one));
	setsockopt(mnl_socket_get_fd(nl->sk), SOL_SOCKET, SO_SNDBUF, &sndbuf,
		   sizeof(sndbuf));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = time(NULL);
	return 0;
}

struct nlmsghdr *nl_msg(struct nl *nl, void *buf, uint16_t type,
			uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

int nl_send(struct nl *nl, const void *buf, size_t len)
{
	if (mnl_socket_sendto(nl->sk, buf, len) < 0) {
		nl_error.err = errno;
		nl_error.msg[0] = '\0';
		nl_error.off = 0;
		return -errno;
	}
	return 0;
}

/*
 * Decode an NLMSG_ERROR or NLMSG_DONE: its error code and, with
 * NLM_F_ACK_TLVS, the extended ack. The first error of a request (or of a
 * train of requests) is kept in nl_error; warnings are printed.
 */
static int nl_ack(const struct nlmsghdr *nlh, bool first)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	size_t len = mnl_nlmsg_get_payload_len(nlh), off;
	const char *msg = NULL;
	int err;

	if (len < sizeof(int))
		return nlh->nlmsg_type == NLMSG_DONE ? 0 : -EBADMSG;
	err = *(const int *)mnl_nlmsg_get_payload(nlh);
	off = sizeof(int);
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (len < sizeof(*e))
			return -EBADMSG;
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < len) {
		attr_table_msg(nlh, off, tb, NLMSGERR_ATTR_MAX);
		if (tb[NLMSGERR_ATTR_MSG] &&
		    !mnl_attr_validate(tb[NLMSGERR_ATTR_MSG],
				       MNL_TYPE_NUL_STRING))
			msg = mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);
	}
	if (err >= 0) {
		if (msg && *msg)
			pn_warn("%s", msg);
		return 0;
	}
	if (first) {
		nl_error.err = -err;
		nl_error.seq = nlh->nlmsg_seq;
		nl_error.off = 0;
		if (tb[NLMSGERR_ATTR_OFFS] &&
		    !mnl_attr_validate(tb[NLMSGERR_ATTR_OFFS], MNL_TYPE_U32))
			nl_error.off = mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]);
		snprintf(nl_error.msg, sizeof(nl_error.msg), "%s",
			 msg ? msg : "");
	}
	return err;
}

/*
 * Read replies to the count requests numbered seq, seq + 1, ... until each
 * has been acknowledged (or, for a dump, finished). Data messages go to cb;
 * after cb fails once it is not called again, but the replies are still
 * drained so that the socket can serve the next request. Returns 0 or the
 * first negative errno, described in nl_error.
 */
int nl_recv(struct nl *nl, uint32_t seq, unsigned int count, nl_cb cb,
	    void *data)
{
	unsigned int pending = count;
	int ret = 0, err;

	while (pending) {
		const struct nlmsghdr *nlh = (const void *)nl_rxbuf;
		int len;

		len = mnl_socket_recvfrom(nl->sk, nl_rxbuf, sizeof(nl_rxbuf));
		if (len < 0) {
			err = errno;
			/* lost track of the replies: start over next time */
			nl_close(nl);
			nl_error.err = err;
			nl_error.msg[0] = '\0';
			nl_error.off = 0;
			return -err;
		}
		for (; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq - seq >= count ||
			    (nlh->nlmsg_pid && nlh->nlmsg_pid != nl->portid))
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				nl->intr = true;
			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
			case NLMSG_OVERRUN:
				continue;
			case NLMSG_ERROR:
			case NLMSG_DONE:
				pending--;
				err = nl_ack(nlh, !ret);
				if (err && !ret)
					ret = err;
				continue;
			}
			if (cb && !ret) {
				ret = cb(nlh, data);
				if (ret) {
					nl_error.err = -ret;
					nl_error.seq = nlh->nlmsg_seq;
					nl_error.off = 0;
					nl_error.msg[0] = '\0';
				}
			}
		}
	}
	return ret;
}

/*
 * Join a multicast group and hand every message to cb, until cb fails or
 * the socket does. When the socket's queue overflowed, say so and go on.
 */
int nl_listen(struct nl *nl, uint32_t group, nl_cb cb, void *data)
{
	int rcvbuf = 4 * 1024 * 1024, fd, len, ret;
	const struct nlmsghdr *nlh;

	ret = nl_open(nl);
	if (ret)
		return ret;
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return nl_syserr("cannot join the events group");
	fd = mnl_socket_get_fd(nl->sk);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	for (;;) {
		len = mnl_socket_recvfrom(nl->sk, nl_rxbuf, sizeof(nl_rxbuf));
		if (len < 0 && errno == ENOBUFS) {
			pn_warn("events were lost: %s", strerror(errno));
			continue;
		}
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return nl_syserr("cannot receive events");
		nlh = (const void *)nl_rxbuf;
		for (; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			ret = cb(nlh, data);
			if (ret)
				return ret;
		}
	}
}

/* Send one request and wait for its reply and ack. */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, nl_cb cb, void *data)
{
	int ret;

	ret = nl_send(nl, nlh, nlh->nlmsg_len);
	if (ret)
		return ret;
	return nl_recv(nl, nlh->nlmsg_seq, 1, cb, data);
}

/*
 * Report the error kept in nl_error as ip(8) does,
 * "podnet: <strerror>: <extack message>", and return the exit status.
 */
int nl_perror(const char *context)
{
	pn_err("%s%s%s%s%s%s", strerror(nl_error.err),
	       nl_error.msg[0] ? ": " : "", nl_error.msg,
	       context ? " (" : "", context ? context : "", context ? ")" : "");
	return EXIT_KERNEL;
}

struct attr_table {
	const struct nlattr **tb;
	unsigned int max;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct attr_table *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * Index the attributes of a nest (or of a message after hdrlen bytes of
 * headers) by type into tb[0..max]. Attributes above max, from a newer
 * kernel, are skipped; lengths are checked by whoever reads them.
 */
int attr_table(const struct nlattr *nest, const struct nlattr **tb,
	       unsigned int max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return mnl_attr_parse_nested(nest, attr_cb, &t) < 0 ? -EBADMSG : 0;
}

int attr_table_msg(const struct nlmsghdr *nlh, size_t hdrlen,
		   const struct nlattr **tb, unsigned int max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) < hdrlen)
		return -EBADMSG;
	return mnl_attr_parse(nlh, hdrlen, attr_cb, &t) < 0 ? -EBADMSG : 0;
}

/* Present and at least len bytes long. */
bool attr_ok(const struct nlattr *attr, size_t len)
{
	return attr && mnl_attr_get_payload_len(attr) >= len;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *grp;
	uint32_t *version = data;

	if (attr_table_msg(nlh, GENL_HDRLEN, tb, CTRL_ATTR_MAX))
		return -EBADMSG;
	if (!attr_ok(tb[CTRL_ATTR_FAMILY_ID], sizeof(uint16_t)) ||
	    !attr_ok(tb[CTRL_ATTR_VERSION], sizeof(uint32_t)))
		return -EBADMSG;
	pn_family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	*version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	mnl_attr_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS]) {
		const struct nlattr *g[CTRL_ATTR_MCAST_GRP_MAX + 1];

		if (attr_table(grp, g, CTRL_ATTR_MCAST_GRP_MAX))
			return -EBADMSG;
		if (!attr_ok(g[CTRL_ATTR_MCAST_GRP_ID], sizeof(uint32_t)) ||
		    !g[CTRL_ATTR_MCAST_GRP_NAME] ||
		    mnl_attr_validate(g[CTRL_ATTR_MCAST_GRP_NAME],
				      MNL_TYPE_NUL_STRING))
			continue;
		if (!strcmp(mnl_attr_get_str(g[CTRL_ATTR_MCAST_GRP_NAME]),
			    PODNET_MCGRP_EVENTS))
			pn_events_group =
				mnl_attr_get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

/*
 * Open the generic netlink socket (again, if a failed receive closed it)
 * and learn the ids of the "podnet" family and its "events" group, once.
 */
int genl_resolve(void)
{
	uint32_t version = 0;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int ret;

	ret = nl_open(&genl);
	if (ret || pn_family)
		return ret;
	nlh = nl_msg(&genl, nl_txbuf, GENL_ID_CTRL, NLM_F_ACK);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PODNET_FAMILY_NAME);
	ret = nl_talk(&genl, nlh, family_cb, &version);
	if (ret == -ENOENT) {
		pn_family = 0;
		pn_err("the podnet module is not loaded");
		return EXIT_KERNEL;
	}
	if (ret) {
		pn_family = 0;
		return nl_perror("generic netlink family \"" PODNET_FAMILY_NAME
				 "\"");
	}
	/* Each version of the family is a different layout. */
	if (version != PODNET_FAMILY_VERSION) {
		pn_family = 0;
		pn_err("the loaded podnet module speaks version %u of its netlink API, this tool version %u: load the module of this release",
		       version, PODNET_FAMILY_VERSION);
		return EXIT_KERNEL;
	}
	return 0;
}

/* A request of the podnet family about one device. */
struct nlmsghdr *genl_msg(void *buf, uint8_t cmd, uint16_t flags,
			  unsigned int ifindex)
{
	struct nlmsghdr *nlh = nl_msg(&genl, buf, pn_family, flags);
	struct genlmsghdr *g;

	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = PODNET_FAMILY_VERSION;
	if (ifindex)
		mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, ifindex);
	return nlh;
}
