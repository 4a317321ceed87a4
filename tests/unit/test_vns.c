// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Unit tests for the kernel-agnostic code in include/vns/: log2 histograms
 * and percentiles (hist.h), packet header parsing and filter matching
 * (flow.h), hashing (hash.h), the in-flight table (lat.h), the details
 * rings (ring.h), and the codecs: addresses as text (addr.h, against
 * inet_pton() and inet_ntop()), filters (filter.h) and settings
 * (settings.h) as words, text and netlink attributes (through libnl, nla.h).
 *
 * No framework: every CHECK counts as one check, prints file:line when it
 * fails, and the run ends with "N passed, N failed".  Build with
 * -fsanitize=address,undefined so that the parser fuzz loop, which feeds
 * buffers allocated to their exact length, turns any over-read into an
 * abort.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vns/types.h>
#include <vns/hist.h>
#include <vns/flow.h>
#include <vns/hash.h>
#include <vns/lat.h>
#include <vns/ring.h>
#include <vns/addr.h>
#include <vns/filter.h>
#include <vns/settings.h>
#include <vns/nla.h>
#include <pthread.h>

static unsigned int n_passed, n_failed;

static void check(bool ok, const char *expr, const char *file, int line)
{
	if (ok) {
		n_passed++;
		return;
	}
	n_failed++;
	printf("%s:%d: check failed: %s\n", file, line, expr);
}

static void check_u64(u64 got, u64 want, const char *expr, const char *file,
		      int line)
{
	if (got == want) {
		n_passed++;
		return;
	}
	n_failed++;
	printf("%s:%d: check failed: %s: got %" PRIu64 " (0x%" PRIx64
	       "), want %" PRIu64 " (0x%" PRIx64 ")\n",
	       file, line, expr, got, got, want, want);
}

static void check_s64(long long got, long long want, const char *expr,
		      const char *file, int line)
{
	if (got == want) {
		n_passed++;
		return;
	}
	n_failed++;
	printf("%s:%d: check failed: %s: got %lld, want %lld\n",
	       file, line, expr, got, want);
}

#define CHECK(cond)		check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(got, want)	check_u64((u64)(got), (u64)(want), \
					  #got " == " #want, __FILE__, __LINE__)
#define CHECK_INT(got, want)	check_s64((long long)(got), (long long)(want), \
					  #got " == " #want, __FILE__, __LINE__)
#define CHECK_MEM(got, want, n)	CHECK(memcmp((got), (want), (n)) == 0)
#define CHECK_STR(got, want)	CHECK((got) && !strcmp((got), (want)))
#define CHECK_BUF(buf, want)	CHECK(!strcmp((buf), (want)))

/* A word, what its parser returns, and its message (NULL: not checked) */
struct word_case {
	const char *word;
	int ret;
	const char *err;
};

/* Parse the words of @c in order into @obj; *@err: the last message */
static void check_words(int (*parse)(void *, const char *), void *obj,
			const char *const *err, const struct word_case *c,
			size_t n, const char *file, int line)
{
	size_t i;

	for (i = 0; i < n; i++) {
		check_s64(parse(obj, c[i].word), c[i].ret, c[i].word, file,
			  line);
		if (c[i].err)
			check(*err && !strcmp(*err, c[i].err), c[i].err, file,
			      line);
	}
}

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define CHECK_WORDS(parse, obj, err, cases)				\
	check_words(parse, obj, &(err), cases, ARRAY_SIZE(cases),	\
		    __FILE__, __LINE__)

/* ------------------------------------------------------------------ */
/* hist.h                                                              */
/* ------------------------------------------------------------------ */

static void test_hist_buckets(void)
{
	unsigned int b;
	bool ok;

	CHECK_EQ(vns_hist_bucket(0), 0);
	CHECK_EQ(vns_hist_bucket(1), 0);
	CHECK_EQ(vns_hist_bucket(2), 1);
	CHECK_EQ(vns_hist_bucket(3), 1);
	CHECK_EQ(vns_hist_bucket(4), 2);
	CHECK_EQ(vns_hist_bucket(7), 2);
	CHECK_EQ(vns_hist_bucket(8), 3);
	CHECK_EQ(vns_hist_bucket((1ULL << 39) - 1), 38);
	CHECK_EQ(vns_hist_bucket(1ULL << 39), 39);
	CHECK_EQ(vns_hist_bucket(1ULL << 40), 39);	/* capped */
	CHECK_EQ(vns_hist_bucket(1ULL << 63), 39);
	CHECK_EQ(vns_hist_bucket(~0ULL), 39);

	CHECK_EQ(vns_hist_low(0), 0);
	CHECK_EQ(vns_hist_low(1), 2);
	CHECK_EQ(vns_hist_low(2), 4);
	CHECK_EQ(vns_hist_low(3), 8);
	CHECK_EQ(vns_hist_low(39), 1ULL << 39);
	CHECK_EQ(vns_hist_high(0), 1);
	CHECK_EQ(vns_hist_high(1), 3);
	CHECK_EQ(vns_hist_high(2), 7);
	CHECK_EQ(vns_hist_high(3), 15);
	CHECK_EQ(vns_hist_high(38), (1ULL << 39) - 1);
	CHECK_EQ(vns_hist_high(39), ~0ULL);	/* the last bucket is open */

	/* Buckets tile [0, 2^64) without holes or overlaps */
	ok = true;
	for (b = 0; b < VNS_HIST_BUCKETS; b++) {
		if (vns_hist_bucket(vns_hist_low(b)) != b ||
		    vns_hist_bucket(vns_hist_high(b)) != b)
			ok = false;
		if (b + 1 < VNS_HIST_BUCKETS &&
		    vns_hist_high(b) + 1 != vns_hist_low(b + 1))
			ok = false;
	}
	CHECK(ok);
}

static void test_hist_percentiles(void)
{
	struct vns_hist h, a, m;
	unsigned int i;

	/* Empty: every percentile is 0 */
	memset(&h, 0, sizeof(h));
	CHECK_EQ(vns_hist_percentile(&h, 0), 0);
	CHECK_EQ(vns_hist_percentile(&h, 500), 0);
	CHECK_EQ(vns_hist_percentile(&h, 1000), 0);

	/* add() keeps count, sum and max */
	vns_hist_add(&h, 5);
	vns_hist_add(&h, 0);
	vns_hist_add(&h, 1000);
	CHECK_EQ(h.count, 3);
	CHECK_EQ(h.sum, 1005);
	CHECK_EQ(h.max, 1000);
	CHECK_EQ(h.buckets[0], 1);
	CHECK_EQ(h.buckets[2], 1);
	CHECK_EQ(h.buckets[9], 1);

	/* 100 samples in one bucket: capped by the max (5 < 7) */
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 100; i++)
		vns_hist_add(&h, 5);
	CHECK_EQ(vns_hist_percentile(&h, 0), 5);
	CHECK_EQ(vns_hist_percentile(&h, 500), 5);
	CHECK_EQ(vns_hist_percentile(&h, 990), 5);
	CHECK_EQ(vns_hist_percentile(&h, 1000), 5);

	/* 99 samples of 5 + one outlier of 1000 */
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 99; i++)
		vns_hist_add(&h, 5);
	vns_hist_add(&h, 1000);
	CHECK_EQ(vns_hist_percentile(&h, 500), 7);	/* bucket 2 bound */
	CHECK_EQ(vns_hist_percentile(&h, 990), 7);	/* rank 99 */
	CHECK_EQ(vns_hist_percentile(&h, 999), 1000);	/* rank 100, 1023 capped */
	CHECK_EQ(vns_hist_percentile(&h, 1000), 1000);
	CHECK_EQ(vns_hist_percentile(&h, 5000), 1000);	/* permille clamped */
	CHECK_EQ(vns_hist_percentile(&h, 0), 7);	/* rank 0 -> 1 */

	/* 990 x 10, 9 x 100, 1 x 5000 */
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 990; i++)
		vns_hist_add(&h, 10);
	for (i = 0; i < 9; i++)
		vns_hist_add(&h, 100);
	vns_hist_add(&h, 5000);
	CHECK_EQ(vns_hist_percentile(&h, 500), 15);
	CHECK_EQ(vns_hist_percentile(&h, 990), 15);	/* rank 990 */
	CHECK_EQ(vns_hist_percentile(&h, 991), 127);	/* rank 991 */
	CHECK_EQ(vns_hist_percentile(&h, 999), 127);	/* rank 999 */
	CHECK_EQ(vns_hist_percentile(&h, 1000), 5000);

	/* Rank exactly on a bucket boundary: 500 x 2, 500 x 20 */
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 500; i++) {
		vns_hist_add(&h, 2);
		vns_hist_add(&h, 20);
	}
	CHECK_EQ(vns_hist_percentile(&h, 500), 3);
	CHECK_EQ(vns_hist_percentile(&h, 501), 20);	/* 31 capped */

	/* Rounding up: 3 samples, P33.3 is rank 1, P33.4 is rank 2 */
	memset(&h, 0, sizeof(h));
	vns_hist_add(&h, 2);
	vns_hist_add(&h, 40);
	vns_hist_add(&h, 40);
	CHECK_EQ(vns_hist_percentile(&h, 333), 3);
	CHECK_EQ(vns_hist_percentile(&h, 334), 40);
	CHECK_EQ(vns_hist_percentile(&h, 500), 40);

	/* The open last bucket is capped by the max */
	memset(&h, 0, sizeof(h));
	vns_hist_add(&h, 1ULL << 50);
	CHECK_EQ(vns_hist_percentile(&h, 500), 1ULL << 50);
	vns_hist_add(&h, ~0ULL);
	CHECK_EQ(vns_hist_percentile(&h, 1000), ~0ULL);

	/* Samples of 1 only: bucket 0 bound is 1, the max is 1 */
	memset(&h, 0, sizeof(h));
	vns_hist_add(&h, 1);
	CHECK_EQ(vns_hist_percentile(&h, 500), 1);

	/*
	 * Samples of 0 only: "capped by the largest value actually recorded"
	 * means 0.  hist.h returns 1 here because it treats max == 0 as "no
	 * max known" (the h->max && ... guard).  Kept as a failing check:
	 * see the report.
	 */
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 10; i++)
		vns_hist_add(&h, 0);
	CHECK_EQ(vns_hist_percentile(&h, 500), 0);
	CHECK_EQ(vns_hist_percentile(&h, 1000), 0);

	/* Huge counts do not overflow the rank computation */
	memset(&h, 0, sizeof(h));
	h.buckets[3] = 1ULL << 53;
	h.buckets[10] = 1;
	h.count = (1ULL << 53) + 1;
	h.max = 2000;
	CHECK_EQ(vns_hist_percentile(&h, 999), 15);
	CHECK_EQ(vns_hist_percentile(&h, 1000), 2000);

	/* Merge adds buckets, count and sum, and keeps the larger max */
	memset(&a, 0, sizeof(a));
	memset(&m, 0, sizeof(m));
	for (i = 0; i < 99; i++)
		vns_hist_add(&a, 5);
	vns_hist_add(&m, 1000);
	vns_hist_add(&m, 3);
	vns_hist_merge(&m, &a);
	CHECK_EQ(m.count, 101);
	CHECK_EQ(m.sum, 99 * 5 + 1000 + 3);
	CHECK_EQ(m.max, 1000);
	CHECK_EQ(m.buckets[1], 1);
	CHECK_EQ(m.buckets[2], 99);
	CHECK_EQ(m.buckets[9], 1);
	CHECK_EQ(vns_hist_percentile(&m, 500), 7);
	CHECK_EQ(vns_hist_percentile(&m, 1000), 1000);
	/* merging a smaller max keeps the larger one, either way round */
	vns_hist_merge(&a, &m);
	CHECK_EQ(a.max, 1000);
	CHECK_EQ(a.count, 99 + 101);
	memset(&h, 0, sizeof(h));
	vns_hist_merge(&m, &h);		/* merging an empty hist is a no-op */
	CHECK_EQ(m.count, 101);
	CHECK_EQ(m.max, 1000);
}

/* ------------------------------------------------------------------ */
/* flow.h: packet builders                                             */
/* ------------------------------------------------------------------ */

static const u8 v4_src[4] = { 192, 0, 2, 1 };
static const u8 v4_dst[4] = { 198, 51, 100, 2 };
static const u8 v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
			       0, 0, 0, 0, 0, 0, 0, 1 };
static const u8 v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
			       0, 0, 0, 0, 0, 0, 0, 2 };
static const u8 zero16[16];

static void put16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static void put32(u8 *p, u32 v)
{
	put16(p, (u16)(v >> 16));
	put16(p + 2, (u16)v);
}

/* IPv4 header of @ihl 32-bit words; returns its length */
static size_t ip4_hdr(u8 *p, unsigned int ihl, u8 proto, u16 id, u16 frag)
{
	memset(p, 0, ihl * 4);
	p[0] = (u8)(0x40 | ihl);
	put16(p + 2, 100);		/* total length: not used */
	put16(p + 4, id);
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, v4_src, 4);
	memcpy(p + 16, v4_dst, 4);
	if (ihl > 5)
		memset(p + 20, 1, ihl * 4 - 20);	/* NOP options */
	return ihl * 4;
}

static size_t ip6_hdr(u8 *p, u8 next)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, 100);
	p[6] = next;
	p[7] = 64;
	memcpy(p + 8, v6_src, 16);
	memcpy(p + 24, v6_dst, 16);
	return 40;
}

/* Generic extension header (hop-by-hop, routing, dstopts) of 8*(hlen+1) */
static size_t ip6_ext(u8 *p, u8 next, u8 hlen)
{
	size_t len = ((size_t)hlen + 1) * 8;

	memset(p, 0, len);
	p[0] = next;
	p[1] = hlen;
	return len;
}

static size_t ip6_frag(u8 *p, u8 next, u16 offset, bool more, u32 ident)
{
	memset(p, 0, 8);
	p[0] = next;
	put16(p + 2, (u16)(offset << 3 | (more ? 1 : 0)));
	put32(p + 4, ident);
	return 8;
}

static size_t tcp_hdr(u8 *p, u16 sport, u16 dport, u32 seq)
{
	memset(p, 0, 20);
	put16(p, sport);
	put16(p + 2, dport);
	put32(p + 4, seq);
	p[12] = 5 << 4;
	return 20;
}

static size_t udp_hdr(u8 *p, u16 sport, u16 dport)
{
	put16(p, sport);
	put16(p + 2, dport);
	put16(p + 4, 8);
	put16(p + 6, 0);
	return 8;
}

static size_t icmp_echo(u8 *p, u8 type, u16 ident, u16 seq)
{
	p[0] = type;
	p[1] = 0;
	put16(p + 2, 0);
	put16(p + 4, ident);
	put16(p + 6, seq);
	return 8;
}

/*
 * Parse a copy of @pkt allocated to exactly @len bytes, so that ASan flags
 * any read past @len.
 */
static bool parse4(struct vns_flow *f, struct vns_flow_id *id, const u8 *pkt,
		   size_t len)
{
	u8 *copy = malloc(len ? len : 1);
	bool ret;

	if (!copy)
		abort();
	memcpy(copy, pkt, len);
	ret = vns_flow_parse_ipv4(f, id, copy, len);
	free(copy);
	return ret;
}

static bool parse6(struct vns_flow *f, struct vns_flow_id *id, const u8 *pkt,
		   size_t len)
{
	u8 *copy = malloc(len ? len : 1);
	bool ret;

	if (!copy)
		abort();
	memcpy(copy, pkt, len);
	ret = vns_flow_parse_ipv6(f, id, copy, len);
	free(copy);
	return ret;
}

static bool flow_is_zero(const struct vns_flow *f)
{
	static const struct vns_flow zero;

	return !memcmp(f, &zero, sizeof(zero));
}

/* Fill @f and @id with junk, to prove the parsers reset them */
static void dirty(struct vns_flow *f, struct vns_flow_id *id)
{
	memset(f, 0xa5, sizeof(*f));
	memset(id, 0xa5, sizeof(*id));
}

/* ------------------------------------------------------------------ */
/* flow.h: the packet ends at its IP length, not at the buffer's end   */
/* ------------------------------------------------------------------ */

/*
 * A short datagram in a padded Ethernet frame (46 bytes of payload at
 * least: e1000 pads on the wire) must have the identity it has once
 * ip_rcv() trimmed the padding: payloads of 1-3 bytes, padding of zeros
 * and of junk, and a payload of 4 bytes that padding must not change.
 */
static void test_ip_padding(void)
{
	struct vns_flow f, ft;
	struct vns_flow_id id, idt;
	u8 pkt[128];
	size_t n, pay, padded;
	int junk;

	for (junk = 0; junk < 2; junk++) {
		for (pay = 1; pay <= 4; pay++) {
			memset(pkt, junk ? 0xa5 : 0, sizeof(pkt));
			n = ip4_hdr(pkt, 5, VNS_IPPROTO_UDP, 0x4242, 0x4000);
			n += udp_hdr(pkt + n, 40000, 9999);
			memset(pkt + n, 0x07, pay);
			n += pay;
			put16(pkt + 2, (u16)n);		/* tot_len */
			padded = n < 46 ? 46 : n;
			CHECK(parse4(&ft, &idt, pkt, n));
			CHECK(parse4(&f, &id, pkt, padded));
			CHECK(!memcmp(&f, &ft, sizeof(f)));
			CHECK_EQ(id.ip_id, idt.ip_id);
			CHECK_EQ(id.l4, idt.l4);
			CHECK_EQ(id.aux, idt.aux);
			CHECK_EQ(id.aux, pay == 4 ? 0x07070707 : 0);
			CHECK_EQ(f.dport, 9999);

			memset(pkt, junk ? 0xa5 : 0, sizeof(pkt));
			n = ip6_hdr(pkt, VNS_IPPROTO_UDP);
			n += udp_hdr(pkt + n, 40000, 9999);
			memset(pkt + n, 0x07, pay);
			n += pay;
			put16(pkt + 4, (u16)(n - 40));	/* payload length */
			padded = n + 16;
			CHECK(parse6(&ft, &idt, pkt, n));
			CHECK(parse6(&f, &id, pkt, padded));
			CHECK(!memcmp(&f, &ft, sizeof(f)));
			CHECK_EQ(id.aux, idt.aux);
			CHECK_EQ(id.aux, pay == 4 ? 0x07070707 : 0);
		}
	}

	/* a TCP header cut by tot_len: no seq from what follows */
	memset(pkt, 0xa5, sizeof(pkt));
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_TCP, 1, 0);
	put16(pkt + 2, (u16)(n + 4));
	put16(pkt + n, 1000);
	put16(pkt + n + 2, 2000);
	CHECK(parse4(&f, &id, pkt, 60));
	CHECK_EQ(f.sport, 1000);
	CHECK_EQ(f.dport, 2000);
	CHECK_EQ(id.l4, 0);

	/* tot_len 0 (TSO) or below the header (malformed): the buffer's */
	for (junk = 0; junk < 2; junk++) {
		n = ip4_hdr(pkt, 5, VNS_IPPROTO_UDP, 1, 0);
		n += udp_hdr(pkt + n, 1, 2);
		put32(pkt + n, 9);
		put16(pkt + 2, junk ? 19 : 0);
		CHECK(parse4(&f, &id, pkt, n + 4));
		CHECK_EQ(f.dport, 2);
		CHECK_EQ(id.aux, 9);
	}
}

/* ------------------------------------------------------------------ */
/* flow.h: IPv4                                                        */
/* ------------------------------------------------------------------ */

static void test_ipv4(void)
{
	struct vns_flow f;
	struct vns_flow_id id;
	u8 pkt[128];
	size_t n, l4, i;
	bool ok;

	/* Layout: the flow key is hashed as bytes, so it must have no holes */
	CHECK_EQ(sizeof(struct vns_flow), 40);
	CHECK_EQ(sizeof(struct vns_flow_id), 12);

	/* TCP */
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_TCP, 0x1234, 0x4000);	/* DF */
	n += tcp_hdr(pkt + n, 12345, 80, 0xdeadbeef);
	dirty(&f, &id);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.family, VNS_AF_INET);
	CHECK_EQ(f.proto, VNS_IPPROTO_TCP);
	CHECK_EQ(f.sport, 12345);
	CHECK_EQ(f.dport, 80);
	CHECK_EQ(f.icmp_type, 0);
	CHECK_EQ(f.icmp_code, 0);
	CHECK_MEM(f.src, v4_src, 4);
	CHECK_MEM(f.dst, v4_dst, 4);
	CHECK_MEM(f.src + 4, zero16, 12);	/* rest of the address is 0 */
	CHECK_MEM(f.dst + 4, zero16, 12);
	CHECK_EQ(id.ip_id, 0x1234);
	CHECK_EQ(id.l4, 0xdeadbeef);

	/* id may be NULL */
	memset(&f, 0xa5, sizeof(f));
	CHECK(vns_flow_parse_ipv4(&f, NULL, pkt, n));
	CHECK_EQ(f.sport, 12345);
	CHECK_EQ(f.dport, 80);

	/* UDP: ports, no L4 id */
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_UDP, 0xfffe, 0);
	n += udp_hdr(pkt + n, 53, 33333);
	dirty(&f, &id);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.proto, VNS_IPPROTO_UDP);
	CHECK_EQ(f.sport, 53);
	CHECK_EQ(f.dport, 33333);
	CHECK_EQ(id.ip_id, 0xfffe);
	CHECK_EQ(id.l4, 0);
	CHECK_EQ(id.aux, 0);		/* no payload */
	put32(pkt + n, 0x00000007);	/* a sequence number in the payload */
	CHECK(parse4(&f, &id, pkt, n + 4));
	CHECK_EQ(id.aux, 7);
	CHECK_EQ(id.l4, 0);
	CHECK(parse4(&f, &id, pkt, n + 3));	/* a short payload: no word */
	CHECK_EQ(id.aux, 0);

	/* TCP: a pure ACK repeats the seq, the ack tells them apart */
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_TCP, 0x1234, 0x4000);
	n += tcp_hdr(pkt + n, 12345, 80, 1000);
	put32(pkt + 20 + 8, 0x01020304);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(id.l4, 1000);
	CHECK_EQ(id.aux, 0x01020304);
	CHECK(parse4(&f, &id, pkt, 20 + 11));	/* ack cut short */
	CHECK_EQ(id.l4, 1000);
	CHECK_EQ(id.aux, 0);

	/* ICMP echo request: type/code, id << 16 | seq, no ports */
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_ICMP, 7, 0);
	n += icmp_echo(pkt + n, 8, 0x0102, 0x0304);
	dirty(&f, &id);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.proto, VNS_IPPROTO_ICMP);
	CHECK_EQ(f.icmp_type, 8);
	CHECK_EQ(f.icmp_code, 0);
	CHECK_EQ(f.sport, 0);
	CHECK_EQ(f.dport, 0);
	CHECK_EQ(id.ip_id, 7);
	CHECK_EQ(id.l4, 0x01020304);

	/* ICMP destination unreachable, code 3 */
	pkt[20] = 3;
	pkt[21] = 3;
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.icmp_type, 3);
	CHECK_EQ(f.icmp_code, 3);

	/* Options: ihl 6 and the maximum, 15 */
	n = ip4_hdr(pkt, 6, VNS_IPPROTO_TCP, 1, 0);
	n += tcp_hdr(pkt + n, 1000, 2000, 42);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.sport, 1000);
	CHECK_EQ(f.dport, 2000);
	CHECK_EQ(id.l4, 42);
	n = ip4_hdr(pkt, 15, VNS_IPPROTO_UDP, 1, 0);
	CHECK_EQ(n, 60);
	n += udp_hdr(pkt + n, 4789, 4790);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.sport, 4789);
	CHECK_EQ(f.dport, 4790);
	/* options present, but the buffer ends inside them */
	CHECK(!parse4(&f, &id, pkt, 59));
	CHECK(flow_is_zero(&f));
	CHECK(parse4(&f, &id, pkt, 60));	/* header complete, no L4 */
	CHECK_EQ(f.proto, VNS_IPPROTO_UDP);
	CHECK_EQ(f.sport, 0);

	/* Truncated IP header: every length below 20 */
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_TCP, 0x1234, 0);
	n += tcp_hdr(pkt + n, 12345, 80, 0xdeadbeef);
	ok = true;
	for (i = 0; i < 20; i++) {
		dirty(&f, &id);
		if (parse4(&f, &id, pkt, i) || !flow_is_zero(&f) ||
		    id.ip_id || id.l4)
			ok = false;
	}
	CHECK(ok);

	/* Truncated TCP header: ports need 4 bytes, the seq 8 */
	for (l4 = 0; l4 <= 8; l4++) {
		dirty(&f, &id);
		CHECK(parse4(&f, &id, pkt, 20 + l4));
		CHECK_EQ(f.sport, l4 >= 4 ? 12345 : 0);
		CHECK_EQ(f.dport, l4 >= 4 ? 80 : 0);
		CHECK_EQ(id.l4, l4 >= 8 ? 0xdeadbeef : 0);
		CHECK_EQ(id.ip_id, 0x1234);
	}

	/* Truncated ICMP header: type/code need 2 bytes, id/seq 8 */
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_ICMP, 9, 0);
	n += icmp_echo(pkt + n, 0, 0xabcd, 0x0001);	/* echo reply */
	pkt[21] = 0;
	for (l4 = 0; l4 <= 8; l4++) {
		dirty(&f, &id);
		pkt[20] = 8;
		CHECK(parse4(&f, &id, pkt, 20 + l4));
		CHECK_EQ(f.icmp_type, l4 >= 2 ? 8 : 0);
		CHECK_EQ(id.l4, l4 >= 8 ? 0xabcd0001 : 0);
	}

	/* Fragments: MF alone is the first fragment, any offset is not */
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_UDP, 0x4444, 0x2000);	/* MF */
	n += udp_hdr(pkt + n, 5000, 6000);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.sport, 5000);
	CHECK_EQ(f.dport, 6000);
	put16(pkt + 6, 0x2001);		/* MF, offset 8 bytes */
	dirty(&f, &id);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.family, VNS_AF_INET);
	CHECK_EQ(f.proto, VNS_IPPROTO_UDP);
	CHECK_EQ(f.sport, 0);
	CHECK_EQ(f.dport, 0);
	CHECK_EQ(id.ip_id, 0x4444);
	CHECK_EQ(id.l4, 0);
	put16(pkt + 6, 0x1fff);		/* last fragment, highest offset */
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.sport, 0);
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_TCP, 1, 0x00b9);
	n += tcp_hdr(pkt + n, 1, 2, 3);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.sport, 0);
	CHECK_EQ(id.l4, 0);
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_ICMP, 1, 0x0010);
	n += icmp_echo(pkt + n, 8, 1, 2);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.icmp_type, 0);
	CHECK_EQ(id.l4, 0);

	/* Bad version, bad ihl */
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_TCP, 1, 0);
	n += tcp_hdr(pkt + n, 1, 2, 3);
	pkt[0] = 0x65;
	dirty(&f, &id);
	CHECK(!parse4(&f, &id, pkt, n));
	CHECK(flow_is_zero(&f));
	CHECK_EQ(id.ip_id, 0);
	pkt[0] = 0x05;
	CHECK(!parse4(&f, &id, pkt, n));
	pkt[0] = 0x44;			/* ihl 16 bytes < 20 */
	CHECK(!parse4(&f, &id, pkt, n));
	pkt[0] = 0x40;
	CHECK(!parse4(&f, &id, pkt, n));
	pkt[0] = 0x4f;			/* ihl 60 > 40 bytes present */
	CHECK(!parse4(&f, &id, pkt, n));
	n = ip6_hdr(pkt, VNS_IPPROTO_TCP);	/* IPv6 into the v4 parser */
	n += tcp_hdr(pkt + n, 1, 2, 3);
	CHECK(!parse4(&f, &id, pkt, n));
	CHECK(flow_is_zero(&f));

	/* Unknown protocol: addresses, no L4 */
	n = ip4_hdr(pkt, 5, 47, 1, 0);			/* GRE */
	memset(pkt + n, 0xff, 8);
	n += 8;
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.proto, 47);
	CHECK_EQ(f.sport, 0);
	CHECK_EQ(f.icmp_type, 0);
	CHECK_EQ(id.l4, 0);

	/* SCTP and UDP-Lite have ports */
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_SCTP, 1, 0);
	n += udp_hdr(pkt + n, 3868, 3869);
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.sport, 3868);
	CHECK_EQ(f.dport, 3869);
	CHECK_EQ(id.l4, 0);
	pkt[9] = VNS_IPPROTO_UDPLITE;
	CHECK(parse4(&f, &id, pkt, n));
	CHECK_EQ(f.sport, 3868);
}

/* ------------------------------------------------------------------ */
/* flow.h: IPv6                                                        */
/* ------------------------------------------------------------------ */

static void test_ipv6(void)
{
	struct vns_flow f;
	struct vns_flow_id id;
	u8 pkt[256];
	size_t n, l4, i;
	bool ok;

	/* Plain TCP */
	n = ip6_hdr(pkt, VNS_IPPROTO_TCP);
	n += tcp_hdr(pkt + n, 40000, 443, 0x01020304);
	dirty(&f, &id);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.family, VNS_AF_INET6);
	CHECK_EQ(f.proto, VNS_IPPROTO_TCP);
	CHECK_EQ(f.sport, 40000);
	CHECK_EQ(f.dport, 443);
	CHECK_MEM(f.src, v6_src, 16);
	CHECK_MEM(f.dst, v6_dst, 16);
	CHECK_EQ(id.ip_id, 0);
	CHECK_EQ(id.l4, 0x01020304);
	CHECK(vns_flow_parse_ipv6(&f, NULL, pkt, n));
	CHECK_EQ(f.dport, 443);

	/* Truncated L4 */
	for (l4 = 0; l4 <= 8; l4++) {
		dirty(&f, &id);
		CHECK(parse6(&f, &id, pkt, 40 + l4));
		CHECK_EQ(f.proto, VNS_IPPROTO_TCP);
		CHECK_EQ(f.sport, l4 >= 4 ? 40000 : 0);
		CHECK_EQ(id.l4, l4 >= 8 ? 0x01020304 : 0);
	}

	/* Truncated fixed header, bad version */
	ok = true;
	for (i = 0; i < 40; i++) {
		dirty(&f, &id);
		if (parse6(&f, &id, pkt, i) || !flow_is_zero(&f) ||
		    id.ip_id || id.l4)
			ok = false;
	}
	CHECK(ok);
	pkt[0] = 0x40;
	CHECK(!parse6(&f, &id, pkt, n));
	CHECK(flow_is_zero(&f));
	pkt[0] = 0x70;
	CHECK(!parse6(&f, &id, pkt, n));
	pkt[0] = 0x6f;		/* traffic class bits do not matter */
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.dport, 443);
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_TCP, 1, 0);	/* IPv4 into v6 */
	n += tcp_hdr(pkt + n, 1, 2, 3);
	n += 20;
	CHECK(!parse6(&f, &id, pkt, n));

	/* UDP */
	n = ip6_hdr(pkt, VNS_IPPROTO_UDP);
	n += udp_hdr(pkt + n, 546, 547);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.proto, VNS_IPPROTO_UDP);
	CHECK_EQ(f.sport, 546);
	CHECK_EQ(f.dport, 547);
	CHECK_EQ(id.l4, 0);
	CHECK_EQ(id.aux, 0);
	CHECK_EQ(id.ip_id, 0);		/* no fragment header */
	put32(pkt + n, 0xcafe0001);	/* payload: the stand-in for an ID */
	CHECK(parse6(&f, &id, pkt, n + 4));
	CHECK_EQ(id.aux, 0xcafe0001);

	/* ICMPv6 echo request */
	n = ip6_hdr(pkt, VNS_IPPROTO_ICMPV6);
	n += icmp_echo(pkt + n, 128, 0xabcd, 0x0102);
	dirty(&f, &id);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.proto, VNS_IPPROTO_ICMPV6);
	CHECK_EQ(f.icmp_type, 128);
	CHECK_EQ(f.icmp_code, 0);
	CHECK_EQ(f.sport, 0);
	CHECK_EQ(id.l4, 0xabcd0102);

	/* Hop-by-hop (8 bytes) then TCP */
	n = ip6_hdr(pkt, 0);
	n += ip6_ext(pkt + n, VNS_IPPROTO_TCP, 0);
	n += tcp_hdr(pkt + n, 1111, 2222, 77);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.proto, VNS_IPPROTO_TCP);
	CHECK_EQ(f.sport, 1111);
	CHECK_EQ(f.dport, 2222);
	CHECK_EQ(id.l4, 77);

	/* Hop-by-hop, routing (24 bytes), dstopts (16 bytes), then UDP */
	n = ip6_hdr(pkt, 0);
	n += ip6_ext(pkt + n, 43, 0);
	n += ip6_ext(pkt + n, 60, 2);
	n += ip6_ext(pkt + n, VNS_IPPROTO_UDP, 1);
	CHECK_EQ(n, 40 + 8 + 24 + 16);
	n += udp_hdr(pkt + n, 53, 53);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.proto, VNS_IPPROTO_UDP);
	CHECK_EQ(f.sport, 53);
	CHECK_EQ(f.dport, 53);
	/* ... truncated inside the UDP header: proto known, no ports */
	CHECK(parse6(&f, &id, pkt, n - 5));
	CHECK_EQ(f.proto, VNS_IPPROTO_UDP);
	CHECK_EQ(f.sport, 0);
	/* ... truncated inside the dstopts header (its first 8 bytes are in) */
	CHECK(parse6(&f, &id, pkt, 40 + 8 + 24 + 12));
	CHECK_EQ(f.proto, VNS_IPPROTO_UDP);
	CHECK_EQ(f.sport, 0);
	/* ... truncated before the dstopts header is readable: proto stays 60 */
	dirty(&f, &id);
	CHECK(parse6(&f, &id, pkt, 40 + 8 + 24 + 7));
	CHECK_EQ(f.family, VNS_AF_INET6);
	CHECK_EQ(f.proto, 60);
	CHECK_EQ(f.sport, 0);
	CHECK_EQ(f.dport, 0);
	CHECK_EQ(id.l4, 0);

	/* Truncated hop-by-hop right after the fixed header */
	n = ip6_hdr(pkt, 0);
	n += ip6_ext(pkt + n, VNS_IPPROTO_TCP, 0);
	for (l4 = 0; l4 < 8; l4++) {
		dirty(&f, &id);
		CHECK(parse6(&f, &id, pkt, 40 + l4));
		CHECK_EQ(f.proto, 0);
		CHECK_EQ(f.sport, 0);
	}

	/* Fragment header, first fragment (offset 0, M=1): L4 parsed */
	n = ip6_hdr(pkt, 44);
	n += ip6_frag(pkt + n, VNS_IPPROTO_UDP, 0, true, 0x89abcdef);
	n += udp_hdr(pkt + n, 7000, 8000);
	dirty(&f, &id);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.proto, VNS_IPPROTO_UDP);
	CHECK_EQ(f.sport, 7000);
	CHECK_EQ(f.dport, 8000);
	CHECK_EQ(id.ip_id, 0x89abcdef);
	/* Non-first fragment (offset 185 * 8): no L4 header */
	ip6_frag(pkt + 40, VNS_IPPROTO_UDP, 185, false, 0x89abcdef);
	dirty(&f, &id);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.family, VNS_AF_INET6);
	CHECK_EQ(f.proto, VNS_IPPROTO_UDP);
	CHECK_EQ(f.sport, 0);
	CHECK_EQ(f.dport, 0);
	CHECK_EQ(id.ip_id, 0x89abcdef);
	CHECK_EQ(id.l4, 0);
	ip6_frag(pkt + 40, VNS_IPPROTO_UDP, 1, true, 1);	/* offset 8 */
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.sport, 0);
	CHECK_EQ(id.ip_id, 1);
	/* Truncated fragment header */
	dirty(&f, &id);
	CHECK(parse6(&f, &id, pkt, 47));
	CHECK_EQ(f.proto, 44);
	CHECK_EQ(f.sport, 0);
	CHECK_EQ(id.ip_id, 0);

	/* Hop-by-hop then a non-first fragment of TCP */
	n = ip6_hdr(pkt, 0);
	n += ip6_ext(pkt + n, 44, 0);
	n += ip6_frag(pkt + n, VNS_IPPROTO_TCP, 100, true, 0x11223344);
	n += tcp_hdr(pkt + n, 1, 2, 3);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.proto, VNS_IPPROTO_TCP);
	CHECK_EQ(f.sport, 0);
	CHECK_EQ(id.ip_id, 0x11223344);
	CHECK_EQ(id.l4, 0);

	/* Extension header longer than the buffer: proto known, no ports */
	n = ip6_hdr(pkt, 60);
	n += ip6_ext(pkt + n, VNS_IPPROTO_TCP, 1);	/* 16 bytes */
	CHECK(parse6(&f, &id, pkt, 40 + 8));
	CHECK_EQ(f.proto, VNS_IPPROTO_TCP);
	CHECK_EQ(f.sport, 0);
	pkt[41] = 255;				/* 2048 bytes claimed */
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.proto, VNS_IPPROTO_TCP);
	CHECK_EQ(f.sport, 0);

	/* At most 8 extension headers are walked */
	n = ip6_hdr(pkt, 0);
	for (i = 0; i < 8; i++)
		n += ip6_ext(pkt + n, i < 7 ? 60 : VNS_IPPROTO_UDP, 0);
	n += udp_hdr(pkt + n, 9, 10);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.proto, VNS_IPPROTO_UDP);
	CHECK_EQ(f.sport, 9);
	n = ip6_hdr(pkt, 0);
	for (i = 0; i < 9; i++)
		n += ip6_ext(pkt + n, i < 8 ? 60 : VNS_IPPROTO_UDP, 0);
	n += udp_hdr(pkt + n, 9, 10);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.proto, 60);
	CHECK_EQ(f.sport, 0);

	/* No next header (59) */
	n = ip6_hdr(pkt, 59);
	CHECK(parse6(&f, &id, pkt, n));
	CHECK_EQ(f.proto, 59);
	CHECK_EQ(f.sport, 0);
}

/* ------------------------------------------------------------------ */
/* flow.h: filters                                                     */
/* ------------------------------------------------------------------ */

static struct vns_flow flow4(const char *src, const char *dst, u8 proto,
			     u16 sport, u16 dport)
{
	struct vns_flow f;
	unsigned int a[4], b[4], i;

	memset(&f, 0, sizeof(f));
	if (sscanf(src, "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]) != 4 ||
	    sscanf(dst, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]) != 4)
		abort();
	for (i = 0; i < 4; i++) {
		f.src[i] = (u8)a[i];
		f.dst[i] = (u8)b[i];
	}
	f.family = VNS_AF_INET;
	f.proto = proto;
	if (vns_proto_has_ports(proto)) {
		f.sport = sport;
		f.dport = dport;
	} else if (vns_proto_is_icmp(proto)) {
		f.icmp_type = 8;
	}
	return f;
}

/* IPv6 addresses as 8 16-bit groups, no "::" shorthand */
static void addr6(u8 *out, const u16 *g)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		put16(out + 2 * i, g[i]);
}

static struct vns_flow flow6(const u16 *src, const u16 *dst, u8 proto,
			     u16 sport, u16 dport)
{
	struct vns_flow f;

	memset(&f, 0, sizeof(f));
	f.family = VNS_AF_INET6;
	f.proto = proto;
	addr6(f.src, src);
	addr6(f.dst, dst);
	if (vns_proto_has_ports(proto)) {
		f.sport = sport;
		f.dport = dport;
	}
	return f;
}

static void flt_src4(struct vns_filter *flt, u8 a, u8 b, u8 c, u8 d, u8 plen)
{
	memset(flt->src, 0, sizeof(flt->src));
	flt->src_family = VNS_AF_INET;
	flt->src[0] = a;
	flt->src[1] = b;
	flt->src[2] = c;
	flt->src[3] = d;
	flt->src_prefix = plen;
}

static void flt_src6(struct vns_filter *flt, const u16 *g, u8 plen)
{
	flt->src_family = VNS_AF_INET6;
	addr6(flt->src, g);
	flt->src_prefix = plen;
}

static void flt_dst6(struct vns_filter *flt, const u16 *g, u8 plen)
{
	flt->dst_family = VNS_AF_INET6;
	addr6(flt->dst, g);
	flt->dst_prefix = plen;
}

static bool match4(const struct vns_filter *flt, const char *src)
{
	struct vns_flow f = flow4(src, "203.0.113.9", VNS_IPPROTO_TCP, 1, 2);

	return vns_filter_match(flt, &f, "eth0");
}

static void test_filter(void)
{
	static const u16 a6[8] = { 0x2001, 0xdb8, 1, 2, 0, 0, 0, 0x10 };
	static const u16 a6_same64[8] = { 0x2001, 0xdb8, 1, 2,
					  0xffff, 0xffff, 0xffff, 0xffff };
	static const u16 a6_next64[8] = { 0x2001, 0xdb8, 1, 3, 0, 0, 0, 0x10 };
	static const u16 a6_p1[8] = { 0x2001, 0xdb8, 1, 2, 0, 0, 0, 0x11 };
	static const u16 a6_p2[8] = { 0x2001, 0xdb8, 1, 2, 0, 0, 0, 0x12 };
	static const u16 a6_m1[8] = { 0x2001, 0xdb8, 1, 2, 0, 0, 0, 0x0f };
	static const u16 a6_other[8] = { 0xfe80, 0, 0, 0, 0, 0, 0, 1 };
	/* first 4 bytes equal to 10.1.2.3 */
	static const u16 a6_v4like[8] = { 0x0a01, 0x0203, 0, 0, 0, 0, 0, 0 };
	struct vns_filter flt;
	struct vns_flow tcp4, udp4, icmp4, tcp6, icmp6, nonip, sctp4;

	tcp4 = flow4("10.1.2.3", "192.168.0.1", VNS_IPPROTO_TCP, 40000, 443);
	udp4 = flow4("10.1.2.3", "192.168.0.1", VNS_IPPROTO_UDP, 40000, 443);
	icmp4 = flow4("10.1.2.3", "192.168.0.1", VNS_IPPROTO_ICMP, 0, 0);
	sctp4 = flow4("10.1.2.3", "192.168.0.1", VNS_IPPROTO_SCTP, 40000, 443);
	tcp6 = flow6(a6, a6_other, VNS_IPPROTO_TCP, 40000, 443);
	icmp6 = flow6(a6, a6_other, VNS_IPPROTO_ICMPV6, 0, 0);
	memset(&nonip, 0, sizeof(nonip));

	/* Empty filter: matches everything, with or without a device */
	memset(&flt, 0, sizeof(flt));
	CHECK(vns_filter_is_empty(&flt));
	CHECK(!vns_filter_needs_flow(&flt));
	CHECK(vns_filter_match(&flt, &tcp4, "eth0"));
	CHECK(vns_filter_match(&flt, &tcp6, NULL));
	CHECK(vns_filter_match(&flt, &icmp4, "lo"));
	CHECK(vns_filter_match(&flt, &nonip, NULL));
	CHECK(vns_filter_match(&flt, &nonip, "eth0"));
	CHECK(vns_filter_dev_match(&flt, NULL));
	CHECK(vns_filter_dev_match(&flt, "eth0"));

	/* the device alone, before any flow */
	flt.has_dev = 1;
	strcpy(flt.dev, "eth0");
	CHECK(vns_filter_dev_match(&flt, "eth0"));
	CHECK(!vns_filter_dev_match(&flt, "eth1"));
	CHECK(!vns_filter_dev_match(&flt, NULL));
	CHECK(!vns_filter_match(&flt, &tcp4, "eth1"));
	CHECK(vns_filter_match(&flt, &tcp4, "eth0"));

	/* proto alone */
	memset(&flt, 0, sizeof(flt));
	flt.proto = VNS_IPPROTO_TCP;
	CHECK(!vns_filter_is_empty(&flt));
	CHECK(vns_filter_needs_flow(&flt));
	CHECK(vns_filter_match(&flt, &tcp4, "eth0"));
	CHECK(vns_filter_match(&flt, &tcp6, NULL));
	CHECK(!vns_filter_match(&flt, &udp4, "eth0"));
	CHECK(!vns_filter_match(&flt, &icmp4, "eth0"));
	CHECK(!vns_filter_match(&flt, &nonip, "eth0"));
	flt.proto = VNS_IPPROTO_ICMPV6;
	CHECK(vns_filter_match(&flt, &icmp6, "eth0"));
	CHECK(!vns_filter_match(&flt, &icmp4, "eth0"));

	/* sport alone, dport alone */
	memset(&flt, 0, sizeof(flt));
	flt.has_sport = 1;
	flt.sport = 40000;
	CHECK(vns_filter_needs_flow(&flt));
	CHECK(vns_filter_match(&flt, &tcp4, "eth0"));
	CHECK(vns_filter_match(&flt, &udp4, "eth0"));
	CHECK(vns_filter_match(&flt, &sctp4, "eth0"));
	CHECK(vns_filter_match(&flt, &tcp6, "eth0"));
	CHECK(!vns_filter_match(&flt, &icmp4, "eth0"));
	CHECK(!vns_filter_match(&flt, &nonip, "eth0"));
	flt.sport = 443;
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));
	memset(&flt, 0, sizeof(flt));
	flt.has_dport = 1;
	flt.dport = 443;
	CHECK(vns_filter_match(&flt, &tcp4, "eth0"));
	flt.dport = 444;
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));
	/* port 0 filter against ICMP (whose ports are 0): still no match */
	flt.dport = 0;
	CHECK(!vns_filter_match(&flt, &icmp4, "eth0"));
	CHECK(!vns_filter_match(&flt, &icmp6, "eth0"));

	/* dev alone: needs no flow, so it matches non-IP packets too */
	memset(&flt, 0, sizeof(flt));
	flt.has_dev = 1;
	strcpy(flt.dev, "eth0");
	CHECK(!vns_filter_is_empty(&flt));
	CHECK(!vns_filter_needs_flow(&flt));
	CHECK(vns_filter_match(&flt, &tcp4, "eth0"));
	CHECK(vns_filter_match(&flt, &nonip, "eth0"));
	CHECK(!vns_filter_match(&flt, &tcp4, "eth1"));
	CHECK(!vns_filter_match(&flt, &tcp4, "eth"));
	CHECK(!vns_filter_match(&flt, &tcp4, "eth00"));
	CHECK(!vns_filter_match(&flt, &tcp4, NULL));
	CHECK(!vns_filter_match(&flt, &nonip, NULL));
	/* a 15-character name, the longest a kernel device can have */
	strcpy(flt.dev, "abcdefghijklmno");
	CHECK(vns_filter_match(&flt, &tcp4, "abcdefghijklmno"));
	CHECK(!vns_filter_match(&flt, &tcp4, "abcdefghijklmnx"));

	/* IPv4 source prefixes */
	memset(&flt, 0, sizeof(flt));
	flt_src4(&flt, 10, 1, 2, 3, 0);
	CHECK(vns_filter_needs_flow(&flt));
	CHECK(match4(&flt, "0.0.0.0"));
	CHECK(match4(&flt, "255.255.255.255"));
	CHECK(!vns_filter_match(&flt, &tcp6, "eth0"));	/* /0: v4 only */
	CHECK(!vns_filter_match(&flt, &nonip, "eth0"));
	flt_src4(&flt, 10, 1, 2, 3, 1);
	CHECK(match4(&flt, "127.255.255.255"));
	CHECK(!match4(&flt, "128.0.0.0"));
	flt_src4(&flt, 10, 0, 0, 0, 7);		/* 10.0.0.0/7 = 10.0.0.0-11.x */
	CHECK(match4(&flt, "10.0.0.0"));
	CHECK(match4(&flt, "11.255.255.255"));
	CHECK(!match4(&flt, "9.255.255.255"));
	CHECK(!match4(&flt, "12.0.0.0"));
	flt_src4(&flt, 10, 1, 2, 0, 24);
	CHECK(match4(&flt, "10.1.2.0"));
	CHECK(match4(&flt, "10.1.2.255"));
	CHECK(!match4(&flt, "10.1.3.0"));
	CHECK(!match4(&flt, "10.1.1.255"));
	CHECK(!match4(&flt, "11.1.2.0"));
	flt_src4(&flt, 10, 1, 2, 2, 31);
	CHECK(match4(&flt, "10.1.2.2"));
	CHECK(match4(&flt, "10.1.2.3"));
	CHECK(!match4(&flt, "10.1.2.1"));
	CHECK(!match4(&flt, "10.1.2.4"));
	flt_src4(&flt, 10, 1, 2, 3, 32);
	CHECK(match4(&flt, "10.1.2.3"));
	CHECK(!match4(&flt, "10.1.2.2"));
	CHECK(!match4(&flt, "138.1.2.3"));	/* top bit differs */
	/* v4 filter vs v6 flow whose first 4 bytes are 10.1.2.3 */
	tcp6 = flow6(a6_v4like, a6_other, VNS_IPPROTO_TCP, 40000, 443);
	CHECK(!vns_filter_match(&flt, &tcp6, "eth0"));
	tcp6 = flow6(a6, a6_other, VNS_IPPROTO_TCP, 40000, 443);
	/* the source filter looks at the source only */
	flt_src4(&flt, 192, 168, 0, 1, 32);
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));

	/* IPv4 destination */
	memset(&flt, 0, sizeof(flt));
	flt.dst_family = VNS_AF_INET;
	flt.dst[0] = 192;
	flt.dst[1] = 168;
	flt.dst_prefix = 16;
	CHECK(vns_filter_match(&flt, &tcp4, "eth0"));
	CHECK(vns_filter_match(&flt, &icmp4, NULL));
	flt.dst[1] = 169;
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));
	flt.dst[1] = 168;
	flt.dst_family = VNS_AF_INET6;		/* family mismatch */
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));

	/* IPv6 prefixes */
	memset(&flt, 0, sizeof(flt));
	flt_src6(&flt, a6, 64);
	CHECK(vns_filter_match(&flt, &tcp6, "eth0"));
	tcp6 = flow6(a6_same64, a6_other, VNS_IPPROTO_TCP, 1, 2);
	CHECK(vns_filter_match(&flt, &tcp6, "eth0"));
	tcp6 = flow6(a6_next64, a6_other, VNS_IPPROTO_TCP, 1, 2);
	CHECK(!vns_filter_match(&flt, &tcp6, "eth0"));
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));	/* family */
	flt_src6(&flt, a6, 127);	/* ...:10/127 = ...:10 and ...:11 */
	tcp6 = flow6(a6_p1, a6_other, VNS_IPPROTO_TCP, 1, 2);
	CHECK(vns_filter_match(&flt, &tcp6, "eth0"));
	tcp6 = flow6(a6_p2, a6_other, VNS_IPPROTO_TCP, 1, 2);
	CHECK(!vns_filter_match(&flt, &tcp6, "eth0"));
	tcp6 = flow6(a6_m1, a6_other, VNS_IPPROTO_TCP, 1, 2);
	CHECK(!vns_filter_match(&flt, &tcp6, "eth0"));
	flt_src6(&flt, a6, 128);
	tcp6 = flow6(a6, a6_other, VNS_IPPROTO_TCP, 1, 2);
	CHECK(vns_filter_match(&flt, &tcp6, "eth0"));
	tcp6 = flow6(a6_p1, a6_other, VNS_IPPROTO_TCP, 1, 2);
	CHECK(!vns_filter_match(&flt, &tcp6, "eth0"));
	flt_src6(&flt, a6_other, 0);		/* ::/0 matches any IPv6 */
	CHECK(vns_filter_match(&flt, &tcp6, "eth0"));
	CHECK(vns_filter_match(&flt, &icmp6, NULL));
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));
	CHECK(!vns_filter_match(&flt, &nonip, "eth0"));
	memset(&flt, 0, sizeof(flt));
	flt_dst6(&flt, a6_other, 10);		/* fe80::/10 */
	tcp6 = flow6(a6, a6_other, VNS_IPPROTO_TCP, 40000, 443);
	CHECK(vns_filter_match(&flt, &tcp6, "eth0"));
	flt_dst6(&flt, a6, 10);
	CHECK(!vns_filter_match(&flt, &tcp6, "eth0"));

	/* Combinations: every field must match */
	memset(&flt, 0, sizeof(flt));
	flt.proto = VNS_IPPROTO_TCP;
	flt_src4(&flt, 10, 0, 0, 0, 8);
	flt.dst_family = VNS_AF_INET;
	flt.dst[0] = 192;
	flt.dst[1] = 168;
	flt.dst_prefix = 24;
	flt.has_dport = 1;
	flt.dport = 443;
	flt.has_sport = 1;
	flt.sport = 40000;
	flt.has_dev = 1;
	strcpy(flt.dev, "eth0");
	CHECK(vns_filter_match(&flt, &tcp4, "eth0"));
	CHECK(!vns_filter_match(&flt, &tcp4, "eth1"));
	CHECK(!vns_filter_match(&flt, &tcp4, NULL));
	CHECK(!vns_filter_match(&flt, &udp4, "eth0"));
	CHECK(!vns_filter_match(&flt, &tcp6, "eth0"));
	flt.dport = 80;
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));
	flt.dport = 443;
	flt.sport = 40001;
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));
	flt.sport = 40000;
	flt.src[0] = 11;
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));
	flt.src[0] = 10;
	flt.dst[2] = 1;
	CHECK(!vns_filter_match(&flt, &tcp4, "eth0"));
	flt.dst[2] = 0;
	CHECK(vns_filter_match(&flt, &tcp4, "eth0"));
	/* proto + port on a protocol without ports */
	memset(&flt, 0, sizeof(flt));
	flt.proto = VNS_IPPROTO_ICMP;
	flt.has_sport = 1;
	CHECK(!vns_filter_match(&flt, &icmp4, "eth0"));
}

/* ------------------------------------------------------------------ */
/* flow.h: protocol and port strings                                   */
/* ------------------------------------------------------------------ */

static void test_parse_strings(void)
{
	static const u8 protos[] = {
		VNS_IPPROTO_TCP, VNS_IPPROTO_UDP, VNS_IPPROTO_ICMP,
		VNS_IPPROTO_ICMPV6, VNS_IPPROTO_SCTP, VNS_IPPROTO_UDPLITE,
	};
	unsigned int i;
	bool ok;

	CHECK_INT(vns_proto_parse(""), -1);
	CHECK_INT(vns_proto_parse("0"), -1);
	CHECK_INT(vns_proto_parse("00"), -1);
	CHECK_INT(vns_proto_parse("1"), 1);
	CHECK_INT(vns_proto_parse("6"), 6);
	CHECK_INT(vns_proto_parse("006"), 6);
	CHECK_INT(vns_proto_parse("255"), 255);
	CHECK_INT(vns_proto_parse("256"), -1);
	CHECK_INT(vns_proto_parse("1000"), -1);
	CHECK_INT(vns_proto_parse("4294967302"), -1);	/* 2^32 + 6 */
	CHECK_INT(vns_proto_parse("-1"), -1);
	CHECK_INT(vns_proto_parse("+6"), -1);
	CHECK_INT(vns_proto_parse(" 6"), -1);
	CHECK_INT(vns_proto_parse("6 "), -1);
	CHECK_INT(vns_proto_parse("1a"), -1);
	CHECK_INT(vns_proto_parse("0x6"), -1);
	CHECK_INT(vns_proto_parse("tcp"), VNS_IPPROTO_TCP);
	CHECK_INT(vns_proto_parse("udp"), VNS_IPPROTO_UDP);
	CHECK_INT(vns_proto_parse("icmp"), VNS_IPPROTO_ICMP);
	CHECK_INT(vns_proto_parse("icmp6"), VNS_IPPROTO_ICMPV6);
	CHECK_INT(vns_proto_parse("icmpv6"), VNS_IPPROTO_ICMPV6);
	CHECK_INT(vns_proto_parse("sctp"), VNS_IPPROTO_SCTP);
	CHECK_INT(vns_proto_parse("udplite"), VNS_IPPROTO_UDPLITE);
	CHECK_INT(vns_proto_parse("tcpx"), -1);
	CHECK_INT(vns_proto_parse("tc"), -1);
	CHECK_INT(vns_proto_parse("icmp4"), -1);

	CHECK_INT(vns_port_parse(""), -1);
	CHECK_INT(vns_port_parse("0"), 0);
	CHECK_INT(vns_port_parse("80"), 80);
	CHECK_INT(vns_port_parse("00080"), 80);
	CHECK_INT(vns_port_parse("65535"), 65535);
	CHECK_INT(vns_port_parse("65536"), -1);
	CHECK_INT(vns_port_parse("99999"), -1);
	CHECK_INT(vns_port_parse("4294967376"), -1);	/* 2^32 + 80 */
	CHECK_INT(vns_port_parse("-1"), -1);
	CHECK_INT(vns_port_parse("+1"), -1);
	CHECK_INT(vns_port_parse("1a"), -1);
	CHECK_INT(vns_port_parse("a1"), -1);
	CHECK_INT(vns_port_parse(" 1"), -1);
	CHECK_INT(vns_port_parse("http"), -1);

	/* Every name round-trips; unnamed numbers have no name */
	ok = true;
	for (i = 0; i < sizeof(protos); i++) {
		const char *name = vns_proto_name(protos[i]);

		if (!name || vns_proto_parse(name) != protos[i])
			ok = false;
	}
	CHECK(ok);
	CHECK(vns_proto_name(0) == NULL);
	CHECK(vns_proto_name(47) == NULL);
	CHECK(vns_proto_name(255) == NULL);
	CHECK(strcmp(vns_proto_name(VNS_IPPROTO_ICMPV6), "icmpv6") == 0);

	CHECK(vns_proto_has_ports(VNS_IPPROTO_TCP));
	CHECK(vns_proto_has_ports(VNS_IPPROTO_UDPLITE));
	CHECK(!vns_proto_has_ports(VNS_IPPROTO_ICMP));
	CHECK(!vns_proto_has_ports(0));
	CHECK(vns_proto_is_icmp(VNS_IPPROTO_ICMPV6));
	CHECK(!vns_proto_is_icmp(VNS_IPPROTO_UDP));
	CHECK_EQ(vns_family_bits(VNS_AF_INET), 32);
	CHECK_EQ(vns_family_bits(VNS_AF_INET6), 128);
}

/* ------------------------------------------------------------------ */
/* hash.h                                                              */
/* ------------------------------------------------------------------ */

static void test_hash(void)
{
	u8 buf[40], zeros[65];
	u64 w[4] = { 0xffffffff81000000ULL, 0xffffffff81234567ULL, 0, 1 };
	u64 h, hs[65], used[1024 / 64];
	unsigned int i, j, bit, distinct;
	bool ok;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 7 + 1);
	h = vns_hash_bytes(buf, sizeof(buf), 0);
	CHECK_EQ(vns_hash_bytes(buf, sizeof(buf), 0), h);
	CHECK(vns_hash_bytes(buf, sizeof(buf), 1) != h);	/* seed */

	/* Every single-bit change changes the hash */
	ok = true;
	for (bit = 0; bit < sizeof(buf) * 8; bit++) {
		buf[bit / 8] ^= (u8)(1 << (bit % 8));
		if (vns_hash_bytes(buf, sizeof(buf), 0) == h)
			ok = false;
		buf[bit / 8] ^= (u8)(1 << (bit % 8));
	}
	CHECK(ok);
	CHECK_EQ(vns_hash_bytes(buf, sizeof(buf), 0), h);

	/* Different lengths differ, even when the extra bytes are zero */
	memset(zeros, 0, sizeof(zeros));
	for (i = 0; i < sizeof(zeros); i++)
		hs[i] = vns_hash_bytes(zeros, i, 0);
	ok = true;
	for (i = 0; i < sizeof(zeros); i++)
		for (j = i + 1; j < sizeof(zeros); j++)
			if (hs[i] == hs[j])
				ok = false;
	CHECK(ok);
	CHECK(vns_hash_bytes("abc", 3, 0) != vns_hash_bytes("abcd", 4, 0));
	CHECK(vns_hash_bytes("abc", 3, 0) == vns_hash_bytes("abc", 3, 0));
	CHECK(vns_hash_bytes(NULL, 0, 0) != vns_hash_bytes(NULL, 0, 1));

	/* Words: same/different input, order, length, seed */
	h = vns_hash_words(w, 4, 0);
	CHECK_EQ(vns_hash_words(w, 4, 0), h);
	CHECK(vns_hash_words(w, 4, 5) != h);
	CHECK(vns_hash_words(w, 3, 0) != h);
	CHECK(vns_hash_words(w, 3, 0) != vns_hash_words(w, 2, 0));
	w[0] ^= 1ULL << 63;
	CHECK(vns_hash_words(w, 4, 0) != h);
	w[0] ^= 1ULL << 63;
	ok = true;
	for (bit = 0; bit < 64 * 4; bit++) {
		w[bit / 64] ^= 1ULL << (bit % 64);
		if (vns_hash_words(w, 4, 0) == h)
			ok = false;
		w[bit / 64] ^= 1ULL << (bit % 64);
	}
	CHECK(ok);
	{
		u64 a[2] = { 1, 2 }, b[2] = { 2, 1 };

		CHECK(vns_hash_words(a, 2, 0) != vns_hash_words(b, 2, 0));
	}
	{
		u64 z[2] = { 0, 0 };

		CHECK(vns_hash_words(z, 0, 0) != vns_hash_words(z, 1, 0));
		CHECK(vns_hash_words(z, 1, 0) != vns_hash_words(z, 2, 0));
	}

	/*
	 * Low bits are spread: hashing 1024 consecutive kernel-like
	 * addresses into 1024 slots fills close to 1 - 1/e of them (647).
	 */
	memset(used, 0, sizeof(used));
	distinct = 0;
	for (i = 0; i < 1024; i++) {
		u64 addr = 0xffffffff81000000ULL + (u64)i * 16;
		unsigned int slot = (unsigned int)(vns_hash_words(&addr, 1, 0) &
						   1023);

		if (!(used[slot / 64] & (1ULL << (slot % 64)))) {
			used[slot / 64] |= 1ULL << (slot % 64);
			distinct++;
		}
	}
	CHECK(distinct > 580 && distinct < 720);
}

/* ------------------------------------------------------------------ */
/* Fuzzing the packet parsers                                          */
/* ------------------------------------------------------------------ */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Byte likely to steer the IPv6 parser into its extension header loop */
static u8 interesting_byte(void)
{
	static const u8 v[] = { 0, 1, 2, 6, 17, 43, 44, 58, 59, 60, 132, 136 };
	u64 r = rng();

	return r & 1 ? v[(r >> 8) % sizeof(v)] : (u8)(r >> 16);
}

/* What must hold for any result of either parser */
static bool flow_sane(const struct vns_flow *f, const struct vns_flow_id *id,
		      bool ret)
{
	if (!ret)
		return flow_is_zero(f) && !id->ip_id && !id->l4;
	if ((f->sport || f->dport) && !vns_proto_has_ports(f->proto))
		return false;
	if ((f->icmp_type || f->icmp_code) && !vns_proto_is_icmp(f->proto))
		return false;
	if (id->l4 && !vns_proto_has_ports(f->proto) &&
	    !vns_proto_is_icmp(f->proto))
		return false;
	return true;
}

#define FUZZ_ROUNDS	200000
#define FUZZ_MAXLEN	128

static void test_fuzz_parsers(void)
{
	unsigned int round, bad4 = 0, bad6 = 0, ok4 = 0, ok6 = 0, deep6 = 0;
	struct vns_flow f;
	struct vns_flow_id id;

	for (round = 0; round < FUZZ_ROUNDS; round++) {
		size_t len = (size_t)(rng() % (FUZZ_MAXLEN + 1)), i;
		u8 *p = malloc(len ? len : 1);
		bool want, ret;

		if (!p)
			abort();
		for (i = 0; i < len; i++)
			p[i] = round % 3 == 2 ? interesting_byte() : (u8)rng();
		/* steer a third to IPv4, a third to IPv6 */
		if (len && round % 3 == 1)
			p[0] = (u8)(0x40 | (p[0] & 0x0f));
		if (len && round % 3 == 2)
			p[0] = (u8)(0x60 | (p[0] & 0x0f));

		dirty(&f, &id);
		ret = vns_flow_parse_ipv4(&f, &id, p, len);
		want = len >= 20 && p[0] >> 4 == 4 && (p[0] & 15) >= 5 &&
		       (size_t)(p[0] & 15) * 4 <= len;
		if (ret != want || !flow_sane(&f, &id, ret) ||
		    (ret && (f.family != VNS_AF_INET || f.proto != p[9] ||
			     memcmp(f.src, p + 12, 4) ||
			     memcmp(f.dst, p + 16, 4))))
			bad4++;
		ok4 += ret;

		dirty(&f, &id);
		ret = vns_flow_parse_ipv6(&f, &id, p, len);
		want = len >= 40 && p[0] >> 4 == 6;
		if (ret != want || !flow_sane(&f, &id, ret) ||
		    (ret && (f.family != VNS_AF_INET6 ||
			     memcmp(f.src, p + 8, 16) ||
			     memcmp(f.dst, p + 24, 16))))
			bad6++;
		ok6 += ret;
		deep6 += ret && p[6] != f.proto;

		free(p);
	}
	CHECK_EQ(bad4, 0);
	CHECK_EQ(bad6, 0);
	/* the fuzz reached the interesting paths */
	CHECK(ok4 > FUZZ_ROUNDS / 20);
	CHECK(ok6 > FUZZ_ROUNDS / 20);
	CHECK(deep6 > FUZZ_ROUNDS / 200);
}

/*
 * vns_filter_refuses_hdr(): never refuses what vns_filter_match() takes on
 * the parsed packet; refuses on the header's protocol and addresses.
 */
static bool refuses_then_match(const struct vns_filter *flt, const u8 *p,
			       size_t len)
{
	struct vns_flow f;

	memset(&f, 0, sizeof(f));
	if (len && p[0] >> 4 == 4)
		vns_flow_parse_ipv4(&f, NULL, p, len);
	else if (len && p[0] >> 4 == 6)
		vns_flow_parse_ipv6(&f, NULL, p, len);
	return vns_filter_refuses_hdr(flt, p, len) &&
	       vns_filter_match(flt, &f, "eth0");
}

static void test_filter_refuses_hdr(void)
{
	static const u8 protos[] = { 0, VNS_IPPROTO_TCP, VNS_IPPROTO_UDP,
				     VNS_IPPROTO_ICMPV6, 0 };
	unsigned int round, refused = 0, wrong = 0;
	struct vns_filter flt;
	u8 pkt[128];
	size_t n;

	/* exact: an IPv4 UDP packet */
	n = ip4_hdr(pkt, 5, VNS_IPPROTO_UDP, 1, 0);
	n += udp_hdr(pkt + n, 1111, 2222);
	memset(&flt, 0, sizeof(flt));
	CHECK(!vns_filter_refuses_hdr(&flt, pkt, n));	/* empty filter */
	flt.has_dport = 1;
	flt.dport = 53;
	CHECK(!vns_filter_refuses_hdr(&flt, pkt, n));	/* ports: the parse's */
	memset(&flt, 0, sizeof(flt));
	flt.proto = VNS_IPPROTO_TCP;
	CHECK(vns_filter_refuses_hdr(&flt, pkt, n));
	flt.proto = VNS_IPPROTO_UDP;
	CHECK(!vns_filter_refuses_hdr(&flt, pkt, n));
	CHECK(!vns_filter_refuses_hdr(&flt, pkt, 19));	/* too short */
	memset(&flt, 0, sizeof(flt));
	flt.src_family = VNS_AF_INET;
	flt.src_prefix = 24;
	memcpy(flt.src, v4_src, 4);
	CHECK(!vns_filter_refuses_hdr(&flt, pkt, n));
	flt.src[2] ^= 1;
	CHECK(vns_filter_refuses_hdr(&flt, pkt, n));
	flt.src_prefix = 16;
	CHECK(!vns_filter_refuses_hdr(&flt, pkt, n));
	memset(&flt, 0, sizeof(flt));
	flt.dst_family = VNS_AF_INET6;
	flt.dst_prefix = 32;
	CHECK(vns_filter_refuses_hdr(&flt, pkt, n));	/* other family */

	/* IPv6: the next header, unless an extension header hides it */
	n = ip6_hdr(pkt, VNS_IPPROTO_TCP);
	n += tcp_hdr(pkt + n, 40000, 443, 1);
	memset(&flt, 0, sizeof(flt));
	flt.proto = VNS_IPPROTO_UDP;
	CHECK(vns_filter_refuses_hdr(&flt, pkt, n));
	flt.proto = VNS_IPPROTO_TCP;
	CHECK(!vns_filter_refuses_hdr(&flt, pkt, n));
	n = ip6_hdr(pkt, 0);				/* hop-by-hop, then UDP */
	memset(pkt + n, 0, 8);
	pkt[n] = VNS_IPPROTO_UDP;
	n += 8;
	n += udp_hdr(pkt + n, 1, 2);
	CHECK(!vns_filter_refuses_hdr(&flt, pkt, n));	/* cannot tell */
	flt.src_family = VNS_AF_INET;
	flt.src_prefix = 8;
	CHECK(vns_filter_refuses_hdr(&flt, pkt, n));	/* other family */

	/* never refuses what the filter takes: random headers and filters */
	for (round = 0; round < FUZZ_ROUNDS / 4; round++) {
		size_t len = (size_t)(rng() % (sizeof(pkt) + 1)), i;

		for (i = 0; i < len; i++)
			pkt[i] = round % 3 == 2 ? interesting_byte() : (u8)rng();
		if (len)
			pkt[0] = (u8)((round & 1 ? 0x40 : 0x60) | (pkt[0] & 15));
		memset(&flt, 0, sizeof(flt));
		flt.proto = protos[rng() % sizeof(protos)];
		if (len >= 40 && rng() % 2) {
			/* an address the packet has, or one bit off */
			flt.src_family = round & 1 ? VNS_AF_INET : VNS_AF_INET6;
			flt.src_prefix = (u8)(rng() % (round & 1 ? 33 : 129));
			memcpy(flt.src, pkt + (round & 1 ? 12 : 8),
			       round & 1 ? 4 : 16);
			if (rng() % 2)
				flt.src[rng() % (round & 1 ? 4 : 16)] ^=
					(u8)(1 << (rng() % 8));
		}
		if (rng() % 4 == 0) {
			flt.dst_family = rng() % 2 ? VNS_AF_INET : VNS_AF_INET6;
			flt.dst_prefix = (u8)(rng() % 33);
			memcpy(flt.dst, pkt + 16, 4);
		}
		refused += vns_filter_refuses_hdr(&flt, pkt, len);
		wrong += refuses_then_match(&flt, pkt, len);
	}
	CHECK_EQ(wrong, 0);
	CHECK(refused > FUZZ_ROUNDS / 40);
}

/* Reference implementations for the string parsers */
static int ref_number(const char *s, unsigned long max)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	return (int)v;
}

static void test_fuzz_strings(void)
{
	static const char alphabet[] = "0123456789-+ xa";
	unsigned int round, bad = 0;
	char s[12];

	for (round = 0; round < 20000; round++) {
		size_t len = (size_t)(rng() % sizeof(s)), i;
		int want;

		for (i = 0; i < len; i++) {
			u64 r = rng();

			/* mostly digits */
			s[i] = r & 3 ? (char)('0' + (r >> 8) % 10) :
				       alphabet[(r >> 8) % (sizeof(alphabet) - 1)];
		}
		s[len] = '\0';
		if (vns_port_parse(s) != ref_number(s, 65535))
			bad++;
		want = ref_number(s, 255);
		if (vns_proto_parse(s) != (want > 0 ? want : -1))
			bad++;
	}
	CHECK_EQ(bad, 0);
}


/* ------------------------------------------------------------------ */
/* lat.h: packet identity, in-flight table, stage pairs                */
/* ------------------------------------------------------------------ */

static void lat_key(struct vns_pkt_key *k, u32 a, u32 b)
{
	memset(k, 0, sizeof(*k));
	k->flow.family = VNS_AF_INET;
	k->flow.proto = VNS_IPPROTO_ICMP;
	k->flow.src[0] = 10;
	k->flow.dst[0] = 10;
	k->flow.dst[3] = 2;
	k->id.ip_id = a;
	k->id.l4 = b;
}

static void test_lat_table(void)
{
	struct vns_lat_slot slots[8];
	struct vns_lat_table t = { 7, slots };
	struct vns_pkt_key k[10];
	struct vns_lat_slot *s, *got[10];
	struct vns_lat_hop prev;
	const struct vns_lat_hop *p;
	bool busy, aged;
	u64 tag;
	unsigned int i, tags_ok = 1;

	CHECK_EQ(sizeof(struct vns_pkt_key), 56);
	CHECK_EQ(sizeof(struct vns_lat_hop), 40);
	memset(slots, 0, sizeof(slots));
	for (i = 0; i < 10; i++) {
		lat_key(&k[i], i, 0x00010000 + i);
		tag = vns_pkt_tag(&k[i]);
		if (!tag || (tag & VNS_LAT_LOCKED))
			tags_ok = 0;
	}
	CHECK(tags_ok);
	CHECK(vns_pkt_tag(&k[0]) != vns_pkt_tag(&k[1]));

	/* not there yet */
	CHECK(!vns_lat_lookup(&t, &k[0], vns_pkt_tag(&k[0]), &busy));
	CHECK(!busy);
	/* claim: locked, empty, holding the key */
	s = vns_lat_claim(&t, &k[0], vns_pkt_tag(&k[0]), 1000, 500, &aged);
	CHECK(s && !aged);
	CHECK_EQ(s->tag, vns_pkt_tag(&k[0]) | VNS_LAT_LOCKED);
	CHECK_EQ(s->nr, 0);
	CHECK_EQ(s->first_ns, 1000);
	CHECK(vns_pkt_key_eq(&s->key, &k[0]));
	/* a locked slot is busy for everyone else */
	CHECK(!vns_lat_lookup(&t, &k[0], vns_pkt_tag(&k[0]), &busy));
	CHECK(busy);
	p = vns_lat_hop_add(s, VNS_STAGE_IP_OUT, 1000, 3, 0, &prev);
	CHECK(p == NULL);
	vns_lat_unlock(s);
	CHECK_EQ(s->tag, vns_pkt_tag(&k[0]));
	/* found again, with its hop */
	got[0] = vns_lat_lookup(&t, &k[0], vns_pkt_tag(&k[0]), &busy);
	CHECK(got[0] == s && !busy);
	p = vns_lat_hop_add(s, VNS_STAGE_QDISC_ENQ, 1400, 4, 1, &prev);
	CHECK(p != NULL);
	CHECK_EQ(p->stage, VNS_STAGE_IP_OUT);
	CHECK_EQ(p->ts_ns, 1000);
	CHECK_EQ(p->ifindex, 3);
	CHECK_EQ(s->nr, 2);
	CHECK_EQ(s->hop[1].cpu, 1);
	vns_lat_free(s);
	CHECK(!vns_lat_lookup(&t, &k[0], vns_pkt_tag(&k[0]), &busy));
	CHECK(!busy);

	/* a hash collision: same tag, other key, is not a match */
	s = vns_lat_claim(&t, &k[1], vns_pkt_tag(&k[1]), 1000, 500, &aged);
	vns_lat_unlock(s);
	CHECK(!vns_lat_lookup(&t, &k[2], vns_pkt_tag(&k[1]), &busy));
	CHECK(!busy);
	CHECK_EQ(s->tag, vns_pkt_tag(&k[1]));	/* left unlocked */
	vns_lat_free(s);

	/* full: 8 slots, 8 packets; the 9th is lost until one ages out */
	for (i = 0; i < 8; i++) {
		got[i] = vns_lat_claim(&t, &k[i], vns_pkt_tag(&k[i]), 1000 + i,
				       500, &aged);
		CHECK(got[i] && !aged);
		if (got[i]) {
			vns_lat_hop_add(got[i], VNS_STAGE_PHY_RX, 1000 + i, 1,
					0, &prev);
			vns_lat_unlock(got[i]);
		}
	}
	CHECK(!vns_lat_claim(&t, &k[8], vns_pkt_tag(&k[8]), 1400, 500, &aged));
	CHECK(!aged);
	/* at 1501, k[0] (last seen at 1000) is older than 500 ns */
	s = vns_lat_claim(&t, &k[8], vns_pkt_tag(&k[8]), 1501, 500, &aged);
	CHECK(s && aged);
	CHECK(s == got[0]);
	CHECK(vns_pkt_key_eq(&s->key, &k[8]));
	CHECK_EQ(s->nr, 0);
	vns_lat_unlock(s);
	CHECK(!vns_lat_lookup(&t, &k[0], vns_pkt_tag(&k[0]), &busy));
	/* a locked slot is never aged out from under its owner */
	s = vns_lat_lookup(&t, &k[1], vns_pkt_tag(&k[1]), &busy);
	CHECK(s == got[1]);
	CHECK(!vns_lat_claim(&t, &k[9], vns_pkt_tag(&k[9]), 1502, 0, &aged) ||
	      !vns_lat_lookup(&t, &k[1], vns_pkt_tag(&k[1]), &busy));
	vns_lat_unlock(got[1]);

	/* reap: everything idle and older than the timeout goes */
	memset(slots, 0, sizeof(slots));
	for (i = 0; i < 4; i++) {
		s = vns_lat_claim(&t, &k[i], vns_pkt_tag(&k[i]), 100 * i, 1000,
				  &aged);
		vns_lat_hop_add(s, VNS_STAGE_PHY_RX, 100 * i, 1, 0, &prev);
		if (i == 3)
			continue;	/* stays locked */
		vns_lat_unlock(s);
	}
	CHECK_EQ(vns_lat_reap(&t, 1150, 1000), 2);	/* at 0 and 100 */
	CHECK(!vns_lat_lookup(&t, &k[0], vns_pkt_tag(&k[0]), &busy));
	CHECK(!vns_lat_lookup(&t, &k[1], vns_pkt_tag(&k[1]), &busy));
	s = vns_lat_lookup(&t, &k[2], vns_pkt_tag(&k[2]), &busy);
	CHECK(s != NULL);
	if (s)
		vns_lat_unlock(s);
	CHECK_EQ(vns_lat_reap(&t, 5000, 1000), 1);	/* k[3] is locked */

	/* more hops than a record keeps: the last one is replaced */
	memset(slots, 0, sizeof(slots));
	s = vns_lat_claim(&t, &k[0], vns_pkt_tag(&k[0]), 0, 1000, &aged);
	for (i = 0; i < VNS_LAT_HOPS + 3; i++)
		p = vns_lat_hop_add(s, (u8)(i % 30 + 1), 10 * i, i, 0, &prev);
	CHECK_EQ(s->nr, VNS_LAT_HOPS);
	CHECK_EQ(s->dropped_hops, 3);
	CHECK_EQ(p->ts_ns, 10 * (VNS_LAT_HOPS + 1));	/* the one before */
	CHECK_EQ(s->hop[VNS_LAT_HOPS - 1].ts_ns, 10 * (VNS_LAT_HOPS + 2));
	CHECK_EQ(s->hop[VNS_LAT_HOPS - 2].ts_ns, 10 * (VNS_LAT_HOPS - 2));
}

static void test_lat_stages(void)
{
	unsigned int st, named = 0;

	CHECK(vns_stage_name(VNS_STAGE_NONE) == NULL);
	CHECK(vns_stage_name(__VNS_STAGE_MAX) == NULL);
	CHECK(vns_stage_name(1000) == NULL);
	CHECK_STR(vns_stage_name(VNS_STAGE_QDISC_ENQ), "QDISC_ENQ");
	CHECK_STR(vns_stage_name(VNS_STAGE_VNET_TX), "VNET_TX");
	for (st = 1; st < __VNS_STAGE_MAX; st++)
		named += vns_stage_name(st) != NULL;
	CHECK_EQ(named, __VNS_STAGE_MAX - 1);	/* every stage has a name */
	CHECK(__VNS_STAGE_MAX <= 256);		/* a stage fits a u8 */
}

static void test_lat_pairs(void)
{
	u32 dict[VNS_LAT_PAIRS];
	int idx[VNS_LAT_PAIRS + 1], i, ok = 1;
	u8 from = 0, to = 0;

	memset(dict, 0, sizeof(dict));
	idx[0] = vns_lat_pair(dict, VNS_STAGE_QDISC_ENQ, VNS_STAGE_QDISC_DEQ);
	CHECK(idx[0] >= 0 && idx[0] < VNS_LAT_PAIRS);
	CHECK_INT(vns_lat_pair(dict, VNS_STAGE_QDISC_ENQ, VNS_STAGE_QDISC_DEQ),
		  idx[0]);
	CHECK(vns_lat_pair_get(dict[idx[0]], &from, &to));
	CHECK_EQ(from, VNS_STAGE_QDISC_ENQ);
	CHECK_EQ(to, VNS_STAGE_QDISC_DEQ);
	/* (a, b) and (b, a) are two pairs; (0, 0) is a pair, not "free" */
	CHECK(vns_lat_pair(dict, VNS_STAGE_QDISC_DEQ, VNS_STAGE_QDISC_ENQ) !=
	      idx[0]);
	memset(dict, 0, sizeof(dict));
	for (i = 0; i < VNS_LAT_PAIRS; i++) {
		idx[i] = vns_lat_pair(dict, (u8)(i / 8), (u8)(i % 8));
		if (idx[i] < 0)
			ok = 0;
	}
	CHECK(ok);
	CHECK(!vns_lat_pair_get(0, &from, &to));
	CHECK_INT(vns_lat_pair(dict, 200, 201), -1);	/* full */
	ok = 1;
	for (i = 0; i < VNS_LAT_PAIRS; i++)
		if (vns_lat_pair(dict, (u8)(i / 8), (u8)(i % 8)) != idx[i] ||
		    !vns_lat_pair_get(dict[idx[i]], &from, &to) ||
		    from != i / 8 || to != i % 8)
			ok = 0;
	CHECK(ok);
}

/* Threads claim, update, find and free packets in one small table */
#define LAT_THREADS	4
#define LAT_ITERS	20000

static struct vns_lat_slot lat_mt_slots[64];
static struct vns_lat_table lat_mt = { 63, lat_mt_slots };
static u32 lat_mt_dict[VNS_LAT_PAIRS];

struct lat_mt_res {
	unsigned int thread, done, lost, busy, wrong;
};

static void *lat_mt_thread(void *arg)
{
	struct lat_mt_res *r = arg;
	struct vns_lat_hop prev = { 0 };
	struct vns_pkt_key k;
	struct vns_lat_slot *s;
	bool busy, aged;
	unsigned int i;

	for (i = 0; i < LAT_ITERS; i++) {
		u64 tag;

		lat_key(&k, r->thread, i);
		tag = vns_pkt_tag(&k);
		s = vns_lat_claim(&lat_mt, &k, tag, i, ~0ULL, &aged);
		if (!s) {
			r->lost++;
			continue;
		}
		vns_lat_hop_add(s, VNS_STAGE_PHY_RX, i, 1, 0, &prev);
		vns_lat_unlock(s);
		s = vns_lat_lookup(&lat_mt, &k, tag, &busy);
		if (!s) {
			r->busy += busy;
			r->wrong += !busy;
			continue;
		}
		if (!vns_pkt_key_eq(&s->key, &k) || s->nr != 1)
			r->wrong++;
		vns_lat_hop_add(s, VNS_STAGE_L4_RCV, i + 1, 1, 0, &prev);
		if (prev.stage != VNS_STAGE_PHY_RX ||
		    vns_lat_pair(lat_mt_dict, prev.stage, VNS_STAGE_L4_RCV) < 0)
			r->wrong++;
		vns_lat_free(s);
		r->done++;
	}
	return NULL;
}

static void test_lat_threads(void)
{
	pthread_t th[LAT_THREADS];
	struct lat_mt_res res[LAT_THREADS];
	unsigned int i, done = 0, wrong = 0, used = 0;

	memset(res, 0, sizeof(res));
	for (i = 0; i < LAT_THREADS; i++) {
		res[i].thread = i;
		pthread_create(&th[i], NULL, lat_mt_thread, &res[i]);
	}
	for (i = 0; i < LAT_THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < LAT_THREADS; i++) {
		done += res[i].done;
		wrong += res[i].wrong;
		/* every iteration ends one way or another */
		CHECK_EQ(res[i].done + res[i].lost + res[i].busy +
			 res[i].wrong, LAT_ITERS);
	}
	CHECK_EQ(wrong, 0);
	CHECK(done > 0);
	for (i = 0; i <= lat_mt.mask; i++)
		used += lat_mt_slots[i].tag != 0;
	/* what was claimed and then lost to "busy" stays, nothing else */
	CHECK(used <= 64);
	CHECK_EQ(used, res[0].busy + res[1].busy + res[2].busy + res[3].busy);
}

/* ------------------------------------------------------------------ */
/* ring.h                                                              */
/* ------------------------------------------------------------------ */

struct ring_rec {
	u64 seq;
	u64 check;		/* ~seq: a torn record shows */
};

static void test_ring(void)
{
	static struct ring_rec data[8];
	struct vns_ring r;
	struct ring_rec *w;
	const struct ring_rec *p;
	unsigned int i, ok = 1;

	vns_ring_init(&r, data, 8, sizeof(data[0]));
	CHECK_EQ(vns_ring_data_size(8, sizeof(data[0])), sizeof(data));
	CHECK(!vns_ring_peek(&r));
	CHECK_EQ(vns_ring_count(&r), 0);
	/* fill it: the ninth is refused and counted */
	for (i = 0; i < 8; i++) {
		w = vns_ring_reserve(&r);
		if (!w) {
			ok = 0;
			break;
		}
		w->seq = i;
		w->check = ~(u64)i;
		vns_ring_commit(&r);
	}
	CHECK(ok);
	CHECK_EQ(vns_ring_count(&r), 8);
	CHECK(!vns_ring_reserve(&r));
	CHECK(!vns_ring_reserve(&r));
	CHECK_EQ(vns_ring_lost(&r), 2);
	/* a reserve without commit publishes nothing */
	p = vns_ring_peek(&r);
	CHECK(p && p->seq == 0);
	vns_ring_consume(&r);
	w = vns_ring_reserve(&r);
	CHECK(w == &data[0]);
	CHECK_EQ(vns_ring_count(&r), 7);
	/* oldest first */
	for (i = 1; i < 8; i++) {
		p = vns_ring_peek(&r);
		if (!p || p->seq != i || p->check != ~(u64)i)
			ok = 0;
		vns_ring_consume(&r);
	}
	CHECK(ok);
	CHECK(!vns_ring_peek(&r));
	CHECK_EQ(vns_ring_count(&r), 0);

	/* the counters wrap around 2^32 */
	vns_ring_init(&r, data, 8, sizeof(data[0]));
	r.head = r.tail = 0xfffffffdu;
	for (i = 0; i < 8; i++) {
		w = vns_ring_reserve(&r);
		if (!w) {
			ok = 0;
			break;
		}
		w->seq = 100 + i;
		vns_ring_commit(&r);
	}
	CHECK(ok);
	CHECK(!vns_ring_reserve(&r));
	CHECK_EQ(vns_ring_count(&r), 8);
	CHECK_EQ(r.head, 5);
	for (i = 0; i < 8; i++) {
		p = vns_ring_peek(&r);
		if (!p || p->seq != 100 + i)
			ok = 0;
		vns_ring_consume(&r);
	}
	CHECK(ok);
	CHECK(!vns_ring_peek(&r));
	CHECK_EQ(vns_ring_lost(&r), 1);

	/* one record */
	vns_ring_init(&r, data, 1, sizeof(data[0]));
	CHECK(vns_ring_reserve(&r) == &data[0]);
	vns_ring_commit(&r);
	CHECK(!vns_ring_reserve(&r));
	CHECK(vns_ring_peek(&r) == &data[0]);
	vns_ring_consume(&r);
	CHECK(vns_ring_reserve(&r) == &data[0]);
}

/* A producer and a consumer thread on one small ring */
#define RING_RECS	16
#define RING_ITERS	200000

static struct ring_rec ring_mt_data[RING_RECS];
static struct vns_ring ring_mt;
static int ring_mt_done;

struct ring_mt_res {
	u64 produced, got, bad, reordered;
};

static void *ring_mt_producer(void *arg)
{
	struct ring_mt_res *res = arg;
	struct ring_rec *w;
	u64 i;

	for (i = 0; i < RING_ITERS; i++) {
		w = vns_ring_reserve(&ring_mt);
		if (!w)
			continue;
		w->seq = i;
		w->check = ~i;
		vns_ring_commit(&ring_mt);
		res->produced++;
	}
	__atomic_store_n(&ring_mt_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *ring_mt_consumer(void *arg)
{
	struct ring_mt_res *res = arg;
	const struct ring_rec *p;
	u64 last = 0;
	bool first = true;

	for (;;) {
		int done = __atomic_load_n(&ring_mt_done, __ATOMIC_ACQUIRE);

		p = vns_ring_peek(&ring_mt);
		if (!p) {
			if (done)
				break;
			continue;
		}
		if (p->check != ~p->seq)
			res->bad++;
		if (!first && p->seq <= last)
			res->reordered++;
		last = p->seq;
		first = false;
		vns_ring_consume(&ring_mt);
		res->got++;
	}
	return NULL;
}

static void test_ring_threads(void)
{
	struct ring_mt_res prod = { 0 }, cons = { 0 };
	pthread_t tp, tc;

	vns_ring_init(&ring_mt, ring_mt_data, RING_RECS,
		      sizeof(ring_mt_data[0]));
	pthread_create(&tc, NULL, ring_mt_consumer, &cons);
	pthread_create(&tp, NULL, ring_mt_producer, &prod);
	pthread_join(tp, NULL);
	pthread_join(tc, NULL);
	CHECK_EQ(cons.bad, 0);
	CHECK_EQ(cons.reordered, 0);
	CHECK_EQ(cons.got, prod.produced);
	CHECK_EQ(prod.produced + vns_ring_lost(&ring_mt), RING_ITERS);
	CHECK(cons.got > 0);
	CHECK_EQ(vns_ring_count(&ring_mt), 0);
}

/* ------------------------------------------------------------------ */
/* addr.h: addresses as text, against inet_pton() and inet_ntop()      */
/* ------------------------------------------------------------------ */

/* What glibc makes of @s: family, bytes; 0 if neither */
static u8 ref_pton(const char *s, u8 *a)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1)
		return VNS_AF_INET;
	memset(a, 0, 16);
	if (inet_pton(AF_INET6, s, a) == 1)
		return VNS_AF_INET6;
	return 0;
}

static unsigned int addr_mismatches;

/* One string, both parsers: same verdict, same bytes */
static void addr_same(const char *s)
{
	u8 want[16], got[16], fam = 0, wfam = ref_pton(s, want);
	int r;

	memset(got, 0xaa, sizeof(got));
	r = vns_addr_parse(s, &fam, got);
	if ((r == 0) != (wfam != 0) ||
	    (!r && (fam != wfam || memcmp(got, want, 16)))) {
		if (addr_mismatches++ < 10)
			printf("addr '%s': vns %d (family %u), inet_pton family %u\n",
			       s, r, fam, wfam);
	}
}

static void test_addr_parse(void)
{
	static const char *const strs[] = {
		"0.0.0.0", "255.255.255.255", "10.0.0.1", "1.2.3.4",
		"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04",
		"1.2.3.0", "00.1.2.3", "1..2.3", ".1.2.3", "1.2.3.", "",
		"1.2.3.4 ", " 1.2.3.4", "1.2.3.4/8", "0x1.2.3.4", "1e1.2.3.4",
		"::", "::1", "1::", "1::2", "::ffff:1.2.3.4", "::1.2.3.4",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7",
		"1:2:3:4:5:6:7:8:9", ":::", "1:::2", "1::2::3", ":1", "1:",
		"1::2:", ":1::2", "12345::", "01234::", "0001:0002::",
		"ABCD:EF01::", "abcd:ef01::", "1:2:3:4:5:6:1.2.3.4",
		"1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5::1.2.3.4",
		"::1.2.3", "::1.2.3.4.5", "::01.2.3.4", "::1.2.3.4:5",
		"::ffff:256.1.1.1", "1.2.3.4::", "fe80::1%eth0", "[::1]",
		"::g", "g::", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A",
		"FF01:0:0:0:0:0:0:101", "0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:0",
		"::13.1.68.3", "::FFFF:129.144.52.38", "0:0:0:0:0:FFFF:1.2.3.4",
		"::ab.1.2.3", "::1234.1.2.3", "::12.1.2.3", "1::2:3:4:5:6:7",
		"1:2:3:4::5:6:7", "::0:0", "0::0", "1:2:3:4:5:6::7",
		"10.0.0.1111111111111111111111111111111111111111111111111111",
		"2001:0db8:0000:0000:0000:0000:0000:0001:0002",
	};
	static const char alphabet[] = "0123456789abcdefABCDEF:::..% /gx";
	u8 a[16], fam, before[16];
	char s[64], t[64];
	unsigned int i, round, j;

	addr_mismatches = 0;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		addr_same(strs[i]);
	CHECK_EQ(addr_mismatches, 0);

	/* random strings over the characters addresses are made of */
	for (round = 0; round < 300000; round++) {
		size_t len = (size_t)(rng() % 24);

		for (j = 0; j < len; j++) {
			u64 r = rng();

			s[j] = r & 1 ? "0123456789abcdef:."[(r >> 8) % 18] :
				       alphabet[(r >> 8) %
						(sizeof(alphabet) - 1)];
		}
		s[len] = '\0';
		addr_same(s);
	}
	CHECK_EQ(addr_mismatches, 0);

	/* random addresses in many text forms */
	for (round = 0; round < 100000; round++) {
		u8 b[16];
		u16 w[8];
		int k, n = 0, gap;

		for (j = 0; j < 8; j++) {
			u64 r = rng();

			w[j] = r & 1 ? 0 : (u16)(r >> 16);
			b[2 * j] = (u8)(w[j] >> 8);
			b[2 * j + 1] = (u8)w[j];
		}
		/* full form, leading zeros, mixed case */
		for (j = 0, n = 0; j < 8; j++)
			n += snprintf(s + n, sizeof(s) - (size_t)n,
				      rng() & 1 ? "%s%04x" : "%s%X",
				      j ? ":" : "", w[j]);
		addr_same(s);
		/* "::" in place of a random stretch of groups */
		gap = (int)(rng() % 8);
		k = gap + 1 + (int)(rng() % (8 - (u64)gap));
		for (j = 0, n = 0; j < 8; j++) {
			if ((int)j >= gap && (int)j < k) {
				if ((int)j == gap)
					n += snprintf(s + n, sizeof(s) - (size_t)n,
						      "::");
				continue;
			}
			n += snprintf(s + n, sizeof(s) - (size_t)n, "%s%x",
				      j && (int)j != k ? ":" : "", w[j]);
		}
		addr_same(s);
		/* the last 32 bits as a dotted quad */
		inet_ntop(AF_INET6, b, t, sizeof(t));
		for (j = 0, n = 0; j < 6; j++)
			n += snprintf(s + n, sizeof(s) - (size_t)n, "%x:", w[j]);
		snprintf(s + n, sizeof(s) - (size_t)n, "%u.%u.%u.%u", b[12],
			 b[13], b[14], b[15]);
		addr_same(s);
		addr_same(t);
		/* IPv4 */
		snprintf(s, sizeof(s), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		addr_same(s);
	}
	CHECK_EQ(addr_mismatches, 0);

	/* IPv4 clears the rest; a failure changes nothing */
	memset(a, 0xee, sizeof(a));
	CHECK_INT(vns_addr_parse("10.1.2.3", &fam, a), 0);
	CHECK_EQ(fam, VNS_AF_INET);
	CHECK(a[0] == 10 && a[3] == 3 && !a[4] && !a[15]);
	memcpy(before, a, 16);
	fam = 77;
	CHECK_INT(vns_addr_parse("10.1.2.300", &fam, a), -1);
	CHECK_INT(vns_addr_parse("1::2::3", &fam, a), -1);
	CHECK_EQ(fam, 77);
	CHECK_MEM(a, before, 16);
	/* the length-bounded form reads only its @n bytes */
	CHECK_INT(vns_addr_parse_n("10.0.0.1/8", 8, &fam, a), 0);
	CHECK_INT(vns_addr_parse_n("10.0.0.1/8", 9, &fam, a), -1);
	CHECK_INT(vns_addr_parse_n("::1", 0, &fam, a), -1);
}

/* What the kernel's %pI6c and inet_ntop() disagree on: IPv4-compatible */
static bool ipv4_compat(const u8 *a)
{
	static const u8 z[12];

	return !memcmp(a, z, 12) && (a[12] || a[13]);
}

static void test_addr_format(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "::", "::" }, { "::1", "::1" }, { "1::", "1::" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		{ "2001:0DB8::0001", "2001:db8::1" },
		{ "1:0:0:2:0:0:0:3", "1:0:0:2::3" },
		{ "0:0:1:0:0:0:0:0", "0:0:1::" },
		{ "1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0" },
		{ "::ffff:10.0.0.1", "::ffff:10.0.0.1" },
		{ "::ffff:0:0", "::ffff:0.0.0.0" },
		/* the kernel's and this: hex, where glibc writes ::1.2.3.4 */
		{ "::1.2.3.4", "::102:304" },
		{ "::1:0", "::1:0" },
		/* ISATAP: hex, where the kernel writes a dotted tail */
		{ "fe80::5efe:a00:1", "fe80::5efe:a00:1" },
		{ "10.0.0.1", "10.0.0.1" }, { "0.0.0.0", "0.0.0.0" },
		{ "255.255.255.255", "255.255.255.255" },
	};
	char buf[VNS_ADDR_STR_MAX], want[INET6_ADDRSTRLEN];
	unsigned int i, round, bad = 0, n6 = 0;
	u8 a[16], b[16], fam, fam2;
	int len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(vns_addr_parse(cases[i].in, &fam, a), 0);
		len = vns_addr_format(buf, sizeof(buf), fam, a);
		CHECK_BUF(buf, cases[i].out);
		CHECK_EQ(len, strlen(cases[i].out));
	}

	for (round = 0; round < 200000; round++) {
		u64 r = rng();

		/* zero groups in half the rounds, to make runs of them */
		for (i = 0; i < 16; i += 2) {
			u64 x = rng();

			a[i] = (r & 1) && (x & 1) ? 0 : (u8)(x >> 8);
			a[i + 1] = (r & 1) && (x & 1) ? 0 : (u8)(x >> 16);
			if ((r & 6) == 6 && !(x & 0x300))
				a[i] = 0;	/* short groups */
		}
		if ((r & 0x70) == 0x10) {	/* IPv4-mapped */
			memset(a, 0, 10);
			a[10] = a[11] = 0xff;
		}
		fam = r & 0x80 ? VNS_AF_INET : VNS_AF_INET6;
		len = vns_addr_format(buf, sizeof(buf), fam, a);
		inet_ntop(fam == VNS_AF_INET ? AF_INET : AF_INET6, a, want,
			  sizeof(want));
		if (fam == VNS_AF_INET6)
			n6++;
		if ((fam == VNS_AF_INET6 && ipv4_compat(a)) ||
		    (len >= 0 && (size_t)len == strlen(want) &&
		     !strcmp(buf, want))) {
			/* and back */
			memset(b, 0, sizeof(b));
			if (vns_addr_parse(buf, &fam2, b) || fam2 != fam ||
			    memcmp(a, b, fam == VNS_AF_INET ? 4 : 16))
				bad++;
			continue;
		}
		if (bad++ < 10)
			printf("format: '%s', inet_ntop '%s'\n", buf, want);
	}
	CHECK_EQ(bad, 0);
	CHECK(n6 > 50000);

	/* like snprintf(): truncated, NUL-terminated, the full length */
	vns_addr_parse("2001:db8::1", &fam, a);
	memset(buf, 'x', sizeof(buf));
	CHECK_INT(vns_addr_format(buf, 5, fam, a), 11);
	CHECK_BUF(buf, "2001");
	CHECK_INT(vns_addr_format(buf, 0, fam, a), 11);
	CHECK_EQ(buf[0], '2');
	CHECK_INT(vns_addr_format(buf, 1, fam, a), 11);
	CHECK_EQ(buf[0], 0);
	CHECK_INT(vns_addr_format(buf, sizeof(buf), 99, a), 1);
	CHECK_BUF(buf, "?");
	/* the longest */
	memset(a, 0xff, 16);
	CHECK_INT(vns_addr_format(buf, sizeof(buf), VNS_AF_INET6, a), 39);
	memset(a, 0, 10);
	CHECK_INT(vns_addr_format(buf, sizeof(buf), VNS_AF_INET6, a), 22);
	CHECK_BUF(buf, "::ffff:255.255.255.255");
}

/* ------------------------------------------------------------------ */
/* filter.h                                                            */
/* ------------------------------------------------------------------ */

static const char *ferr;

static int fword(void *f, const char *word)
{
	ferr = NULL;
	return vns_filter_parse_word(f, word, &ferr);
}

static const char *ffmt(const struct vns_filter *f)
{
	static char buf[VNS_FILTER_FMT_MAX];
	size_t n = vns_filter_format(f, buf, sizeof(buf), ' ');

	return n < sizeof(buf) ? buf : "(truncated)";
}

static void test_filter_words(void)
{
	static const struct word_case prefix6_words[] = {
		{ "dst=::1/129", -1, "invalid prefix length for IPv6 address" },
		{ "dst=::1/1000", -1, VNS_FILTER_ERR_PREFIX6 },
		{ "dst=::1/128", 0, NULL },
	};
	static const struct word_case keep_words[] = {
		{ "src=10.0.0.2/40", -1, NULL },
		{ "src=::2/129", -1, NULL },
		{ "src=x", -1, NULL },
	};
	static const struct word_case dev_words[] = {
		{ "dev=", -1, "not an interface name" },
		{ "dev=a b", -1, VNS_FILTER_ERR_DEV },
		{ "dev=a/b", -1, NULL },
		{ "dev=a:b", -1, NULL },
		{ "dev=a\tb", -1, NULL },
		{ "dev=.", -1, NULL },
		{ "dev=..", -1, NULL },
		{ "dev=...", 0, NULL },
		{ "dev=veth0.100", 0, NULL },
	};
	static const struct word_case key_words[] = {
		{ "color=red", VNS_PARSE_UNKNOWN, "unknown filter key" },
		{ "src-ip=10.0.0.1", VNS_PARSE_UNKNOWN, NULL },
		{ "sr=10.0.0.1", VNS_PARSE_UNKNOWN, NULL },
		{ "SRC=10.0.0.1", VNS_PARSE_UNKNOWN, NULL },
		{ "=1", VNS_PARSE_UNKNOWN, NULL },
		{ "", VNS_PARSE_UNKNOWN, NULL },
		{ "period=10ms", VNS_PARSE_UNKNOWN, NULL },
		{ "dport", -1,
		  "filter key 'dport' needs a value, e.g. dport=53" },
		{ "src", -1,
		  "filter key 'src' needs a value, e.g. src=10.0.0.1" },
		{ "dst", -1,
		  "filter key 'dst' needs a value, e.g. dst=10.0.0.2" },
		{ "proto", -1,
		  "filter key 'proto' needs a value, e.g. proto=udp" },
		{ "sport", -1,
		  "filter key 'sport' needs a value, e.g. sport=53" },
		{ "dev", -1, "filter key 'dev' needs a value, e.g. dev=eth0" },
	};
	static const char *const bad_addr[] = {
		"10.0.0.300", "10.0.0", "10.1", "", "abc", "10.0.0.1.2",
		"1.2.3.4 ", " 1.2.3.4", "fe80::1%eth0", "::g", "1::2::3", "/8",
		"2001:0db8:0000:0000:0000:0000:0000:0001:0002/64",
		"10.0.0.1111111111111111111111111111111111111111111111111111",
		"300.0.0.1/40",
	};
	static const char *const bad_prefix4[] = {
		"10.0.0.1/40", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/-1",
		"10.0.0.1/+8", "10.0.0.1/8x", "10.0.0.1/8/8",
		"10.0.0.1/99999999999", "10.0.0.1/ 8",
	};
	static const char *const bad_ports[] = {
		"70000", "65536", "", "-1", "+1", "1a", " 1", "0x10",
		"99999999999999999999",
	};
	static const char *const bad_protos[] = {
		"foo", "0", "256", "", "TCP", "-6", "6x",
	};
	struct vns_filter f, g;
	char w[128];
	unsigned int i;
	u8 v6[16];

	memset(&f, 0, sizeof(f));
	CHECK_INT(fword(&f, "src=10.0.0.1"), 0);
	CHECK(f.src_family == VNS_AF_INET && f.src_prefix == 32 &&
	      f.src[0] == 10 && f.src[3] == 1 && !f.dst_family);
	CHECK_INT(fword(&f, "dst=10.0.0.0/8"), 0);
	CHECK(f.dst_family == VNS_AF_INET && f.dst_prefix == 8);
	CHECK_INT(fword(&f, "src=0.0.0.0/0"), 0);
	CHECK_EQ(f.src_prefix, 0);
	CHECK_INT(fword(&f, "src=2001:db8::1"), 0);
	inet_pton(AF_INET6, "2001:db8::1", v6);
	CHECK(f.src_family == VNS_AF_INET6 && f.src_prefix == 128);
	CHECK_MEM(f.src, v6, 16);
	CHECK_INT(fword(&f, "dst=::/0"), 0);
	CHECK(f.dst_family == VNS_AF_INET6 && f.dst_prefix == 0);
	CHECK_INT(fword(&f, "dst=::ffff:10.0.0.1/128"), 0);
	CHECK_INT(fword(&f, "dst=10.0.0.1/08"), 0);
	CHECK_EQ(f.dst_prefix, 8);
	/* a later value replaces an earlier one, also across families */
	CHECK_INT(fword(&f, "src=192.168.1.1/24"), 0);
	CHECK(f.src_family == VNS_AF_INET && f.src_prefix == 24 &&
	      !f.src[4] && !f.src[15]);

	for (i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++) {
		memset(&f, 0, sizeof(f));
		snprintf(w, sizeof(w), "src=%s", bad_addr[i]);
		CHECK_INT(fword(&f, w), -1);
		CHECK_STR(ferr, "invalid address");
		CHECK_EQ(f.src_family, 0);
	}
	for (i = 0; i < sizeof(bad_prefix4) / sizeof(bad_prefix4[0]); i++) {
		memset(&f, 0, sizeof(f));
		snprintf(w, sizeof(w), "dst=%s", bad_prefix4[i]);
		CHECK_INT(fword(&f, w), -1);
		CHECK_STR(ferr, "invalid prefix length for IPv4 address");
		CHECK_EQ(f.dst_family, 0);
	}
	CHECK_WORDS(fword, &f, ferr, prefix6_words);
	/* an invalid value leaves the earlier one alone */
	memset(&f, 0, sizeof(f));
	CHECK_INT(fword(&f, "src=10.0.0.1/8"), 0);
	g = f;
	CHECK_WORDS(fword, &f, ferr, keep_words);
	CHECK_MEM(&f, &g, sizeof(f));

	/* ports */
	memset(&f, 0, sizeof(f));
	CHECK_INT(fword(&f, "dport=9"), 0);
	CHECK(f.has_dport && f.dport == 9 && !f.has_sport);
	CHECK_INT(fword(&f, "sport=65535"), 0);
	CHECK(f.has_sport && f.sport == 65535);
	CHECK_INT(fword(&f, "sport=0"), 0);
	CHECK(f.has_sport && f.sport == 0);
	for (i = 0; i < sizeof(bad_ports) / sizeof(bad_ports[0]); i++) {
		snprintf(w, sizeof(w), "dport=%s", bad_ports[i]);
		CHECK_INT(fword(&f, w), -1);
		CHECK_STR(ferr, "expected a port 0-65535");
		snprintf(w, sizeof(w), "sport=%s", bad_ports[i]);
		CHECK_INT(fword(&f, w), -1);
	}
	CHECK(f.dport == 9 && f.sport == 0);

	/* protocols */
	CHECK_INT(fword(&f, "proto=tcp"), 0);
	CHECK_EQ(f.proto, 6);
	CHECK_INT(fword(&f, "proto=icmp6"), 0);
	CHECK_EQ(f.proto, 58);
	CHECK_INT(fword(&f, "proto=icmpv6"), 0);
	CHECK_INT(fword(&f, "proto=udplite"), 0);
	CHECK_EQ(f.proto, 136);
	CHECK_INT(fword(&f, "proto=255"), 0);
	CHECK_EQ(f.proto, 255);
	for (i = 0; i < sizeof(bad_protos) / sizeof(bad_protos[0]); i++) {
		snprintf(w, sizeof(w), "proto=%s", bad_protos[i]);
		CHECK_INT(fword(&f, w), -1);
		CHECK_STR(ferr,
			  "unknown protocol (expected tcp, udp, icmp, icmp6 or a number 1-255)");
	}
	CHECK_EQ(f.proto, 255);

	/* devices */
	memset(&f, 0, sizeof(f));
	CHECK_INT(fword(&f, "dev=eth0"), 0);
	CHECK(f.has_dev && !strcmp(f.dev, "eth0"));
	CHECK_INT(fword(&f, "dev=abcdefghijklmno"), 0);
	CHECK_STR(f.dev, "abcdefghijklmno");
	CHECK_INT(fword(&f, "dev=abcdefghijklmnop"), -1);
	CHECK_STR(ferr, "interface name is longer than 15 characters");
	CHECK_INT(fword(&f, "dev=xxxxxxxxxxxxxxxxxxxxxxxx"), -1);
	CHECK_STR(ferr, VNS_FILTER_ERR_DEV_LONG);
	CHECK_STR(f.dev, "abcdefghijklmno");
	CHECK_WORDS(fword, &f, ferr, dev_words);
	CHECK_STR(f.dev, "veth0.100");
	CHECK_EQ(f.dev[14], 0);		/* the longer name's tail is gone */
	CHECK_EQ(f.dev[15], 0);

	/* keys: exact, with '=' */
	g = f;
	CHECK_WORDS(fword, &f, ferr, key_words);
	CHECK_MEM(&f, &g, sizeof(f));
}

/* A random filter: each key set or not, random values */
static void random_filter(struct vns_filter *f)
{
	u64 r = rng();
	unsigned int i;

	memset(f, 0, sizeof(*f));
	if (r & 1) {
		f->src_family = r & 2 ? VNS_AF_INET6 : VNS_AF_INET;
		for (i = 0; i < (f->src_family == VNS_AF_INET ? 4U : 16U); i++)
			f->src[i] = (u8)rng();
		f->src_prefix = (u8)(rng() % (vns_family_bits(f->src_family) + 1));
	}
	if (r & 4) {
		f->dst_family = r & 8 ? VNS_AF_INET6 : VNS_AF_INET;
		for (i = 0; i < (f->dst_family == VNS_AF_INET ? 4U : 16U); i++)
			f->dst[i] = (u8)(rng() & (r & 0x1000 ? 0xff : 0x01));
		f->dst_prefix = (u8)(rng() % (vns_family_bits(f->dst_family) + 1));
	}
	if (r & 0x10)
		f->proto = (u8)(1 + rng() % 255);
	if (r & 0x20) {
		f->has_sport = 1;
		f->sport = (u16)rng();
	}
	if (r & 0x40) {
		f->has_dport = 1;
		f->dport = (u16)rng();
	}
	if (r & 0x80) {
		size_t n = 1 + rng() % 15;

		f->has_dev = 1;
		for (i = 0; i < n; i++)
			f->dev[i] = "abcdefgh0123456789._-@"[rng() % 22];
		if (!strcmp(f->dev, ".") || !strcmp(f->dev, ".."))
			f->dev[0] = 'x';
	}
}

/* Parse the words of @text (separated by @sep) into @f */
static int parse_words(struct vns_filter *f, struct vns_settings *s,
		       const char *text, char sep)
{
	char buf[256], *p, *q;
	const char *err;
	int r = 0;

	snprintf(buf, sizeof(buf), "%s", text);
	for (p = buf; p && *p && !r; p = q) {
		q = strchr(p, sep);
		if (q)
			*q++ = '\0';
		if (f)
			r = vns_filter_parse_word(f, p, &err);
		else
			r = vns_settings_parse_word(s, p, &err);
	}
	return r;
}

static void test_filter_format(void)
{
	char buf[VNS_FILTER_FMT_MAX], small[8];
	struct vns_filter f, g;
	unsigned int round, bad = 0;
	size_t n, longest = 0;

	memset(&f, 0, sizeof(f));
	CHECK_STR(ffmt(&f), "none");
	CHECK_EQ(vns_filter_format(&f, buf, sizeof(buf), ','), 4);
	fword(&f, "proto=udp");
	fword(&f, "dport=53");
	fword(&f, "src=10.0.0.0/8");
	CHECK_STR(ffmt(&f), "src=10.0.0.0/8 proto=udp dport=53");
	vns_filter_format(&f, buf, sizeof(buf), ',');
	CHECK_BUF(buf, "src=10.0.0.0/8,proto=udp,dport=53");
	fword(&f, "dst=2001:DB8:0:0::1");
	fword(&f, "proto=47");
	fword(&f, "sport=0");
	fword(&f, "dev=eth0");
	CHECK_STR(ffmt(&f),
		  "src=10.0.0.0/8 dst=2001:db8::1/128 proto=47 sport=0 dport=53 dev=eth0");
	/* the address as stored, not masked */
	memset(&f, 0, sizeof(f));
	fword(&f, "src=10.1.2.3/8");
	CHECK_STR(ffmt(&f), "src=10.1.2.3/8");
	/* a device name that fills its array is cut at 15 */
	memset(&f, 0, sizeof(f));
	f.has_dev = 1;
	memset(f.dev, 'a', sizeof(f.dev));
	CHECK_STR(ffmt(&f), "dev=aaaaaaaaaaaaaaa");

	/* like snprintf() */
	memset(&f, 0, sizeof(f));
	fword(&f, "proto=udp");
	fword(&f, "dport=53");
	memset(small, 'x', sizeof(small));
	CHECK_EQ(vns_filter_format(&f, small, sizeof(small), ' '), 18);
	CHECK_BUF(small, "proto=u");
	CHECK_EQ(vns_filter_format(&f, small, 0, ' '), 18);
	CHECK_EQ(small[0], 'p');

	/* round trips; the longest fits VNS_FILTER_FMT_MAX */
	for (round = 0; round < 50000; round++) {
		random_filter(&f);
		n = vns_filter_format(&f, buf, sizeof(buf), ' ');
		if (n > longest)
			longest = n;
		memset(&g, 0, sizeof(g));
		if (n >= sizeof(buf) ||
		    (!vns_filter_is_empty(&f) && parse_words(&g, NULL, buf, ' ')) ||
		    !vns_filter_equal(&f, &g) || memcmp(&f, &g, sizeof(f))) {
			if (bad++ < 5)
				printf("filter round trip: '%s'\n", buf);
		}
	}
	CHECK_EQ(bad, 0);
	memset(&f, 0, sizeof(f));
	fword(&f, "src=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	fword(&f, "dst=ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127");
	fword(&f, "proto=udplite");
	fword(&f, "sport=65535");
	fword(&f, "dport=65535");
	fword(&f, "dev=aaaaaaaaaaaaaaa");
	n = vns_filter_format(&f, buf, sizeof(buf), ' ');
	CHECK(n < VNS_FILTER_FMT_MAX && n >= longest);
}

static void test_filter_merge_equal(void)
{
	struct vns_filter a, b, c;
	unsigned int round, bad = 0;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	fword(&a, "src=10.0.0.0/8");
	fword(&a, "proto=udp");
	fword(&a, "dport=53");
	fword(&b, "proto=tcp");
	fword(&b, "dev=eth1");
	fword(&b, "src=::1/64");
	c = a;
	vns_filter_merge(&c, &b);
	CHECK_STR(ffmt(&c), "src=::1/64 proto=tcp dport=53 dev=eth1");
	/* an empty update changes nothing */
	memset(&b, 0, sizeof(b));
	c = a;
	vns_filter_merge(&c, &b);
	CHECK(vns_filter_equal(&a, &c));
	CHECK_MEM(&a, &c, sizeof(a));
	/* ports: 0 is a port */
	fword(&b, "sport=0");
	vns_filter_merge(&c, &b);
	CHECK_STR(ffmt(&c), "src=10.0.0.0/8 proto=udp sport=0 dport=53");

	/* equal: what is set, as set */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	CHECK(vns_filter_equal(&a, &b));
	b.sport = 7;			/* not set: not compared */
	b.src[9] = 1;
	b.dev[3] = 'x';
	CHECK(vns_filter_equal(&a, &b));
	fword(&a, "src=10.0.0.1");
	CHECK(!vns_filter_equal(&a, &b));
	fword(&b, "src=10.0.0.1");
	b.src[9] = 1;			/* past the IPv4 address */
	CHECK(vns_filter_equal(&a, &b));
	fword(&b, "src=10.0.0.1/31");
	CHECK(!vns_filter_equal(&a, &b));
	fword(&b, "src=10.0.0.2");
	CHECK(!vns_filter_equal(&a, &b));
	fword(&b, "src=::a00:1");
	CHECK(!vns_filter_equal(&a, &b));
	fword(&b, "src=10.0.0.1");
	fword(&a, "sport=0");
	CHECK(!vns_filter_equal(&a, &b));
	fword(&b, "sport=0");
	CHECK(vns_filter_equal(&a, &b));
	fword(&a, "dev=eth0");
	fword(&b, "dev=eth1");
	CHECK(!vns_filter_equal(&a, &b));
	fword(&b, "dev=eth0");
	CHECK(vns_filter_equal(&a, &b));
	fword(&a, "dport=1");
	CHECK(!vns_filter_equal(&a, &b));
	fword(&b, "dport=1");
	fword(&a, "proto=1");
	CHECK(!vns_filter_equal(&a, &b));

	/* merging into an empty filter copies; equal agrees with the text */
	for (round = 0; round < 20000; round++) {
		char t1[VNS_FILTER_FMT_MAX], t2[VNS_FILTER_FMT_MAX];

		random_filter(&a);
		random_filter(&b);
		memset(&c, 0, sizeof(c));
		vns_filter_merge(&c, &a);
		if (!vns_filter_equal(&a, &c))
			bad++;
		vns_filter_format(&a, t1, sizeof(t1), ' ');
		vns_filter_format(&b, t2, sizeof(t2), ' ');
		if (vns_filter_equal(&a, &b) != !strcmp(t1, t2))
			bad++;
		c = a;
		vns_filter_merge(&c, &b);
		if ((b.proto && c.proto != b.proto) ||
		    (!b.proto && c.proto != a.proto) ||
		    c.has_sport != (a.has_sport | b.has_sport) ||
		    (b.has_dev && strcmp(c.dev, b.dev)))
			bad++;
	}
	CHECK_EQ(bad, 0);
}

/* ------------------------------------------------------------------ */
/* settings.h                                                          */
/* ------------------------------------------------------------------ */

/* The CLI's duration parser (cli/util.c), without its range: us or -1 */
static long long ref_duration(const char *s)
{
	static const struct {
		const char *name;
		u64 ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		{ "s", 1000000000 }, { "", 1000000 },
	};
	u64 whole = 0, frac = 0, scale = 1, ns, unit = 0;
	const char *p = s;
	size_t i;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return -1;
		whole = whole * 10 + (u64)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (scale >= 1000000000)
				return -1;
			frac = frac * 10 + (u64)(*p - '0');
			scale *= 10;
		}
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(p, units[i].name)) {
			unit = units[i].ns;
			break;
		}
	}
	if (!unit || whole > UINT64_MAX / unit)
		return -1;
	ns = whole * unit;
	if ((frac * unit) % scale || ns + frac * unit / scale < ns)
		return -1;
	ns += frac * unit / scale;
	if (ns % 1000 || ns / 1000 > 0xffffffffULL)
		return -1;
	return (long long)(ns / 1000);
}

static long long dur(const char *s)
{
	u32 us = 12345;
	int r = vns_duration_parse_us(s, &us);

	if (r) {
		CHECK_EQ(us, 12345);	/* untouched */
		return -1;
	}
	return us;
}

static void test_duration(void)
{
	static const struct {
		const char *s;
		long long us;
	} cases[] = {
		{ "12ms", 12000 }, { "500us", 500 }, { "2s", 2000000 },
		{ "0.1s", 100000 }, { "1000000ns", 1000 }, { "20", 20000 },
		{ "1.5", 1500 }, { "0.001", 1 }, { "0.0005", -1 },
		{ "1500ns", -1 }, { "2000ns", 2 }, { "0ns", 0 }, { "0", 0 },
		{ "0.000ns", 0 }, { "0.001ns", -1 }, { "1.000000000s", 1000000 },
		{ "1.0000000000s", -1 }, { "0.000001s", 1 },
		{ "0.0000001s", -1 }, { "4294967295us", 4294967295LL },
		{ "4294967296us", -1 }, { "4294.967295s", 4294967295LL },
		{ "4294.967296s", -1 }, { "4295s", -1 },
		{ "4294967295", -1 }, { "99999999999999999999999s", -1 },
		{ "000000000000000000000000001ms", 1000 },
		{ "1.50ms", 1500 }, { "10s", 10000000 }, { "", -1 },
		{ "ms", -1 }, { ".5s", -1 }, { "1.s", -1 }, { "1..5s", -1 },
		{ "1.5.5s", -1 }, { "-1ms", -1 }, { "+1ms", -1 }, { " 1ms", -1 },
		{ "1ms ", -1 }, { "1 ms", -1 }, { "1MS", -1 }, { "1m", -1 },
		{ "1sec", -1 }, { "1min", -1 }, { "1e3us", -1 }, { "0x10", -1 },
		{ "1usms", -1 }, { "12.345678ms", -1 }, { "12.345ms", 12345 },
	};
	static const char alphabet[] = "0123456789.nums x";
	unsigned int i, round, bad = 0;
	char s[16];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (dur(cases[i].s) != cases[i].us)
			printf("duration '%s': %lld, want %lld\n", cases[i].s,
			       dur(cases[i].s), cases[i].us);
		CHECK_INT(dur(cases[i].s), cases[i].us);
		CHECK_INT(ref_duration(cases[i].s), cases[i].us);
	}
	/* the same as the CLI's parser, on random strings */
	for (round = 0; round < 300000; round++) {
		size_t len = (size_t)(rng() % (sizeof(s) - 1)), j;

		for (j = 0; j < len; j++) {
			u64 r = rng();

			s[j] = r & 3 ? (char)('0' + (r >> 8) % 10) :
				       alphabet[(r >> 8) % (sizeof(alphabet) - 1)];
		}
		s[len] = '\0';
		if (rng() & 1 && len + 2 < sizeof(s))
			strcat(s, (const char *[]){ "s", "ms", "us", "ns" }
			       [rng() % 4]);
		if (dur(s) != ref_duration(s) && bad++ < 10)
			printf("duration '%s': %lld, the CLI's %lld\n", s,
			       dur(s), ref_duration(s));
	}
	CHECK_EQ(bad, 0);
}

static const char *serr;

static int sword(void *s, const char *word)
{
	serr = NULL;
	return vns_settings_parse_word(s, word, &serr);
}

static const char *sfmt(const struct vns_settings *s)
{
	static char buf[VNS_SETTINGS_FMT_MAX];
	size_t n = vns_settings_format(s, buf, sizeof(buf), ' ');

	return n < sizeof(buf) ? buf : "(truncated)";
}

static void test_settings_words(void)
{
	static const struct word_case range_words[] = {
		{ "period=999us", -1,
		  "expected a duration from 1ms to 1s, e.g. 10ms (units ns, us, ms, s; no unit: ms)" },
		{ "period=2s", -1, VNS_SET_ERR_PERIOD },
		{ "period=1.0000001s", -1, NULL },
		{ "period=1s", 0, NULL },
		{ "period=1ms", 0, NULL },
		{ "period=1000000ns", 0, NULL },
		{ "threshold=11s", -1,
		  "expected a duration from 1us to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)" },
		{ "threshold=abc", -1, VNS_SET_ERR_THRESHOLD },
		{ "threshold=", -1, NULL },
		{ "threshold=0", -1, NULL },
		{ "threshold=999us", 0, NULL },
	};
	static const struct word_case threshold_words[] = {
		{ "threshold=1500ns", -1, NULL },
		{ "stage_threshold=10.000001s", -1, VNS_SET_ERR_THRESHOLD },
		{ "stage_threshold=0", -1, NULL },
		{ "threshold=10s", 0, NULL },
		{ "stage_threshold=1ms", 0, NULL },
	};
	static const struct word_case name_words[] = {
		{ "phy=", -1,
		  "expected an interface name (1 to 15 bytes, no '/', ':' or blanks)" },
		{ "phy=abcdefghijklmnop", -1, VNS_SET_ERR_IFNAME },
		{ "vm=a:b", -1, NULL },
		{ "vm=a b", -1, NULL },
		{ "vm=a/b", -1, NULL },
		{ "vm=..", -1, NULL },
		{ "dir=up", -1, "expected rx, tx or both" },
		{ "dir=", -1, NULL },
		{ "dir=RX", -1, NULL },
		{ "dir=rx ", -1, NULL },
	};
	static const struct word_case setting_key_words[] = {
		{ "periods=1", VNS_PARSE_UNKNOWN,
		  "unknown setting (settings: period=, threshold=, stage_threshold=, phy=, vm=, dir=)" },
		{ "proto=udp", VNS_PARSE_UNKNOWN, NULL },
		{ "stage-threshold=1ms", VNS_PARSE_UNKNOWN, NULL },
		{ "", VNS_PARSE_UNKNOWN, NULL },
		{ "=5", VNS_PARSE_UNKNOWN, NULL },
		{ "period", -1,
		  "setting 'period' needs a value, e.g. period=10ms" },
		{ "threshold", -1,
		  "setting 'threshold' needs a value, e.g. threshold=20ms" },
		{ "stage_threshold", -1,
		  "setting 'stage_threshold' needs a value, e.g. stage_threshold=5ms" },
		{ "phy", -1, "setting 'phy' needs a value, e.g. phy=eth0" },
		{ "vm", -1, "setting 'vm' needs a value, e.g. vm=vnet0" },
		{ "dir", -1, "setting 'dir' needs a value, e.g. dir=rx" },
	};
	struct vns_settings s, t;

	vns_settings_default(&s);
	CHECK_EQ(s.given, 0);
	CHECK_EQ(s.period_us, 10000);
	CHECK_EQ(s.threshold_us, 20000);
	CHECK_EQ(s.stage_threshold_us, 0);
	CHECK(!s.dir && !s.phy[0] && !s.vm[0]);
	CHECK_STR(sfmt(&s), "");

	CHECK_INT(sword(&s, "period=5ms"), 0);
	CHECK(s.given == VNS_SET_PERIOD && s.period_us == 5000);
	CHECK_INT(sword(&s, "threshold=0.1s"), 0);
	CHECK(s.given & VNS_SET_THRESHOLD && s.threshold_us == 100000);
	CHECK_INT(sword(&s, "threshold=20"), 0);
	CHECK_EQ(s.threshold_us, 20000);
	CHECK_INT(sword(&s, "stage_threshold=1.5"), 0);
	CHECK(s.given & VNS_SET_STAGE_THRESHOLD &&
	      s.stage_threshold_us == 1500);
	CHECK_INT(sword(&s, "phy=eth0"), 0);
	CHECK(s.given & VNS_SET_PHY && !strcmp(s.phy, "eth0"));
	CHECK_INT(sword(&s, "vm=vnet0"), 0);
	CHECK(s.given & VNS_SET_VM && !strcmp(s.vm, "vnet0"));
	CHECK_INT(sword(&s, "dir=rx"), 0);
	CHECK(s.given & VNS_SET_DIR && s.dir == VNS_DIR_RX);
	CHECK_INT(sword(&s, "dir=tx"), 0);
	CHECK_EQ(s.dir, VNS_DIR_TX);
	CHECK_INT(sword(&s, "dir=both"), 0);
	CHECK_EQ(s.dir, VNS_DIR_BOTH);
	CHECK_EQ(s.given, 0x3f);
	CHECK_STR(sfmt(&s),
		  "period=5ms threshold=20ms stage_threshold=1500us phy=eth0 vm=vnet0 dir=both");

	/* ranges */
	t = s;
	CHECK_WORDS(sword, &s, serr, range_words);
	CHECK_INT(s.threshold_us, 999);
	CHECK_INT(sword(&s, "threshold=1us"), 0);
	CHECK_INT(s.threshold_us, 1);
	CHECK_WORDS(sword, &s, serr, threshold_words);
	CHECK_EQ(s.threshold_us, 10000000);
	CHECK_EQ(s.stage_threshold_us, 1000);

	/* names and directions */
	t = s;
	CHECK_WORDS(sword, &s, serr, name_words);
	CHECK_MEM(&s, &t, sizeof(s));
	CHECK_INT(sword(&s, "phy=abcdefghijklmno"), 0);
	CHECK_INT(sword(&s, "phy=ab"), 0);
	CHECK(!strcmp(s.phy, "ab") && !s.phy[14]);

	/* keys */
	t = s;
	CHECK_WORDS(sword, &s, serr, setting_key_words);
	CHECK_MEM(&s, &t, sizeof(s));
}

static void random_settings(struct vns_settings *s)
{
	static const u32 durs[] = { 1000, 1500, 2000, 10000, 100000, 999999,
				    1000000, 2000000, 10000000 };
	u64 r = rng();

	vns_settings_default(s);
	if (r & 1) {
		s->given |= VNS_SET_PERIOD;
		s->period_us = durs[rng() % 7];
	}
	if (r & 2) {
		s->given |= VNS_SET_THRESHOLD;
		s->threshold_us = r & 0x100 ? durs[rng() % 9] :
					      (u32)(1000 + rng() % 9999000);
	}
	if (r & 4) {
		s->given |= VNS_SET_STAGE_THRESHOLD;
		s->stage_threshold_us = durs[rng() % 9];
	}
	if (r & 8) {
		s->given |= VNS_SET_PHY;
		snprintf(s->phy, sizeof(s->phy), "eth%u", (unsigned int)(r >> 32));
	}
	if (r & 16) {
		s->given |= VNS_SET_VM;
		snprintf(s->vm, sizeof(s->vm), "vnet%u.%u",
			 (unsigned int)(r >> 40) & 0xff,
			 (unsigned int)(r >> 56) & 0xf);
	}
	if (r & 32) {
		s->given |= VNS_SET_DIR;
		s->dir = (u8)(rng() % 3);
	}
}

static void test_settings_format_merge(void)
{
	struct vns_settings s, t, u;
	char buf[VNS_SETTINGS_FMT_MAX];
	unsigned int round, bad = 0;
	size_t n;

	vns_settings_default(&s);
	sword(&s, "threshold=0.5s");
	sword(&s, "dir=tx");
	vns_settings_format(&s, buf, sizeof(buf), ',');
	CHECK_BUF(buf, "threshold=500ms,dir=tx");
	sword(&s, "period=1000us");
	sword(&s, "stage_threshold=2.5ms");
	CHECK_STR(sfmt(&s), "period=1ms threshold=500ms stage_threshold=2500us dir=tx");
	/* a value the parser would not take still prints */
	s.threshold_us = 0;
	s.dir = 7;
	CHECK_STR(sfmt(&s), "period=1ms threshold=0us stage_threshold=2500us dir=7");
	CHECK_EQ(vns_settings_format(&s, buf, 5, ' '), 53);
	CHECK_BUF(buf, "peri");

	/* round trips; the longest fits VNS_SETTINGS_FMT_MAX */
	for (round = 0; round < 20000; round++) {
		random_settings(&s);
		n = vns_settings_format(&s, buf, sizeof(buf), ',');
		vns_settings_default(&t);
		if (n >= sizeof(buf) || parse_words(NULL, &t, buf, ',') ||
		    memcmp(&s, &t, sizeof(s))) {
			if (bad++ < 5)
				printf("settings round trip: '%s'\n", buf);
		}
	}
	CHECK_EQ(bad, 0);
	vns_settings_default(&s);
	sword(&s, "period=999ms");
	sword(&s, "threshold=9999999us");
	sword(&s, "stage_threshold=9999999us");
	sword(&s, "phy=aaaaaaaaaaaaaaa");
	sword(&s, "vm=aaaaaaaaaaaaaaa");
	sword(&s, "dir=both");
	CHECK(vns_settings_format(&s, buf, sizeof(buf), ' ') <
	      VNS_SETTINGS_FMT_MAX);

	/* merge: what was given wins, and counts as given */
	vns_settings_default(&s);
	sword(&s, "phy=eth0");
	sword(&s, "threshold=8ms");
	sword(&s, "dir=rx");
	vns_settings_default(&u);
	sword(&u, "threshold=10ms");
	sword(&u, "stage_threshold=3ms");
	t = s;
	vns_settings_merge(&t, &u);
	CHECK_STR(sfmt(&t), "threshold=10ms stage_threshold=3ms phy=eth0 dir=rx");
	vns_settings_default(&u);
	t = s;
	vns_settings_merge(&t, &u);
	CHECK_MEM(&t, &s, sizeof(s));
	for (round = 0; round < 20000; round++) {
		random_settings(&s);
		random_settings(&u);
		vns_settings_default(&t);
		vns_settings_merge(&t, &s);
		if (memcmp(&t, &s, sizeof(s)))
			bad++;
		vns_settings_merge(&t, &u);
		if (t.given != (s.given | u.given) ||
		    (u.given & VNS_SET_VM && strcmp(t.vm, u.vm)) ||
		    (!(u.given & VNS_SET_VM) && strcmp(t.vm, s.vm)) ||
		    (u.given & VNS_SET_PERIOD && t.period_us != u.period_us) ||
		    (!(u.given & VNS_SET_PERIOD) && t.period_us != s.period_us))
			bad++;
	}
	CHECK_EQ(bad, 0);
}

static void test_settings_same_check(void)
{
	const u32 irqoff = VNS_SET_PERIOD | VNS_SET_THRESHOLD;
	const u32 latency = VNS_SET_THRESHOLD | VNS_SET_STAGE_THRESHOLD |
			    VNS_SET_PHY | VNS_SET_VM | VNS_SET_DIR;
	struct vns_settings a, b;
	const char *err;

	/* same in effect: a default given is the default */
	vns_settings_default(&a);
	vns_settings_default(&b);
	CHECK(vns_settings_same(&a, &b));
	sword(&b, "period=10ms");
	sword(&b, "dir=both");
	CHECK(vns_settings_same(&a, &b));
	sword(&b, "period=11ms");
	CHECK(!vns_settings_same(&a, &b));
	/* ... but a threshold given turns the details on */
	vns_settings_default(&b);
	sword(&b, "threshold=20ms");
	CHECK(!vns_settings_same(&a, &b));
	sword(&a, "threshold=20ms");
	CHECK(vns_settings_same(&a, &b));
	sword(&a, "stage_threshold=5ms");
	CHECK(!vns_settings_same(&a, &b));
	sword(&b, "stage_threshold=5ms");
	CHECK(vns_settings_same(&a, &b));
	sword(&b, "phy=eth0");
	CHECK(!vns_settings_same(&a, &b));
	sword(&a, "phy=eth0");
	sword(&a, "vm=vnet0");
	CHECK(!vns_settings_same(&a, &b));
	sword(&b, "vm=vnet0");
	CHECK(vns_settings_same(&a, &b));
	sword(&b, "dir=rx");
	CHECK(!vns_settings_same(&a, &b));

	/* the module's rules */
	vns_settings_default(&a);
	err = NULL;
	CHECK_INT(vns_settings_check(&a, 0, &err), 0);
	CHECK_INT(vns_settings_check(&a, irqoff, &err), 0);
	CHECK_INT(vns_settings_check(&a, latency, &err), 0);
	CHECK(!err);
	sword(&a, "period=5ms");
	CHECK_INT(vns_settings_check(&a, latency, &err), -EINVAL);
	CHECK_STR(err, "this collector takes no period");
	vns_settings_default(&a);
	sword(&a, "threshold=5ms");
	CHECK_INT(vns_settings_check(&a, 0, &err), -EINVAL);
	CHECK_STR(err, "this collector takes no threshold");
	vns_settings_default(&a);
	sword(&a, "dir=rx");
	CHECK_INT(vns_settings_check(&a, irqoff, &err), -EINVAL);
	CHECK_STR(err, "this collector takes no phy, vm or dir");
	vns_settings_default(&a);
	sword(&a, "vm=vnet0");
	CHECK_INT(vns_settings_check(&a, irqoff, &err), -EINVAL);
	CHECK_STR(err, "this collector takes no phy, vm or dir");
	vns_settings_default(&a);
	sword(&a, "stage_threshold=5ms");
	CHECK_INT(vns_settings_check(&a, irqoff, &err), -EINVAL);
	CHECK_STR(err, "this collector takes no such setting");

	/* irqoff: period 1ms..1s, threshold period..10s, given or not */
	vns_settings_default(&a);
	a.period_us = 999;
	CHECK_INT(vns_settings_check(&a, irqoff, &err), -ERANGE);
	CHECK_STR(err, "period must be 1ms..1s");
	a.period_us = 1000001;
	CHECK_INT(vns_settings_check(&a, irqoff, &err), -ERANGE);
	a.period_us = 1000000;
	a.threshold_us = 1000000;
	CHECK_INT(vns_settings_check(&a, irqoff, &err), 0);
	a.threshold_us = 999999;
	CHECK_INT(vns_settings_check(&a, irqoff, &err), -ERANGE);
	CHECK_STR(err, "threshold must be period..10s");
	a.period_us = 1000;
	a.threshold_us = 10000001;
	CHECK_INT(vns_settings_check(&a, irqoff, &err), -ERANGE);
	CHECK_STR(err, "threshold must be period..10s");
	vns_settings_default(&a);
	sword(&a, "threshold=5ms");	/* below the default period */
	CHECK_INT(vns_settings_check(&a, irqoff, &err), -ERANGE);
	CHECK_STR(err, "threshold must be period..10s");
	sword(&a, "period=5ms");
	CHECK_INT(vns_settings_check(&a, irqoff, &err), 0);

	/* latency: thresholds 1us..10s when given */
	vns_settings_default(&a);
	a.given = VNS_SET_THRESHOLD;
	a.threshold_us = 1;
	CHECK_INT(vns_settings_check(&a, latency, &err), 0);
	a.threshold_us = 0;
	CHECK_INT(vns_settings_check(&a, latency, &err), -ERANGE);
	CHECK_STR(err, "threshold must be 1us..10s");
	a.threshold_us = 10000001;
	CHECK_INT(vns_settings_check(&a, latency, &err), -ERANGE);
	a.threshold_us = 10000000;
	a.given |= VNS_SET_STAGE_THRESHOLD;
	a.stage_threshold_us = 0;
	CHECK_INT(vns_settings_check(&a, latency, &err), -ERANGE);
	CHECK_STR(err, "stage_threshold must be 1us..10s");
	a.stage_threshold_us = 10000001;
	CHECK_INT(vns_settings_check(&a, latency, &err), -ERANGE);
	a.stage_threshold_us = 1;
	CHECK_INT(vns_settings_check(&a, latency, &err), 0);
	a.dir = 3;
	CHECK_INT(vns_settings_check(&a, latency, &err), -EINVAL);
	CHECK_STR(err, "dir must be rx, tx or both");
	a.dir = VNS_DIR_TX;
	sword(&a, "vm=vnet0");
	CHECK_INT(vns_settings_check(&a, latency, &err), -EINVAL);
	CHECK_STR(err, "the VM path needs the physical port too (phy=)");
	sword(&a, "phy=eth0");
	CHECK_INT(vns_settings_check(&a, latency, &err), 0);
}

/* ------------------------------------------------------------------ */
/* netlink: put and get through libnl messages                         */
/* ------------------------------------------------------------------ */

/* The nest @type of @msg parsed into @tb (no policy: get checks) */
static struct nlattr *nest_parse(struct nl_msg *msg, int type,
				 struct nlattr **tb, int max)
{
	struct nlattr *nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, type);

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	if (nest && nla_parse_nested(tb, max, nest, NULL))
		return NULL;
	return nest;
}

static void test_nl_filter(void)
{
	struct nlattr *tb[VNS_FILTER_A_MAX + 1], *nest;
	struct vns_filter f, g;
	unsigned int round, bad = 0;
	struct nl_msg *msg;
	const char *err;
	int b, len;

	/* empty: nothing at all */
	memset(&f, 0, sizeof(f));
	msg = nlmsg_alloc();
	CHECK_INT(vns_filter_put(msg, VNS_A_FILTER, &f), 0);
	CHECK(!nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_FILTER));
	CHECK_EQ(nlmsg_datalen(nlmsg_hdr(msg)), 0);
	/* no attribute at all: the empty filter */
	memset(tb, 0, sizeof(tb));
	memset(&g, 0xff, sizeof(g));
	CHECK_INT(vns_filter_get(tb, &g, &err, &b), 0);
	CHECK(vns_filter_is_empty(&g));
	CHECK_MEM(&g, &f, sizeof(f));
	nlmsg_free(msg);

	/* every key, the attribute sizes the module's policy wants */
	fword(&f, "src=10.0.0.0/8");
	fword(&f, "dst=2001:db8::1/64");
	fword(&f, "proto=udp");
	fword(&f, "sport=0");
	fword(&f, "dport=53");
	fword(&f, "dev=eth0");
	msg = nlmsg_alloc();
	CHECK_INT(vns_filter_put(msg, VNS_A_FILTER, &f), 0);
	nest = nest_parse(msg, VNS_A_FILTER, tb, VNS_FILTER_A_MAX);
	CHECK(nest);
	if (nest) {
		CHECK_EQ(nla_len(tb[VNS_FILTER_A_SRC]), 4);
		CHECK_EQ(nla_len(tb[VNS_FILTER_A_DST]), 16);
		CHECK_EQ(nla_get_u8(tb[VNS_FILTER_A_SRC_PREFIX]), 8);
		CHECK_EQ(nla_get_u8(tb[VNS_FILTER_A_DST_PREFIX]), 64);
		CHECK_EQ(nla_get_u8(tb[VNS_FILTER_A_PROTO]), 17);
		CHECK_EQ(nla_get_u16(tb[VNS_FILTER_A_SPORT]), 0);
		CHECK_EQ(nla_get_u16(tb[VNS_FILTER_A_DPORT]), 53);
		CHECK_EQ(nla_len(tb[VNS_FILTER_A_DEV]), 5);
		CHECK_STR(nla_data(tb[VNS_FILTER_A_DEV]), "eth0");
		CHECK_INT(vns_filter_get(tb, &g, &err, &b), 0);
		CHECK_MEM(&g, &f, sizeof(f));
	}
	nlmsg_free(msg);

	/* random round trips, several nests in one message */
	for (round = 0; round < 20000; round++) {
		struct vns_filter in[3];
		int i;

		msg = nlmsg_alloc();
		for (i = 0; i < 3; i++) {
			random_filter(&in[i]);
			if (vns_filter_put(msg, VNS_A_FILTER + i, &in[i]))
				bad++;
		}
		for (i = 0; i < 3; i++) {
			nest = nest_parse(msg, VNS_A_FILTER + i, tb,
					  VNS_FILTER_A_MAX);
			if (!nest != vns_filter_is_empty(&in[i])) {
				bad++;
				continue;
			}
			if (vns_filter_get(tb, &g, &err, &b) ||
			    memcmp(&g, &in[i], sizeof(g)))
				bad++;
		}
		nlmsg_free(msg);
	}
	CHECK_EQ(bad, 0);

	/* a full message: an error, and the nest taken back */
	msg = nlmsg_alloc_size(64);
	len = (int)nlmsg_datalen(nlmsg_hdr(msg));
	CHECK(vns_filter_put(msg, VNS_A_FILTER, &f) < 0);
	CHECK_EQ(nlmsg_datalen(nlmsg_hdr(msg)), len);
	CHECK(!nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_FILTER));
	nlmsg_free(msg);
}

/* An attribute: @len bytes of @data (N(u16, 1): a u16 of value 1) */
struct tattr {
	int type;
	int len;
	const void *data;
};

#define N(type, v)	sizeof(type), &(const type){ v }

/* A nest of (up to two) attributes a codec refuses: its message, the type */
struct nl_bad {
	struct tattr attr[2];	/* type 0: none */
	const char *err;
	int bad;
};

/* Each of @c in a VNS_A_FILTER (or VNS_A_CONFIG) nest, refused as it says */
static void check_nl_bad(int nest_type, const struct nl_bad *c, size_t n)
{
	struct nlattr *tb[VNS_FILTER_A_MAX + VNS_CFG_A_MAX + 2], *nest;
	struct vns_settings s;
	struct vns_filter f;
	const char *err;
	size_t i, j;
	int b, ret;

	for (i = 0; i < n; i++) {
		struct nl_msg *m = nlmsg_alloc();

		nest = nla_nest_start(m, nest_type);
		for (j = 0; j < 2 && c[i].attr[j].type; j++)
			nla_put(m, c[i].attr[j].type, c[i].attr[j].len,
				c[i].attr[j].data);
		nla_nest_end(m, nest);
		err = NULL;
		b = -1;
		if (nest_type == VNS_A_FILTER) {
			nest_parse(m, nest_type, tb, VNS_FILTER_A_MAX);
			ret = vns_filter_get(tb, &f, &err, &b);
		} else {
			nest_parse(m, nest_type, tb, VNS_CFG_A_MAX);
			ret = vns_settings_get(tb, &s, &err, &b);
		}
		CHECK_INT(ret, -1);
		CHECK_STR(err, c[i].err);
		CHECK_INT(b, c[i].bad);
		nlmsg_free(m);
	}
}

static const u8 a5[5], a16[16];

static const struct nl_bad filter_bad[] = {
	{ { { VNS_FILTER_A_SRC, 5, a5 } },
	  "address must be 4 (IPv4) or 16 (IPv6) bytes", VNS_FILTER_A_SRC },
	{ { { VNS_FILTER_A_DST, 0, a5 } },
	  VNS_FILTER_ERR_NL_ADDR, VNS_FILTER_A_DST },
	{ { { VNS_FILTER_A_SRC_PREFIX, N(u8, 8) } },
	  "prefix length without an address", VNS_FILTER_A_SRC_PREFIX },
	{ { { VNS_FILTER_A_DST, 4, a5 },
	    { VNS_FILTER_A_DST_PREFIX, N(u8, 33) } },
	  "prefix length out of range", VNS_FILTER_A_DST_PREFIX },
	{ { { VNS_FILTER_A_DST, 16, a16 },
	    { VNS_FILTER_A_DST_PREFIX, N(u8, 129) } },
	  VNS_FILTER_ERR_NL_PREFIX, VNS_FILTER_A_DST_PREFIX },
	{ { { VNS_FILTER_A_PROTO, N(u8, 0) } },
	  "protocol 0 matches nothing", VNS_FILTER_A_PROTO },
	{ { { VNS_FILTER_A_DEV, 1, "" } },
	  "empty device name", VNS_FILTER_A_DEV },
	{ { { VNS_FILTER_A_DEV, 4, "eth0" } },
	  "device name is not NUL-terminated", VNS_FILTER_A_DEV },
	{ { { VNS_FILTER_A_DEV, 0, "" } },
	  VNS_FILTER_ERR_NL_DEV_NUL, VNS_FILTER_A_DEV },
	{ { { VNS_FILTER_A_DEV, 17, "abcdefghijklmnop" } },
	  "device name is longer than 15 characters", VNS_FILTER_A_DEV },
	{ { { VNS_FILTER_A_SPORT, N(u8, 1) } },
	  "attribute has the wrong size", VNS_FILTER_A_SPORT },
	{ { { VNS_FILTER_A_DPORT, N(u32, 1) } },
	  VNS_FILTER_ERR_NL_SIZE, VNS_FILTER_A_DPORT },
	{ { { VNS_FILTER_A_PROTO, N(u16, 6) } },
	  VNS_FILTER_ERR_NL_SIZE, VNS_FILTER_A_PROTO },
	{ { { VNS_FILTER_A_SRC, 4, a5 },
	    { VNS_FILTER_A_SRC_PREFIX, N(u16, 8) } },
	  VNS_FILTER_ERR_NL_SIZE, VNS_FILTER_A_SRC_PREFIX },
};
static const struct nl_bad cfg_bad[] = {
	{ { { VNS_CFG_A_DIRECTION, N(u8, 3) } },
	  "direction must be 0..2", VNS_CFG_A_DIRECTION },
	{ { { VNS_CFG_A_PHY_IF, 1, "" } },
	  "empty interface name", VNS_CFG_A_PHY_IF },
	{ { { VNS_CFG_A_VM_IF, 1, "" } },
	  VNS_SET_ERR_NL_IFNAME, VNS_CFG_A_VM_IF },
	{ { { VNS_CFG_A_VM_IF, 17, "abcdefghijklmnop" } },
	  "interface name is longer than 15 characters", VNS_CFG_A_VM_IF },
	{ { { VNS_CFG_A_PHY_IF, 3, "eth" } },
	  "interface name is not NUL-terminated", VNS_CFG_A_PHY_IF },
	{ { { VNS_CFG_A_PERIOD_US, N(u16, 1) } },
	  "attribute has the wrong size", VNS_CFG_A_PERIOD_US },
	{ { { VNS_CFG_A_THRESHOLD_US, N(u64, 1) } },
	  VNS_SET_ERR_NL_SIZE, VNS_CFG_A_THRESHOLD_US },
	{ { { VNS_CFG_A_STAGE_THRESHOLD_US, N(u8, 1) } },
	  VNS_SET_ERR_NL_SIZE, VNS_CFG_A_STAGE_THRESHOLD_US },
	{ { { VNS_CFG_A_DIRECTION, N(u32, 1) } },
	  VNS_SET_ERR_NL_SIZE, VNS_CFG_A_DIRECTION },
};

static void test_nl_errors(void)
{
	struct nlattr *tb[VNS_FILTER_A_MAX + 1];
	struct vns_filter f;
	const char *err;
	int b;

	check_nl_bad(VNS_A_FILTER, filter_bad, ARRAY_SIZE(filter_bad));
	check_nl_bad(VNS_A_CONFIG, cfg_bad, ARRAY_SIZE(cfg_bad));
	/* a full-length prefix and a name of 15 are fine */
	{
		struct nl_msg *m = nlmsg_alloc();
		struct nlattr *n = nla_nest_start(m, VNS_A_FILTER);

		nla_put(m, VNS_FILTER_A_DST, 16, a16);
		nla_put_u8(m, VNS_FILTER_A_DST_PREFIX, 128);
		nla_put_string(m, VNS_FILTER_A_DEV, "abcdefghijklmno");
		nla_nest_end(m, n);
		nest_parse(m, VNS_A_FILTER, tb, VNS_FILTER_A_MAX);
		CHECK_INT(vns_filter_get(tb, &f, &err, &b), 0);
		CHECK(f.dst_family == VNS_AF_INET6 && f.dst_prefix == 128 &&
		      !strcmp(f.dev, "abcdefghijklmno"));
		nlmsg_free(m);
	}
}

static void test_nl_settings(void)
{
	struct nlattr *tc[VNS_CFG_A_MAX + 1], *nest, *a;
	struct vns_settings s, t, def;
	unsigned int round, bad = 0;
	struct nl_msg *msg;
	const char *err;
	int b, rem, n = 0;

	/* nothing given: nothing at all; no nest: the defaults */
	vns_settings_default(&s);
	vns_settings_default(&def);
	msg = nlmsg_alloc();
	CHECK_INT(vns_settings_put(msg, VNS_A_CONFIG, &s), 0);
	CHECK(!nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_CONFIG));
	nlmsg_free(msg);
	memset(tc, 0, sizeof(tc));
	memset(&t, 0xff, sizeof(t));
	CHECK_INT(vns_settings_get(tc, &t, &err, &b), 0);
	CHECK_MEM(&t, &def, sizeof(t));

	/* what the CLI sent before: u32s, only the given ones */
	sword(&s, "period=5ms");
	sword(&s, "threshold=20ms");
	msg = nlmsg_alloc();
	CHECK_INT(vns_settings_put(msg, VNS_A_CONFIG, &s), 0);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_CONFIG);
	CHECK(nest);
	if (nest) {
		nla_for_each_nested(a, nest, rem) {
			n++;
			CHECK_EQ(nla_len(a), 4);
			if (nla_type(a) == VNS_CFG_A_PERIOD_US)
				CHECK_EQ(nla_get_u32(a), 5000);
			else
				CHECK_EQ(nla_type(a), VNS_CFG_A_THRESHOLD_US);
		}
	}
	CHECK_INT(n, 2);
	nlmsg_free(msg);

	for (round = 0; round < 20000; round++) {
		random_settings(&s);
		msg = nlmsg_alloc();
		if (vns_settings_put(msg, VNS_A_CONFIG, &s))
			bad++;
		nest = nest_parse(msg, VNS_A_CONFIG, tc, VNS_CFG_A_MAX);
		if (!nest != !s.given ||
		    vns_settings_get(tc, &t, &err, &b) ||
		    memcmp(&s, &t, sizeof(s)))
			bad++;
		nlmsg_free(msg);
	}
	CHECK_EQ(bad, 0);

	/* a full message */
	sword(&s, "phy=eth0");
	msg = nlmsg_alloc_size(40);
	CHECK(vns_settings_put(msg, VNS_A_CONFIG, &s) < 0);
	CHECK(!nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_CONFIG));
	CHECK_EQ(nlmsg_datalen(nlmsg_hdr(msg)), 0);
	nlmsg_free(msg);

	/* vns_nla_put_u64() is libnl's nla_put_u64() here */
	msg = nlmsg_alloc();
	CHECK_INT(vns_nla_put_u64(msg, VNS_A_MEM_BYTES, 1ULL << 40, VNS_A_PAD),
		  0);
	a = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_MEM_BYTES);
	CHECK(a && nla_get_u64(a) == 1ULL << 40);
	nlmsg_free(msg);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);

	test_hist_buckets();
	test_hist_percentiles();
	test_ipv4();
	test_ipv6();
	test_ip_padding();
	test_filter();
	test_parse_strings();
	test_hash();
	test_fuzz_parsers();
	test_filter_refuses_hdr();
	test_fuzz_strings();
	test_lat_table();
	test_lat_stages();
	test_lat_pairs();
	test_lat_threads();
	test_ring();
	test_ring_threads();
	test_addr_parse();
	test_addr_format();
	test_filter_words();
	test_filter_format();
	test_filter_merge_equal();
	test_duration();
	test_settings_words();
	test_settings_format_merge();
	test_settings_same_check();
	test_nl_filter();
	test_nl_errors();
	test_nl_settings();

	printf("%u passed, %u failed\n", n_passed, n_failed);
	return n_failed ? 1 : 0;
}
