// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/attr.h>

#include "vns/lat.h"
#include "histo.h"
#include "lat.h"
#include "nl.h"
#include "status.h"
#include "util.h"

#define VNS_BIT(x)	(1u << (x))

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

static const struct nla_policy vns_latency_policy[VNS_LATENCY_A_MAX + 1] = {
	[VNS_LATENCY_A_KIND] = { .type = NLA_U8 },
	[VNS_LATENCY_A_FROM] = { .type = NLA_U8 },
	[VNS_LATENCY_A_TO] = { .type = NLA_U8 },
	[VNS_LATENCY_A_DIR] = { .type = NLA_U8 },
	[VNS_LATENCY_A_HIST] = { .type = NLA_NESTED },
};

static u64 vns_get_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

/* @cur - @prev, or all of @cur if it went down (a reset) */
static u64 vns_sub(u64 cur, u64 prev)
{
	return cur >= prev ? cur - prev : cur;
}

static const char *vns_dur_or_dash(bool present, u64 ns, bool bound,
				   char *buf, size_t len)
{
	char d[VNS_DUR_STR_MAX];

	if (!present)
		return "-";
	snprintf(buf, len, "%s%s", bound ? "<=" : "",
		 vns_dur_str(ns, d, sizeof(d)));
	return buf;
}

/* @total / @n as a duration, "-" if @n is 0 */
static const char *vns_avg_str(u64 total, u64 n, char *buf, size_t len)
{
	if (!n)
		return "-";
	return vns_dur_str((total + n / 2) / n, buf, len);
}

/* ------------------------------------------------------------- softirqs */

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
	c->runtime_ns = vns_get_u64(tb[VNS_KSIRQD_A_RUNTIME_NS]);
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
	v->count = vns_get_u64(tb[VNS_SIRQ_A_COUNT]);
	v->total_ns = vns_get_u64(tb[VNS_SIRQ_A_TOTAL_NS]);
	v->max_ns = vns_get_u64(tb[VNS_SIRQ_A_MAX_NS]);
	v->raised = vns_get_u64(tb[VNS_SIRQ_A_RAISED]);
	v->wait_total_ns = vns_get_u64(tb[VNS_SIRQ_A_WAIT_TOTAL_NS]);
	v->wait_max_ns = vns_get_u64(tb[VNS_SIRQ_A_WAIT_MAX_NS]);
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

static bool vns_cpu_shown(long long sel, u32 cpu)
{
	return sel < 0 || (u64)sel == cpu;
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

static void vns_sirq_row(FILE *out, const struct vns_sirq_vec *v)
{
	char tot[VNS_DUR_STR_MAX], avg[VNS_DUR_STR_MAX], max[VNS_DUR_STR_MAX];
	char wavg[VNS_DUR_STR_MAX], wmax[VNS_DUR_STR_MAX];

	fprintf(out, "  %-9s %10" PRIu64 " %10s %10s %10s %10" PRIu64
		" %10s %10s\n", v->name, v->count,
		vns_dur_or_dash(VNS_HAS_V(v, VNS_SIRQ_A_TOTAL_NS), v->total_ns,
				false, tot, sizeof(tot)),
		VNS_HAS_V(v, VNS_SIRQ_A_TOTAL_NS) ?
			vns_avg_str(v->total_ns, v->count, avg, sizeof(avg)) :
			"-",
		vns_dur_or_dash(VNS_HAS_V(v, VNS_SIRQ_A_MAX_NS), v->max_ns,
				v->max_bound, max, sizeof(max)),
		v->raised,
		VNS_HAS_V(v, VNS_SIRQ_A_WAIT_TOTAL_NS) ?
			vns_avg_str(v->wait_total_ns, vns_sirq_waits(v), wavg,
				    sizeof(wavg)) :
			"-",
		vns_dur_or_dash(VNS_HAS_V(v, VNS_SIRQ_A_WAIT_MAX_NS),
				v->wait_max_ns, v->wait_max_bound, wmax,
				sizeof(wmax)));
}

static void vns_sirq_header(FILE *out)
{
	fprintf(out, "  %-9s %10s %10s %10s %10s %10s %10s %10s\n", "VECTOR",
		"COUNT", "TOTAL", "AVG", "MAX", "RAISED", "WAIT AVG",
		"WAIT MAX");
}

void vns_softirqs_print(FILE *out, const struct vns_softirqs *s,
			long long cpu, bool hist)
{
	const struct vns_sirq_cpu *c;
	struct vns_sirq_vec sum;
	char rt[VNS_DUR_STR_MAX], where[24] = "all CPUs";
	size_t i, shown = 0;
	unsigned int v;

	for (i = 0; i < s->n; i++) {
		c = &s->cpus[i];
		if (!vns_cpu_shown(cpu, c->cpu))
			continue;
		if (!shown++)
			snprintf(where, sizeof(where), "CPU %u", c->cpu);
		fprintf(out, "CPU %u: ksoftirqd/%u", c->cpu, c->cpu);
		if (c->ksirqd & VNS_BIT(VNS_KSIRQD_A_PID))
			fprintf(out, " pid %u", c->pid);
		else
			fputs(" pid -", out);
		fprintf(out, ", runtime %s\n",
			vns_dur_or_dash(c->ksirqd &
					VNS_BIT(VNS_KSIRQD_A_RUNTIME_NS),
					c->runtime_ns, false, rt, sizeof(rt)));
		vns_sirq_header(out);
		for (v = 0; v < VNS_NR_SOFTIRQS; v++)
			if (c->vec[v].present)
				vns_sirq_row(out, &c->vec[v]);
	}
	if (!shown) {
		if (cpu >= 0)
			fprintf(out, "CPU %lld: no softirq data\n", cpu);
		else
			fputs("no softirq data\n", out);
		return;
	}
	if (shown > 1) {
		strcpy(where, "all CPUs");
		fprintf(out, "all %zu CPUs:\n", shown);
		vns_sirq_header(out);
		for (v = 0; v < VNS_NR_SOFTIRQS; v++) {
			vns_sirq_total(s, cpu, v, &sum);
			if (sum.present)
				vns_sirq_row(out, &sum);
		}
	}
	if (!hist)
		return;
	for (v = 0; v < VNS_NR_SOFTIRQS; v++) {
		vns_sirq_total(s, cpu, v, &sum);
		if (sum.hist.count || vns_hist_top(&sum.hist) >= 0) {
			fprintf(out, "\n%s run time, %s:\n", sum.name, where);
			vns_hist_print(out, &sum.hist, "usecs");
		}
		if (sum.wait_hist.count || vns_hist_top(&sum.wait_hist) >= 0) {
			fprintf(out, "\n%s raise-to-entry wait, %s:\n",
				sum.name, where);
			vns_hist_print(out, &sum.wait_hist, "usecs");
		}
	}
}

static struct json_object *vns_sirq_vec_json(const struct vns_sirq_vec *v)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "vec", json_object_new_int(v->vec));
	json_object_object_add(o, "name", json_object_new_string(v->name));
#define VNS_J(key, attr, val)						\
	json_object_object_add(o, key,					\
			       vns_json_u64_if(VNS_HAS_V(v, attr), val))
	VNS_J("count", VNS_SIRQ_A_COUNT, v->count);
	VNS_J("total_ns", VNS_SIRQ_A_TOTAL_NS, v->total_ns);
	VNS_J("max_ns", VNS_SIRQ_A_MAX_NS, v->max_ns);
	VNS_J("raised", VNS_SIRQ_A_RAISED, v->raised);
	VNS_J("wait_total_ns", VNS_SIRQ_A_WAIT_TOTAL_NS, v->wait_total_ns);
	VNS_J("wait_max_ns", VNS_SIRQ_A_WAIT_MAX_NS, v->wait_max_ns);
#undef VNS_J
	if (v->max_bound || v->wait_max_bound) {
		json_object_object_add(o, "max_bound",
				       json_object_new_boolean(v->max_bound));
		json_object_object_add(o, "wait_max_bound",
				       json_object_new_boolean(v->wait_max_bound));
	}
	json_object_object_add(o, "hist",
			       VNS_HAS_V(v, VNS_SIRQ_A_HIST) ?
			       vns_hist_json(&v->hist) : NULL);
	json_object_object_add(o, "wait_hist",
			       VNS_HAS_V(v, VNS_SIRQ_A_WAIT_HIST) ?
			       vns_hist_json(&v->wait_hist) : NULL);
	return o;
}

struct json_object *vns_softirqs_json(const struct vns_softirqs *s,
				      long long cpu)
{
	struct json_object *o, *cpus, *co, *k, *vecs;
	const struct vns_sirq_cpu *c;
	unsigned int v;
	size_t i;

	o = json_object_new_object();
	cpus = json_object_new_array();
	if (!o || !cpus) {
		json_object_put(o);
		json_object_put(cpus);
		return NULL;
	}
	for (i = 0; i < s->n; i++) {
		c = &s->cpus[i];
		if (!vns_cpu_shown(cpu, c->cpu))
			continue;
		co = json_object_new_object();
		if (!co)
			break;
		json_object_object_add(co, "cpu", vns_json_u64(c->cpu));
		k = NULL;
		if (c->ksirqd) {
			k = json_object_new_object();
			json_object_object_add(k, "pid",
				vns_json_u64_if(c->ksirqd &
						VNS_BIT(VNS_KSIRQD_A_PID),
						c->pid));
			json_object_object_add(k, "runtime_ns",
				vns_json_u64_if(c->ksirqd &
						VNS_BIT(VNS_KSIRQD_A_RUNTIME_NS),
						c->runtime_ns));
		}
		json_object_object_add(co, "ksoftirqd", k);
		vecs = json_object_new_array();
		for (v = 0; vecs && v < VNS_NR_SOFTIRQS; v++)
			if (c->vec[v].present)
				json_object_array_add(vecs,
					vns_sirq_vec_json(&c->vec[v]));
		json_object_object_add(co, "vectors", vecs);
		json_object_array_add(cpus, co);
	}
	json_object_object_add(o, "cpus", cpus);
	return o;
}

/* --------------------------------------------------------------- timers */

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
	e->count = vns_get_u64(tb[VNS_TIMER_A_COUNT]);
	e->total_ns = vns_get_u64(tb[VNS_TIMER_A_TOTAL_NS]);
	e->max_ns = vns_get_u64(tb[VNS_TIMER_A_MAX_NS]);
	if (tb[VNS_TIMER_A_MAX_CPU])
		e->max_cpu = nla_get_u32(tb[VNS_TIMER_A_MAX_CPU]);
	e->max_age_ns = vns_get_u64(tb[VNS_TIMER_A_MAX_AGE_NS]);
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

void vns_timers_print(FILE *out, const struct vns_timer *const *v, size_t n,
		      bool hist)
{
	char tot[VNS_DUR_STR_MAX], avg[VNS_DUR_STR_MAX], max[VNS_DUR_STR_MAX];
	char age[VNS_DUR_STR_MAX + 8], cpu[16], kind[8];
	const struct vns_timer *t;
	int width = 8;
	size_t i;

	for (i = 0; i < n; i++)
		if ((int)strlen(v[i]->func) > width)
			width = (int)strlen(v[i]->func);
	if (width > 48)
		width = 48;
	if (!n) {
		fputs("no timers\n", out);
		return;
	}
	fprintf(out, "%-*s %-7s %10s %10s %10s %10s %7s %12s\n", width,
		"FUNCTION", "KIND", "COUNT", "TOTAL", "AVG", "MAX", "MAX CPU",
		"MAX AGE");
	for (i = 0; i < n; i++) {
		t = v[i];
		if (t->present & VNS_BIT(VNS_TIMER_A_MAX_AGE_NS)) {
			vns_dur_str(t->max_age_ns, tot, sizeof(tot));
			snprintf(age, sizeof(age), "%s ago", tot);
		} else {
			strcpy(age, "-");
		}
		if (t->present & VNS_BIT(VNS_TIMER_A_MAX_CPU))
			snprintf(cpu, sizeof(cpu), "%u", t->max_cpu);
		else
			strcpy(cpu, "-");
		fprintf(out, "%-*s %-7s %10" PRIu64 " %10s %10s %10s %7s %12s\n",
			width, t->func, vns_timer_kind(t, kind, sizeof(kind)),
			t->count,
			vns_dur_or_dash(t->present &
					VNS_BIT(VNS_TIMER_A_TOTAL_NS),
					t->total_ns, false, tot, sizeof(tot)),
			t->present & VNS_BIT(VNS_TIMER_A_TOTAL_NS) ?
				vns_avg_str(t->total_ns, t->count, avg,
					    sizeof(avg)) : "-",
			vns_dur_or_dash(t->present &
					VNS_BIT(VNS_TIMER_A_MAX_NS),
					t->max_ns, t->max_bound, max,
					sizeof(max)),
			cpu, age);
	}
	if (!hist)
		return;
	for (i = 0; i < n; i++) {
		t = v[i];
		if (vns_hist_top(&t->hist) < 0)
			continue;
		fprintf(out, "\n%s (%s) run time:\n", t->func,
			vns_timer_kind(t, kind, sizeof(kind)));
		vns_hist_print(out, &t->hist, "usecs");
	}
}

struct json_object *vns_timers_json(const struct vns_timer *const *v,
				    size_t n)
{
	struct json_object *o, *arr, *e, *kind;
	const struct vns_timer *t;
	char kbuf[8];
	size_t i;

	o = json_object_new_object();
	arr = json_object_new_array();
	if (!o || !arr) {
		json_object_put(o);
		json_object_put(arr);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		t = v[i];
		e = json_object_new_object();
		if (!e)
			break;
		json_object_object_add(e, "func",
				       json_object_new_string(t->func));
		kind = NULL;
		if (t->present & VNS_BIT(VNS_TIMER_A_KIND))
			kind = t->kind <= VNS_TIMER_HRTIMER ?
			       json_object_new_string(vns_timer_kind(t, kbuf,
								     sizeof(kbuf))) :
			       json_object_new_int(t->kind);
		json_object_object_add(e, "kind", kind);
#define VNS_J(key, attr, val)						\
	json_object_object_add(e, key,					\
			       vns_json_u64_if(t->present & VNS_BIT(attr), val))
		VNS_J("count", VNS_TIMER_A_COUNT, t->count);
		VNS_J("total_ns", VNS_TIMER_A_TOTAL_NS, t->total_ns);
		VNS_J("max_ns", VNS_TIMER_A_MAX_NS, t->max_ns);
		VNS_J("max_cpu", VNS_TIMER_A_MAX_CPU, t->max_cpu);
		VNS_J("max_age_ns", VNS_TIMER_A_MAX_AGE_NS, t->max_age_ns);
#undef VNS_J
		if (t->max_bound)
			json_object_object_add(e, "max_bound",
					       json_object_new_boolean(true));
		json_object_object_add(e, "hist",
				       t->present & VNS_BIT(VNS_TIMER_A_HIST) ?
				       vns_hist_json(&t->hist) : NULL);
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "timers", arr);
	return o;
}

/* --------------------------------------------------------------- irqoff */

static int vns_frames_parse(char ***stack, size_t *n, struct nlattr *nest)
{
	struct nlattr *a;
	const char *s;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != VNS_STACK_A_FRAME)
			continue;
		s = nla_data(a);
		if (nla_len(a) < 1 || s[nla_len(a) - 1])
			return -EBADMSG;
		if (vns_grow(stack, *n, sizeof(**stack)))
			return -ENOMEM;
		(*stack)[*n] = strdup(s);
		if (!(*stack)[*n])
			return -ENOMEM;
		(*n)++;
	}
	return 0;
}

static void vns_event_free(struct vns_irqoff_event *e)
{
	size_t i;

	for (i = 0; i < e->nstack; i++)
		free(e->stack[i]);
	free(e->stack);
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
	s->events = vns_get_u64(tb[VNS_IRQSUM_A_EVENTS]);
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
	e->age_ns = vns_get_u64(tb[VNS_IRQOFF_A_AGE_NS]);
	if (tb[VNS_IRQOFF_A_PID])
		e->pid = nla_get_u32(tb[VNS_IRQOFF_A_PID]);
	ret = vns_nla_strdup(&e->comm, tb[VNS_IRQOFF_A_COMM]) ? -ENOMEM : 0;
	if (!ret && tb[VNS_IRQOFF_A_STACK])
		ret = vns_frames_parse(&e->stack, &e->nstack,
				       tb[VNS_IRQOFF_A_STACK]);
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

static void vns_event_print(FILE *out, const struct vns_irqoff_event *e)
{
	char age[VNS_DUR_STR_MAX];
	size_t i;

	fprintf(out, "    %.3f ms", (double)e->latency_ns / 1e6);
	if (e->present & VNS_BIT(VNS_IRQOFF_A_AGE_NS))
		fprintf(out, ", %s ago", vns_dur_str(e->age_ns, age,
						     sizeof(age)));
	if (e->present & VNS_BIT(VNS_IRQOFF_A_PID))
		fprintf(out, ", pid %u", e->pid);
	if (e->comm)
		fprintf(out, " (%s)", e->comm);
	fputc('\n', out);
	if (!(e->present & VNS_BIT(VNS_IRQOFF_A_STACK)))
		fputs("        [no stack]\n", out);
	for (i = 0; i < e->nstack; i++)
		fprintf(out, "        %s\n", e->stack[i]);
}

static void vns_irqoff_kind_print(FILE *out, const struct vns_irqoff *q,
				  u8 kind, const struct vns_irqoff_sel *sel)
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
	fprintf(out, "%s (%s): %" PRIu64 " events\n",
		vns_irqoff_titles[kind], vns_irqoff_kinds[kind], events);
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
		fprintf(out, "  CPU %u: ", cpus[i]);
		if (has_events)
			fprintf(out, "%" PRIu64 " events", events);
		else
			fputs("- events", out);
		fprintf(out, ", %zu shown\n", shown);
		for (j = 0; j < q->nevents; j++)
			if (q->events[j].kind == kind &&
			    q->events[j].cpu == cpus[i] &&
			    vns_event_shown(&q->events[j], sel))
				vns_event_print(out, &q->events[j]);
	}
	free(cpus);
	if (vns_hist_top(&sum) >= 0) {
		if (sel->cpu >= 0)
			fprintf(out, "  sampler delay, CPU %lld:\n", sel->cpu);
		else
			fputs("  sampler delay, all CPUs:\n", out);
		vns_hist_print(out, &sum, "usecs");
	}
}

void vns_irqoff_print(FILE *out, const struct vns_irqoff *q,
		      const struct vns_irqoff_sel *sel)
{
	vns_irqoff_kind_print(out, q, VNS_IRQOFF_HARD, sel);
	fputc('\n', out);
	vns_irqoff_kind_print(out, q, VNS_IRQOFF_SOFT, sel);
}

static struct json_object *vns_irqoff_kind_json(u8 kind)
{
	if (kind < VNS_ARRAY_SIZE(vns_irqoff_kinds))
		return json_object_new_string(vns_irqoff_kinds[kind]);
	return json_object_new_int(kind);
}

struct json_object *vns_irqoff_json(const struct vns_irqoff *q,
				    const struct vns_irqoff_sel *sel)
{
	struct json_object *o, *sums, *events, *e, *stack;
	const struct vns_irqoff_event *ev;
	const struct vns_irqoff_sum *s;
	size_t i, j;

	o = json_object_new_object();
	sums = json_object_new_array();
	events = json_object_new_array();
	if (!o || !sums || !events) {
		json_object_put(o);
		json_object_put(sums);
		json_object_put(events);
		return NULL;
	}
	for (i = 0; i < q->nsums; i++) {
		s = &q->sums[i];
		if (!vns_cpu_shown(sel->cpu, s->cpu))
			continue;
		e = json_object_new_object();
		if (!e)
			break;
		json_object_object_add(e, "kind", vns_irqoff_kind_json(s->kind));
		json_object_object_add(e, "cpu", vns_json_u64(s->cpu));
		json_object_object_add(e, "events",
			vns_json_u64_if(s->present &
					VNS_BIT(VNS_IRQSUM_A_EVENTS),
					s->events));
		json_object_object_add(e, "hist",
			s->present & VNS_BIT(VNS_IRQSUM_A_HIST) ?
			vns_hist_json(&s->hist) : NULL);
		json_object_array_add(sums, e);
	}
	for (i = 0; i < q->nevents; i++) {
		ev = &q->events[i];
		if (!vns_event_shown(ev, sel))
			continue;
		e = json_object_new_object();
		if (!e)
			break;
		json_object_object_add(e, "kind",
				       vns_irqoff_kind_json(ev->kind));
		json_object_object_add(e, "cpu", vns_json_u64(ev->cpu));
		json_object_object_add(e, "latency_ns",
				       vns_json_u64(ev->latency_ns));
		json_object_object_add(e, "age_ns",
			vns_json_u64_if(ev->present &
					VNS_BIT(VNS_IRQOFF_A_AGE_NS),
					ev->age_ns));
		json_object_object_add(e, "pid",
			vns_json_u64_if(ev->present &
					VNS_BIT(VNS_IRQOFF_A_PID), ev->pid));
		json_object_object_add(e, "comm", vns_json_str(ev->comm));
		stack = NULL;
		if (ev->present & VNS_BIT(VNS_IRQOFF_A_STACK))
			stack = json_object_new_array();
		for (j = 0; stack && j < ev->nstack; j++)
			json_object_array_add(stack,
					      json_object_new_string(ev->stack[j]));
		json_object_object_add(e, "stack", stack);
		json_object_array_add(events, e);
	}
	json_object_object_add(o, "summary", sums);
	json_object_object_add(o, "events", events);
	return o;
}

/* -------------------------------------------------------------- latency */

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

static void vns_stage_lat_print(FILE *out, const struct vns_stage_lat *r)
{
	char title[64];
	size_t i;

	fprintf(out, "%s: count %" PRIu64,
		vns_stage_lat_title(r, title, sizeof(title)), r->hist.count);
	for (i = 0; i < VNS_ARRAY_SIZE(vns_lat_pcts); i++)
		fprintf(out, ", %s %" PRIu64 "us", vns_lat_pcts[i].text,
			vns_hist_percentile(&r->hist,
					    vns_lat_pcts[i].permille));
	fprintf(out, ", max %s%" PRIu64 "us\n", r->max_bound ? "<=" : "",
		r->hist.max);
	vns_hist_print(out, &r->hist, "usecs");
}

/* Pairs first, then the directions: the records of @kind with a count */
static void vns_stage_lats_kind_print(FILE *out,
				      const struct vns_stage_lats *l,
				      u8 kind, size_t *shown)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].kind != kind || !l->v[i].hist.count)
			continue;
		if ((*shown)++)
			fputc('\n', out);
		vns_stage_lat_print(out, &l->v[i]);
	}
}

void vns_stage_lats_print(FILE *out, const struct vns_stage_lats *l)
{
	size_t shown = 0;
	int i;

	vns_stage_lats_kind_print(out, l, VNS_LATENCY_PAIR, &shown);
	vns_stage_lats_kind_print(out, l, VNS_LATENCY_TOTAL, &shown);
	if (shown)
		fputc('\n', out);
	else
		fputs("no latency data\n", out);
	for (i = 0; i < VNS_LSUM_N; i++) {
		if (l->has[i])
			fprintf(out, "%s %" PRIu64, vns_lsum_names[i],
				l->sum[i]);
		else
			fprintf(out, "%s -", vns_lsum_names[i]);
		fputs(i < VNS_LSUM_N - 1 ? ", " : "\n", out);
	}
}

/*
 * {"from":..,"to":..} or {"dir":..}, then vns_hist_json()'s fields with
 * the percentiles after max_us
 */
static struct json_object *vns_stage_lat_json(const struct vns_stage_lat *r)
{
	struct json_object *o, *h;
	char a[16];
	size_t i;

	o = json_object_new_object();
	h = vns_hist_json(&r->hist);
	if (!o || !h) {
		json_object_put(o);
		json_object_put(h);
		return NULL;
	}
	if (r->kind == VNS_LATENCY_PAIR) {
		json_object_object_add(o, "from", json_object_new_string(
				vns_stage_str(r->from, a, sizeof(a))));
		json_object_object_add(o, "to", json_object_new_string(
				vns_stage_str(r->to, a, sizeof(a))));
	} else {
		json_object_object_add(o, "dir", json_object_new_string(
				vns_dir_str(r->dir, a, sizeof(a))));
	}
	json_object_object_foreach(h, key, val) {
		json_object_object_add(o, key, json_object_get(val));
		if (strcmp(key, "max_us"))
			continue;
		for (i = 0; i < VNS_ARRAY_SIZE(vns_lat_pcts); i++)
			json_object_object_add(o, vns_lat_pcts[i].json,
				vns_json_u64(vns_hist_percentile(&r->hist,
					vns_lat_pcts[i].permille)));
	}
	json_object_put(h);
	if (r->max_bound)
		json_object_object_add(o, "max_bound",
				       json_object_new_boolean(true));
	return o;
}

static struct json_object *vns_stage_lats_kind_json(
	const struct vns_stage_lats *l, u8 kind)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; arr && i < l->n; i++)
		if (l->v[i].kind == kind && l->v[i].hist.count)
			json_object_array_add(arr,
					      vns_stage_lat_json(&l->v[i]));
	return arr;
}

struct json_object *vns_stage_lats_json(const struct vns_stage_lats *l)
{
	struct json_object *o = json_object_new_object();
	int i;

	if (!o)
		return NULL;
	json_object_object_add(o, "stages",
			       vns_stage_lats_kind_json(l, VNS_LATENCY_PAIR));
	json_object_object_add(o, "totals",
			       vns_stage_lats_kind_json(l, VNS_LATENCY_TOTAL));
	for (i = 0; i < VNS_LSUM_N; i++)
		json_object_object_add(o, vns_lsum_names[i],
				       vns_json_u64_if(l->has[i], l->sum[i]));
	return o;
}
