// SPDX-License-Identifier: GPL-2.0
/*
 * 5.0+ (a6e60d84989f): module_init() and module_exit() copy the function's
 * attributes (__init's cold) to the init_module() and cleanup_module()
 * aliases; before, gcc 9+ warns (-Wmissing-attributes) and -Werror fails.
 */
#include <linux/init.h>
#include <linux/module.h>
static int __init vns_conftest_init(void)
{
	return 0;
}

static void __exit vns_conftest_exit(void)
{
}

module_init(vns_conftest_init);
module_exit(vns_conftest_exit);
