// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: send malformed requests to the vnetscope generic netlink family
 * and check that each one is rejected with an error, then check that the
 * module still answers a well-formed request.
 *
 *   nlfuzz                  as root: every malformed request fails, the
 *                           well-formed STATUS_GET and PROBE_GET succeed
 *   nlfuzz --expect-eperm   as a user without CAP_NET_ADMIN: every request,
 *                           well-formed or not, fails with EPERM
 *   nlfuzz --events         one VNS_CMD_EVENT_GET dump: each record printed
 *                           as the events file prints it (without the
 *                           header), to compare the two paths
 *
 * As root it then checks what well-formed requests do: ENABLE's flags
 * (IF_ON on an off collector, UPDATE keeps the running filter and
 * settings), the status' VNS_COLL_A_CONFIG, and VNS_CMD_EVENT_GET while
 * the events file is open (EBUSY).
 *
 * Each case is one request with NLM_F_REQUEST | NLM_F_ACK (plus NLM_F_DUMP
 * for the dump variants).  Output: one "ok"/"FAIL" line per case, then
 * "N passed, N failed".  Exit 0 if nothing failed, 1 if something did, 2 if
 * the test could not run (e.g. the module is not loaded).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vnetscope.h>
#include <vns/lat.h>

/* Older <linux/netlink.h> may lack these (extended ACK: Linux 4.12) */
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED		0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS		0x200
#endif
#define EXTACK_ATTR_MSG		1	/* NLMSGERR_ATTR_MSG */

#define REPLY_TIMEOUT_MS	2000
#define COLLECTOR		"drops"

/* ------------------------------------------------------------------ */
/* Cases                                                               */
/* ------------------------------------------------------------------ */

enum expect {
	EXP_ERROR,	/* any error; EPERM when unprivileged */
	EXP_BADCMD,	/* unknown command: unprivileged, EOPNOTSUPP is fine */
	EXP_SHORT,	/* header too short: unprivileged, EINVAL is fine */
	EXP_OK,		/* well-formed: succeeds; EPERM when unprivileged */
	EXP_EPERM,	/* well-formed, run only with --expect-eperm */
};

#define DO	0
#define DUMP	NLM_F_DUMP

struct nl_case {
	const char *name;
	uint8_t cmd;
	uint16_t flags;				/* DO or DUMP */
	void (*build)(struct nlmsghdr *nlh);	/* attributes, damage */
	enum expect expect;
};

static const uint8_t addr4[4] = { 192, 0, 2, 1 };
static const uint8_t addr6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t junk[24] = {
	0xd3, 0x7a, 0x19, 0xe4, 0x5c, 0x02, 0xff, 0x80,
	0x11, 0x00, 0x3b, 0xa7, 0x64, 0xc9, 0x0e, 0x71,
	0xf2, 0x48, 0x00, 0x9d, 0x2a, 0xb6, 0x53, 0xee,
};

/* Append @len raw bytes: nlmsg_len is not rounded up */
static void put_raw(struct nlmsghdr *nlh, const void *data, size_t len)
{
	memcpy((char *)nlh + nlh->nlmsg_len, data, len);
	nlh->nlmsg_len += len;
}

/* Append an attribute whose nla_len says @nla_len, whatever follows */
static void put_bad_attr(struct nlmsghdr *nlh, uint16_t type, uint16_t nla_len,
			 const void *data, size_t len)
{
	struct nlattr *attr = mnl_nlmsg_get_payload_tail(nlh);

	memset(attr, 0, MNL_ALIGN(sizeof(*attr) + len));
	attr->nla_type = type;
	attr->nla_len = nla_len;
	memcpy((char *)attr + sizeof(*attr), data, len);
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*attr) + len);
}

static void put_name(struct nlmsghdr *nlh)
{
	mnl_attr_put_strz(nlh, VNS_A_COLLECTOR_NAME, COLLECTOR);
}

/* ENABLE drops with a filter holding one attribute */
static void filter_one(struct nlmsghdr *nlh, uint16_t type, size_t len,
		       const void *data)
{
	struct nlattr *nest;

	put_name(nlh);
	nest = mnl_attr_nest_start(nlh, VNS_A_FILTER);
	mnl_attr_put(nlh, type, len, data);
	mnl_attr_nest_end(nlh, nest);
}

static void b_none(struct nlmsghdr *nlh)
{
	(void)nlh;
}

static void b_name(struct nlmsghdr *nlh)
{
	put_name(nlh);
}

static void b_name_unknown(struct nlmsghdr *nlh)
{
	mnl_attr_put_strz(nlh, VNS_A_COLLECTOR_NAME, "no-such-collector");
}

static void b_name_long(struct nlmsghdr *nlh)
{
	char name[4000];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	mnl_attr_put(nlh, VNS_A_COLLECTOR_NAME, sizeof(name), name);
}

static void b_name_unterminated(struct nlmsghdr *nlh)
{
	mnl_attr_put(nlh, VNS_A_COLLECTOR_NAME, strlen(COLLECTOR), COLLECTOR);
}

static void b_name_empty_attr(struct nlmsghdr *nlh)
{
	mnl_attr_put(nlh, VNS_A_COLLECTOR_NAME, 0, "");
}

static void b_name_u32(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, VNS_A_COLLECTOR_NAME, 0xffffffff);
}

static void b_name_trailing(struct nlmsghdr *nlh)
{
	put_name(nlh);
	put_raw(nlh, junk, 3);
}

static void b_filter_u32(struct nlmsghdr *nlh)
{
	put_name(nlh);
	mnl_attr_put_u32(nlh, VNS_A_FILTER, 0xdeadbeef);	/* no NLA_F_NESTED */
}

static void b_filter_garbage(struct nlmsghdr *nlh)
{
	struct nlattr *nest;

	put_name(nlh);
	nest = mnl_attr_nest_start(nlh, VNS_A_FILTER);
	put_raw(nlh, junk, sizeof(junk));
	mnl_attr_nest_end(nlh, nest);
}

static void b_src_len5(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_SRC, 5, addr6);
}

static void b_src_len3(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_SRC, 3, addr4);
}

static void b_src_len17(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_SRC, 17, junk);
}

static void b_src_len0(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_SRC, 0, "");
}

static void b_src_prefix33(struct nlmsghdr *nlh)
{
	struct nlattr *nest;

	put_name(nlh);
	nest = mnl_attr_nest_start(nlh, VNS_A_FILTER);
	mnl_attr_put(nlh, VNS_FILTER_A_SRC, sizeof(addr4), addr4);
	mnl_attr_put_u8(nlh, VNS_FILTER_A_SRC_PREFIX, 33);
	mnl_attr_nest_end(nlh, nest);
}

static void b_dst_prefix129(struct nlmsghdr *nlh)
{
	struct nlattr *nest;

	put_name(nlh);
	nest = mnl_attr_nest_start(nlh, VNS_A_FILTER);
	mnl_attr_put(nlh, VNS_FILTER_A_DST, sizeof(addr6), addr6);
	mnl_attr_put_u8(nlh, VNS_FILTER_A_DST_PREFIX, 129);
	mnl_attr_nest_end(nlh, nest);
}

static void b_src_prefix_alone(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_SRC_PREFIX, 1, &(uint8_t){ 24 });
}

static void b_dst_prefix_alone(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_DST_PREFIX, 1, &(uint8_t){ 64 });
}

static void b_proto_u32(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_PROTO, 4, &(uint32_t){ 6 });
}

static void b_sport_len1(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_SPORT, 1, &(uint8_t){ 80 });
}

static void b_sport_len8(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_SPORT, 8, &(uint64_t){ 80 });
}

static void b_dport_len1(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_DPORT, 1, &(uint8_t){ 80 });
}

static void b_dev_len16(struct nlmsghdr *nlh)
{
	static const char dev[] = "abcdefghijklmnop";	/* 16 chars + NUL */

	filter_one(nlh, VNS_FILTER_A_DEV, sizeof(dev), dev);
}

static void b_dev_empty(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_DEV, 1, "");
}

static void b_filter_type50(struct nlmsghdr *nlh)
{
	filter_one(nlh, 50, 4, &(uint32_t){ 1 });
}

static void b_filter_type0(struct nlmsghdr *nlh)
{
	filter_one(nlh, VNS_FILTER_A_UNSPEC, 4, &(uint32_t){ 1 });
}

/* An attribute inside the nest claims 64 bytes; the nest holds 8 */
static void b_filter_attr_overrun(struct nlmsghdr *nlh)
{
	struct nlattr *nest;

	put_name(nlh);
	nest = mnl_attr_nest_start(nlh, VNS_A_FILTER);
	put_bad_attr(nlh, VNS_FILTER_A_SRC, 64, addr4, sizeof(addr4));
	mnl_attr_nest_end(nlh, nest);
}

/* The filter nest claims 512 bytes; the message ends 12 bytes later */
static void b_filter_msg_overrun(struct nlmsghdr *nlh)
{
	struct nlattr inner = {
		.nla_len = sizeof(inner) + sizeof(addr4),
		.nla_type = VNS_FILTER_A_SRC,
	};
	uint8_t body[sizeof(inner) + sizeof(addr4)];

	memcpy(body, &inner, sizeof(inner));
	memcpy(body + sizeof(inner), addr4, sizeof(addr4));
	put_name(nlh);
	put_bad_attr(nlh, NLA_F_NESTED | VNS_A_FILTER, 512, body, sizeof(body));
}

/* nla_len 2 is shorter than the attribute header itself */
static void b_filter_attr_len2(struct nlmsghdr *nlh)
{
	struct nlattr *nest;

	put_name(nlh);
	nest = mnl_attr_nest_start(nlh, VNS_A_FILTER);
	put_bad_attr(nlh, VNS_FILTER_A_SRC, 2, addr4, sizeof(addr4));
	mnl_attr_nest_end(nlh, nest);
}

static void b_filter_ok(struct nlmsghdr *nlh)
{
	struct nlattr *nest;

	put_name(nlh);
	nest = mnl_attr_nest_start(nlh, VNS_A_FILTER);
	mnl_attr_put(nlh, VNS_FILTER_A_SRC, sizeof(addr4), addr4);
	mnl_attr_put_u8(nlh, VNS_FILTER_A_SRC_PREFIX, 24);
	mnl_attr_put_u8(nlh, VNS_FILTER_A_PROTO, 6);
	mnl_attr_put_u16(nlh, VNS_FILTER_A_DPORT, 443);
	mnl_attr_put_strz(nlh, VNS_FILTER_A_DEV, "lo");
	mnl_attr_nest_end(nlh, nest);
}

static void b_flags_unknown(struct nlmsghdr *nlh)
{
	put_name(nlh);
	mnl_attr_put_u32(nlh, VNS_A_ENABLE_FLAGS, 1u << 7);
}

static void b_flags_all_bits(struct nlmsghdr *nlh)
{
	put_name(nlh);
	mnl_attr_put_u32(nlh, VNS_A_ENABLE_FLAGS, 0xffffffff);
}

static void b_flags_u8(struct nlmsghdr *nlh)
{
	put_name(nlh);
	mnl_attr_put_u8(nlh, VNS_A_ENABLE_FLAGS, VNS_ENABLE_F_UPDATE);
}

static void b_attr99(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, 99, 1);
}

static void b_trailing(struct nlmsghdr *nlh)
{
	put_raw(nlh, junk, 3);
}

static void b_len_hdr_only(struct nlmsghdr *nlh)
{
	nlh->nlmsg_len = NLMSG_HDRLEN;			/* no genl header */
}

static void b_len_half_genl(struct nlmsghdr *nlh)
{
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN / 2;	/* half of it */
}

static const struct nl_case cases[] = {
	/* Unknown command numbers */
	{ "cmd 0 (UNSPEC)", 0, DO, b_none, EXP_BADCMD },
	{ "cmd 0 (UNSPEC) dump", 0, DUMP, b_none, EXP_BADCMD },
	{ "cmd VNS_CMD_MAX+1", VNS_CMD_MAX + 1, DO, b_none, EXP_BADCMD },
	{ "cmd VNS_CMD_MAX+1 dump", VNS_CMD_MAX + 1, DUMP, b_none, EXP_BADCMD },
	{ "cmd 200", 200, DO, b_none, EXP_BADCMD },
	{ "cmd 200 dump", 200, DUMP, b_none, EXP_BADCMD },
	{ "cmd 255", 255, DO, b_none, EXP_BADCMD },
	{ "cmd 255 dump", 255, DUMP, b_none, EXP_BADCMD },

	/* ENABLE: the collector name */
	{ "enable: no name", VNS_CMD_ENABLE, DO, b_none, EXP_ERROR },
	{ "enable: unknown collector", VNS_CMD_ENABLE, DO, b_name_unknown, EXP_ERROR },
	{ "enable: name of 4000 bytes", VNS_CMD_ENABLE, DO, b_name_long, EXP_ERROR },
	{ "enable: name not NUL-terminated", VNS_CMD_ENABLE, DO, b_name_unterminated, EXP_ERROR },
	{ "enable: name 0 bytes", VNS_CMD_ENABLE, DO, b_name_empty_attr, EXP_ERROR },
	{ "enable: name as u32", VNS_CMD_ENABLE, DO, b_name_u32, EXP_ERROR },
	{ "enable: trailing garbage", VNS_CMD_ENABLE, DO, b_name_trailing, EXP_ERROR },

	/* ENABLE drops: the filter */
	{ "filter: not nested (u32)", VNS_CMD_ENABLE, DO, b_filter_u32, EXP_ERROR },
	{ "filter: nested garbage", VNS_CMD_ENABLE, DO, b_filter_garbage, EXP_ERROR },
	{ "filter: SRC of 5 bytes", VNS_CMD_ENABLE, DO, b_src_len5, EXP_ERROR },
	{ "filter: SRC of 3 bytes", VNS_CMD_ENABLE, DO, b_src_len3, EXP_ERROR },
	{ "filter: SRC of 17 bytes", VNS_CMD_ENABLE, DO, b_src_len17, EXP_ERROR },
	{ "filter: SRC of 0 bytes", VNS_CMD_ENABLE, DO, b_src_len0, EXP_ERROR },
	{ "filter: SRC_PREFIX 33, IPv4 SRC", VNS_CMD_ENABLE, DO, b_src_prefix33, EXP_ERROR },
	{ "filter: DST_PREFIX 129, IPv6 DST", VNS_CMD_ENABLE, DO, b_dst_prefix129, EXP_ERROR },
	{ "filter: SRC_PREFIX without SRC", VNS_CMD_ENABLE, DO, b_src_prefix_alone, EXP_ERROR },
	{ "filter: DST_PREFIX without DST", VNS_CMD_ENABLE, DO, b_dst_prefix_alone, EXP_ERROR },
	{ "filter: PROTO as u32", VNS_CMD_ENABLE, DO, b_proto_u32, EXP_ERROR },
	{ "filter: SPORT of 1 byte", VNS_CMD_ENABLE, DO, b_sport_len1, EXP_ERROR },
	{ "filter: SPORT of 8 bytes", VNS_CMD_ENABLE, DO, b_sport_len8, EXP_ERROR },
	{ "filter: DPORT of 1 byte", VNS_CMD_ENABLE, DO, b_dport_len1, EXP_ERROR },
	{ "filter: DEV of 16 chars", VNS_CMD_ENABLE, DO, b_dev_len16, EXP_ERROR },
	{ "filter: DEV empty", VNS_CMD_ENABLE, DO, b_dev_empty, EXP_ERROR },
	{ "filter: unknown type 50", VNS_CMD_ENABLE, DO, b_filter_type50, EXP_ERROR },
	{ "filter: type 0 (UNSPEC)", VNS_CMD_ENABLE, DO, b_filter_type0, EXP_ERROR },
	{ "filter: nla_len past the nest", VNS_CMD_ENABLE, DO, b_filter_attr_overrun, EXP_ERROR },
	{ "filter: nla_len past the message", VNS_CMD_ENABLE, DO, b_filter_msg_overrun, EXP_ERROR },
	{ "filter: nla_len 2", VNS_CMD_ENABLE, DO, b_filter_attr_len2, EXP_ERROR },

	/* ENABLE: the flags */
	{ "enable: flags with an unknown bit", VNS_CMD_ENABLE, DO, b_flags_unknown, EXP_ERROR },
	{ "enable: flags all bits", VNS_CMD_ENABLE, DO, b_flags_all_bits, EXP_ERROR },
	{ "enable: flags as u8", VNS_CMD_ENABLE, DO, b_flags_u8, EXP_ERROR },

	/* Top level: unknown attributes, trailing bytes, short headers */
	{ "event dump: unknown attr 99", VNS_CMD_EVENT_GET, DUMP, b_attr99, EXP_ERROR },
	{ "event dump: trailing garbage", VNS_CMD_EVENT_GET, DUMP, b_trailing, EXP_ERROR },
	{ "status: unknown attr 99", VNS_CMD_STATUS_GET, DO, b_attr99, EXP_ERROR },
	{ "probe dump: unknown attr 99", VNS_CMD_PROBE_GET, DUMP, b_attr99, EXP_ERROR },
	{ "drop dump: unknown attr 99", VNS_CMD_DROP_GET, DUMP, b_attr99, EXP_ERROR },
	{ "status: trailing garbage", VNS_CMD_STATUS_GET, DO, b_trailing, EXP_ERROR },
	{ "probe dump: trailing garbage", VNS_CMD_PROBE_GET, DUMP, b_trailing, EXP_ERROR },
	{ "status: nlmsg_len 16 (no genl header)", VNS_CMD_STATUS_GET, DO, b_len_hdr_only, EXP_SHORT },
	{ "status: nlmsg_len 18 (half genl header)", VNS_CMD_STATUS_GET, DO, b_len_half_genl, EXP_SHORT },
	{ "probe dump: nlmsg_len 18", VNS_CMD_PROBE_GET, DUMP, b_len_half_genl, EXP_SHORT },

	/* DISABLE and RESET */
	{ "disable: no name", VNS_CMD_DISABLE, DO, b_none, EXP_ERROR },
	{ "disable: name as u32", VNS_CMD_DISABLE, DO, b_name_u32, EXP_ERROR },
	{ "disable: name 0 bytes", VNS_CMD_DISABLE, DO, b_name_empty_attr, EXP_ERROR },
	{ "disable: unknown collector", VNS_CMD_DISABLE, DO, b_name_unknown, EXP_ERROR },
	{ "reset: name as u32", VNS_CMD_RESET, DO, b_name_u32, EXP_ERROR },
	{ "reset: name 0 bytes", VNS_CMD_RESET, DO, b_name_empty_attr, EXP_ERROR },
	{ "reset: name not NUL-terminated", VNS_CMD_RESET, DO, b_name_unterminated, EXP_ERROR },
	{ "reset: unknown collector", VNS_CMD_RESET, DO, b_name_unknown, EXP_ERROR },

	/* Well-formed: only an unprivileged caller must be refused these */
	{ "enable drops (well-formed)", VNS_CMD_ENABLE, DO, b_name, EXP_EPERM },
	{ "enable drops with filter (well-formed)", VNS_CMD_ENABLE, DO, b_filter_ok, EXP_EPERM },
	{ "disable drops (well-formed)", VNS_CMD_DISABLE, DO, b_name, EXP_EPERM },
	{ "reset all (well-formed)", VNS_CMD_RESET, DO, b_none, EXP_EPERM },
	{ "drop dump (well-formed)", VNS_CMD_DROP_GET, DUMP, b_none, EXP_EPERM },
	{ "event dump (well-formed)", VNS_CMD_EVENT_GET, DUMP, b_none, EXP_EPERM },

	/* Well-formed, last: the module still works after all of the above */
	{ "status (well-formed)", VNS_CMD_STATUS_GET, DO, b_none, EXP_OK },
	{ "probe dump (well-formed)", VNS_CMD_PROBE_GET, DUMP, b_none, EXP_OK },
};

/* ------------------------------------------------------------------ */
/* Netlink plumbing                                                    */
/* ------------------------------------------------------------------ */

struct reply {
	int err;		/* errno from the kernel; 0 for an ACK */
	bool timeout;		/* nothing within REPLY_TIMEOUT_MS */
	int sys_err;		/* local send or receive failure */
	unsigned int msgs;	/* data messages before the ACK or DONE */
	char extack[256];
};

typedef void (*data_cb_t)(const struct nlmsghdr *nlh, void *data);

static struct mnl_socket *nl;
static unsigned int seq;
static uint16_t vns_family;

static uint32_t req_words[8192 / 4];	/* aligned request buffer */
static uint32_t rcv_words[65536 / 4];	/* large enough for a dump part */

static struct nlmsghdr *start_req(uint16_t type, uint16_t flags, uint8_t cmd,
				  uint8_t version)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(req_words, 0, sizeof(req_words));
	nlh = mnl_nlmsg_put_header(req_words);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static void get_extack(const struct nlmsghdr *nlh, size_t offset,
		       struct reply *r)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(attr, nlh, offset) {
		if (mnl_attr_get_type(attr) == EXTACK_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(r->extack, sizeof(r->extack), "%s",
				 mnl_attr_get_str(attr));
	}
}

static void parse_error(const struct nlmsghdr *nlh, struct reply *r)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		r->err = EBADMSG;
		return;
	}
	r->err = -e->error;
	/* Unless capped, the request is echoed before the TLVs */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len > sizeof(e->msg))
		offset += e->msg.nlmsg_len - sizeof(e->msg);
	get_extack(nlh, offset, r);
}

/* A dump ends with NLMSG_DONE carrying 0 or the dump's negative errno */
static void parse_done(const struct nlmsghdr *nlh, struct reply *r)
{
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return;		/* old kernels may send an empty DONE */
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	r->err = -err;
	get_extack(nlh, sizeof(err), r);
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Handle one datagram; true once the answer to @want is complete */
static bool handle_msgs(const void *buf, int len, unsigned int want,
			data_cb_t cb, void *data, struct reply *r)
{
	const struct nlmsghdr *nlh;

	for (nlh = buf; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_seq != want)
			continue;	/* a late answer to an earlier case */
		switch (nlh->nlmsg_type) {
		case NLMSG_ERROR:
			parse_error(nlh, r);
			return true;
		case NLMSG_DONE:
			parse_done(nlh, r);
			return true;
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			break;
		default:
			r->msgs++;
			if (cb)
				cb(nlh, data);
		}
	}
	return false;
}

/*
 * Send @nlh and collect its answer: data messages go to @cb, and the
 * answer is complete at the first NLMSG_ERROR (an ACK or an error) or
 * NLMSG_DONE that carries the request's sequence number.
 */
static void transact(struct nlmsghdr *nlh, data_cb_t cb, void *data,
		     struct reply *r)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
	unsigned int want = nlh->nlmsg_seq;
	struct timespec t0;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r->sys_err = errno;
		return;
	}
	for (;;) {
		long left = REPLY_TIMEOUT_MS - elapsed_ms(&t0);
		ssize_t len;
		int ret;

		if (left <= 0) {
			r->timeout = true;
			return;
		}
		ret = poll(&pfd, 1, (int)left);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0) {
			if (ret == 0)
				r->timeout = true;
			else
				r->sys_err = errno;
			return;
		}
		len = mnl_socket_recvfrom(nl, rcv_words, sizeof(rcv_words));
		if (len < 0) {
			r->sys_err = errno;
			return;
		}
		if (handle_msgs(rcv_words, (int)len, want, cb, data, r))
			return;
	}
}

static const char *errno_name(int err)
{
	static char buf[24];

	switch (err) {
#define E(x) case x: return #x
	E(EPERM); E(ENOENT); E(ESRCH); E(EINTR); E(EIO); E(ENXIO); E(E2BIG);
	E(EBADF); E(EAGAIN); E(ENOMEM); E(EACCES); E(EFAULT); E(EBUSY);
	E(EEXIST); E(ENODEV); E(EINVAL); E(ENFILE); E(ENOSPC); E(ERANGE);
	E(ENAMETOOLONG); E(ENOSYS); E(ENODATA); E(EPROTO); E(EBADMSG);
	E(EOVERFLOW); E(EMSGSIZE); E(ENOPROTOOPT); E(EPROTONOSUPPORT);
	E(EOPNOTSUPP); E(EAFNOSUPPORT); E(ENOBUFS); E(ENOTCONN);
	E(ETIMEDOUT); E(ECONNREFUSED); E(EALREADY); E(EINPROGRESS);
	E(ECANCELED);
#undef E
	case 524:
		return "ENOTSUPP";	/* kernel-internal, but it can leak */
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Setup: family id, collector state                                   */
/* ------------------------------------------------------------------ */

struct family_info {
	uint16_t id;
	uint32_t version;
};

static void family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
				fi->id = mnl_attr_get_u16(attr);
			break;
		case CTRL_ATTR_VERSION:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				fi->version = mnl_attr_get_u32(attr);
			break;
		}
	}
}

/* Returns 0, or prints why not and returns -1 */
static int resolve_family(void)
{
	struct family_info fi = { 0, 0 };
	struct nlmsghdr *nlh;
	struct reply r;

	nlh = start_req(GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VNS_GENL_NAME);
	transact(nlh, family_cb, &fi, &r);
	if (r.err == ENOENT || (!r.err && !r.timeout && !r.sys_err && !fi.id)) {
		fprintf(stderr, "nlfuzz: family %s not found\n", VNS_GENL_NAME);
		return -1;
	}
	if (r.err || r.timeout || r.sys_err) {
		fprintf(stderr, "nlfuzz: cannot resolve family %s: %s\n",
			VNS_GENL_NAME, r.timeout ? "no reply" :
			strerror(r.err ? r.err : r.sys_err));
		return -1;
	}
	if (fi.version != VNS_GENL_VERSION)
		printf("nlfuzz: note: family version %u, this test speaks %u\n",
		       fi.version, VNS_GENL_VERSION);
	vns_family = fi.id;
	return 0;
}

static void status_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *a;
	bool *on = data;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		const char *name = NULL;
		int state = -1;

		if (mnl_attr_get_type(attr) != VNS_A_COLLECTOR)
			continue;
		mnl_attr_for_each_nested(a, attr) {
			if (mnl_attr_get_type(a) == VNS_COLL_A_NAME &&
			    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == VNS_COLL_A_STATE &&
				 !mnl_attr_validate(a, MNL_TYPE_U8))
				state = mnl_attr_get_u8(a);
		}
		if (name && !strcmp(name, COLLECTOR) && state == VNS_COLL_ON)
			*on = true;
	}
}

/*
 * Is the collector already on?  Then ENABLE may be refused because of that
 * rather than because of the malformed attribute under test.
 */
static bool collector_is_on(void)
{
	struct nlmsghdr *nlh;
	struct reply r;
	bool on = false;

	nlh = start_req(vns_family, 0, VNS_CMD_STATUS_GET, VNS_GENL_VERSION);
	transact(nlh, status_cb, &on, &r);
	return on;
}

static void disable_collector(void)
{
	struct nlmsghdr *nlh;
	struct reply r;

	nlh = start_req(vns_family, 0, VNS_CMD_DISABLE, VNS_GENL_VERSION);
	put_name(nlh);
	transact(nlh, NULL, NULL, &r);
	printf("nlfuzz: note: ENABLE was accepted; disabling %s: %s\n",
	       COLLECTOR, r.timeout ? "no reply" : r.sys_err ?
	       strerror(r.sys_err) : r.err ? errno_name(r.err) : "ok");
}

/* ------------------------------------------------------------------ */
/* Running and judging the cases                                       */
/* ------------------------------------------------------------------ */

static const char *plural(unsigned int n)
{
	return n == 1 ? "" : "s";
}

/* Print the case's line; returns true if it passed */
static bool judge(const struct nl_case *tc, const struct reply *r,
		  bool expect_eperm)
{
	char ext[300] = "";

	if (r->extack[0])
		snprintf(ext, sizeof(ext), " [extack: %s]", r->extack);

	if (r->timeout) {
		printf("FAIL %s: no reply within %d s\n", tc->name,
		       REPLY_TIMEOUT_MS / 1000);
		return false;
	}
	if (r->sys_err) {
		printf("FAIL %s: %s\n", tc->name, strerror(r->sys_err));
		return false;
	}

	if (expect_eperm) {
		if (r->err == EPERM) {
			printf("ok %s: EPERM%s\n", tc->name, ext);
			return true;
		}
		if (tc->expect == EXP_BADCMD && r->err == EOPNOTSUPP) {
			printf("ok %s: EOPNOTSUPP%s (unknown command: the kernel refuses it before checking permissions)\n",
			       tc->name, ext);
			return true;
		}
		if (tc->expect == EXP_SHORT && r->err == EINVAL) {
			printf("ok %s: EINVAL%s (short header: the kernel refuses it before checking permissions)\n",
			       tc->name, ext);
			return true;
		}
		if (r->err)
			printf("FAIL %s: %s%s, expected EPERM\n", tc->name,
			       errno_name(r->err), ext);
		else
			printf("FAIL %s: accepted (%u message%s), expected EPERM\n",
			       tc->name, r->msgs, plural(r->msgs));
		return false;
	}

	if (tc->expect == EXP_OK) {
		if (!r->err && r->msgs) {
			printf("ok %s: success, %u message%s\n", tc->name,
			       r->msgs, plural(r->msgs));
			return true;
		}
		if (!r->err)
			printf("FAIL %s: ACK without any reply message\n",
			       tc->name);
		else
			printf("FAIL %s: %s%s\n", tc->name, errno_name(r->err),
			       ext);
		return false;
	}

	if (r->err) {
		printf("ok %s: %s%s\n", tc->name, errno_name(r->err), ext);
		return true;
	}
	printf("FAIL %s: accepted (%s 0, %u message%s)\n", tc->name,
	       tc->flags & NLM_F_DUMP ? "NLMSG_DONE" : "ACK", r->msgs,
	       plural(r->msgs));
	return false;
}

static void run_case(const struct nl_case *tc, struct reply *r)
{
	struct nlmsghdr *nlh;

	nlh = start_req(vns_family, tc->flags, tc->cmd, VNS_GENL_VERSION);
	tc->build(nlh);
	transact(nlh, NULL, NULL, r);
}

/* ------------------------------------------------------------------ */
/* What well-formed requests do (root only)                            */
/* ------------------------------------------------------------------ */

/* One collector's status: state, filter and given settings */
struct coll_state {
	const char *want;
	int state;		/* -1: not found */
	int proto, sport, dport;	/* -1: absent */
	long threshold_us, stage_threshold_us;	/* -1: absent */
	bool has_config;
};

static void coll_cb(const struct nlmsghdr *nlh, void *data)
{
	struct coll_state *cs = data;
	const struct nlattr *attr, *a, *b;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		const char *name = NULL;

		if (mnl_attr_get_type(attr) != VNS_A_COLLECTOR)
			continue;
		mnl_attr_for_each_nested(a, attr)
			if (mnl_attr_get_type(a) == VNS_COLL_A_NAME &&
			    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
				name = mnl_attr_get_str(a);
		if (!name || strcmp(name, cs->want))
			continue;
		mnl_attr_for_each_nested(a, attr) {
			switch (mnl_attr_get_type(a)) {
			case VNS_COLL_A_STATE:
				cs->state = mnl_attr_get_u8(a);
				break;
			case VNS_COLL_A_FILTER:
				mnl_attr_for_each_nested(b, a) {
					if (mnl_attr_get_type(b) == VNS_FILTER_A_PROTO)
						cs->proto = mnl_attr_get_u8(b);
					else if (mnl_attr_get_type(b) == VNS_FILTER_A_SPORT)
						cs->sport = mnl_attr_get_u16(b);
					else if (mnl_attr_get_type(b) == VNS_FILTER_A_DPORT)
						cs->dport = mnl_attr_get_u16(b);
				}
				break;
			case VNS_COLL_A_CONFIG:
				cs->has_config = true;
				mnl_attr_for_each_nested(b, a) {
					if (mnl_attr_get_type(b) == VNS_CFG_A_THRESHOLD_US)
						cs->threshold_us = mnl_attr_get_u32(b);
					else if (mnl_attr_get_type(b) == VNS_CFG_A_STAGE_THRESHOLD_US)
						cs->stage_threshold_us = mnl_attr_get_u32(b);
				}
				break;
			}
		}
	}
}

static void coll_status(const char *name, struct coll_state *cs)
{
	struct nlmsghdr *nlh;
	struct reply r;

	memset(cs, 0, sizeof(*cs));
	cs->want = name;
	cs->state = cs->proto = cs->sport = cs->dport = -1;
	cs->threshold_us = cs->stage_threshold_us = -1;
	nlh = start_req(vns_family, 0, VNS_CMD_STATUS_GET, VNS_GENL_VERSION);
	transact(nlh, coll_cb, cs, &r);
}

/* ENABLE @name with @flags (0: none), a filter and settings; -1: absent */
static void enable_req(const char *name, int flags, int proto, int sport,
		       int dport, long thr_us, long stage_us, struct reply *r)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = start_req(vns_family, 0, VNS_CMD_ENABLE, VNS_GENL_VERSION);
	mnl_attr_put_strz(nlh, VNS_A_COLLECTOR_NAME, name);
	if (flags >= 0)
		mnl_attr_put_u32(nlh, VNS_A_ENABLE_FLAGS, (uint32_t)flags);
	if (proto >= 0 || sport >= 0 || dport >= 0) {
		nest = mnl_attr_nest_start(nlh, VNS_A_FILTER);
		if (proto >= 0)
			mnl_attr_put_u8(nlh, VNS_FILTER_A_PROTO, (uint8_t)proto);
		if (sport >= 0)
			mnl_attr_put_u16(nlh, VNS_FILTER_A_SPORT, (uint16_t)sport);
		if (dport >= 0)
			mnl_attr_put_u16(nlh, VNS_FILTER_A_DPORT, (uint16_t)dport);
		mnl_attr_nest_end(nlh, nest);
	}
	if (thr_us >= 0 || stage_us >= 0) {
		nest = mnl_attr_nest_start(nlh, VNS_A_CONFIG);
		if (thr_us >= 0)
			mnl_attr_put_u32(nlh, VNS_CFG_A_THRESHOLD_US, (uint32_t)thr_us);
		if (stage_us >= 0)
			mnl_attr_put_u32(nlh, VNS_CFG_A_STAGE_THRESHOLD_US,
					 (uint32_t)stage_us);
		mnl_attr_nest_end(nlh, nest);
	}
	transact(nlh, NULL, NULL, r);
}

static void disable_req(const char *name)
{
	struct nlmsghdr *nlh;
	struct reply r;

	nlh = start_req(vns_family, 0, VNS_CMD_DISABLE, VNS_GENL_VERSION);
	mnl_attr_put_strz(nlh, VNS_A_COLLECTOR_NAME, name);
	transact(nlh, NULL, NULL, &r);
}

static unsigned int sem_passed, sem_failed;

static void check(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(const char *name, bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s: ", ok ? "ok" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		sem_passed++;
	else
		sem_failed++;
}

static const char *rstr(const struct reply *r)
{
	static char buf[320];

	if (r->timeout)
		return "no reply";
	if (r->sys_err)
		return strerror(r->sys_err);
	snprintf(buf, sizeof(buf), "%s%s%s%s", r->err ? errno_name(r->err) : "ok",
		 r->extack[0] ? " [extack: " : "", r->extack,
		 r->extack[0] ? "]" : "");
	return buf;
}

static bool extack_is(const struct reply *r, const char *msg)
{
	/* kernels before 4.12 have no extended ack */
	return !r->extack[0] || !strcmp(r->extack, msg);
}

static void semantics(void)
{
	struct mnl_socket *first;
	struct coll_state cs;
	struct nlmsghdr *nlh;
	struct reply r;
	int fd;

	/* IF_ON on an off collector: ENODATA, nothing turned on */
	disable_req("drops");
	enable_req("drops", VNS_ENABLE_F_IF_ON, 17, -1, 9, -1, -1, &r);
	coll_status("drops", &cs);
	check("if_on: off collector", r.err == ENODATA &&
	      extack_is(&r, "the collector is off") && cs.state == VNS_COLL_OFF,
	      "%s, state %d", rstr(&r), cs.state);
	enable_req("drops", VNS_ENABLE_F_IF_ON | VNS_ENABLE_F_UPDATE, 17, -1,
		   -1, -1, -1, &r);
	coll_status("drops", &cs);
	check("if_on+update: off collector", r.err == ENODATA &&
	      cs.state == VNS_COLL_OFF, "%s, state %d", rstr(&r), cs.state);

	/* UPDATE: the keys given replace, the others stay */
	enable_req("drops", -1, 17, -1, 9, -1, -1, &r);
	check("enable drops proto=udp dport=9", !r.err && !r.timeout,
	      "%s", rstr(&r));
	enable_req("drops", VNS_ENABLE_F_UPDATE | VNS_ENABLE_F_IF_ON, -1, 5,
		   -1, -1, -1, &r);
	coll_status("drops", &cs);
	check("update: sport=5 added", !r.err && cs.state == VNS_COLL_ON &&
	      cs.proto == 17 && cs.dport == 9 && cs.sport == 5,
	      "%s, state %d proto %d sport %d dport %d", rstr(&r), cs.state,
	      cs.proto, cs.sport, cs.dport);
	enable_req("drops", VNS_ENABLE_F_UPDATE, -1, -1, -1, -1, -1, &r);
	coll_status("drops", &cs);
	check("update: nothing given keeps the filter", !r.err &&
	      cs.proto == 17 && cs.dport == 9 && cs.sport == 5,
	      "%s, proto %d sport %d dport %d", rstr(&r), cs.proto, cs.sport,
	      cs.dport);
	enable_req("drops", VNS_ENABLE_F_IF_ON, -1, -1, 53, -1, -1, &r);
	coll_status("drops", &cs);
	check("if_on without update: exactly these", !r.err &&
	      cs.proto == -1 && cs.dport == 53 && cs.sport == -1,
	      "%s, proto %d sport %d dport %d", rstr(&r), cs.proto, cs.sport,
	      cs.dport);
	enable_req("drops", 0, -1, -1, -1, -1, -1, &r);
	coll_status("drops", &cs);
	check("enable without flags: no filter", !r.err && cs.proto == -1 &&
	      cs.dport == -1 && cs.sport == -1 && !cs.has_config,
	      "%s, proto %d sport %d dport %d config %d", rstr(&r), cs.proto,
	      cs.sport, cs.dport, cs.has_config);
	disable_req("drops");

	/* the settings: given ones in VNS_COLL_A_CONFIG, UPDATE keeps them */
	disable_req("latency");
	enable_req("latency", VNS_ENABLE_F_UPDATE, 1, -1, -1, 10000, -1, &r);
	coll_status("latency", &cs);
	check("update: an off collector starts", !r.err &&
	      cs.state == VNS_COLL_ON && cs.proto == 1 &&
	      cs.threshold_us == 10000 && cs.stage_threshold_us == -1,
	      "%s, state %d proto %d threshold %ld stage %ld", rstr(&r),
	      cs.state, cs.proto, cs.threshold_us, cs.stage_threshold_us);
	enable_req("latency", VNS_ENABLE_F_UPDATE | VNS_ENABLE_F_IF_ON, -1, -1,
		   -1, -1, 5000, &r);
	coll_status("latency", &cs);
	check("update: stage_threshold added", !r.err && cs.proto == 1 &&
	      cs.threshold_us == 10000 && cs.stage_threshold_us == 5000,
	      "%s, proto %d threshold %ld stage %ld", rstr(&r), cs.proto,
	      cs.threshold_us, cs.stage_threshold_us);
	enable_req("latency", VNS_ENABLE_F_UPDATE, -1, -1, -1, 0, -1, &r);
	coll_status("latency", &cs);
	check("update: a bad setting changes nothing", r.err == ERANGE &&
	      cs.threshold_us == 10000 && cs.stage_threshold_us == 5000,
	      "%s, threshold %ld stage %ld", rstr(&r), cs.threshold_us,
	      cs.stage_threshold_us);

	/* EVENT_GET: one reader at a time */
	fd = open("/proc/vnetscope/events", O_RDONLY | O_NONBLOCK);
	nlh = start_req(vns_family, NLM_F_DUMP, VNS_CMD_EVENT_GET,
			VNS_GENL_VERSION);
	transact(nlh, NULL, NULL, &r);
	check("event dump: the file is open", fd >= 0 && r.err == EBUSY &&
	      extack_is(&r, "another reader holds the events"),
	      "open %s, dump %s", fd >= 0 ? "ok" : strerror(errno), rstr(&r));
	if (fd >= 0)
		close(fd);
	nlh = start_req(vns_family, NLM_F_DUMP, VNS_CMD_EVENT_GET,
			VNS_GENL_VERSION);
	transact(nlh, NULL, NULL, &r);
	check("event dump: nothing waits", !r.err && !r.timeout &&
	      !r.sys_err && !r.msgs, "%s, %u messages", rstr(&r), r.msgs);
	/* the dumping socket holds a lease: the file and other sockets wait */
	fd = open("/proc/vnetscope/events", O_RDONLY | O_NONBLOCK);
	check("events file: busy while the dump's socket holds its lease",
	      fd < 0 && errno == EBUSY, "%s",
	      fd >= 0 ? "open" : strerror(errno));
	if (fd >= 0)
		close(fd);
	first = nl;
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		check("a second netlink socket", 0, "%s", strerror(errno));
		nl = first;
		disable_req("latency");
		return;
	}
	nlh = start_req(vns_family, NLM_F_DUMP, VNS_CMD_EVENT_GET,
			VNS_GENL_VERSION);
	transact(nlh, NULL, NULL, &r);
	check("event dump: another socket holds the lease", r.err == EBUSY,
	      "%s", rstr(&r));
	/* its socket closed, the lease ends at once */
	mnl_socket_close(first);
	fd = open("/proc/vnetscope/events", O_RDONLY | O_NONBLOCK);
	check("events file: free once the dump's socket is closed", fd >= 0,
	      "%s", fd >= 0 ? "open" : strerror(errno));
	if (fd >= 0)
		close(fd);
	disable_req("latency");
}

/* ------------------------------------------------------------------ */
/* --events: VNS_CMD_EVENT_GET as events-file lines                    */
/* ------------------------------------------------------------------ */

static uint64_t a_u64(const struct nlattr *a)
{
	return mnl_attr_get_u64(a);
}

static void print_stage(unsigned int st)
{
	const char *n = vns_stage_name(st);

	if (n)
		printf("%s", n);
	else
		printf("STAGE_%u", st);
}

/* as the kernel's line: blanks, ',' and '=' become '_' */
static void print_word(const char *s)
{
	for (; *s; s++)
		putchar(*s <= ' ' || *s == ',' || *s == '=' || *s == 0x7f ?
			'_' : *s);
}

static void print_flow(const struct nlattr *nest)
{
	const struct nlattr *a;
	int family = 0, proto = 0, sport = -1, dport = -1, type = -1, code = -1;
	const void *src = NULL, *dst = NULL;
	char buf[INET6_ADDRSTRLEN];
	const char *pn;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case VNS_FLOW_A_FAMILY: family = mnl_attr_get_u8(a); break;
		case VNS_FLOW_A_PROTO: proto = mnl_attr_get_u8(a); break;
		case VNS_FLOW_A_SRC: src = mnl_attr_get_payload(a); break;
		case VNS_FLOW_A_DST: dst = mnl_attr_get_payload(a); break;
		case VNS_FLOW_A_SPORT: sport = mnl_attr_get_u16(a); break;
		case VNS_FLOW_A_DPORT: dport = mnl_attr_get_u16(a); break;
		case VNS_FLOW_A_ICMP_TYPE: type = mnl_attr_get_u8(a); break;
		case VNS_FLOW_A_ICMP_CODE: code = mnl_attr_get_u8(a); break;
		}
	}
	printf(" family=%s", family == VNS_AF_INET6 ? "ipv6" : "ipv4");
	pn = vns_proto_name((u8)proto);
	if (pn)
		printf(" proto=%s", pn);
	else
		printf(" proto=%d", proto);
	if (src)
		printf(" src=%s", inet_ntop(family == VNS_AF_INET6 ? AF_INET6 :
					     AF_INET, src, buf, sizeof(buf)));
	if (dst)
		printf(" dst=%s", inet_ntop(family == VNS_AF_INET6 ? AF_INET6 :
					     AF_INET, dst, buf, sizeof(buf)));
	if (sport >= 0)
		printf(" sport=%d dport=%d", sport, dport);
	else if (type >= 0)
		printf(" type=%d code=%d", type, code);
}

static void print_hop(const struct nlattr *nest, unsigned int i)
{
	const struct nlattr *a;
	const char *dev = "-";
	unsigned int stage = 0, cpu = 0;
	uint64_t off = 0, delta = 0;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case VNS_LAT_HOP_A_STAGE: stage = mnl_attr_get_u8(a); break;
		case VNS_LAT_HOP_A_DEV: dev = mnl_attr_get_str(a); break;
		case VNS_LAT_HOP_A_CPU: cpu = mnl_attr_get_u32(a); break;
		case VNS_LAT_HOP_A_OFFSET_NS: off = a_u64(a); break;
		case VNS_LAT_HOP_A_DELTA_NS: delta = a_u64(a); break;
		}
	}
	printf(" hop%u=", i);
	print_stage(stage);
	putchar(',');
	print_word(dev);
	printf(",%u,%llu,%llu", cpu, (unsigned long long)off,
	       (unsigned long long)delta);
}

static void event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *a, *flow = NULL;
	const struct nlattr *hops[VNS_LAT_HOPS + 8];
	unsigned int nr = 0, i, why = 0, slow_from = 0, slow_to = 0, cpu = 0;
	unsigned int pid = 0, dir = 0, ip_id = 0, l4 = 0;
	uint64_t ts = 0, total = 0, slow_ns = 0;
	bool slow = false;
	const char *comm = NULL;

	(void)data;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != VNS_A_LAT_EVENT)
			continue;
		mnl_attr_for_each_nested(a, attr) {
			switch (mnl_attr_get_type(a)) {
			case VNS_LAT_EVENT_A_TIME_NS: ts = a_u64(a); break;
			case VNS_LAT_EVENT_A_CPU: cpu = mnl_attr_get_u32(a); break;
			case VNS_LAT_EVENT_A_DIR: dir = mnl_attr_get_u8(a); break;
			case VNS_LAT_EVENT_A_FLOW: flow = a; break;
			case VNS_LAT_EVENT_A_IP_ID: ip_id = mnl_attr_get_u32(a); break;
			case VNS_LAT_EVENT_A_L4: l4 = mnl_attr_get_u32(a); break;
			case VNS_LAT_EVENT_A_TOTAL_NS: total = a_u64(a); break;
			case VNS_LAT_EVENT_A_WHY: why = mnl_attr_get_u8(a); break;
			case VNS_LAT_EVENT_A_SLOW_FROM:
				slow_from = mnl_attr_get_u8(a);
				slow = true;
				break;
			case VNS_LAT_EVENT_A_SLOW_TO: slow_to = mnl_attr_get_u8(a); break;
			case VNS_LAT_EVENT_A_SLOW_NS: slow_ns = a_u64(a); break;
			case VNS_LAT_EVENT_A_PID: pid = mnl_attr_get_u32(a); break;
			case VNS_LAT_EVENT_A_COMM: comm = mnl_attr_get_str(a); break;
			case VNS_LAT_EVENT_A_HOP:
				if (nr < sizeof(hops) / sizeof(hops[0]))
					hops[nr++] = a;
				break;
			}
		}
		printf("ts_ns=%llu cpu=%u dir=%s", (unsigned long long)ts, cpu,
		       dir == VNS_DIR_RX ? "rx" : "tx");
		if (flow)
			print_flow(flow);
		printf(" ip_id=%u l4=0x%08x total_us=%llu why=%s", ip_id, l4,
		       (unsigned long long)(total / 1000),
		       why == (VNS_LAT_WHY_TOTAL | VNS_LAT_WHY_STAGE) ?
		       "total,stage" : why == VNS_LAT_WHY_STAGE ? "stage" :
		       "total");
		printf(" slow=");
		if (slow) {
			print_stage(slow_from);
			printf("->");
			print_stage(slow_to);
			printf(" slow_us=%llu", (unsigned long long)(slow_ns / 1000));
		} else {
			printf("- slow_us=0");
		}
		printf(" pid=%u comm=", pid);
		if (comm && *comm)
			print_word(comm);
		else
			putchar('-');
		printf(" hops=%u", nr);
		for (i = 0; i < nr; i++)
			print_hop(hops[i], i + 1);
		putchar('\n');
	}
}

static int dump_events(void)
{
	struct nlmsghdr *nlh;
	struct reply r;

	nlh = start_req(vns_family, NLM_F_DUMP, VNS_CMD_EVENT_GET,
			VNS_GENL_VERSION);
	transact(nlh, event_cb, NULL, &r);
	if (r.err || r.timeout || r.sys_err) {
		fprintf(stderr, "nlfuzz: event dump: %s%s%s\n",
			r.timeout ? "no reply" : r.sys_err ?
			strerror(r.sys_err) : errno_name(r.err),
			r.extack[0] ? ": " : "", r.extack);
		return 1;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: nlfuzz [--expect-eperm | --events]\n"
		"  Send malformed requests to the %s generic netlink family.\n"
		"  --expect-eperm  run without CAP_NET_ADMIN: every request must fail with EPERM\n",
		VNS_GENL_NAME);
}

int main(int argc, char **argv)
{
	bool expect_eperm = false, was_on = false, events = false;
	unsigned int i, passed = 0, failed = 0;
	int one = 1, arg;

	for (arg = 1; arg < argc; arg++) {
		if (!strcmp(argv[arg], "--expect-eperm")) {
			expect_eperm = true;
		} else if (!strcmp(argv[arg], "--events")) {
			events = true;
		} else if (!strcmp(argv[arg], "-h") ||
			   !strcmp(argv[arg], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "nlfuzz: netlink socket: %s\n", strerror(errno));
		return 2;
	}
	if (mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one)) < 0)
		printf("nlfuzz: note: no extended ACK on this kernel (%s)\n",
		       strerror(errno));
	/* Errors need not echo the request (optional, Linux 4.3+) */
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	seq = (unsigned int)time(NULL);

	if (resolve_family() < 0) {
		mnl_socket_close(nl);
		return 2;
	}
	if (events) {
		int ret = dump_events();

		mnl_socket_close(nl);
		return ret;
	}
	if (expect_eperm && geteuid() == 0)
		printf("nlfuzz: note: --expect-eperm as uid 0: EPERM only if CAP_NET_ADMIN was dropped\n");
	if (!expect_eperm) {
		was_on = collector_is_on();
		if (was_on)
			printf("nlfuzz: note: collector %s is already on: ENABLE cases may be refused for that reason alone\n",
			       COLLECTOR);
	}

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct nl_case *tc = &cases[i];
		struct reply r;

		if (tc->expect == EXP_EPERM && !expect_eperm)
			continue;
		run_case(tc, &r);
		if (judge(tc, &r, expect_eperm))
			passed++;
		else
			failed++;
		/* Undo a wrongly accepted ENABLE before the next case */
		if (tc->cmd == VNS_CMD_ENABLE && !r.err && !r.timeout &&
		    !r.sys_err && !expect_eperm && !was_on)
			disable_collector();
	}

	if (!expect_eperm && !was_on) {
		semantics();
		passed += sem_passed;
		failed += sem_failed;
	}
	printf("%u passed, %u failed\n", passed, failed);
	mnl_socket_close(nl);
	return failed ? 1 : 0;
}
