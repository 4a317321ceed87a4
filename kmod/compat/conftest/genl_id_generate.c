// SPDX-License-Identifier: GPL-2.0
/* before 4.10: families registered with GENL_ID_GENERATE and a separate ops array */
#include <net/genetlink.h>
int vns_conftest(void);
int vns_conftest(void) { return GENL_ID_GENERATE; }
