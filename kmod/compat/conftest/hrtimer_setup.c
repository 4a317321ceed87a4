// SPDX-License-Identifier: GPL-2.0
/* 6.13+: hrtimer_setup() replaces hrtimer_init() */
#include <linux/hrtimer.h>
static enum hrtimer_restart fn(struct hrtimer *t) { return HRTIMER_NORESTART; }
int vns_conftest(void);
int vns_conftest(void)
{
	static struct hrtimer t;

	hrtimer_setup(&t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	return 0;
}
