// SPDX-License-Identifier: GPL-2.0
/* 5.4+: HRTIMER_MODE_*_HARD (expire in hard interrupt context on RT) */
#include <linux/hrtimer.h>
int vns_conftest(void);
int vns_conftest(void) { return HRTIMER_MODE_REL_PINNED_HARD; }
