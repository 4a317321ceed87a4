// SPDX-License-Identifier: GPL-2.0
/* 4.10+: the CPU hotplug state machine */
#include <linux/cpuhotplug.h>
static int up(unsigned int cpu) { return 0; }
int vns_conftest(void);
int vns_conftest(void)
{
	return cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "t", up, NULL);
}
