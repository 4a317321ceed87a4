// SPDX-License-Identifier: GPL-2.0
/*
 * Text views for scripts: /sys/kernel/debug/vnetscope/{status,probes,drops,
 * softirqs,timers,irqoff,latency,events,control} and the same read-only
 * views in /proc/vnetscope/ (debugfs may be unmounted or locked down).  Each
 * view starts with "# vnetscope <view> v1", then one record per line of
 * space-separated key=value pairs; values never contain spaces (a stack is
 * comma-separated frames, last on its line).  The events file is a stream
 * of such lines without a header (views/events.c).
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <vns/lat.h>

#include "../core/vns.h"

static struct dentry *vns_debugfs_dir;
static struct proc_dir_entry *vns_proc_dir;

/* Print a string with any space replaced, so that it stays one value */
static void vns_seq_word(struct seq_file *m, const char *s)
{
	for (; *s; s++)
		seq_putc(m, *s == ' ' ? '_' : *s);
}

/* "%pS" without the space before " [module]" */
static void vns_seq_sym(struct seq_file *m, unsigned long ip)
{
	char buf[KSYM_SYMBOL_LEN + 32];
	const char *s;

	snprintf(buf, sizeof(buf), "%pS", (void *)ip);
	for (s = buf; *s; s++)
		if (*s != ' ')
			seq_putc(m, *s);
}

/* ---- status ---- */

static int vns_status_show(struct seq_file *m, void *v)
{
	struct vns_coll_status st;
	char filter[160];
	unsigned int i, j;

	seq_puts(m, "# vnetscope status v1\n");
	mutex_lock(&vns_lock);
	seq_printf(m, "version=%s genl_version=%d kernel=%s mem_bytes=%llu\n",
		   VNS_VERSION, VNS_GENL_VERSION, utsname()->release,
		   vns_mem_total());
	for (i = 0; i < vns_nr_collectors; i++) {
		struct vns_collector *c = vns_collectors[i];

		vns_collector_status(c, &st);
		vns_filter_format(&c->filter, filter, sizeof(filter), ',');
		seq_printf(m,
			   "collector=%s state=%s mem_bytes=%llu entries=%u capacity=%u lost=%llu",
			   c->name, c->on ? "on" : "off", st.mem_bytes,
			   st.entries, st.capacity, st.lost);
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

			seq_printf(m,
				   "collector=%s probe=%s type=%s module=%s state=%s hits=%llu reason=",
				   c->name, p->name,
				   vns_probe_type_name(p->type),
				   p->module ?: "-",
				   vns_probe_state_name(p->state),
				   vns_probe_hits(p));
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
	return single_open(file, vns_probes_show, NULL);
}

static void vns_seq_addr(struct seq_file *m, const char *key, u8 family,
			 const u8 *a)
{
	if (family == VNS_AF_INET)
		seq_printf(m, " %s=%pI4", key, a);
	else
		seq_printf(m, " %s=%pI6c", key, a);
}

/* ---- drops, softirqs, timers, irqoff: a snapshot taken at open ---- */

static void vns_drop_show(struct seq_file *m, const struct vns_snap *s,
			  const void *rec)
{
	const struct vns_drop_rec *r = rec;
	const struct vns_flow *f = &r->flow;
	char reason[64];
	const char *proto;
	unsigned int i;

	seq_printf(m, "count=%llu dev=%s ifindex=%u reason=", r->count,
		   r->dev[0] ? r->dev : "-", r->ifindex);
	if (!vns_have_drop_reason)
		seq_puts(m, "-");
	else if (vns_drop_reason_name(r->reason, reason, sizeof(reason)))
		vns_seq_word(m, reason);
	else
		seq_printf(m, "%u", r->reason);
	seq_puts(m, " location=");
	vns_seq_sym(m, r->location);
	if (f->family) {
		proto = vns_proto_name(f->proto);
		seq_printf(m, " family=%s",
			   f->family == VNS_AF_INET ? "ipv4" : "ipv6");
		if (proto)
			seq_printf(m, " proto=%s", proto);
		else
			seq_printf(m, " proto=%u", f->proto);
		vns_seq_addr(m, "src", f->family, f->src);
		vns_seq_addr(m, "dst", f->family, f->dst);
		if (vns_proto_has_ports(f->proto))
			seq_printf(m, " sport=%u dport=%u", f->sport, f->dport);
		else if (vns_proto_is_icmp(f->proto))
			seq_printf(m, " type=%u code=%u", f->icmp_type,
				   f->icmp_code);
	} else {
		seq_puts(m, " family=-");
	}
	seq_puts(m, " stack=");
	if (!r->nr_frames)
		seq_puts(m, "-");
	for (i = 0; i < r->nr_frames; i++) {
		if (i)
			seq_putc(m, ',');
		vns_seq_sym(m, r->frames[i]);
	}
	seq_putc(m, '\n');
}

struct vns_snap_view {
	const char *name;
	struct vns_snap *(*snapshot)(void);
	size_t rec_size;
	void (*show)(struct seq_file *m, const struct vns_snap *s,
		     const void *rec);
};

struct vns_snap_priv {
	const struct vns_snap_view *view;
	struct vns_snap *snap;
};

/* " key=LOW-HIGH:COUNT,..." over the non-empty buckets, or " key=-" */
static void vns_seq_hist(struct seq_file *m, const char *key,
			 const struct vns_hist *h)
{
	unsigned int b;
	bool first = true;

	seq_printf(m, " %s=", key);
	for (b = 0; b < VNS_HIST_BUCKETS; b++) {
		if (!h->buckets[b])
			continue;
		seq_printf(m, "%s%llu-%llu:%llu", first ? "" : ",",
			   vns_hist_low(b), vns_hist_high(b), h->buckets[b]);
		first = false;
	}
	if (first)
		seq_putc(m, '-');
}

static void vns_sirq_show(struct seq_file *m, const struct vns_snap *s,
			  const void *rec)
{
	const struct vns_sirq_rec *r = rec;

	if (r->vec >= VNS_NR_SOFTIRQS) {
		seq_printf(m, "type=ksoftirqd cpu=%u pid=%u runtime_ns=%llu\n",
			   r->cpu, r->pid, r->runtime_ns);
		return;
	}
	seq_printf(m,
		   "type=softirq cpu=%u vec=%s count=%llu total_ns=%llu max_ns=%llu raised=%llu wait_total_ns=%llu wait_max_ns=%llu",
		   r->cpu, vns_softirq_names[r->vec], r->count, r->total_ns,
		   r->max_ns, r->raised, r->wait_total_ns, r->wait_max_ns);
	vns_seq_hist(m, "hist_us", &r->hist);
	vns_seq_hist(m, "wait_hist_us", &r->wait);
	seq_putc(m, '\n');
}

static void vns_timer_show(struct seq_file *m, const struct vns_snap *s,
			   const void *rec)
{
	const struct vns_timer_rec *r = rec;
	char sym[KSYM_SYMBOL_LEN + 32];
	const char *c;

	/* "%ps" without the space before " [module]" */
	snprintf(sym, sizeof(sym), "%ps", (void *)r->func);
	seq_puts(m, "func=");
	for (c = sym; *c; c++)
		if (*c != ' ')
			seq_putc(m, *c);
	seq_printf(m,
		   " kind=%s count=%llu total_ns=%llu max_ns=%llu max_cpu=%u max_age_ns=%llu",
		   r->kind == VNS_TIMER_HRTIMER ? "hrtimer" : "timer",
		   r->count, r->total_ns, r->max_ns, r->max_cpu,
		   s->now_ns > r->max_when_ns ? s->now_ns - r->max_when_ns : 0);
	vns_seq_hist(m, "hist_us", &r->hist);
	seq_putc(m, '\n');
}

static void vns_irqoff_show(struct seq_file *m, const struct vns_snap *s,
			    const void *rec)
{
	const struct vns_irqoff_rec *r = rec;
	const char *kind = r->kind == VNS_IRQOFF_SOFT ? "soft" : "hard";
	unsigned int i, skip = 0;

	if (r->summary) {
		seq_printf(m, "type=summary kind=%s cpu=%u samples=%llu events=%llu",
			   kind, r->cpu, r->hist.count, r->events);
		vns_seq_hist(m, "hist_us", &r->hist);
		seq_putc(m, '\n');
		return;
	}
	seq_printf(m, "type=event kind=%s cpu=%u latency_ns=%llu age_ns=%llu pid=%u comm=",
		   kind, r->cpu, r->ev.latency_ns,
		   s->now_ns > r->ev.when_ns ? s->now_ns - r->ev.when_ns : 0,
		   r->ev.pid);
	vns_seq_word(m, r->ev.comm);
	seq_puts(m, " stack=");
	while (skip < r->ev.nr_frames && vns_frame_is_ours(r->ev.frames[skip]))
		skip++;
	if (skip == r->ev.nr_frames)
		seq_putc(m, '-');
	for (i = skip; i < r->ev.nr_frames; i++) {
		if (i > skip)
			seq_putc(m, ',');
		vns_seq_sym(m, r->ev.frames[i]);
	}
	seq_putc(m, '\n');
}

static void vns_latency_show(struct seq_file *m, const struct vns_snap *s,
			     const void *rec)
{
	const struct vns_lat_rec *r = rec;
	const char *from = vns_stage_name(r->from), *to = vns_stage_name(r->to);

	if (r->kind == VNS_LAT_REC_PAIR)
		seq_printf(m, "type=pair from=%s to=%s", from ? from : "-",
			   to ? to : "-");
	else
		seq_printf(m, "type=total dir=%s",
			   r->dir == VNS_DIR_RX ? "rx" : "tx");
	seq_printf(m, " count=%llu sum_us=%llu max_us=%llu", r->hist.count,
		   r->hist.sum, r->hist.max);
	vns_seq_hist(m, "hist_us", &r->hist);
	seq_putc(m, '\n');
}

static const struct vns_snap_view vns_drop_view = {
	"drops", vns_drops_snapshot, sizeof(struct vns_drop_rec),
	vns_drop_show,
};
static const struct vns_snap_view vns_latency_view = {
	"latency", vns_latency_snapshot, sizeof(struct vns_lat_rec),
	vns_latency_show,
};
static const struct vns_snap_view vns_sirq_view = {
	"softirqs", vns_softirqs_snapshot, sizeof(struct vns_sirq_rec),
	vns_sirq_show,
};
static const struct vns_snap_view vns_timer_view = {
	"timers", vns_timers_snapshot, sizeof(struct vns_timer_rec),
	vns_timer_show,
};
static const struct vns_snap_view vns_irqoff_view = {
	"irqoff", vns_irqoff_snapshot, sizeof(struct vns_irqoff_rec),
	vns_irqoff_show,
};

static void *vns_snap_start(struct seq_file *m, loff_t *pos)
{
	struct vns_snap_priv *p = m->private;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	if (!p->snap || *pos > p->snap->nr)
		return NULL;
	return (char *)p->snap->data + (*pos - 1) * p->view->rec_size;
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
		seq_printf(m, "# vnetscope %s v1\n", p->view->name);
	else
		p->view->show(m, p->snap, v);
	return 0;
}

static const struct seq_operations vns_snap_seq_ops = {
	.start = vns_snap_start,
	.next = vns_snap_next,
	.stop = vns_snap_stop,
	.show = vns_snap_show,
};

static int vns_snap_open(struct file *file, const struct vns_snap_view *view)
{
	struct vns_snap_priv *p;
	struct vns_snap *s;

	mutex_lock(&vns_lock);
	s = view->snapshot();
	mutex_unlock(&vns_lock);
	if (IS_ERR(s))
		return PTR_ERR(s);
	p = __seq_open_private(file, &vns_snap_seq_ops, sizeof(*p));
	if (!p) {
		vns_snap_free(s);
		return -ENOMEM;
	}
	p->view = view;
	p->snap = s;
	return 0;
}

static int vns_snap_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct vns_snap_priv *p = m->private;

	vns_snap_free(p->snap);
	return seq_release_private(inode, file);
}

static int vns_drops_open(struct inode *inode, struct file *file)
{
	return vns_snap_open(file, &vns_drop_view);
}

static int vns_latency_open(struct inode *inode, struct file *file)
{
	return vns_snap_open(file, &vns_latency_view);
}

static int vns_softirqs_open(struct inode *inode, struct file *file)
{
	return vns_snap_open(file, &vns_sirq_view);
}

static int vns_timers_open(struct inode *inode, struct file *file)
{
	return vns_snap_open(file, &vns_timer_view);
}

static int vns_irqoff_open(struct inode *inode, struct file *file)
{
	return vns_snap_open(file, &vns_irqoff_view);
}

/* ---- control (debugfs only): "enable drops proto=udp", ... ---- */

static char vns_ctl_error[128];

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
			r = vns_settings_parse_word(&set, word, err);
			if (r == -ENOENT)
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

static int vns_ctl_open(struct inode *inode, struct file *file)
{
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
VNS_VIEW_FOPS(vns_drops, vns_drops_open, vns_snap_release);
VNS_VIEW_FOPS(vns_softirqs, vns_softirqs_open, vns_snap_release);
VNS_VIEW_FOPS(vns_timers, vns_timers_open, vns_snap_release);
VNS_VIEW_FOPS(vns_irqoff, vns_irqoff_open, vns_snap_release);
VNS_VIEW_FOPS(vns_latency, vns_latency_open, vns_snap_release);

static const struct file_operations vns_ctl_fops = {
	.owner = THIS_MODULE,
	.open = vns_ctl_open,
	.read = seq_read,
	.write = vns_ctl_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct {
	const char *name;
	const struct file_operations *fops;
	const struct vns_proc_ops *pops;
} vns_views[] = {
	{ "status", &vns_status_fops, &vns_status_pops },
	{ "probes", &vns_probes_fops, &vns_probes_pops },
	{ "drops", &vns_drops_fops, &vns_drops_pops },
	{ "softirqs", &vns_softirqs_fops, &vns_softirqs_pops },
	{ "timers", &vns_timers_fops, &vns_timers_pops },
	{ "irqoff", &vns_irqoff_fops, &vns_irqoff_pops },
	{ "latency", &vns_latency_fops, &vns_latency_pops },
	{ "events", &vns_events_fops, &vns_events_pops },
};

int vns_views_init(void)
{
	unsigned int i;

	/* Views are root-only: stacks reveal kernel addresses */
	vns_proc_dir = proc_mkdir("vnetscope", NULL);
	if (!vns_proc_dir)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(vns_views); i++)
		if (!proc_create(vns_views[i].name, 0400, vns_proc_dir,
				 vns_views[i].pops))
			goto fail;

	/* debugfs is optional (unmounted, locked down, or compiled out) */
	vns_debugfs_dir = debugfs_create_dir("vnetscope", NULL);
	if (IS_ERR_OR_NULL(vns_debugfs_dir)) {
		vns_debugfs_dir = NULL;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(vns_views); i++)
		debugfs_create_file(vns_views[i].name, 0400, vns_debugfs_dir,
				    NULL, vns_views[i].fops);
	debugfs_create_file("control", 0600, vns_debugfs_dir, NULL,
			    &vns_ctl_fops);
	return 0;
fail:
	proc_remove(vns_proc_dir);
	return -ENOMEM;
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
