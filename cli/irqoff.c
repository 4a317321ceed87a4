// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope irqoff: the stretches with interrupts or softirqs held off,
 * with stacks (VNS_CMD_IRQOFF_GET), cumulative since enable.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "cmd.h"
#include "histo.h"
#include "irqoff.h"
#include "nl.h"
#include "print.h"
#include "read.h"
#include "util.h"

static const struct nla_policy vns_irqsum_policy[VNS_IRQSUM_A_MAX + 1] = {
	[VNS_IRQSUM_A_KIND] = { .type = NLA_U8 },
	[VNS_IRQSUM_A_CPU] = { .type = NLA_U32 },
	[VNS_IRQSUM_A_EVENTS] = { .type = NLA_U64 },
	[VNS_IRQSUM_A_HIST] = { .type = NLA_NESTED },
};

static const struct nla_policy vns_irqoff_policy[VNS_IRQOFF_A_MAX + 1] = {
	[VNS_IRQOFF_A_KIND] = { .type = NLA_U8 },
	[VNS_IRQOFF_A_CPU] = { .type = NLA_U32 },
	[VNS_IRQOFF_A_LATENCY_NS] = { .type = NLA_U64 },
	[VNS_IRQOFF_A_AGE_NS] = { .type = NLA_U64 },
	[VNS_IRQOFF_A_PID] = { .type = NLA_U32 },
	[VNS_IRQOFF_A_COMM] = { .type = NLA_STRING },
	[VNS_IRQOFF_A_STACK] = { .type = NLA_NESTED },
};

static void vns_event_free(struct vns_irqoff_event *e)
{
	vns_strings_free(e->stack, e->nstack);
	free(e->comm);
}

static int vns_irqsum_add(struct vns_irqoff *q, struct nlattr *nest)
{
	struct nlattr *tb[VNS_IRQSUM_A_MAX + 1];
	struct vns_irqoff_sum *s;

	if (nla_parse_nested(tb, VNS_IRQSUM_A_MAX, nest, vns_irqsum_policy) ||
	    !tb[VNS_IRQSUM_A_KIND] || !tb[VNS_IRQSUM_A_CPU])
		return -EBADMSG;
	if (vns_grow(&q->sums, q->nsums, sizeof(*q->sums)))
		return -ENOMEM;
	s = &q->sums[q->nsums];
	memset(s, 0, sizeof(*s));
	s->present = vns_nla_present(tb, VNS_IRQSUM_A_MAX);
	s->kind = nla_get_u8(tb[VNS_IRQSUM_A_KIND]);
	s->cpu = nla_get_u32(tb[VNS_IRQSUM_A_CPU]);
	s->events = vns_nla_u64_or0(tb[VNS_IRQSUM_A_EVENTS]);
	if (tb[VNS_IRQSUM_A_HIST] &&
	    vns_hist_from_nest(&s->hist, tb[VNS_IRQSUM_A_HIST]))
		return -EBADMSG;
	q->nsums++;
	return 0;
}

static int vns_irqevent_add(struct vns_irqoff *q, struct nlattr *nest)
{
	struct nlattr *tb[VNS_IRQOFF_A_MAX + 1];
	struct vns_irqoff_event *e;
	int ret;

	if (nla_parse_nested(tb, VNS_IRQOFF_A_MAX, nest, vns_irqoff_policy) ||
	    !tb[VNS_IRQOFF_A_KIND] || !tb[VNS_IRQOFF_A_CPU] ||
	    !tb[VNS_IRQOFF_A_LATENCY_NS])
		return -EBADMSG;
	if (vns_grow(&q->events, q->nevents, sizeof(*q->events)))
		return -ENOMEM;
	e = &q->events[q->nevents];
	memset(e, 0, sizeof(*e));
	e->present = vns_nla_present(tb, VNS_IRQOFF_A_MAX);
	e->kind = nla_get_u8(tb[VNS_IRQOFF_A_KIND]);
	e->cpu = nla_get_u32(tb[VNS_IRQOFF_A_CPU]);
	e->latency_ns = nla_get_u64(tb[VNS_IRQOFF_A_LATENCY_NS]);
	e->age_ns = vns_nla_u64_or0(tb[VNS_IRQOFF_A_AGE_NS]);
	if (tb[VNS_IRQOFF_A_PID])
		e->pid = nla_get_u32(tb[VNS_IRQOFF_A_PID]);
	ret = vns_nla_strdup(&e->comm, tb[VNS_IRQOFF_A_COMM]) ? -ENOMEM : 0;
	if (!ret && tb[VNS_IRQOFF_A_STACK])
		ret = vns_nla_strings(tb[VNS_IRQOFF_A_STACK],
				      VNS_STACK_A_FRAME, &e->stack,
				      &e->nstack);
	if (ret)
		vns_event_free(e);
	else
		q->nevents++;
	return ret;
}

int vns_irqoff_add(struct vns_irqoff *q, struct nlattr **tb)
{
	int ret = 0;

	if (tb[VNS_A_IRQOFF_SUMMARY])
		ret = vns_irqsum_add(q, tb[VNS_A_IRQOFF_SUMMARY]);
	if (!ret && tb[VNS_A_IRQOFF_EVENT])
		ret = vns_irqevent_add(q, tb[VNS_A_IRQOFF_EVENT]);
	return ret;
}

void vns_irqoff_free(struct vns_irqoff *q)
{
	size_t i;

	for (i = 0; i < q->nevents; i++)
		vns_event_free(&q->events[i]);
	free(q->events);
	free(q->sums);
	memset(q, 0, sizeof(*q));
}

static const char *const vns_irqoff_kinds[] = {
	[VNS_IRQOFF_HARD] = "hard",
	[VNS_IRQOFF_SOFT] = "soft",
};

static const char *const vns_irqoff_titles[] = {
	[VNS_IRQOFF_HARD] = "interrupts off",
	[VNS_IRQOFF_SOFT] = "softirqs off",
};

static bool vns_event_shown(const struct vns_irqoff_event *e,
			    const struct vns_irqoff_sel *sel)
{
	return vns_cpu_shown(sel->cpu, e->cpu) &&
	       e->latency_ns >= sel->threshold_ns;
}

static int vns_u32_cmp(const void *pa, const void *pb)
{
	const u32 *a = pa, *b = pb;

	return *a < *b ? -1 : *a > *b;
}

/* The CPUs of kind @kind with a summary or an event shown; *@cpus to free */
static size_t vns_irqoff_cpus(const struct vns_irqoff *q, u8 kind,
			      const struct vns_irqoff_sel *sel, u32 **cpus)
{
	size_t i, n = 0, j, k = 0;

	*cpus = calloc(q->nsums + q->nevents + 1, sizeof(**cpus));
	if (!*cpus)
		return 0;
	for (i = 0; i < q->nsums; i++)
		if (q->sums[i].kind == kind &&
		    vns_cpu_shown(sel->cpu, q->sums[i].cpu))
			(*cpus)[n++] = q->sums[i].cpu;
	for (i = 0; i < q->nevents; i++)
		if (q->events[i].kind == kind &&
		    vns_event_shown(&q->events[i], sel))
			(*cpus)[n++] = q->events[i].cpu;
	if (n)
		qsort(*cpus, n, sizeof(**cpus), vns_u32_cmp);
	for (j = 0; j < n; j++)
		if (!k || (*cpus)[k - 1] != (*cpus)[j])
			(*cpus)[k++] = (*cpus)[j];
	return k;
}

static void vns_event_print(const struct vns_irqoff_event *e)
{
	char age[VNS_DUR_STR_MAX];
	size_t i;

	open_json_object(NULL);
	print_enum(PRINT_JSON, "kind", NULL, true, vns_irqoff_kinds,
		   VNS_ARRAY_SIZE(vns_irqoff_kinds), e->kind);
	print_uint(PRINT_JSON, "cpu", NULL, e->cpu);
	print_u64(PRINT_JSON, "latency_ns", NULL, e->latency_ns);
	print_fp("    %.3f ms", (double)e->latency_ns / 1e6);
	print_u64_opt(PRINT_JSON, "age_ns", NULL,
		      e->present & VNS_BIT(VNS_IRQOFF_A_AGE_NS), e->age_ns);
	if (e->present & VNS_BIT(VNS_IRQOFF_A_AGE_NS))
		print_fp(", %s ago", vns_dur_str(e->age_ns, age, sizeof(age)));
	print_u64_opt(PRINT_JSON, "pid", NULL,
		      e->present & VNS_BIT(VNS_IRQOFF_A_PID), e->pid);
	if (e->present & VNS_BIT(VNS_IRQOFF_A_PID))
		print_fp(", pid %u", e->pid);
	print_string(PRINT_JSON, "comm", NULL, e->comm);
	if (e->comm)
		print_fp(" (%s)", e->comm);
	print_fp("\n");
	if (e->present & VNS_BIT(VNS_IRQOFF_A_STACK)) {
		open_json_array("stack");
	} else {
		print_fp("        [no stack]\n");
		print_null(PRINT_JSON, "stack", NULL, NULL);
	}
	for (i = 0; i < e->nstack; i++)
		print_string(PRINT_ANY, NULL, "        %s\n", e->stack[i]);
	if (e->present & VNS_BIT(VNS_IRQOFF_A_STACK))
		close_json_array();
	close_json_object();
}

/* The text of one kind: its events, per CPU, and the sampler's delays */
static void vns_irqoff_kind_print(const struct vns_irqoff *q, u8 kind,
				  const struct vns_irqoff_sel *sel)
{
	struct vns_hist sum;
	u64 events = 0;
	size_t i, j, ncpus, shown;
	bool has_events;
	u32 *cpus;

	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < q->nsums; i++) {
		if (q->sums[i].kind != kind ||
		    !vns_cpu_shown(sel->cpu, q->sums[i].cpu))
			continue;
		events += q->sums[i].events;
		vns_hist_merge(&sum, &q->sums[i].hist);
	}
	print_fp("%s (%s): %llu events\n", vns_irqoff_titles[kind],
		 vns_irqoff_kinds[kind], (unsigned long long)events);
	ncpus = vns_irqoff_cpus(q, kind, sel, &cpus);
	for (i = 0; i < ncpus; i++) {
		has_events = false;
		events = 0;
		for (j = 0; j < q->nsums; j++) {
			if (q->sums[j].kind == kind &&
			    q->sums[j].cpu == cpus[i] &&
			    q->sums[j].present &
			    VNS_BIT(VNS_IRQSUM_A_EVENTS)) {
				has_events = true;
				events += q->sums[j].events;
			}
		}
		shown = 0;
		for (j = 0; j < q->nevents; j++)
			if (q->events[j].kind == kind &&
			    q->events[j].cpu == cpus[i] &&
			    vns_event_shown(&q->events[j], sel))
				shown++;
		if (!shown && !events)
			continue;
		print_fp("  CPU %u: ", cpus[i]);
		if (has_events)
			print_fp("%llu events", (unsigned long long)events);
		else
			print_fp("- events");
		print_fp(", %zu shown\n", shown);
		for (j = 0; j < q->nevents; j++)
			if (q->events[j].kind == kind &&
			    q->events[j].cpu == cpus[i] &&
			    vns_event_shown(&q->events[j], sel))
				vns_event_print(&q->events[j]);
	}
	free(cpus);
	if (vns_hist_top(&sum) >= 0) {
		if (sel->cpu >= 0)
			print_fp("  sampler delay, CPU %lld:\n", sel->cpu);
		else
			print_fp("  sampler delay, all CPUs:\n");
		vns_hist_print(&sum, "usecs");
	}
}

void vns_irqoff_print(const struct vns_irqoff *q,
		      const struct vns_irqoff_sel *sel)
{
	const struct vns_irqoff_sum *s;
	size_t i;

	if (!print_is_json()) {
		vns_irqoff_kind_print(q, VNS_IRQOFF_HARD, sel);
		print_fp("\n");
		vns_irqoff_kind_print(q, VNS_IRQOFF_SOFT, sel);
		return;
	}
	/* JSON: the summaries, then the events, as the module sent them */
	open_json_array("summary");
	for (i = 0; i < q->nsums; i++) {
		s = &q->sums[i];
		if (!vns_cpu_shown(sel->cpu, s->cpu))
			continue;
		open_json_object(NULL);
		print_enum(PRINT_JSON, "kind", NULL, true, vns_irqoff_kinds,
			   VNS_ARRAY_SIZE(vns_irqoff_kinds), s->kind);
		print_uint(PRINT_JSON, "cpu", NULL, s->cpu);
		print_u64_opt(PRINT_JSON, "events", NULL,
			      s->present & VNS_BIT(VNS_IRQSUM_A_EVENTS),
			      s->events);
		vns_hist_print_json("hist",
				    s->present & VNS_BIT(VNS_IRQSUM_A_HIST),
				    &s->hist);
		close_json_object();
	}
	close_json_array();
	open_json_array("events");
	for (i = 0; i < q->nevents; i++)
		if (vns_event_shown(&q->events[i], sel))
			vns_event_print(&q->events[i]);
	close_json_array();
}

/* ---- the command ---- */

static const char vns_irqoff_usage[] =
	"Usage: vnetscope irqoff [--threshold MS] [--cpu N] [--json] [--no-enable]\n"
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
	"  --json           one JSON document\n"
	VNS_NO_ENABLE_USAGE
	VNS_EXIT_HELP;

#define VNS_OPT_THRESH	0x104

static int vns_irqoff_opt(void *args, int c, const char *arg)
{
	struct vns_irqoff_args *a = args;
	u64 us;

	switch (c) {
	case VNS_OPT_THRESH:
		if (vns_parse_duration_us(arg, 0, UINT64_MAX / 1000, &us))
			return vns_usage_err("invalid --threshold '%s': expected milliseconds, e.g. 20 or 0.5 (or with a unit: ns, us, ms, s)",
					     arg);
		a->sel.threshold_ns = us * 1000;
		return 0;
	case 'C':
		return vns_cpu_opt(arg, &a->sel.cpu);
	default:
		return -1;
	}
}

int vns_irqoff_parse(struct vns_irqoff_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, VNS_OPT_THRESH },
		{ "cpu", required_argument, NULL, 'C' },
		VNS_READ_OPTIONS
	};

	memset(a, 0, sizeof(*a));
	a->read.name = "irqoff";
	a->sel.cpu = -1;
	return vns_read_getopt(&a->read, argc, argv, opts, vns_irqoff_usage,
			       vns_irqoff_opt, a);
}

static int vns_irqoff_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			 void *arg)
{
	(void)attrs;
	(void)len;
	return vns_irqoff_add(arg, tb);
}

static int vns_snap_read(struct vns_nl *nl, const void *args, void *snap)
{
	int ret;

	(void)args;
	memset(snap, 0, sizeof(struct vns_irqoff));
	ret = vns_nl_dump(nl, VNS_CMD_IRQOFF_GET, "irqoff read",
			  vns_irqoff_cb, snap);
	if (ret)
		vns_irqoff_free(snap);
	return ret;
}

static int vns_report(const void *args, const void *cur, const void *prev)
{
	const struct vns_irqoff_args *a = args;

	(void)prev;
	vns_report_begin(&a->read, NULL);
	vns_irqoff_print(cur, &a->sel);
	vns_report_end(&a->read, NULL);
	return 0;
}

static void vns_snap_free(void *snap)
{
	vns_irqoff_free(snap);
}

VNS_DEFINE_READ(irqoff, sizeof(struct vns_irqoff))
