// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/attr.h>

#include "uapi/linux/vnetscope.h"
#include "vns/hash.h"
#include "drops.h"
#include "nl.h"
#include "util.h"

static const struct nla_policy vns_drop_policy[VNS_DROP_A_MAX + 1] = {
	[VNS_DROP_A_COUNT] = { .type = NLA_U64 },
	[VNS_DROP_A_IFINDEX] = { .type = NLA_U32 },
	[VNS_DROP_A_DEV] = { .type = NLA_STRING },
	[VNS_DROP_A_REASON] = { .type = NLA_U32 },
	[VNS_DROP_A_REASON_NAME] = { .type = NLA_STRING },
	[VNS_DROP_A_LOCATION] = { .type = NLA_STRING },
	[VNS_DROP_A_FLOW] = { .type = NLA_NESTED },
	[VNS_DROP_A_STACK] = { .type = NLA_NESTED },
	[VNS_DROP_A_STACK_ID] = { .type = NLA_U32 },
};

static const struct nla_policy vns_flow_policy[VNS_FLOW_A_MAX + 1] = {
	[VNS_FLOW_A_FAMILY] = { .type = NLA_U8 },
	[VNS_FLOW_A_PROTO] = { .type = NLA_U8 },
	[VNS_FLOW_A_SRC] = { .minlen = 4, .maxlen = 16 },
	[VNS_FLOW_A_DST] = { .minlen = 4, .maxlen = 16 },
	[VNS_FLOW_A_SPORT] = { .type = NLA_U16 },
	[VNS_FLOW_A_DPORT] = { .type = NLA_U16 },
	[VNS_FLOW_A_ICMP_TYPE] = { .type = NLA_U8 },
	[VNS_FLOW_A_ICMP_CODE] = { .type = NLA_U8 },
};

static int vns_flow_parse(struct vns_flow_info *fi, struct nlattr *nest)
{
	struct nlattr *tb[VNS_FLOW_A_MAX + 1];
	struct vns_flow *f = &fi->key;

	memset(fi, 0, sizeof(*fi));
	if (nla_parse_nested(tb, VNS_FLOW_A_MAX, nest, vns_flow_policy) ||
	    !tb[VNS_FLOW_A_FAMILY])
		return -EBADMSG;
	f->family = nla_get_u8(tb[VNS_FLOW_A_FAMILY]);
	if (tb[VNS_FLOW_A_PROTO])
		f->proto = nla_get_u8(tb[VNS_FLOW_A_PROTO]);
	if (tb[VNS_FLOW_A_SRC])
		memcpy(f->src, nla_data(tb[VNS_FLOW_A_SRC]),
		       (size_t)nla_len(tb[VNS_FLOW_A_SRC]));
	if (tb[VNS_FLOW_A_DST])
		memcpy(f->dst, nla_data(tb[VNS_FLOW_A_DST]),
		       (size_t)nla_len(tb[VNS_FLOW_A_DST]));
	if (tb[VNS_FLOW_A_SPORT] || tb[VNS_FLOW_A_DPORT]) {
		fi->has_ports = true;
		if (tb[VNS_FLOW_A_SPORT])
			f->sport = nla_get_u16(tb[VNS_FLOW_A_SPORT]);
		if (tb[VNS_FLOW_A_DPORT])
			f->dport = nla_get_u16(tb[VNS_FLOW_A_DPORT]);
	}
	if (tb[VNS_FLOW_A_ICMP_TYPE] || tb[VNS_FLOW_A_ICMP_CODE]) {
		fi->has_icmp = true;
		if (tb[VNS_FLOW_A_ICMP_TYPE])
			f->icmp_type = nla_get_u8(tb[VNS_FLOW_A_ICMP_TYPE]);
		if (tb[VNS_FLOW_A_ICMP_CODE])
			f->icmp_code = nla_get_u8(tb[VNS_FLOW_A_ICMP_CODE]);
	}
	return 0;
}

static int vns_stack_parse(struct vns_drop *e, struct nlattr *nest)
{
	struct nlattr *a;
	const char *s;
	int rem;

	e->has_stack = true;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != VNS_STACK_A_FRAME)
			continue;
		s = nla_data(a);
		if (nla_len(a) < 1 || s[nla_len(a) - 1])
			return -EBADMSG;
		if (vns_grow(&e->stack, e->nstack, sizeof(*e->stack)))
			return -ENOMEM;
		e->stack[e->nstack] = strdup(s);
		if (!e->stack[e->nstack])
			return -ENOMEM;
		e->nstack++;
	}
	return 0;
}

static void vns_drop_free(struct vns_drop *e)
{
	size_t i;

	for (i = 0; i < e->nstack; i++)
		free(e->stack[i]);
	free(e->stack);
	free(e->dev);
	free(e->reason_name);
	free(e->location);
}

static int vns_drop_parse(struct vns_drop *e, struct nlattr *nest)
{
	struct nlattr *tb[VNS_DROP_A_MAX + 1];

	memset(e, 0, sizeof(*e));
	if (nla_parse_nested(tb, VNS_DROP_A_MAX, nest, vns_drop_policy) ||
	    !tb[VNS_DROP_A_COUNT])
		return -EBADMSG;
	e->count = nla_get_u64(tb[VNS_DROP_A_COUNT]);
	if (tb[VNS_DROP_A_IFINDEX])
		e->ifindex = nla_get_u32(tb[VNS_DROP_A_IFINDEX]);
	if (tb[VNS_DROP_A_REASON]) {
		e->reason = nla_get_u32(tb[VNS_DROP_A_REASON]);
		e->has_reason = true;
	}
	if (tb[VNS_DROP_A_STACK_ID]) {
		e->stack_id = nla_get_u32(tb[VNS_DROP_A_STACK_ID]);
		e->has_stack_id = true;
	}
	if (tb[VNS_DROP_A_FLOW]) {
		if (vns_flow_parse(&e->flow, tb[VNS_DROP_A_FLOW]))
			return -EBADMSG;
		e->has_flow = true;
	}
	if (vns_nla_strdup(&e->dev, tb[VNS_DROP_A_DEV]) ||
	    vns_nla_strdup(&e->reason_name, tb[VNS_DROP_A_REASON_NAME]) ||
	    vns_nla_strdup(&e->location, tb[VNS_DROP_A_LOCATION]))
		return -ENOMEM;
	if (tb[VNS_DROP_A_STACK])
		return vns_stack_parse(e, tb[VNS_DROP_A_STACK]);
	return 0;
}

int vns_drops_add(struct vns_drops *d, struct nlattr *nest)
{
	int ret;

	if (vns_grow(&d->v, d->n, sizeof(*d->v)))
		return -ENOMEM;
	ret = vns_drop_parse(&d->v[d->n], nest);
	if (ret)
		vns_drop_free(&d->v[d->n]);
	else
		d->n++;
	return ret;
}

void vns_drops_free(struct vns_drops *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		vns_drop_free(&d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

static bool vns_streq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool vns_drop_same(const struct vns_drop *a, const struct vns_drop *b)
{
	return a->has_stack_id == b->has_stack_id &&
	       (!a->has_stack_id || a->stack_id == b->stack_id) &&
	       a->ifindex == b->ifindex && a->has_reason == b->has_reason &&
	       (!a->has_reason || a->reason == b->reason) &&
	       vns_streq(a->reason_name, b->reason_name) &&
	       vns_streq(a->location, b->location) &&
	       a->has_flow == b->has_flow &&
	       (!a->has_flow ||
		!memcmp(&a->flow.key, &b->flow.key, sizeof(a->flow.key)));
}

static u64 vns_drop_hash(const struct vns_drop *e)
{
	u64 w[3] = {
		e->has_stack_id ? (u64)1 << 32 | e->stack_id : 0,
		e->has_reason ? (u64)1 << 32 | e->reason : 0,
		e->ifindex,
	};
	u64 h = vns_hash_words(w, 3, 0);

	if (e->reason_name)
		h = vns_hash_bytes(e->reason_name, strlen(e->reason_name), h);
	if (e->location)
		h = vns_hash_bytes(e->location, strlen(e->location), h);
	if (e->has_flow)
		h = vns_hash_bytes(&e->flow.key, sizeof(e->flow.key), h);
	return h;
}

int vns_drops_view(const struct vns_drops *cur, struct vns_drop_view **view,
		   size_t *n)
{
	size_t i;

	*n = 0;
	*view = calloc(cur->n ? cur->n : 1, sizeof(**view));
	if (!*view)
		return -ENOMEM;
	for (i = 0; i < cur->n; i++) {
		(*view)[i].e = &cur->v[i];
		(*view)[i].count = cur->v[i].count;
		(*view)[i].rank = i;
	}
	*n = cur->n;
	return 0;
}

static int vns_view_cmp(const void *pa, const void *pb)
{
	const struct vns_drop_view *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/* Index of the entry of @prev like @e, or -1; @slots holds index + 1 */
static long vns_drops_find(const struct vns_drops *prev, const size_t *slots,
			   size_t mask, const struct vns_drop *e)
{
	size_t i = (size_t)vns_drop_hash(e) & mask;

	for (; slots[i]; i = (i + 1) & mask)
		if (vns_drop_same(&prev->v[slots[i] - 1], e))
			return (long)(slots[i] - 1);
	return -1;
}

int vns_drops_delta(const struct vns_drops *prev, const struct vns_drops *cur,
		    struct vns_drop_view **view, size_t *n)
{
	size_t size = 1, i, j;
	size_t *slots;
	long k;
	u64 c;

	*n = 0;
	while (size < 2 * prev->n + 1)
		size *= 2;
	slots = calloc(size, sizeof(*slots));
	*view = calloc(cur->n ? cur->n : 1, sizeof(**view));
	if (!slots || !*view) {
		free(slots);
		free(*view);
		*view = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < prev->n; i++) {
		j = (size_t)vns_drop_hash(&prev->v[i]) & (size - 1);
		while (slots[j])
			j = (j + 1) & (size - 1);
		slots[j] = i + 1;
	}
	for (i = 0; i < cur->n; i++) {
		c = cur->v[i].count;
		k = vns_drops_find(prev, slots, size - 1, &cur->v[i]);
		if (k >= 0 && c >= prev->v[k].count)
			c -= prev->v[k].count;
		if (!c)
			continue;
		(*view)[*n].e = &cur->v[i];
		(*view)[*n].count = c;
		(*view)[*n].rank = i;
		(*n)++;
	}
	free(slots);
	qsort(*view, *n, sizeof(**view), vns_view_cmp);
	return 0;
}

int vns_flow_format(const struct vns_flow_info *fi, char *buf, size_t len)
{
	const struct vns_flow *f = &fi->key;
	char src[VNS_ADDR_STR_MAX], dst[VNS_ADDR_STR_MAX], proto[16];
	const char *name = vns_proto_name(f->proto);
	bool v6 = f->family == VNS_AF_INET6;
	int n;

	if (f->family != VNS_AF_INET && !v6)
		return snprintf(buf, len, "family %u", f->family);
	if (name)
		snprintf(proto, sizeof(proto), "%s", name);
	else
		snprintf(proto, sizeof(proto), "proto %u", f->proto);
	vns_addr_str(f->family, f->src, src, sizeof(src));
	vns_addr_str(f->family, f->dst, dst, sizeof(dst));
	if (fi->has_ports)
		n = snprintf(buf, len,
			     v6 ? "%s [%s]:%u -> [%s]:%u" : "%s %s:%u -> %s:%u",
			     proto, src, f->sport, dst, f->dport);
	else if (fi->has_icmp)
		n = snprintf(buf, len, "%s %s -> %s type %u code %u", proto,
			     src, dst, f->icmp_type, f->icmp_code);
	else
		n = snprintf(buf, len, "%s %s -> %s", proto, src, dst);
	return n >= 0 && (size_t)n < len ? n : -1;
}

void vns_drop_print(FILE *out, size_t rank, const struct vns_drop *e, u64 count)
{
	char flow[VNS_FLOW_STR_MAX];
	size_t i;

	fprintf(out, "#%zu Count: %" PRIu64 " [device: %s]", rank, count,
		e->dev ? e->dev : "-");
	if (e->reason_name)
		fprintf(out, " [reason: %s]", e->reason_name);
	else if (e->has_reason)
		fprintf(out, " [reason: %u]", e->reason);
	fputc('\n', out);
	if (e->has_flow) {
		vns_flow_format(&e->flow, flow, sizeof(flow));
		fprintf(out, "    %s\n", flow);
	} else {
		fputs("    non-IP\n", out);
	}
	if (e->location)
		fprintf(out, "    location: %s\n", e->location);
	if (!e->has_stack && e->has_stack_id &&
	    e->stack_id == VNS_STACK_ID_NONE)
		fputs("    [stack lost: table full]\n", out);
	else if (!e->has_stack)
		fputs("    [no stack: the kernel could not unwind it]\n", out);
	for (i = 0; i < e->nstack; i++)
		fprintf(out, "    %s\n", e->stack[i]);
}

struct json_object *vns_flow_json(const struct vns_flow_info *fi)
{
	const struct vns_flow *f = &fi->key;
	char a[VNS_ADDR_STR_MAX];
	struct json_object *o;
	const char *family;

	o = json_object_new_object();
	if (!o)
		return NULL;
	if (f->family == VNS_AF_INET || f->family == VNS_AF_INET6) {
		family = f->family == VNS_AF_INET ? "ipv4" : "ipv6";
		json_object_object_add(o, "family",
				       json_object_new_string(family));
		vns_addr_str(f->family, f->src, a, sizeof(a));
		json_object_object_add(o, "src", json_object_new_string(a));
		vns_addr_str(f->family, f->dst, a, sizeof(a));
		json_object_object_add(o, "dst", json_object_new_string(a));
	} else {
		json_object_object_add(o, "family",
				       json_object_new_int(f->family));
	}
	json_object_object_add(o, "proto", vns_json_proto(f->proto));
	if (fi->has_ports) {
		json_object_object_add(o, "sport",
				       json_object_new_int(f->sport));
		json_object_object_add(o, "dport",
				       json_object_new_int(f->dport));
	} else if (fi->has_icmp) {
		json_object_object_add(o, "type",
				       json_object_new_int(f->icmp_type));
		json_object_object_add(o, "code",
				       json_object_new_int(f->icmp_code));
	}
	return o;
}

struct json_object *vns_drop_json(const struct vns_drop *e, u64 count)
{
	struct json_object *o, *stack = NULL;
	size_t i;

	o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "count", vns_json_u64(count));
	json_object_object_add(o, "dev", vns_json_str(e->dev));
	json_object_object_add(o, "ifindex", vns_json_u64(e->ifindex));
	json_object_object_add(o, "reason", vns_json_str(e->reason_name));
	json_object_object_add(o, "reason_code",
			       vns_json_u64_if(e->has_reason, e->reason));
	json_object_object_add(o, "location", vns_json_str(e->location));
	json_object_object_add(o, "flow",
			       e->has_flow ? vns_flow_json(&e->flow) : NULL);
	if (e->has_stack)
		stack = json_object_new_array();
	for (i = 0; stack && i < e->nstack; i++)
		json_object_array_add(stack, vns_json_str(e->stack[i]));
	json_object_object_add(o, "stack", stack);
	return o;
}
