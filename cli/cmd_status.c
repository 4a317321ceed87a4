// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope status, vnetscope probes
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "uapi/linux/vnetscope.h"
#include "cmd.h"
#include "filter.h"
#include "nl.h"
#include "status.h"
#include "util.h"

static const char vns_status_usage[] =
	"Usage: vnetscope status [--json]\n"
	"\n"
	"Show the module's version and memory, and for each collector its\n"
	"state, filter, table use, counters and probes.\n"
	"\n"
	"  --json   one JSON document\n";

static const char vns_probes_usage[] =
	"Usage: vnetscope probes [--json]\n"
	"\n"
	"List the probes of every collector: kprobes, kretprobes and\n"
	"tracepoints, whether they are attached, and their hits.\n"
	"\n"
	"  --json   one JSON document\n";

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

static const char *vns_name_of(const char *const *names, size_t n,
			       unsigned int v, char *buf, size_t len)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, len, "%u", v);
	return buf;
}

/* "skb:kfree_skb (tracepoint): attached, 137 hits" */
static void vns_probe_print(const struct vns_probe *p)
{
	char tbuf[16], sbuf[16];
	const char *type, *state;

	type = "-";
	if (VNS_HAS(p, VNS_PROBE_A_TYPE))
		type = vns_name_of(vns_probe_types,
				   VNS_ARRAY_SIZE(vns_probe_types), p->type,
				   tbuf, sizeof(tbuf));
	printf("%s (%s", p->name, type);
	if (p->module)
		printf(", module %s", p->module);
	fputs("): ", stdout);
	if (!VNS_HAS(p, VNS_PROBE_A_STATE)) {
		puts("-");
		return;
	}
	switch (p->state) {
	case VNS_PROBE_ATTACHED:
		printf("attached, %" PRIu64 " hits\n", p->hits);
		break;
	case VNS_PROBE_UNAVAILABLE:
		if (p->reason)
			printf("unavailable (%s)\n", p->reason);
		else
			puts("unavailable");
		break;
	case VNS_PROBE_WAITING:
		puts("waiting for module");
		break;
	default:
		state = vns_name_of(vns_probe_states,
				    VNS_ARRAY_SIZE(vns_probe_states),
				    p->state, sbuf, sizeof(sbuf));
		puts(state);
		break;
	}
}

static struct json_object *vns_json_name(const char *const *names, size_t n,
					 bool present, unsigned int v)
{
	if (!present)
		return NULL;
	if (v < n && names[v])
		return json_object_new_string(names[v]);
	return json_object_new_int((int)v);
}

static struct json_object *vns_probe_json(const struct vns_probe *p,
					  bool with_collector)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (with_collector)
		json_object_object_add(o, "collector",
				       vns_json_str(p->collector));
	json_object_object_add(o, "name", vns_json_str(p->name));
	json_object_object_add(o, "type",
			       vns_json_name(vns_probe_types,
					     VNS_ARRAY_SIZE(vns_probe_types),
					     VNS_HAS(p, VNS_PROBE_A_TYPE),
					     p->type));
	json_object_object_add(o, "module", vns_json_str(p->module));
	json_object_object_add(o, "state",
			       vns_json_name(vns_probe_states,
					     VNS_ARRAY_SIZE(vns_probe_states),
					     VNS_HAS(p, VNS_PROBE_A_STATE),
					     p->state));
	json_object_object_add(o, "reason", vns_json_str(p->reason));
	json_object_object_add(o, "hits",
			       vns_json_u64_if(VNS_HAS(p, VNS_PROBE_A_HITS),
					       p->hits));
	return o;
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

static const char *vns_opt_u64(bool present, u64 v, char *buf, size_t len)
{
	if (!present)
		return "-";
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static const char *vns_coll_state(const struct vns_collector *c)
{
	if (!VNS_HAS(c, VNS_COLL_A_STATE))
		return "-";
	return c->state == VNS_COLL_ON ? "on" : "off";
}

static void vns_coll_print(const struct vns_collector *c,
			   const struct vns_probes *probes)
{
	char filter[VNS_FILTER_STR_MAX], b1[24], b2[24], b3[24];
	size_t i;

	if (vns_filter_format(&c->filter, filter, sizeof(filter)) <= 0)
		strcpy(filter, "none");
	printf("collector %s: %s, filter: %s\n", c->name, vns_coll_state(c),
	       filter);
	printf("  entries %s of %s, lost %s",
	       vns_opt_u64(VNS_HAS(c, VNS_COLL_A_ENTRIES), c->entries, b1,
			   sizeof(b1)),
	       vns_opt_u64(VNS_HAS(c, VNS_COLL_A_CAPACITY), c->capacity, b2,
			   sizeof(b2)),
	       vns_opt_u64(VNS_HAS(c, VNS_COLL_A_LOST), c->lost, b3,
			   sizeof(b3)));
	for (i = 0; i < c->ncounters; i++)
		printf(", %s %" PRIu64, c->counters[i].name,
		       c->counters[i].value);
	putchar('\n');
	for (i = 0; i < probes->n; i++) {
		if (!vns_probe_of(&probes->v[i], c->name))
			continue;
		fputs("  probe ", stdout);
		vns_probe_print(&probes->v[i]);
	}
}

static void vns_status_print(const struct vns_status *st, u32 genl_version,
			     const struct vns_probes *probes)
{
	char mem[32] = "-";
	bool header = false;
	size_t i;

	if (VNS_HAS(st, VNS_A_MEM_BYTES))
		vns_bytes_str(st->mem_bytes, mem, sizeof(mem));
	printf("vnetscope %s (netlink v%u), kernel %s, memory %s\n",
	       st->version ? st->version : "-", genl_version,
	       st->kernel ? st->kernel : "-", mem);
	for (i = 0; i < st->ncolls; i++)
		vns_coll_print(&st->colls[i], probes);
	for (i = 0; i < probes->n; i++) {
		if (!vns_probe_orphan(st, &probes->v[i]))
			continue;
		if (!header)
			puts("probes of no collector:");
		header = true;
		fputs("  probe ", stdout);
		vns_probe_print(&probes->v[i]);
	}
}

static struct json_object *vns_coll_json(const struct vns_collector *c,
					 const struct vns_probes *probes)
{
	struct json_object *o, *cnt, *arr, *state = NULL, *filter = NULL;
	size_t i;

	o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(c->name));
	if (VNS_HAS(c, VNS_COLL_A_STATE))
		state = json_object_new_string(vns_coll_state(c));
	json_object_object_add(o, "state", state);
	json_object_object_add(o, "mem_bytes",
			       vns_json_u64_if(VNS_HAS(c, VNS_COLL_A_MEM_BYTES),
					       c->mem_bytes));
	json_object_object_add(o, "lost",
			       vns_json_u64_if(VNS_HAS(c, VNS_COLL_A_LOST),
					       c->lost));
	json_object_object_add(o, "entries",
			       vns_json_u64_if(VNS_HAS(c, VNS_COLL_A_ENTRIES),
					       c->entries));
	json_object_object_add(o, "capacity",
			       vns_json_u64_if(VNS_HAS(c, VNS_COLL_A_CAPACITY),
					       c->capacity));
	if (!vns_filter_is_empty(&c->filter))
		filter = vns_filter_json(&c->filter);
	json_object_object_add(o, "filter", filter);
	cnt = json_object_new_object();
	for (i = 0; cnt && i < c->ncounters; i++)
		json_object_object_add(cnt, c->counters[i].name,
				       vns_json_u64(c->counters[i].value));
	json_object_object_add(o, "counters", cnt);
	arr = json_object_new_array();
	for (i = 0; arr && i < probes->n; i++)
		if (vns_probe_of(&probes->v[i], c->name))
			json_object_array_add(arr, vns_probe_json(&probes->v[i],
								  false));
	json_object_object_add(o, "probes", arr);
	return o;
}

static void vns_status_json(const struct vns_status *st, u32 genl_version,
			    const struct vns_probes *probes)
{
	struct json_object *o, *arr, *orphans = NULL;
	const struct vns_probe *p;
	size_t i;

	o = json_object_new_object();
	if (!o)
		return;
	json_object_object_add(o, "version", vns_json_str(st->version));
	json_object_object_add(o, "genl_version", vns_json_u64(genl_version));
	json_object_object_add(o, "kernel", vns_json_str(st->kernel));
	json_object_object_add(o, "mem_bytes",
			       vns_json_u64_if(VNS_HAS(st, VNS_A_MEM_BYTES),
					       st->mem_bytes));
	arr = json_object_new_array();
	for (i = 0; arr && i < st->ncolls; i++)
		json_object_array_add(arr,
				      vns_coll_json(&st->colls[i], probes));
	json_object_object_add(o, "collectors", arr);
	for (i = 0; i < probes->n; i++) {
		p = &probes->v[i];
		if (!vns_probe_orphan(st, p))
			continue;
		if (!orphans)
			orphans = json_object_new_array();
		if (orphans)
			json_object_array_add(orphans, vns_probe_json(p, true));
	}
	if (orphans)
		json_object_object_add(o, "probes", orphans);
	vns_json_print(stdout, o);
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
		if (json)
			vns_status_json(&st, genl_version, &probes);
		else
			vns_status_print(&st, genl_version, &probes);
		vns_probes_free(&probes);
	}
	vns_status_free(&st);
out:
	vns_nl_close(&nl);
	return ret;
}

int cmd_probes(int argc, char **argv)
{
	struct json_object *o, *arr;
	struct vns_probes probes;
	struct vns_nl nl;
	const char *coll;
	bool json = false;
	size_t i;
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
	if (json) {
		o = json_object_new_object();
		arr = json_object_new_array();
		for (i = 0; arr && i < probes.n; i++)
			json_object_array_add(arr, vns_probe_json(&probes.v[i],
								  true));
		if (o) {
			json_object_object_add(o, "probes", arr);
			vns_json_print(stdout, o);
		} else {
			json_object_put(arr);
		}
	} else {
		for (i = 0; i < probes.n; i++) {
			coll = probes.v[i].collector;
			printf("%s ", coll ? coll : "-");
			vns_probe_print(&probes.v[i]);
		}
	}
	vns_probes_free(&probes);
	return VNS_EXIT_OK;
}
