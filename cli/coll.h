/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A read command and its collector.  A read (drops, softirqs, timers,
 * irqoff, latency [--details]) changes nothing it was not asked to change:
 *
 * - the collector on and no option given: nothing is sent;
 * - options given: VNS_CMD_ENABLE with VNS_ENABLE_F_UPDATE and only them,
 *   so the other settings keep their running values and the module keeps
 *   the tables unless the effective settings change;
 * - the collector off: the same ENABLE turns it on ("enabled the X
 *   collector" on stderr), unless --no-enable: then the command fails
 *   with VNS_EXIT_OFF (with options, ENABLE carries VNS_ENABLE_F_IF_ON
 *   and the module answers -ENODATA).
 *
 * latency --details needs a threshold: without --threshold or
 * --stage-threshold it sends the default one only when the collector
 * does not already run with one.
 */
#ifndef _VNS_CLI_COLL_H
#define _VNS_CLI_COLL_H

#include "config.h"
#include "filter.h"

struct vns_nl;

/* --details without a threshold: end to end, microseconds */
#define VNS_DETAILS_DEFAULT_US	10000

/* getopt_long() value of --no-enable, and its line of --help */
#define VNS_OPT_NO_ENABLE	0x1ff
#define VNS_NO_ENABLE_OPTION						\
	{ "no-enable", no_argument, NULL, VNS_OPT_NO_ENABLE }
#define VNS_NO_ENABLE_USAGE						\
	"  --no-enable      never turn the collector on: exit status 3 if it\n" \
	"                   is off\n"

/* What a read command asks of its collector */
struct vns_read_opts {
	const char *name;		/* "drops" */
	struct vns_filter filter;	/* the filter keys given */
	struct vns_settings cfg;	/* the settings given */
	bool details;			/* latency --details */
	bool no_enable;
	bool json;
	double interval;		/* 0: one report */
	u64 count;			/* reports; 0: until a signal */
};

/* The collector as the module's status shows it */
struct vns_coll_now {
	bool on;
	bool details;			/* it runs with a details threshold */
};

enum vns_read_act {
	VNS_READ_KEEP,			/* send nothing */
	VNS_READ_ENABLE,		/* send ENABLE */
	VNS_READ_OFF,			/* --no-enable and off: VNS_EXIT_OFF */
};

struct vns_read_plan {
	enum vns_read_act act;
	u32 flags;			/* VNS_ENABLE_F_* of the ENABLE */
	struct vns_settings cfg;	/* its settings: given, + default */
	bool announce;			/* it turns the collector on */
};

/* Which ENABLE, if any, read @o sends when its collector is as @now says */
void vns_read_plan(const struct vns_read_opts *o,
		   const struct vns_coll_now *now, struct vns_read_plan *p);

/*
 * Read the collector's state, then send what vns_read_plan() says.
 * Returns 0, or the exit status with the error printed.
 */
int vns_read_prepare(struct vns_nl *nl, const struct vns_read_opts *o);

/*
 * VNS_CMD_ENABLE of collector @name with filter @f and settings @cfg
 * (either NULL: none) and VNS_A_ENABLE_FLAGS @flags (0: none sent).
 * With VNS_ENABLE_F_IF_ON, -ENODATA (off) is returned unprinted.
 */
int vns_enable(struct vns_nl *nl, const char *name,
	       const struct vns_filter *f, const struct vns_settings *cfg,
	       u32 flags);

/* Build that request into @msg.  0 or -ENOMEM. */
int vns_enable_put(struct nl_msg *msg, const char *name,
		   const struct vns_filter *f, const struct vns_settings *cfg,
		   u32 flags);

#endif /* _VNS_CLI_COLL_H */
