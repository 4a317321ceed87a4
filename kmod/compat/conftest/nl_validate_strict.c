// SPDX-License-Identifier: GPL-2.0
/* 5.2+: strict attribute validation (exact lengths, no unknown types) */
#include <net/netlink.h>
int vns_conftest(void);
int vns_conftest(void)
{
	struct nlattr *tb[2];

	return __nla_parse(tb, 1, NULL, 0, NULL, NL_VALIDATE_STRICT, NULL);
}
