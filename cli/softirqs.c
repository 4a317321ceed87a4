// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope softirqs: softirq run times and raise-to-run waits per CPU and
 * vector (VNS_CMD_SOFTIRQ_GET), once (cumulative since enable) or every
 * interval (the growth since the previous read).
 */
#include <errno.h>
#include <getopt.h>
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
#include "softirqs.h"
#include "util.h"

static const char *const vns_sirq_names[VNS_NR_SOFTIRQS] = {
	"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET",
	"SCHED", "HRTIMER", "RCU",
};

static const struct nla_policy vns_sirq_policy[VNS_SIRQ_A_MAX + 1] = {
	[VNS_SIRQ_A_CPU] = { .type = NLA_U32 },
	[VNS_SIRQ_A_VEC] = { .type = NLA_U8 },
	[VNS_SIRQ_A_NAME] = { .type = NLA_STRING },
	[VNS_SIRQ_A_COUNT] = { .type = NLA_U64 },
	[VNS_SIRQ_A_TOTAL_NS] = { .type = NLA_U64 },
	[VNS_SIRQ_A_MAX_NS] = { .type = NLA_U64 },
	[VNS_SIRQ_A_HIST] = { .type = NLA_NESTED },
	[VNS_SIRQ_A_RAISED] = { .type = NLA_U64 },
	[VNS_SIRQ_A_WAIT_TOTAL_NS] = { .type = NLA_U64 },
	[VNS_SIRQ_A_WAIT_MAX_NS] = { .type = NLA_U64 },
	[VNS_SIRQ_A_WAIT_HIST] = { .type = NLA_NESTED },
};

static const struct nla_policy vns_ksirqd_policy[VNS_KSIRQD_A_MAX + 1] = {
	[VNS_KSIRQD_A_CPU] = { .type = NLA_U32 },
	[VNS_KSIRQD_A_PID] = { .type = NLA_U32 },
	[VNS_KSIRQD_A_RUNTIME_NS] = { .type = NLA_U64 },
};

const char *vns_sirq_name(unsigned int vec)
{
	return vec < VNS_NR_SOFTIRQS ? vns_sirq_names[vec] : "?";
}

static struct vns_sirq_cpu *vns_sirq_cpu(struct vns_softirqs *s, u32 cpu)
{
	struct vns_sirq_cpu *c;
	size_t i;

	/* the dump comes CPU by CPU: the last one is the likely one */
	for (i = s->n; i-- > 0;)
		if (s->cpus[i].cpu == cpu)
			return &s->cpus[i];
	if (vns_grow(&s->cpus, s->n, sizeof(*s->cpus)))
		return NULL;
	c = &s->cpus[s->n++];
	memset(c, 0, sizeof(*c));
	c->cpu = cpu;
	return c;
}

static int vns_ksirqd_add(struct vns_softirqs *s, struct nlattr *nest)
{
	struct nlattr *tb[VNS_KSIRQD_A_MAX + 1];
	struct vns_sirq_cpu *c;

	if (nla_parse_nested(tb, VNS_KSIRQD_A_MAX, nest, vns_ksirqd_policy) ||
	    !tb[VNS_KSIRQD_A_CPU])
		return -EBADMSG;
	c = vns_sirq_cpu(s, nla_get_u32(tb[VNS_KSIRQD_A_CPU]));
	if (!c)
		return -ENOMEM;
	c->ksirqd = vns_nla_present(tb, VNS_KSIRQD_A_MAX);
	if (tb[VNS_KSIRQD_A_PID])
		c->pid = nla_get_u32(tb[VNS_KSIRQD_A_PID]);
	c->runtime_ns = vns_nla_u64_or0(tb[VNS_KSIRQD_A_RUNTIME_NS]);
	return 0;
}

static int vns_sirq_vec_add(struct vns_softirqs *s, struct nlattr *nest)
{
	struct nlattr *tb[VNS_SIRQ_A_MAX + 1];
	struct vns_sirq_cpu *c;
	struct vns_sirq_vec *v;
	unsigned int vec;

	if (nla_parse_nested(tb, VNS_SIRQ_A_MAX, nest, vns_sirq_policy) ||
	    !tb[VNS_SIRQ_A_CPU] || !tb[VNS_SIRQ_A_VEC])
		return -EBADMSG;
	vec = nla_get_u8(tb[VNS_SIRQ_A_VEC]);
	if (vec >= VNS_NR_SOFTIRQS)
		return 0;	/* a vector this version does not know */
	c = vns_sirq_cpu(s, nla_get_u32(tb[VNS_SIRQ_A_CPU]));
	if (!c)
		return -ENOMEM;
	v = &c->vec[vec];
	memset(v, 0, sizeof(*v));
	v->present = vns_nla_present(tb, VNS_SIRQ_A_MAX);
	v->vec = (u8)vec;
	snprintf(v->name, sizeof(v->name), "%s",
		 tb[VNS_SIRQ_A_NAME] ? (const char *)nla_data(tb[VNS_SIRQ_A_NAME]) :
				       vns_sirq_name(vec));
	v->count = vns_nla_u64_or0(tb[VNS_SIRQ_A_COUNT]);
	v->total_ns = vns_nla_u64_or0(tb[VNS_SIRQ_A_TOTAL_NS]);
	v->max_ns = vns_nla_u64_or0(tb[VNS_SIRQ_A_MAX_NS]);
	v->raised = vns_nla_u64_or0(tb[VNS_SIRQ_A_RAISED]);
	v->wait_total_ns = vns_nla_u64_or0(tb[VNS_SIRQ_A_WAIT_TOTAL_NS]);
	v->wait_max_ns = vns_nla_u64_or0(tb[VNS_SIRQ_A_WAIT_MAX_NS]);
	if ((tb[VNS_SIRQ_A_HIST] &&
	     vns_hist_from_nest(&v->hist, tb[VNS_SIRQ_A_HIST])) ||
	    (tb[VNS_SIRQ_A_WAIT_HIST] &&
	     vns_hist_from_nest(&v->wait_hist, tb[VNS_SIRQ_A_WAIT_HIST])))
		return -EBADMSG;
	return 0;
}

int vns_softirqs_add(struct vns_softirqs *s, struct nlattr **tb)
{
	int ret = 0;

	if (tb[VNS_A_KSOFTIRQD])
		ret = vns_ksirqd_add(s, tb[VNS_A_KSOFTIRQD]);
	if (!ret && tb[VNS_A_SOFTIRQ])
		ret = vns_sirq_vec_add(s, tb[VNS_A_SOFTIRQ]);
	return ret;
}

static int vns_cpu_cmp(const void *pa, const void *pb)
{
	const struct vns_sirq_cpu *a = pa, *b = pb;

	return a->cpu < b->cpu ? -1 : a->cpu > b->cpu;
}

void vns_softirqs_sort(struct vns_softirqs *s)
{
	if (s->n)
		qsort(s->cpus, s->n, sizeof(*s->cpus), vns_cpu_cmp);
}

void vns_softirqs_free(struct vns_softirqs *s)
{
	free(s->cpus);
	s->cpus = NULL;
	s->n = 0;
}

static void vns_sirq_vec_delta(struct vns_sirq_vec *c,
			       const struct vns_sirq_vec *p)
{
	bool reset = c->count < p->count || c->raised < p->raised;

	if (reset)
		return;
	c->count -= p->count;
	c->total_ns = vns_sub(c->total_ns, p->total_ns);
	c->raised -= p->raised;
	c->wait_total_ns = vns_sub(c->wait_total_ns, p->wait_total_ns);
	if (c->present & VNS_BIT(VNS_SIRQ_A_HIST) &&
	    p->present & VNS_BIT(VNS_SIRQ_A_HIST))
		vns_hist_delta(&c->hist, &p->hist);
	if (c->present & VNS_BIT(VNS_SIRQ_A_WAIT_HIST) &&
	    p->present & VNS_BIT(VNS_SIRQ_A_WAIT_HIST))
		vns_hist_delta(&c->wait_hist, &p->wait_hist);
	/* a maximum since enable: this interval's only if it grew */
	if (c->max_ns <= p->max_ns) {
		c->max_bound = c->count != 0;
		if (!c->count)
			c->max_ns = 0;
		else if (c->present & VNS_BIT(VNS_SIRQ_A_HIST) &&
			 c->hist.max * 1000 + 999 < c->max_ns)
			c->max_ns = c->hist.max * 1000 + 999;
	}
	if (c->wait_max_ns <= p->wait_max_ns) {
		c->wait_max_bound = c->raised != 0;
		if (!c->raised)
			c->wait_max_ns = 0;
		else if (c->present & VNS_BIT(VNS_SIRQ_A_WAIT_HIST) &&
			 c->wait_hist.max * 1000 + 999 < c->wait_max_ns)
			c->wait_max_ns = c->wait_hist.max * 1000 + 999;
	}
}

void vns_softirqs_delta(struct vns_softirqs *cur,
			const struct vns_softirqs *prev)
{
	const struct vns_sirq_cpu *p;
	struct vns_sirq_cpu *c;
	size_t i, j;
	int v;

	for (i = 0; i < cur->n; i++) {
		c = &cur->cpus[i];
		p = NULL;
		for (j = 0; j < prev->n && !p; j++)
			if (prev->cpus[j].cpu == c->cpu)
				p = &prev->cpus[j];
		if (!p)
			continue;
		if (c->ksirqd && p->ksirqd)
			c->runtime_ns = vns_sub(c->runtime_ns, p->runtime_ns);
		for (v = 0; v < VNS_NR_SOFTIRQS; v++)
			if (c->vec[v].present && p->vec[v].present)
				vns_sirq_vec_delta(&c->vec[v], &p->vec[v]);
	}
}

void vns_sirq_total(const struct vns_softirqs *s, long long cpu,
		    unsigned int vec, struct vns_sirq_vec *sum)
{
	const struct vns_sirq_vec *v;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	sum->vec = (u8)vec;
	snprintf(sum->name, sizeof(sum->name), "%s", vns_sirq_name(vec));
	for (i = 0; i < s->n; i++) {
		v = &s->cpus[i].vec[vec];
		if (!vns_cpu_shown(cpu, s->cpus[i].cpu) || !v->present)
			continue;
		if (!sum->present)
			memcpy(sum->name, v->name, sizeof(sum->name));
		sum->present |= v->present;
		sum->count += v->count;
		sum->total_ns += v->total_ns;
		sum->raised += v->raised;
		sum->wait_total_ns += v->wait_total_ns;
		if (v->max_ns > sum->max_ns) {
			sum->max_ns = v->max_ns;
			sum->max_bound = v->max_bound;
		}
		if (v->wait_max_ns > sum->wait_max_ns) {
			sum->wait_max_ns = v->wait_max_ns;
			sum->wait_max_bound = v->wait_max_bound;
		}
		vns_hist_merge(&sum->hist, &v->hist);
		vns_hist_merge(&sum->wait_hist, &v->wait_hist);
	}
}

static u64 vns_sirq_waits(const struct vns_sirq_vec *v)
{
	if (v->present & VNS_BIT(VNS_SIRQ_A_WAIT_HIST))
		return v->wait_hist.count;
	return v->raised;
}

#define VNS_HAS_V(v, a)	(!!((v)->present & VNS_BIT(a)))

/* A row of the table; in JSON the vector's object */
static void vns_sirq_row(const struct vns_sirq_vec *v)
{
	char avg[VNS_DUR_STR_MAX], wavg[VNS_DUR_STR_MAX];

	open_json_object(NULL);
	print_uint(PRINT_JSON, "vec", NULL, v->vec);
	print_string(PRINT_ANY, "name", "  %-9s", v->name);
	print_u64_opt(PRINT_JSON, "count", NULL, VNS_HAS_V(v, VNS_SIRQ_A_COUNT),
		      v->count);
	print_fp(" %10llu", (unsigned long long)v->count);
	print_dur_ns(PRINT_ANY, "total_ns", " %10s",
		     VNS_HAS_V(v, VNS_SIRQ_A_TOTAL_NS), v->total_ns, false);
	print_fp(" %10s", VNS_HAS_V(v, VNS_SIRQ_A_TOTAL_NS) ?
		 vns_avg_str(v->total_ns, v->count, avg, sizeof(avg)) : "-");
	print_dur_ns(PRINT_ANY, "max_ns", " %10s",
		     VNS_HAS_V(v, VNS_SIRQ_A_MAX_NS), v->max_ns, v->max_bound);
	print_u64_opt(PRINT_JSON, "raised", NULL,
		      VNS_HAS_V(v, VNS_SIRQ_A_RAISED), v->raised);
	print_fp(" %10llu", (unsigned long long)v->raised);
	print_u64_opt(PRINT_JSON, "wait_total_ns", NULL,
		      VNS_HAS_V(v, VNS_SIRQ_A_WAIT_TOTAL_NS), v->wait_total_ns);
	print_fp(" %10s", VNS_HAS_V(v, VNS_SIRQ_A_WAIT_TOTAL_NS) ?
		 vns_avg_str(v->wait_total_ns, vns_sirq_waits(v), wavg,
			     sizeof(wavg)) : "-");
	print_dur_ns(PRINT_ANY, "wait_max_ns", " %10s",
		     VNS_HAS_V(v, VNS_SIRQ_A_WAIT_MAX_NS), v->wait_max_ns,
		     v->wait_max_bound);
	print_fp("\n");
	if (v->max_bound || v->wait_max_bound) {
		print_bool(PRINT_JSON, "max_bound", NULL, v->max_bound);
		print_bool(PRINT_JSON, "wait_max_bound", NULL,
			   v->wait_max_bound);
	}
	vns_hist_print_json("hist", VNS_HAS_V(v, VNS_SIRQ_A_HIST), &v->hist);
	vns_hist_print_json("wait_hist", VNS_HAS_V(v, VNS_SIRQ_A_WAIT_HIST),
			    &v->wait_hist);
	close_json_object();
}

static void vns_sirq_header(void)
{
	print_fp("  %-9s %10s %10s %10s %10s %10s %10s %10s\n", "VECTOR",
		 "COUNT", "TOTAL", "AVG", "MAX", "RAISED", "WAIT AVG",
		 "WAIT MAX");
}

/* "CPU 1: ksoftirqd/1 pid 16, runtime 1.225ms" and its table */
static void vns_sirq_cpu_print(const struct vns_sirq_cpu *c)
{
	unsigned int v;

	open_json_object(NULL);
	print_uint(PRINT_ANY, "cpu", "CPU %u:", c->cpu);
	print_fp(" ksoftirqd/%u", c->cpu);
	if (c->ksirqd)
		open_json_object("ksoftirqd");
	else
		print_null(PRINT_JSON, "ksoftirqd", NULL, NULL);
	print_u64_opt(c->ksirqd ? PRINT_ANY : PRINT_FP, "pid", " pid %s",
		      c->ksirqd & VNS_BIT(VNS_KSIRQD_A_PID), c->pid);
	print_dur_ns(c->ksirqd ? PRINT_ANY : PRINT_FP, "runtime_ns",
		     ", runtime %s\n",
		     c->ksirqd & VNS_BIT(VNS_KSIRQD_A_RUNTIME_NS),
		     c->runtime_ns, false);
	if (c->ksirqd)
		close_json_object();
	vns_sirq_header();
	open_json_array("vectors");
	for (v = 0; v < VNS_NR_SOFTIRQS; v++)
		if (c->vec[v].present)
			vns_sirq_row(&c->vec[v]);
	close_json_array();
	close_json_object();
}

void vns_softirqs_print(const struct vns_softirqs *s, long long cpu,
			bool hist)
{
	struct vns_sirq_vec sum;
	char where[24] = "all CPUs";
	size_t i, shown = 0;
	unsigned int v;

	open_json_array("cpus");
	for (i = 0; i < s->n; i++) {
		if (!vns_cpu_shown(cpu, s->cpus[i].cpu))
			continue;
		if (!shown++)
			snprintf(where, sizeof(where), "CPU %u",
				 s->cpus[i].cpu);
		vns_sirq_cpu_print(&s->cpus[i]);
	}
	close_json_array();
	/* the rest is text only */
	if (print_is_json())
		return;
	if (!shown) {
		if (cpu >= 0)
			print_fp("CPU %lld: no softirq data\n", cpu);
		else
			print_fp("no softirq data\n");
		return;
	}
	if (shown > 1) {
		strcpy(where, "all CPUs");
		print_fp("all %zu CPUs:\n", shown);
		vns_sirq_header();
		for (v = 0; v < VNS_NR_SOFTIRQS; v++) {
			vns_sirq_total(s, cpu, v, &sum);
			if (sum.present)
				vns_sirq_row(&sum);
		}
	}
	if (!hist)
		return;
	for (v = 0; v < VNS_NR_SOFTIRQS; v++) {
		vns_sirq_total(s, cpu, v, &sum);
		if (sum.hist.count || vns_hist_top(&sum.hist) >= 0) {
			print_fp("\n%s run time, %s:\n", sum.name, where);
			vns_hist_print(&sum.hist, "usecs");
		}
		if (sum.wait_hist.count || vns_hist_top(&sum.wait_hist) >= 0) {
			print_fp("\n%s raise-to-entry wait, %s:\n", sum.name,
				 where);
			vns_hist_print(&sum.wait_hist, "usecs");
		}
	}
}

/* ---- the command ---- */

static const char vns_softirqs_usage[] =
	"Usage: vnetscope softirqs [--cpu N] [--interval S [--count N]] [--hist]\n"
	"                          [--json] [--no-enable]\n"
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
	"  --json           one JSON document per report, one per line\n"
	VNS_NO_ENABLE_USAGE
	VNS_EXIT_HELP;

#define VNS_OPT_HIST	0x101

static int vns_softirqs_opt(void *args, int c, const char *arg)
{
	struct vns_softirqs_args *a = args;

	switch (c) {
	case 'C':
		return vns_cpu_opt(arg, &a->cpu);
	case VNS_OPT_HIST:
		a->hist = true;
		return 0;
	default:
		return -1;
	}
}

int vns_softirqs_parse(struct vns_softirqs_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpu", required_argument, NULL, 'C' },
		VNS_LOOP_OPTIONS,
		{ "hist", no_argument, NULL, VNS_OPT_HIST },
		VNS_READ_OPTIONS
	};

	memset(a, 0, sizeof(*a));
	a->read.name = "softirqs";
	a->cpu = -1;
	return vns_read_getopt(&a->read, argc, argv, opts, vns_softirqs_usage,
			       vns_softirqs_opt, a);
}

struct vns_softirqs_snap {
	struct vns_softirqs s;
	struct timespec when;		/* CLOCK_REALTIME */
};

static int vns_softirq_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			  void *arg)
{
	(void)attrs;
	(void)len;
	return vns_softirqs_add(arg, tb);
}

static int vns_snap_read(struct vns_nl *nl, const void *args, void *snap)
{
	struct vns_softirqs_snap *sn = snap;
	int ret;

	(void)args;
	memset(sn, 0, sizeof(*sn));
	clock_gettime(CLOCK_REALTIME, &sn->when);
	ret = vns_nl_dump(nl, VNS_CMD_SOFTIRQ_GET, "softirq read",
			  vns_softirq_cb, &sn->s);
	if (ret)
		vns_softirqs_free(&sn->s);
	else
		vns_softirqs_sort(&sn->s);
	return ret;
}

static void vns_snap_free(void *snap)
{
	vns_softirqs_free(&((struct vns_softirqs_snap *)snap)->s);
}

static int vns_report(const void *args, const void *pcur, const void *pprev)
{
	const struct vns_softirqs_snap *cur = pcur, *prev = pprev;
	const struct vns_softirqs_args *a = args;
	struct vns_softirqs d = cur->s;

	if (prev) {
		d.cpus = malloc((d.n ? d.n : 1) * sizeof(*d.cpus));
		if (!d.cpus) {
			vns_err("report failed: out of memory");
			return VNS_EXIT_FAIL;
		}
		memcpy(d.cpus, cur->s.cpus, d.n * sizeof(*d.cpus));
		vns_softirqs_delta(&d, &prev->s);
	}
	vns_report_begin(&a->read, &cur->when);
	vns_softirqs_print(&d, a->cpu, a->hist);
	vns_report_end(&a->read, &cur->when);
	if (prev)
		free(d.cpus);
	return 0;
}

VNS_DEFINE_READ(softirqs, sizeof(struct vns_softirqs_snap))
