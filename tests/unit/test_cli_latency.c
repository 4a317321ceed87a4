// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the latency options up to where they
 * would reach the kernel, and the report built from synthetic dumps:
 * parsing, growth, text and JSON (latency.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "cmd.h"
#include "latency.h"

static struct vns_latency_args cap_args;

static int run_latency_parse(int argc, char **argv)
{
	return vns_latency_parse(&cap_args, argc, argv);
}

/* enable: which collector takes what, all before the kernel */
static const struct run_case enable_bad[] = {
	{ { "enable", "latency", "dir=up" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid dir 'up': expected rx, tx or both\n" },
	{ { "enable", "latency", "vm=vnet0" }, VNS_EXIT_USAGE,
	  "vnetscope: vm=: the VM path needs the physical port too (phy=, --phy-interface)\n" },
	{ { "enable", "irqoff", "phy=eth0" }, VNS_EXIT_USAGE,
	  "vnetscope: phy=, vm=, dir= and stage_threshold= apply to the latency collector only, not irqoff\n" },
	{ { "enable", "irqoff", "stage_threshold=5ms" }, VNS_EXIT_USAGE,
	  "vnetscope: phy=, vm=, dir= and stage_threshold= apply to the latency collector only, not irqoff\n" },
	{ { "enable", "latency", "period=5ms" }, VNS_EXIT_USAGE,
	  "vnetscope: period= applies to the irqoff collector only, not latency\n" },
	{ { "enable", "timers", "threshold=5ms" }, VNS_EXIT_USAGE,
	  "vnetscope: unexpected argument 'threshold=5ms' (only irqoff and latency take settings)\n" },
	{ { "enable", "latency", "stage_threshold=0" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid stage_threshold '0': expected a duration from 1us to 10s, e.g. 5ms (units ns, us, ms, s; no unit: ms)\n" },
	{ { "enable", "drops", "dir=rx" }, VNS_EXIT_USAGE,
	  "vnetscope: unexpected argument 'dir=rx' (only irqoff and latency take settings)\n" },
	{ { "enable", "latency", "--dev", "eth0" }, VNS_EXIT_USAGE,
	  "vnetscope: --dev applies to the drops collector only, not latency\n" },
	{ { "enable", "timers", "--proto", "udp" }, VNS_EXIT_USAGE,
	  "vnetscope: filter options apply to the drops and latency collectors only, not timers\n" },
	{ { "enable", "nosuch" }, VNS_EXIT_USAGE,
	  "vnetscope: unknown collector 'nosuch' (known: drops, softirqs, timers, irqoff, latency)\n" },
};

static void test_latency_args(void)
{
	static const u8 dst[4] = { 10, 0, 0, 2 };
	struct vns_latency_args *a = &cap_args;
	static const struct {
		const char *args[6];
		const char *msg;
	} bad[] = {
		{ { "--direction", "up" },
		  "invalid --direction 'up': expected rx, tx or both" },
		{ { "--direction" }, "option '--direction' needs a value" },
		{ { "--phy-interface", "0123456789abcdef" },
		  "invalid --phy-interface '0123456789abcdef': expected an interface name (1 to 15 bytes, no '/', ':' or blanks)" },
		{ { "--vm-interface", "a/b" },
		  "invalid --vm-interface 'a/b': expected an interface name (1 to 15 bytes, no '/', ':' or blanks)" },
		{ { "--dev", "eth0" },
		  "--dev applies to the drops collector only, not latency" },
		{ { "--proto", "icmp", "--dport", "9" },
		  "--dport needs a protocol with ports (tcp, udp, sctp or udplite), not icmp" },
		{ { "--src-ip", "10.0.0.300" }, "invalid --src-ip '10.0.0.300'" },
		{ { "--count", "2" }, "--count needs --interval" },
		{ { "--interval", "0" },
		  "invalid --interval '0': expected seconds > 0, e.g. 1 or 0.5" },
		{ { "--interval", "1", "--count", "0" },
		  "invalid --count '0': expected a positive integer" },
		{ { "--cpu", "1" }, "unknown option '--cpu'" },
		{ { "--hist" }, "unknown option '--hist'" },
		{ { "--json=1" }, "option '--json' takes no value" },
		{ { "extra" }, "unexpected argument 'extra'" },
		{ { "--threshold", "10ms" }, "--threshold needs --details" },
		{ { "--stage-threshold", "5ms" },
		  "--stage-threshold needs --details" },
		{ { "--duration", "5" }, "--duration needs --details" },
		{ { "--details", "--threshold", "0" },
		  "invalid --threshold '0': expected a duration from 1us to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)" },
		{ { "--details", "--stage-threshold", "20s" },
		  "invalid --stage-threshold '20s': expected a duration from 1us to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)" },
		{ { "--details", "--duration", "-1" },
		  "invalid --duration '-1': expected seconds > 0, e.g. 10 or 0.5" },
		{ { "--details", "--duration", "0" },
		  "invalid --duration '0': expected seconds > 0, e.g. 10 or 0.5" },
		{ { "--details", "--interval", "1" },
		  "--interval and --count do not apply to --details (see --duration)" },
		{ { "--details", "--threshold" },
		  "option '--threshold' needs a value" },
		{ { "--details=1" }, "option '--details' takes no value" },
		{ { "--details", "--bogus" }, "unknown option '--bogus'" },
	};
	char want[512];
	size_t i;
	int ret;

	for (i = 0; i < VNS_ARRAY_SIZE(bad); i++) {
		ret = run(run_latency_parse, "latency", bad[i].args[0],
			  bad[i].args[1], bad[i].args[2], bad[i].args[3],
			  bad[i].args[4], NULL);
		CHECK(ret == VNS_EXIT_USAGE, "%s: exit %d", bad[i].args[0],
		      ret);
		snprintf(want, sizeof(want), "vnetscope: %s\n", bad[i].msg);
		CHECK_STR(cap_out, want);
	}

	ret = run(run_latency_parse, "latency", NULL);
	CHECK_INT(ret, -1);
	CHECK_STR(cap_out, "");
	CHECK(vns_config_is_empty(&a->read.cfg) && vns_filter_is_empty(&a->read.filter)
	      && !a->read.interval && !a->read.count && !a->read.json,
	      "no options");

	ret = run(run_latency_parse, "latency", "--direction", "tx",
		  "--phy-interface", "eth0", "--proto", "udp", "--dst-ip",
		  "10.0.0.2", "--dport", "5001", "--interval", "0.5",
		  "--count", "3", "--json", NULL);
	CHECK_INT(ret, -1);
	CHECK_STR(cap_out, "");
	CHECK(VNS_GIVEN(&a->read.cfg, VNS_SET_DIR) && a->read.cfg.dir == VNS_DIR_TX, "--direction tx");
	CHECK_STR(a->read.cfg.phy, "eth0");
	CHECK(!a->read.cfg.vm[0] && !VNS_GIVEN(&a->read.cfg, VNS_SET_PERIOD) && !VNS_GIVEN(&a->read.cfg, VNS_SET_THRESHOLD),
	      "only phy and dir");
	CHECK(a->read.filter.proto == 17 && a->read.filter.has_dport &&
	      a->read.filter.dport == 5001 && a->read.filter.dst_family == VNS_AF_INET &&
	      !memcmp(a->read.filter.dst, dst, 4) && !a->read.filter.has_dev,
	      "latency filter");
	CHECK(a->read.interval == 0.5 && a->read.count == 3 && a->read.json,
	      "interval, count, json");

	/* --details: no threshold unless given (vns_read_plan() decides) */
	ret = run(run_latency_parse, "latency", "--details", "--json",
		  "--phy-interface", "va", "--proto", "icmp", NULL);
	CHECK_INT(ret, -1);
	CHECK_STR(cap_out, "");
	CHECK(a->read.details && a->read.json && !a->duration &&
	      !VNS_GIVEN(&a->read.cfg, VNS_SET_THRESHOLD) && !VNS_GIVEN(&a->read.cfg, VNS_SET_STAGE_THRESHOLD) &&
	      a->read.filter.proto == 1, "--details defaults");
	ret = run(run_latency_parse, "latency", "--details",
		  "--stage-threshold", "5", "--duration", "2.5", NULL);
	CHECK_INT(ret, -1);
	CHECK(a->read.details && !VNS_GIVEN(&a->read.cfg, VNS_SET_THRESHOLD) &&
	      VNS_GIVEN(&a->read.cfg, VNS_SET_STAGE_THRESHOLD) && a->read.cfg.stage_threshold_us == 5000 &&
	      a->duration == 2.5, "--stage-threshold alone");
	ret = run(run_latency_parse, "latency", "--details", "--threshold",
		  "1us", "--stage-threshold", "500us", NULL);
	CHECK_INT(ret, -1);
	CHECK(a->read.cfg.threshold_us == 1 &&
	      a->read.cfg.stage_threshold_us == 500, "1us and 500us");
	ret = run(run_latency_parse, "latency", "--details", "--threshold",
		  "1500ns", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	ret = run(run_latency_parse, "latency", "--details", "--threshold",
		  "1s", "--stage-threshold", "1.5ms", NULL);
	CHECK_INT(ret, -1);
	CHECK(a->read.cfg.threshold_us == 1000000 &&
	      a->read.cfg.stage_threshold_us == 1500, "both thresholds");

	ret = run(run_latency_parse, "latency", "--help", NULL);
	CHECK_INT(ret, VNS_EXIT_OK);
	CHECK(strstr(cap_out, "  --stage-threshold D ") &&
	      strstr(cap_out, "  --duration S ") &&
	      strstr(cap_out, "vnetscope latency --details [--threshold D]"),
	      "--details in latency --help");
	CHECK(!strncmp(cap_out, "Usage: vnetscope latency [--direction ",
		       38), "usage: %.60s", cap_out);
	CHECK(!strstr(cap_out, "--dev"), "--dev in latency --help");

	/* the VM path: needs the physical port, refused before the kernel */
	ret = run(run_latency_parse, "latency", "--vm-interface", "vnet0",
		  "--phy-interface", "eth0", NULL);
	CHECK_INT(ret, -1);
	CHECK_STR(a->read.cfg.vm, "vnet0");
	ret = run(run_latency_parse, "latency", "--vm-interface", "vnet0",
		  NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	ret = run(cmd_latency, "latency", "--vm-interface", "vnet0", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: --vm-interface: the VM path needs the physical port too (phy=, --phy-interface)\n");

	RUN_CASES(cmd_enable, enable_bad);
}

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
	struct nlattr *tb[VNS_A_MAX + 1], *nest;
	struct vns_stage_lats l, one;
	struct nl_msg *msg;
	char buf[16];
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
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_LATENCY);
	nla_put_u8(msg, VNS_LATENCY_A_KIND, VNS_LATENCY_PAIR);
	nla_put_u8(msg, VNS_LATENCY_A_FROM, VNS_STAGE_IP_OUT);
	nla_nest_end(msg, nest);
	msg_tb(msg, tb);
	CHECK_INT(vns_stage_lats_add(&l, tb[VNS_A_LATENCY]), -EBADMSG);
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_LATENCY);
	nla_put_u8(msg, VNS_LATENCY_A_DIR, VNS_DIR_TX);
	nla_nest_end(msg, nest);
	msg_tb(msg, tb);
	CHECK_INT(vns_stage_lats_add(&l, tb[VNS_A_LATENCY]), -EBADMSG);
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_LATENCY);
	nla_put_u8(msg, VNS_LATENCY_A_KIND, VNS_LATENCY_TOTAL);
	nla_nest_end(msg, nest);
	msg_tb(msg, tb);
	CHECK_INT(vns_stage_lats_add(&l, tb[VNS_A_LATENCY]), -EBADMSG);
	nlmsg_free(msg);
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
	test_latency_args();
	test_latency_dump();
	test_latency_delta();
	free(memout_buf);
	return vns_test_done();
}
