/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reports every interval (drops, softirqs, timers --interval S): a steady
 * ticker on CLOCK_MONOTONIC that SIGINT and SIGTERM end.
 */
#ifndef _VNS_CLI_LOOP_H
#define _VNS_CLI_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "vns/types.h"

struct vns_ticker {
	struct timespec deadline;	/* CLOCK_MONOTONIC */
	long long step;			/* ns */
	sigset_t mask;			/* to sleep with: signals let in */
};

/*
 * Catch SIGINT and SIGTERM, blocked except while sleeping; a signal then
 * ends the reports with status 0.  Call before opening the socket.
 */
void vns_ticker_signals(struct vns_ticker *t);

/* Did SIGINT or SIGTERM come (after vns_ticker_signals())? */
bool vns_signalled(void);

/*
 * Sleep until CLOCK_MONOTONIC reaches @deadline_ns, with the signals of
 * @t let in.  False if a signal came first.
 */
bool vns_sleep_ns(struct vns_ticker *t, long long deadline_ns);

/* Start ticking every @interval seconds, from now */
void vns_ticker_start(struct vns_ticker *t, double interval);

/*
 * Sleep until the next tick (skipping ticks the reports overran).  False
 * if a signal came first.
 */
bool vns_ticker_wait(struct vns_ticker *t);

/*
 * "--- 12:34:56, last 1 s ---" for a report at @when (CLOCK_REALTIME), in
 * text (print.h)
 */
void vns_interval_header(const struct timespec *when, double interval);

struct vns_nl;

/*
 * A read command's snapshots: @size bytes each; read() fills one, report()
 * prints @cur whole (@prev NULL) or what grew since @prev; free() lets one
 * go.  Each returns 0 or the exit status.  A read that is no series of
 * snapshots (latency --details) has run() instead.
 */
struct vns_snap_ops {
	int (*run)(struct vns_nl *nl, const void *args, struct vns_ticker *t);
	size_t size;
	int (*read)(struct vns_nl *nl, const void *args, void *snap);
	int (*report)(const void *args, const void *cur, const void *prev);
	void (*free)(void *snap);
};

/*
 * One report, or with @interval one every @interval seconds (@count of
 * them, 0: until a signal) of what grew since the previous read.  @t had
 * vns_ticker_signals() if @interval.
 */
int vns_report_run(struct vns_nl *nl, double interval, u64 count,
		   struct vns_ticker *t, const struct vns_snap_ops *ops,
		   const void *args);

/*
 * The options of --interval and --count, and their checks: for a
 * command's getopt_long() switch.  Returns 0 if @c was one of them, -1 if
 * not, else the exit status of a usage error.
 */
#define VNS_LOOP_OPTIONS						\
	{ "interval", required_argument, NULL, 'i' },			\
	{ "count", required_argument, NULL, 'c' }
int vns_loop_opt(int c, const char *arg, double *interval, u64 *count);

/* "--count needs --interval": -1 if fine, else the exit status */
int vns_loop_check(double interval, u64 count);

/* "time" (Unix time, "%.3f") and "interval" (null: one report) in JSON */
void vns_print_when(const struct timespec *when, double interval,
		    bool interval_null);

#endif /* _VNS_CLI_LOOP_H */
