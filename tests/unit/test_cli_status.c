// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the module's
 * status and probe list built as it sends them, parsed, and printed as
 * status and probes print them, text and JSON (status.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "status.h"

struct tcoll {
	const char *name;
	int state;			/* -1: absent */
	u64 mem, lost;
	u32 entries, capacity;
	bool filter;			/* proto=udp dport=9 */
	bool config;			/* phy=eth0 dir=rx threshold=10ms */
	bool config_empty;		/* a VNS_COLL_A_CONFIG with nothing */
	const char *counters[6];
	u64 values[6];
	bool handlers;			/* calls, timed, timed_ns sent */
	u64 calls, timed, timed_ns;
};

static void put_coll(struct nl_msg *msg, const struct tcoll *c)
{
	struct nlattr *n = nla_nest_start(msg, VNS_A_COLLECTOR), *a, *cn;
	int i;

	nla_put_string(msg, VNS_COLL_A_NAME, c->name);
	if (c->state >= 0)
		nla_put_u8(msg, VNS_COLL_A_STATE, (u8)c->state);
	nla_put_u64(msg, VNS_COLL_A_MEM_BYTES, c->mem);
	nla_put_u64(msg, VNS_COLL_A_LOST, c->lost);
	nla_put_u32(msg, VNS_COLL_A_ENTRIES, c->entries);
	nla_put_u32(msg, VNS_COLL_A_CAPACITY, c->capacity);
	if (c->filter) {
		a = nla_nest_start(msg, VNS_COLL_A_FILTER);
		nla_put_u8(msg, VNS_FILTER_A_PROTO, 17);
		nla_put_u16(msg, VNS_FILTER_A_DPORT, 9);
		nla_nest_end(msg, a);
	}
	if (c->config) {
		a = nla_nest_start(msg, VNS_COLL_A_CONFIG);
		nla_put_u32(msg, VNS_CFG_A_THRESHOLD_US, 10000);
		nla_put_string(msg, VNS_CFG_A_PHY_IF, "eth0");
		nla_put_u8(msg, VNS_CFG_A_DIRECTION, VNS_DIR_RX);
		nla_nest_end(msg, a);
	}
	if (c->config_empty) {
		/* an empty nest, as the kernel sends it (libnl drops them) */
		a = nla_reserve(msg, VNS_COLL_A_CONFIG, 0);
		(void)a;
	}
	if (c->handlers) {
		nla_put_u64(msg, VNS_COLL_A_CALLS, c->calls);
		nla_put_u64(msg, VNS_COLL_A_TIMED, c->timed);
		nla_put_u64(msg, VNS_COLL_A_TIMED_NS, c->timed_ns);
	}
	for (i = 0; i < 6 && c->counters[i]; i++) {
		cn = nla_nest_start(msg, VNS_COLL_A_COUNTER);
		nla_put_string(msg, VNS_CNT_A_NAME, c->counters[i]);
		nla_put_u64(msg, VNS_CNT_A_VALUE, c->values[i]);
		nla_nest_end(msg, cn);
	}
	nla_nest_end(msg, n);
}

/*
 * @limit 0: no VNS_A_MEM_LIMIT, @args NULL: no VNS_A_KPROBE_ARGS, as from
 * a module before them
 */
static void status_read(struct vns_status *st, const struct tcoll *colls,
			int n, u64 mem, u64 limit, const char *args)
{
	struct nlattr *tb[VNS_A_MAX + 1];
	struct nl_msg *msg = nlmsg_alloc();
	int i;

	memset(st, 0, sizeof(*st));
	nla_put_string(msg, VNS_A_VERSION, "0.1.0");
	nla_put_string(msg, VNS_A_KERNEL, "6.1.0-56-amd64");
	nla_put_u64(msg, VNS_A_MEM_BYTES, mem);
	if (limit)
		nla_put_u64(msg, VNS_A_MEM_LIMIT, limit);
	if (args)
		nla_put_string(msg, VNS_A_KPROBE_ARGS, args);
	for (i = 0; i < n; i++)
		put_coll(msg, &colls[i]);
	msg_tb(msg, tb);
	CHECK_INT(vns_status_add(tb, nlmsg_attrdata(nlmsg_hdr(msg), 0),
				 nlmsg_attrlen(nlmsg_hdr(msg), 0), st), 0);
	nlmsg_free(msg);
}

static void probe_add(struct vns_probes *p, const char *coll,
		      const char *name, u8 type, u8 state, u64 hits,
		      const char *module)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();

	n = nla_nest_start(msg, VNS_A_PROBE);
	nla_put_string(msg, VNS_PROBE_A_NAME, name);
	nla_put_u8(msg, VNS_PROBE_A_TYPE, type);
	if (coll)
		nla_put_string(msg, VNS_PROBE_A_COLLECTOR, coll);
	if (module)
		nla_put_string(msg, VNS_PROBE_A_MODULE, module);
	nla_put_u8(msg, VNS_PROBE_A_STATE, state);
	nla_put_u64(msg, VNS_PROBE_A_HITS, hits);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	CHECK_INT(vns_probes_add(tb, NULL, 0, p), 0);
	nlmsg_free(msg);
}

/* A kretprobe with what 0.1.0's module does not send: missed, maxactive */
static void test_kretprobe(void)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	struct vns_probes p = { NULL, 0 };
	FILE *f;

	n = nla_nest_start(msg, VNS_A_PROBE);
	nla_put_string(msg, VNS_PROBE_A_NAME, "nf_conntrack_in");
	nla_put_u8(msg, VNS_PROBE_A_TYPE, VNS_PROBE_KRETPROBE);
	nla_put_string(msg, VNS_PROBE_A_COLLECTOR, "latency");
	nla_put_string(msg, VNS_PROBE_A_MODULE, "nf_conntrack");
	nla_put_u8(msg, VNS_PROBE_A_STATE, VNS_PROBE_ATTACHED);
	nla_put_u64(msg, VNS_PROBE_A_HITS, 10);
	nla_put_u64(msg, VNS_PROBE_A_MISSED, 3);
	nla_put_u32(msg, VNS_PROBE_A_MAXACTIVE, 128);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	CHECK_INT(vns_probes_add(tb, NULL, 0, &p), 0);
	nlmsg_free(msg);
	f = out_open();
	vns_probes_print(&p);
	CHECK_STR(out_close(f),
		  "latency nf_conntrack_in (kretprobe, module nf_conntrack): attached, 10 hits, 3 missed\n");
	CHECK_STR(JSON_DOC(vns_probes_print(&p)),
		  "{\"probes\":[{\"collector\":\"latency\",\"name\":\"nf_conntrack_in\",\"type\":\"kretprobe\",\"module\":\"nf_conntrack\",\"state\":\"attached\",\"reason\":null,\"hits\":10,\"missed\":3,\"maxactive\":128}]}");
	vns_probes_free(&p);
}

static void test_status(void)
{
	static const struct tcoll drops_on = {
		.name = "drops", .state = VNS_COLL_ON, .mem = 1000,
		.entries = 21, .capacity = 2048,
		.counters = { "seen", "filtered", "consumed", "stack_lost",
			      "stacks" },
		.values = { 421, 0, 0, 0, 17 },
	};
	static const struct tcoll drops_off = {
		.name = "drops", .state = VNS_COLL_OFF, .config_empty = true,
	};
	static const struct tcoll filtered[] = {
		{ .name = "drops", .state = VNS_COLL_ON, .filter = true,
		  .config = true, .counters = { "seen" }, .values = { 3 } },
		{ .name = "latency", .state = -1, .config = true },
	};
	struct vns_probes p = { NULL, 0 };
	struct vns_status st;
	FILE *f;

	status_read(&st, &drops_on, 1, 754381, 64 << 20, "accessor");
	probe_add(&p, "drops", "kfree_skb", VNS_PROBE_TRACEPOINT,
		  VNS_PROBE_ATTACHED, 421, NULL);
	f = out_open();
	vns_status_print(&st, 1, &p);
	CHECK_STR(out_close(f),
		  "vnetscope 0.1.0 (netlink v1), kernel 6.1.0-56-amd64, memory 736.7 KiB of 64.0 MiB\n"
		  "collector drops: on, filter: none\n"
		  "  memory 1000 B, entries 21 of 2048, lost 0, seen 421, filtered 0, consumed 0, stack_lost 0, stacks 17\n"
		  "  probe kfree_skb (tracepoint): attached, 421 hits\n");
	vns_status_free(&st);
	vns_probes_free(&p);

	status_read(&st, &drops_off, 1, 0, 64 << 20, "none");
	probe_add(&p, "drops", "kfree_skb", VNS_PROBE_TRACEPOINT,
		  VNS_PROBE_DETACHED, 0, NULL);
	CHECK_STR(JSON_DOC(vns_status_print(&st, 1, &p)),
		  "{\"version\":\"0.1.0\",\"genl_version\":1,\"kernel\":\"6.1.0-56-amd64\",\"mem_bytes\":0,\"mem_limit\":67108864,\"kprobe_args\":\"none\",\"collectors\":[{\"name\":\"drops\",\"state\":\"off\",\"mem_bytes\":0,\"lost\":0,\"entries\":0,\"capacity\":0,\"filter\":null,\"counters\":{},\"probes\":[{\"name\":\"kfree_skb\",\"type\":\"tracepoint\",\"module\":null,\"state\":\"detached\",\"reason\":null,\"hits\":0}]}]}");
	f = out_open();
	vns_probes_print(&p);
	CHECK_STR(out_close(f), "drops kfree_skb (tracepoint): detached\n");
	CHECK_STR(JSON_DOC(vns_probes_print(&p)),
		  "{\"probes\":[{\"collector\":\"drops\",\"name\":\"kfree_skb\",\"type\":\"tracepoint\",\"module\":null,\"state\":\"detached\",\"reason\":null,\"hits\":0}]}");
	/* without argument access the text says so (not for the accessor) */
	f = out_open();
	vns_status_print(&st, 1, &p);
	CHECK_STR(out_close(f),
		  "vnetscope 0.1.0 (netlink v1), kernel 6.1.0-56-amd64, memory 0 B of 64.0 MiB, kprobe arguments: none\n"
		  "collector drops: off, filter: none\n"
		  "  memory 0 B, entries 0 of 0, lost 0\n"
		  "  probe kfree_skb (tracepoint): detached\n");
	vns_status_free(&st);

	/* a filter; the settings in JSON only; a probe of no collector */
	status_read(&st, filtered, 2, 0, 0, NULL);
	probe_add(&p, NULL, "ovs_dp_process_packet", VNS_PROBE_KPROBE,
		  VNS_PROBE_WAITING, 0, "openvswitch");
	f = out_open();
	vns_status_print(&st, 1, &p);
	CHECK_STR(out_close(f),
		  "vnetscope 0.1.0 (netlink v1), kernel 6.1.0-56-amd64, memory 0 B\n"
		  "collector drops: on, filter: proto=udp dport=9\n"
		  "  memory 0 B, entries 0 of 0, lost 0, seen 3\n"
		  "  probe kfree_skb (tracepoint): detached\n"
		  "collector latency: -, filter: none\n"
		  "  memory 0 B, entries 0 of 0, lost 0\n"
		  "probes of no collector:\n"
		  "  probe ovs_dp_process_packet (kprobe, module openvswitch): waiting for module\n");
	CHECK_STR(JSON_DOC(vns_status_print(&st, 1, &p)),
		  "{\"version\":\"0.1.0\",\"genl_version\":1,\"kernel\":\"6.1.0-56-amd64\",\"mem_bytes\":0,\"mem_limit\":null,\"kprobe_args\":null,\"collectors\":[{\"name\":\"drops\",\"state\":\"on\",\"mem_bytes\":0,\"lost\":0,\"entries\":0,\"capacity\":0,\"filter\":{\"proto\":\"udp\",\"dport\":9},\"config\":{\"threshold_us\":10000,\"phy\":\"eth0\",\"dir\":\"rx\"},\"counters\":{\"seen\":3},\"probes\":[{\"name\":\"kfree_skb\",\"type\":\"tracepoint\",\"module\":null,\"state\":\"detached\",\"reason\":null,\"hits\":0}]},{\"name\":\"latency\",\"state\":null,\"mem_bytes\":0,\"lost\":0,\"entries\":0,\"capacity\":0,\"filter\":null,\"config\":{\"threshold_us\":10000,\"phy\":\"eth0\",\"dir\":\"rx\"},\"counters\":{},\"probes\":[]}],\"probes\":[{\"collector\":null,\"name\":\"ovs_dp_process_packet\",\"type\":\"kprobe\",\"module\":\"openvswitch\",\"state\":\"waiting\",\"reason\":null,\"hits\":0}]}");
	CHECK(VNS_GIVEN(&st.colls[1].config, VNS_SET_THRESHOLD) &&
	      st.colls[1].config.threshold_us == 10000 &&
	      !VNS_GIVEN(&st.colls[1].config, VNS_SET_STAGE_THRESHOLD), "config parsed");
	vns_status_free(&st);
	vns_probes_free(&p);
}

/*
 * What handlers cost: the collector's calls, timed calls and their time,
 * and a probe's; the average and the estimated total derived from them
 */
static void test_handlers(void)
{
	/* tun: 12800 calls, 200 timed in 306000 ns; latency: 100, none */
	static const struct tcoll colls[] = {
		{ .name = "tun", .state = VNS_COLL_ON,
		  .counters = { "dead" }, .values = { 0 },
		  .handlers = true, .calls = 12800, .timed = 200,
		  .timed_ns = 306000 },
		{ .name = "latency", .state = VNS_COLL_OFF,
		  .handlers = true, .calls = 100 },
	};
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct vns_probes p = { NULL, 0 };
	struct vns_status st;
	struct nl_msg *msg;
	FILE *f;

	status_read(&st, colls, 2, 0, 0, NULL);
	CHECK_INT((int)st.ncolls, 2);
	CHECK(VNS_HAS(&st.colls[0], VNS_COLL_A_CALLS) &&
	      st.colls[0].calls == 12800 && st.colls[0].timed == 200 &&
	      st.colls[0].timed_ns == 306000, "collector handlers parsed");

	/* a probe whose handler counts some of its calls as hits */
	msg = nlmsg_alloc();
	n = nla_nest_start(msg, VNS_A_PROBE);
	nla_put_string(msg, VNS_PROBE_A_NAME, "sock_def_readable");
	nla_put_u8(msg, VNS_PROBE_A_TYPE, VNS_PROBE_KPROBE);
	nla_put_string(msg, VNS_PROBE_A_COLLECTOR, "tun");
	nla_put_u8(msg, VNS_PROBE_A_STATE, VNS_PROBE_ATTACHED);
	nla_put_u64(msg, VNS_PROBE_A_HITS, 100);
	nla_put_u64(msg, VNS_PROBE_A_MISSED, 0);
	nla_put_u64(msg, VNS_PROBE_A_CALLS, 12800);
	nla_put_u64(msg, VNS_PROBE_A_TIMED, 200);
	nla_put_u64(msg, VNS_PROBE_A_TIMED_NS, 306000);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	CHECK_INT(vns_probes_add(tb, NULL, 0, &p), 0);
	nlmsg_free(msg);
	CHECK(VNS_HAS(&p.v[0], VNS_PROBE_A_CALLS) && p.v[0].calls == 12800 &&
	      p.v[0].timed == 200 && p.v[0].timed_ns == 306000,
	      "probe calls parsed");
	/* and one whose every call is a hit, none timed yet */
	probe_add(&p, "latency", "ip_output", VNS_PROBE_KPROBE,
		  VNS_PROBE_DETACHED, 100, NULL);

	f = out_open();
	vns_status_print(&st, 1, &p);
	CHECK_STR(out_close(f),
		  "vnetscope 0.1.0 (netlink v1), kernel 6.1.0-56-amd64, memory 0 B\n"
		  "collector tun: on, filter: none\n"
		  "  memory 0 B, entries 0 of 0, lost 0, dead 0\n"
		  "  handlers: 12800 calls, 200 timed, 1.530us a call, about 19.58ms in all\n"
		  "  probe sock_def_readable (kprobe): attached, 100 hits, 12800 calls, 1.530us a call\n"
		  "collector latency: off, filter: none\n"
		  "  memory 0 B, entries 0 of 0, lost 0\n"
		  "  handlers: 100 calls, 0 timed\n"
		  "  probe ip_output (kprobe): detached\n");
	CHECK_STR(JSON_DOC(vns_status_print(&st, 1, &p)),
		  "{\"version\":\"0.1.0\",\"genl_version\":1,\"kernel\":\"6.1.0-56-amd64\",\"mem_bytes\":0,\"mem_limit\":null,\"kprobe_args\":null,\"collectors\":[{\"name\":\"tun\",\"state\":\"on\",\"mem_bytes\":0,\"lost\":0,\"entries\":0,\"capacity\":0,\"filter\":null,\"counters\":{\"dead\":0},\"handlers\":{\"calls\":12800,\"timed\":200,\"timed_ns\":306000,\"avg_ns\":1530,\"total_ns\":19584000},\"probes\":[{\"name\":\"sock_def_readable\",\"type\":\"kprobe\",\"module\":null,\"state\":\"attached\",\"reason\":null,\"hits\":100,\"missed\":0,\"calls\":12800,\"timed\":200,\"timed_ns\":306000}]},{\"name\":\"latency\",\"state\":\"off\",\"mem_bytes\":0,\"lost\":0,\"entries\":0,\"capacity\":0,\"filter\":null,\"counters\":{},\"handlers\":{\"calls\":100,\"timed\":0,\"timed_ns\":0,\"avg_ns\":null,\"total_ns\":null},\"probes\":[{\"name\":\"ip_output\",\"type\":\"kprobe\",\"module\":null,\"state\":\"detached\",\"reason\":null,\"hits\":100}]}]}");
	f = out_open();
	vns_probes_print(&p);
	CHECK_STR(out_close(f),
		  "tun sock_def_readable (kprobe): attached, 100 hits, 12800 calls, 1.530us a call\n"
		  "latency ip_output (kprobe): detached\n");
	vns_status_free(&st);
	vns_probes_free(&p);
}

int main(void)
{
	test_status();
	test_kretprobe();
	test_handlers();
	free(memout_buf);
	return vns_test_done();
}
