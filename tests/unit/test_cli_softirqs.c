// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the softirqs report built from
 * synthetic dumps: parsing, growth, text and JSON (softirqs.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "softirqs.h"

/* -------------------------------------------------------------- softirqs */

static int add_ksirqd(struct vns_softirqs *s, u32 cpu, u32 pid, u64 rt)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_KSOFTIRQD);
	nla_put_u32(msg, VNS_KSIRQD_A_CPU, cpu);
	nla_put_u32(msg, VNS_KSIRQD_A_PID, pid);
	nla_put_u64(msg, VNS_KSIRQD_A_RUNTIME_NS, rt);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_softirqs_add(s, tb);
	nlmsg_free(msg);
	return ret;
}

struct tsirq {
	u32 cpu;
	u8 vec;
	u64 count, total, max, raised, wtotal, wmax;
	u64 hist[8];
	u64 whist[8];
};

static int add_sirq(struct vns_softirqs *s, const struct tsirq *t)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_SOFTIRQ);
	nla_put_u32(msg, VNS_SIRQ_A_CPU, t->cpu);
	nla_put_u8(msg, VNS_SIRQ_A_VEC, t->vec);
	nla_put_string(msg, VNS_SIRQ_A_NAME, vns_sirq_name(t->vec));
	nla_put_u64(msg, VNS_SIRQ_A_COUNT, t->count);
	nla_put_u64(msg, VNS_SIRQ_A_TOTAL_NS, t->total);
	nla_put_u64(msg, VNS_SIRQ_A_MAX_NS, t->max);
	put_hist(msg, VNS_SIRQ_A_HIST, t->total / 1000, t->max / 1000,
		 t->hist, 8);
	nla_put_u64(msg, VNS_SIRQ_A_RAISED, t->raised);
	nla_put_u64(msg, VNS_SIRQ_A_WAIT_TOTAL_NS, t->wtotal);
	nla_put_u64(msg, VNS_SIRQ_A_WAIT_MAX_NS, t->wmax);
	put_hist(msg, VNS_SIRQ_A_WAIT_HIST, t->wtotal / 1000, t->wmax / 1000,
		 t->whist, 8);
	nla_put_u32(msg, 200, 1);	/* unknown: ignored */
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_softirqs_add(s, tb);
	nlmsg_free(msg);
	return ret;
}

static const struct tsirq t_netrx0 = {
	.cpu = 0, .vec = 3, .count = 4, .total = 40000, .max = 20000,
	.raised = 4, .wtotal = 8000, .wmax = 5000,
	.hist = { [3] = 2, [4] = 2 }, .whist = { [0] = 2, [1] = 1, [2] = 1 },
};

static const struct tsirq t_timer0 = {
	.cpu = 0, .vec = 1, .count = 10, .total = 15000, .max = 3000,
	.raised = 10, .wtotal = 1000, .wmax = 400,
	.hist = { [0] = 8, [1] = 2 }, .whist = { [0] = 10 },
};

static const struct tsirq t_netrx1 = {
	.cpu = 1, .vec = 3, .count = 1, .total = 2000000, .max = 2000000,
	.raised = 1, .wtotal = 30000, .wmax = 30000,
	.hist = { [7] = 1 }, .whist = { [4] = 1 },
};

static void softirqs_read(struct vns_softirqs *s, u64 extra)
{
	struct tsirq t;

	memset(s, 0, sizeof(*s));
	/* CPU 1 first: the report orders them */
	CHECK_INT(add_ksirqd(s, 1, 22, 5000000 + extra * 1000), 0);
	CHECK_INT(add_sirq(s, &t_netrx1), 0);
	CHECK_INT(add_ksirqd(s, 0, 14, 1000000), 0);
	t = t_timer0;
	t.count += extra;
	t.total += extra * 1000;
	t.raised += extra;
	t.hist[0] += extra;
	t.whist[0] += extra;
	CHECK_INT(add_sirq(s, &t), 0);
	CHECK_INT(add_sirq(s, &t_netrx0), 0);
	vns_softirqs_sort(s);
}

static void test_softirqs(void)
{
	struct vns_softirqs s, prev;
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct vns_sirq_vec sum;
	struct nl_msg *msg;
	struct tsirq t;
	FILE *f;

	softirqs_read(&s, 0);
	CHECK_INT(s.n, 2);
	if (s.n != 2)
		goto out;
	CHECK(s.cpus[0].cpu == 0 && s.cpus[1].cpu == 1, "CPUs in order");
	CHECK(s.cpus[0].pid == 14 && s.cpus[0].runtime_ns == 1000000,
	      "ksoftirqd/0");
	CHECK(s.cpus[0].vec[3].present && s.cpus[0].vec[1].present &&
	      !s.cpus[0].vec[0].present, "vectors present");
	CHECK_STR(s.cpus[0].vec[3].name, "NET_RX");

	vns_sirq_total(&s, -1, 3, &sum);
	CHECK(sum.count == 5 && sum.total_ns == 2040000 &&
	      sum.max_ns == 2000000 && sum.raised == 5 &&
	      sum.wait_total_ns == 38000 && sum.wait_max_ns == 30000 &&
	      sum.hist.count == 5 && sum.hist.buckets[7] == 1,
	      "NET_RX over all CPUs");

	f = out_open();
	vns_softirqs_print(&s, 0, false);
	CHECK_STR(out_close(f),
		  "CPU 0: ksoftirqd/0 pid 14, runtime 1.000ms\n"
		  "  VECTOR         COUNT      TOTAL        AVG        MAX     RAISED   WAIT AVG   WAIT MAX\n"
		  "  TIMER             10    15.00us    1.500us    3.000us         10      100ns      400ns\n"
		  "  NET_RX             4    40.00us    10.00us    20.00us          4    2.000us    5.000us\n");
	f = out_open();
	vns_softirqs_print(&s, -1, false);
	CHECK_STR(out_close(f),
		  "CPU 0: ksoftirqd/0 pid 14, runtime 1.000ms\n"
		  "  VECTOR         COUNT      TOTAL        AVG        MAX     RAISED   WAIT AVG   WAIT MAX\n"
		  "  TIMER             10    15.00us    1.500us    3.000us         10      100ns      400ns\n"
		  "  NET_RX             4    40.00us    10.00us    20.00us          4    2.000us    5.000us\n"
		  "CPU 1: ksoftirqd/1 pid 22, runtime 5.000ms\n"
		  "  VECTOR         COUNT      TOTAL        AVG        MAX     RAISED   WAIT AVG   WAIT MAX\n"
		  "  NET_RX             1    2.000ms    2.000ms    2.000ms          1    30.00us    30.00us\n"
		  "all 2 CPUs:\n"
		  "  VECTOR         COUNT      TOTAL        AVG        MAX     RAISED   WAIT AVG   WAIT MAX\n"
		  "  TIMER             10    15.00us    1.500us    3.000us         10      100ns      400ns\n"
		  "  NET_RX             5    2.040ms    408.0us    2.000ms          5    7.600us    30.00us\n");
	f = out_open();
	vns_softirqs_print(&s, 1, true);
	CHECK_STR(out_close(f),
		  "CPU 1: ksoftirqd/1 pid 22, runtime 5.000ms\n"
		  "  VECTOR         COUNT      TOTAL        AVG        MAX     RAISED   WAIT AVG   WAIT MAX\n"
		  "  NET_RX             1    2.000ms    2.000ms    2.000ms          1    30.00us    30.00us\n"
		  "\n"
		  "NET_RX run time, CPU 1:\n"
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 0        |                                        |\n"
		  "        32 -> 63         : 0        |                                        |\n"
		  "        64 -> 127        : 0        |                                        |\n"
		  "       128 -> 255        : 1        |****************************************|\n"
		  "\n"
		  "NET_RX raise-to-entry wait, CPU 1:\n"
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 1        |****************************************|\n");
	f = out_open();
	vns_softirqs_print(&s, 7, false);
	CHECK_STR(out_close(f), "CPU 7: no softirq data\n");

	CHECK_STR(JSON_DOC(vns_softirqs_print(&s, 1, false)),
		  "{\"cpus\":[{\"cpu\":1,\"ksoftirqd\":{\"pid\":22,"
		  "\"runtime_ns\":5000000},\"vectors\":[{\"vec\":3,"
		  "\"name\":\"NET_RX\",\"count\":1,\"total_ns\":2000000,"
		  "\"max_ns\":2000000,\"raised\":1,\"wait_total_ns\":30000,"
		  "\"wait_max_ns\":30000,\"hist\":{\"count\":1,\"sum_us\":2000,"
		  "\"max_us\":2000,\"buckets\":[{\"low_us\":128,"
		  "\"high_us\":255,\"count\":1}]},\"wait_hist\":{\"count\":1,"
		  "\"sum_us\":30,\"max_us\":30,\"buckets\":[{\"low_us\":16,"
		  "\"high_us\":31,\"count\":1}]}}]}]}");

	/* delta: 5 more TIMER runs of 1 us on CPU 0, ksoftirqd/1 +5 us */
	prev = s;
	softirqs_read(&s, 5);
	vns_softirqs_delta(&s, &prev);
	CHECK(s.cpus[0].vec[1].count == 5 && s.cpus[0].vec[1].total_ns == 5000 &&
	      s.cpus[0].vec[1].raised == 5 &&
	      s.cpus[0].vec[1].wait_total_ns == 0 &&
	      s.cpus[0].vec[1].hist.count == 5 &&
	      s.cpus[0].vec[1].hist.buckets[0] == 5 &&
	      s.cpus[0].vec[1].hist.buckets[1] == 0, "TIMER growth");
	/* the max did not grow: bounded by the histogram (bucket 0: 1 us) */
	CHECK(s.cpus[0].vec[1].max_bound && s.cpus[0].vec[1].max_ns == 1999,
	      "TIMER max bound: %llu",
	      (unsigned long long)s.cpus[0].vec[1].max_ns);
	CHECK(s.cpus[0].vec[3].count == 0 && s.cpus[0].vec[3].max_ns == 0 &&
	      !s.cpus[0].vec[3].max_bound, "NET_RX did not run");
	CHECK_INT(s.cpus[1].runtime_ns, 5000);
	CHECK_INT(s.cpus[0].runtime_ns, 0);
	vns_softirqs_free(&prev);

	/* a reset (count went down) counts from 0 again */
	vns_softirqs_free(&s);
	softirqs_read(&prev, 5);
	softirqs_read(&s, 0);
	vns_softirqs_delta(&s, &prev);
	CHECK(s.cpus[0].vec[1].count == 10 && !s.cpus[0].vec[1].max_bound &&
	      s.cpus[0].vec[1].max_ns == 3000, "reset TIMER");
	vns_softirqs_free(&prev);

	/* malformed: no CPU; an unknown vector is skipped */
	msg = nlmsg_alloc();
	n = nla_nest_start(msg, VNS_A_SOFTIRQ);
	nla_put_u8(msg, VNS_SIRQ_A_VEC, 1);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	CHECK_INT(vns_softirqs_add(&s, tb), -EBADMSG);
	nlmsg_free(msg);
	t = t_netrx0;
	t.vec = 12;
	CHECK_INT(add_sirq(&s, &t), 0);
	CHECK_INT(s.n, 2);
out:
	vns_softirqs_free(&s);
}

int main(void)
{
	test_softirqs();
	free(memout_buf);
	return vns_test_done();
}
