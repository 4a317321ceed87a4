// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope: network drop and latency diagnosis for kernels without usable
 * BPF.  Module init and exit, and the load-time parameters.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "../netlink/genl.h"
#include "../views/views.h"
#include "collector.h"
#include "probe.h"

static char *collectors;
module_param(collectors, charp, 0444);
MODULE_PARM_DESC(collectors,
		 "collectors to enable at load, comma-separated (e.g. drops)");

static void vns_disable_all(void)
{
	unsigned int i;

	mutex_lock(&vns_lock);
	for (i = 0; i < vns_nr_collectors; i++)
		vns_collector_disable(vns_collectors[i]);
	mutex_unlock(&vns_lock);
}

/* "drops,latency": unknown names and failures are reported, not fatal */
static void vns_enable_from_param(void)
{
	char *list, *name, *p;

	if (!collectors || !*collectors)
		return;
	list = kstrdup(collectors, GFP_KERNEL);
	if (!list)
		return;
	p = list;
	while ((name = strsep(&p, ","))) {
		struct vns_collector *c = vns_collector_find(strim(name));
		const char *err = "";
		int ret;

		if (!c) {
			pr_warn("collectors=: unknown collector '%s'\n", name);
			continue;
		}
		mutex_lock(&vns_lock);
		ret = vns_collector_enable(c, NULL, NULL, &err);
		mutex_unlock(&vns_lock);
		if (ret)
			pr_warn("cannot enable %s: %s (%d)\n", name, err, ret);
	}
	kfree(list);
}

#ifdef VNS_SELFTEST
/*
 * Test builds only (make VNS_SELFTEST=y; tests/vm/scenarios/96-guard.sh):
 * init fails right after step "views" or "genl", once the collectors of
 * collectors= are enabled, as an enable through the files or the family
 * already live could have done.  Installed modules have no such parameter.
 */
static char *vns_fail_init;
module_param(vns_fail_init, charp, 0444);
MODULE_PARM_DESC(vns_fail_init,
		 "tests only: fail init after step views or genl");

static int vns_fail_after(const char *step)
{
	if (!vns_fail_init || strcmp(vns_fail_init, step))
		return 0;
	vns_enable_from_param();
	pr_info("vns_fail_init=%s: init fails\n", step);
	return -ECANCELED;
}
#else
static inline int vns_fail_after(const char *step)
{
	return 0;
}
#endif

/*
 * What can enable a collector comes last, once everything it needs
 * exists: the views (their control file), then the netlink family.  On
 * failure, every collector is disabled (an enable may have come through
 * them meanwhile) before the probe layer goes.
 */
static int __init vns_init(void)
{
	int err;

	err = vns_probes_init();
	if (err)
		return err;
	err = vns_views_init();
	if (err)
		goto err_probes;
	err = vns_fail_after("views");
	if (err)
		goto err_views;
	err = vns_genl_init();
	if (err)
		goto err_views;
	err = vns_fail_after("genl");
	if (err)
		goto err_genl;
	vns_enable_from_param();
	pr_info("version %s loaded\n", VNS_VERSION);
	return 0;

err_genl:
	vns_genl_exit();
err_views:
	vns_views_exit();
err_probes:
	vns_disable_all();
	vns_probes_exit();
	return err;
}

/*
 * Interfaces go first (no new requests; a dump in progress holds a module
 * reference, so there is none), then collectors (probes detached,
 * handlers waited for, tables freed), then the probe layer.
 */
static void __exit vns_exit(void)
{
	vns_genl_exit();
	vns_views_exit();
	vns_disable_all();
	vns_probes_exit();
	pr_info("unloaded\n");
}

module_init(vns_init);
module_exit(vns_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("The vnetscope authors");
MODULE_DESCRIPTION("Packet drop and latency diagnosis with in-kernel aggregation");
MODULE_VERSION(VNS_VERSION);
