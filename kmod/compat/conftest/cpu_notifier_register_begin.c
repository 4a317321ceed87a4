// SPDX-License-Identifier: GPL-2.0
/*
 * 3.15 .. 4.9 (RHEL 7.1+): CPU notifiers registered with CPU hotplug held
 * off by cpu_notifier_register_begin()/_done() and __register_cpu_notifier()
 */
#include <linux/cpu.h>
int vns_conftest(struct notifier_block *nb);
int vns_conftest(struct notifier_block *nb)
{
	int err;

	cpu_notifier_register_begin();
	err = __register_cpu_notifier(nb);
	__unregister_cpu_notifier(nb);
	cpu_notifier_register_done();
	return err;
}
