// SPDX-License-Identifier: GPL-2.0
/* 5.2+: trace_timer_expire_entry(timer, baseclk) */
#include <linux/timer.h>
#include <trace/events/timer.h>
static void probe(void *d, struct timer_list *t, unsigned long baseclk) { }
int vns_conftest(void);
int vns_conftest(void) { return register_trace_timer_expire_entry(probe, NULL); }
