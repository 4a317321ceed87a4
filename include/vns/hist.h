/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Log2 histograms, as the BPF summary tools print them: bucket 0 holds 0 and
 * 1, bucket i (i >= 1) holds [2^i, 2^(i+1) - 1].  Percentiles are computed
 * from buckets (so they are bounds, not exact values): the value reported for
 * quantile q is the upper bound of the bucket holding the q-th sample, capped
 * by the largest value actually recorded.
 */
#ifndef _VNS_HIST_H
#define _VNS_HIST_H

#include "types.h"

#define VNS_HIST_BUCKETS 40	/* up to 2^40 units: 12 days in us */

struct vns_hist {
	u64 count;
	u64 sum;
	u64 max;
	u64 buckets[VNS_HIST_BUCKETS];
};

static inline u64 vns_div_u64(u64 a, u32 b)
{
#ifdef __KERNEL__
	return div_u64(a, b);	/* no 64-bit division helper on 32-bit */
#else
	return a / b;
#endif
}

static inline unsigned int vns_fls64(u64 v)
{
	unsigned int n = 0;

	while (v) {
		n++;
		v >>= 1;
	}
	return n;
}

static inline unsigned int vns_hist_bucket(u64 v)
{
	unsigned int b = v ? vns_fls64(v) - 1 : 0;

	return b < VNS_HIST_BUCKETS ? b : VNS_HIST_BUCKETS - 1;
}

static inline u64 vns_hist_low(unsigned int b)
{
	return b ? 1ULL << b : 0;
}

static inline u64 vns_hist_high(unsigned int b)
{
	if (b >= VNS_HIST_BUCKETS - 1)
		return ~0ULL;
	return (2ULL << b) - 1;
}

static inline void vns_hist_add(struct vns_hist *h, u64 v)
{
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
	h->buckets[vns_hist_bucket(v)]++;
}

static inline void vns_hist_merge(struct vns_hist *dst,
				  const struct vns_hist *src)
{
	unsigned int i;

	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
	for (i = 0; i < VNS_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

/*
 * @permille: 500 for P50, 999 for P99.9, 1000 for the maximum.  Returns 0
 * for an empty histogram.
 */
static inline u64 vns_hist_percentile(const struct vns_hist *h,
				      unsigned int permille)
{
	u64 total = 0, rank, seen = 0;
	unsigned int i;

	for (i = 0; i < VNS_HIST_BUCKETS; i++)
		total += h->buckets[i];
	if (!total)
		return 0;
	if (permille > 1000)
		permille = 1000;
	/* rank of the sample, 1-based, rounded up: ceil(total * p / 1000) */
	rank = vns_div_u64(total * permille + 999, 1000);
	if (!rank)
		rank = 1;
	for (i = 0; i < VNS_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			u64 hi = vns_hist_high(i);

			return h->max < hi ? h->max : hi;
		}
	}
	return h->max;
}

#endif /* _VNS_HIST_H */
