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
#include "filter.h"
#include "nl.h"
#include "status.h"
#include "util.h"

/* The collectors this version knows, to reject typos without the module */
static const char *const vns_collectors[] = {
	"drops", "softirqs", "timers", "irqoff",
};

/* The collector that takes filter options, and the one that takes settings */
#define VNS_FILTERED_COLL	"drops"
#define VNS_CONFIG_COLL		"irqoff"

#define VNS_COLLECTORS	"drops, softirqs, timers, irqoff"

static const char vns_enable_usage[] =
	"Usage: vnetscope enable drops [FILTER OPTIONS]\n"
	"       vnetscope enable irqoff [period=DURATION] [threshold=DURATION]\n"
	"       vnetscope enable softirqs|timers\n"
	"\n"
	"Turn a collector on.  Collectors: " VNS_COLLECTORS ".\n"
	"With filter options, drops records only the packets that match all\n"
	"of them:\n"
	"\n"
	VNS_FILTER_USAGE
	"\n"
	"irqoff settings (a DURATION is a number with ns, us, ms or s; no\n"
	"unit means ms):\n"
	"  period=D         how often the sampler runs on each CPU,\n"
	"                   1ms to 1s (default 10ms)\n"
	"  threshold=D      record a stack when the sampler is held off\n"
	"                   longer; from the period to 10s (default 20ms).\n"
	"                   A stretch of D shows as a delay of D - period\n"
	"                   to D\n";

static const char vns_disable_usage[] =
	"Usage: vnetscope disable COLLECTOR\n"
	"\n"
	"Turn a collector off and detach its probes.\n"
	"Collectors: " VNS_COLLECTORS ".\n";

static const char vns_reset_usage[] =
	"Usage: vnetscope reset [COLLECTOR]\n"
	"\n"
	"Clear the tables and counters of a collector, or of all of them.\n"
	"Collectors: " VNS_COLLECTORS ".\n";

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
	char known[128];
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

int vns_config_parse_word(struct vns_config *cfg, const char *word,
			  char *err, size_t errlen)
{
	const char *eq = strchr(word, '=');
	const char *val = eq ? eq + 1 : "";
	size_t klen = eq ? (size_t)(eq - word) : strlen(word);
	bool period;
	u64 us;

	if (klen == 6 && !strncmp(word, "period", 6)) {
		period = true;
	} else if (klen == 9 && !strncmp(word, "threshold", 9)) {
		period = false;
	} else {
		snprintf(err, errlen,
			 "unknown setting '%s' (settings: period=, threshold=)",
			 word);
		return -1;
	}
	if (!eq) {
		snprintf(err, errlen, "setting '%s' needs a value, e.g. %s=%s",
			 word, word, period ? "10ms" : "20ms");
		return -1;
	}
	if (period ? vns_parse_duration_us(val, VNS_CFG_PERIOD_MIN_US,
					   VNS_CFG_PERIOD_MAX_US, &us) :
		     vns_parse_duration_us(val, VNS_CFG_THRESHOLD_MIN_US,
					   VNS_CFG_THRESHOLD_MAX_US, &us)) {
		snprintf(err, errlen,
			 "invalid %.*s '%s': expected %s, e.g. %s (units ns, us, ms, s; no unit: ms)",
			 (int)klen, word, val,
			 period ? "a duration from 1ms to 1s" :
				  "a duration from 1ms to 10s",
			 period ? "10ms" : "20ms");
		return -1;
	}
	if (period) {
		cfg->period_us = (u32)us;
		cfg->has_period = true;
	} else {
		cfg->threshold_us = (u32)us;
		cfg->has_threshold = true;
	}
	return 0;
}

int vns_config_check(const struct vns_config *cfg, char *err, size_t errlen)
{
	u64 period = cfg->has_period ? cfg->period_us :
				       VNS_CFG_PERIOD_DEFAULT_US;
	char b1[VNS_DUR_STR_MAX], b2[VNS_DUR_STR_MAX], b3[VNS_DUR_STR_MAX];

	if (cfg->has_threshold && cfg->threshold_us < period) {
		snprintf(err, errlen,
			 "threshold %s is below the period (%s): it must be at least %s",
			 vns_dur_str((u64)cfg->threshold_us * 1000, b1,
				     sizeof(b1)),
			 vns_dur_str(period * 1000, b2, sizeof(b2)),
			 vns_dur_str(period * 1000, b3, sizeof(b3)));
		return -1;
	}
	return 0;
}

int vns_config_put(struct nl_msg *msg, const struct vns_config *cfg)
{
	struct nlattr *nest;

	if (!cfg->has_period && !cfg->has_threshold)
		return 0;
	nest = nla_nest_start(msg, VNS_A_CONFIG);
	if (!nest)
		return -ENOMEM;
	if ((cfg->has_period &&
	     nla_put_u32(msg, VNS_CFG_A_PERIOD_US, cfg->period_us)) ||
	    (cfg->has_threshold &&
	     nla_put_u32(msg, VNS_CFG_A_THRESHOLD_US, cfg->threshold_us))) {
		nla_nest_cancel(msg, nest);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return 0;
}

int vns_enable(struct vns_nl *nl, const char *name, const struct vns_filter *f,
	       const struct vns_config *cfg)
{
	struct nl_msg *msg = vns_nl_msg(nl, VNS_CMD_ENABLE);

	if (!msg || nla_put_string(msg, VNS_A_COLLECTOR_NAME, name) ||
	    (f && !vns_filter_is_empty(f) &&
	     vns_filter_put(msg, VNS_A_FILTER, f)) ||
	    (cfg && vns_config_put(msg, cfg)))
		return vns_nl_nomem("enable", msg);
	return vns_nl_do(nl, msg, "enable", NULL, NULL);
}

int vns_ensure_on(struct vns_nl *nl, const char *name)
{
	const struct vns_collector *c;
	struct vns_status st;
	int ret;

	ret = vns_status_get(nl, &st);
	if (ret)
		return ret;
	c = vns_status_coll(&st, name);
	if (!c) {
		vns_err("the kernel module has no %s collector (an older module?)",
			name);
		ret = VNS_EXIT_FAIL;
	} else if (!VNS_HAS(c, VNS_COLL_A_STATE) || c->state != VNS_COLL_ON) {
		ret = vns_enable(nl, name, NULL, NULL);
		if (!ret)
			vns_err("enabled the %s collector", name);
	}
	vns_status_free(&st);
	return ret;
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
	struct vns_config cfg;
	struct vns_filter f;
	const char *name;
	struct vns_nl nl;
	char err[256];
	int c, i, idx, ret;

	memset(&f, 0, sizeof(f));
	memset(&cfg, 0, sizeof(cfg));
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
	/* the collector, then (irqoff) its settings */
	ret = vns_collector_args(optind < argc ? optind + 1 : argc, argv, 1,
				 1);
	if (ret >= 0)
		return ret;
	name = argv[optind];
	for (i = optind + 1; i < argc; i++) {
		if (strcmp(name, VNS_CONFIG_COLL))
			return vns_usage_err("unexpected argument '%s' (only %s takes settings)",
					     argv[i], VNS_CONFIG_COLL);
		if (vns_config_parse_word(&cfg, argv[i], err, sizeof(err)))
			return vns_usage_err("%s", err);
	}
	if (vns_config_check(&cfg, err, sizeof(err)))
		return vns_usage_err("%s", err);
	if (!vns_filter_is_empty(&f) && strcmp(name, VNS_FILTERED_COLL))
		return vns_usage_err("filter options apply to the %s collector only, not %s",
				     VNS_FILTERED_COLL, name);
	if (vns_filter_check(&f, err, sizeof(err)))
		return vns_usage_err("%s", err);

	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_enable(&nl, name, &f, &cfg);
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
