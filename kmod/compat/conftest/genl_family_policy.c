// SPDX-License-Identifier: GPL-2.0
/* 5.2+: the attribute policy lives in struct genl_family */
#include <net/genetlink.h>
int vns_conftest(void);
int vns_conftest(void) { struct genl_family f = { .policy = NULL }; return f.maxattr; }
