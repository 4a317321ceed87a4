// SPDX-License-Identifier: GPL-2.0
/*
 * The events file, /sys/kernel/debug/vnetscope/events and
 * /proc/vnetscope/events: the details records (core/events.c) as text, one
 * line per record, for as long as the reader reads.  It is a stream, with
 * no header:
 *
 * - read() returns whole lines only, oldest first (each read sorts what it
 *   returns by time).  The records it returns are consumed.  A buffer too
 *   small for the next line gets -EINVAL (the line stays for a bigger read;
 *   VNS_EVENT_LINE_MAX bytes always suffice).
 * - With nothing to read it blocks, or fails with -EAGAIN under O_NONBLOCK.
 *   That is also the case while there are no rings (the latency collector
 *   off, or on without a threshold): a blocked reader waits for the rings
 *   of the next enable.
 * - poll() is readable when a record waits.
 * - One reader at a time: another open gets -EBUSY.
 * - At module unload, blocked readers and pollers wake and get end of file
 *   (POLLHUP), so that unloading never waits on them.
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <vns/lat.h>

#include "../core/vns.h"

/* Records one read() takes from the rings at most, in bytes */
#define VNS_EV_STAGE	(32 * 1024)

struct vns_ev_reader {
	struct mutex lock;		/* one read() at a time */
	unsigned int nr;		/* records in stage[] */
	unsigned int next;		/* the next one to format */
	size_t rec_size;
	vns_event_show_t show;
	size_t line_len;		/* line[] waits to be read; 0: none */
	char line[VNS_EVENT_LINE_MAX];
	u8 stage[VNS_EV_STAGE];
};

/* ---- the line of a latency record ---- */

struct vns_line {
	char *buf;
	size_t len;
	size_t n;
	bool full;
};

static __printf(2, 3) void vns_line_add(struct vns_line *l,
					 const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->n, l->len - l->n, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= l->len - l->n)
		l->full = true;
	else
		l->n += n;
}

/* @s (at most @max bytes) as one value: blanks, ',' and '=' become '_' */
static void vns_line_word(struct vns_line *l, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++) {
		char c = s[i];

		if (c <= ' ' || c == ',' || c == '=' || c == 0x7f)
			c = '_';
		vns_line_add(l, "%c", c);
	}
}

static void vns_line_stage(struct vns_line *l, u8 stage)
{
	const char *name = vns_stage_name(stage);

	if (name)
		vns_line_add(l, "%s", name);
	else
		vns_line_add(l, "STAGE_%u", stage);
}

static void vns_line_addr(struct vns_line *l, const char *key, u8 family,
			  const u8 *a)
{
	if (family == VNS_AF_INET)
		vns_line_add(l, " %s=%pI4", key, a);
	else
		vns_line_add(l, " %s=%pI6c", key, a);
}

int vns_lat_event_show(char *buf, size_t len, const void *rec)
{
	const struct vns_lat_event *e = rec;
	const struct vns_flow *f = &e->key.flow;
	const char *proto = vns_proto_name(f->proto);
	struct vns_line l = { .buf = buf, .len = len };
	unsigned int i, nr = min_t(unsigned int, e->nr, VNS_LAT_HOPS);

	vns_line_add(&l, "ts_ns=%llu cpu=%u dir=%s family=%s",
		     e->first_ns, e->cpu, e->dir == VNS_DIR_RX ? "rx" : "tx",
		     f->family == VNS_AF_INET6 ? "ipv6" : "ipv4");
	if (proto)
		vns_line_add(&l, " proto=%s", proto);
	else
		vns_line_add(&l, " proto=%u", f->proto);
	vns_line_addr(&l, "src", f->family, f->src);
	vns_line_addr(&l, "dst", f->family, f->dst);
	if (vns_proto_has_ports(f->proto))
		vns_line_add(&l, " sport=%u dport=%u", f->sport, f->dport);
	else if (vns_proto_is_icmp(f->proto))
		vns_line_add(&l, " type=%u code=%u", f->icmp_type,
			     f->icmp_code);
	vns_line_add(&l, " ip_id=%u l4=0x%08x total_us=%llu why=%s",
		     e->key.id.ip_id, e->key.id.l4,
		     div_u64(e->total_ns, NSEC_PER_USEC),
		     e->why == (VNS_LAT_WHY_TOTAL | VNS_LAT_WHY_STAGE) ?
		     "total,stage" : e->why == VNS_LAT_WHY_STAGE ? "stage" :
		     "total");
	vns_line_add(&l, " slow=");
	if (e->slow >= 1 && e->slow < nr) {
		const struct vns_lat_hop *a = &e->hop[e->slow - 1];
		const struct vns_lat_hop *b = &e->hop[e->slow];

		vns_line_stage(&l, a->stage);
		vns_line_add(&l, "->");
		vns_line_stage(&l, b->stage);
		vns_line_add(&l, " slow_us=%llu",
			     b->ts_ns >= a->ts_ns ?
			     div_u64(b->ts_ns - a->ts_ns, NSEC_PER_USEC) : 0);
	} else {
		vns_line_add(&l, "- slow_us=0");
	}
	vns_line_add(&l, " pid=%u comm=", e->slow_pid);
	if (e->slow_comm[0])
		vns_line_word(&l, e->slow_comm, sizeof(e->slow_comm));
	else
		vns_line_add(&l, "-");
	vns_line_add(&l, " hops=%u", nr);
	for (i = 0; i < nr; i++) {
		const struct vns_lat_hop *h = &e->hop[i];
		u64 prev = i ? e->hop[i - 1].ts_ns : h->ts_ns;
		u64 off = h->ts_ns >= e->first_ns ? h->ts_ns - e->first_ns : 0;

		vns_line_add(&l, " hop%u=", i + 1);
		vns_line_stage(&l, h->stage);
		vns_line_add(&l, ",");
		if (h->dev[0])
			vns_line_word(&l, h->dev, sizeof(h->dev));
		else
			vns_line_add(&l, "-");
		vns_line_add(&l, ",%u,%llu,%llu", h->cpu, off,
			     h->ts_ns >= prev ? h->ts_ns - prev : 0);
	}
	vns_line_add(&l, "\n");
	return l.full ? (int)len : (int)l.n;
}

/* ---- the file ---- */

static int vns_ev_open(struct inode *inode, struct file *file)
{
	struct vns_ev_reader *r;
	int err;

	err = vns_events_open();
	if (err)
		return err;
	r = vzalloc(sizeof(*r));
	if (!r) {
		vns_events_close();
		return -ENOMEM;
	}
	mutex_init(&r->lock);
	file->private_data = r;
	return nonseekable_open(inode, file);
}

static int vns_ev_release(struct inode *inode, struct file *file)
{
	vfree(file->private_data);
	vns_events_close();
	return 0;
}

/* The next line into r->line; false when nothing is staged */
static bool vns_ev_format(struct vns_ev_reader *r)
{
	while (r->next < r->nr) {
		const void *rec = r->stage + (size_t)r->next++ * r->rec_size;
		int n = r->show(r->line, sizeof(r->line), rec);

		if (n > 0 && n < sizeof(r->line)) {
			r->line_len = n;
			return true;
		}
		WARN_ONCE(1, "vnetscope: an event line does not fit\n");
	}
	return false;
}

static ssize_t vns_ev_read(struct file *file, char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	struct vns_ev_reader *r = file->private_data;
	size_t done = 0;
	int err = 0;

	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;
	for (;;) {
		if (r->line_len) {
			if (r->line_len > len - done) {
				if (!done)
					err = -EINVAL;
				break;
			}
			if (copy_to_user(ubuf + done, r->line, r->line_len)) {
				err = -EFAULT;
				break;
			}
			done += r->line_len;
			r->line_len = 0;
			continue;
		}
		if (vns_ev_format(r))
			continue;
		/* one batch per read: what it returns is in time order */
		if (done)
			break;
		r->next = 0;
		r->nr = vns_events_take(r->stage, sizeof(r->stage),
					&r->rec_size, &r->show);
		if (r->nr)
			continue;
		if (vns_events_closed())
			break;
		if (file->f_flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		mutex_unlock(&r->lock);
		err = vns_events_wait();
		if (err)
			return err;
		if (mutex_lock_interruptible(&r->lock))
			return -ERESTARTSYS;
	}
	mutex_unlock(&r->lock);
	return done ? done : err;
}

static __poll_t vns_ev_poll(struct file *file, struct poll_table_struct *pt)
{
	struct vns_ev_reader *r = file->private_data;

	vns_events_poll_wait(file, pt);
	if (vns_events_closed())
		return EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	if (READ_ONCE(r->line_len) || READ_ONCE(r->next) < READ_ONCE(r->nr) ||
	    vns_events_ready())
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

const struct file_operations vns_events_fops = {
	.owner = THIS_MODULE,
	.open = vns_ev_open,
	.read = vns_ev_read,
	.poll = vns_ev_poll,
	.release = vns_ev_release,
};

VNS_PROC_OPS_POLL(vns_events_pops, vns_ev_open, vns_ev_read, vns_ev_poll,
		  vns_ev_release);
