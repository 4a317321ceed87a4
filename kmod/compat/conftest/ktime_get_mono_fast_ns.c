// SPDX-License-Identifier: GPL-2.0
/* 3.17+: ktime_get_mono_fast_ns(), NMI-safe */
#include <linux/ktime.h>
int vns_conftest(void);
int vns_conftest(void) { return (int)ktime_get_mono_fast_ns(); }
