// SPDX-License-Identifier: GPL-2.0
/* 5.6+: procfs entries take struct proc_ops */
#include <linux/proc_fs.h>
int vns_conftest(void);
int vns_conftest(void) { struct proc_ops p = { .proc_open = NULL }; return p.proc_open != NULL; }
