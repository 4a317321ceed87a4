// SPDX-License-Identifier: GPL-2.0
/*
 * The events file's lines (kmod/views/events.c):
 *
 *   ts_ns=N cpu=N dir=rx|tx family=ipv4|ipv6 proto=P src=A dst=A
 *   [sport=N dport=N | type=N code=N] ip_id=N l4=0xXXXXXXXX total_us=N
 *   why=total|stage|total,stage slow=FROM->TO|- slow_us=N pid=N comm=C
 *   hops=N hop1=STAGE,DEV|-,CPU,OFFSET_NS,DELTA_NS ...
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "uapi/linux/vnetscope.h"
#include "vns/flow.h"
#include "details.h"
#include "util.h"

/* The keys a line must have, as bits of vns_event_parse()'s "seen" */
enum vns_ev_key {
	K_TS, K_CPU, K_DIR, K_FAMILY, K_PROTO, K_SRC, K_DST, K_SPORT, K_DPORT,
	K_TYPE, K_CODE, K_IP_ID, K_L4, K_TOTAL, K_WHY, K_SLOW, K_SLOW_US,
	K_PID, K_COMM, K_HOPS, K_N
};

static const char *const vns_ev_keys[K_N] = {
	[K_TS] = "ts_ns", [K_CPU] = "cpu", [K_DIR] = "dir",
	[K_FAMILY] = "family", [K_PROTO] = "proto", [K_SRC] = "src",
	[K_DST] = "dst", [K_SPORT] = "sport", [K_DPORT] = "dport",
	[K_TYPE] = "type", [K_CODE] = "code", [K_IP_ID] = "ip_id",
	[K_L4] = "l4", [K_TOTAL] = "total_us", [K_WHY] = "why",
	[K_SLOW] = "slow", [K_SLOW_US] = "slow_us", [K_PID] = "pid",
	[K_COMM] = "comm", [K_HOPS] = "hops",
};

#define K_BIT(k)	(1u << (k))
#define K_REQUIRED	(K_BIT(K_TS) | K_BIT(K_CPU) | K_BIT(K_DIR) |	\
			 K_BIT(K_FAMILY) | K_BIT(K_PROTO) | K_BIT(K_SRC) | \
			 K_BIT(K_DST) | K_BIT(K_IP_ID) | K_BIT(K_L4) |	\
			 K_BIT(K_TOTAL) | K_BIT(K_WHY) | K_BIT(K_SLOW) | \
			 K_BIT(K_SLOW_US) | K_BIT(K_PID) | K_BIT(K_COMM) | \
			 K_BIT(K_HOPS))

/* A stage name: capitals, digits and '_' */
static int vns_ev_stage(const char *s, size_t len, char *dst)
{
	size_t i;

	if (!len || len >= VNS_EV_NAME_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/* "FROM->TO" or "-" */
static int vns_ev_slow(struct vns_event *e, const char *v)
{
	const char *arrow = strstr(v, "->");

	if (!strcmp(v, "-")) {
		e->has_slow = false;
		return 0;
	}
	if (!arrow || vns_ev_stage(v, (size_t)(arrow - v), e->slow_from) ||
	    vns_ev_stage(arrow + 2, strlen(arrow + 2), e->slow_to))
		return -1;
	e->has_slow = true;
	return 0;
}

/* "STAGE,DEV|-,CPU,OFFSET_NS,DELTA_NS" */
static int vns_ev_hop(struct vns_ev_hop *h, const char *v)
{
	const char *f[5];
	size_t len[5];
	char num[24];
	unsigned int i;
	u64 n[3];

	for (i = 0; i < 5; i++) {
		const char *c = strchr(v, ',');

		f[i] = v;
		len[i] = c ? (size_t)(c - v) : strlen(v);
		if ((i < 4) != !!c)
			return -1;
		v = c ? c + 1 : v;
	}
	if (vns_ev_stage(f[0], len[0], h->stage) || !len[1] ||
	    len[1] >= sizeof(h->dev))
		return -1;
	memcpy(h->dev, f[1], len[1]);
	h->dev[len[1]] = '\0';
	if (!strcmp(h->dev, "-"))
		h->dev[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (len[i + 2] >= sizeof(num))
			return -1;
		memcpy(num, f[i + 2], len[i + 2]);
		num[len[i + 2]] = '\0';
		if (vns_parse_u64(num, 0, i ? UINT64_MAX : UINT32_MAX, &n[i]))
			return -1;
	}
	h->cpu = (u32)n[0];
	h->offset_ns = n[1];
	h->delta_ns = n[2];
	return 0;
}

static int vns_ev_addr(u8 family, const char *v, u8 *dst)
{
	memset(dst, 0, 16);
	return inet_pton(family == VNS_AF_INET6 ? AF_INET6 : AF_INET, v,
			 dst) == 1 ? 0 : -1;
}

/* One key=value word; 0, 1 for a key this version skips, or -1 */
static int vns_ev_word(struct vns_event *e, const char *key, const char *v,
		       unsigned int *seen, u64 *hops_seen,
		       const char **addr)
{
	unsigned int k;
	u64 n;
	int p;

	if (!strncmp(key, "hop", 3) && key[3] >= '0' && key[3] <= '9') {
		if (vns_parse_u64(key + 3, 1, VNS_EV_HOPS, &n) ||
		    vns_ev_hop(&e->hop[n - 1], v))
			return -1;
		*hops_seen |= 1ull << (n - 1);
		return 0;
	}
	for (k = 0; k < K_N; k++)
		if (!strcmp(key, vns_ev_keys[k]))
			break;
	if (k == K_N)
		return 1;
	*seen |= K_BIT(k);
	switch (k) {
	case K_TS:
		return vns_parse_u64(v, 0, UINT64_MAX, &e->ts_ns);
	case K_TOTAL:
		return vns_parse_u64(v, 0, UINT64_MAX, &e->total_us);
	case K_SLOW_US:
		return vns_parse_u64(v, 0, UINT64_MAX, &e->slow_us);
	case K_DIR:
		if (!strcmp(v, "rx") || !strcmp(v, "tx")) {
			e->dir = v[0] == 'r' ? VNS_DIR_RX : VNS_DIR_TX;
			return 0;
		}
		return -1;
	case K_FAMILY:
		if (!strcmp(v, "ipv4") || !strcmp(v, "ipv6")) {
			e->family = v[3] == '4' ? VNS_AF_INET : VNS_AF_INET6;
			return 0;
		}
		return -1;
	case K_PROTO:
		p = vns_proto_parse(v);
		if (p < 0)
			return -1;
		e->proto = (u8)p;
		return 0;
	case K_SRC:
	case K_DST:
		/* read once the family is known, which may come later */
		addr[k == K_DST] = v;
		return 0;
	case K_WHY:
		if (!strcmp(v, "total"))
			e->why = VNS_EV_WHY_TOTAL;
		else if (!strcmp(v, "stage"))
			e->why = VNS_EV_WHY_STAGE;
		else if (!strcmp(v, "total,stage"))
			e->why = VNS_EV_WHY_TOTAL | VNS_EV_WHY_STAGE;
		else
			return -1;
		return 0;
	case K_SLOW:
		return vns_ev_slow(e, v);
	case K_COMM:
		if (!*v || strlen(v) >= sizeof(e->comm))
			return -1;
		strcpy(e->comm, v);
		return 0;
	case K_L4:
		if (strncmp(v, "0x", 2) || !v[2] || strlen(v) > 10 ||
		    strspn(v + 2, "0123456789abcdefABCDEF") != strlen(v + 2))
			return -1;
		e->l4 = (u32)strtoul(v + 2, NULL, 16);
		return 0;
	default:
		break;
	}
	/* the rest are plain numbers */
	if (vns_parse_u64(v, 0, k == K_SPORT || k == K_DPORT ? 65535 :
			  k == K_TYPE || k == K_CODE ? 255 : UINT32_MAX, &n))
		return -1;
	switch (k) {
	case K_CPU:
		e->cpu = (u32)n;
		break;
	case K_SPORT:
		e->sport = (u16)n;
		break;
	case K_DPORT:
		e->dport = (u16)n;
		break;
	case K_TYPE:
		e->icmp_type = (u8)n;
		break;
	case K_CODE:
		e->icmp_code = (u8)n;
		break;
	case K_IP_ID:
		e->ip_id = (u32)n;
		break;
	case K_PID:
		e->pid = (u32)n;
		break;
	case K_HOPS:
		if (n > VNS_EV_HOPS)
			return -1;
		e->nr_hops = (unsigned int)n;
		break;
	default:
		break;
	}
	return 0;
}

int vns_event_parse(const char *line, struct vns_event *e, char *err,
		    size_t errlen)
{
	const char *addr[2] = { NULL, NULL };
	unsigned int seen = 0, k;
	u64 hops_seen = 0, want;
	char *copy, *word, *save = NULL;
	int ret = -1;

	memset(e, 0, sizeof(*e));
	copy = strdup(line);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	copy[strcspn(copy, "\n")] = '\0';
	for (word = strtok_r(copy, " ", &save); word;
	     word = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(word, '=');

		if (!eq || eq == word) {
			snprintf(err, errlen, "'%.40s' is not key=value", word);
			goto out;
		}
		*eq = '\0';
		if (vns_ev_word(e, word, eq + 1, &seen, &hops_seen, addr) < 0) {
			snprintf(err, errlen, "bad %.20s '%.60s'", word,
				 eq + 1);
			goto out;
		}
	}
	if ((seen & K_REQUIRED) != K_REQUIRED) {
		for (k = 0; k < K_N; k++)
			if (K_REQUIRED & K_BIT(k) & ~seen)
				break;
		snprintf(err, errlen, "no %s (a truncated line?)",
			 vns_ev_keys[k]);
		goto out;
	}
	for (k = 0; k < 2; k++) {
		if (vns_ev_addr(e->family, addr[k], k ? e->dst : e->src)) {
			snprintf(err, errlen, "bad %s '%.60s'",
				 k ? "dst" : "src", addr[k]);
			goto out;
		}
	}
	e->has_ports = (seen & K_BIT(K_SPORT)) && (seen & K_BIT(K_DPORT));
	e->has_icmp = (seen & K_BIT(K_TYPE)) && (seen & K_BIT(K_CODE));
	want = e->nr_hops ? (~0ull >> (64 - e->nr_hops)) : 0;
	if (hops_seen != want) {
		snprintf(err, errlen, "hops=%u but hop%u is %s", e->nr_hops,
			 (hops_seen & ~want) ?
			 64 - (unsigned int)__builtin_clzll(hops_seen) :
			 (unsigned int)__builtin_ctzll(~hops_seen) + 1,
			 (hops_seen & ~want) ? "there" : "missing");
		goto out;
	}
	ret = 0;
out:
	free(copy);
	return ret;
}

/* ---- output ---- */

static const char *vns_ev_why(unsigned int why)
{
	switch (why) {
	case VNS_EV_WHY_TOTAL:
		return "end to end";
	case VNS_EV_WHY_STAGE:
		return "one stage";
	default:
		return "end to end, one stage";
	}
}

static void vns_ev_flow(FILE *out, const struct vns_event *e)
{
	char a[VNS_ADDR_STR_MAX], b[VNS_ADDR_STR_MAX];
	const char *p = vns_proto_name(e->proto);
	bool v6 = e->family == VNS_AF_INET6;

	vns_addr_str(e->family, e->src, a, sizeof(a));
	vns_addr_str(e->family, e->dst, b, sizeof(b));
	if (p)
		fprintf(out, " %s", p);
	else
		fprintf(out, " proto %u", e->proto);
	if (e->has_ports)
		fprintf(out, v6 ? " [%s]:%u -> [%s]:%u" : " %s:%u -> %s:%u",
			a, e->sport, b, e->dport);
	else
		fprintf(out, " %s -> %s", a, b);
	if (e->has_icmp)
		fprintf(out, " type %u code %u", e->icmp_type, e->icmp_code);
	fprintf(out, " id 0x%x l4 0x%08x", e->ip_id, e->l4);
}

void vns_event_print(FILE *out, const struct vns_event *e,
		     long long mono_to_real_ns)
{
	unsigned int i;

	if (mono_to_real_ns) {
		long long ns = (long long)e->ts_ns + mono_to_real_ns;
		time_t sec = (time_t)(ns / 1000000000);
		char buf[16];
		struct tm tm;

		localtime_r(&sec, &tm);
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		fprintf(out, "%s.%06lld", buf, ns % 1000000000 / 1000);
	} else {
		fprintf(out, "%llu.%06llu",
			(unsigned long long)(e->ts_ns / 1000000000),
			(unsigned long long)(e->ts_ns % 1000000000 / 1000));
	}
	fprintf(out, " cpu%u %s", e->cpu, e->dir == VNS_DIR_RX ? "rx" : "tx");
	vns_ev_flow(out, e);
	fprintf(out, "  total %.3f ms (%s)", (double)e->total_us / 1000,
		vns_ev_why(e->why));
	if (e->has_slow)
		fprintf(out, "  slowest %s -> %s %.3f ms, pid %u %s",
			e->slow_from, e->slow_to, (double)e->slow_us / 1000,
			e->pid, e->comm);
	fputc('\n', out);
	for (i = 0; i < e->nr_hops; i++) {
		const struct vns_ev_hop *h = &e->hop[i];

		fprintf(out, "    %-20s %-15s cpu%-3u +%.3f ms", h->stage,
			h->dev[0] ? h->dev : "-", h->cpu,
			(double)h->offset_ns / 1e6);
		if (i)
			fprintf(out, "  (%.3f)", (double)h->delta_ns / 1e6);
		fputc('\n', out);
	}
}

struct json_object *vns_event_json(const struct vns_event *e)
{
	struct json_object *o = json_object_new_object(), *flow, *why, *slow;
	struct json_object *hops;
	char a[VNS_ADDR_STR_MAX];
	unsigned int i;

	if (!o)
		return NULL;
	json_object_object_add(o, "ts_ns", vns_json_u64(e->ts_ns));
	json_object_object_add(o, "cpu", vns_json_u64(e->cpu));
	json_object_object_add(o, "dir", json_object_new_string(
				       e->dir == VNS_DIR_RX ? "rx" : "tx"));
	flow = json_object_new_object();
	json_object_object_add(flow, "family", json_object_new_string(
				       e->family == VNS_AF_INET6 ? "ipv6" :
				       "ipv4"));
	json_object_object_add(flow, "proto", vns_json_proto(e->proto));
	json_object_object_add(flow, "src", json_object_new_string(
				       vns_addr_str(e->family, e->src, a,
						    sizeof(a))));
	json_object_object_add(flow, "dst", json_object_new_string(
				       vns_addr_str(e->family, e->dst, a,
						    sizeof(a))));
	if (e->has_ports) {
		json_object_object_add(flow, "sport",
				       json_object_new_int(e->sport));
		json_object_object_add(flow, "dport",
				       json_object_new_int(e->dport));
	}
	if (e->has_icmp) {
		json_object_object_add(flow, "type",
				       json_object_new_int(e->icmp_type));
		json_object_object_add(flow, "code",
				       json_object_new_int(e->icmp_code));
	}
	json_object_object_add(o, "flow", flow);
	json_object_object_add(o, "ip_id", vns_json_u64(e->ip_id));
	json_object_object_add(o, "l4", vns_json_u64(e->l4));
	json_object_object_add(o, "total_us", vns_json_u64(e->total_us));
	why = json_object_new_array();
	if (e->why & VNS_EV_WHY_TOTAL)
		json_object_array_add(why, json_object_new_string("total"));
	if (e->why & VNS_EV_WHY_STAGE)
		json_object_array_add(why, json_object_new_string("stage"));
	json_object_object_add(o, "why", why);
	slow = json_object_new_object();
	json_object_object_add(slow, "from",
			       vns_json_str(e->has_slow ? e->slow_from : NULL));
	json_object_object_add(slow, "to",
			       vns_json_str(e->has_slow ? e->slow_to : NULL));
	json_object_object_add(slow, "us", vns_json_u64(e->slow_us));
	json_object_object_add(slow, "pid", vns_json_u64(e->pid));
	json_object_object_add(slow, "comm", json_object_new_string(e->comm));
	json_object_object_add(o, "slow", slow);
	hops = json_object_new_array();
	for (i = 0; i < e->nr_hops; i++) {
		const struct vns_ev_hop *h = &e->hop[i];
		struct json_object *ho = json_object_new_object();

		json_object_object_add(ho, "stage",
				       json_object_new_string(h->stage));
		json_object_object_add(ho, "dev",
				       vns_json_str(h->dev[0] ? h->dev : NULL));
		json_object_object_add(ho, "cpu", vns_json_u64(h->cpu));
		json_object_object_add(ho, "offset_ns",
				       vns_json_u64(h->offset_ns));
		json_object_object_add(ho, "delta_ns",
				       vns_json_u64(h->delta_ns));
		json_object_array_add(hops, ho);
	}
	json_object_object_add(o, "hops", hops);
	return o;
}
