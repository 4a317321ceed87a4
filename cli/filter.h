/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filters on the command line (--src-ip ... --dev) and in JSON.  The words
 * (src=... dev=...), their text, merging and the VNS_FILTER_A_* netlink
 * nest are the shared codec's (vns/filter.h), the matching vns/flow.h's.
 */
#ifndef _VNS_CLI_FILTER_H
#define _VNS_CLI_FILTER_H

#include <getopt.h>

#include "vns/filter.h"

struct nl_msg;
struct nlattr;

/* getopt_long() value of every filter option; the option's name tells which */
#define VNS_OPT_FILTER	0x100

/*
 * Filter options, for a command's getopt_long() table: those on the flow
 * (every filtered collector), and with them --dev (drops only)
 */
#define VNS_FILTER_FLOW_OPTIONS						\
	{ "src-ip", required_argument, NULL, VNS_OPT_FILTER },		\
	{ "dst-ip", required_argument, NULL, VNS_OPT_FILTER },		\
	{ "proto", required_argument, NULL, VNS_OPT_FILTER },		\
	{ "sport", required_argument, NULL, VNS_OPT_FILTER },		\
	{ "dport", required_argument, NULL, VNS_OPT_FILTER }

#define VNS_FILTER_OPTIONS						\
	VNS_FILTER_FLOW_OPTIONS,					\
	{ "dev", required_argument, NULL, VNS_OPT_FILTER }

#define VNS_FILTER_FLOW_USAGE						\
	"  --src-ip A[/N]   source address (IPv4 or IPv6), /N: prefix\n" \
	"  --dst-ip B[/N]   destination address\n"			\
	"  --proto P        tcp, udp, icmp, icmp6, sctp, udplite or 1-255\n"	\
	"  --sport N        source port (TCP, UDP, SCTP, UDP-Lite)\n"	\
	"  --dport N        destination port\n"

#define VNS_FILTER_USAGE						\
	VNS_FILTER_FLOW_USAGE						\
	"  --dev IFNAME     device the packet was dropped on\n"

/*
 * Apply the filter option --@opt (e.g. "dport") with value @val to @f,
 * through the shared codec (vns/filter.h).  Returns 0, or -1 with a
 * message naming the value in @err.
 */
int vns_filter_parse_opt(struct vns_filter *f, const char *opt,
			 const char *val, char *err, size_t errlen);

/*
 * Reject filters that can never match, e.g. a port with --proto icmp or an
 * IPv4 source with an IPv6 destination.  Returns 0, or -1 and @err.
 */
int vns_filter_check(const struct vns_filter *f, char *err, size_t errlen);

/* Read a VNS_FILTER_A_* nest (vns_filter_get()).  0 or -EBADMSG. */
int vns_filter_from_nest(struct vns_filter *f, struct nlattr *nest);

/*
 * "src":...,"src_prefix":...,..., with only the fields that are set, as
 * members of the open JSON object (print.h)
 */
void vns_filter_print_json(const struct vns_filter *f);

#endif /* _VNS_CLI_FILTER_H */
