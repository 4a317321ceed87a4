// SPDX-License-Identifier: GPL-2.0
/* 4.3+: strscpy() (strlcpy() is gone in 6.8) */
#include <linux/string.h>
int vns_conftest(char *d, const char *s);
int vns_conftest(char *d, const char *s) { return strscpy(d, s, 4); }
