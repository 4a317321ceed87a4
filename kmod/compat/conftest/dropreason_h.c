// SPDX-License-Identifier: GPL-2.0
/* 6.0+: <net/dropreason.h> with the DEFINE_DROP_REASON list */
#include <linux/types.h>
#include <net/dropreason.h>
#ifndef DEFINE_DROP_REASON
#error no DEFINE_DROP_REASON
#endif
int vns_conftest(void);
int vns_conftest(void) { return 0; }
