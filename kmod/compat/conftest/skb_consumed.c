// SPDX-License-Identifier: GPL-2.0
/* 6.3+: SKB_CONSUMED is a drop reason that is not a drop */
#include <linux/skbuff.h>
int vns_conftest(void);
int vns_conftest(void) { return SKB_CONSUMED; }
