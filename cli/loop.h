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

/* Start ticking every @interval seconds, from now */
void vns_ticker_start(struct vns_ticker *t, double interval);

/*
 * Sleep until the next tick (skipping ticks the reports overran).  False
 * if a signal came first.
 */
bool vns_ticker_wait(struct vns_ticker *t);

/* "--- 12:34:56, last 1 s ---" for a report at @when (CLOCK_REALTIME) */
void vns_interval_header(FILE *out, const struct timespec *when,
			 double interval);

#endif /* _VNS_CLI_LOOP_H */
