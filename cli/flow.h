/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A packet's flow as the module sends it (VNS_FLOW_A_*, in drops and in
 * latency details records): parsing and the text form.
 */
#ifndef _VNS_CLI_FLOW_H
#define _VNS_CLI_FLOW_H

#include "vns/flow.h"

struct nlattr;

/* A flow as the kernel sent it: which L4 fields it had */
struct vns_flow_info {
	struct vns_flow key;	/* zeroed, then filled: comparable */
	bool has_ports;
	bool has_icmp;
};

/* Read a VNS_FLOW_A_* nest (zeroed first).  0 or -EBADMSG. */
int vns_flow_parse(struct vns_flow_info *fi, struct nlattr *nest);

/*
 * "udp 127.0.0.1:40000 -> 127.0.0.1:9", "tcp [::1]:1 -> [::1]:2",
 * "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0", "proto 47 10.0.0.1 -> ...".
 * Returns the length, or -1 if truncated.
 */
int vns_flow_format(const struct vns_flow_info *f, char *buf, size_t len);

/* Longest vns_flow_format() output, with the NUL */
#define VNS_FLOW_STR_MAX	160

#endif /* _VNS_CLI_FLOW_H */
