// SPDX-License-Identifier: GPL-2.0
/* 5.8+: copy_from_kernel_nofault() (probe_kernel_read() before) */
#include <linux/uaccess.h>
long vns_conftest(void *d, const void *s);
long vns_conftest(void *d, const void *s)
{
	return copy_from_kernel_nofault(d, s, 8);
}
