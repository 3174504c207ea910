// SPDX-License-Identifier: GPL-2.0
/*
 * podnet subnet sync: make a device's table equal to a file, touching only
 * the entries that differ, many of them per message.
 *
 * The whole file is read and checked before the kernel is asked anything,
 * so a bad line leaves the table as it was.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/podnet.h>

#include "podnet.h"

#define MAX_WORDS 16

static int subnet_cmp(const void *a, const void *b)
{
	const struct subnet *x = a, *y = b;
	int ret;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	ret = memcmp(x->prefix, y->prefix, sizeof(x->prefix));
	if (ret)
		return ret;
	return (int)x->prefixlen - (int)y->prefixlen;
}

/* Same node and same VTEP MAC, given or derived: nothing to do. */
static bool subnet_same(const struct subnet *want, const struct subnet *have)
{
	uint8_t a[ETH_ALEN], b[ETH_ALEN];

	if (want->node_family != have->node_family ||
	    memcmp(want->node, have->node, sizeof(want->node)))
		return false;
	if (want->has_lladdr)
		memcpy(a, want->lladdr, ETH_ALEN);
	else
		subnet_derive_lladdr(want, a);
	if (have->has_lladdr)
		memcpy(b, have->lladdr, ETH_ALEN);
	else
		subnet_derive_lladdr(have, b);
	return !memcmp(a, b, ETH_ALEN);
}

/* For the file: equal prefixes in the order of their lines. */
static int subnet_cmp_line(const void *a, const void *b)
{
	const struct subnet *x = a, *y = b;
	int ret = subnet_cmp(a, b);

	if (ret)
		return ret;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* The first line that repeats an earlier line's prefix, if any. */
static int sync_check_dups(const struct subnet_list *l)
{
	const struct subnet *dup = NULL, *orig = NULL, *first = l->v;
	char addr[ADDR_BUF];
	size_t i;

	for (i = 1; i < l->n; i++) {
		if (subnet_cmp(first, &l->v[i])) {
			first = &l->v[i];
		} else if (!dup || l->v[i].line < dup->line) {
			dup = &l->v[i];
			orig = first;
		}
	}
	if (!dup)
		return 0;
	file_loc.line = dup->line;
	return pn_err("duplicate prefix \"%s/%u\" (first on line %u)",
		      fmt_addr(dup->family, dup->prefix, addr), dup->prefixlen,
		      orig->line);
}

/* Lines "PREFIX via NODEADDR [lladdr LLADDR]"; errors name FILE:LINE. */
static int sync_read(const char *name, struct subnet_list *l)
{
	char *line = NULL, *argv[MAX_WORDS];
	struct subnet s, *p;
	size_t cap = 0;
	int argc, ret = 0;
	FILE *f;

	if (!strcmp(name, "-") && batch_name && !strcmp(batch_name, "-"))
		return pn_err("standard input is already the -batch file");
	f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	if (!f)
		return pn_err("cannot open \"%s\": %s", name, strerror(errno));
	file_loc.file = name;
	file_loc.line = 0;
	while (getline(&line, &cap, f) != -1) {
		file_loc.line++;
		argc = split_words(line, argv, MAX_WORDS);
		if (!argc)
			continue;
		if (argc == -E2BIG)
			ret = pn_err("too many words");
		else if (argc < 0)
			ret = pn_err("unterminated quote");
		else
			ret = subnet_args(argc, argv, &s, false, NULL);
		if (ret)
			break;
		p = subnet_list_add(l);
		if (!p) {
			ret = pn_err("out of memory");
			break;
		}
		*p = s;
		p->line = file_loc.line;
	}
	if (!ret && ferror(f))
		ret = pn_err("cannot read: %s", strerror(errno));
	free(line);
	if (f != stdin)
		fclose(f);
	if (!ret && l->n) {
		qsort(l->v, l->n, sizeof(*l->v), subnet_cmp_line);
		ret = sync_check_dups(l);
	}
	file_loc.file = NULL;
	return ret;
}

static int sync_args(int argc, char **argv, const char **dev,
		     const char **file)
{
	static const struct keyword dev_kw[] = { { "dev", 0 }, { NULL, 0 } };

	*dev = *file = NULL;
	for (; argc > 0; argc--, argv++) {
		if (kw_match(argv[0], dev_kw) < 0) {
			if (*file)
				return pn_err("unknown keyword \"%s\"",
					      argv[0]);
			*file = argv[0];
			continue;
		}
		if (*dev)
			return pn_err("duplicate \"dev\"");
		if (argc < 2)
			return pn_err("missing value after \"dev\"");
		*dev = *++argv;
		argc--;
		if (parse_ifname(*dev))
			return EXIT_USAGE;
	}
	if (!*dev)
		return pn_err("missing \"dev\"");
	if (!*file)
		return pn_err("missing FILE");
	return 0;
}

int subnet_sync(int argc, char **argv)
{
	struct subnet_list want = { NULL, 0, 0 }, have = { NULL, 0, 0 };
	const struct subnet **del = NULL, **set = NULL;
	size_t ndel = 0, nset = 0, added = 0, same = 0, i = 0, j = 0;
	const char *dev, *file;
	unsigned int ifindex;
	int ret, cmp;

	ret = sync_args(argc, argv, &dev, &file);
	if (!ret)
		ret = sync_read(file, &want);
	if (!ret)
		ret = dev_lookup(dev, &ifindex);
	if (!ret)
		ret = genl_resolve();
	if (!ret)
		ret = subnet_dump(ifindex, &have);
	if (ret)
		goto out;
	if (have.n)
		qsort(have.v, have.n, sizeof(*have.v), subnet_cmp);

	del = calloc(have.n + 1, sizeof(*del));
	set = calloc(want.n + 1, sizeof(*set));
	if (!del || !set) {
		ret = nl_syserr("out of memory");
		goto out;
	}
	/* both sorted: one merge gives deletions, changes and additions */
	while (i < want.n || j < have.n) {
		if (i == want.n)
			cmp = 1;
		else if (j == have.n)
			cmp = -1;
		else
			cmp = subnet_cmp(&want.v[i], &have.v[j]);
		if (cmp < 0) {
			set[nset++] = &want.v[i++];
			added++;
		} else if (cmp > 0) {
			del[ndel++] = &have.v[j++];
		} else {
			if (subnet_same(&want.v[i], &have.v[j]))
				same++;
			else
				set[nset++] = &want.v[i];
			i++;
			j++;
		}
	}
	if (ndel)
		ret = subnet_write(ifindex, PODNET_CMD_DEL_SUBNET, del, ndel);
	if (!ret && nset)
		ret = subnet_write(ifindex, PODNET_CMD_REPLACE_SUBNET, set,
				   nset);
	if (!ret && opt_stats) {
		print_open(NULL);
		print_u64("added", "%llu added", added);
		print_u64("replaced", ", %llu replaced", nset - added);
		print_u64("deleted", ", %llu deleted", ndel);
		print_u64("unchanged", ", %llu unchanged\n", same);
		print_close();
	}
out:
	free(del);
	free(set);
	free(want.v);
	free(have.v);
	return ret;
}
