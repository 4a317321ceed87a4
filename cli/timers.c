// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope timers: the timer and hrtimer callbacks that ran longest
 * (VNS_CMD_TIMER_GET), once (cumulative since enable) or every interval
 * (the growth since the previous read).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>

#include "cmd.h"
#include "histo.h"
#include "loop.h"
#include "nl.h"
#include "print.h"
#include "read.h"
#include "timers.h"
#include "util.h"

static const struct nla_policy vns_timer_policy[VNS_TIMER_A_MAX + 1] = {
	[VNS_TIMER_A_FUNC] = { .type = NLA_STRING },
	[VNS_TIMER_A_KIND] = { .type = NLA_U8 },
	[VNS_TIMER_A_COUNT] = { .type = NLA_U64 },
	[VNS_TIMER_A_TOTAL_NS] = { .type = NLA_U64 },
	[VNS_TIMER_A_MAX_NS] = { .type = NLA_U64 },
	[VNS_TIMER_A_MAX_CPU] = { .type = NLA_U32 },
	[VNS_TIMER_A_MAX_AGE_NS] = { .type = NLA_U64 },
	[VNS_TIMER_A_HIST] = { .type = NLA_NESTED },
};

static void vns_timer_free(struct vns_timer *t)
{
	free(t->func);
}

int vns_timers_add(struct vns_timers *t, struct nlattr *nest)
{
	struct nlattr *tb[VNS_TIMER_A_MAX + 1];
	struct vns_timer *e;

	if (nla_parse_nested(tb, VNS_TIMER_A_MAX, nest, vns_timer_policy) ||
	    !tb[VNS_TIMER_A_FUNC])
		return -EBADMSG;
	if (vns_grow(&t->v, t->n, sizeof(*t->v)))
		return -ENOMEM;
	e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	e->present = vns_nla_present(tb, VNS_TIMER_A_MAX);
	if (tb[VNS_TIMER_A_KIND])
		e->kind = nla_get_u8(tb[VNS_TIMER_A_KIND]);
	e->count = vns_nla_u64_or0(tb[VNS_TIMER_A_COUNT]);
	e->total_ns = vns_nla_u64_or0(tb[VNS_TIMER_A_TOTAL_NS]);
	e->max_ns = vns_nla_u64_or0(tb[VNS_TIMER_A_MAX_NS]);
	if (tb[VNS_TIMER_A_MAX_CPU])
		e->max_cpu = nla_get_u32(tb[VNS_TIMER_A_MAX_CPU]);
	e->max_age_ns = vns_nla_u64_or0(tb[VNS_TIMER_A_MAX_AGE_NS]);
	if (tb[VNS_TIMER_A_HIST] &&
	    vns_hist_from_nest(&e->hist, tb[VNS_TIMER_A_HIST]))
		return -EBADMSG;
	if (vns_nla_strdup(&e->func, tb[VNS_TIMER_A_FUNC]))
		return -ENOMEM;
	t->n++;
	return 0;
}

void vns_timers_free(struct vns_timers *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		vns_timer_free(&t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static int vns_timer_id_cmp(const struct vns_timer *a,
			    const struct vns_timer *b)
{
	int r = strcmp(a->func, b->func);

	if (r)
		return r;
	return a->kind < b->kind ? -1 : a->kind > b->kind;
}

static int vns_timer_pcmp(const void *pa, const void *pb)
{
	const struct vns_timer *const *a = pa, *const *b = pb;

	return vns_timer_id_cmp(*a, *b);
}

static void vns_timer_delta(struct vns_timer *c, const struct vns_timer *p)
{
	if (c->count < p->count)
		return;		/* reset: all of it is new */
	c->count -= p->count;
	c->total_ns = vns_sub(c->total_ns, p->total_ns);
	if (c->present & VNS_BIT(VNS_TIMER_A_HIST) &&
	    p->present & VNS_BIT(VNS_TIMER_A_HIST))
		vns_hist_delta(&c->hist, &p->hist);
	if (c->max_ns > p->max_ns)
		return;
	/* the longest run was before: this interval's is at most ... */
	if (!c->count)
		c->max_ns = 0;
	else if (c->present & VNS_BIT(VNS_TIMER_A_HIST) &&
		 c->hist.max * 1000 + 999 < c->max_ns)
		c->max_ns = c->hist.max * 1000 + 999;
	c->max_bound = c->count != 0;
	c->present &= ~(VNS_BIT(VNS_TIMER_A_MAX_CPU) |
			VNS_BIT(VNS_TIMER_A_MAX_AGE_NS));
}

void vns_timers_delta(struct vns_timers *cur, const struct vns_timers *prev)
{
	const struct vns_timer **idx, *const *hit;
	const struct vns_timer *key;
	size_t i, n = 0;

	idx = calloc(prev->n ? prev->n : 1, sizeof(*idx));
	for (i = 0; idx && i < prev->n; i++)
		idx[i] = &prev->v[i];
	if (idx && prev->n)
		qsort(idx, prev->n, sizeof(*idx), vns_timer_pcmp);
	for (i = 0; i < cur->n; i++) {
		key = &cur->v[i];
		hit = idx ? bsearch(&key, idx, prev->n, sizeof(*idx),
				    vns_timer_pcmp) : NULL;
		if (hit)
			vns_timer_delta(&cur->v[i], *hit);
		if (!cur->v[i].count) {
			vns_timer_free(&cur->v[i]);
			continue;
		}
		cur->v[n++] = cur->v[i];
	}
	cur->n = n;
	free(idx);
}

static enum vns_timer_sort vns_sort_key;

static u64 vns_timer_key(const struct vns_timer *t)
{
	switch (vns_sort_key) {
	case VNS_SORT_TOTAL:
		return t->total_ns;
	case VNS_SORT_COUNT:
		return t->count;
	default:
		return t->max_ns;
	}
}

static int vns_timer_rank_cmp(const void *pa, const void *pb)
{
	const struct vns_timer *const *a = pa, *const *b = pb;
	u64 ka = vns_timer_key(*a), kb = vns_timer_key(*b);

	if (ka != kb)
		return ka > kb ? -1 : 1;
	return vns_timer_id_cmp(*a, *b);
}

int vns_timers_rank(const struct vns_timers *t, enum vns_timer_sort sort,
		    u64 min_us, u64 top, const struct vns_timer ***out,
		    size_t *n)
{
	const struct vns_timer **v;
	size_t i;

	*n = 0;
	v = calloc(t->n ? t->n : 1, sizeof(*v));
	*out = v;
	if (!v)
		return -ENOMEM;
	for (i = 0; i < t->n; i++)
		if (t->v[i].max_ns / 1000 >= min_us)
			v[(*n)++] = &t->v[i];
	vns_sort_key = sort;
	if (*n)
		qsort(v, *n, sizeof(*v), vns_timer_rank_cmp);
	if (top && top < *n)
		*n = (size_t)top;
	return 0;
}

static const char *vns_timer_kind(const struct vns_timer *t, char *buf,
				  size_t len)
{
	if (!(t->present & VNS_BIT(VNS_TIMER_A_KIND)))
		return "-";
	if (t->kind == VNS_TIMER_LIST)
		return "timer";
	if (t->kind == VNS_TIMER_HRTIMER)
		return "hrtimer";
	snprintf(buf, len, "%u", t->kind);
	return buf;
}

#define VNS_HAS_T(t, a)	(!!((t)->present & VNS_BIT(a)))

/* A row of the table; in JSON the callback's object */
static void vns_timer_row(const struct vns_timer *t, int width)
{
	static const char *const kinds[] = {
		[VNS_TIMER_LIST] = "timer",
		[VNS_TIMER_HRTIMER] = "hrtimer",
	};
	char avg[VNS_DUR_STR_MAX], age[VNS_DUR_STR_MAX + 8], kind[8];

	open_json_object(NULL);
	print_fp("%-*s", width, t->func);
	print_string(PRINT_JSON, "func", NULL, t->func);
	print_fp(" %-7s", vns_timer_kind(t, kind, sizeof(kind)));
	print_enum(PRINT_JSON, "kind", NULL, VNS_HAS_T(t, VNS_TIMER_A_KIND),
		   kinds, VNS_ARRAY_SIZE(kinds), t->kind);
	print_u64_opt(PRINT_JSON, "count", NULL, VNS_HAS_T(t, VNS_TIMER_A_COUNT),
		      t->count);
	print_fp(" %10llu", (unsigned long long)t->count);
	print_dur_ns(PRINT_ANY, "total_ns", " %10s",
		     VNS_HAS_T(t, VNS_TIMER_A_TOTAL_NS), t->total_ns, false);
	print_fp(" %10s", VNS_HAS_T(t, VNS_TIMER_A_TOTAL_NS) ?
		 vns_avg_str(t->total_ns, t->count, avg, sizeof(avg)) : "-");
	print_dur_ns(PRINT_ANY, "max_ns", " %10s",
		     VNS_HAS_T(t, VNS_TIMER_A_MAX_NS), t->max_ns, t->max_bound);
	print_u64_opt(PRINT_ANY, "max_cpu", " %7s",
		      VNS_HAS_T(t, VNS_TIMER_A_MAX_CPU), t->max_cpu);
	print_u64_opt(PRINT_JSON, "max_age_ns", NULL,
		      VNS_HAS_T(t, VNS_TIMER_A_MAX_AGE_NS), t->max_age_ns);
	if (VNS_HAS_T(t, VNS_TIMER_A_MAX_AGE_NS)) {
		vns_dur_str(t->max_age_ns, avg, sizeof(avg));
		snprintf(age, sizeof(age), "%s ago", avg);
	} else {
		strcpy(age, "-");
	}
	print_fp(" %12s\n", age);
	if (t->max_bound)
		print_bool(PRINT_JSON, "max_bound", NULL, true);
	vns_hist_print_json("hist", VNS_HAS_T(t, VNS_TIMER_A_HIST), &t->hist);
	close_json_object();
}

void vns_timers_print(const struct vns_timer *const *v, size_t n, bool hist)
{
	char kind[8];
	int width = 8;
	size_t i;

	for (i = 0; i < n; i++)
		if ((int)strlen(v[i]->func) > width)
			width = (int)strlen(v[i]->func);
	if (width > 48)
		width = 48;
	if (!n)
		print_fp("no timers\n");
	else
		print_fp("%-*s %-7s %10s %10s %10s %10s %7s %12s\n", width,
			 "FUNCTION", "KIND", "COUNT", "TOTAL", "AVG", "MAX",
			 "MAX CPU", "MAX AGE");
	open_json_array("timers");
	for (i = 0; i < n; i++)
		vns_timer_row(v[i], width);
	close_json_array();
	if (!hist || print_is_json())
		return;
	for (i = 0; i < n; i++) {
		if (vns_hist_top(&v[i]->hist) < 0)
			continue;
		print_fp("\n%s (%s) run time:\n", v[i]->func,
			 vns_timer_kind(v[i], kind, sizeof(kind)));
		vns_hist_print(&v[i]->hist, "usecs");
	}
}

/* ---- the command ---- */

static const char vns_timers_usage[] =
	"Usage: vnetscope timers [--top N] [--min-us N] [--sort max|total|count]\n"
	"                        [--interval S [--count N]] [--hist] [--json]\n"
	"                        [--no-enable]\n"
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
	"  --json           one JSON document per report, one per line\n"
	VNS_NO_ENABLE_USAGE
	VNS_EXIT_HELP;

#define VNS_OPT_HIST	0x101
#define VNS_OPT_MIN_US	0x102
#define VNS_OPT_SORT	0x103

static int vns_timers_opt(void *args, int c, const char *arg)
{
	static const char *const sorts[] = {
		[VNS_SORT_MAX] = "max",
		[VNS_SORT_TOTAL] = "total",
		[VNS_SORT_COUNT] = "count",
	};
	struct vns_timers_args *a = args;
	unsigned int i;

	switch (c) {
	case 't':
		if (vns_parse_u64(arg, 0, UINT64_MAX, &a->top))
			return vns_usage_err("invalid --top '%s': expected an integer (0: all)",
					     arg);
		return 0;
	case VNS_OPT_MIN_US:
		if (vns_parse_u64(arg, 0, UINT64_MAX / 1000, &a->min_us))
			return vns_usage_err("invalid --min-us '%s': expected microseconds, an integer",
					     arg);
		return 0;
	case VNS_OPT_SORT:
		for (i = 0; i < VNS_ARRAY_SIZE(sorts); i++)
			if (!strcmp(arg, sorts[i]))
				break;
		if (i == VNS_ARRAY_SIZE(sorts))
			return vns_usage_err("invalid --sort '%s': expected max, total or count",
					     arg);
		a->sort = (enum vns_timer_sort)i;
		return 0;
	case VNS_OPT_HIST:
		a->hist = true;
		return 0;
	default:
		return -1;
	}
}

int vns_timers_parse(struct vns_timers_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "top", required_argument, NULL, 't' },
		{ "min-us", required_argument, NULL, VNS_OPT_MIN_US },
		{ "sort", required_argument, NULL, VNS_OPT_SORT },
		VNS_LOOP_OPTIONS,
		{ "hist", no_argument, NULL, VNS_OPT_HIST },
		VNS_READ_OPTIONS
	};

	memset(a, 0, sizeof(*a));
	a->read.name = "timers";
	a->top = 20;
	return vns_read_getopt(&a->read, argc, argv, opts, vns_timers_usage,
			       vns_timers_opt, a);
}

struct vns_timers_snap {
	struct vns_timers t;
	struct timespec when;		/* CLOCK_REALTIME */
};

static int vns_timer_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			void *arg)
{
	(void)attrs;
	(void)len;
	return tb[VNS_A_TIMER] ? vns_timers_add(arg, tb[VNS_A_TIMER]) : 0;
}

static int vns_snap_read(struct vns_nl *nl, const void *args, void *snap)
{
	struct vns_timers_snap *sn = snap;
	int ret;

	(void)args;
	memset(sn, 0, sizeof(*sn));
	clock_gettime(CLOCK_REALTIME, &sn->when);
	ret = vns_nl_dump(nl, VNS_CMD_TIMER_GET, "timer read", vns_timer_cb,
			  &sn->t);
	if (ret)
		vns_timers_free(&sn->t);
	return ret;
}

static void vns_snap_free(void *snap)
{
	vns_timers_free(&((struct vns_timers_snap *)snap)->t);
}

int vns_timers_dup(struct vns_timers *dst, const struct vns_timers *src)
{
	size_t i;

	dst->n = 0;
	dst->v = calloc(src->n ? src->n : 1, sizeof(*dst->v));
	if (!dst->v)
		return -ENOMEM;
	for (i = 0; i < src->n; i++) {
		dst->v[i] = src->v[i];
		dst->v[i].func = strdup(src->v[i].func);
		if (!dst->v[i].func) {
			vns_timers_free(dst);
			return -ENOMEM;
		}
		dst->n++;
	}
	return 0;
}

static int vns_report(const void *args, const void *pcur, const void *pprev)
{
	const struct vns_timers_snap *cur = pcur, *prev = pprev;
	const struct vns_timers_args *a = args;
	struct vns_timers d = cur->t;
	const struct vns_timer **v = NULL;
	size_t n;

	if (prev) {
		if (vns_timers_dup(&d, &cur->t))
			goto nomem;
		vns_timers_delta(&d, &prev->t);
	}
	if (vns_timers_rank(&d, a->sort, a->min_us, a->top, &v, &n))
		goto nomem;
	vns_report_begin(&a->read, &cur->when);
	vns_timers_print(v, n, a->hist);
	vns_report_end(&a->read, &cur->when);
	free(v);
	if (prev)
		vns_timers_free(&d);
	return 0;

nomem:
	free(v);
	if (prev)
		vns_timers_free(&d);
	vns_err("report failed: out of memory");
	return VNS_EXIT_FAIL;
}

VNS_DEFINE_READ(timers, sizeof(struct vns_timers_snap))
