// SPDX-License-Identifier: GPL-2.0
/* 5.2+: stack_trace_save() replaces save_stack_trace(struct stack_trace *) */
#include <linux/stacktrace.h>
int vns_conftest(void);
int vns_conftest(void) { unsigned long e[4]; return stack_trace_save(e, 4, 0); }
