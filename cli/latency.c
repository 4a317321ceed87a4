// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope latency: packet latency stage by stage and end to end
 * (VNS_CMD_LATENCY_GET), once (cumulative since enable) or every interval
 * (the growth since the previous read); with --details, details.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>

#include "vns/lat.h"
#include "cmd.h"
#include "details.h"
#include "histo.h"
#include "latency.h"
#include "loop.h"
#include "nl.h"
#include "print.h"
#include "read.h"
#include "status.h"
#include "util.h"

#define VNS_LATENCY	"latency"

static const struct nla_policy vns_latency_policy[VNS_LATENCY_A_MAX + 1] = {
	[VNS_LATENCY_A_KIND] = { .type = NLA_U8 },
	[VNS_LATENCY_A_FROM] = { .type = NLA_U8 },
	[VNS_LATENCY_A_TO] = { .type = NLA_U8 },
	[VNS_LATENCY_A_DIR] = { .type = NLA_U8 },
	[VNS_LATENCY_A_HIST] = { .type = NLA_NESTED },
};

/* The counters' names, as the module's status and the reports have them */
static const char *const vns_lsum_names[VNS_LSUM_N] = {
	[VNS_LSUM_TRACKED] = "tracked",
	[VNS_LSUM_COMPLETED] = "completed",
	[VNS_LSUM_INCOMPLETE] = "incomplete",
	[VNS_LSUM_LOST] = "lost",
	[VNS_LSUM_BUSY] = "busy",
};

/* The permille of the percentiles shown, with their text and JSON names */
static const struct {
	unsigned int permille;
	const char *text;
	const char *json;
} vns_lat_pcts[] = {
	{ 500, "p50", "p50_us" },
	{ 900, "p90", "p90_us" },
	{ 990, "p99", "p99_us" },
	{ 999, "p99.9", "p999_us" },
};

int vns_stage_lats_add(struct vns_stage_lats *l, struct nlattr *nest)
{
	struct nlattr *tb[VNS_LATENCY_A_MAX + 1];
	struct vns_stage_lat *r;
	u8 kind;

	if (nla_parse_nested(tb, VNS_LATENCY_A_MAX, nest,
			     vns_latency_policy) ||
	    !tb[VNS_LATENCY_A_KIND])
		return -EBADMSG;
	kind = nla_get_u8(tb[VNS_LATENCY_A_KIND]);
	if (kind == VNS_LATENCY_PAIR) {
		if (!tb[VNS_LATENCY_A_FROM] || !tb[VNS_LATENCY_A_TO])
			return -EBADMSG;
	} else if (kind == VNS_LATENCY_TOTAL) {
		if (!tb[VNS_LATENCY_A_DIR])
			return -EBADMSG;
	} else {
		return 0;	/* a kind of a newer module */
	}
	if (vns_grow(&l->v, l->n, sizeof(*l->v)))
		return -ENOMEM;
	r = &l->v[l->n];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	if (kind == VNS_LATENCY_PAIR) {
		r->from = nla_get_u8(tb[VNS_LATENCY_A_FROM]);
		r->to = nla_get_u8(tb[VNS_LATENCY_A_TO]);
	} else {
		r->dir = nla_get_u8(tb[VNS_LATENCY_A_DIR]);
	}
	if (tb[VNS_LATENCY_A_HIST] &&
	    vns_hist_from_nest(&r->hist, tb[VNS_LATENCY_A_HIST]))
		return -EBADMSG;
	l->n++;
	return 0;
}

void vns_stage_lats_counters(struct vns_stage_lats *l,
			     const struct vns_collector *c)
{
	int i;

	memset(l->has, 0, sizeof(l->has));
	memset(l->sum, 0, sizeof(l->sum));
	if (!c)
		return;
	for (i = 0; i < VNS_LSUM_N; i++)
		if (i != VNS_LSUM_LOST)
			l->has[i] = vns_coll_counter(c, vns_lsum_names[i],
						     &l->sum[i]);
	l->has[VNS_LSUM_LOST] = VNS_HAS(c, VNS_COLL_A_LOST);
	l->sum[VNS_LSUM_LOST] = c->lost;
}

int vns_stage_lats_dup(struct vns_stage_lats *dst,
		       const struct vns_stage_lats *src)
{
	*dst = *src;
	dst->v = malloc((src->n ? src->n : 1) * sizeof(*src->v));
	if (!dst->v) {
		dst->n = 0;
		return -ENOMEM;
	}
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(*src->v));
	return 0;
}

void vns_stage_lats_free(struct vns_stage_lats *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static bool vns_stage_lat_same(const struct vns_stage_lat *a,
			       const struct vns_stage_lat *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == VNS_LATENCY_PAIR)
		return a->from == b->from && a->to == b->to;
	return a->dir == b->dir;
}

void vns_stage_lats_delta(struct vns_stage_lats *cur,
			  const struct vns_stage_lats *prev)
{
	struct vns_stage_lat *r;
	size_t i, j;
	int k;

	for (i = 0; i < cur->n; i++) {
		r = &cur->v[i];
		for (j = 0; j < prev->n; j++) {
			if (vns_stage_lat_same(r, &prev->v[j])) {
				r->max_bound = !vns_hist_delta(&r->hist,
							       &prev->v[j].hist);
				break;
			}
		}
	}
	for (k = 0; k < VNS_LSUM_N; k++) {
		cur->has[k] = cur->has[k] && prev->has[k];
		cur->sum[k] = vns_sub(cur->sum[k], prev->sum[k]);
	}
}

const char *vns_stage_str(unsigned int stage, char *buf, size_t len)
{
	const char *name = vns_stage_name(stage);

	if (name)
		return name;
	snprintf(buf, len, "STAGE_%u", stage);
	return buf;
}

/* "rx", "tx", or the number of a direction this version does not know */
static const char *vns_dir_str(unsigned int dir, char *buf, size_t len)
{
	if (dir == VNS_DIR_RX)
		return "rx";
	if (dir == VNS_DIR_TX)
		return "tx";
	snprintf(buf, len, "%u", dir);
	return buf;
}

/* "QDISC_ENQ -> QDISC_DEQ" or "end to end (tx)" */
static const char *vns_stage_lat_title(const struct vns_stage_lat *r,
				       char *buf, size_t len)
{
	char a[16], b[16];

	if (r->kind == VNS_LATENCY_PAIR)
		snprintf(buf, len, "%s -> %s",
			 vns_stage_str(r->from, a, sizeof(a)),
			 vns_stage_str(r->to, b, sizeof(b)));
	else
		snprintf(buf, len, "end to end (%s)",
			 vns_dir_str(r->dir, a, sizeof(a)));
	return buf;
}

static void vns_stage_lat_print(const struct vns_stage_lat *r)
{
	char title[64], a[16];
	size_t i;

	open_json_object(NULL);
	if (r->kind == VNS_LATENCY_PAIR) {
		print_string(PRINT_JSON, "from", NULL,
			     vns_stage_str(r->from, a, sizeof(a)));
		print_string(PRINT_JSON, "to", NULL,
			     vns_stage_str(r->to, a, sizeof(a)));
	} else {
		print_string(PRINT_JSON, "dir", NULL,
			     vns_dir_str(r->dir, a, sizeof(a)));
	}
	print_fp("%s: ", vns_stage_lat_title(r, title, sizeof(title)));
	print_u64(PRINT_FP, NULL, "count %llu", r->hist.count);
	vns_hist_json_head(&r->hist);
	for (i = 0; i < VNS_ARRAY_SIZE(vns_lat_pcts); i++) {
		print_fp(", %s", vns_lat_pcts[i].text);
		print_u64(PRINT_ANY, vns_lat_pcts[i].json, " %lluus",
			  vns_hist_percentile(&r->hist,
					      vns_lat_pcts[i].permille));
	}
	print_fp(", max %s%lluus\n", r->max_bound ? "<=" : "",
		 (unsigned long long)r->hist.max);
	vns_hist_json_buckets(&r->hist);
	if (r->max_bound)
		print_bool(PRINT_JSON, "max_bound", NULL, true);
	vns_hist_print(&r->hist, "usecs");
	close_json_object();
}

/* The records of @kind with a count, "\n" between them in text */
static void vns_stage_lats_kind_print(const struct vns_stage_lats *l,
				      u8 kind, size_t *shown)
{
	size_t i;

	open_json_array(kind == VNS_LATENCY_PAIR ? "stages" : "totals");
	for (i = 0; i < l->n; i++) {
		if (l->v[i].kind != kind || !l->v[i].hist.count)
			continue;
		if ((*shown)++)
			print_fp("\n");
		vns_stage_lat_print(&l->v[i]);
	}
	close_json_array();
}

void vns_stage_lats_print(const struct vns_stage_lats *l)
{
	size_t shown = 0;
	int i;

	vns_stage_lats_kind_print(l, VNS_LATENCY_PAIR, &shown);
	vns_stage_lats_kind_print(l, VNS_LATENCY_TOTAL, &shown);
	if (shown)
		print_fp("\n");
	else
		print_fp("no latency data\n");
	for (i = 0; i < VNS_LSUM_N; i++) {
		print_fp("%s", vns_lsum_names[i]);
		print_u64_opt(PRINT_ANY, vns_lsum_names[i], " %s", l->has[i],
			      l->sum[i]);
		print_fp("%s", i < VNS_LSUM_N - 1 ? ", " : "\n");
	}
}

/* ---- the command ---- */

static const char vns_latency_usage[] =
	"Usage: vnetscope latency [--direction rx|tx|both] [--phy-interface IFNAME]\n"
	"                         [--vm-interface IFNAME] [FILTER OPTIONS]\n"
	"                         [--interval S [--count N]] [--json] [--no-enable]\n"
	"       vnetscope latency --details [--threshold D] [--stage-threshold D]\n"
	"                         [--duration S] [--direction rx|tx|both]\n"
	"                         [--phy-interface IFNAME] [FILTER OPTIONS] [--json]\n"
	"                         [--no-enable]\n"
	"\n"
	"Report where packets spend their time in this host, stage by stage:\n"
	"for each pair of stages a packet went through one after the other\n"
	"(e.g. QDISC_ENQ -> QDISC_DEQ), then for each direction end to end,\n"
	"the count, percentiles and maximum in microseconds and the log2\n"
	"histogram; then the collector's counters.  A percentile is the upper\n"
	"bound of its bucket, at most the maximum.  Turns the latency\n"
	"collector on if it is off.  --direction, --phy-interface,\n"
	"--vm-interface, the thresholds and filter options change only those\n"
	"settings of the running collector (the others keep their values); it\n"
	"starts afresh only when its effective settings change.\n"
	"\n"
	"With --details, print each slow packet as it completes instead: its\n"
	"flow, end-to-end time, slowest stage (and the task on the CPU at its\n"
	"end), and every stage it went through with its device, CPU and time.\n"
	"The records come from the module over netlink until SIGINT/SIGTERM\n"
	"or the duration.  Without a threshold, the collector's own, or 10ms\n"
	"end to end if it has none.  At the end, the number of packets printed\n"
	"and the records lost because the module's buffers were full\n"
	"(events_lost) go to stderr (with --json: a last line\n"
	"{\"summary\":{...}}).\n"
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
	"                      end.  D: a number with ns, us, ms or s (no unit:\n"
	"                      ms), 1us to 10s\n"
	"  --stage-threshold D --details: packets that spent at least D in one\n"
	"                      stage (with --threshold: either)\n"
	"  --duration S        --details: stop after S seconds (e.g. 10 or 0.5)\n"
	"  --json              one JSON document per report, one per line;\n"
	"                      --details: one JSON object per packet\n"
	"  --no-enable         never turn the collector on: exit status 3 if it\n"
	"                      is off\n"
	"\n"
	"Filter options: only the packets that match all of them\n"
	VNS_FILTER_FLOW_USAGE
	"  --dev IFNAME     the device a packet starts on: the one it came in\n"
	"                   on (RX), the one it is routed to leave by (TX)\n"
	VNS_EXIT_HELP;

#define VNS_OPT_DIR	0x105
#define VNS_OPT_PHY	0x106
#define VNS_OPT_VM	0x107
#define VNS_OPT_DETAILS	0x108
#define VNS_OPT_LAT_THR	0x109
#define VNS_OPT_STG_THR	0x10a
#define VNS_OPT_DURATION 0x10b

/* --threshold, --stage-threshold: 1us to 10s */
static int vns_threshold_opt(struct vns_settings *cfg, bool stage,
			     const char *arg)
{
	u64 v;

	if (vns_parse_duration_us(arg, VNS_DETAILS_MIN_US, VNS_DETAILS_MAX_US,
				  &v))
		return vns_usage_err("invalid %s '%s': expected a duration from 1us to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)",
				     stage ? "--stage-threshold" :
					     "--threshold", arg);
	if (stage) {
		cfg->stage_threshold_us = (u32)v;
		cfg->given |= VNS_SET_STAGE_THRESHOLD;
	} else {
		cfg->threshold_us = (u32)v;
		cfg->given |= VNS_SET_THRESHOLD;
	}
	return 0;
}

static int vns_latency_opt(void *args, int c, const char *arg)
{
	struct vns_latency_args *a = args;
	struct vns_settings *cfg = &a->read.cfg;
	char err[256];

	switch (c) {
	case VNS_OPT_LAT_THR:
	case VNS_OPT_STG_THR:
		return vns_threshold_opt(cfg, c == VNS_OPT_STG_THR, arg);
	case VNS_OPT_DURATION:
		if (vns_parse_seconds(arg, &a->duration))
			return vns_usage_err("invalid --duration '%s': expected seconds > 0, e.g. 10 or 0.5",
					     arg);
		return 0;
	case VNS_OPT_DETAILS:
		a->read.details = true;
		return 0;
	case VNS_OPT_DIR:
		if (vns_config_set_dir(cfg, "--direction", arg, err,
				       sizeof(err)))
			return vns_usage_err("%s", err);
		return 0;
	case VNS_OPT_PHY:
	case VNS_OPT_VM:
		if (vns_config_set_port(cfg, c == VNS_OPT_VM,
					c == VNS_OPT_VM ? "--vm-interface" :
							  "--phy-interface",
					arg, err, sizeof(err)))
			return vns_usage_err("%s", err);
		return 0;
	default:
		return -1;
	}
}

int vns_latency_parse(struct vns_latency_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "direction", required_argument, NULL, VNS_OPT_DIR },
		{ "phy-interface", required_argument, NULL, VNS_OPT_PHY },
		{ "vm-interface", required_argument, NULL, VNS_OPT_VM },
		VNS_FILTER_OPTIONS,
		VNS_LOOP_OPTIONS,
		{ "details", no_argument, NULL, VNS_OPT_DETAILS },
		{ "threshold", required_argument, NULL, VNS_OPT_LAT_THR },
		{ "stage-threshold", required_argument, NULL,
		  VNS_OPT_STG_THR },
		{ "duration", required_argument, NULL, VNS_OPT_DURATION },
		VNS_READ_OPTIONS
	};
	const struct vns_settings *cfg = &a->read.cfg;
	int ret;

	memset(a, 0, sizeof(*a));
	a->read.name = VNS_LATENCY;
	vns_config_init(&a->read.cfg);
	ret = vns_read_getopt(&a->read, argc, argv, opts, vns_latency_usage,
			      vns_latency_opt, a);
	if (ret >= 0)
		return ret;
	if (!a->read.details) {
		if (VNS_GIVEN(cfg, VNS_SET_THRESHOLD))
			return vns_usage_err("--threshold needs --details");
		if (VNS_GIVEN(cfg, VNS_SET_STAGE_THRESHOLD))
			return vns_usage_err("--stage-threshold needs --details");
		if (a->duration)
			return vns_usage_err("--duration needs --details");
	} else if (a->read.interval) {
		return vns_usage_err("--interval and --count do not apply to --details (see --duration)");
	}
	if (VNS_GIVEN(cfg, VNS_SET_VM) && !VNS_GIVEN(cfg, VNS_SET_PHY))
		return vns_usage_err("--vm-interface: " VNS_VM_PATH_ERR);
	return -1;
}

struct vns_latency_snap {
	struct vns_stage_lats l;
	struct timespec when;		/* CLOCK_REALTIME */
};

static int vns_latency_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			  void *arg)
{
	(void)attrs;
	(void)len;
	return tb[VNS_A_LATENCY] ? vns_stage_lats_add(arg, tb[VNS_A_LATENCY]) :
				   0;
}

/* The collector's counters, then its histograms */
static int vns_snap_read(struct vns_nl *nl, const void *args, void *snap)
{
	struct vns_latency_snap *sn = snap;
	struct vns_status st;
	int ret;

	(void)args;
	memset(sn, 0, sizeof(*sn));
	ret = vns_status_get(nl, &st);
	if (ret)
		return ret;
	vns_stage_lats_counters(&sn->l, vns_status_coll(&st, VNS_LATENCY));
	vns_status_free(&st);
	clock_gettime(CLOCK_REALTIME, &sn->when);
	ret = vns_nl_dump(nl, VNS_CMD_LATENCY_GET, "latency read",
			  vns_latency_cb, &sn->l);
	if (ret)
		vns_stage_lats_free(&sn->l);
	return ret;
}

static void vns_snap_free(void *snap)
{
	vns_stage_lats_free(&((struct vns_latency_snap *)snap)->l);
}

static int vns_report(const void *args, const void *pcur, const void *pprev)
{
	const struct vns_latency_snap *cur = pcur, *prev = pprev;
	const struct vns_latency_args *a = args;
	struct vns_stage_lats d = cur->l;

	if (prev) {
		if (vns_stage_lats_dup(&d, &cur->l)) {
			vns_err("report failed: out of memory");
			return VNS_EXIT_FAIL;
		}
		vns_stage_lats_delta(&d, &prev->l);
	}
	vns_report_begin(&a->read, &cur->when);
	vns_stage_lats_print(&d);
	vns_report_end(&a->read, &cur->when);
	if (prev)
		vns_stage_lats_free(&d);
	return 0;
}

static const struct vns_snap_ops vns_latency_ops = {
	.size = sizeof(struct vns_latency_snap),
	.read = vns_snap_read,
	.report = vns_report,
	.free = vns_snap_free,
};

static int vns_latency_details(struct vns_nl *nl, const void *args,
			       struct vns_ticker *t)
{
	const struct vns_latency_args *a = args;

	return vns_details_run(nl, a->duration, a->read.json, t);
}

static const struct vns_snap_ops vns_details_ops = {
	.run = vns_latency_details,
};

int cmd_latency(int argc, char **argv)
{
	struct vns_latency_args a;
	int ret = vns_latency_parse(&a, argc, argv);

	if (ret >= 0)
		return ret;
	return vns_read_main(&a.read, a.read.details ? &vns_details_ops :
						       &vns_latency_ops, &a);
}
