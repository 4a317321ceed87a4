// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the irqoff report built from synthetic
 * dumps: parsing, text and JSON (irqoff.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "irqoff.h"

/* ---------------------------------------------------------------- irqoff */

static int add_irqsum(struct vns_irqoff *q, u8 kind, u32 cpu, u64 events,
		      const u64 *b, int nb)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_IRQOFF_SUMMARY);
	nla_put_u8(msg, VNS_IRQSUM_A_KIND, kind);
	nla_put_u32(msg, VNS_IRQSUM_A_CPU, cpu);
	nla_put_u64(msg, VNS_IRQSUM_A_EVENTS, events);
	put_hist(msg, VNS_IRQSUM_A_HIST, 0, 0, b, nb);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_irqoff_add(q, tb);
	nlmsg_free(msg);
	return ret;
}

static int add_irqevent(struct vns_irqoff *q, u8 kind, u32 cpu, u64 lat,
			u64 age, u32 pid, const char *comm,
			const char *const *stack)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n, *st;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_IRQOFF_EVENT);
	nla_put_u8(msg, VNS_IRQOFF_A_KIND, kind);
	nla_put_u32(msg, VNS_IRQOFF_A_CPU, cpu);
	nla_put_u64(msg, VNS_IRQOFF_A_LATENCY_NS, lat);
	nla_put_u64(msg, VNS_IRQOFF_A_AGE_NS, age);
	nla_put_u32(msg, VNS_IRQOFF_A_PID, pid);
	nla_put_string(msg, VNS_IRQOFF_A_COMM, comm);
	if (stack) {
		st = nla_nest_start(msg, VNS_IRQOFF_A_STACK);
		for (; *stack; stack++)
			nla_put_string(msg, VNS_STACK_A_FRAME, *stack);
		nla_nest_end(msg, st);
	}
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_irqoff_add(q, tb);
	nlmsg_free(msg);
	return ret;
}

static void test_irqoff(void)
{
	static const char *const stk1[] = {
		"delay_tsc+0x2a/0x50", "spin_hog+0x40/0x80 [hog]", NULL,
	};
	static const char *const stk2[] = { "net_rx_action+0x1/0x2", NULL };
	static const u64 h0[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10 };
	static const u64 h1[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 30,
				  0, 2 };
	struct vns_irqoff_sel sel = { .cpu = -1, .threshold_ns = 0 };
	struct vns_irqoff q;
	FILE *f;

	memset(&q, 0, sizeof(q));
	CHECK_INT(add_irqsum(&q, VNS_IRQOFF_HARD, 0, 0, h0, 14), 0);
	CHECK_INT(add_irqsum(&q, VNS_IRQOFF_HARD, 1, 2, h1, 16), 0);
	CHECK_INT(add_irqevent(&q, VNS_IRQOFF_HARD, 1, 41234567, 3200000000ULL,
			       1234, "hog", stk1), 0);
	CHECK_INT(add_irqevent(&q, VNS_IRQOFF_HARD, 1, 25000000, 9000000000ULL,
			       1234, "hog", NULL), 0);
	CHECK_INT(add_irqsum(&q, VNS_IRQOFF_SOFT, 0, 1, h0, 14), 0);
	CHECK_INT(add_irqevent(&q, VNS_IRQOFF_SOFT, 0, 21000000, 1000000,
			       0, "swapper/0", stk2), 0);
	CHECK(q.nsums == 3 && q.nevents == 3, "irqoff counts");

	f = out_open();
	vns_irqoff_print(&q, &sel);
	CHECK_STR(out_close(f),
		  "interrupts off (hard): 2 events\n"
		  "  CPU 1: 2 events, 2 shown\n"
		  "    41.235 ms, 3.200s ago, pid 1234 (hog)\n"
		  "        delay_tsc+0x2a/0x50\n"
		  "        spin_hog+0x40/0x80 [hog]\n"
		  "    25.000 ms, 9.000s ago, pid 1234 (hog)\n"
		  "        [no stack]\n"
		  "  sampler delay, all CPUs:\n"
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 0        |                                        |\n"
		  "        32 -> 63         : 0        |                                        |\n"
		  "        64 -> 127        : 0        |                                        |\n"
		  "       128 -> 255        : 0        |                                        |\n"
		  "       256 -> 511        : 0        |                                        |\n"
		  "       512 -> 1023       : 0        |                                        |\n"
		  "      1024 -> 2047       : 0        |                                        |\n"
		  "      2048 -> 4095       : 0        |                                        |\n"
		  "      4096 -> 8191       : 0        |                                        |\n"
		  "      8192 -> 16383      : 40       |****************************************|\n"
		  "     16384 -> 32767      : 0        |                                        |\n"
		  "     32768 -> 65535      : 2        |**                                      |\n"
		  "\n"
		  "softirqs off (soft): 1 events\n"
		  "  CPU 0: 1 events, 1 shown\n"
		  "    21.000 ms, 1.000ms ago, pid 0 (swapper/0)\n"
		  "        net_rx_action+0x1/0x2\n"
		  "  sampler delay, all CPUs:\n"
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 0        |                                        |\n"
		  "        32 -> 63         : 0        |                                        |\n"
		  "        64 -> 127        : 0        |                                        |\n"
		  "       128 -> 255        : 0        |                                        |\n"
		  "       256 -> 511        : 0        |                                        |\n"
		  "       512 -> 1023       : 0        |                                        |\n"
		  "      1024 -> 2047       : 0        |                                        |\n"
		  "      2048 -> 4095       : 0        |                                        |\n"
		  "      4096 -> 8191       : 0        |                                        |\n"
		  "      8192 -> 16383      : 10       |****************************************|\n");

	/* --threshold 30 --cpu 1 */
	sel.cpu = 1;
	sel.threshold_ns = 30000000;
	CHECK_STR(JSON_DOC(vns_irqoff_print(&q, &sel)),
		  "{\"summary\":[{\"kind\":\"hard\",\"cpu\":1,\"events\":2,"
		  "\"hist\":{\"count\":32,\"sum_us\":0,\"max_us\":0,"
		  "\"buckets\":[{\"low_us\":8192,\"high_us\":16383,"
		  "\"count\":30},{\"low_us\":32768,\"high_us\":65535,"
		  "\"count\":2}]}}],"
		  "\"events\":[{\"kind\":\"hard\",\"cpu\":1,"
		  "\"latency_ns\":41234567,\"age_ns\":3200000000,"
		  "\"pid\":1234,\"comm\":\"hog\",\"stack\":["
		  "\"delay_tsc+0x2a/0x50\",\"spin_hog+0x40/0x80 [hog]\"]}]}");
	sel.cpu = 0;
	sel.threshold_ns = 0;
	CHECK_STR(JSON_DOC(vns_irqoff_print(&q, &sel)),
		  "{\"summary\":[{\"kind\":\"hard\",\"cpu\":0,\"events\":0,"
		  "\"hist\":{\"count\":10,\"sum_us\":0,\"max_us\":0,"
		  "\"buckets\":[{\"low_us\":8192,\"high_us\":16383,"
		  "\"count\":10}]}},{\"kind\":\"soft\",\"cpu\":0,\"events\":1,"
		  "\"hist\":{\"count\":10,\"sum_us\":0,\"max_us\":0,"
		  "\"buckets\":[{\"low_us\":8192,\"high_us\":16383,"
		  "\"count\":10}]}}],"
		  "\"events\":[{\"kind\":\"soft\",\"cpu\":0,"
		  "\"latency_ns\":21000000,\"age_ns\":1000000,\"pid\":0,"
		  "\"comm\":\"swapper/0\",\"stack\":[\"net_rx_action+0x1/0x2\"]}]}");
	vns_irqoff_free(&q);
}

int main(void)
{
	test_irqoff();
	free(memout_buf);
	return vns_test_done();
}
