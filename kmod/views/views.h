/* SPDX-License-Identifier: GPL-2.0 */
/* The text views in procfs and debugfs, and the control file (views/) */
#ifndef _VNS_VIEWS_VIEWS_H
#define _VNS_VIEWS_VIEWS_H

#include <linux/fs.h>
#include <linux/proc_fs.h>

int vns_views_init(void);
/* 0, or -EACCES without CAP_NET_ADMIN in the initial user namespace */
int vns_view_perm(void);
void vns_views_exit(void);

/* The events file (views/events.c) */
extern const struct file_operations vns_events_fops;
extern const struct vns_proc_ops vns_events_pops;

#endif /* _VNS_VIEWS_VIEWS_H */
