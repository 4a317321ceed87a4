/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A read command (drops, softirqs, timers, irqoff, latency): the options
 * every read shares, and its run from the socket to the last report.
 */
#ifndef _VNS_CLI_READ_H
#define _VNS_CLI_READ_H

#include <getopt.h>

#include "coll.h"
#include "loop.h"

/* For a read's getopt_long() table: --json, --no-enable, --help */
#define VNS_READ_OPTIONS						\
	{ "json", no_argument, NULL, 'j' },				\
	VNS_NO_ENABLE_OPTION,						\
	{ "help", no_argument, NULL, 'h' },				\
	{ NULL, 0, NULL, 0 }

/*
 * A command's own option @c with its @arg: 0, -1 if @c is none of its
 * own (an unknown option), else the exit status of a usage error
 */
typedef int (*vns_own_opt_fn)(void *args, int c, const char *arg);

/*
 * Parse @argv with @opts into @r (--json, --no-enable, --interval,
 * --count, the filter options) and, through @own, into @args; --help
 * prints @usage.  Then: no argument left, --count with --interval, the
 * filter whole.  Returns -1 to go on, or the exit status.
 */
int vns_read_getopt(struct vns_read_opts *r, int argc, char **argv,
		    const struct option *opts, const char *usage,
		    vns_own_opt_fn own, void *args);

/*
 * Run read @r: signals if it loops, the socket, vns_read_prepare(), then
 * @ops->run() or else vns_report_run().  The exit status.
 */
int vns_read_main(const struct vns_read_opts *r,
		  const struct vns_snap_ops *ops, const void *args);

/*
 * The read command of @obj: its snapshots of @snap_size bytes through
 * the file's vns_snap_read(), vns_report() and vns_snap_free(), and
 * cmd_@obj(): vns_@obj_parse(), then vns_read_main()
 */
#define VNS_DEFINE_READ(obj, snap_size)					\
static const struct vns_snap_ops vns_##obj##_ops = {			\
	.size = (snap_size),						\
	.read = vns_snap_read,						\
	.report = vns_report,						\
	.free = vns_snap_free,						\
};									\
									\
int cmd_##obj(int argc, char **argv)					\
{									\
	struct vns_##obj##_args a;					\
	int ret = vns_##obj##_parse(&a, argc, argv);			\
									\
	return ret >= 0 ? ret : vns_read_main(&a.read, &vns_##obj##_ops, &a); \
}

/* print_begin() and, every interval, its "--- ... ---" line */
void vns_report_begin(const struct vns_read_opts *r,
		      const struct timespec *when);

/* Every interval "time" and "interval" (JSON); print_end() */
void vns_report_end(const struct vns_read_opts *r,
		    const struct timespec *when);

#endif /* _VNS_CLI_READ_H */
