// SPDX-License-Identifier: GPL-2.0
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "loop.h"

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

void vns_interval_header(FILE *out, const struct timespec *when,
			 double interval)
{
	char buf[16];
	struct tm tm;

	localtime_r(&when->tv_sec, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	fprintf(out, "--- %s, last %g s ---\n", buf, interval);
}
