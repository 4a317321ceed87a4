// SPDX-License-Identifier: GPL-2.0
/* 5.17+: pde_data() replaces PDE_DATA() (3.10+) */
#include <linux/proc_fs.h>
void *vns_conftest(struct inode *inode);
void *vns_conftest(struct inode *inode) { return pde_data(inode); }
