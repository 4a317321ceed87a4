/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vnetscope generic netlink family over libnl: connect, requests with a
 * callback per reply message, and errors as one line each, with the
 * kernel's extended ack message when it sends one.
 *
 * Functions returning int return 0 or, after printing the error, the exit
 * status the command should end with: VNS_EXIT_FAIL, VNS_EXIT_OFF (the
 * module is not loaded) or VNS_EXIT_PERM (EPERM or EACCES).
 */
#ifndef _VNS_CLI_NL_H
#define _VNS_CLI_NL_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "vns/types.h"

struct nl_msg;
struct nl_sock;

struct vns_nl {
	struct nl_sock *sk;
	int family;
};

/*
 * Called for each reply message with its top-level attributes parsed into
 * @tb (VNS_A_*) and, for repeated ones, the raw @attrs of @len bytes.
 * Returns 0, or a negative errno to stop: -EBADMSG for a malformed reply.
 */
typedef int (*vns_nl_cb)(struct nlattr **tb, struct nlattr *attrs, int len,
			 void *arg);

/* Connect and resolve the family; "not loaded" is VNS_EXIT_OFF */
int vns_nl_open(struct vns_nl *nl);
/* The same, but -ENOENT, unprinted, when the module is not loaded */
int vns_nl_open_quiet(struct vns_nl *nl);
void vns_nl_close(struct vns_nl *nl);

/* A request @cmd for nl_put*() to fill in; NULL if out of memory */
struct nl_msg *vns_nl_msg(const struct vns_nl *nl, u8 cmd);

/* Print "@op failed: <out of memory>" for a request that could not be built */
int vns_nl_nomem(const char *op, struct nl_msg *msg);

/* Send @msg (consumed) and wait for its ack, @cb for each reply (or NULL) */
int vns_nl_do(struct vns_nl *nl, struct nl_msg *msg, const char *op,
	      vns_nl_cb cb, void *arg);

/* Dump @cmd, @cb for each message */
int vns_nl_dump(struct vns_nl *nl, u8 cmd, const char *op, vns_nl_cb cb,
		void *arg);

/*
 * The same, but when the kernel answers errno @quiet, print nothing and
 * return -@quiet: the caller has a better message for it
 */
int vns_nl_do_quiet(struct vns_nl *nl, struct nl_msg *msg, const char *op,
		    vns_nl_cb cb, void *arg, int quiet);
int vns_nl_dump_quiet(struct vns_nl *nl, u8 cmd, const char *op, vns_nl_cb cb,
		      void *arg, int quiet);

/* The family's version as the generic netlink controller reports it */
int vns_nl_family_version(struct vns_nl *nl, u32 *version);

/*
 * A copy of string attribute @a (NUL-terminated: its policy was NLA_STRING)
 * in @*dst, or NULL if @a is absent.  Returns 0 or -ENOMEM.
 */
static inline int vns_nla_strdup(char **dst, const struct nlattr *a)
{
	*dst = NULL;
	if (!a)
		return 0;
	*dst = strdup(nla_data(a));
	return *dst ? 0 : -ENOMEM;
}

/* Bit @i set for each attribute @tb[@i] present, for i up to @max < 32 */
static inline unsigned int vns_nla_present(struct nlattr **tb, int max)
{
	unsigned int bits = 0;
	int i;

	for (i = 0; i <= max && i < 32; i++)
		if (tb[i])
			bits |= 1u << i;
	return bits;
}

/*
 * Append the NUL-terminated strings of the attributes of type @type in
 * @nest (a stack's frames) to @*v, @*n of them.  0, -EBADMSG or -ENOMEM.
 */
int vns_nla_strings(struct nlattr *nest, int type, char ***v, size_t *n);
void vns_strings_free(char **v, size_t n);

static inline u64 vns_nla_u64_or0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

#endif /* _VNS_CLI_NL_H */
