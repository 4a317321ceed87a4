// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope enable, disable, reset
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "uapi/linux/vnetscope.h"
#include "cmd.h"
#include "coll.h"
#include "config.h"
#include "ctl.h"
#include "filter.h"
#include "nl.h"
#include "util.h"

/*
 * The collectors this version knows, to reject typos without the module,
 * and what each takes besides its name
 */
static const struct vns_coll_args {
	const char *name;
	bool filter;		/* filter options on the flow */
	bool dev;		/* ... and --dev */
	bool timing;		/* period=, threshold= */
	bool path;		/* phy=, vm=, dir=, threshold=, stage_threshold= */
} vns_collectors[] = {
	{ .name = "drops", .filter = true, .dev = true },
	{ .name = "softirqs" },
	{ .name = "timers" },
	{ .name = "irqoff", .timing = true },
	{ .name = "latency", .filter = true, .dev = true, .path = true },
	{ .name = "tun" },
	{ .name = "vhost" },
	{ .name = "kvm" },
	{ .name = "virtio" },
};

#define VNS_COLLECTORS	\
	"drops, softirqs, timers, irqoff, latency, tun, vhost, kvm, virtio"

static const char vns_enable_usage[] =
	"Usage: vnetscope enable drops [FILTER OPTIONS]\n"
	"       vnetscope enable latency [FILTER OPTIONS] [phy=IFNAME] [vm=IFNAME]\n"
	"                                [dir=rx|tx|both] [threshold=DURATION]\n"
	"                                [stage_threshold=DURATION]\n"
	"       vnetscope enable irqoff [period=DURATION] [threshold=DURATION]\n"
	"       vnetscope enable softirqs|timers|tun|vhost|kvm|virtio\n"
	"\n"
	"Turn a collector on.  Collectors: " VNS_COLLECTORS ".\n"
	"With filter options, drops and latency record only the packets that\n"
	"match all of them (--dev, for latency: the device a packet starts on,\n"
	"the one it came in on or is routed to leave by):\n"
	"\n"
	VNS_FILTER_USAGE
	"\n"
	"latency settings:\n"
	"  phy=IFNAME       the physical port: TX ends and RX starts there\n"
	"                   (default: any device)\n"
	"  dir=D            rx, tx or both (default both)\n"
	"  vm=IFNAME        the VM's port (TAP/vnet): the VM path, with phy=\n"
	"  threshold=D      details mode: a record in the events file for\n"
	"                   each packet that took at least D end to end\n"
	"                   (1us to 10s)\n"
	"  stage_threshold=D\n"
	"                   details mode: the same for each packet that\n"
	"                   spent at least D in one stage (1us to 10s; see\n"
	"                   'vnetscope latency --details')\n"
	"\n"
	"irqoff settings (a DURATION is a number with ns, us, ms or s; no\n"
	"unit means ms):\n"
	"  period=D         how often the sampler runs on each CPU,\n"
	"                   1ms to 1s (default 10ms)\n"
	"  threshold=D      record a stack when the sampler is held off\n"
	"                   longer; from the period to 10s (default 20ms).\n"
	"                   A stretch of D shows as a delay of D - period\n"
	"                   to D\n"
	VNS_EXIT_HELP;

static const char vns_disable_usage[] =
	"Usage: vnetscope disable COLLECTOR\n"
	"\n"
	"Turn a collector off and detach its probes.\n"
	"Collectors: " VNS_COLLECTORS ".\n"
	VNS_EXIT_HELP;

static const char vns_reset_usage[] =
	"Usage: vnetscope reset [COLLECTOR]\n"
	"\n"
	"Clear the tables and counters of a collector, or of all of them.\n"
	"Collectors: " VNS_COLLECTORS ".\n"
	VNS_EXIT_HELP;

static const char *vns_known(char *buf, size_t len)
{
	size_t i, pos = 0;

	buf[0] = '\0';
	for (i = 0; i < VNS_ARRAY_SIZE(vns_collectors); i++)
		pos += (size_t)snprintf(buf + pos, pos < len ? len - pos : 0,
					"%s%s", i ? ", " : "",
					vns_collectors[i].name);
	return buf;
}

static const struct vns_coll_args *vns_collector_find(const char *name)
{
	size_t i;

	for (i = 0; i < VNS_ARRAY_SIZE(vns_collectors); i++)
		if (!strcmp(name, vns_collectors[i].name))
			return &vns_collectors[i];
	return NULL;
}

static int vns_collector_check(const char *name)
{
	char known[128];

	if (vns_collector_find(name))
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
	char known[128];
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

/* Send @cmd on @nl, naming collector @name unless it is NULL */
static int vns_ctl_send(struct vns_nl *nl, u8 cmd, const char *op,
			const char *name)
{
	struct nl_msg *msg = vns_nl_msg(nl, cmd);

	if (!msg || (name && nla_put_string(msg, VNS_A_COLLECTOR_NAME, name)))
		return vns_nl_nomem(op, msg);
	return vns_nl_do(nl, msg, op, NULL, NULL);
}

/* The same on a socket of its own */
static int vns_ctl(u8 cmd, const char *op, const char *name)
{
	struct vns_nl nl;
	int ret;

	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_ctl_send(&nl, cmd, op, name);
	vns_nl_close(&nl);
	return ret;
}

int vns_disable_send(struct vns_nl *nl, const char *name)
{
	return vns_ctl_send(nl, VNS_CMD_DISABLE, "disable", name);
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

int vns_enable_parse(int argc, char **argv, bool help,
		     struct vns_enable_args *a)
{
	static const struct option opts[] = {
		VNS_FILTER_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct vns_coll_args *ca;
	struct vns_settings *cfg = &a->cfg;
	struct vns_filter *f = &a->filter;
	const char *name;
	char err[256];
	int c, i, idx, ret;

	memset(a, 0, sizeof(*a));
	vns_config_init(cfg);
	optind = 0;		/* glibc: start afresh */
	while ((c = getopt_long(argc, argv, ":h", opts, &idx)) != -1) {
		switch (c) {
		case VNS_OPT_FILTER:
			if (vns_filter_parse_opt(f, opts[idx].name, optarg,
						 err, sizeof(err)))
				return vns_usage_err("%s", err);
			break;
		case 'h':
			if (help) {
				fputs(vns_enable_usage, stdout);
				return VNS_EXIT_OK;
			}
			return vns_usage_err("unknown option '%s'",
					     argv[optind - 1]);
		default:
			return vns_getopt_err(c, argv, opts);
		}
	}
	/* the collector, then (irqoff, latency) its settings */
	ret = vns_collector_args(optind < argc ? optind + 1 : argc, argv, 1,
				 1);
	if (ret >= 0)
		return ret;
	name = argv[optind];
	ca = vns_collector_find(name);
	for (i = optind + 1; i < argc; i++) {
		if (!ca->timing && !ca->path)
			return vns_usage_err("unexpected argument '%s' (only irqoff and latency take settings)",
					     argv[i]);
		if (vns_config_parse_word(cfg, argv[i], err, sizeof(err)))
			return vns_usage_err("%s", err);
	}
	if (VNS_GIVEN(cfg, VNS_SET_PERIOD) && !ca->timing)
		return vns_usage_err("period= applies to the irqoff collector only, not %s",
				     name);
	if (VNS_GIVEN(cfg, VNS_SET_THRESHOLD) && !ca->timing && !ca->path)
		return vns_usage_err("threshold= applies to the irqoff and latency collectors only, not %s",
				     name);
	if (VNS_GIVEN(cfg, VNS_SET_DIR | VNS_SET_PHY | VNS_SET_VM |
			   VNS_SET_STAGE_THRESHOLD) && !ca->path)
		return vns_usage_err("phy=, vm=, dir= and stage_threshold= apply to the latency collector only, not %s",
				     name);
	if (ca->timing && vns_config_check(cfg, err, sizeof(err)))
		return vns_usage_err("%s", err);
	if (!vns_filter_is_empty(f) && !ca->filter)
		return vns_usage_err("filter options apply to the drops and latency collectors only, not %s",
				     name);
	if (f->has_dev && !ca->dev)
		return vns_usage_err("--dev applies to the drops collector only, not %s",
				     name);
	if (vns_filter_check(f, err, sizeof(err)))
		return vns_usage_err("%s", err);
	if (VNS_GIVEN(cfg, VNS_SET_VM) && !VNS_GIVEN(cfg, VNS_SET_PHY))
		return vns_usage_err("vm=: " VNS_VM_PATH_ERR);
	a->name = name;
	return -1;
}

int vns_enable_send(struct vns_nl *nl, const struct vns_enable_args *a)
{
	return vns_enable(nl, a->name, &a->filter, &a->cfg, 0);
}

int cmd_enable(int argc, char **argv)
{
	struct vns_enable_args a;
	struct vns_nl nl;
	int ret;

	ret = vns_enable_parse(argc, argv, true, &a);
	if (ret >= 0)
		return ret;
	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_enable_send(&nl, &a);
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
