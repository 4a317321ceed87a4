// SPDX-License-Identifier: GPL-2.0
/* 4.18+: overflow-checked struct_size() and array_size() */
#include <linux/kernel.h>
#include <linux/overflow.h>
struct vns_t { int n; int a[]; };
int vns_conftest(void);
int vns_conftest(void) { struct vns_t *p = NULL; return (int)(struct_size(p, a, 4) + array_size(2, 3)); }
