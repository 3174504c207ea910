// SPDX-License-Identifier: GPL-2.0
/*
 * Error reporting, keyword matching and the parsers of command words.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "podnet.h"

/* Where the word being parsed comes from: a -batch file, a sync file. */
struct errloc batch_loc, file_loc;

static void vreport(const char *kind, const char *fmt, va_list ap)
{
	const unsigned char *p;
	char msg[1024];

	fputs("podnet: ", stderr);
	if (batch_loc.file)
		fprintf(stderr, "%s:%u: ", batch_loc.file, batch_loc.line);
	if (file_loc.file)
		fprintf(stderr, "%s:%u: ", file_loc.file, file_loc.line);
	if (kind)
		fputs(kind, stderr);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* The bad word is the user's: its control characters are shown
	 * escaped, so that the message stays one line on any terminal.
	 */
	for (p = (const unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	fputc('\n', stderr);
}

/* Report bad input; returns the exit status for it. */
int pn_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(NULL, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

void pn_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

/*
 * Keywords match as in ip(8): any prefix of a keyword will do, as long as
 * all keywords it begins mean the same thing; an exact match always wins.
 */
static int prefix_match(const char *arg, const char *name)
{
	size_t len = strlen(arg);

	if (!len || strncmp(arg, name, len))
		return 0;
	return name[len] ? 1 : 2;
}

static void add_candidate(char *buf, size_t size, const char *name)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", name);
}

int kw_match(const char *arg, const struct keyword *kw)
{
	int id = KW_NONE;

	for (; kw->name; kw++) {
		switch (prefix_match(arg, kw->name)) {
		case 2:
			return kw->id;
		case 1:
			id = id == KW_NONE || id == kw->id ? kw->id
							   : KW_AMBIGUOUS;
		}
	}
	return id;
}

int kw_lookup(const char *arg, const struct keyword *kw, const char *what)
{
	int id = kw_match(arg, kw);
	char list[256] = "";

	if (id == KW_NONE) {
		pn_err("unknown %s \"%s\"", what, arg);
	} else if (id == KW_AMBIGUOUS) {
		for (; kw->name; kw++)
			if (prefix_match(arg, kw->name))
				add_candidate(list, sizeof(list), kw->name);
		pn_err("ambiguous %s \"%s\" (%s)", what, arg, list);
	}
	return id;
}

const char *kw_name(const struct keyword *kw, int id)
{
	for (; kw->name; kw++)
		if (kw->id == id)
			return kw->name;
	return "?";
}

/* The same rules for tables of commands; aliases share a function. */
const struct command *cmd_lookup(const char *arg, const struct command *cmd,
				 const char *what, const char *hint)
{
	const struct command *found = NULL, *c;
	bool ambiguous = false;
	char list[256] = "";

	for (c = cmd; c->name; c++) {
		switch (prefix_match(arg, c->name)) {
		case 2:
			return c;
		case 1:
			if (found && found->run != c->run)
				ambiguous = true;
			found = c;
		}
	}
	if (!found) {
		pn_err("unknown %s \"%s\" (try \"%s\")", what, arg, hint);
	} else if (ambiguous) {
		for (c = cmd; c->name; c++)
			if (prefix_match(arg, c->name))
				add_candidate(list, sizeof(list), c->name);
		pn_err("ambiguous %s \"%s\" (%s)", what, arg, list);
		found = NULL;
	}
	return found;
}

/*
 * Split a line into words in place, as ip -batch does: words are separated
 * by white space, may be quoted with "" or '', and a word that begins with
 * '#' starts a comment. Returns the number of words, -E2BIG when there are
 * more than max, -EINVAL on an unterminated quote.
 */
int split_words(char *line, char **argv, int max)
{
	char *p = line, *out;
	int argc = 0;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = out = p;
		while (*p && !isspace((unsigned char)*p)) {
			if (*p == '"' || *p == '\'') {
				char quote = *p++;

				while (*p && *p != quote)
					*out++ = *p++;
				if (!*p)
					return -EINVAL;
				p++;
			} else {
				*out++ = *p++;
			}
		}
		if (*p)
			p++;
		*out = '\0';
	}
}

int parse_u32(const char *what, const char *arg, uint32_t min, uint32_t max,
	      uint32_t *val)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)*arg))
		goto bad;
	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno || *end || n < min || n > max)
		goto bad;
	*val = n;
	return 0;
bad:
	return pn_err("invalid %s \"%s\" (%u-%u)", what, arg, min, max);
}

int parse_ipv4(const char *arg, struct in_addr *addr)
{
	if (inet_pton(AF_INET, arg, addr) != 1)
		return pn_err("invalid address \"%s\"", arg);
	return 0;
}

/* An IPv4 or IPv6 address into addr (4 or 16 bytes), and its family. */
int parse_addr(const char *arg, uint8_t addr[16], uint16_t *family)
{
	*family = strchr(arg, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*family, arg, addr) != 1)
		return pn_err("invalid address \"%s\"", arg);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* xx:xx:xx:xx:xx:xx, each group one or two hex digits */
int parse_lladdr(const char *what, const char *arg, uint8_t mac[ETH_ALEN])
{
	const char *p = arg;
	int i, hi, lo;

	for (i = 0; i < ETH_ALEN; i++) {
		if (i && *p++ != ':')
			goto bad;
		hi = hexval(*p);
		if (hi < 0)
			goto bad;
		lo = hexval(*++p);
		if (lo < 0) {
			mac[i] = hi;
		} else {
			mac[i] = hi << 4 | lo;
			p++;
		}
	}
	if (!*p)
		return 0;
bad:
	return pn_err("invalid %s \"%s\"", what, arg);
}

/* The kernel's dev_valid_name() */
int parse_ifname(const char *arg)
{
	const char *p;

	if (!*arg || strlen(arg) >= IFNAMSIZ || !strcmp(arg, ".") ||
	    !strcmp(arg, ".."))
		goto bad;
	for (p = arg; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			goto bad;
	return 0;
bad:
	return pn_err("invalid device name \"%s\"", arg);
}

/* Nothing but "dev NAME", which may be optional. */
int parse_dev_arg(int argc, char **argv, const char **dev, bool required)
{
	static const struct keyword dev_kw[] = { { "dev", 0 }, { NULL, 0 } };

	*dev = NULL;
	if (!argc)
		return required ? pn_err("missing \"dev\"") : 0;
	if (kw_lookup(argv[0], dev_kw, "keyword") < 0)
		return EXIT_USAGE;
	if (argc < 2)
		return pn_err("missing value after \"dev\"");
	if (argc > 2 && kw_match(argv[2], dev_kw) >= 0)
		return pn_err("duplicate \"dev\"");
	if (argc > 2)
		return pn_err("unknown keyword \"%s\"", argv[2]);
	if (parse_ifname(argv[1]))
		return EXIT_USAGE;
	*dev = argv[1];
	return 0;
}

/*
 * Device names resolve once per run: a batch of ten thousand lines naming
 * the same device asks the kernel once. A name that does not exist is
 * remembered too, as every failed lookup may make the kernel try to load a
 * module by that name. Commands that create or delete links flush the
 * cache.
 */
static struct {
	char name[IFNAMSIZ];
	unsigned int ifindex;	/* 0: no such device */
	int err;
	bool used;
} dev_cache[16];
static unsigned int dev_cache_next;

int dev_lookup(const char *name, unsigned int *ifindex)
{
	unsigned int i;
	int err = 0;

	if (parse_ifname(name))
		return EXIT_USAGE;
	for (i = 0; i < ARRAY_SIZE(dev_cache); i++)
		if (dev_cache[i].used && !strcmp(dev_cache[i].name, name))
			break;
	if (i == ARRAY_SIZE(dev_cache)) {
		*ifindex = if_nametoindex(name);
		if (!*ifindex)
			err = errno;
		i = dev_cache_next++ % ARRAY_SIZE(dev_cache);
		snprintf(dev_cache[i].name, sizeof(dev_cache[i].name), "%s",
			 name);
		dev_cache[i].ifindex = *ifindex;
		dev_cache[i].err = err;
		dev_cache[i].used = true;
	}
	*ifindex = dev_cache[i].ifindex;
	err = dev_cache[i].err;
	if (*ifindex)
		return 0;
	if (err == ENODEV || err == ENXIO)
		return pn_err("device \"%s\" does not exist", name);
	return pn_err("cannot look up device \"%s\": %s", name, strerror(err));
}

void dev_cache_flush(void)
{
	memset(dev_cache, 0, sizeof(dev_cache));
}

const char *fmt_addr(int family, const void *addr, char *buf)
{
	if (!inet_ntop(family, addr, buf, ADDR_BUF))
		snprintf(buf, ADDR_BUF, "?");
	return buf;
}

const char *fmt_lladdr(const uint8_t *addr, size_t len, char *buf)
{
	size_t i;

	if (len > (LLADDR_BUF - 1) / 3)
		len = (LLADDR_BUF - 1) / 3;
	buf[0] = '\0';
	for (i = 0; i < len; i++)
		sprintf(buf + 3 * i, "%02x:", addr[i]);
	if (len)
		buf[3 * len - 1] = '\0';
	return buf;
}

/* Double the room of an array of elements of size bytes; NULL if no memory. */
void *array_grow(void *v, size_t *cap, size_t size)
{
	size_t cap2 = *cap ? 2 * *cap : 16;

	v = reallocarray(v, cap2, size);
	if (v)
		*cap = cap2;
	return v;
}
