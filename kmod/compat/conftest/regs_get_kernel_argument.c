// SPDX-License-Identifier: GPL-2.0
/* 5.0+ (x86), 5.1/5.2+ (arm64), others: the n-th argument of a probed call */
#include <linux/ptrace.h>
int vns_conftest(struct pt_regs *regs);
int vns_conftest(struct pt_regs *regs)
{
	return (int)regs_get_kernel_argument(regs, 2);
}
