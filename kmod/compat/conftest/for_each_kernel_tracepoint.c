// SPDX-License-Identifier: GPL-2.0
/* 3.15+: core tracepoints are enumerable and registered by struct tracepoint */
#include <linux/tracepoint.h>
static void fn(struct tracepoint *tp, void *priv) { }
int vns_conftest(void);
int vns_conftest(void)
{
	for_each_kernel_tracepoint(fn, NULL);
	return tracepoint_probe_register((struct tracepoint *)NULL, NULL, NULL);
}
