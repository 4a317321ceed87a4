// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/attr.h>

#include "uapi/linux/vnetscope.h"
#include "histo.h"
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
static void vns_stars(FILE *out, u64 val, u64 val_max, unsigned int width)
{
	unsigned int n = 0, i;

	if (val_max)
		n = val >= val_max ? width :
		    (unsigned int)((double)width * (double)val /
				   (double)val_max);
	for (i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', out);
}

void vns_hist_print(FILE *out, const struct vns_hist *h, const char *unit)
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
		fprintf(out, "               %-29s : count     distribution\n",
			unit);
	} else {
		fprintf(out, "     %-19s : count     distribution\n", unit);
	}
	for (i = 0; i <= top; i++) {
		fprintf(out, wide ? "%20" PRIu64 " -> %-20" PRIu64 " : %-8" PRIu64
				    " |" :
				    "%10" PRIu64 " -> %-10" PRIu64 " : %-8" PRIu64
				    " |",
			vns_hist_low((unsigned int)i),
			vns_hist_high((unsigned int)i), h->buckets[i]);
		vns_stars(out, h->buckets[i], vmax, width);
		fputs("|\n", out);
	}
}

struct json_object *vns_hist_json(const struct vns_hist *h)
{
	struct json_object *o, *arr, *b;
	unsigned int i;

	o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "count", vns_json_u64(h->count));
	json_object_object_add(o, "sum_us", vns_json_u64(h->sum));
	json_object_object_add(o, "max_us", vns_json_u64(h->max));
	arr = json_object_new_array();
	for (i = 0; arr && i < VNS_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		b = json_object_new_object();
		if (!b)
			break;
		json_object_object_add(b, "low_us",
				       vns_json_u64(vns_hist_low(i)));
		json_object_object_add(b, "high_us",
				       vns_json_u64(vns_hist_high(i)));
		json_object_object_add(b, "count",
				       vns_json_u64(h->buckets[i]));
		json_object_array_add(arr, b);
	}
	json_object_object_add(o, "buckets", arr);
	return o;
}
