// SPDX-License-Identifier: GPL-2.0
/*
 * The events file, /sys/kernel/debug/vnetscope/events and
 * /proc/vnetscope/events: the details records (core/events.c) as text, one
 * line per record (the owner collector's event_show()), for as long as the
 * reader reads.  It is a stream; like every view it starts with
 * "# vnetscope events v1", once per open, glued to the first record:
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
 * - Opening it needs CAP_NET_ADMIN (-EACCES), checked before the reader
 *   slot is taken.
 * - One reader at a time: another open gets -EBUSY (also while a netlink
 *   socket's VNS_CMD_EVENT_GET lease is fresh).
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

#include "../core/collector.h"
#include "../core/events.h"
#include "views.h"

/* Records one read() takes from the rings at most, in bytes */
#define VNS_EV_STAGE	(32 * 1024)
#define VNS_EV_HEADER	"# vnetscope events v1\n"

struct vns_ev_reader {
	struct mutex lock;		/* one read() at a time */
	unsigned int nr;		/* records in stage[] */
	unsigned int next;		/* the next one to format */
	size_t rec_size;
	const struct vns_collector *owner;
	bool header;			/* the header went out */
	size_t line_len;		/* line[] waits to be read; 0: none */
	char line[sizeof(VNS_EV_HEADER) + VNS_EVENT_LINE_MAX];
	u8 stage[VNS_EV_STAGE] __aligned(8);	/* records start with a u64 */
};

/* ---- the file ---- */

static int vns_ev_open(struct inode *inode, struct file *file)
{
	struct vns_ev_reader *r;
	int err;

	BUILD_BUG_ON(offsetof(struct vns_ev_reader, stage) % 8);
	/* before the reader slot: no unprivileged holder blocks the admin */
	err = vns_view_perm();
	if (err)
		return err;
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

/*
 * The next line into r->line, after the header if it is the first; false
 * when nothing is staged
 */
static bool vns_ev_format(struct vns_ev_reader *r)
{
	size_t hdr = r->header ? 0 : sizeof(VNS_EV_HEADER) - 1;

	while (r->next < r->nr) {
		const void *rec = r->stage + (size_t)r->next++ * r->rec_size;
		int n = r->owner->event_show(r->line + hdr,
					     VNS_EVENT_LINE_MAX, rec);

		if (n > 0 && n < VNS_EVENT_LINE_MAX) {
			memcpy(r->line, VNS_EV_HEADER, hdr);
			r->header = true;
			r->line_len = hdr + n;
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
					&r->rec_size, &r->owner);
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

	/* not in the wait queue once the module is going */
	if (vns_events_poll_wait(file, pt))
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
