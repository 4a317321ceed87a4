// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope drops: the drop table, once (cumulative) or every interval (the
 * growth since the previous read).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "uapi/linux/vnetscope.h"
#include "cmd.h"
#include "drops.h"
#include "filter.h"
#include "loop.h"
#include "nl.h"
#include "status.h"
#include "util.h"

#define VNS_DROPS	"drops"

static const char vns_drops_usage[] =
	"Usage: vnetscope drops [--interval S [--count N]] [--top N] [--json]\n"
	"                       [FILTER OPTIONS]\n"
	"\n"
	"Report packet drops: count, device, reason, flow, where the packet\n"
	"was freed and the stack, most frequent first.  Turns the drops\n"
	"collector on if it is off; filter options (re)enable it with that\n"
	"filter.\n"
	"\n"
	"  --interval S     every S seconds (e.g. 0.5), the drops since the\n"
	"                   previous report; until SIGINT/SIGTERM\n"
	"  --count N        stop after N reports\n"
	"  --top N          print at most N entries per report\n"
	"  --json           one JSON document per report, one per line\n"
	VNS_FILTER_USAGE;

struct vns_drops_args {
	struct vns_filter filter;
	double interval;	/* 0: one report of the whole table */
	u64 count;		/* reports; 0: until a signal */
	u64 top;		/* entries per report; 0: all */
	bool json;
};

/* One read of the drops collector: counters, then the table */
struct vns_snap {
	struct vns_status st;
	struct vns_drops drops;
	struct timespec when;	/* CLOCK_REALTIME */
};

enum {
	VNS_SUM_SEEN,
	VNS_SUM_FILTERED,
	VNS_SUM_LOST,
	VNS_SUM_STACK_LOST,
	VNS_SUM_N
};

static const char *const vns_sum_names[VNS_SUM_N] = {
	"seen", "filtered", "lost", "stack_lost",
};

/* The counters a report starts with; has[i] false if the kernel had none */
struct vns_sums {
	bool has[VNS_SUM_N];
	u64 v[VNS_SUM_N];
};

static int vns_drops_parse(struct vns_drops_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "top", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		VNS_FILTER_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char err[256];
	int c, idx;

	while ((c = getopt_long(argc, argv, ":h", opts, &idx)) != -1) {
		switch (c) {
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
			if (vns_parse_u64(optarg, 1, UINT64_MAX, &a->top))
				return vns_usage_err("invalid --top '%s': expected a positive integer",
						     optarg);
			break;
		case 'j':
			a->json = true;
			break;
		case VNS_OPT_FILTER:
			if (vns_filter_parse_opt(&a->filter, opts[idx].name,
						 optarg, err, sizeof(err)))
				return vns_usage_err("%s", err);
			break;
		case 'h':
			fputs(vns_drops_usage, stdout);
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

/* Turn the collector on: with the filter if there is one, else if off */
static int vns_drops_prepare(struct vns_nl *nl, const struct vns_filter *f)
{
	if (!vns_filter_is_empty(f))
		return vns_enable(nl, VNS_DROPS, f, NULL);
	return vns_ensure_on(nl, VNS_DROPS);
}

static int vns_drop_cb(struct nlattr **tb, struct nlattr *attrs, int len,
		       void *arg)
{
	(void)attrs;
	(void)len;
	return tb[VNS_A_DROP] ? vns_drops_add(arg, tb[VNS_A_DROP]) : 0;
}

static void vns_snap_free(struct vns_snap *s)
{
	vns_status_free(&s->st);
	vns_drops_free(&s->drops);
}

static int vns_snap_read(struct vns_nl *nl, struct vns_snap *s)
{
	int ret;

	memset(s, 0, sizeof(*s));
	ret = vns_status_get(nl, &s->st);
	if (ret)
		return ret;
	clock_gettime(CLOCK_REALTIME, &s->when);
	ret = vns_nl_dump(nl, VNS_CMD_DROP_GET, "drop table read", vns_drop_cb,
			  &s->drops);
	if (ret)
		vns_snap_free(s);
	return ret;
}

static void vns_snap_sums(const struct vns_snap *s, struct vns_sums *sums)
{
	const struct vns_collector *c = vns_status_coll(&s->st, VNS_DROPS);
	int i;

	memset(sums, 0, sizeof(*sums));
	if (!c)
		return;
	for (i = 0; i < VNS_SUM_N; i++)
		if (i != VNS_SUM_LOST)
			sums->has[i] = vns_coll_counter(c, vns_sum_names[i],
							&sums->v[i]);
	sums->has[VNS_SUM_LOST] = VNS_HAS(c, VNS_COLL_A_LOST);
	sums->v[VNS_SUM_LOST] = c->lost;
}

/* @cur - @prev, counting from 0 again where a counter went down (reset) */
static void vns_sums_delta(struct vns_sums *cur, const struct vns_sums *prev)
{
	int i;

	for (i = 0; i < VNS_SUM_N; i++) {
		cur->has[i] = cur->has[i] && prev->has[i];
		if (cur->v[i] >= prev->v[i])
			cur->v[i] -= prev->v[i];
	}
}

static void vns_report_text(const struct vns_drops_args *a,
			    const struct vns_snap *cur,
			    const struct vns_sums *sums,
			    const struct vns_drop_view *view, size_t n)
{
	size_t i;
	int j;

	if (a->interval)
		vns_interval_header(stdout, &cur->when, a->interval);
	fputs("drops:", stdout);
	for (j = 0; j < VNS_SUM_N; j++) {
		if (sums->has[j])
			printf(" %" PRIu64, sums->v[j]);
		else
			fputs(" -", stdout);
		printf(" %s%s", vns_sum_names[j], j < VNS_SUM_N - 1 ? "," : "");
	}
	putchar('\n');
	for (i = 0; i < n; i++)
		vns_drop_print(stdout, i + 1, view[i].e, view[i].count);
}

static void vns_report_json(const struct vns_drops_args *a,
			    const struct vns_snap *cur,
			    const struct vns_sums *sums,
			    const struct vns_drop_view *view, size_t n)
{
	double t = (double)cur->when.tv_sec + cur->when.tv_nsec / 1e9;
	struct json_object *o, *arr, *interval = NULL;
	size_t i;
	int j;

	o = json_object_new_object();
	if (!o)
		return;
	json_object_object_add(o, "time", vns_json_double(t, "%.3f"));
	if (a->interval)
		interval = vns_json_double(a->interval, "%g");
	json_object_object_add(o, "interval", interval);
	for (j = 0; j < VNS_SUM_N; j++)
		json_object_object_add(o, vns_sum_names[j], sums->has[j] ?
				       vns_json_u64(sums->v[j]) : NULL);
	arr = json_object_new_array();
	for (i = 0; arr && i < n; i++)
		json_object_array_add(arr, vns_drop_json(view[i].e,
							 view[i].count));
	json_object_object_add(o, "entries", arr);
	vns_json_print(stdout, o);
}

/* Report @cur: all of it, or what grew since @prev */
static int vns_report(const struct vns_drops_args *a,
		      const struct vns_snap *cur, const struct vns_snap *prev)
{
	struct vns_drop_view *view;
	struct vns_sums sums, psums;
	size_t n;

	if (prev ? vns_drops_delta(&prev->drops, &cur->drops, &view, &n) :
		   vns_drops_view(&cur->drops, &view, &n)) {
		vns_err("report failed: out of memory");
		return VNS_EXIT_FAIL;
	}
	vns_snap_sums(cur, &sums);
	if (prev) {
		vns_snap_sums(prev, &psums);
		vns_sums_delta(&sums, &psums);
	}
	if (a->top && a->top < n)
		n = (size_t)a->top;
	if (a->json)
		vns_report_json(a, cur, &sums, view, n);
	else
		vns_report_text(a, cur, &sums, view, n);
	fflush(stdout);
	free(view);
	return 0;
}

/* Report every interval until the count or a signal; @mask to sleep with */
static int vns_drops_loop(struct vns_nl *nl, const struct vns_drops_args *a,
			  struct vns_ticker *t)
{
	struct vns_snap prev, cur;
	u64 n;
	int ret;

	ret = vns_snap_read(nl, &prev);
	if (ret)
		return ret;
	vns_ticker_start(t, a->interval);
	for (n = 0; !a->count || n < a->count; n++) {
		if (!vns_ticker_wait(t))
			break;
		ret = vns_snap_read(nl, &cur);
		if (ret)
			break;
		ret = vns_report(a, &cur, &prev);
		vns_snap_free(&prev);
		prev = cur;
		if (ret)
			break;
	}
	vns_snap_free(&prev);
	return ret;
}

int cmd_drops(int argc, char **argv)
{
	struct vns_drops_args a;
	struct vns_snap snap;
	struct vns_ticker t;
	struct vns_nl nl;
	int ret;

	memset(&a, 0, sizeof(a));
	ret = vns_drops_parse(&a, argc, argv);
	if (ret >= 0)
		return ret;
	/* from here on, a signal ends the reports with status 0 */
	if (a.interval)
		vns_ticker_signals(&t);
	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_drops_prepare(&nl, &a.filter);
	if (ret)
		goto out;
	if (a.interval) {
		ret = vns_drops_loop(&nl, &a, &t);
	} else {
		ret = vns_snap_read(&nl, &snap);
		if (!ret) {
			ret = vns_report(&a, &snap, NULL);
			vns_snap_free(&snap);
		}
	}
out:
	vns_nl_close(&nl);
	return ret;
}
