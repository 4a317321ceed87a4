// SPDX-License-Identifier: GPL-2.0
/* 5.11+: get_kretprobe(ri); before, ri->rp */
#include <linux/kprobes.h>
struct kretprobe *vns_conftest(struct kretprobe_instance *ri);
struct kretprobe *vns_conftest(struct kretprobe_instance *ri)
{
	return get_kretprobe(ri);
}
