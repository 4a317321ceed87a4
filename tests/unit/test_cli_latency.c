// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the latency
 * report built from synthetic dumps:
 * parsing, growth, text and JSON (latency.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "cmd.h"
#include "latency.h"

/* One VNS_CMD_LATENCY_GET message: a pair (@to != 0) or a direction */
static int add_lat(struct vns_stage_lats *l, u8 kind, u8 from, u8 to,
		   u8 dir, u64 sum, u64 max, const u64 *buckets, int n)
{
	struct nlattr *tb[VNS_A_MAX + 1], *nest;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	nest = nla_nest_start(msg, VNS_A_LATENCY);
	nla_put_u8(msg, VNS_LATENCY_A_KIND, kind);
	if (kind == VNS_LATENCY_PAIR) {
		nla_put_u8(msg, VNS_LATENCY_A_FROM, from);
		nla_put_u8(msg, VNS_LATENCY_A_TO, to);
	} else {
		nla_put_u8(msg, VNS_LATENCY_A_DIR, dir);
	}
	put_hist(msg, VNS_LATENCY_A_HIST, sum, max, buckets, n);
	nla_nest_end(msg, nest);
	msg_tb(msg, tb);
	ret = vns_stage_lats_add(l, tb[VNS_A_LATENCY]);
	nlmsg_free(msg);
	return ret;
}

/* 10 packets through a 20 ms netem delay; 100 from IP_OUT, spread */
static const u64 lb_qdisc[15] = { [14] = 10 };
static const u64 lb_ipout[11] = { [3] = 90, [5] = 9, [10] = 1 };
static const u64 lb_tx[16] = { [14] = 9, [15] = 1 };

/* A read: IP_OUT -> QDISC_ENQ, QDISC_ENQ -> QDISC_DEQ, rx (none), tx */
static void latency_read(struct vns_stage_lats *l, u64 more)
{
	u64 q[15], t[16];

	memcpy(q, lb_qdisc, sizeof(q));
	memcpy(t, lb_tx, sizeof(t));
	q[14] += more;
	t[14] += more;
	memset(l, 0, sizeof(*l));
	CHECK_INT(add_lat(l, VNS_LATENCY_PAIR, VNS_STAGE_IP_OUT,
			  VNS_STAGE_QDISC_ENQ, 0, 1500, 1500, lb_ipout, 11), 0);
	CHECK_INT(add_lat(l, VNS_LATENCY_PAIR, VNS_STAGE_QDISC_ENQ,
			  VNS_STAGE_QDISC_DEQ, 0, 201000 + more * 20000, 20112,
			  q, 15), 0);
	CHECK_INT(add_lat(l, VNS_LATENCY_TOTAL, 0, 0, VNS_DIR_RX, 0, 0, NULL,
			  0), 0);
	CHECK_INT(add_lat(l, VNS_LATENCY_TOTAL, 0, 0, VNS_DIR_TX,
			  240000 + more * 20000, 40000, t, 16), 0);
	l->has[VNS_LSUM_TRACKED] = true;
	l->sum[VNS_LSUM_TRACKED] = 112 + more;
	l->has[VNS_LSUM_COMPLETED] = true;
	l->sum[VNS_LSUM_COMPLETED] = 110 + more;
	l->has[VNS_LSUM_INCOMPLETE] = true;
	l->sum[VNS_LSUM_INCOMPLETE] = 1;
	l->has[VNS_LSUM_LOST] = true;
	l->sum[VNS_LSUM_LOST] = 0;
	l->has[VNS_LSUM_BUSY] = true;
	l->sum[VNS_LSUM_BUSY] = 3;
}

#define HIST_HEAD \
	"     usecs               : count     distribution\n"
#define HIST_ZEROS_0_13							\
	"         0 -> 1          : 0        |                                        |\n" \
	"         2 -> 3          : 0        |                                        |\n" \
	"         4 -> 7          : 0        |                                        |\n" \
	"         8 -> 15         : 0        |                                        |\n" \
	"        16 -> 31         : 0        |                                        |\n" \
	"        32 -> 63         : 0        |                                        |\n" \
	"        64 -> 127        : 0        |                                        |\n" \
	"       128 -> 255        : 0        |                                        |\n" \
	"       256 -> 511        : 0        |                                        |\n" \
	"       512 -> 1023       : 0        |                                        |\n" \
	"      1024 -> 2047       : 0        |                                        |\n" \
	"      2048 -> 4095       : 0        |                                        |\n" \
	"      4096 -> 8191       : 0        |                                        |\n" \
	"      8192 -> 16383      : 0        |                                        |\n"

static void test_latency_dump(void)
{
	/* malformed: a pair without its end, a direction without its kind */
	const struct tattr bad[][2] = {
		{ { VNS_LATENCY_A_KIND, N(u8, VNS_LATENCY_PAIR) },
		  { VNS_LATENCY_A_FROM, N(u8, VNS_STAGE_IP_OUT) } },
		{ { VNS_LATENCY_A_DIR, N(u8, VNS_DIR_TX) } },
		{ { VNS_LATENCY_A_KIND, N(u8, VNS_LATENCY_TOTAL) } },
	};
	struct nlattr *tb[VNS_A_MAX + 1], *nest;
	struct vns_stage_lats l, one;
	struct nl_msg *msg;
	char buf[16];
	size_t i;
	FILE *f;

	latency_read(&l, 0);
	CHECK_INT(l.n, 4);
	if (l.n != 4)
		goto out;
	CHECK(l.v[0].kind == VNS_LATENCY_PAIR &&
	      l.v[0].from == VNS_STAGE_IP_OUT &&
	      l.v[0].to == VNS_STAGE_QDISC_ENQ && l.v[0].hist.count == 100 &&
	      l.v[0].hist.buckets[3] == 90 && l.v[0].hist.max == 1500,
	      "IP_OUT -> QDISC_ENQ");
	CHECK(l.v[1].kind == VNS_LATENCY_PAIR &&
	      l.v[1].from == VNS_STAGE_QDISC_ENQ &&
	      l.v[1].to == VNS_STAGE_QDISC_DEQ && l.v[1].hist.count == 10 &&
	      l.v[1].hist.buckets[14] == 10 && l.v[1].hist.sum == 201000 &&
	      l.v[1].hist.max == 20112, "QDISC_ENQ -> QDISC_DEQ");
	CHECK(l.v[2].kind == VNS_LATENCY_TOTAL && l.v[2].dir == VNS_DIR_RX &&
	      !l.v[2].hist.count, "rx total, empty");
	CHECK(l.v[3].kind == VNS_LATENCY_TOTAL && l.v[3].dir == VNS_DIR_TX &&
	      l.v[3].hist.count == 10 && l.v[3].hist.buckets[15] == 1,
	      "tx total");
	CHECK_INT(vns_hist_percentile(&l.v[0].hist, 500), 15);
	CHECK_INT(vns_hist_percentile(&l.v[0].hist, 990), 63);
	CHECK_INT(vns_hist_percentile(&l.v[0].hist, 999), 1500);

	/* a kind of a newer module is skipped; malformed records are not */
	CHECK_INT(add_lat(&l, 7, 0, 0, 1, 0, 0, NULL, 0), 0);
	CHECK_INT(l.n, 4);
	for (i = 0; i < VNS_ARRAY_SIZE(bad); i++) {
		msg = nest_msg(VNS_A_LATENCY, bad[i], 2, &nest);
		msg_tb(msg, tb);
		CHECK_INT(vns_stage_lats_add(&l, tb[VNS_A_LATENCY]), -EBADMSG);
		nlmsg_free(msg);
	}
	CHECK_INT(l.n, 4);

	CHECK_STR(vns_stage_str(VNS_STAGE_QDISC_ENQ, buf, sizeof(buf)),
		  "QDISC_ENQ");
	CHECK_STR(vns_stage_str(200, buf, sizeof(buf)), "STAGE_200");

	/* text: one pair, exactly */
	one = l;
	one.v = &l.v[1];
	one.n = 1;
	f = out_open();
	vns_stage_lats_print(&one);
	CHECK_STR(out_close(f),
		  "QDISC_ENQ -> QDISC_DEQ: count 10, p50 20112us, p90 20112us, p99 20112us, p99.9 20112us, max 20112us\n"
		  HIST_HEAD
		  HIST_ZEROS_0_13
		  "     16384 -> 32767      : 10       |****************************************|\n"
		  "\n"
		  "tracked 112, completed 110, incomplete 1, lost 0, busy 3\n");

	/* the whole read: pairs, then tx (rx had none), then counters */
	l.has[VNS_LSUM_BUSY] = false;
	f = out_open();
	vns_stage_lats_print(&l);
	CHECK_STR(out_close(f),
		  "IP_OUT -> QDISC_ENQ: count 100, p50 15us, p90 15us, p99 63us, p99.9 1500us, max 1500us\n"
		  HIST_HEAD
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 90       |****************************************|\n"
		  "        16 -> 31         : 0        |                                        |\n"
		  "        32 -> 63         : 9        |****                                    |\n"
		  "        64 -> 127        : 0        |                                        |\n"
		  "       128 -> 255        : 0        |                                        |\n"
		  "       256 -> 511        : 0        |                                        |\n"
		  "       512 -> 1023       : 0        |                                        |\n"
		  "      1024 -> 2047       : 1        |                                        |\n"
		  "\n"
		  "QDISC_ENQ -> QDISC_DEQ: count 10, p50 20112us, p90 20112us, p99 20112us, p99.9 20112us, max 20112us\n"
		  HIST_HEAD
		  HIST_ZEROS_0_13
		  "     16384 -> 32767      : 10       |****************************************|\n"
		  "\n"
		  "end to end (tx): count 10, p50 32767us, p90 32767us, p99 40000us, p99.9 40000us, max 40000us\n"
		  HIST_HEAD
		  HIST_ZEROS_0_13
		  "     16384 -> 32767      : 9        |****************************************|\n"
		  "     32768 -> 65535      : 1        |****                                    |\n"
		  "\n"
		  "tracked 112, completed 110, incomplete 1, lost 0, busy -\n");

	/* JSON: the same records, the same selection */
	CHECK_STR(JSON_DOC(vns_stage_lats_print(&l)),
		  "{\"stages\":["
		  "{\"from\":\"IP_OUT\",\"to\":\"QDISC_ENQ\",\"count\":100,"
		  "\"sum_us\":1500,\"max_us\":1500,\"p50_us\":15,\"p90_us\":15,"
		  "\"p99_us\":63,\"p999_us\":1500,\"buckets\":["
		  "{\"low_us\":8,\"high_us\":15,\"count\":90},"
		  "{\"low_us\":32,\"high_us\":63,\"count\":9},"
		  "{\"low_us\":1024,\"high_us\":2047,\"count\":1}]},"
		  "{\"from\":\"QDISC_ENQ\",\"to\":\"QDISC_DEQ\",\"count\":10,"
		  "\"sum_us\":201000,\"max_us\":20112,\"p50_us\":20112,"
		  "\"p90_us\":20112,\"p99_us\":20112,\"p999_us\":20112,"
		  "\"buckets\":[{\"low_us\":16384,\"high_us\":32767,"
		  "\"count\":10}]}],"
		  "\"totals\":[{\"dir\":\"tx\",\"count\":10,\"sum_us\":240000,"
		  "\"max_us\":40000,\"p50_us\":32767,\"p90_us\":32767,"
		  "\"p99_us\":40000,\"p999_us\":40000,\"buckets\":["
		  "{\"low_us\":16384,\"high_us\":32767,\"count\":9},"
		  "{\"low_us\":32768,\"high_us\":65535,\"count\":1}]}],"
		  "\"tracked\":112,\"completed\":110,\"incomplete\":1,"
		  "\"lost\":0,\"busy\":null}");

	/* nothing measured */
	vns_stage_lats_free(&l);
	vns_stage_lats_counters(&l, NULL);
	f = out_open();
	vns_stage_lats_print(&l);
	CHECK_STR(out_close(f),
		  "no latency data\n"
		  "tracked -, completed -, incomplete -, lost -, busy -\n");
	CHECK_STR(JSON_DOC(vns_stage_lats_print(&l)),
		  "{\"stages\":[],\"totals\":[],\"tracked\":null,"
		  "\"completed\":null,\"incomplete\":null,\"lost\":null,"
		  "\"busy\":null}");
out:
	vns_stage_lats_free(&l);
}

static void test_latency_delta(void)
{
	static const u64 lb_new[5] = { [4] = 2 };
	struct vns_stage_lats prev, cur, d;
	FILE *f;

	/* 5 more packets through the qdisc, none elsewhere, a new pair */
	latency_read(&prev, 0);
	latency_read(&cur, 5);
	CHECK_INT(add_lat(&cur, VNS_LATENCY_PAIR, VNS_STAGE_QDISC_DEQ,
			  VNS_STAGE_TX_QUEUE, 0, 40, 20, lb_new, 5), 0);
	cur.sum[VNS_LSUM_INCOMPLETE] = 0;	/* went down: a reset */
	CHECK_INT(vns_stage_lats_dup(&d, &cur), 0);
	vns_stage_lats_delta(&d, &prev);
	CHECK_INT(d.n, 5);
	if (d.n != 5)
		goto out;
	CHECK(d.v[0].hist.count == 0 && !d.v[0].max_bound, "no growth");
	CHECK(d.v[1].hist.count == 5 && d.v[1].hist.buckets[14] == 5 &&
	      d.v[1].hist.sum == 100000 && d.v[1].hist.max == 20112 &&
	      d.v[1].max_bound, "qdisc growth, max a bound");
	CHECK(d.v[4].hist.count == 2 && d.v[4].hist.max == 20 &&
	      !d.v[4].max_bound, "a new pair counts whole");
	CHECK(d.sum[VNS_LSUM_TRACKED] == 5 && d.sum[VNS_LSUM_COMPLETED] == 5 &&
	      d.sum[VNS_LSUM_INCOMPLETE] == 0 && d.sum[VNS_LSUM_BUSY] == 0,
	      "counter growth");
	CHECK(cur.v[1].hist.count == 15, "the read itself is left alone");

	f = out_open();
	vns_stage_lats_print(&d);
	CHECK_STR(out_close(f),
		  "QDISC_ENQ -> QDISC_DEQ: count 5, p50 20112us, p90 20112us, p99 20112us, p99.9 20112us, max <=20112us\n"
		  HIST_HEAD
		  HIST_ZEROS_0_13
		  "     16384 -> 32767      : 5        |****************************************|\n"
		  "\n"
		  "QDISC_DEQ -> TX_QUEUE: count 2, p50 20us, p90 20us, p99 20us, p99.9 20us, max 20us\n"
		  HIST_HEAD
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 2        |****************************************|\n"
		  "\n"
		  "end to end (tx): count 5, p50 32767us, p90 32767us, p99 32767us, p99.9 32767us, max <=32767us\n"
		  HIST_HEAD
		  HIST_ZEROS_0_13
		  "     16384 -> 32767      : 5        |****************************************|\n"
		  "\n"
		  "tracked 5, completed 5, incomplete 0, lost 0, busy 0\n");
	/* the bound shows in JSON too */
	d.n = 2;
	d.v[0] = d.v[1];
	d.v[1] = d.v[4];
	CHECK_STR(JSON_DOC(vns_stage_lats_print(&d)),
		  "{\"stages\":["
		  "{\"from\":\"QDISC_ENQ\",\"to\":\"QDISC_DEQ\",\"count\":5,"
		  "\"sum_us\":100000,\"max_us\":20112,\"p50_us\":20112,"
		  "\"p90_us\":20112,\"p99_us\":20112,\"p999_us\":20112,"
		  "\"buckets\":[{\"low_us\":16384,\"high_us\":32767,"
		  "\"count\":5}],\"max_bound\":true},"
		  "{\"from\":\"QDISC_DEQ\",\"to\":\"TX_QUEUE\",\"count\":2,"
		  "\"sum_us\":40,\"max_us\":20,\"p50_us\":20,\"p90_us\":20,"
		  "\"p99_us\":20,\"p999_us\":20,\"buckets\":[{\"low_us\":16,"
		  "\"high_us\":31,\"count\":2}]}],"
		  "\"totals\":[],\"tracked\":5,\"completed\":5,"
		  "\"incomplete\":0,\"lost\":0,\"busy\":0}");
out:
	vns_stage_lats_free(&d);
	vns_stage_lats_free(&cur);
	vns_stage_lats_free(&prev);
}

int main(void)
{
	test_latency_dump();
	test_latency_delta();
	free(memout_buf);
	return vns_test_done();
}
