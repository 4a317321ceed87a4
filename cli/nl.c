// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "uapi/linux/vnetscope.h"
#include "hint.h"
#include "nl.h"
#include "util.h"

/* Extended acks are Linux 4.12+; build hosts may have older headers */
#ifndef SOL_NETLINK
#define SOL_NETLINK		270
#endif
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
#define NLMSGERR_ATTR_MSG	1
#endif

#define VNS_NL_MAXATTR	(VNS_A_MAX > CTRL_ATTR_MAX ? VNS_A_MAX : CTRL_ATTR_MAX)
#define VNS_EXTACK_MAX	256

static const struct nla_policy vns_policy[VNS_A_MAX + 1] = {
	[VNS_A_VERSION] = { .type = NLA_STRING },
	[VNS_A_KERNEL] = { .type = NLA_STRING },
	[VNS_A_MEM_BYTES] = { .type = NLA_U64 },
	[VNS_A_COLLECTOR] = { .type = NLA_NESTED },
	[VNS_A_COLLECTOR_NAME] = { .type = NLA_STRING },
	[VNS_A_FILTER] = { .type = NLA_NESTED },
	[VNS_A_PROBE] = { .type = NLA_NESTED },
	[VNS_A_DROP] = { .type = NLA_NESTED },
	[VNS_A_CONFIG] = { .type = NLA_NESTED },
	[VNS_A_SOFTIRQ] = { .type = NLA_NESTED },
	[VNS_A_KSOFTIRQD] = { .type = NLA_NESTED },
	[VNS_A_TIMER] = { .type = NLA_NESTED },
	[VNS_A_IRQOFF_SUMMARY] = { .type = NLA_NESTED },
	[VNS_A_IRQOFF_EVENT] = { .type = NLA_NESTED },
	[VNS_A_LATENCY] = { .type = NLA_NESTED },
	[VNS_A_LAT_EVENT] = { .type = NLA_NESTED },
	[VNS_A_ENABLE_FLAGS] = { .type = NLA_U32 },
	[VNS_A_TUN] = { .type = NLA_NESTED },
	[VNS_A_VHOST] = { .type = NLA_NESTED },
	[VNS_A_KPROBE_ARGS] = { .type = NLA_STRING },
};

static const struct nla_policy vns_ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = { .type = NLA_U16 },
	[CTRL_ATTR_FAMILY_NAME] = { .type = NLA_STRING },
	[CTRL_ATTR_VERSION] = { .type = NLA_U32 },
};

struct vns_nl_req {
	vns_nl_cb cb;
	void *arg;
	int maxattr;
	const struct nla_policy *policy;
	int err;		/* errno from the kernel or the callback */
	int quiet;		/* an errno the caller reports itself */
	int nl_err;		/* libnl error */
	bool done;
	char extack[VNS_EXTACK_MAX];
};

/*
 * Copy the extended ack message of @nlh, an NLMSG_ERROR or NLMSG_DONE whose
 * attributes start @off bytes into its payload.
 */
static void vns_nl_extack(const struct nlmsghdr *nlh, size_t off, char *buf,
			  size_t len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MSG + 1];
	size_t payload;
	struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    nlh->nlmsg_len < NLMSG_HDRLEN)
		return;
	payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (off >= payload)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MSG,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + off),
		      (int)(payload - off), NULL))
		return;
	a = tb[NLMSGERR_ATTR_MSG];
	if (a && nla_len(a) > 0)
		snprintf(buf, len, "%.*s",
			 (int)strnlen(nla_data(a), (size_t)nla_len(a)),
			 (const char *)nla_data(a));
}

/* Where the attributes of an NLMSG_ERROR start, after the echoed request */
static size_t vns_nl_err_tlv_off(const struct nlmsghdr *nlh,
				 const struct nlmsgerr *e)
{
	size_t off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	return off;
}

static int vns_nl_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VNS_NL_MAXATTR + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct vns_nl_req *req = arg;
	struct genlmsghdr *gnlh;
	int ret = 0;

	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_parse(nlh, 0, tb, req->maxattr, req->policy)) {
		ret = -EBADMSG;
	} else if (req->cb) {
		gnlh = nlmsg_data(nlh);
		ret = req->cb(tb, genlmsg_attrdata(gnlh, 0),
			      genlmsg_attrlen(gnlh, 0), req->arg);
	}
	if (ret < 0) {
		req->err = -ret;
		req->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int vns_nl_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	/* libnl hands over the payload of the NLMSG_ERROR message */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct vns_nl_req *req = arg;

	(void)who;
	vns_nl_extack(nlh, vns_nl_err_tlv_off(nlh, e), req->extack,
		      sizeof(req->extack));
	req->err = e->error < 0 ? -e->error : e->error;
	req->done = true;
	return NL_STOP;
}

static int vns_nl_ack(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct vns_nl_req *req = arg;
	char warn[VNS_EXTACK_MAX] = "";

	/* libnl checked that the message holds a struct nlmsgerr */
	vns_nl_extack(nlh, vns_nl_err_tlv_off(nlh, nlmsg_data(nlh)), warn,
		      sizeof(warn));
	if (warn[0])
		vns_err("warning: %s", warn);
	req->done = true;
	return NL_STOP;
}

/* The end of a dump, which carries its error since Linux 4.x */
static int vns_nl_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct vns_nl_req *req = arg;
	int err;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(err)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			req->err = -err;
			vns_nl_extack(nlh, sizeof(err), req->extack,
				      sizeof(req->extack));
		}
	}
	req->done = true;
	return NL_STOP;
}

static int vns_nl_report(const char *op, const struct vns_nl_req *req)
{
	char exe[4096];

	if (req->err == EPERM || req->err == EACCES) {
		/* sudo's secure_path may lack the binary's directory */
		vns_err("permission denied: vnetscope needs CAP_NET_ADMIN (try: sudo %s ...)",
			vns_sudo_self(exe, sizeof(exe)));
		return VNS_EXIT_PERM;
	}
	if (req->err == EBADMSG)
		vns_err("%s failed: malformed reply from the kernel module",
			op);
	else if (req->err && req->extack[0])
		vns_err("%s failed: %s: %s", op, strerror(req->err),
			req->extack);
	else if (req->err)
		vns_err("%s failed: %s", op, strerror(req->err));
	else
		vns_err("%s failed: %s", op, nl_geterror(req->nl_err));
	return VNS_EXIT_FAIL;
}

static int vns_nl_run(struct vns_nl *nl, struct nl_msg *msg, bool dump,
		      const char *op, struct vns_nl_req *req)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb) {
		nlmsg_free(msg);
		return vns_nl_nomem(op, NULL);
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, vns_nl_valid, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, vns_nl_finish, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, vns_nl_ack, req);
	nl_cb_err(cb, NL_CB_CUSTOM, vns_nl_error, req);

	nl_complete_msg(nl->sk, msg);
	/* a dump ends with NLMSG_DONE: an ack would only trail behind it */
	if (dump)
		nlmsg_hdr(msg)->nlmsg_flags &= ~NLM_F_ACK;
	ret = nl_send(nl->sk, msg);
	nlmsg_free(msg);
	while (ret >= 0 && !req->done)
		ret = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (req->err && req->err == req->quiet)
		return -req->err;
	if (req->err || (ret < 0 && !req->done)) {
		req->nl_err = ret < 0 ? -ret : NLE_FAILURE;
		return vns_nl_report(op, req);
	}
	return 0;
}

int vns_nl_nomem(const char *op, struct nl_msg *msg)
{
	nlmsg_free(msg);
	vns_err("%s failed: %s", op, strerror(ENOMEM));
	return VNS_EXIT_FAIL;
}

struct nl_msg *vns_nl_msg(const struct vns_nl *nl, u8 cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				0, cmd, VNS_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int vns_nl_do_quiet(struct vns_nl *nl, struct nl_msg *msg, const char *op,
		    vns_nl_cb cb, void *arg, int quiet)
{
	struct vns_nl_req req = {
		.cb = cb,
		.arg = arg,
		.maxattr = VNS_A_MAX,
		.policy = vns_policy,
		.quiet = quiet,
	};

	return vns_nl_run(nl, msg, false, op, &req);
}

int vns_nl_do(struct vns_nl *nl, struct nl_msg *msg, const char *op,
	      vns_nl_cb cb, void *arg)
{
	return vns_nl_do_quiet(nl, msg, op, cb, arg, 0);
}

int vns_nl_dump(struct vns_nl *nl, u8 cmd, const char *op, vns_nl_cb cb,
		void *arg)
{
	return vns_nl_dump_quiet(nl, cmd, op, cb, arg, 0);
}

int vns_nl_dump_quiet(struct vns_nl *nl, u8 cmd, const char *op, vns_nl_cb cb,
		      void *arg, int quiet)
{
	struct vns_nl_req req = {
		.cb = cb,
		.arg = arg,
		.maxattr = VNS_A_MAX,
		.policy = vns_policy,
		.quiet = quiet,
	};
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				 NLM_F_DUMP, cmd, VNS_GENL_VERSION))
		return vns_nl_nomem(op, msg);
	return vns_nl_run(nl, msg, true, op, &req);
}

static int vns_nl_ctrl_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			  void *arg)
{
	(void)attrs;
	(void)len;
	if (!tb[CTRL_ATTR_VERSION])
		return -EBADMSG;
	*(u32 *)arg = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	return 0;
}

int vns_nl_family_version(struct vns_nl *nl, u32 *version)
{
	const char *op = "netlink family lookup";
	struct vns_nl_req req = {
		.cb = vns_nl_ctrl_cb,
		.arg = version,
		.maxattr = CTRL_ATTR_MAX,
		.policy = vns_ctrl_policy,
	};
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL,
				 0, 0, CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, VNS_GENL_NAME))
		return vns_nl_nomem(op, msg);
	return vns_nl_run(nl, msg, false, op, &req);
}

/* -ENOENT unprinted, with @quiet, when the module is not loaded */
static int vns_nl_connect(struct vns_nl *nl, bool quiet)
{
	int one = 1;
	int fd, ret;

	nl->family = 0;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return vns_nl_nomem("netlink socket", NULL);
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		vns_err("cannot open a generic netlink socket: %s",
			nl_geterror(ret));
		goto fail;
	}
	/* both are optional: older kernels just send less */
	fd = nl_socket_get_fd(nl->sk);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_enable_msg_peek(nl->sk);

	ret = genl_ctrl_resolve(nl->sk, VNS_GENL_NAME);
	if (ret == -NLE_OBJ_NOTFOUND) {
		vns_nl_close(nl);
		if (quiet)
			return -ENOENT;
		vns_hint_not_loaded("");
		return VNS_EXIT_OFF;
	}
	if (ret < 0) {
		vns_err("cannot look up the %s netlink family: %s",
			VNS_GENL_NAME, nl_geterror(ret));
		goto fail;
	}
	nl->family = ret;
	return 0;

fail:
	vns_nl_close(nl);
	return VNS_EXIT_FAIL;
}

int vns_nl_open(struct vns_nl *nl)
{
	return vns_nl_connect(nl, false);
}

int vns_nl_open_quiet(struct vns_nl *nl)
{
	return vns_nl_connect(nl, true);
}

void vns_nl_close(struct vns_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

int vns_nla_strings(struct nlattr *nest, int type, char ***v, size_t *n)
{
	struct nlattr *a;
	const char *s;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != type)
			continue;
		s = nla_data(a);
		if (nla_len(a) < 1 || s[nla_len(a) - 1])
			return -EBADMSG;
		if (vns_grow(v, *n, sizeof(**v)))
			return -ENOMEM;
		(*v)[*n] = strdup(s);
		if (!(*v)[*n])
			return -ENOMEM;
		(*n)++;
	}
	return 0;
}

void vns_strings_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
