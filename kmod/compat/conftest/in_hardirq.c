// SPDX-License-Identifier: GPL-2.0
/* 5.11+: in_hardirq(); in_irq() is deprecated (and gone from some trees) */
#include <linux/preempt.h>
int vns_conftest(void);
int vns_conftest(void) { return in_hardirq() ? 1 : 0; }
