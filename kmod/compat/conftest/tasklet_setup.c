// SPDX-License-Identifier: GPL-2.0
/* 5.9+: tasklet_setup(); tasklet_init() is gone from some 6.x trees */
#include <linux/interrupt.h>
static void fn(struct tasklet_struct *t) { }
int vns_conftest(void);
int vns_conftest(void)
{
	static struct tasklet_struct t;

	tasklet_setup(&t, fn);
	return 0;
}
