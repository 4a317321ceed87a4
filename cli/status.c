// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "uapi/linux/vnetscope.h"
#include "filter.h"
#include "nl.h"
#include "status.h"
#include "util.h"

static const struct nla_policy vns_coll_policy[VNS_COLL_A_MAX + 1] = {
	[VNS_COLL_A_NAME] = { .type = NLA_STRING },
	[VNS_COLL_A_STATE] = { .type = NLA_U8 },
	[VNS_COLL_A_MEM_BYTES] = { .type = NLA_U64 },
	[VNS_COLL_A_LOST] = { .type = NLA_U64 },
	[VNS_COLL_A_ENTRIES] = { .type = NLA_U32 },
	[VNS_COLL_A_CAPACITY] = { .type = NLA_U32 },
	[VNS_COLL_A_FILTER] = { .type = NLA_NESTED },
	[VNS_COLL_A_COUNTER] = { .type = NLA_NESTED },
};

static const struct nla_policy vns_cnt_policy[VNS_CNT_A_MAX + 1] = {
	[VNS_CNT_A_NAME] = { .type = NLA_STRING },
	[VNS_CNT_A_VALUE] = { .type = NLA_U64 },
};

static const struct nla_policy vns_probe_policy[VNS_PROBE_A_MAX + 1] = {
	[VNS_PROBE_A_NAME] = { .type = NLA_STRING },
	[VNS_PROBE_A_TYPE] = { .type = NLA_U8 },
	[VNS_PROBE_A_COLLECTOR] = { .type = NLA_STRING },
	[VNS_PROBE_A_MODULE] = { .type = NLA_STRING },
	[VNS_PROBE_A_STATE] = { .type = NLA_U8 },
	[VNS_PROBE_A_REASON] = { .type = NLA_STRING },
	[VNS_PROBE_A_HITS] = { .type = NLA_U64 },
};

static int vns_counter_parse(struct vns_collector *c, struct nlattr *nest)
{
	struct nlattr *tb[VNS_CNT_A_MAX + 1];
	struct vns_counter *cnt;

	if (nla_parse_nested(tb, VNS_CNT_A_MAX, nest, vns_cnt_policy) ||
	    !tb[VNS_CNT_A_NAME] || !tb[VNS_CNT_A_VALUE])
		return -EBADMSG;
	if (vns_grow(&c->counters, c->ncounters, sizeof(*c->counters)))
		return -ENOMEM;
	cnt = &c->counters[c->ncounters];
	if (vns_nla_strdup(&cnt->name, tb[VNS_CNT_A_NAME]))
		return -ENOMEM;
	cnt->value = nla_get_u64(tb[VNS_CNT_A_VALUE]);
	c->ncounters++;
	return 0;
}

static int vns_coll_parse(struct vns_collector *c, struct nlattr *nest)
{
	struct nlattr *tb[VNS_COLL_A_MAX + 1];
	struct nlattr *a;
	int rem, ret;

	memset(c, 0, sizeof(*c));
	if (nla_parse_nested(tb, VNS_COLL_A_MAX, nest, vns_coll_policy) ||
	    !tb[VNS_COLL_A_NAME])
		return -EBADMSG;
	c->present = vns_nla_present(tb, VNS_COLL_A_MAX);
	if (vns_nla_strdup(&c->name, tb[VNS_COLL_A_NAME]))
		return -ENOMEM;
	if (tb[VNS_COLL_A_STATE])
		c->state = nla_get_u8(tb[VNS_COLL_A_STATE]);
	if (tb[VNS_COLL_A_MEM_BYTES])
		c->mem_bytes = nla_get_u64(tb[VNS_COLL_A_MEM_BYTES]);
	if (tb[VNS_COLL_A_LOST])
		c->lost = nla_get_u64(tb[VNS_COLL_A_LOST]);
	if (tb[VNS_COLL_A_ENTRIES])
		c->entries = nla_get_u32(tb[VNS_COLL_A_ENTRIES]);
	if (tb[VNS_COLL_A_CAPACITY])
		c->capacity = nla_get_u32(tb[VNS_COLL_A_CAPACITY]);
	if (tb[VNS_COLL_A_FILTER] &&
	    vns_filter_from_nest(&c->filter, tb[VNS_COLL_A_FILTER]))
		return -EBADMSG;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != VNS_COLL_A_COUNTER)
			continue;
		ret = vns_counter_parse(c, a);
		if (ret)
			return ret;
	}
	return 0;
}

static int vns_status_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			 void *arg)
{
	struct vns_status *st = arg;
	struct nlattr *a;
	int rem, ret;

	st->present = vns_nla_present(tb, VNS_A_MAX);
	if (vns_nla_strdup(&st->version, tb[VNS_A_VERSION]) ||
	    vns_nla_strdup(&st->kernel, tb[VNS_A_KERNEL]))
		return -ENOMEM;
	if (tb[VNS_A_MEM_BYTES])
		st->mem_bytes = nla_get_u64(tb[VNS_A_MEM_BYTES]);
	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) != VNS_A_COLLECTOR)
			continue;
		if (vns_grow(&st->colls, st->ncolls, sizeof(*st->colls)))
			return -ENOMEM;
		/* counted first: vns_status_free() frees what it parsed */
		ret = vns_coll_parse(&st->colls[st->ncolls++], a);
		if (ret)
			return ret;
	}
	return 0;
}

int vns_status_get(struct vns_nl *nl, struct vns_status *st)
{
	struct nl_msg *msg = vns_nl_msg(nl, VNS_CMD_STATUS_GET);
	int ret;

	memset(st, 0, sizeof(*st));
	if (!msg)
		return vns_nl_nomem("status", NULL);
	ret = vns_nl_do(nl, msg, "status", vns_status_cb, st);
	if (ret)
		vns_status_free(st);
	return ret;
}

void vns_status_free(struct vns_status *st)
{
	struct vns_collector *c;
	size_t i, j;

	for (i = 0; i < st->ncolls; i++) {
		c = &st->colls[i];
		for (j = 0; j < c->ncounters; j++)
			free(c->counters[j].name);
		free(c->counters);
		free(c->name);
	}
	free(st->colls);
	free(st->version);
	free(st->kernel);
	memset(st, 0, sizeof(*st));
}

const struct vns_collector *vns_status_coll(const struct vns_status *st,
					    const char *name)
{
	size_t i;

	for (i = 0; i < st->ncolls; i++)
		if (!strcmp(st->colls[i].name, name))
			return &st->colls[i];
	return NULL;
}

bool vns_coll_counter(const struct vns_collector *c, const char *name,
		      u64 *value)
{
	size_t i;

	for (i = 0; i < c->ncounters; i++) {
		if (!strcmp(c->counters[i].name, name)) {
			*value = c->counters[i].value;
			return true;
		}
	}
	return false;
}

static int vns_probe_cb(struct nlattr **top, struct nlattr *attrs, int len,
			void *arg)
{
	struct nlattr *tb[VNS_PROBE_A_MAX + 1];
	struct vns_probes *p = arg;
	struct vns_probe *pr;

	(void)attrs;
	(void)len;
	if (!top[VNS_A_PROBE])
		return 0;
	if (nla_parse_nested(tb, VNS_PROBE_A_MAX, top[VNS_A_PROBE],
			     vns_probe_policy) ||
	    !tb[VNS_PROBE_A_NAME])
		return -EBADMSG;
	if (vns_grow(&p->v, p->n, sizeof(*p->v)))
		return -ENOMEM;
	pr = &p->v[p->n++];
	memset(pr, 0, sizeof(*pr));
	pr->present = vns_nla_present(tb, VNS_PROBE_A_MAX);
	if (vns_nla_strdup(&pr->name, tb[VNS_PROBE_A_NAME]) ||
	    vns_nla_strdup(&pr->collector, tb[VNS_PROBE_A_COLLECTOR]) ||
	    vns_nla_strdup(&pr->module, tb[VNS_PROBE_A_MODULE]) ||
	    vns_nla_strdup(&pr->reason, tb[VNS_PROBE_A_REASON]))
		return -ENOMEM;
	if (tb[VNS_PROBE_A_TYPE])
		pr->type = nla_get_u8(tb[VNS_PROBE_A_TYPE]);
	if (tb[VNS_PROBE_A_STATE])
		pr->state = nla_get_u8(tb[VNS_PROBE_A_STATE]);
	if (tb[VNS_PROBE_A_HITS])
		pr->hits = nla_get_u64(tb[VNS_PROBE_A_HITS]);
	return 0;
}

int vns_probes_get(struct vns_nl *nl, struct vns_probes *p)
{
	int ret;

	memset(p, 0, sizeof(*p));
	ret = vns_nl_dump(nl, VNS_CMD_PROBE_GET, "probe list", vns_probe_cb, p);
	if (ret)
		vns_probes_free(p);
	return ret;
}

void vns_probes_free(struct vns_probes *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].collector);
		free(p->v[i].module);
		free(p->v[i].reason);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}
