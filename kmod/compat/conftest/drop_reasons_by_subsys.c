// SPDX-License-Identifier: GPL-2.0
/* 6.4+: exported drop_reasons_by_subsys[] names core and subsystem reasons */
#include <linux/types.h>
#include <net/dropreason.h>
int vns_conftest(void);
int vns_conftest(void) { return drop_reasons_by_subsys[0] != NULL; }
