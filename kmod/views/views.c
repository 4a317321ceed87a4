// SPDX-License-Identifier: GPL-2.0
/*
 * Text views for scripts: /sys/kernel/debug/vnetscope/{status,probes,
 * <collector>...,events,control} and the same read-only views in
 * /proc/vnetscope/ (debugfs may be unmounted or locked down).  Each
 * view starts with "# vnetscope <view> v1", then one record per line of
 * space-separated key=value pairs; values never contain spaces (a stack is
 * comma-separated frames, last on its line).  Each collector with records
 * has its view, named after it, whose lines the collector writes
 * (vns_collector.show).  The events file is a stream of such lines
 * (views/events.c).
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "../core/collector.h"
#include "../core/events.h"
#include "../core/probe.h"
#include "../core/snap.h"
#include "text.h"
#include "views.h"

static struct dentry *vns_debugfs_dir;
static struct proc_dir_entry *vns_proc_dir;

/*
 * Every open of a view or of the control file, procfs or debugfs, needs
 * CAP_NET_ADMIN in the initial user namespace, as every netlink command
 * does (GENL_ADMIN_PERM): the file mode alone lets any uid 0 through,
 * capabilities or not (a container's root, a daemon that dropped them).
 */
int vns_view_perm(void)
{
	/* a file that may not be opened: EACCES, "Permission denied" */
	return capable(CAP_NET_ADMIN) ? 0 : -EACCES;
}

/* ---- status ---- */

static int vns_status_show(struct seq_file *m, void *v)
{
	struct vns_coll_status st;
	char filter[VNS_FILTER_FMT_MAX];
	unsigned int i, j;

	seq_puts(m, "# vnetscope status v1\n");
	mutex_lock(&vns_lock);
	seq_printf(m,
		   "version=%s genl_version=%d kernel=%s mem_bytes=%llu mem_limit=%llu kprobe_args=%s\n",
		   VNS_VERSION, VNS_GENL_VERSION, utsname()->release,
		   vns_mem_total(), vns_mem_limit(), VNS_KPROBE_ARGS_NAME);
	for (i = 0; i < vns_nr_collectors; i++) {
		struct vns_collector *c = vns_collectors[i];

		vns_collector_status(c, &st);
		vns_filter_format(&c->filter, filter, sizeof(filter), ',');
		seq_printf(m,
			   "collector=%s state=%s mem_bytes=%llu entries=%u capacity=%u lost=%llu",
			   c->name, c->on ? "on" : "off", st.mem_bytes,
			   st.entries, st.capacity, st.lost);
		seq_printf(m,
			   " handler_calls=%llu handler_timed=%llu handler_timed_ns=%llu",
			   st.calls, st.timed, st.timed_ns);
		for (j = 0; j < st.nr_counters; j++)
			seq_printf(m, " %s=%llu", st.counters[j].name,
				   st.counters[j].value);
		seq_printf(m, " filter=%s\n", c->on ? filter : "none");
	}
	mutex_unlock(&vns_lock);
	return 0;
}

static int vns_status_open(struct inode *inode, struct file *file)
{
	if (vns_view_perm())
		return -EACCES;
	return single_open(file, vns_status_show, NULL);
}

/* ---- probes ---- */

static int vns_probes_show(struct seq_file *m, void *v)
{
	unsigned int i, j;

	seq_puts(m, "# vnetscope probes v1\n");
	mutex_lock(&vns_lock);
	for (i = 0; i < vns_nr_collectors; i++) {
		struct vns_collector *c = vns_collectors[i];

		for (j = 0; j < c->nr_probes; j++) {
			struct vns_probe *p = &c->probes[j];
			struct vns_probe_cost cost = { 0 };

			vns_probe_cost_add(p, &cost);
			seq_printf(m,
				   "collector=%s probe=%s type=%s module=%s state=%s hits=%llu missed=%llu",
				   c->name, p->name,
				   vns_probe_type_name(p->type),
				   p->module ?: "-",
				   vns_probe_state_name(p->state),
				   vns_probe_hits(p), vns_probe_missed(p));
			if (p->type == VNS_PROBE_KRETPROBE)
				seq_printf(m, " maxactive=%d",
					   p->krp_maxactive);
			seq_printf(m, " calls=%llu timed=%llu timed_ns=%llu",
				   cost.calls, cost.timed, cost.ns);
			seq_puts(m, " reason=");
			vns_seq_word(m, p->state == VNS_PROBE_UNAVAILABLE &&
					p->reason ? p->reason : "-");
			seq_putc(m, '\n');
		}
	}
	mutex_unlock(&vns_lock);
	return 0;
}

static int vns_probes_open(struct inode *inode, struct file *file)
{
	if (vns_view_perm())
		return -EACCES;
	return single_open(file, vns_probes_show, NULL);
}

/* ---- records: a snapshot taken at open, one view per collector ---- */

struct vns_snap_priv {
	const struct vns_collector *coll;
	struct vns_snap *snap;
};

static void *vns_snap_start(struct seq_file *m, loff_t *pos)
{
	struct vns_snap_priv *p = m->private;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	if (!p->snap || *pos > p->snap->nr)
		return NULL;
	return (char *)p->snap->data + (*pos - 1) * p->coll->rec_size;
}

static void *vns_snap_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return vns_snap_start(m, pos);
}

static void vns_snap_stop(struct seq_file *m, void *v)
{
}

static int vns_snap_show(struct seq_file *m, void *v)
{
	struct vns_snap_priv *p = m->private;

	if (v == SEQ_START_TOKEN)
		seq_printf(m, "# vnetscope %s v1\n", p->coll->name);
	else
		p->coll->show(m, p->snap, v);
	return 0;
}

static const struct seq_operations vns_snap_seq_ops = {
	.start = vns_snap_start,
	.next = vns_snap_next,
	.stop = vns_snap_stop,
	.show = vns_snap_show,
};

static int vns_snap_open(struct file *file, struct vns_collector *c)
{
	struct vns_snap_priv *p;
	struct vns_snap *s;

	if (vns_view_perm())
		return -EACCES;
	s = vns_collector_snapshot(c);
	if (IS_ERR(s))
		return PTR_ERR(s);
	p = __seq_open_private(file, &vns_snap_seq_ops, sizeof(*p));
	if (!p) {
		vns_snap_free(s);
		return -ENOMEM;
	}
	p->coll = c;
	p->snap = s;
	return 0;
}

/* The collector: the file's data (procfs: the entry's, debugfs: i_private) */
static int vns_snap_proc_open(struct inode *inode, struct file *file)
{
	return vns_snap_open(file, pde_data(inode));
}

static int vns_snap_dbg_open(struct inode *inode, struct file *file)
{
	return vns_snap_open(file, inode->i_private);
}

static int vns_snap_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct vns_snap_priv *p = m->private;

	vns_snap_free(p->snap);
	return seq_release_private(inode, file);
}

/* ---- control (debugfs only): "enable drops proto=udp", ... ---- */

static char vns_ctl_error[256];

static int vns_ctl_exec(char *line, const char **err)
{
	struct vns_collector *c = NULL;
	struct vns_filter f = {};
	char *cmd, *name, *word;
	unsigned int i;

	cmd = strsep(&line, " \t");
	name = strsep(&line, " \t");
	if (!cmd || !*cmd) {
		*err = "empty command";
		return -EINVAL;
	}
	if (name && *name) {
		c = vns_collector_find(name);
		if (!c) {
			*err = "unknown collector";
			return -ENOENT;
		}
	}
	if ((!strcmp(cmd, "enable") || !strcmp(cmd, "update")) && c) {
		u32 flags = cmd[0] == 'u' ? VNS_ENABLE_F_UPDATE : 0;
		struct vns_settings set;
		int r;

		vns_settings_default(&set);
		while ((word = strsep(&line, " \t"))) {
			if (!*word)
				continue;
			/* the codecs: 0, VNS_PARSE_UNKNOWN or -1 */
			r = vns_settings_parse_word(&set, word, err);
			if (r == VNS_PARSE_UNKNOWN)
				r = vns_filter_parse_word(&f, word, err);
			if (r)
				return -EINVAL;
		}
		return vns_collector_update(c, &f, &set, flags, err);
	}
	if (line && *line) {
		*err = "unexpected arguments";
		return -EINVAL;
	}
	if (!strcmp(cmd, "disable") && c) {
		vns_collector_disable(c);
		return 0;
	}
	if (!strcmp(cmd, "reset")) {
		for (i = 0; i < vns_nr_collectors; i++)
			if (!c || c == vns_collectors[i])
				vns_collector_reset(vns_collectors[i]);
		return 0;
	}
	*err = "usage: enable|update|disable <collector> [k=v...], reset [<c>]";
	return -EINVAL;
}

static ssize_t vns_ctl_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	const char *err = NULL;
	char buf[256];
	int ret;

	if (len >= sizeof(buf))
		return -E2BIG;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	strim(buf);
	mutex_lock(&vns_lock);
	ret = vns_ctl_exec(strim(buf), &err);
	if (ret)
		snprintf(vns_ctl_error, sizeof(vns_ctl_error), "%s (%d)",
			 err ?: "failed", ret);
	else
		vns_ctl_error[0] = 0;
	mutex_unlock(&vns_lock);
	return ret ?: len;
}

static int vns_ctl_show(struct seq_file *m, void *v)
{
	unsigned int i;

	seq_puts(m, "# vnetscope control v1\n");
	seq_puts(m, "# enable <collector> [src=A[/N]] [dst=A[/N]] [proto=P] [sport=N] [dport=N] [dev=IF]\n");
	seq_puts(m, "# enable irqoff [period=10ms] [threshold=20ms]\n");
	seq_puts(m, "# update <collector> [k=v...]: only these keys change\n");
	seq_puts(m, "# disable <collector>\n# reset [<collector>]\n");
	mutex_lock(&vns_lock);
	for (i = 0; i < vns_nr_collectors; i++)
		seq_printf(m, "collector=%s\n", vns_collectors[i]->name);
	seq_puts(m, "last_error=");
	vns_seq_word(m, vns_ctl_error[0] ? vns_ctl_error : "-");
	seq_putc(m, '\n');
	mutex_unlock(&vns_lock);
	return 0;
}

/* Reading and writing alike: the check is at open, for every fd */
static int vns_ctl_open(struct inode *inode, struct file *file)
{
	if (vns_view_perm())
		return -EACCES;
	return single_open(file, vns_ctl_show, NULL);
}

/* ---- registration ---- */

#define VNS_VIEW_FOPS(name, open_fn, release_fn)			\
	static const struct file_operations name##_fops = {		\
		.owner = THIS_MODULE,					\
		.open = open_fn,					\
		.read = seq_read,					\
		.llseek = seq_lseek,					\
		.release = release_fn,					\
	};								\
	VNS_PROC_OPS(name##_pops, open_fn, seq_read, seq_lseek, release_fn)

VNS_VIEW_FOPS(vns_status, vns_status_open, single_release);
VNS_VIEW_FOPS(vns_probes, vns_probes_open, single_release);

static const struct file_operations vns_snap_fops = {
	.owner = THIS_MODULE,
	.open = vns_snap_dbg_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = vns_snap_release,
};

VNS_PROC_OPS(vns_snap_pops, vns_snap_proc_open, seq_read, seq_lseek,
	     vns_snap_release);

static const struct file_operations vns_ctl_fops = {
	.owner = THIS_MODULE,
	.open = vns_ctl_open,
	.read = seq_read,
	.write = vns_ctl_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* The views of the module, then one per collector with records, then events */
static const struct {
	const char *name;
	const struct file_operations *fops;
	const struct vns_proc_ops *pops;
} vns_views[] = {
	{ "status", &vns_status_fops, &vns_status_pops },
	{ "probes", &vns_probes_fops, &vns_probes_pops },
};

static int vns_views_create(bool proc)
{
	struct vns_collector *c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vns_views); i++) {
		if (!proc)
			debugfs_create_file(vns_views[i].name, 0400,
					    vns_debugfs_dir, NULL,
					    vns_views[i].fops);
		else if (!proc_create(vns_views[i].name, 0400, vns_proc_dir,
				      vns_views[i].pops))
			return -ENOMEM;
	}
	vns_for_each_collector(c, i) {
		if (!c->snapshot)
			continue;
		if (!proc)
			debugfs_create_file(c->name, 0400, vns_debugfs_dir, c,
					    &vns_snap_fops);
		else if (!proc_create_data(c->name, 0400, vns_proc_dir,
					   &vns_snap_pops, c))
			return -ENOMEM;
	}
	if (!proc)
		debugfs_create_file("events", 0400, vns_debugfs_dir, NULL,
				    &vns_events_fops);
	else if (!proc_create("events", 0400, vns_proc_dir, &vns_events_pops))
		return -ENOMEM;
	return 0;
}

int vns_views_init(void)
{
	/* Views are root-only (and CAP_NET_ADMIN): stacks reveal addresses */
	vns_proc_dir = proc_mkdir("vnetscope", NULL);
	if (!vns_proc_dir)
		return -ENOMEM;
	if (vns_views_create(true)) {
		proc_remove(vns_proc_dir);
		return -ENOMEM;
	}

	/* debugfs is optional (unmounted, locked down, or compiled out) */
	vns_debugfs_dir = debugfs_create_dir("vnetscope", NULL);
	if (IS_ERR_OR_NULL(vns_debugfs_dir)) {
		vns_debugfs_dir = NULL;
		return 0;
	}
	vns_views_create(false);
	debugfs_create_file("control", 0600, vns_debugfs_dir, NULL,
			    &vns_ctl_fops);
	return 0;
}

/*
 * Removal waits for readers inside a file operation; files still open stay
 * safe: debugfs holds a module reference for each, and procfs runs their
 * release at removal (so a snapshot is never leaked nor used after free).
 * A reader blocked in the events file would hold the removal up for good:
 * it is woken first, and gets end of file.
 */
void vns_views_exit(void)
{
	vns_events_shutdown();
	debugfs_remove_recursive(vns_debugfs_dir);
	proc_remove(vns_proc_dir);
}
