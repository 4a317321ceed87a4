// SPDX-License-Identifier: GPL-2.0
/* 3.19+: within_module() (before, within_module_core() and _init()) */
#include <linux/module.h>
int vns_conftest(unsigned long ip);
int vns_conftest(unsigned long ip) { return within_module(ip, THIS_MODULE); }
