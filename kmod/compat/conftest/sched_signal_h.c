// SPDX-License-Identifier: GPL-2.0
/* 4.11+: for_each_process() and friends moved to <linux/sched/signal.h> */
#include <linux/sched/signal.h>
int vns_conftest(void);
int vns_conftest(void) { return 0; }
