// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>

#include "uapi/linux/vnetscope.h"
#include "histo.h"
#include "print.h"
#include "util.h"

static const struct nla_policy vns_hist_policy[VNS_HIST_A_MAX + 1] = {
	[VNS_HIST_A_COUNT] = { .type = NLA_U64 },
	[VNS_HIST_A_SUM] = { .type = NLA_U64 },
	[VNS_HIST_A_MAXVAL] = { .type = NLA_U64 },
	[VNS_HIST_A_BUCKET] = { .type = NLA_NESTED },
};

static const struct nla_policy vns_bucket_policy[VNS_BUCKET_A_MAX + 1] = {
	[VNS_BUCKET_A_INDEX] = { .type = NLA_U8 },
	[VNS_BUCKET_A_COUNT] = { .type = NLA_U64 },
};

int vns_hist_from_nest(struct vns_hist *h, struct nlattr *nest)
{
	struct nlattr *tb[VNS_HIST_A_MAX + 1];
	struct nlattr *bt[VNS_BUCKET_A_MAX + 1];
	unsigned int i;
	struct nlattr *a;
	u64 total = 0;
	int rem;

	memset(h, 0, sizeof(*h));
	if (nla_parse_nested(tb, VNS_HIST_A_MAX, nest, vns_hist_policy))
		return -EBADMSG;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != VNS_HIST_A_BUCKET)
			continue;
		if (nla_parse_nested(bt, VNS_BUCKET_A_MAX, a,
				     vns_bucket_policy) ||
		    !bt[VNS_BUCKET_A_INDEX] || !bt[VNS_BUCKET_A_COUNT])
			return -EBADMSG;
		i = nla_get_u8(bt[VNS_BUCKET_A_INDEX]);
		if (i >= VNS_HIST_BUCKETS)
			i = VNS_HIST_BUCKETS - 1;
		h->buckets[i] += nla_get_u64(bt[VNS_BUCKET_A_COUNT]);
		total += nla_get_u64(bt[VNS_BUCKET_A_COUNT]);
	}
	h->count = tb[VNS_HIST_A_COUNT] ? nla_get_u64(tb[VNS_HIST_A_COUNT]) :
					  total;
	if (tb[VNS_HIST_A_SUM])
		h->sum = nla_get_u64(tb[VNS_HIST_A_SUM]);
	if (tb[VNS_HIST_A_MAXVAL])
		h->max = nla_get_u64(tb[VNS_HIST_A_MAXVAL]);
	return 0;
}

int vns_hist_top(const struct vns_hist *h)
{
	int i;

	for (i = VNS_HIST_BUCKETS - 1; i >= 0; i--)
		if (h->buckets[i])
			return i;
	return -1;
}

bool vns_hist_delta(struct vns_hist *cur, const struct vns_hist *prev)
{
	u64 hi;
	int i;

	if (cur->count < prev->count || cur->sum < prev->sum)
		return true;
	for (i = 0; i < VNS_HIST_BUCKETS; i++)
		if (cur->buckets[i] < prev->buckets[i])
			return true;
	for (i = 0; i < VNS_HIST_BUCKETS; i++)
		cur->buckets[i] -= prev->buckets[i];
	cur->count -= prev->count;
	cur->sum -= prev->sum;
	if (cur->max > prev->max)
		return true;
	i = vns_hist_top(cur);
	hi = i < 0 ? 0 : vns_hist_high((unsigned int)i);
	if (hi < cur->max)
		cur->max = hi;
	return i < 0;
}

/* BCC's stars: width * val / val_max of them, '+' for the last if over */
static void vns_stars(u64 val, u64 val_max, unsigned int width)
{
	char buf[64];
	unsigned int n = 0, i;

	if (val_max)
		n = val >= val_max ? width :
		    (unsigned int)((double)width * (double)val /
				   (double)val_max);
	for (i = 0; i < width && i < sizeof(buf) - 1; i++)
		buf[i] = i < n ? '*' : ' ';
	buf[i] = '\0';
	print_fp("%s", buf);
}

void vns_hist_print(const struct vns_hist *h, const char *unit)
{
	int top = vns_hist_top(h), i;
	unsigned int width = 40;
	bool wide = top > 31;
	u64 vmax = 0;

	if (top < 0)
		return;
	for (i = 0; i <= top; i++)
		if (h->buckets[i] > vmax)
			vmax = h->buckets[i];
	if (wide) {
		width = 20;
		print_fp("               %-29s : count     distribution\n",
			 unit);
	} else {
		print_fp("     %-19s : count     distribution\n", unit);
	}
	for (i = 0; i <= top; i++) {
		print_fp(wide ? "%20llu -> %-20llu : %-8llu |" :
				"%10llu -> %-10llu : %-8llu |",
			 (unsigned long long)vns_hist_low((unsigned int)i),
			 (unsigned long long)vns_hist_high((unsigned int)i),
			 (unsigned long long)h->buckets[i]);
		vns_stars(h->buckets[i], vmax, width);
		print_fp("|\n");
	}
}

void vns_hist_json_head(const struct vns_hist *h)
{
	print_u64(PRINT_JSON, "count", NULL, h->count);
	print_u64(PRINT_JSON, "sum_us", NULL, h->sum);
	print_u64(PRINT_JSON, "max_us", NULL, h->max);
}

void vns_hist_json_buckets(const struct vns_hist *h)
{
	unsigned int i;

	open_json_array("buckets");
	for (i = 0; i < VNS_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		open_json_object(NULL);
		print_u64(PRINT_JSON, "low_us", NULL, vns_hist_low(i));
		print_u64(PRINT_JSON, "high_us", NULL, vns_hist_high(i));
		print_u64(PRINT_JSON, "count", NULL, h->buckets[i]);
		close_json_object();
	}
	close_json_array();
}

void vns_hist_print_json(const char *key, bool present,
			 const struct vns_hist *h)
{
	if (!present) {
		print_null(PRINT_JSON, key, NULL, NULL);
		return;
	}
	open_json_object(key);
	vns_hist_json_head(h);
	vns_hist_json_buckets(h);
	close_json_object();
}

void vns_hist_print_json_unit(const char *key, bool present,
			      const struct vns_hist *h, const char *unit)
{
	char k[32];
	unsigned int i;

	if (!present) {
		print_null(PRINT_JSON, key, NULL, NULL);
		return;
	}
	open_json_object(key);
	print_u64(PRINT_JSON, "count", NULL, h->count);
	snprintf(k, sizeof(k), "sum_%s", unit);
	print_u64(PRINT_JSON, k, NULL, h->sum);
	snprintf(k, sizeof(k), "max_%s", unit);
	print_u64(PRINT_JSON, k, NULL, h->max);
	open_json_array("buckets");
	for (i = 0; i < VNS_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		open_json_object(NULL);
		snprintf(k, sizeof(k), "low_%s", unit);
		print_u64(PRINT_JSON, k, NULL, vns_hist_low(i));
		snprintf(k, sizeof(k), "high_%s", unit);
		print_u64(PRINT_JSON, k, NULL, vns_hist_high(i));
		print_u64(PRINT_JSON, "count", NULL, h->buckets[i]);
		close_json_object();
	}
	close_json_array();
	close_json_object();
}
