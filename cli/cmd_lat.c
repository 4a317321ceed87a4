// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope softirqs, timers, irqoff, latency: the latency collectors, once
 * (cumulative since enable) or, for softirqs, timers and latency, every
 * interval (the growth since the previous read).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "uapi/linux/vnetscope.h"
#include "cmd.h"
#include "details.h"
#include "filter.h"
#include "lat.h"
#include "loop.h"
#include "nl.h"
#include "status.h"
#include "util.h"

static const char vns_softirqs_usage[] =
	"Usage: vnetscope softirqs [--cpu N] [--interval S [--count N]] [--hist]\n"
	"                          [--json]\n"
	"\n"
	"Report softirqs per CPU and vector: how often they ran, for how long\n"
	"(total, average, longest), how often they were raised and how long\n"
	"they waited from raise to run, and each CPU's ksoftirqd and its CPU\n"
	"time; then the sum over the CPUs.  Turns the softirqs collector on\n"
	"if it is off.\n"
	"\n"
	"  --cpu N          only CPU N\n"
	"  --interval S     every S seconds (e.g. 0.5), the growth since the\n"
	"                   previous report; until SIGINT/SIGTERM.  A maximum\n"
	"                   shown as <=X did not grow: X bounds it\n"
	"  --count N        stop after N reports\n"
	"  --hist           also the log2 histograms of run time and wait, per\n"
	"                   vector, over the CPUs shown\n"
	"  --json           one JSON document per report, one per line\n";

static const char vns_timers_usage[] =
	"Usage: vnetscope timers [--top N] [--min-us N] [--sort max|total|count]\n"
	"                        [--interval S [--count N]] [--hist] [--json]\n"
	"\n"
	"Report the timer and hrtimer callbacks, all CPUs merged: how often\n"
	"they ran, for how long (total, average, longest), and on which CPU\n"
	"and how long ago the longest run was.  Turns the timers collector on\n"
	"if it is off.\n"
	"\n"
	"  --top N          at most N callbacks (default 20; 0: all)\n"
	"  --min-us N       only callbacks whose longest run is >= N us\n"
	"  --sort KEY       rank by max (default), total or count\n"
	"  --interval S     every S seconds (e.g. 0.5), the growth since the\n"
	"                   previous report; until SIGINT/SIGTERM.  A maximum\n"
	"                   shown as <=X did not grow: X bounds it\n"
	"  --count N        stop after N reports\n"
	"  --hist           also each listed callback's run time histogram\n"
	"  --json           one JSON document per report, one per line\n";

static const char vns_irqoff_usage[] =
	"Usage: vnetscope irqoff [--threshold MS] [--cpu N] [--json]\n"
	"\n"
	"Report the stretches the irqoff collector's sampler was held off,\n"
	"by kind (hard: interrupts off; soft: softirqs off) and CPU: how many\n"
	"went over the collector's threshold, the worst of them with the task\n"
	"and stack, and the histogram of every sample's delay.  Turns the\n"
	"irqoff collector on if it is off (see 'vnetscope enable --help' for\n"
	"its period and threshold).\n"
	"\n"
	"  --threshold MS   only events at least this long (ms, or with a unit:\n"
	"                   ns, us, ms, s); default: all the module recorded\n"
	"  --cpu N          only CPU N\n"
	"  --json           one JSON document\n";

static const char vns_latency_usage[] =
	"Usage: vnetscope latency [--direction rx|tx|both] [--phy-interface IFNAME]\n"
	"                         [--vm-interface IFNAME] [FILTER OPTIONS]\n"
	"                         [--interval S [--count N]] [--json]\n"
	"       vnetscope latency --details [--threshold D] [--stage-threshold D]\n"
	"                         [--duration S] [--direction rx|tx|both]\n"
	"                         [--phy-interface IFNAME] [FILTER OPTIONS] [--json]\n"
	"\n"
	"Report where packets spend their time in this host, stage by stage:\n"
	"for each pair of stages a packet went through one after the other\n"
	"(e.g. QDISC_ENQ -> QDISC_DEQ), then for each direction end to end,\n"
	"the count, percentiles and maximum in microseconds and the log2\n"
	"histogram; then the collector's counters.  A percentile is the upper\n"
	"bound of its bucket, at most the maximum.  Turns the latency\n"
	"collector on if it is off.  --direction, --phy-interface and filter\n"
	"options (re)enable it with exactly these settings (the others back to\n"
	"their defaults), which clears it if they differ from its own.\n"
	"\n"
	"With --details, print each slow packet as it completes instead: its\n"
	"flow, end-to-end time, slowest stage (and the task on the CPU at its\n"
	"end), and every stage it went through with its device, CPU and time.\n"
	"The collector is (re)enabled with the thresholds and the options\n"
	"given, and /proc/vnetscope/events read until SIGINT/SIGTERM or the\n"
	"duration.  At the end, the number of packets printed and the records\n"
	"lost because the module's buffers were full (events_lost) go to\n"
	"stderr (with --json: a last line {\"summary\":{...}}).\n"
	"\n"
	"  --direction D       rx, tx or both (default)\n"
	"  --phy-interface IF  the physical port: TX ends and RX starts there\n"
	"                      (default: any device)\n"
	"  --vm-interface IF   the VM's port (TAP/vnet): follow the VM path between it\n"
	"                      and --phy-interface\n"
	"  --interval S        every S seconds (e.g. 0.5), the growth since the\n"
	"                      previous report; until SIGINT/SIGTERM.  A maximum\n"
	"                      shown as <=X did not grow: X bounds it\n"
	"  --count N           stop after N reports\n"
	"  --details           one record per slow packet (see above)\n"
	"  --threshold D       --details: packets that took at least D end to\n"
	"                      end (default 10ms unless --stage-threshold is\n"
	"                      given).  D: a number with ns, us, ms or s (no\n"
	"                      unit: ms), 1ms to 10s\n"
	"  --stage-threshold D --details: packets that spent at least D in one\n"
	"                      stage (with --threshold: either)\n"
	"  --duration S        --details: stop after S seconds (e.g. 10 or 0.5)\n"
	"  --json              one JSON document per report, one per line;\n"
	"                      --details: one JSON object per packet\n"
	"\n"
	"Filter options: only the packets that match all of them\n"
	VNS_FILTER_FLOW_USAGE;

/* --details reads the events file, in procfs (always there) */
#define VNS_EVENTS_FILE	"/proc/vnetscope/events"
/* --details without a threshold: end to end, microseconds */
#define VNS_DETAILS_DEFAULT_US	10000

#define VNS_OPT_HIST	0x101
#define VNS_OPT_MIN_US	0x102
#define VNS_OPT_SORT	0x103
#define VNS_OPT_THRESH	0x104
#define VNS_OPT_DIR	0x105
#define VNS_OPT_PHY	0x106
#define VNS_OPT_VM	0x107
#define VNS_OPT_DETAILS	0x108
#define VNS_OPT_LAT_THR	0x109
#define VNS_OPT_STG_THR	0x10a
#define VNS_OPT_DURATION 0x10b


static int vns_lat_parse(struct vns_lat_args *a, int argc, char **argv,
			 const struct option *opts, const char *usage)
{
	static const char *const sorts[] = {
		[VNS_SORT_MAX] = "max",
		[VNS_SORT_TOTAL] = "total",
		[VNS_SORT_COUNT] = "count",
	};
	char err[256];
	unsigned int i;
	int c, idx;
	u64 v;

	while ((c = getopt_long(argc, argv, ":h", opts, &idx)) != -1) {
		switch (c) {
		case 'C':
			if (vns_parse_u64(optarg, 0, UINT32_MAX, &v))
				return vns_usage_err("invalid --cpu '%s': expected a CPU number",
						     optarg);
			a->cpu = (long long)v;
			break;
		case 'i':
			if (vns_parse_seconds(optarg, &a->interval))
				return vns_usage_err("invalid --interval '%s': expected seconds > 0, e.g. 1 or 0.5",
						     optarg);
			break;
		case 'c':
			if (vns_parse_u64(optarg, 1, UINT64_MAX, &a->count))
				return vns_usage_err("invalid --count '%s': expected a positive integer",
						     optarg);
			break;
		case 't':
			if (vns_parse_u64(optarg, 0, UINT64_MAX, &a->top))
				return vns_usage_err("invalid --top '%s': expected an integer (0: all)",
						     optarg);
			break;
		case VNS_OPT_MIN_US:
			if (vns_parse_u64(optarg, 0, UINT64_MAX / 1000,
					  &a->min_us))
				return vns_usage_err("invalid --min-us '%s': expected microseconds, an integer",
						     optarg);
			break;
		case VNS_OPT_SORT:
			for (i = 0; i < VNS_ARRAY_SIZE(sorts); i++)
				if (!strcmp(optarg, sorts[i]))
					break;
			if (i == VNS_ARRAY_SIZE(sorts))
				return vns_usage_err("invalid --sort '%s': expected max, total or count",
						     optarg);
			a->sort = (enum vns_timer_sort)i;
			break;
		case VNS_OPT_THRESH:
			if (vns_parse_duration_us(optarg, 0, UINT64_MAX / 1000,
						  &a->threshold_us))
				return vns_usage_err("invalid --threshold '%s': expected milliseconds, e.g. 20 or 0.5 (or with a unit: ns, us, ms, s)",
						     optarg);
			break;
		case VNS_OPT_LAT_THR:
		case VNS_OPT_STG_THR:
			if (vns_parse_duration_us(optarg,
						  VNS_CFG_THRESHOLD_MIN_US,
						  VNS_CFG_THRESHOLD_MAX_US, &v))
				return vns_usage_err("invalid %s '%s': expected a duration from 1ms to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)",
						     c == VNS_OPT_LAT_THR ?
						     "--threshold" :
						     "--stage-threshold",
						     optarg);
			if (c == VNS_OPT_LAT_THR) {
				a->cfg.threshold_us = (u32)v;
				a->cfg.has_threshold = true;
			} else {
				a->cfg.stage_threshold_us = (u32)v;
				a->cfg.has_stage_threshold = true;
			}
			break;
		case VNS_OPT_DURATION:
			if (vns_parse_seconds(optarg, &a->duration))
				return vns_usage_err("invalid --duration '%s': expected seconds > 0, e.g. 10 or 0.5",
						     optarg);
			break;
		case VNS_OPT_DETAILS:
			a->details = true;
			break;
		case VNS_OPT_HIST:
			a->hist = true;
			break;
		case 'j':
			a->json = true;
			break;
		case VNS_OPT_FILTER:
			if (vns_filter_parse_opt(&a->filter, opts[idx].name,
						 optarg, err, sizeof(err)))
				return vns_usage_err("%s", err);
			break;
		case VNS_OPT_DIR:
			if (vns_config_set_dir(&a->cfg, "--direction", optarg,
					       err, sizeof(err)))
				return vns_usage_err("%s", err);
			break;
		case VNS_OPT_PHY:
		case VNS_OPT_VM:
			if (vns_config_set_port(&a->cfg, c == VNS_OPT_VM,
						c == VNS_OPT_VM ?
						"--vm-interface" :
						"--phy-interface",
						optarg, err, sizeof(err)))
				return vns_usage_err("%s", err);
			break;
		case 'h':
			fputs(usage, stdout);
			return VNS_EXIT_OK;
		default:
			return vns_getopt_err(c, argv, opts);
		}
	}
	if (optind < argc)
		return vns_usage_err("unexpected argument '%s'", argv[optind]);
	if (a->count && !a->interval)
		return vns_usage_err("--count needs --interval");
	if (vns_filter_check(&a->filter, err, sizeof(err)))
		return vns_usage_err("%s", err);
	return -1;
}

/* Add the time and interval of an interval report to its JSON document */
static void vns_json_when(struct json_object *o, const struct timespec *when,
			  double interval)
{
	double t = (double)when->tv_sec + when->tv_nsec / 1e9;

	if (!interval)
		return;
	json_object_object_add(o, "time", vns_json_double(t, "%.3f"));
	json_object_object_add(o, "interval",
			       vns_json_double(interval, "%g"));
}

/* ------------------------------------------------------------- softirqs */

static int vns_softirq_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			  void *arg)
{
	(void)attrs;
	(void)len;
	return vns_softirqs_add(arg, tb);
}

/*
 * The --interval loop of softirqs, timers and latency: read a snapshot
 * every tick and report what grew since the previous one.
 */
union vns_lat_snap {
	struct vns_softirqs softirqs;
	struct vns_timers timers;
	struct vns_stage_lats latency;
};

struct vns_lat_report_ops {
	int (*read)(struct vns_nl *nl, union vns_lat_snap *s,
		    struct timespec *when);
	int (*dup)(union vns_lat_snap *dst, const union vns_lat_snap *src);
	void (*delta)(union vns_lat_snap *cur, const union vns_lat_snap *prev);
	int (*report)(const struct vns_lat_args *a, const union vns_lat_snap *s,
		      const struct timespec *when);
	void (*free)(union vns_lat_snap *s);
};

static int vns_lat_loop(struct vns_nl *nl, const struct vns_lat_args *a,
			struct vns_ticker *t,
			const struct vns_lat_report_ops *ops)
{
	union vns_lat_snap prev, cur, delta;
	struct timespec when;
	u64 n;
	int ret;

	ret = ops->read(nl, &prev, &when);
	if (ret)
		return ret;
	vns_ticker_start(t, a->interval);
	for (n = 0; !a->count || n < a->count; n++) {
		if (!vns_ticker_wait(t))
			break;
		ret = ops->read(nl, &cur, &when);
		if (ret)
			break;
		if (ops->dup(&delta, &cur)) {
			ops->free(&cur);
			vns_err("report failed: out of memory");
			ret = VNS_EXIT_FAIL;
			break;
		}
		ops->delta(&delta, &prev);
		ret = ops->report(a, &delta, &when);
		ops->free(&delta);
		ops->free(&prev);
		prev = cur;
		if (ret)
			break;
	}
	ops->free(&prev);
	return ret;
}

/* One report, or the loop with --interval */
static int vns_lat_run(struct vns_nl *nl, const struct vns_lat_args *a,
		       struct vns_ticker *t,
		       const struct vns_lat_report_ops *ops)
{
	union vns_lat_snap s;
	struct timespec when;
	int ret;

	if (a->interval)
		return vns_lat_loop(nl, a, t, ops);
	ret = ops->read(nl, &s, &when);
	if (ret)
		return ret;
	ret = ops->report(a, &s, &when);
	ops->free(&s);
	return ret;
}

static int vns_softirqs_read(struct vns_nl *nl, struct vns_softirqs *s,
			     struct timespec *when)
{
	int ret;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_REALTIME, when);
	ret = vns_nl_dump(nl, VNS_CMD_SOFTIRQ_GET, "softirq read",
			  vns_softirq_cb, s);
	if (ret)
		vns_softirqs_free(s);
	else
		vns_softirqs_sort(s);
	return ret;
}

static void vns_softirqs_report(const struct vns_lat_args *a,
				const struct vns_softirqs *s,
				const struct timespec *when)
{
	struct json_object *o;

	if (a->json) {
		o = vns_softirqs_json(s, a->cpu);
		if (o) {
			vns_json_when(o, when, a->interval);
			vns_json_print(stdout, o);
		}
	} else {
		if (a->interval)
			vns_interval_header(stdout, when, a->interval);
		vns_softirqs_print(stdout, s, a->cpu, a->hist);
	}
	fflush(stdout);
}

static int vns_sirq_op_read(struct vns_nl *nl, union vns_lat_snap *s,
			    struct timespec *when)
{
	return vns_softirqs_read(nl, &s->softirqs, when);
}

static int vns_sirq_op_dup(union vns_lat_snap *dst,
			   const union vns_lat_snap *src)
{
	const struct vns_softirqs *c = &src->softirqs;

	dst->softirqs.n = c->n;
	dst->softirqs.cpus = malloc((c->n ? c->n : 1) * sizeof(*c->cpus));
	if (!dst->softirqs.cpus)
		return -1;
	memcpy(dst->softirqs.cpus, c->cpus, c->n * sizeof(*c->cpus));
	return 0;
}

static void vns_sirq_op_delta(union vns_lat_snap *cur,
			      const union vns_lat_snap *prev)
{
	vns_softirqs_delta(&cur->softirqs, &prev->softirqs);
}

static int vns_sirq_op_report(const struct vns_lat_args *a,
			      const union vns_lat_snap *s,
			      const struct timespec *when)
{
	vns_softirqs_report(a, &s->softirqs, when);
	return 0;
}

static void vns_sirq_op_free(union vns_lat_snap *s)
{
	vns_softirqs_free(&s->softirqs);
}

static const struct vns_lat_report_ops vns_sirq_ops = {
	vns_sirq_op_read, vns_sirq_op_dup, vns_sirq_op_delta,
	vns_sirq_op_report, vns_sirq_op_free,
};

int cmd_softirqs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpu", required_argument, NULL, 'C' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "hist", no_argument, NULL, VNS_OPT_HIST },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vns_lat_args a = { .cpu = -1 };
	struct vns_ticker t;
	struct vns_nl nl;
	int ret;

	ret = vns_lat_parse(&a, argc, argv, opts, vns_softirqs_usage);
	if (ret >= 0)
		return ret;
	if (a.interval)
		vns_ticker_signals(&t);
	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_ensure_on(&nl, "softirqs");
	if (ret)
		goto out;
	ret = vns_lat_run(&nl, &a, &t, &vns_sirq_ops);
out:
	vns_nl_close(&nl);
	return ret;
}

/* --------------------------------------------------------------- timers */

static int vns_timer_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			void *arg)
{
	(void)attrs;
	(void)len;
	return tb[VNS_A_TIMER] ? vns_timers_add(arg, tb[VNS_A_TIMER]) : 0;
}

static int vns_timers_read(struct vns_nl *nl, struct vns_timers *t,
			   struct timespec *when)
{
	int ret;

	memset(t, 0, sizeof(*t));
	clock_gettime(CLOCK_REALTIME, when);
	ret = vns_nl_dump(nl, VNS_CMD_TIMER_GET, "timer read", vns_timer_cb,
			  t);
	if (ret)
		vns_timers_free(t);
	return ret;
}

static int vns_timers_report(const struct vns_lat_args *a,
			     const struct vns_timers *t,
			     const struct timespec *when)
{
	const struct vns_timer **v;
	struct json_object *o;
	size_t n;

	if (vns_timers_rank(t, a->sort, a->min_us, a->top, &v, &n)) {
		vns_err("report failed: out of memory");
		return VNS_EXIT_FAIL;
	}
	if (a->json) {
		o = vns_timers_json(v, n);
		if (o) {
			vns_json_when(o, when, a->interval);
			vns_json_print(stdout, o);
		}
	} else {
		if (a->interval)
			vns_interval_header(stdout, when, a->interval);
		vns_timers_print(stdout, v, n, a->hist);
	}
	fflush(stdout);
	free(v);
	return 0;
}

/* A copy of @src whose entries own their own names */
static int vns_timers_dup(struct vns_timers *dst, const struct vns_timers *src)
{
	size_t i;

	dst->n = 0;
	dst->v = calloc(src->n ? src->n : 1, sizeof(*dst->v));
	if (!dst->v)
		return -1;
	for (i = 0; i < src->n; i++) {
		dst->v[i] = src->v[i];
		dst->v[i].func = strdup(src->v[i].func);
		if (!dst->v[i].func) {
			vns_timers_free(dst);
			return -1;
		}
		dst->n++;
	}
	return 0;
}

static int vns_timer_op_read(struct vns_nl *nl, union vns_lat_snap *s,
			     struct timespec *when)
{
	return vns_timers_read(nl, &s->timers, when);
}

static int vns_timer_op_dup(union vns_lat_snap *dst,
			    const union vns_lat_snap *src)
{
	return vns_timers_dup(&dst->timers, &src->timers);
}

static void vns_timer_op_delta(union vns_lat_snap *cur,
			       const union vns_lat_snap *prev)
{
	vns_timers_delta(&cur->timers, &prev->timers);
}

static int vns_timer_op_report(const struct vns_lat_args *a,
			       const union vns_lat_snap *s,
			       const struct timespec *when)
{
	return vns_timers_report(a, &s->timers, when);
}

static void vns_timer_op_free(union vns_lat_snap *s)
{
	vns_timers_free(&s->timers);
}

static const struct vns_lat_report_ops vns_timer_ops = {
	vns_timer_op_read, vns_timer_op_dup, vns_timer_op_delta,
	vns_timer_op_report, vns_timer_op_free,
};

int cmd_timers(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "top", required_argument, NULL, 't' },
		{ "min-us", required_argument, NULL, VNS_OPT_MIN_US },
		{ "sort", required_argument, NULL, VNS_OPT_SORT },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "hist", no_argument, NULL, VNS_OPT_HIST },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vns_lat_args a = { .cpu = -1, .top = 20 };
	struct vns_ticker tk;
	struct vns_nl nl;
	int ret;

	ret = vns_lat_parse(&a, argc, argv, opts, vns_timers_usage);
	if (ret >= 0)
		return ret;
	if (a.interval)
		vns_ticker_signals(&tk);
	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_ensure_on(&nl, "timers");
	if (ret)
		goto out;
	ret = vns_lat_run(&nl, &a, &tk, &vns_timer_ops);
out:
	vns_nl_close(&nl);
	return ret;
}

/* --------------------------------------------------------------- irqoff */

static int vns_irqoff_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			 void *arg)
{
	(void)attrs;
	(void)len;
	return vns_irqoff_add(arg, tb);
}

int cmd_irqoff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, VNS_OPT_THRESH },
		{ "cpu", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vns_lat_args a = { .cpu = -1 };
	struct vns_irqoff_sel sel;
	struct json_object *o;
	struct vns_irqoff q;
	struct vns_nl nl;
	int ret;

	ret = vns_lat_parse(&a, argc, argv, opts, vns_irqoff_usage);
	if (ret >= 0)
		return ret;
	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_ensure_on(&nl, "irqoff");
	if (ret)
		goto out;
	memset(&q, 0, sizeof(q));
	ret = vns_nl_dump(&nl, VNS_CMD_IRQOFF_GET, "irqoff read",
			  vns_irqoff_cb, &q);
	if (!ret) {
		sel.cpu = a.cpu;
		sel.threshold_ns = a.threshold_us * 1000;
		if (a.json) {
			o = vns_irqoff_json(&q, &sel);
			if (o)
				vns_json_print(stdout, o);
		} else {
			vns_irqoff_print(stdout, &q, &sel);
		}
	}
	vns_irqoff_free(&q);
out:
	vns_nl_close(&nl);
	return ret;
}

/* -------------------------------------------------------------- latency */

#define VNS_LATENCY	"latency"

int vns_latency_parse(struct vns_lat_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "direction", required_argument, NULL, VNS_OPT_DIR },
		{ "phy-interface", required_argument, NULL, VNS_OPT_PHY },
		{ "vm-interface", required_argument, NULL, VNS_OPT_VM },
		VNS_FILTER_OPTIONS,	/* --dev: to say it does not apply */
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "details", no_argument, NULL, VNS_OPT_DETAILS },
		{ "threshold", required_argument, NULL, VNS_OPT_LAT_THR },
		{ "stage-threshold", required_argument, NULL,
		  VNS_OPT_STG_THR },
		{ "duration", required_argument, NULL, VNS_OPT_DURATION },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ret;

	memset(a, 0, sizeof(*a));
	a->cpu = -1;
	ret = vns_lat_parse(a, argc, argv, opts, vns_latency_usage);
	if (ret >= 0)
		return ret;
	if (a->filter.has_dev)
		return vns_usage_err("--dev applies to the drops collector only, not latency");
	if (!a->details) {
		if (a->cfg.has_threshold)
			return vns_usage_err("--threshold needs --details");
		if (a->cfg.has_stage_threshold)
			return vns_usage_err("--stage-threshold needs --details");
		if (a->duration)
			return vns_usage_err("--duration needs --details");
		return -1;
	}
	if (a->interval)
		return vns_usage_err("--interval and --count do not apply to --details (see --duration)");
	if (!a->cfg.has_threshold && !a->cfg.has_stage_threshold) {
		a->cfg.threshold_us = VNS_DETAILS_DEFAULT_US;
		a->cfg.has_threshold = true;
	}
	return -1;
}

static int vns_latency_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			  void *arg)
{
	(void)attrs;
	(void)len;
	return tb[VNS_A_LATENCY] ? vns_stage_lats_add(arg, tb[VNS_A_LATENCY]) :
				   0;
}

/* The collector's counters, then its histograms */
static int vns_latency_read(struct vns_nl *nl, struct vns_stage_lats *l,
			    struct timespec *when)
{
	struct vns_status st;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = vns_status_get(nl, &st);
	if (ret)
		return ret;
	vns_stage_lats_counters(l, vns_status_coll(&st, VNS_LATENCY));
	vns_status_free(&st);
	clock_gettime(CLOCK_REALTIME, when);
	ret = vns_nl_dump(nl, VNS_CMD_LATENCY_GET, "latency read",
			  vns_latency_cb, l);
	if (ret)
		vns_stage_lats_free(l);
	return ret;
}

static void vns_latency_report(const struct vns_lat_args *a,
			       const struct vns_stage_lats *l,
			       const struct timespec *when)
{
	struct json_object *o;

	if (a->json) {
		o = vns_stage_lats_json(l);
		if (o) {
			vns_json_when(o, when, a->interval);
			vns_json_print(stdout, o);
		}
	} else {
		if (a->interval)
			vns_interval_header(stdout, when, a->interval);
		vns_stage_lats_print(stdout, l);
	}
	fflush(stdout);
}

static int vns_latency_op_read(struct vns_nl *nl, union vns_lat_snap *s,
			       struct timespec *when)
{
	return vns_latency_read(nl, &s->latency, when);
}

static int vns_latency_op_dup(union vns_lat_snap *dst,
			      const union vns_lat_snap *src)
{
	return vns_stage_lats_dup(&dst->latency, &src->latency);
}

static void vns_latency_op_delta(union vns_lat_snap *cur,
				 const union vns_lat_snap *prev)
{
	vns_stage_lats_delta(&cur->latency, &prev->latency);
}

static int vns_latency_op_report(const struct vns_lat_args *a,
				 const union vns_lat_snap *s,
				 const struct timespec *when)
{
	vns_latency_report(a, &s->latency, when);
	return 0;
}

static void vns_latency_op_free(union vns_lat_snap *s)
{
	vns_stage_lats_free(&s->latency);
}

static const struct vns_lat_report_ops vns_latency_ops = {
	vns_latency_op_read, vns_latency_op_dup, vns_latency_op_delta,
	vns_latency_op_report, vns_latency_op_free,
};

/* ---------------------------------------------------- latency --details */

/* CLOCK_REALTIME - CLOCK_MONOTONIC, in ns: the wall time of an event */
static long long vns_mono_to_real(void)
{
	struct timespec r, m;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	return (r.tv_sec - m.tv_sec) * 1000000000LL + (r.tv_nsec - m.tv_nsec);
}

static long long vns_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Print the whole lines in @buf (@len bytes); returns the bytes used */
static size_t vns_details_lines(const struct vns_lat_args *a, char *buf,
				size_t len, long long m2r, u64 *printed)
{
	struct vns_event e;
	char err[160];
	size_t used = 0;
	char *nl;

	while ((nl = memchr(buf + used, '\n', len - used))) {
		*nl = '\0';
		if (vns_event_parse(buf + used, &e, err, sizeof(err))) {
			vns_err("skipping an event line: %s", err);
		} else {
			if (a->json)
				vns_json_print(stdout, vns_event_json(&e));
			else
				vns_event_print(stdout, &e, m2r);
			(*printed)++;
		}
		used = (size_t)(nl - buf) + 1;
	}
	fflush(stdout);
	return used;
}

/* At the end: what was printed, what the module could not keep */
static void vns_details_summary(struct vns_nl *nl,
				const struct vns_lat_args *a, u64 printed)
{
	const struct vns_collector *c;
	struct vns_status st;
	bool have = false;
	u64 lost = 0;

	if (!vns_status_get(nl, &st)) {
		c = vns_status_coll(&st, VNS_LATENCY);
		have = c && vns_coll_counter(c, "events_lost", &lost);
		vns_status_free(&st);
	}
	if (a->json) {
		struct json_object *o = json_object_new_object();
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "events", vns_json_u64(printed));
		json_object_object_add(s, "events_lost",
				       vns_json_u64_if(have, lost));
		json_object_object_add(o, "summary", s);
		vns_json_print(stdout, o);
		fflush(stdout);
	} else if (have) {
		vns_err("%llu events printed, events_lost %llu",
			(unsigned long long)printed, (unsigned long long)lost);
	} else {
		vns_err("%llu events printed", (unsigned long long)printed);
	}
}

/*
 * Read the events file until a signal or the end of --duration.  The file
 * gives whole lines; a line is kept whole across reads all the same.
 */
static int vns_details_run(struct vns_nl *nl, const struct vns_lat_args *a,
			   struct vns_ticker *t)
{
	long long m2r = vns_mono_to_real(), end = 0, left;
	static char buf[64 * 1024];
	struct pollfd pfd;
	struct timespec ts;
	size_t have = 0, used;
	u64 printed = 0;
	int fd, ret = VNS_EXIT_OK;
	ssize_t n;

	fd = open(VNS_EVENTS_FILE, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EBUSY)
			vns_err("%s: another reader has it open (one at a time)",
				VNS_EVENTS_FILE);
		else if (errno == ENOENT)
			vns_err("%s: no such file (a module without details?)",
				VNS_EVENTS_FILE);
		else
			vns_err("%s: %s", VNS_EVENTS_FILE, strerror(errno));
		return VNS_EXIT_FAIL;
	}
	if (a->duration)
		end = vns_now_ns() + (long long)(a->duration * 1e9);
	while (!vns_signalled()) {
		if (end) {
			left = end - vns_now_ns();
			if (left <= 0)
				break;
			ts.tv_sec = left / 1000000000;
			ts.tv_nsec = left % 1000000000;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (ppoll(&pfd, 1, end ? &ts : NULL, &t->mask) <= 0)
			continue;	/* a timeout, a signal */
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			vns_err("reading %s: %s", VNS_EVENTS_FILE,
				strerror(errno));
			ret = VNS_EXIT_FAIL;
			break;
		}
		if (!n) {
			vns_err("%s: end of file (the module is unloading)",
				VNS_EVENTS_FILE);
			ret = VNS_EXIT_FAIL;
			break;
		}
		have += (size_t)n;
		used = vns_details_lines(a, buf, have, m2r, &printed);
		memmove(buf, buf + used, have - used);
		have -= used;
		if (have == sizeof(buf)) {
			vns_err("skipping an event line longer than %zu bytes",
				sizeof(buf));
			have = 0;
		}
	}
	close(fd);
	if (ret == VNS_EXIT_OK)
		vns_details_summary(nl, a, printed);
	return ret;
}

int cmd_latency(int argc, char **argv)
{
	struct vns_lat_args a;
	struct vns_ticker t;
	struct vns_nl nl;
	int ret;

	ret = vns_latency_parse(&a, argc, argv);
	if (ret >= 0)
		return ret;
	if (a.cfg.vm[0] && !a.cfg.phy[0])
		return vns_usage_err("--vm-interface: " VNS_VM_PATH_ERR);
	if (a.interval || a.details)
		vns_ticker_signals(&t);
	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_ensure_on_with(&nl, VNS_LATENCY, &a.filter, &a.cfg);
	if (ret)
		goto out;
	if (a.details)
		ret = vns_details_run(&nl, &a, &t);
	else
		ret = vns_lat_run(&nl, &a, &t, &vns_latency_ops);
out:
	vns_nl_close(&nl);
	return ret;
}
