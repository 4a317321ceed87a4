// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope status, vnetscope probes
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "uapi/linux/vnetscope.h"
#include "cmd.h"
#include "filter.h"
#include "nl.h"
#include "print.h"
#include "status.h"
#include "util.h"

static const struct nla_policy vns_coll_policy[VNS_COLL_A_MAX + 1] = {
	[VNS_COLL_A_NAME] = { .type = NLA_STRING },
	[VNS_COLL_A_STATE] = { .type = NLA_U8 },
	[VNS_COLL_A_MEM_BYTES] = { .type = NLA_U64 },
	[VNS_COLL_A_LOST] = { .type = NLA_U64 },
	[VNS_COLL_A_ENTRIES] = { .type = NLA_U32 },
	[VNS_COLL_A_CAPACITY] = { .type = NLA_U32 },
	[VNS_COLL_A_FILTER] = { .type = NLA_NESTED },
	[VNS_COLL_A_COUNTER] = { .type = NLA_NESTED },
	[VNS_COLL_A_CONFIG] = { .type = NLA_NESTED },
	[VNS_COLL_A_CALLS] = { .type = NLA_U64 },
	[VNS_COLL_A_TIMED] = { .type = NLA_U64 },
	[VNS_COLL_A_TIMED_NS] = { .type = NLA_U64 },
};

static const struct nla_policy vns_cnt_policy[VNS_CNT_A_MAX + 1] = {
	[VNS_CNT_A_NAME] = { .type = NLA_STRING },
	[VNS_CNT_A_VALUE] = { .type = NLA_U64 },
};

static const struct nla_policy vns_probe_policy[VNS_PROBE_A_MAX + 1] = {
	[VNS_PROBE_A_NAME] = { .type = NLA_STRING },
	[VNS_PROBE_A_TYPE] = { .type = NLA_U8 },
	[VNS_PROBE_A_COLLECTOR] = { .type = NLA_STRING },
	[VNS_PROBE_A_MODULE] = { .type = NLA_STRING },
	[VNS_PROBE_A_STATE] = { .type = NLA_U8 },
	[VNS_PROBE_A_REASON] = { .type = NLA_STRING },
	[VNS_PROBE_A_HITS] = { .type = NLA_U64 },
	[VNS_PROBE_A_MISSED] = { .type = NLA_U64 },
	[VNS_PROBE_A_MAXACTIVE] = { .type = NLA_U32 },
	[VNS_PROBE_A_CALLS] = { .type = NLA_U64 },
	[VNS_PROBE_A_TIMED] = { .type = NLA_U64 },
	[VNS_PROBE_A_TIMED_NS] = { .type = NLA_U64 },
};

static int vns_counter_parse(struct vns_collector *c, struct nlattr *nest)
{
	struct nlattr *tb[VNS_CNT_A_MAX + 1];
	struct vns_counter *cnt;

	if (nla_parse_nested(tb, VNS_CNT_A_MAX, nest, vns_cnt_policy) ||
	    !tb[VNS_CNT_A_NAME] || !tb[VNS_CNT_A_VALUE])
		return -EBADMSG;
	if (vns_grow(&c->counters, c->ncounters, sizeof(*c->counters)))
		return -ENOMEM;
	cnt = &c->counters[c->ncounters];
	if (vns_nla_strdup(&cnt->name, tb[VNS_CNT_A_NAME]))
		return -ENOMEM;
	cnt->value = nla_get_u64(tb[VNS_CNT_A_VALUE]);
	c->ncounters++;
	return 0;
}

static int vns_coll_parse(struct vns_collector *c, struct nlattr *nest)
{
	struct nlattr *tb[VNS_COLL_A_MAX + 1];
	struct nlattr *a;
	int rem, ret;

	memset(c, 0, sizeof(*c));
	if (nla_parse_nested(tb, VNS_COLL_A_MAX, nest, vns_coll_policy) ||
	    !tb[VNS_COLL_A_NAME])
		return -EBADMSG;
	c->present = vns_nla_present(tb, VNS_COLL_A_MAX);
	if (vns_nla_strdup(&c->name, tb[VNS_COLL_A_NAME]))
		return -ENOMEM;
	if (tb[VNS_COLL_A_STATE])
		c->state = nla_get_u8(tb[VNS_COLL_A_STATE]);
	if (tb[VNS_COLL_A_MEM_BYTES])
		c->mem_bytes = nla_get_u64(tb[VNS_COLL_A_MEM_BYTES]);
	if (tb[VNS_COLL_A_LOST])
		c->lost = nla_get_u64(tb[VNS_COLL_A_LOST]);
	if (tb[VNS_COLL_A_ENTRIES])
		c->entries = nla_get_u32(tb[VNS_COLL_A_ENTRIES]);
	if (tb[VNS_COLL_A_CAPACITY])
		c->capacity = nla_get_u32(tb[VNS_COLL_A_CAPACITY]);
	if (tb[VNS_COLL_A_CALLS])
		c->calls = nla_get_u64(tb[VNS_COLL_A_CALLS]);
	if (tb[VNS_COLL_A_TIMED])
		c->timed = nla_get_u64(tb[VNS_COLL_A_TIMED]);
	if (tb[VNS_COLL_A_TIMED_NS])
		c->timed_ns = nla_get_u64(tb[VNS_COLL_A_TIMED_NS]);
	if (tb[VNS_COLL_A_FILTER] &&
	    vns_filter_from_nest(&c->filter, tb[VNS_COLL_A_FILTER]))
		return -EBADMSG;
	if (tb[VNS_COLL_A_CONFIG] &&
	    vns_config_from_nest(&c->config, tb[VNS_COLL_A_CONFIG]))
		return -EBADMSG;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != VNS_COLL_A_COUNTER)
			continue;
		ret = vns_counter_parse(c, a);
		if (ret)
			return ret;
	}
	return 0;
}

int vns_status_add(struct nlattr **tb, struct nlattr *attrs, int len,
		   void *arg)
{
	struct vns_status *st = arg;
	struct nlattr *a;
	int rem, ret;

	st->present = vns_nla_present(tb, VNS_A_MAX);
	if (vns_nla_strdup(&st->version, tb[VNS_A_VERSION]) ||
	    vns_nla_strdup(&st->kernel, tb[VNS_A_KERNEL]) ||
	    vns_nla_strdup(&st->kprobe_args, tb[VNS_A_KPROBE_ARGS]))
		return -ENOMEM;
	if (tb[VNS_A_MEM_BYTES])
		st->mem_bytes = nla_get_u64(tb[VNS_A_MEM_BYTES]);
	if (tb[VNS_A_MEM_LIMIT])
		st->mem_limit = nla_get_u64(tb[VNS_A_MEM_LIMIT]);
	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) != VNS_A_COLLECTOR)
			continue;
		if (vns_grow(&st->colls, st->ncolls, sizeof(*st->colls)))
			return -ENOMEM;
		/* counted first: vns_status_free() frees what it parsed */
		ret = vns_coll_parse(&st->colls[st->ncolls++], a);
		if (ret)
			return ret;
	}
	return 0;
}

int vns_status_get(struct vns_nl *nl, struct vns_status *st)
{
	struct nl_msg *msg = vns_nl_msg(nl, VNS_CMD_STATUS_GET);
	int ret;

	memset(st, 0, sizeof(*st));
	if (!msg)
		return vns_nl_nomem("status", NULL);
	ret = vns_nl_do(nl, msg, "status", vns_status_add, st);
	if (ret)
		vns_status_free(st);
	return ret;
}

void vns_status_free(struct vns_status *st)
{
	struct vns_collector *c;
	size_t i, j;

	for (i = 0; i < st->ncolls; i++) {
		c = &st->colls[i];
		for (j = 0; j < c->ncounters; j++)
			free(c->counters[j].name);
		free(c->counters);
		free(c->name);
	}
	free(st->colls);
	free(st->version);
	free(st->kernel);
	free(st->kprobe_args);
	memset(st, 0, sizeof(*st));
}

const struct vns_collector *vns_status_coll(const struct vns_status *st,
					    const char *name)
{
	size_t i;

	for (i = 0; i < st->ncolls; i++)
		if (!strcmp(st->colls[i].name, name))
			return &st->colls[i];
	return NULL;
}

bool vns_coll_counter(const struct vns_collector *c, const char *name,
		      u64 *value)
{
	size_t i;

	for (i = 0; i < c->ncounters; i++) {
		if (!strcmp(c->counters[i].name, name)) {
			*value = c->counters[i].value;
			return true;
		}
	}
	return false;
}

int vns_probes_add(struct nlattr **top, struct nlattr *attrs, int len,
		   void *arg)
{
	struct nlattr *tb[VNS_PROBE_A_MAX + 1];
	struct vns_probes *p = arg;
	struct vns_probe *pr;

	(void)attrs;
	(void)len;
	if (!top[VNS_A_PROBE])
		return 0;
	if (nla_parse_nested(tb, VNS_PROBE_A_MAX, top[VNS_A_PROBE],
			     vns_probe_policy) ||
	    !tb[VNS_PROBE_A_NAME])
		return -EBADMSG;
	if (vns_grow(&p->v, p->n, sizeof(*p->v)))
		return -ENOMEM;
	pr = &p->v[p->n++];
	memset(pr, 0, sizeof(*pr));
	pr->present = vns_nla_present(tb, VNS_PROBE_A_MAX);
	if (vns_nla_strdup(&pr->name, tb[VNS_PROBE_A_NAME]) ||
	    vns_nla_strdup(&pr->collector, tb[VNS_PROBE_A_COLLECTOR]) ||
	    vns_nla_strdup(&pr->module, tb[VNS_PROBE_A_MODULE]) ||
	    vns_nla_strdup(&pr->reason, tb[VNS_PROBE_A_REASON]))
		return -ENOMEM;
	if (tb[VNS_PROBE_A_TYPE])
		pr->type = nla_get_u8(tb[VNS_PROBE_A_TYPE]);
	if (tb[VNS_PROBE_A_STATE])
		pr->state = nla_get_u8(tb[VNS_PROBE_A_STATE]);
	if (tb[VNS_PROBE_A_HITS])
		pr->hits = nla_get_u64(tb[VNS_PROBE_A_HITS]);
	if (tb[VNS_PROBE_A_MISSED])
		pr->missed = nla_get_u64(tb[VNS_PROBE_A_MISSED]);
	if (tb[VNS_PROBE_A_MAXACTIVE])
		pr->maxactive = nla_get_u32(tb[VNS_PROBE_A_MAXACTIVE]);
	if (tb[VNS_PROBE_A_CALLS])
		pr->calls = nla_get_u64(tb[VNS_PROBE_A_CALLS]);
	if (tb[VNS_PROBE_A_TIMED])
		pr->timed = nla_get_u64(tb[VNS_PROBE_A_TIMED]);
	if (tb[VNS_PROBE_A_TIMED_NS])
		pr->timed_ns = nla_get_u64(tb[VNS_PROBE_A_TIMED_NS]);
	return 0;
}

int vns_probes_get(struct vns_nl *nl, struct vns_probes *p)
{
	int ret;

	memset(p, 0, sizeof(*p));
	ret = vns_nl_dump(nl, VNS_CMD_PROBE_GET, "probe list", vns_probes_add, p);
	if (ret)
		vns_probes_free(p);
	return ret;
}

void vns_probes_free(struct vns_probes *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].collector);
		free(p->v[i].module);
		free(p->v[i].reason);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* ---- output ---- */

static const char vns_status_usage[] =
	"Usage: vnetscope status [--json]\n"
	"\n"
	"Show the module's version, the memory its collectors hold and may\n"
	"hold (mem_limit), how its kprobes read arguments when not by the\n"
	"kernel's accessor (regs, none), and for each collector its state,\n"
	"filter, memory, table use, counters and probes, and what its\n"
	"handlers cost: their calls since the module loaded, one in 64 of\n"
	"them timed on each CPU, the time of a call and, estimated from\n"
	"those, of all calls.\n"
	"\n"
	"  --json   one JSON document\n"
	VNS_EXIT_HELP;

static const char vns_probes_usage[] =
	"Usage: vnetscope probes [--json]\n"
	"\n"
	"List the probes of every collector: kprobes, kretprobes and\n"
	"tracepoints, whether they are attached, and their hits.\n"
	"\n"
	"  --json   one JSON document\n"
	VNS_EXIT_HELP;

static const char *const vns_probe_types[] = {
	[VNS_PROBE_KPROBE] = "kprobe",
	[VNS_PROBE_KRETPROBE] = "kretprobe",
	[VNS_PROBE_TRACEPOINT] = "tracepoint",
};

static const char *const vns_probe_states[] = {
	[VNS_PROBE_DETACHED] = "detached",
	[VNS_PROBE_ATTACHED] = "attached",
	[VNS_PROBE_UNAVAILABLE] = "unavailable",
	[VNS_PROBE_WAITING] = "waiting",
};

/*
 * What handlers cost, from their calls and the timed ones among them:
 * the time of a call on average, and of all calls (an estimate: one call
 * in 64 on each CPU is timed).  false when none was timed.
 */
static bool vns_handler_cost(u64 calls, u64 timed, u64 timed_ns, u64 *avg_ns,
			     u64 *total_ns)
{
	if (!timed)
		return false;
	*avg_ns = (timed_ns + timed / 2) / timed;
	*total_ns = (u64)((double)timed_ns * (double)calls / (double)timed +
			  0.5);
	return true;
}

/*
 * "handlers: 12800 calls, 200 timed, 1.530us a call, about 19.58ms in
 * all"; in JSON the object "handlers"
 */
static void vns_handlers_print(u64 calls, u64 timed, u64 timed_ns)
{
	char avg[VNS_DUR_STR_MAX], total[VNS_DUR_STR_MAX];
	u64 avg_ns = 0, total_ns = 0;
	bool cost = vns_handler_cost(calls, timed, timed_ns, &avg_ns,
				     &total_ns);

	open_json_object("handlers");
	print_u64(PRINT_ANY, "calls", "  handlers: %llu calls", calls);
	print_u64(PRINT_ANY, "timed", ", %llu timed", timed);
	print_u64(PRINT_JSON, "timed_ns", NULL, timed_ns);
	print_u64_opt(PRINT_JSON, "avg_ns", NULL, cost, avg_ns);
	print_u64_opt(PRINT_JSON, "total_ns", NULL, cost, total_ns);
	close_json_object();
	if (cost)
		print_fp(", %s a call, about %s in all",
			 vns_dur_str(avg_ns, avg, sizeof(avg)),
			 vns_dur_str(total_ns, total, sizeof(total)));
	print_fp("\n");
}

/* Parse [--json] [--help]; -1 to go on, else the exit status */
static int vns_parse_json_opt(int argc, char **argv, const char *usage,
			      bool *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
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
	return -1;
}

/*
 * "skb:kfree_skb (tracepoint): attached, 137 hits"; in JSON its object,
 * with "collector" first if @with_collector
 */
static void vns_probe_print(const struct vns_probe *p, bool with_collector)
{
	char avg[VNS_DUR_STR_MAX];

	open_json_object(NULL);
	if (with_collector)
		print_string(PRINT_JSON, "collector", NULL, p->collector);
	print_string(PRINT_ANY, "name", "%s", p->name);
	print_enum(PRINT_ANY, "type", " (%s", VNS_HAS(p, VNS_PROBE_A_TYPE),
		   vns_probe_types, VNS_ARRAY_SIZE(vns_probe_types), p->type);
	print_string(PRINT_JSON, "module", NULL, p->module);
	if (p->module)
		print_fp(", module %s", p->module);
	print_fp("): ");
	print_enum(PRINT_JSON, "state", NULL, VNS_HAS(p, VNS_PROBE_A_STATE),
		   vns_probe_states, VNS_ARRAY_SIZE(vns_probe_states),
		   p->state);
	print_string(PRINT_JSON, "reason", NULL, p->reason);
	print_u64_opt(PRINT_JSON, "hits", NULL, VNS_HAS(p, VNS_PROBE_A_HITS),
		      p->hits);
	/* kernels before vnetscope sent these have no such keys */
	if (VNS_HAS(p, VNS_PROBE_A_MISSED))
		print_u64(PRINT_JSON, "missed", NULL, p->missed);
	if (VNS_HAS(p, VNS_PROBE_A_MAXACTIVE))
		print_u64(PRINT_JSON, "maxactive", NULL, p->maxactive);
	if (VNS_HAS(p, VNS_PROBE_A_CALLS)) {
		print_u64(PRINT_JSON, "calls", NULL, p->calls);
		print_u64(PRINT_JSON, "timed", NULL, p->timed);
		print_u64(PRINT_JSON, "timed_ns", NULL, p->timed_ns);
	}
	close_json_object();
	if (print_is_json())
		return;
	if (!VNS_HAS(p, VNS_PROBE_A_STATE)) {
		print_fp("-\n");
		return;
	}
	switch (p->state) {
	case VNS_PROBE_ATTACHED:
		print_fp("attached, %llu hits", (unsigned long long)p->hits);
		if (p->missed)
			print_fp(", %llu missed", (unsigned long long)p->missed);
		/* a handler that counts some of its calls as hits */
		if (VNS_HAS(p, VNS_PROBE_A_CALLS) && p->calls != p->hits)
			print_fp(", %llu calls", (unsigned long long)p->calls);
		if (VNS_HAS(p, VNS_PROBE_A_CALLS) && p->timed)
			print_fp(", %s a call",
				 vns_avg_str(p->timed_ns, p->timed, avg,
					     sizeof(avg)));
		print_fp("\n");
		break;
	case VNS_PROBE_UNAVAILABLE:
		if (p->reason)
			print_fp("unavailable (%s)\n", p->reason);
		else
			print_fp("unavailable\n");
		break;
	case VNS_PROBE_WAITING:
		print_fp("waiting for module\n");
		break;
	default:
		print_enum(PRINT_FP, NULL, "%s\n", true, vns_probe_states,
			   VNS_ARRAY_SIZE(vns_probe_states), p->state);
		break;
	}
}

static bool vns_probe_of(const struct vns_probe *p, const char *coll)
{
	return p->collector && !strcmp(p->collector, coll);
}

static bool vns_probe_orphan(const struct vns_status *st,
			     const struct vns_probe *p)
{
	return !p->collector || !vns_status_coll(st, p->collector);
}

static void vns_coll_print(const struct vns_collector *c,
			   const struct vns_probes *probes)
{
	static const char *const states[] = {
		[VNS_COLL_OFF] = "off",
		[VNS_COLL_ON] = "on",
	};
	char filter[VNS_FILTER_FMT_MAX], b[3][24], mem[32] = "-";
	size_t i;

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "collector %s", c->name);
	/* anything but on is off */
	print_enum(PRINT_ANY, "state", ": %s", VNS_HAS(c, VNS_COLL_A_STATE),
		   states, VNS_ARRAY_SIZE(states),
		   c->state == VNS_COLL_ON ? VNS_COLL_ON : VNS_COLL_OFF);
	vns_filter_format(&c->filter, filter, sizeof(filter), ' ');
	print_fp(", filter: %s\n", filter);
	print_u64_opt(PRINT_JSON, "mem_bytes", NULL,
		      VNS_HAS(c, VNS_COLL_A_MEM_BYTES), c->mem_bytes);
	print_u64_opt(PRINT_JSON, "lost", NULL, VNS_HAS(c, VNS_COLL_A_LOST),
		      c->lost);
	print_u64_opt(PRINT_JSON, "entries", NULL,
		      VNS_HAS(c, VNS_COLL_A_ENTRIES), c->entries);
	print_u64_opt(PRINT_JSON, "capacity", NULL,
		      VNS_HAS(c, VNS_COLL_A_CAPACITY), c->capacity);
	snprintf(b[0], sizeof(b[0]), "%u", c->entries);
	snprintf(b[1], sizeof(b[1]), "%u", c->capacity);
	snprintf(b[2], sizeof(b[2]), "%llu", (unsigned long long)c->lost);
	if (VNS_HAS(c, VNS_COLL_A_MEM_BYTES))
		vns_bytes_str(c->mem_bytes, mem, sizeof(mem));
	print_fp("  memory %s, entries %s of %s, lost %s", mem,
		 VNS_HAS(c, VNS_COLL_A_ENTRIES) ? b[0] : "-",
		 VNS_HAS(c, VNS_COLL_A_CAPACITY) ? b[1] : "-",
		 VNS_HAS(c, VNS_COLL_A_LOST) ? b[2] : "-");
	if (vns_filter_is_empty(&c->filter)) {
		print_null(PRINT_JSON, "filter", NULL, NULL);
	} else {
		open_json_object("filter");
		vns_filter_print_json(&c->filter);
		close_json_object();
	}
	/*
	 * The settings it runs with that were given: JSON only (the text
	 * stays as it was), and only when there are some
	 */
	if (VNS_HAS(c, VNS_COLL_A_CONFIG) && c->config.given) {
		open_json_object("config");
		vns_config_print_json(&c->config);
		close_json_object();
	}
	open_json_object("counters");
	for (i = 0; i < c->ncounters; i++) {
		print_fp(", %s", c->counters[i].name);
		print_u64(PRINT_ANY, c->counters[i].name, " %llu",
			  c->counters[i].value);
	}
	close_json_object();
	print_fp("\n");
	/* a module before handler timing sends no calls */
	if (VNS_HAS(c, VNS_COLL_A_CALLS))
		vns_handlers_print(c->calls, c->timed, c->timed_ns);
	open_json_array("probes");
	for (i = 0; i < probes->n; i++) {
		if (!vns_probe_of(&probes->v[i], c->name))
			continue;
		print_fp("  probe ");
		vns_probe_print(&probes->v[i], false);
	}
	close_json_array();
	close_json_object();
}

void vns_status_print(const struct vns_status *st, u32 genl_version,
		      const struct vns_probes *probes)
{
	char mem[32] = "-", limit[32];
	bool header = false;
	size_t i;

	if (VNS_HAS(st, VNS_A_MEM_BYTES))
		vns_bytes_str(st->mem_bytes, mem, sizeof(mem));
	print_string(PRINT_ANY, "version", "vnetscope %s", st->version);
	print_uint(PRINT_ANY, "genl_version", " (netlink v%u)", genl_version);
	print_string(PRINT_ANY, "kernel", ", kernel %s", st->kernel);
	print_u64_opt(PRINT_JSON, "mem_bytes", NULL,
		      VNS_HAS(st, VNS_A_MEM_BYTES), st->mem_bytes);
	print_u64_opt(PRINT_JSON, "mem_limit", NULL,
		      VNS_HAS(st, VNS_A_MEM_LIMIT), st->mem_limit);
	print_fp(", memory %s", mem);
	/* a module before mem_limit= has none */
	if (VNS_HAS(st, VNS_A_MEM_LIMIT))
		print_fp(" of %s", vns_bytes_str(st->mem_limit, limit,
						 sizeof(limit)));
	/*
	 * How kprobes read arguments: in text only when not the kernel's
	 * accessor (regs: by the architecture's registers; none: the probes
	 * that need them unavailable)
	 */
	print_string(PRINT_JSON, "kprobe_args", NULL, st->kprobe_args);
	if (st->kprobe_args && strcmp(st->kprobe_args, "accessor"))
		print_fp(", kprobe arguments: %s", st->kprobe_args);
	print_fp("\n");
	open_json_array("collectors");
	for (i = 0; i < st->ncolls; i++)
		vns_coll_print(&st->colls[i], probes);
	close_json_array();
	for (i = 0; i < probes->n; i++) {
		if (!vns_probe_orphan(st, &probes->v[i]))
			continue;
		if (!header) {
			print_fp("probes of no collector:\n");
			open_json_array("probes");
		}
		header = true;
		print_fp("  probe ");
		vns_probe_print(&probes->v[i], true);
	}
	if (header)
		close_json_array();
}

void vns_probes_print(const struct vns_probes *probes)
{
	size_t i;

	open_json_array("probes");
	for (i = 0; i < probes->n; i++) {
		print_string(PRINT_FP, NULL, "%s ", probes->v[i].collector);
		vns_probe_print(&probes->v[i], true);
	}
	close_json_array();
}

int cmd_status(int argc, char **argv)
{
	struct vns_probes probes;
	struct vns_status st;
	struct vns_nl nl;
	bool json = false;
	u32 genl_version;
	int ret;

	ret = vns_parse_json_opt(argc, argv, vns_status_usage, &json);
	if (ret >= 0)
		return ret;
	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_nl_family_version(&nl, &genl_version);
	if (!ret)
		ret = vns_status_get(&nl, &st);
	if (ret)
		goto out;
	ret = vns_probes_get(&nl, &probes);
	if (!ret) {
		print_begin(stdout, json);
		vns_status_print(&st, genl_version, &probes);
		print_end();
		vns_probes_free(&probes);
	}
	vns_status_free(&st);
out:
	vns_nl_close(&nl);
	return ret;
}

int cmd_probes(int argc, char **argv)
{
	struct vns_probes probes;
	struct vns_nl nl;
	bool json = false;
	int ret;

	ret = vns_parse_json_opt(argc, argv, vns_probes_usage, &json);
	if (ret >= 0)
		return ret;
	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_probes_get(&nl, &probes);
	vns_nl_close(&nl);
	if (ret)
		return ret;
	print_begin(stdout, json);
	vns_probes_print(&probes);
	print_end();
	vns_probes_free(&probes);
	return VNS_EXIT_OK;
}
