// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope enable, disable, reset
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "uapi/linux/vnetscope.h"
#include "cmd.h"
#include "filter.h"
#include "nl.h"
#include "util.h"

/* The collectors this version knows, to reject typos without the module */
static const char *const vns_collectors[] = { "drops" };

static const char vns_enable_usage[] =
	"Usage: vnetscope enable COLLECTOR [FILTER OPTIONS]\n"
	"\n"
	"Turn a collector on; with filter options, it records only the\n"
	"packets that match all of them.  Collectors: drops.\n"
	"\n"
	VNS_FILTER_USAGE;

static const char vns_disable_usage[] =
	"Usage: vnetscope disable COLLECTOR\n"
	"\n"
	"Turn a collector off and detach its probes.  Collectors: drops.\n";

static const char vns_reset_usage[] =
	"Usage: vnetscope reset [COLLECTOR]\n"
	"\n"
	"Clear the tables and counters of a collector, or of all of them.\n"
	"Collectors: drops.\n";

static const char *vns_known(char *buf, size_t len)
{
	size_t i, pos = 0;

	buf[0] = '\0';
	for (i = 0; i < VNS_ARRAY_SIZE(vns_collectors); i++)
		pos += (size_t)snprintf(buf + pos, pos < len ? len - pos : 0,
					"%s%s", i ? ", " : "",
					vns_collectors[i]);
	return buf;
}

static int vns_collector_check(const char *name)
{
	char known[64];
	size_t i;

	for (i = 0; i < VNS_ARRAY_SIZE(vns_collectors); i++)
		if (!strcmp(name, vns_collectors[i]))
			return 0;
	return vns_usage_err("unknown collector '%s' (known: %s)", name,
			     vns_known(known, sizeof(known)));
}

/*
 * The positional arguments after the options: between @min and @max
 * collector names, each known.  Returns -1 to go on, or the exit status.
 */
static int vns_collector_args(int argc, char **argv, int min, int max)
{
	char known[64];
	int i;

	if (argc - optind < min)
		return vns_usage_err("missing collector name (known: %s)",
				     vns_known(known, sizeof(known)));
	if (argc - optind > max)
		return vns_usage_err("unexpected argument '%s'",
				     argv[optind + max]);
	for (i = optind; i < argc; i++)
		if (vns_collector_check(argv[i]))
			return VNS_EXIT_USAGE;
	return -1;
}

int vns_enable(struct vns_nl *nl, const char *name, const struct vns_filter *f)
{
	struct nl_msg *msg = vns_nl_msg(nl, VNS_CMD_ENABLE);

	if (!msg || nla_put_string(msg, VNS_A_COLLECTOR_NAME, name) ||
	    (f && !vns_filter_is_empty(f) &&
	     vns_filter_put(msg, VNS_A_FILTER, f)))
		return vns_nl_nomem("enable", msg);
	return vns_nl_do(nl, msg, "enable", NULL, NULL);
}

/* Send @cmd, naming collector @name unless it is NULL */
static int vns_ctl(u8 cmd, const char *op, const char *name)
{
	struct nl_msg *msg;
	struct vns_nl nl;
	int ret;

	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	msg = vns_nl_msg(&nl, cmd);
	if (!msg || (name && nla_put_string(msg, VNS_A_COLLECTOR_NAME, name)))
		ret = vns_nl_nomem(op, msg);
	else
		ret = vns_nl_do(&nl, msg, op, NULL, NULL);
	vns_nl_close(&nl);
	return ret;
}

static const struct option vns_help_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Options of disable and reset: only --help.  -1 to go on. */
static int vns_parse_help(int argc, char **argv, const char *usage)
{
	int c;

	while ((c = getopt_long(argc, argv, ":h", vns_help_opts, NULL)) != -1) {
		if (c != 'h')
			return vns_getopt_err(c, argv, vns_help_opts);
		fputs(usage, stdout);
		return VNS_EXIT_OK;
	}
	return -1;
}

int cmd_enable(int argc, char **argv)
{
	static const struct option opts[] = {
		VNS_FILTER_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vns_filter f;
	struct vns_nl nl;
	char err[256];
	int c, idx, ret;

	memset(&f, 0, sizeof(f));
	while ((c = getopt_long(argc, argv, ":h", opts, &idx)) != -1) {
		switch (c) {
		case VNS_OPT_FILTER:
			if (vns_filter_parse_opt(&f, opts[idx].name, optarg,
						 err, sizeof(err)))
				return vns_usage_err("%s", err);
			break;
		case 'h':
			fputs(vns_enable_usage, stdout);
			return VNS_EXIT_OK;
		default:
			return vns_getopt_err(c, argv, opts);
		}
	}
	ret = vns_collector_args(argc, argv, 1, 1);
	if (ret >= 0)
		return ret;
	if (vns_filter_check(&f, err, sizeof(err)))
		return vns_usage_err("%s", err);

	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_enable(&nl, argv[optind], &f);
	vns_nl_close(&nl);
	return ret;
}

int cmd_disable(int argc, char **argv)
{
	int ret = vns_parse_help(argc, argv, vns_disable_usage);

	if (ret < 0)
		ret = vns_collector_args(argc, argv, 1, 1);
	if (ret >= 0)
		return ret;
	return vns_ctl(VNS_CMD_DISABLE, "disable", argv[optind]);
}

int cmd_reset(int argc, char **argv)
{
	int ret = vns_parse_help(argc, argv, vns_reset_usage);

	if (ret < 0)
		ret = vns_collector_args(argc, argv, 0, 1);
	if (ret >= 0)
		return ret;
	return vns_ctl(VNS_CMD_RESET, "reset",
		       optind < argc ? argv[optind] : NULL);
}
