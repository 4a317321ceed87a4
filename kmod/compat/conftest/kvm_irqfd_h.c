// SPDX-License-Identifier: GPL-2.0
/*
 * 4.5+ (and RHEL 7.8's 3.10): struct kvm_kernel_irqfd in <linux/kvm_irqfd.h>,
 * with the kvm and gsi the kvm collector reads; before, struct _irqfd was
 * private to virt/kvm/eventfd.c
 */
#include <linux/kvm_host.h>
#include <linux/kvm_irqfd.h>
int vns_conftest(void);
int vns_conftest(void)
{
	struct kvm_kernel_irqfd *irqfd = NULL;

	return irqfd->gsi + (irqfd->kvm != NULL) + sizeof(irqfd->wait) +
	       sizeof(irqfd->inject);
}
