// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the timers report built from synthetic
 * dumps: parsing, growth, ranking, text and JSON (timers.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "timers.h"

/* ---------------------------------------------------------------- timers */

static int add_timer(struct vns_timers *t, const char *func, u8 kind,
		     u64 count, u64 total, u64 max, u32 cpu, u64 age)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	u64 b[8] = { 0 };
	int ret;

	b[vns_hist_bucket(max / 1000)] = count;
	n = nla_nest_start(msg, VNS_A_TIMER);
	nla_put_string(msg, VNS_TIMER_A_FUNC, func);
	nla_put_u8(msg, VNS_TIMER_A_KIND, kind);
	nla_put_u64(msg, VNS_TIMER_A_COUNT, count);
	nla_put_u64(msg, VNS_TIMER_A_TOTAL_NS, total);
	nla_put_u64(msg, VNS_TIMER_A_MAX_NS, max);
	nla_put_u32(msg, VNS_TIMER_A_MAX_CPU, cpu);
	nla_put_u64(msg, VNS_TIMER_A_MAX_AGE_NS, age);
	put_hist(msg, VNS_TIMER_A_HIST, total / 1000, max / 1000, b, 8);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_timers_add(t, tb[VNS_A_TIMER]);
	nlmsg_free(msg);
	return ret;
}

static void timers_read(struct vns_timers *t, u64 extra)
{
	memset(t, 0, sizeof(*t));
	add_timer(t, "estimation_timer [ip_vs]", VNS_TIMER_LIST, 100,
		  5000000, 120000, 2, 12300000000ULL);
	add_timer(t, "tick_sched_timer", VNS_TIMER_HRTIMER, 5000 + extra,
		  20000000 + extra * 4000, 30000, 0, 1000000000);
	add_timer(t, "delayed_work_timer_fn", VNS_TIMER_LIST, 40, 400000,
		  30000, 1, 500000);
	add_timer(t, "tcp_keepalive_timer", VNS_TIMER_LIST, 3, 3000, 1500, 3,
		  2000);
}

static const char *rank_names(const struct vns_timers *t,
			      enum vns_timer_sort sort, u64 min_us, u64 top)
{
	static char buf[256];
	const struct vns_timer **v;
	size_t n, i, len = 0;

	buf[0] = '\0';
	CHECK_INT(vns_timers_rank(t, sort, min_us, top, &v, &n), 0);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					i ? "," : "", v[i]->func);
	free(v);
	return buf;
}

static void test_timers(void)
{
	struct vns_timers t, prev;
	const struct vns_timer **v;
	struct nlattr *n;
	struct nl_msg *msg;
	size_t cnt;
	FILE *f;

	timers_read(&t, 0);
	CHECK_INT(t.n, 4);
	CHECK_STR(rank_names(&t, VNS_SORT_MAX, 0, 0),
		  "estimation_timer [ip_vs],delayed_work_timer_fn,"
		  "tick_sched_timer,tcp_keepalive_timer");
	CHECK_STR(rank_names(&t, VNS_SORT_TOTAL, 0, 0),
		  "tick_sched_timer,estimation_timer [ip_vs],"
		  "delayed_work_timer_fn,tcp_keepalive_timer");
	CHECK_STR(rank_names(&t, VNS_SORT_COUNT, 0, 2),
		  "tick_sched_timer,estimation_timer [ip_vs]");
	CHECK_STR(rank_names(&t, VNS_SORT_MAX, 30, 0),
		  "estimation_timer [ip_vs],delayed_work_timer_fn,"
		  "tick_sched_timer");
	CHECK_STR(rank_names(&t, VNS_SORT_MAX, 31, 0),
		  "estimation_timer [ip_vs]");
	CHECK_STR(rank_names(&t, VNS_SORT_MAX, 1000, 0), "");
	CHECK_STR(rank_names(&t, VNS_SORT_MAX, 0, 1),
		  "estimation_timer [ip_vs]");

	CHECK_INT(vns_timers_rank(&t, VNS_SORT_MAX, 0, 2, &v, &cnt), 0);
	f = out_open();
	vns_timers_print(v, cnt, false);
	CHECK_STR(out_close(f),
		  "FUNCTION                 KIND         COUNT      TOTAL        AVG        MAX MAX CPU      MAX AGE\n"
		  "estimation_timer [ip_vs] timer          100    5.000ms    50.00us    120.0us       2   12.30s ago\n"
		  "delayed_work_timer_fn    timer           40    400.0us    10.00us    30.00us       1  500.0us ago\n");
	CHECK_STR(JSON_DOC(vns_timers_print(v, 1, false)),
		  "{\"timers\":[{\"func\":\"estimation_timer [ip_vs]\","
		  "\"kind\":\"timer\",\"count\":100,\"total_ns\":5000000,"
		  "\"max_ns\":120000,\"max_cpu\":2,\"max_age_ns\":12300000000,"
		  "\"hist\":{\"count\":100,\"sum_us\":5000,\"max_us\":120,"
		  "\"buckets\":[{\"low_us\":64,\"high_us\":127,"
		  "\"count\":100}]}}]}");
	f = out_open();
	vns_timers_print(v + 1, 1, true);
	CHECK_STR(out_close(f),
		  "FUNCTION              KIND         COUNT      TOTAL        AVG        MAX MAX CPU      MAX AGE\n"
		  "delayed_work_timer_fn timer           40    400.0us    10.00us    30.00us       1  500.0us ago\n"
		  "\n"
		  "delayed_work_timer_fn (timer) run time:\n"
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 40       |****************************************|\n");
	free(v);
	f = out_open();
	vns_timers_print(NULL, 0, false);
	CHECK_STR(out_close(f), "no timers\n");

	/* delta: only tick_sched_timer ran, 10 more times */
	prev = t;
	timers_read(&t, 10);
	vns_timers_delta(&t, &prev);
	CHECK_INT(t.n, 1);
	if (t.n == 1) {
		CHECK_STR(t.v[0].func, "tick_sched_timer");
		CHECK(t.v[0].count == 10 && t.v[0].total_ns == 40000 &&
		      t.v[0].max_bound && t.v[0].max_ns == 30000,
		      "tick_sched_timer growth");
		CHECK(!(t.v[0].present & (1u << VNS_TIMER_A_MAX_CPU)),
		      "max cpu unknown in a delta");
		CHECK_INT(t.v[0].hist.count, 10);
	}
	vns_timers_free(&prev);
	vns_timers_free(&t);

	/* malformed: no function name */
	memset(&t, 0, sizeof(t));
	msg = nlmsg_alloc();
	n = nla_nest_start(msg, VNS_A_TIMER);
	nla_put_u64(msg, VNS_TIMER_A_COUNT, 1);
	nla_nest_end(msg, n);
	CHECK_INT(vns_timers_add(&t, n), -EBADMSG);
	nlmsg_free(msg);
	CHECK_INT(t.n, 0);
	vns_timers_free(&t);
}

int main(void)
{
	test_timers();
	free(memout_buf);
	return vns_test_done();
}
