// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop.h"
#include "print.h"
#include "util.h"

static volatile sig_atomic_t vns_stop;

static void vns_on_signal(int sig)
{
	(void)sig;
	vns_stop = 1;
}

void vns_ticker_signals(struct vns_ticker *t)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = vns_on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &t->mask);
	sigdelset(&t->mask, SIGINT);
	sigdelset(&t->mask, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool vns_signalled(void)
{
	return vns_stop;
}

static void vns_ts_add(struct timespec *ts, long long ns)
{
	ns += ts->tv_nsec;
	ts->tv_sec += (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
}

static bool vns_ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

void vns_ticker_start(struct vns_ticker *t, double interval)
{
	t->step = (long long)(interval * 1e9);
	clock_gettime(CLOCK_MONOTONIC, &t->deadline);
}

/* Sleep until @deadline (CLOCK_MONOTONIC); false if a signal came first */
static bool vns_sleep_until(const struct timespec *deadline,
			    const sigset_t *mask)
{
	struct timespec now, left;

	while (!vns_stop) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!vns_ts_before(&now, deadline))
			return true;
		left.tv_sec = deadline->tv_sec - now.tv_sec;
		left.tv_nsec = deadline->tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000;
		}
		ppoll(NULL, 0, &left, mask);
	}
	return false;
}

bool vns_sleep_ns(struct vns_ticker *t, long long deadline_ns)
{
	struct timespec d = {
		.tv_sec = (time_t)(deadline_ns / 1000000000),
		.tv_nsec = (long)(deadline_ns % 1000000000),
	};

	return vns_sleep_until(&d, &t->mask);
}

bool vns_ticker_wait(struct vns_ticker *t)
{
	struct timespec now;

	vns_ts_add(&t->deadline, t->step);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (vns_ts_before(&t->deadline, &now)) {
		/* reads took longer than the interval: skip ahead */
		t->deadline = now;
		vns_ts_add(&t->deadline, t->step);
	}
	return vns_sleep_until(&t->deadline, &t->mask);
}

void vns_interval_header(const struct timespec *when, double interval)
{
	char buf[16];
	struct tm tm;

	localtime_r(&when->tv_sec, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	print_fp("--- %s, last %g s ---\n", buf, interval);
}

int vns_report_run(struct vns_nl *nl, double interval, u64 count,
		   struct vns_ticker *t, const struct vns_snap_ops *ops,
		   const void *args)
{
	void *prev = calloc(1, ops->size), *cur = calloc(1, ops->size), *tmp;
	u64 n;
	int ret;

	if (!prev || !cur) {
		free(prev);
		free(cur);
		vns_err("report failed: out of memory");
		return VNS_EXIT_FAIL;
	}
	ret = ops->read(nl, args, prev);
	if (ret)
		goto out;
	if (!interval) {
		ret = ops->report(args, prev, NULL);
		ops->free(prev);
		goto out;
	}
	vns_ticker_start(t, interval);
	for (n = 0; !count || n < count; n++) {
		if (!vns_ticker_wait(t))
			break;
		ret = ops->read(nl, args, cur);
		if (ret)
			break;
		ret = ops->report(args, cur, prev);
		ops->free(prev);
		tmp = prev;
		prev = cur;
		cur = tmp;
		if (ret)
			break;
	}
	ops->free(prev);
out:
	free(prev);
	free(cur);
	return ret;
}

int vns_loop_opt(int c, const char *arg, double *interval, u64 *count)
{
	switch (c) {
	case 'i':
		if (vns_parse_seconds(arg, interval))
			return vns_usage_err("invalid --interval '%s': expected seconds > 0, e.g. 1 or 0.5",
					     arg);
		return 0;
	case 'c':
		if (vns_parse_u64(arg, 1, UINT64_MAX, count))
			return vns_usage_err("invalid --count '%s': expected a positive integer",
					     arg);
		return 0;
	default:
		return -1;
	}
}

int vns_loop_check(double interval, u64 count)
{
	if (count && !interval)
		return vns_usage_err("--count needs --interval");
	return -1;
}

void vns_print_when(const struct timespec *when, double interval,
		    bool interval_null)
{
	double t = (double)when->tv_sec + when->tv_nsec / 1e9;

	print_double(PRINT_JSON, "time", "%.3f", t);
	if (interval)
		print_double(PRINT_JSON, "interval", "%g", interval);
	else if (interval_null)
		print_null(PRINT_JSON, "interval", NULL, NULL);
}
