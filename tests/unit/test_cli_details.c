// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: latency
 * --details records (VNS_A_LAT_EVENT) built as the module sends them over
 * netlink, parsed, and printed as text and JSON (details.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "details.h"

struct thop {
	u8 stage;
	const char *dev;		/* NULL: absent */
	u32 cpu;
	u64 offset, delta;
};

struct tevent {
	u64 ts, total, slow;
	u32 cpu, ip_id, l4, pid;
	u8 dir, why, slow_from, slow_to;	/* slow_to 0: no slowest stage */
	const struct vns_flow_info *flow;
	const char *comm;		/* NULL: absent */
	int nhops;
	struct thop hop[40];
	bool unknown;			/* add attributes of a newer module */
};

static struct nl_msg *event_msg(const struct tevent *t)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *ev, *h;
	int i;

	ev = nla_nest_start(msg, VNS_A_LAT_EVENT);
	nla_put_u64(msg, VNS_LAT_EVENT_A_TIME_NS, t->ts);
	nla_put_u32(msg, VNS_LAT_EVENT_A_CPU, t->cpu);
	nla_put_u8(msg, VNS_LAT_EVENT_A_DIR, t->dir);
	put_flow(msg, VNS_LAT_EVENT_A_FLOW, t->flow);
	nla_put_u32(msg, VNS_LAT_EVENT_A_IP_ID, t->ip_id);
	nla_put_u32(msg, VNS_LAT_EVENT_A_L4, t->l4);
	nla_put_u64(msg, VNS_LAT_EVENT_A_TOTAL_NS, t->total);
	nla_put_u8(msg, VNS_LAT_EVENT_A_WHY, t->why);
	if (t->slow_to) {
		nla_put_u8(msg, VNS_LAT_EVENT_A_SLOW_FROM, t->slow_from);
		nla_put_u8(msg, VNS_LAT_EVENT_A_SLOW_TO, t->slow_to);
		nla_put_u64(msg, VNS_LAT_EVENT_A_SLOW_NS, t->slow);
	}
	nla_put_u32(msg, VNS_LAT_EVENT_A_PID, t->pid);
	if (t->comm)
		nla_put_string(msg, VNS_LAT_EVENT_A_COMM, t->comm);
	if (t->unknown)
		nla_put_u32(msg, 200, 1);
	for (i = 0; i < t->nhops; i++) {
		h = nla_nest_start(msg, VNS_LAT_EVENT_A_HOP);
		nla_put_u8(msg, VNS_LAT_HOP_A_STAGE, t->hop[i].stage);
		if (t->hop[i].dev)
			nla_put_string(msg, VNS_LAT_HOP_A_DEV, t->hop[i].dev);
		nla_put_u32(msg, VNS_LAT_HOP_A_CPU, t->hop[i].cpu);
		nla_put_u64(msg, VNS_LAT_HOP_A_OFFSET_NS, t->hop[i].offset);
		nla_put_u64(msg, VNS_LAT_HOP_A_DELTA_NS, t->hop[i].delta);
		if (t->unknown)
			nla_put_u32(msg, 100, 7);
		nla_nest_end(msg, h);
	}
	nla_nest_end(msg, ev);
	return msg;
}

/* Parse @t's message as the dump callback does */
static int parse(const struct tevent *t, struct vns_event *e)
{
	struct nlattr *tb[VNS_A_MAX + 1];
	struct nl_msg *msg = event_msg(t);
	int ret;

	msg_tb(msg, tb);
	ret = tb[VNS_A_LAT_EVENT] ? vns_event_parse(e, tb[VNS_A_LAT_EVENT]) :
				    -100;
	nlmsg_free(msg);
	return ret;
}

static struct vns_flow_info f_icmp, f_udp6;

/* The record of a line from the 4.19 VM run (91-details.sh) */
static struct tevent ev_ping = {
	.ts = 34200598210ULL, .cpu = 1, .dir = VNS_DIR_TX, .ip_id = 3066,
	.l4 = 0x04510001, .total = 22198110, .why = VNS_LAT_WHY_TOTAL,
	.slow_from = VNS_STAGE_QDISC_ENQ, .slow_to = VNS_STAGE_QDISC_DEQ,
	.slow = 20174260, .pid = 0, .comm = "swapper/1", .nhops = 6,
	.hop = {
		{ VNS_STAGE_IP_OUT, "va", 1, 0, 0 },
		{ VNS_STAGE_PHY_QUEUE, "va", 1, 319040, 319040 },
		{ VNS_STAGE_QDISC_ENQ, "va", 1, 1756180, 1437140 },
		{ VNS_STAGE_QDISC_DEQ, "va", 1, 21930440, 20174260 },
		{ VNS_STAGE_TX_QUEUE, "va", 1, 21994420, 63980 },
		{ VNS_STAGE_TX_XMIT, "va", 1, 22198110, 203690 },
	},
};

/* IPv6, ports, both reasons, no slowest stage, an unknown stage */
static struct tevent ev_udp6 = {
	.ts = 5000000123456ULL, .cpu = 0, .dir = VNS_DIR_RX, .ip_id = 0,
	.l4 = 0xdeadbeef, .total = 1500,
	.why = VNS_LAT_WHY_TOTAL | VNS_LAT_WHY_STAGE, .pid = 4242,
	.comm = "a_b", .nhops = 2, .unknown = true,
	.hop = {
		{ VNS_STAGE_PHY_RX, "eth0", 3, 0, 0 },
		{ 99, NULL, 0, 1500, 1500 },
	},
};

static void test_event_parse(void)
{
	static const u8 a1[4] = { 10, 20, 0, 1 }, a3[4] = { 10, 20, 0, 3 };
	struct tevent t;
	struct vns_event e;
	struct nl_msg *msg;
	struct nlattr *nest, *h;
	int i;

	CHECK_INT(parse(&ev_ping, &e), 0);
	CHECK(e.ts_ns == 34200598210ULL && e.cpu == 1 && e.dir == VNS_DIR_TX &&
	      e.flow.key.family == VNS_AF_INET && e.flow.key.proto == 1 &&
	      !memcmp(e.flow.key.src, a1, 4) && !memcmp(e.flow.key.dst, a3, 4),
	      "head of the record");
	CHECK(e.flow.has_icmp && !e.flow.has_ports &&
	      e.flow.key.icmp_type == 8 && e.ip_id == 3066 &&
	      e.l4 == 0x04510001 && e.total_ns == 22198110 &&
	      e.why == VNS_LAT_WHY_TOTAL, "flow, id");
	CHECK(e.has_slow && e.slow_from == VNS_STAGE_QDISC_ENQ &&
	      e.slow_to == VNS_STAGE_QDISC_DEQ && e.slow_ns == 20174260,
	      "slow");
	CHECK_STR(e.comm, "swapper/1");
	CHECK_INT(e.nr_hops, 6);
	CHECK(e.hop[3].stage == VNS_STAGE_QDISC_DEQ && e.hop[3].cpu == 1 &&
	      e.hop[3].offset_ns == 21930440 && e.hop[3].delta_ns == 20174260,
	      "hop4");
	CHECK_STR(e.hop[3].dev, "va");

	CHECK_INT(parse(&ev_udp6, &e), 0);
	CHECK(e.flow.has_ports && e.flow.key.sport == 40000 && !e.has_slow &&
	      e.why == 3 && e.nr_hops == 2 && !e.hop[1].dev[0] &&
	      e.hop[1].stage == 99, "IPv6 UDP, unknown attributes skipped");

	/* no comm: "-", as the events file has it */
	t = ev_ping;
	t.comm = NULL;
	CHECK_INT(parse(&t, &e), 0);
	CHECK_STR(e.comm, "-");

	/* more hops than a record keeps: counted, not parsed */
	t = ev_ping;
	t.nhops = 40;
	for (i = 6; i < 40; i++)
		t.hop[i] = t.hop[5];
	CHECK_INT(parse(&t, &e), 0);
	CHECK(e.nr_hops == VNS_EV_HOPS && e.hops_dropped == 40 - VNS_EV_HOPS,
	      "hops past VNS_EV_HOPS: %u, %u", e.nr_hops, e.hops_dropped);

	/* malformed: a time, a direction and a flow are needed */
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_LAT_EVENT);
	nla_put_u32(msg, VNS_LAT_EVENT_A_CPU, 1);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_event_parse(&e, nest), -EBADMSG);
	nlmsg_free(msg);
	/* a u64 of 4 bytes */
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_LAT_EVENT);
	nla_put_u32(msg, VNS_LAT_EVENT_A_TIME_NS, 1);
	nla_put_u8(msg, VNS_LAT_EVENT_A_DIR, 1);
	put_flow(msg, VNS_LAT_EVENT_A_FLOW, &f_icmp);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_event_parse(&e, nest), -EBADMSG);
	nlmsg_free(msg);
	/* a hop without its stage */
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_LAT_EVENT);
	nla_put_u64(msg, VNS_LAT_EVENT_A_TIME_NS, 1);
	nla_put_u8(msg, VNS_LAT_EVENT_A_DIR, 1);
	put_flow(msg, VNS_LAT_EVENT_A_FLOW, &f_icmp);
	h = nla_nest_start(msg, VNS_LAT_EVENT_A_HOP);
	nla_put_u32(msg, VNS_LAT_HOP_A_CPU, 1);
	nla_nest_end(msg, h);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_event_parse(&e, nest), -EBADMSG);
	nlmsg_free(msg);
}

static void test_event_print(void)
{
	struct vns_event e;
	FILE *f;

	CHECK_INT(parse(&ev_ping, &e), 0);
	f = out_open();
	vns_event_print(&e, 0);
	CHECK_STR(out_close(f),
		  "34.200598 cpu1 tx icmp 10.20.0.1 -> 10.20.0.3 type 8 code 0 id 0xbfa l4 0x04510001  total 22.198 ms (end to end)  slowest QDISC_ENQ -> QDISC_DEQ 20.174 ms, pid 0 swapper/1\n"
		  "    IP_OUT               va              cpu1   +0.000 ms\n"
		  "    PHY_QUEUE            va              cpu1   +0.319 ms  (0.319)\n"
		  "    QDISC_ENQ            va              cpu1   +1.756 ms  (1.437)\n"
		  "    QDISC_DEQ            va              cpu1   +21.930 ms  (20.174)\n"
		  "    TX_QUEUE             va              cpu1   +21.994 ms  (0.064)\n"
		  "    TX_XMIT              va              cpu1   +22.198 ms  (0.204)\n");
	CHECK_STR(JSON_DOC(vns_event_print(&e, 0)),
		  "{\"ts_ns\":34200598210,\"cpu\":1,\"dir\":\"tx\",\"flow\":{\"family\":\"ipv4\",\"proto\":\"icmp\",\"src\":\"10.20.0.1\",\"dst\":\"10.20.0.3\",\"type\":8,\"code\":0},\"ip_id\":3066,\"l4\":72417281,\"total_us\":22198,\"why\":[\"total\"],\"slow\":{\"from\":\"QDISC_ENQ\",\"to\":\"QDISC_DEQ\",\"us\":20174,\"pid\":0,\"comm\":\"swapper/1\"},\"hops\":[{\"stage\":\"IP_OUT\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":0,\"delta_ns\":0},{\"stage\":\"PHY_QUEUE\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":319040,\"delta_ns\":319040},{\"stage\":\"QDISC_ENQ\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":1756180,\"delta_ns\":1437140},{\"stage\":\"QDISC_DEQ\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":21930440,\"delta_ns\":20174260},{\"stage\":\"TX_QUEUE\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":21994420,\"delta_ns\":63980},{\"stage\":\"TX_XMIT\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":22198110,\"delta_ns\":203690}]}");

	CHECK_INT(parse(&ev_udp6, &e), 0);
	f = out_open();
	vns_event_print(&e, 0);
	CHECK_STR(out_close(f),
		  "5000.000123 cpu0 rx udp [2001:db8::1]:40000 -> [2001:db8::2]:53 id 0x0 l4 0xdeadbeef  total 0.001 ms (end to end, one stage)\n"
		  "    PHY_RX               eth0            cpu3   +0.000 ms\n"
		  "    STAGE_99             -               cpu0   +0.002 ms  (0.002)\n");
	CHECK_STR(JSON_DOC(vns_event_print(&e, 0)),
		  "{\"ts_ns\":5000000123456,\"cpu\":0,\"dir\":\"rx\",\"flow\":{\"family\":\"ipv6\",\"proto\":\"udp\",\"src\":\"2001:db8::1\",\"dst\":\"2001:db8::2\",\"sport\":40000,\"dport\":53},\"ip_id\":0,\"l4\":3735928559,\"total_us\":1,\"why\":[\"total\",\"stage\"],\"slow\":{\"from\":null,\"to\":null,\"us\":0,\"pid\":4242,\"comm\":\"a_b\"},\"hops\":[{\"stage\":\"PHY_RX\",\"dev\":\"eth0\",\"cpu\":3,\"offset_ns\":0,\"delta_ns\":0},{\"stage\":\"STAGE_99\",\"dev\":null,\"cpu\":0,\"offset_ns\":1500,\"delta_ns\":1500}]}");
}

int main(void)
{
	f_icmp = icmp(flow(VNS_AF_INET, 1, "10.20.0.1", "10.20.0.3"), 8, 0);
	f_udp6 = ports(flow(VNS_AF_INET6, 17, "2001:db8::1", "2001:db8::2"),
		       40000, 53);
	ev_ping.flow = &f_icmp;
	ev_udp6.flow = &f_udp6;

	test_event_parse();
	test_event_print();
	free(memout_buf);
	return vns_test_done();
}
