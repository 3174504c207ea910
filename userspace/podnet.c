// SPDX-License-Identifier: GPL-2.0
/*
 * podnet(8): configure podnet overlay devices and their subnet tables.
 *
 *	podnet [OPTIONS] OBJECT COMMAND [ARGS]
 *	podnet [-force] -batch FILE
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "podnet.h"

#define MAX_WORDS 64

bool opt_json;
bool opt_pretty;
int opt_stats;
int opt_details;
const char *batch_name;
bool batch_force;

static int do_help(int argc, char **argv);

static const struct command objects[] = {
	{ "link", do_link, link_usage },
	{ "subnet", do_subnet, subnet_usage },
	{ "monitor", do_monitor, monitor_usage },
	{ "help", do_help, NULL },
	{ NULL, NULL, NULL }
};

static void usage(FILE *f)
{
	fputs("Usage: podnet [OPTIONS] OBJECT { COMMAND | help }\n"
	      "       podnet [-force] -batch FILE\n"
	      "where  OBJECT := { link | subnet | monitor | help }\n"
	      "       OPTIONS := { -j[son] | -p[retty] | -s[tats] | -d[etails] |\n"
	      "                    -n[etns] NAME | -V[ersion] | -h[elp] }\n",
	      f);
}

/* "podnet help [OBJECT]" */
static int do_help(int argc, char **argv)
{
	const struct command *o;

	if (argc > 1)
		return pn_err("unknown keyword \"%s\"", argv[1]);
	if (argc) {
		o = cmd_lookup(argv[0], objects, "object", "podnet help");
		if (!o)
			return EXIT_USAGE;
		if (o->help)
			o->help(stdout);
		else
			usage(stdout);
		return 0;
	}
	usage(stdout);
	for (o = objects; o->name; o++) {
		if (!o->help)
			continue;
		putchar('\n');
		o->help(stdout);
	}
	return 0;
}

static int run(int argc, char **argv)
{
	const struct command *o;
	int ret = 0, status;

	o = cmd_lookup(argv[0], objects, "object", "podnet help");
	if (!o)
		return EXIT_USAGE;
	if (o->run != do_subnet) {
		ret = subnet_batch_flush();
		if (ret && !batch_force)
			return ret;
	}
	status = o->run(argc - 1, argv + 1);
	return status > ret ? status : ret;
}

/*
 * One command per line, as ip -batch: comments and blank lines skipped,
 * errors prefixed with FILE:LINE. Stops at the first failure unless
 * -force; the exit status is the worst one seen.
 */
static int batch(const char *name, bool force)
{
	char *line = NULL, *argv[MAX_WORDS];
	int argc, ret, status = 0;
	size_t cap = 0;
	FILE *f;

	f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	if (!f)
		return pn_err("cannot open \"%s\": %s", name, strerror(errno));
	batch_name = name;
	batch_force = force;
	batch_loc.file = name;
	batch_loc.line = 0;
	while (getline(&line, &cap, f) != -1) {
		batch_loc.line++;
		argc = split_words(line, argv, MAX_WORDS);
		if (!argc)
			continue;
		if (argc == -E2BIG)
			ret = pn_err("too many words");
		else if (argc < 0)
			ret = pn_err("unterminated quote");
		else
			ret = run(argc, argv);
		if (ret > status)
			status = ret;
		if (ret && !force)
			break;
	}
	if (ferror(f) && status < EXIT_USAGE)
		status = pn_err("cannot read: %s", strerror(errno));
	ret = subnet_batch_flush();
	if (ret > status)
		status = ret;
	batch_loc.file = NULL;
	free(line);
	if (f != stdin)
		fclose(f);
	return status;
}

/*
 * Enter the named network namespace, as "ip -n NAME" does: the one bound
 * at /run/netns/NAME by "ip netns add". Sockets opened after this, and so
 * every request and batch line, are in that namespace. /sys is remounted
 * in a mount namespace of the tool's own, so that what it shows is the
 * namespace's, as ip does; that part is best effort.
 */
static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return pn_err("invalid network namespace name \"%s\"", name);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pn_err("cannot open network namespace \"%s\": %s", name,
			      strerror(errno));
	if (setns(fd, CLONE_NEWNET)) {
		int err = errno;

		close(fd);
		return pn_err("cannot enter network namespace \"%s\": %s",
			      name, strerror(err));
	}
	close(fd);
	if (!unshare(CLONE_NEWNS) &&
	    !mount("", "/", "none", MS_SLAVE | MS_REC, NULL)) {
		umount2("/sys", MNT_DETACH);
		mount(name, "/sys", "sysfs", 0, NULL);
	}
	return 0;
}

enum {
	OPT_JSON, OPT_PRETTY, OPT_STATS, OPT_DETAILS, OPT_BATCH, OPT_FORCE,
	OPT_NETNS, OPT_HELP, OPT_VERSION,
};

static const struct keyword options[] = {
	{ "json", OPT_JSON },
	{ "pretty", OPT_PRETTY },
	{ "stats", OPT_STATS },
	{ "statistics", OPT_STATS },
	{ "details", OPT_DETAILS },
	{ "batch", OPT_BATCH },
	{ "force", OPT_FORCE },
	{ "netns", OPT_NETNS },
	{ "help", OPT_HELP },
	{ "Version", OPT_VERSION },
	{ "version", OPT_VERSION },
	{ NULL, 0 }
};

int main(int argc, char **argv)
{
	const char *batch_file = NULL;
	bool force = false;
	const char *opt;
	int ret;

	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		opt = argv[0] + 1 + (argv[0][1] == '-');
		if (!*opt) {		/* "-" or "--" ends the options */
			argc--;
			argv++;
			break;
		}
		switch (kw_match(opt, options)) {
		case OPT_JSON:
			opt_json = true;
			break;
		case OPT_PRETTY:
			opt_pretty = true;
			break;
		case OPT_STATS:
			opt_stats++;
			break;
		case OPT_DETAILS:
			opt_details++;
			break;
		case OPT_BATCH:
			if (argc < 2)
				return pn_err("missing FILE after \"%s\"",
					      argv[0]);
			batch_file = *++argv;
			argc--;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_NETNS:
			if (argc < 2)
				return pn_err("missing NAME after \"%s\"",
					      argv[0]);
			ret = enter_netns(*++argv);
			if (ret)
				return ret;
			argc--;
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("podnet version %s\n", PODNET_TOOL_VERSION);
			return 0;
		default:
			return pn_err("unknown option \"%s\" (try \"%s\")",
				      argv[0], "podnet -help");
		}
	}

	if (batch_file) {
		if (argc > 0)
			return pn_err("unexpected \"%s\" after -batch FILE",
				      argv[0]);
		ret = batch(batch_file, force);
	} else if (argc > 0) {
		ret = run(argc, argv);
	} else {
		usage(stderr);
		ret = EXIT_USAGE;
	}
	if (fflush(stdout) && !ret) {
		perror("podnet: cannot write output");
		ret = EXIT_USAGE;
	}
	return ret;
}
