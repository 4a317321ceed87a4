// SPDX-License-Identifier: GPL-2.0
/* x86 4.14+: the unwinder's own API, exported to modules (asm/unwind.h) */
#include <linux/sched.h>
#ifndef CONFIG_X86
#error "the unwinder API used here is x86's: elsewhere stack_trace_save()"
#endif
#include <asm/unwind.h>
int vns_conftest(void);
int vns_conftest(void)
{
	struct unwind_state s;
	unsigned long n = 0;

	for (unwind_start(&s, current, NULL, NULL);
	     !unwind_done(&s) && !unwind_error(&s); unwind_next_frame(&s))
		n += unwind_get_return_address(&s);
	return n != 0;
}
