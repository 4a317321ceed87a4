// SPDX-License-Identifier: GPL-2.0
/* 4.5+: genl_ops.start runs before a dump */
#include <net/genetlink.h>
int vns_conftest(void);
int vns_conftest(void) { struct genl_ops o = { .start = NULL }; return o.cmd; }
