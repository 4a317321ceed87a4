// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: numbers, durations and sizes (util.c),
 * histograms (histo.c) and the print layer (print.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include <json-c/json.h>

#include "histo.h"

/* ------------------------------------------------------------------ util */

static void test_util(void)
{
	char buf[32];
	double s = 0;
	u64 v = 0;
	int *arr = NULL;
	bool ok = true;
	size_t i;

	CHECK_INT(vns_parse_u64("10", 1, 100, &v), 0);
	CHECK_INT(v, 10);
	CHECK_INT(vns_parse_u64("0", 1, 100, &v), -1);
	CHECK_INT(vns_parse_u64("101", 1, 100, &v), -1);
	CHECK_INT(vns_parse_u64("-1", 0, UINT64_MAX, &v), -1);
	CHECK_INT(vns_parse_u64(" 1", 0, 100, &v), -1);
	CHECK_INT(vns_parse_u64("1 ", 0, 100, &v), -1);
	CHECK_INT(vns_parse_u64("", 0, 100, &v), -1);
	CHECK_INT(vns_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	CHECK(v == UINT64_MAX, "u64 max");
	CHECK_INT(vns_parse_u64("18446744073709551616", 0, UINT64_MAX, &v),
		  -1);

	CHECK_INT(vns_parse_seconds("0.5", &s), 0);
	CHECK(s == 0.5, "0.5 s");
	CHECK_INT(vns_parse_seconds("2", &s), 0);
	CHECK_INT(vns_parse_seconds(".25", &s), 0);
	CHECK(s == 0.25, ".25 s");
	CHECK_INT(vns_parse_seconds("0", &s), -1);
	CHECK_INT(vns_parse_seconds("-1", &s), -1);
	CHECK_INT(vns_parse_seconds("nan", &s), -1);
	CHECK_INT(vns_parse_seconds("inf", &s), -1);
	CHECK_INT(vns_parse_seconds("1e9", &s), -1);
	CHECK_INT(vns_parse_seconds("1s", &s), -1);
	CHECK_INT(vns_parse_seconds("", &s), -1);

	CHECK_STR(vns_bytes_str(0, buf, sizeof(buf)), "0 B");
	CHECK_STR(vns_bytes_str(1023, buf, sizeof(buf)), "1023 B");
	CHECK_STR(vns_bytes_str(1024, buf, sizeof(buf)), "1.0 KiB");
	CHECK_STR(vns_bytes_str(1258291, buf, sizeof(buf)), "1.2 MiB");
	CHECK_STR(vns_bytes_str(3ULL << 30, buf, sizeof(buf)), "3.0 GiB");
	CHECK_STR(vns_bytes_str(5ULL << 40, buf, sizeof(buf)), "5.0 TiB");

	for (i = 0; i < 1000; i++) {
		if (vns_grow(&arr, i, sizeof(*arr))) {
			ok = false;
			break;
		}
		arr[i] = (int)i;
	}
	for (i = 0; ok && i < 1000; i++)
		ok = arr[i] == (int)i;
	CHECK(ok, "vns_grow keeps elements");
	free(arr);
}

/* -------------------------------------------------------------- settings */

static void test_duration(void)
{
	static const struct {
		const char *s;
		long long us;		/* -1: rejected */
	} cases[] = {
		{ "10ms", 10000 }, { "10", 10000 }, { "1.5ms", 1500 },
		{ "1.5", 1500 }, { "250us", 250 }, { "1s", 1000000 },
		{ "0.25s", 250000 }, { "2000ns", 2 }, { "0", 0 },
		{ "0.001", 1 }, { "1.000", 1000 },
		{ "1500ns", -1 }, { "0.0001", -1 }, { "", -1 }, { "ms", -1 },
		{ "10xs", -1 }, { "-1", -1 }, { "+1", -1 }, { "1.", -1 },
		{ ".5", -1 }, { "10 ms", -1 }, { " 10", -1 }, { "1e3", -1 },
		{ "10MS", -1 }, { "10m", -1 }, { "1.0000000001s", -1 },
		{ "99999999999999999999", -1 }, { "18446744073709551615s", -1 },
	};
	size_t i;
	u64 us;

	for (i = 0; i < VNS_ARRAY_SIZE(cases); i++) {
		us = 12345;
		if (cases[i].us < 0) {
			CHECK(vns_parse_duration_us(cases[i].s, 0, UINT64_MAX,
						    &us) == -1 && us == 12345,
			      "'%s' accepted", cases[i].s);
			continue;
		}
		CHECK(!vns_parse_duration_us(cases[i].s, 0, UINT64_MAX, &us),
		      "'%s' rejected", cases[i].s);
		CHECK_INT(us, cases[i].us);
	}
	CHECK_INT(vns_parse_duration_us("999us", 1000, 1000000, &us), -1);
	CHECK_INT(vns_parse_duration_us("1ms", 1000, 1000000, &us), 0);
	CHECK_INT(vns_parse_duration_us("1s", 1000, 1000000, &us), 0);
	CHECK_INT(vns_parse_duration_us("1.000001s", 1000, 1000000, &us), -1);
}

static void test_dur_str(void)
{
	char b[VNS_DUR_STR_MAX];

	CHECK_STR(vns_dur_str(0, b, sizeof(b)), "0ns");
	CHECK_STR(vns_dur_str(512, b, sizeof(b)), "512ns");
	CHECK_STR(vns_dur_str(999, b, sizeof(b)), "999ns");
	CHECK_STR(vns_dur_str(1000, b, sizeof(b)), "1.000us");
	CHECK_STR(vns_dur_str(1234, b, sizeof(b)), "1.234us");
	CHECK_STR(vns_dur_str(12345, b, sizeof(b)), "12.35us");
	CHECK_STR(vns_dur_str(123456, b, sizeof(b)), "123.5us");
	CHECK_STR(vns_dur_str(999999, b, sizeof(b)), "1.000ms");
	CHECK_STR(vns_dur_str(12345678, b, sizeof(b)), "12.35ms");
	CHECK_STR(vns_dur_str(123456789, b, sizeof(b)), "123.5ms");
	CHECK_STR(vns_dur_str(3000000000ULL, b, sizeof(b)), "3.000s");
	CHECK_STR(vns_dur_str(12300000000ULL, b, sizeof(b)), "12.30s");
	CHECK_STR(vns_dur_str(4000000000000ULL, b, sizeof(b)), "4000.0s");
}

/* ------------------------------------------------------------ histograms */

static void test_hist(void)
{
	static const u64 b[] = { 1, 0, 0, 2, 5, 0, 1 };
	struct vns_hist h, prev;
	struct nl_msg *msg;
	struct nlattr *nest, *bk;
	FILE *f;

	msg = nlmsg_alloc();
	put_hist(msg, VNS_SIRQ_A_HIST, 180, 70, b, 7);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_SIRQ_A_HIST);
	CHECK_INT(vns_hist_from_nest(&h, nest), 0);
	nlmsg_free(msg);
	CHECK(h.count == 9 && h.sum == 180 && h.max == 70 &&
	      h.buckets[0] == 1 && h.buckets[3] == 2 && h.buckets[4] == 5 &&
	      h.buckets[6] == 1 && h.buckets[1] == 0, "hist fields");
	CHECK_INT(vns_hist_top(&h), 6);

	f = out_open();
	vns_hist_print(&h, "usecs");
	CHECK_STR(out_close(f),
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 1        |********                                |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 2        |****************                        |\n"
		  "        16 -> 31         : 5        |****************************************|\n"
		  "        32 -> 63         : 0        |                                        |\n"
		  "        64 -> 127        : 1        |********                                |\n");
	CHECK_STR(JSON_DOC((vns_hist_json_head(&h), vns_hist_json_buckets(&h))),
		  "{\"count\":9,\"sum_us\":180,\"max_us\":70,\"buckets\":["
		  "{\"low_us\":0,\"high_us\":1,\"count\":1},"
		  "{\"low_us\":8,\"high_us\":15,\"count\":2},"
		  "{\"low_us\":16,\"high_us\":31,\"count\":5},"
		  "{\"low_us\":64,\"high_us\":127,\"count\":1}]}");

	/* empty: nothing printed */
	memset(&prev, 0, sizeof(prev));
	f = out_open();
	vns_hist_print(&prev, "usecs");
	CHECK_STR(out_close(f), "");

	/* growth: the max did not grow, so it is the top bucket's bound */
	prev = h;
	h.buckets[3] += 3;
	h.count += 3;
	h.sum += 30;
	CHECK(!vns_hist_delta(&h, &prev), "max is a bound");
	CHECK(h.count == 3 && h.sum == 30 && h.buckets[3] == 3 &&
	      h.buckets[4] == 0 && h.max == 15, "hist delta");
	/* a reset leaves it whole */
	memset(&h, 0, sizeof(h));
	h.count = 1;
	h.buckets[0] = 1;
	CHECK(vns_hist_delta(&h, &prev), "reset");
	CHECK_INT(h.count, 1);

	/* malformed: a bucket without a count; an index past the last */
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_TIMER_A_HIST);
	bk = nla_nest_start(msg, VNS_HIST_A_BUCKET);
	nla_put_u8(msg, VNS_BUCKET_A_INDEX, 1);
	nla_nest_end(msg, bk);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_hist_from_nest(&h, nest), -EBADMSG);
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_TIMER_A_HIST);
	bk = nla_nest_start(msg, VNS_HIST_A_BUCKET);
	nla_put_u8(msg, VNS_BUCKET_A_INDEX, 200);
	nla_put_u64(msg, VNS_BUCKET_A_COUNT, 4);
	nla_nest_end(msg, bk);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_hist_from_nest(&h, nest), 0);
	CHECK(h.buckets[VNS_HIST_BUCKETS - 1] == 4 && h.count == 4,
	      "index folded into the last bucket, count from buckets");
	nlmsg_free(msg);
}

/* ------------------------------------------------------------ print layer */

static const char *const colours[] = { "red", NULL, "blue" };

/* One description of a few fields: text and JSON come from it */
static void print_fields(void)
{
	print_string(PRINT_ANY, "name", "name %s", "eth0");
	print_u64(PRINT_ANY, "count", ", count %llu", 18446744073709551615ULL);
	print_uint(PRINT_JSON, "ifindex", NULL, 7);
	print_fp(" [text only]");
	print_u64_opt(PRINT_ANY, "lost", ", lost %s", false, 5);
	print_u64_opt(PRINT_ANY, "seen", ", seen %s", true, 5);
	print_string(PRINT_ANY, "dev", ", dev %s", NULL);
	print_dur_ns(PRINT_ANY, "max_ns", ", max %s", true, 1500, true);
	print_dur_ns(PRINT_ANY, "min_ns", ", min %s", false, 0, false);
	print_enum(PRINT_ANY, "c0", " %s", true, colours, 3, 0);
	print_enum(PRINT_ANY, "c1", " %s", true, colours, 3, 1);
	print_enum(PRINT_ANY, "c9", " %s", false, colours, 3, 9);
	print_proto(PRINT_ANY, "proto", " %s", 17);
	print_proto(PRINT_ANY, "proto2", " %s", 47);
	print_bool(PRINT_JSON, "flag", NULL, true);
	print_double(PRINT_JSON, "time", "%.3f", 1.5);
	print_fp("\n");
	open_json_object("nest");
	print_uint(PRINT_ANY, "a", "  a %u", 1);
	open_json_array("list");
	print_string(PRINT_ANY, NULL, " %s", "x");
	print_u64(PRINT_ANY, NULL, " %llu", 2);
	open_json_object(NULL);
	print_null(PRINT_ANY, "none", " %s", "-");
	close_json_object();
	close_json_array();
	close_json_object();
	print_fp("\n");
}

static void test_print(void)
{
	FILE *f;
	int i;

	f = out_open();
	print_fields();
	CHECK_STR(out_close(f),
		  "name eth0, count 18446744073709551615 [text only], lost -, seen 5, dev -, max <=1.500us, min - red 1 - udp 47\n"
		  "  a 1 x 2 -\n");
	CHECK_STR(JSON_DOC(print_fields()),
		  "{\"name\":\"eth0\",\"count\":18446744073709551615,\"ifindex\":7,\"lost\":null,\"seen\":5,\"dev\":null,\"max_ns\":1500,\"min_ns\":null,\"c0\":\"red\",\"c1\":1,\"c9\":null,\"proto\":\"udp\",\"proto2\":47,\"flag\":true,\"time\":1.500,\"nest\":{\"a\":1,\"list\":[\"x\",2,{\"none\":null}]}}");
	CHECK(print_is_json() == true, "still JSON after print_end()");

	/* deeper than the layer keeps: the rest goes nowhere, no crash */
	f = json_open();
	for (i = 0; i < 40; i++)
		open_json_object("d");
	print_uint(PRINT_ANY, "deep", NULL, 1);
	for (i = 0; i < 40; i++)
		close_json_object();
	print_uint(PRINT_ANY, "after", NULL, 2);
	CHECK(strstr(json_close(f), "\"after\":2}") != NULL, "after overflow: %s",
	      memout_copy);

	/* an element of an array, as the object printers add them */
	CHECK_STR(JSON_ELEM(open_json_object(NULL);
			    print_uint(PRINT_JSON, "k", NULL, 3);
			    close_json_object()), "{\"k\":3}");
	/* '/' is not escaped */
	CHECK_STR(JSON_DOC(print_string(PRINT_JSON, "s", NULL, "a/b")),
		  "{\"s\":\"a/b\"}");
}

int main(void)
{
	test_util();
	test_duration();
	test_dur_str();
	test_hist();
	test_print();
	free(memout_buf);
	return vns_test_done();
}
