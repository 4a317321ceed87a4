// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: flows, drop table entries parsed from
 * netlink attributes built as the module sends them, printed as text and
 * JSON, the growth between two reads, and the options (drops.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "drops.h"

/* ------------------------------------------------------------------ flow */

static const char *flow_str(struct vns_flow_info fi)
{
	static char buf[VNS_FLOW_STR_MAX];

	if (vns_flow_format(&fi, buf, sizeof(buf)) < 0)
		return "(truncated)";
	return buf;
}

static void test_flow_format(void)
{
	const u8 v4 = VNS_AF_INET, v6 = VNS_AF_INET6;
	char small[8];
	struct vns_flow_info fi;

	CHECK_STR(flow_str(ports(flow(v4, 17, "127.0.0.1", "127.0.0.1"),
				 40000, 9)),
		  "udp 127.0.0.1:40000 -> 127.0.0.1:9");
	CHECK_STR(flow_str(ports(flow(v4, 6, "10.0.0.1", "10.0.0.2"), 1, 80)),
		  "tcp 10.0.0.1:1 -> 10.0.0.2:80");
	CHECK_STR(flow_str(icmp(flow(v4, 1, "10.0.0.1", "10.0.0.2"), 8, 0)),
		  "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0");
	CHECK_STR(flow_str(ports(flow(v6, 6, "::1", "2001:db8::2"), 40000,
				 443)),
		  "tcp [::1]:40000 -> [2001:db8::2]:443");
	CHECK_STR(flow_str(ports(flow(v6, 17, "fe80::1", "ff02::fb"), 5353,
				 5353)),
		  "udp [fe80::1]:5353 -> [ff02::fb]:5353");
	CHECK_STR(flow_str(icmp(flow(v6, 58, "fe80::1", "ff02::1"), 135, 0)),
		  "icmpv6 fe80::1 -> ff02::1 type 135 code 0");
	CHECK_STR(flow_str(ports(flow(v4, 132, "10.0.0.1", "10.0.0.2"), 1, 2)),
		  "sctp 10.0.0.1:1 -> 10.0.0.2:2");
	CHECK_STR(flow_str(flow(v4, 47, "10.0.0.1", "10.0.0.2")),
		  "proto 47 10.0.0.1 -> 10.0.0.2");
	/* a non-first fragment: the kernel sends no ports */
	CHECK_STR(flow_str(flow(v4, 17, "10.0.0.1", "10.0.0.2")),
		  "udp 10.0.0.1 -> 10.0.0.2");
	fi = flow(v4, 17, "10.0.0.1", "10.0.0.2");
	fi.key.family = 7;
	CHECK_STR(flow_str(fi), "family 7");
	fi = ports(flow(v4, 17, "10.0.0.1", "10.0.0.2"), 1, 2);
	CHECK_INT(vns_flow_format(&fi, small, sizeof(small)), -1);

	CHECK_STR(JSON_DOC(vns_drop_flow_json(&fi)),
		  "{\"family\":\"ipv4\",\"src\":\"10.0.0.1\","
		  "\"dst\":\"10.0.0.2\",\"proto\":\"udp\",\"sport\":1,\"dport\":2}");
	fi = icmp(flow(v6, 58, "fe80::1", "ff02::1"), 135, 0);
	CHECK_STR(JSON_DOC(vns_drop_flow_json(&fi)),
		  "{\"family\":\"ipv6\",\"src\":\"fe80::1\",\"dst\":\"ff02::1\","
		  "\"proto\":\"icmpv6\",\"type\":135,\"code\":0}");
	fi = flow(v4, 47, "10.0.0.1", "10.0.0.2");
	CHECK_STR(JSON_DOC(vns_drop_flow_json(&fi)),
		  "{\"family\":\"ipv4\",\"src\":\"10.0.0.1\","
		  "\"dst\":\"10.0.0.2\",\"proto\":47}");
}

/* ----------------------------------------------------------------- drops */

struct tdrop {
	u64 count;
	u32 ifindex;
	const char *dev;
	unsigned int queue1;		/* the queue + 1; 0: absent */
	int reason;			/* -1: absent */
	const char *reason_name;
	const char *location;
	const struct vns_flow_info *flow;
	long long stack_id;		/* -1: absent, and no stack */
	const char *stack[4];
};

/* Build a VNS_A_DROP nest as the kernel would and append it to @d */
static int add(struct vns_drops *d, const struct tdrop *t)
{
	const struct vns_flow *f = t->flow ? &t->flow->key : NULL;
	size_t alen = f && f->family == VNS_AF_INET ? 4 : 16;
	struct nlattr *nest, *fl, *st;
	struct nl_msg *msg;
	int i, ret;

	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_DROP);
	nla_put_u64(msg, VNS_DROP_A_COUNT, t->count);
	nla_put_u32(msg, VNS_DROP_A_IFINDEX, t->ifindex);
	if (t->dev)
		nla_put_string(msg, VNS_DROP_A_DEV, t->dev);
	if (t->queue1)
		nla_put_u32(msg, VNS_DROP_A_QUEUE, t->queue1 - 1);
	if (t->reason >= 0)
		nla_put_u32(msg, VNS_DROP_A_REASON, (u32)t->reason);
	if (t->reason_name)
		nla_put_string(msg, VNS_DROP_A_REASON_NAME, t->reason_name);
	if (t->location)
		nla_put_string(msg, VNS_DROP_A_LOCATION, t->location);
	if (f) {
		fl = nla_nest_start(msg, VNS_DROP_A_FLOW);
		nla_put_u8(msg, VNS_FLOW_A_FAMILY, f->family);
		nla_put_u8(msg, VNS_FLOW_A_PROTO, f->proto);
		nla_put(msg, VNS_FLOW_A_SRC, (int)alen, f->src);
		nla_put(msg, VNS_FLOW_A_DST, (int)alen, f->dst);
		if (t->flow->has_ports) {
			nla_put_u16(msg, VNS_FLOW_A_SPORT, f->sport);
			nla_put_u16(msg, VNS_FLOW_A_DPORT, f->dport);
		}
		if (t->flow->has_icmp) {
			nla_put_u8(msg, VNS_FLOW_A_ICMP_TYPE, f->icmp_type);
			nla_put_u8(msg, VNS_FLOW_A_ICMP_CODE, f->icmp_code);
		}
		nla_nest_end(msg, fl);
	}
	if (t->stack_id >= 0) {
		nla_put_u32(msg, VNS_DROP_A_STACK_ID, (u32)t->stack_id);
		st = nla_nest_start(msg, VNS_DROP_A_STACK);
		for (i = 0; i < 4 && t->stack[i]; i++)
			nla_put_string(msg, VNS_STACK_A_FRAME, t->stack[i]);
		nla_nest_end(msg, st);
	}
	nla_nest_end(msg, nest);
	ret = vns_drops_add(d, nest);
	nlmsg_free(msg);
	return ret;
}

static struct vns_flow_info f_udp, f_icmp, f_tcp6;

static const struct tdrop t_udp = {
	.count = 23, .ifindex = 1, .dev = "lo", .reason = 3,
	.reason_name = "NO_SOCKET", .location = "__udp4_lib_rcv+0x5a/0xb40",
	.flow = &f_udp, .stack_id = 7,
	.stack = { "kfree_skb_reason+0x4e/0x110", "__udp4_lib_rcv+0x5a/0xb40" },
};

static const struct tdrop t_icmp = {
	.count = 4, .ifindex = 5, .dev = "veth0", .queue1 = 3, .reason = -1,
	.reason_name = "NETFILTER_DROP", .location = "nf_hook_slow+0x8e/0xb0",
	.flow = &f_icmp, .stack_id = 9,
	.stack = { "kfree_skb_reason+0x4e/0x110", "nf_hook_slow+0x8e/0xb0" },
};

/* no device, numeric reason only, not IP, stack lost */
static const struct tdrop t_arp = {
	.count = 2, .ifindex = 0, .reason = 2, .location = "arp_rcv+0x1/0x2",
	.stack_id = VNS_STACK_ID_NONE,
};

static const struct tdrop t_tcp6 = {
	.count = 1, .ifindex = 3, .dev = "eth0", .reason = -1,
	.location = "tcp_v6_rcv+0x10/0x900", .flow = &f_tcp6, .stack_id = 1,
	.stack = { "tcp_v6_rcv+0x10/0x900" },
};

/* Cut by the kernel to fit a message: its stack left out (VNS_A_TRUNCATED) */
static const struct tdrop t_cut = {
	.count = 1, .ifindex = 3, .dev = "eth0", .reason = -1,
	.location = "deep+0x1/0x2", .stack_id = 1,
};

static const char *print(const struct vns_drop *e, size_t rank, u64 count)
{
	FILE *f = out_open();

	vns_drop_print(rank, e, count);
	return out_close(f);
}

static void test_drop_parse_print(void)
{
	/* malformed: no count, an ifindex too short */
	const struct tattr bad[][2] = {
		{ { VNS_DROP_A_IFINDEX, N(u32, 1) } },
		{ { VNS_DROP_A_COUNT, N(u64, 1) },
		  { VNS_DROP_A_IFINDEX, N(u8, 1) } },
	};
	struct vns_drops d = { NULL, 0 };
	struct vns_drop *e;
	struct nl_msg *msg;
	struct nlattr *nest;
	size_t i;

	CHECK_INT(add(&d, &t_udp), 0);
	CHECK_INT(add(&d, &t_icmp), 0);
	CHECK_INT(add(&d, &t_arp), 0);
	CHECK_INT(add(&d, &t_tcp6), 0);
	CHECK_INT(d.n, 4);
	if (d.n != 4)
		goto out;

	e = &d.v[0];
	CHECK(e->count == 23 && e->ifindex == 1 && e->has_reason &&
	      e->reason == 3 && e->has_stack_id && e->stack_id == 7 &&
	      e->has_flow && e->has_stack && e->nstack == 2,
	      "udp entry fields");
	CHECK_STR(print(e, 1, e->count),
		  "#1 Count: 23 [device: lo] [reason: NO_SOCKET]\n"
		  "    udp 127.0.0.1:40000 -> 127.0.0.1:9\n"
		  "    location: __udp4_lib_rcv+0x5a/0xb40\n"
		  "    kfree_skb_reason+0x4e/0x110\n"
		  "    __udp4_lib_rcv+0x5a/0xb40\n");
	CHECK_STR(print(&d.v[1], 2, 4),
		  "#2 Count: 4 [device: veth0] [queue: 2] [reason: NETFILTER_DROP]\n"
		  "    icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0\n"
		  "    location: nf_hook_slow+0x8e/0xb0\n"
		  "    kfree_skb_reason+0x4e/0x110\n"
		  "    nf_hook_slow+0x8e/0xb0\n");
	CHECK_STR(print(&d.v[2], 3, 2),
		  "#3 Count: 2 [device: -] [reason: 2]\n"
		  "    non-IP\n"
		  "    location: arp_rcv+0x1/0x2\n"
		  "    [stack lost: table full]\n");
	CHECK_STR(print(&d.v[3], 4, 1),
		  "#4 Count: 1 [device: eth0]\n"
		  "    tcp [2001:db8::1]:40000 -> [2001:db8::2]:22\n"
		  "    location: tcp_v6_rcv+0x10/0x900\n"
		  "    tcp_v6_rcv+0x10/0x900\n");

	CHECK_STR(JSON_ELEM(vns_drop_print(1, &d.v[0], 23)),
		  "{\"count\":23,\"dev\":\"lo\",\"ifindex\":1,\"queue\":null,"
		  "\"reason\":\"NO_SOCKET\",\"reason_code\":3,"
		  "\"location\":\"__udp4_lib_rcv+0x5a/0xb40\","
		  "\"flow\":{\"family\":\"ipv4\",\"src\":\"127.0.0.1\","
		  "\"dst\":\"127.0.0.1\",\"proto\":\"udp\","
		  "\"sport\":40000,\"dport\":9},"
		  "\"stack\":[\"kfree_skb_reason+0x4e/0x110\","
		  "\"__udp4_lib_rcv+0x5a/0xb40\"]}");
	CHECK_STR(JSON_ELEM(vns_drop_print(1, &d.v[2], 5)),
		  "{\"count\":5,\"dev\":null,\"ifindex\":0,\"queue\":null,"
		  "\"reason\":null,"
		  "\"reason_code\":2,\"location\":\"arp_rcv+0x1/0x2\","
		  "\"flow\":null,\"stack\":null}");

	/* a cut entry says so, and not that the stack could not be unwound */
	CHECK_INT(add(&d, &t_cut), 0);
	if (d.n == 5) {
		d.v[4].truncated = true;
		CHECK_STR(print(&d.v[4], 5, 1),
			  "#5 Count: 1 [device: eth0]\n"
			  "    non-IP\n"
			  "    location: deep+0x1/0x2\n"
			  "    [truncated: too big for a netlink message]\n");
		CHECK(strstr(JSON_ELEM(vns_drop_print(5, &d.v[4], 1)),
			     "\"truncated\":true") != NULL, "truncated in JSON");
		CHECK(!strstr(JSON_ELEM(vns_drop_print(1, &d.v[0], 23)),
			      "truncated"), "whole entries without it");
	}

	/* malformed entries are refused and not added */
	for (i = 0; i < VNS_ARRAY_SIZE(bad); i++) {
		msg = nest_msg(VNS_A_DROP, bad[i], 2, &nest);
		CHECK_INT(vns_drops_add(&d, nest), -EBADMSG);
		nlmsg_free(msg);
	}
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_DROP);
	nla_put_u64(msg, VNS_DROP_A_COUNT, 1);
	nla_put_string(msg, VNS_DROP_A_LOCATION, "x");
	nest = nla_nest_start(msg, VNS_DROP_A_STACK);
	nla_put(msg, VNS_STACK_A_FRAME, 3, "abc");	/* no NUL */
	nla_nest_end(msg, nest);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_DROP);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_drops_add(&d, nest), -EBADMSG);
	nlmsg_free(msg);
	CHECK_INT(d.n, 5);
out:
	vns_drops_free(&d);
}

static struct tdrop with_count(struct tdrop t, u64 count)
{
	t.count = count;
	return t;
}

static void test_drop_delta(void)
{
	struct vns_drops prev = { NULL, 0 }, cur = { NULL, 0 };
	struct vns_drop_view *v = NULL;
	struct vns_flow_info f_other;
	struct tdrop t;
	size_t n;

	/* prev: udp 23, icmp 4, arp 2 */
	add(&prev, &t_udp);
	add(&prev, &t_icmp);
	add(&prev, &t_arp);

	/* nothing changed: no entries */
	add(&cur, &t_udp);
	add(&cur, &t_icmp);
	add(&cur, &t_arp);
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK_INT(n, 0);
	free(v);
	vns_drops_free(&cur);

	/*
	 * cur, in the kernel's order: udp 30 (+7), icmp 14 (+10), a new tcp6
	 * entry 3, arp 2 (+0), and the udp flow from another port 7 (new).
	 */
	add(&cur, &(struct tdrop){ .count = 30 });	/* placeholder */
	vns_drops_free(&cur);
	t = with_count(t_udp, 30);
	add(&cur, &t);
	t = with_count(t_icmp, 14);
	add(&cur, &t);
	t = with_count(t_tcp6, 3);
	add(&cur, &t);
	add(&cur, &t_arp);
	f_other = f_udp;
	f_other.key.sport = 40001;
	t = with_count(t_udp, 7);
	t.flow = &f_other;
	add(&cur, &t);

	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK(v[0].e == &cur.v[1] && v[0].count == 10, "#1 icmp +10");
		CHECK(v[1].e == &cur.v[0] && v[1].count == 7, "#2 udp +7");
		/* a tie: the kernel's order decides */
		CHECK(v[2].e == &cur.v[4] && v[2].count == 7,
		      "#3 new udp flow 7");
		CHECK(v[3].e == &cur.v[2] && v[3].count == 3, "#4 new tcp6 3");
	}
	free(v);

	/* every identity field counts: ifindex, queue, reason, location, stack */
	vns_drops_free(&cur);
	t = with_count(t_udp, 24);
	t.ifindex = 2;
	add(&cur, &t);
	t = with_count(t_udp, 25);
	t.reason = 4;
	add(&cur, &t);
	t = with_count(t_udp, 26);
	t.location = "elsewhere+0x1/0x2";
	add(&cur, &t);
	t = with_count(t_udp, 27);
	t.stack_id = 8;
	add(&cur, &t);
	t = with_count(t_udp, 28);
	t.dev = "renamed";		/* the device name is not identity */
	add(&cur, &t);
	t = with_count(t_udp, 29);
	t.queue1 = 2;			/* another queue: another entry */
	add(&cur, &t);
	t = with_count(t_icmp, 30);
	t.queue1 = 1;			/* queue 0, not 2 */
	add(&cur, &t);
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK_INT(n, 7);
	if (n == 7) {
		CHECK_INT(v[0].count, 30);
		CHECK_INT(v[1].count, 29);
		CHECK_INT(v[2].count, 27);
		CHECK_INT(v[3].count, 26);
		CHECK_INT(v[4].count, 25);
		CHECK_INT(v[5].count, 24);
		CHECK_INT(v[6].count, 5);	/* 28 - 23 */
	}
	free(v);

	/* a count that went down was reset: all of it is new */
	vns_drops_free(&cur);
	t = with_count(t_udp, 5);
	add(&cur, &t);
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK(n == 1 && v[0].count == 5, "reset entry counts from 0");
	free(v);

	/* an empty previous read: everything, ranked */
	vns_drops_free(&cur);
	vns_drops_free(&prev);
	add(&cur, &t_arp);
	add(&cur, &t_udp);
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK(n == 2 && v[0].count == 23 && v[1].count == 2,
	      "delta from nothing");
	free(v);
	CHECK_INT(vns_drops_view(&cur, &v, &n), 0);
	CHECK(n == 2 && v[0].count == 2 && v[1].count == 23,
	      "cumulative view keeps the kernel's order");
	free(v);

	/* both empty */
	vns_drops_free(&cur);
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK_INT(n, 0);
	free(v);
	vns_drops_free(&prev);
}

/* Many entries: the hash table finds every one of them */
static void test_drop_delta_many(void)
{
	struct vns_drops prev = { NULL, 0 }, cur = { NULL, 0 };
	struct vns_drop_view *v = NULL;
	struct tdrop t;
	bool ok = true;
	size_t n, i;

	for (i = 0; i < 3000; i++) {
		t = with_count(t_arp, 100);
		t.ifindex = (u32)i;
		add(&prev, &t);
		t.count = 100 + (i % 7 == 0 ? i : 0);
		add(&cur, &t);
	}
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK_INT(n, 428);		/* i = 7, 14, ..., 2996 */
	for (i = 0; i < n; i++)
		ok = ok && v[i].count == v[i].e->ifindex &&
		     (!i || v[i].count < v[i - 1].count);
	CHECK(ok, "3000 entries: growth and ranking");
	free(v);
	vns_drops_free(&prev);
	vns_drops_free(&cur);
}

int main(void)
{
	f_udp = ports(flow(VNS_AF_INET, 17, "127.0.0.1", "127.0.0.1"), 40000,
		      9);
	f_icmp = icmp(flow(VNS_AF_INET, 1, "10.0.0.1", "10.0.0.2"), 8, 0);
	f_tcp6 = ports(flow(VNS_AF_INET6, 6, "2001:db8::1", "2001:db8::2"),
		       40000, 22);

	test_flow_format();
	test_drop_parse_print();
	test_drop_delta();
	test_drop_delta_many();
	free(memout_buf);
	return vns_test_done();
}
