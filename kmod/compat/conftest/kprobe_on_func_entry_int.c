// SPDX-License-Identifier: GPL-2.0
/*
 * 5.11+ (97c753e62e6c, in 5.10.y): kprobe_on_func_entry() returns an error,
 * and register_kretprobe() passes -ENOENT on for a symbol that does not
 * resolve; 4.13 .. 5.10 returned bool and register_kretprobe() -EINVAL.
 */
#include <linux/kprobes.h>
int vns_conftest(void);
int vns_conftest(void)
{
	int (*f)(kprobe_opcode_t *, const char *, unsigned long) =
		kprobe_on_func_entry;

	return f != NULL;
}
