// SPDX-License-Identifier: GPL-2.0
/*
 * The collector registry and its lifecycle: enable (allocate, then attach),
 * reset (pause, clear, resume), disable (detach, wait, free).
 */
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "vns.h"

DEFINE_MUTEX(vns_lock);

struct vns_collector *vns_collectors[] = {
	&vns_drops_collector,
	&vns_softirqs_collector,
	&vns_timers_collector,
	&vns_irqoff_collector,
	&vns_latency_collector,
#ifdef VNS_SELFTEST
	&vns_selftest_collector,
#endif
};
const unsigned int vns_nr_collectors = ARRAY_SIZE(vns_collectors);

struct vns_collector *vns_collector_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < vns_nr_collectors; i++)
		if (!strcmp(vns_collectors[i]->name, name))
			return vns_collectors[i];
	return NULL;
}

/*
 * Enable @c with filter @f (NULL: match everything).  Enabling a running
 * collector with a different filter starts it afresh: counts gathered under
 * another filter would mislead.  The same filter again is a no-op.
 */
void vns_settings_default(struct vns_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->period_us = VNS_CFG_PERIOD_DEFAULT_US;
	s->threshold_us = VNS_CFG_THRESHOLD_DEFAULT_US;
}

static int vns_settings_check(const struct vns_collector *c,
			      const struct vns_settings *s, const char **err)
{
	u32 extra = s->given & ~c->settings;

	if (extra) {
		*err = "this collector takes no such setting";
		if (extra & VNS_SET_PERIOD)
			*err = "this collector takes no period";
		else if (extra & VNS_SET_THRESHOLD)
			*err = "this collector takes no threshold";
		else if (extra & (VNS_SET_PHY | VNS_SET_VM | VNS_SET_DIR))
			*err = "this collector takes no phy, vm or dir";
		return -EINVAL;
	}
	if (c->settings & VNS_SET_PERIOD) {
		if (s->period_us < VNS_CFG_PERIOD_MIN_US ||
		    s->period_us > VNS_CFG_PERIOD_MAX_US) {
			*err = "period must be 1ms..1s";
			return -ERANGE;
		}
		if (s->threshold_us < s->period_us ||
		    s->threshold_us > VNS_CFG_THRESHOLD_MAX_US) {
			*err = "threshold must be period..10s";
			return -ERANGE;
		}
	} else if (s->given & VNS_SET_THRESHOLD &&
		   (!s->threshold_us ||
		    s->threshold_us > VNS_CFG_THRESHOLD_MAX_US)) {
		*err = "threshold must be 1us..10s";
		return -ERANGE;
	}
	if (s->given & VNS_SET_STAGE_THRESHOLD &&
	    (!s->stage_threshold_us ||
	     s->stage_threshold_us > VNS_CFG_THRESHOLD_MAX_US)) {
		*err = "stage_threshold must be 1us..10s";
		return -ERANGE;
	}
	if (s->dir > VNS_DIR_TX) {
		*err = "dir must be rx, tx or both";
		return -EINVAL;
	}
	if (s->given & VNS_SET_VM && !(s->given & VNS_SET_PHY)) {
		*err = "the VM path needs the physical port too (phy=)";
		return -EINVAL;
	}
	return 0;
}

/* "12ms", "500us", "2s", "1000000ns"; a bare number is milliseconds */
static int vns_parse_duration_us(const char *v, u32 *us)
{
	unsigned long long n, mul = 1000;
	char num[24];
	size_t len = 0;

	while (v[len] >= '0' && v[len] <= '9')
		len++;
	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, v, len);
	num[len] = 0;
	if (kstrtoull(num, 10, &n))
		return -EINVAL;
	v += len;
	if (!strcmp(v, "ns")) {
		n /= 1000;
		mul = 1;
	} else if (!strcmp(v, "us")) {
		mul = 1;
	} else if (!strcmp(v, "s")) {
		mul = 1000000;
	} else if (*v && strcmp(v, "ms")) {
		return -EINVAL;
	}
	if (n > U32_MAX / mul)
		return -ERANGE;
	*us = n * mul;
	return 0;
}

/* An interface name: 1..IFNAMSIZ-1 bytes, no '/', ':' or blank */
static int vns_parse_ifname(const char *v, char *dst)
{
	size_t len = strlen(v);

	if (!len || len >= IFNAMSIZ || strpbrk(v, "/: \t"))
		return -EINVAL;
	memcpy(dst, v, len + 1);
	return 0;
}

int vns_settings_parse_word(struct vns_settings *s, const char *word,
			    const char **err)
{
	const char *v = strchr(word, '=');
	u32 *dst;

	if (!v)
		return -ENOENT;
	v++;
	if (!strncmp(word, "phy=", 4) || !strncmp(word, "vm=", 3)) {
		bool phy = word[0] == 'p';

		if (vns_parse_ifname(v, phy ? s->phy : s->vm)) {
			*err = "bad interface name";
			return -EINVAL;
		}
		s->given |= phy ? VNS_SET_PHY : VNS_SET_VM;
		return 0;
	}
	if (!strncmp(word, "dir=", 4)) {
		if (!strcmp(v, "rx"))
			s->dir = VNS_DIR_RX;
		else if (!strcmp(v, "tx"))
			s->dir = VNS_DIR_TX;
		else if (!strcmp(v, "both"))
			s->dir = VNS_DIR_BOTH;
		else {
			*err = "dir must be rx, tx or both";
			return -EINVAL;
		}
		s->given |= VNS_SET_DIR;
		return 0;
	}
	if (!strncmp(word, "period=", 7)) {
		dst = &s->period_us;
		s->given |= VNS_SET_PERIOD;
	} else if (!strncmp(word, "threshold=", 10)) {
		dst = &s->threshold_us;
		s->given |= VNS_SET_THRESHOLD;
	} else if (!strncmp(word, "stage_threshold=", 16)) {
		dst = &s->stage_threshold_us;
		s->given |= VNS_SET_STAGE_THRESHOLD;
	} else {
		return -ENOENT;
	}
	if (vns_parse_duration_us(v, dst)) {
		*err = "bad duration (e.g. 10ms, 500us, 1s)";
		return -EINVAL;
	}
	return 0;
}

/* The same settings in effect, whether given or defaulted */
static bool vns_settings_same(const struct vns_settings *a,
			      const struct vns_settings *b)
{
	u32 thr = VNS_SET_THRESHOLD | VNS_SET_STAGE_THRESHOLD;

	return a->period_us == b->period_us && a->dir == b->dir &&
	       (a->given & thr) == (b->given & thr) &&
	       a->threshold_us == b->threshold_us &&
	       a->stage_threshold_us == b->stage_threshold_us &&
	       !strncmp(a->phy, b->phy, IFNAMSIZ) &&
	       !strncmp(a->vm, b->vm, IFNAMSIZ);
}

int vns_collector_enable(struct vns_collector *c, const struct vns_filter *f,
			 const struct vns_settings *s, const char **err)
{
	struct vns_settings def;
	static const struct vns_filter none;
	int ret;

	lockdep_assert_held(&vns_lock);
	if (!f)
		f = &none;
	if (!c->has_filter && !vns_filter_is_empty(f)) {
		*err = "this collector takes no filter";
		return -EINVAL;
	}
	vns_settings_default(&def);
	if (!s)
		s = &def;
	ret = vns_settings_check(c, s, err);
	if (ret)
		return ret;
	if (c->on) {
		if (!memcmp(&c->filter, f, sizeof(*f)) &&
		    vns_settings_same(&c->set, s))
			return 0;
		vns_collector_disable(c);
	}
	c->filter = *f;
	c->set = *s;
	ret = c->alloc(c);
	if (ret) {
		*err = "cannot allocate the collector's tables";
		return ret;
	}
	/* Tables and filter are in place before any handler can run */
	WRITE_ONCE(c->active, true);
	ret = vns_probes_attach(c, err);
	if (ret) {
		WRITE_ONCE(c->active, false);
		c->free(c);
		return ret;
	}
	c->on = true;
	pr_info("collector %s enabled\n", c->name);
	return 0;
}

/* Keys set in @upd replace those of @dst */
static void vns_filter_merge(struct vns_filter *dst,
			     const struct vns_filter *upd)
{
	if (upd->src_family) {
		dst->src_family = upd->src_family;
		dst->src_prefix = upd->src_prefix;
		memcpy(dst->src, upd->src, sizeof(dst->src));
	}
	if (upd->dst_family) {
		dst->dst_family = upd->dst_family;
		dst->dst_prefix = upd->dst_prefix;
		memcpy(dst->dst, upd->dst, sizeof(dst->dst));
	}
	if (upd->proto)
		dst->proto = upd->proto;
	if (upd->has_sport) {
		dst->sport = upd->sport;
		dst->has_sport = 1;
	}
	if (upd->has_dport) {
		dst->dport = upd->dport;
		dst->has_dport = 1;
	}
	if (upd->has_dev) {
		memcpy(dst->dev, upd->dev, sizeof(dst->dev));
		dst->has_dev = 1;
	}
}

/* Settings given in @upd replace those of @dst */
static void vns_settings_merge(struct vns_settings *dst,
			       const struct vns_settings *upd)
{
	if (upd->given & VNS_SET_PERIOD)
		dst->period_us = upd->period_us;
	if (upd->given & VNS_SET_THRESHOLD)
		dst->threshold_us = upd->threshold_us;
	if (upd->given & VNS_SET_STAGE_THRESHOLD)
		dst->stage_threshold_us = upd->stage_threshold_us;
	if (upd->given & VNS_SET_DIR)
		dst->dir = upd->dir;
	if (upd->given & VNS_SET_PHY)
		memcpy(dst->phy, upd->phy, sizeof(dst->phy));
	if (upd->given & VNS_SET_VM)
		memcpy(dst->vm, upd->vm, sizeof(dst->vm));
	dst->given |= upd->given;
}

/*
 * Enable with VNS_ENABLE_F_* @flags.  UPDATE: the filter keys and settings
 * given replace the running ones, the others keep their running values (an
 * off collector starts with the defaults and those given).  IF_ON: an off
 * collector stays off (-ENODATA).  Either way the tables restart only if
 * the effective filter or settings change (vns_collector_enable()).
 */
int vns_collector_update(struct vns_collector *c, const struct vns_filter *f,
			 const struct vns_settings *s, u32 flags,
			 const char **err)
{
	struct vns_filter mf;
	struct vns_settings ms;

	lockdep_assert_held(&vns_lock);
	if (flags & ~VNS_ENABLE_F_ALL) {
		*err = "unknown enable flags";
		return -EINVAL;
	}
	if (!c->on && flags & VNS_ENABLE_F_IF_ON) {
		*err = "the collector is off";
		return -ENODATA;
	}
	if (!c->on || !(flags & VNS_ENABLE_F_UPDATE))
		return vns_collector_enable(c, f, s, err);
	mf = c->filter;
	ms = c->set;
	if (f)
		vns_filter_merge(&mf, f);
	if (s)
		vns_settings_merge(&ms, s);
	return vns_collector_enable(c, &mf, &ms, err);
}

void vns_collector_disable(struct vns_collector *c)
{
	lockdep_assert_held(&vns_lock);
	if (!c->on)
		return;
	WRITE_ONCE(c->active, false);
	vns_probes_detach(c);		/* waits for running handlers */
	c->free(c);
	c->on = false;
	pr_info("collector %s disabled\n", c->name);
}

void vns_collector_reset(struct vns_collector *c)
{
	lockdep_assert_held(&vns_lock);
	if (!c->on)
		return;
	WRITE_ONCE(c->active, false);
	vns_sync_handlers();
	c->clear(c);
	WRITE_ONCE(c->active, true);
}

void vns_collector_status(struct vns_collector *c, struct vns_coll_status *st)
{
	lockdep_assert_held(&vns_lock);
	memset(st, 0, sizeof(*st));
	if (c->on)
		c->status(c, st);
}

struct vns_snap *vns_snap_alloc(unsigned int nr, size_t rec_size)
{
	struct vns_snap *s = vzalloc(sizeof(*s) + (size_t)nr * rec_size);

	if (s)
		s->now_ns = ktime_get_ns();
	return s;
}

void vns_snap_free(struct vns_snap *s)
{
	vfree(s);
}

u64 vns_mem_total(void)
{
	struct vns_coll_status st;
	unsigned int i;
	u64 sum = 0;

	for (i = 0; i < vns_nr_collectors; i++) {
		vns_collector_status(vns_collectors[i], &st);
		sum += st.mem_bytes;
	}
	return sum;
}

/* ---- the filter language: "src=10.0.0.0/8 proto=udp dport=53 dev=eth0" */

static int vns_format_addr(char *buf, size_t len, u8 family, const u8 *a,
			   u8 prefix)
{
	if (family == VNS_AF_INET)
		return snprintf(buf, len, "%pI4/%u", a, prefix);
	return snprintf(buf, len, "%pI6c/%u", a, prefix);
}

/* Appends one word to @buf, after @sep unless it is the first */
static __printf(5, 6) void vns_addf(char *buf, size_t len, size_t *n,
				    char sep, const char *fmt, ...)
{
	va_list ap;

	if (*n)
		*n += scnprintf(buf + *n, len - *n, "%c", sep);
	va_start(ap, fmt);
	*n += vscnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
}

int vns_filter_format(const struct vns_filter *f, char *buf, size_t len,
		      char sep)
{
	const char *p = vns_proto_name(f->proto);
	char a[64];
	size_t n = 0;

	buf[0] = 0;
	if (f->src_family) {
		vns_format_addr(a, sizeof(a), f->src_family, f->src,
				f->src_prefix);
		vns_addf(buf, len, &n, sep, "src=%s", a);
	}
	if (f->dst_family) {
		vns_format_addr(a, sizeof(a), f->dst_family, f->dst,
				f->dst_prefix);
		vns_addf(buf, len, &n, sep, "dst=%s", a);
	}
	if (f->proto && p)
		vns_addf(buf, len, &n, sep, "proto=%s", p);
	else if (f->proto)
		vns_addf(buf, len, &n, sep, "proto=%u", f->proto);
	if (f->has_sport)
		vns_addf(buf, len, &n, sep, "sport=%u", f->sport);
	if (f->has_dport)
		vns_addf(buf, len, &n, sep, "dport=%u", f->dport);
	if (f->has_dev)
		vns_addf(buf, len, &n, sep, "dev=%s", f->dev);
	if (!n)
		vns_addf(buf, len, &n, sep, "none");
	return n;
}

static int vns_parse_prefix(struct vns_filter *f, bool src, char *val,
			    const char **err)
{
	u8 *addr = src ? f->src : f->dst;
	char *slash = strchr(val, '/');
	unsigned int prefix, bits;
	u8 family;

	if (slash)
		*slash++ = 0;
	memset(addr, 0, 16);
	if (in4_pton(val, -1, addr, -1, NULL)) {
		family = VNS_AF_INET;
	} else if (in6_pton(val, -1, addr, -1, NULL)) {
		family = VNS_AF_INET6;
	} else {
		*err = "bad address";
		return -EINVAL;
	}
	bits = vns_family_bits(family);
	prefix = bits;
	if (slash && (kstrtouint(slash, 10, &prefix) || prefix > bits)) {
		*err = "bad prefix length";
		return -EINVAL;
	}
	if (src) {
		f->src_family = family;
		f->src_prefix = prefix;
	} else {
		f->dst_family = family;
		f->dst_prefix = prefix;
	}
	return 0;
}

int vns_filter_parse_word(struct vns_filter *f, char *word, const char **err)
{
	char *val = strchr(word, '=');
	int v;

	if (!val) {
		*err = "expected key=value";
		return -EINVAL;
	}
	*val++ = 0;
	if (!strcmp(word, "src") || !strcmp(word, "dst"))
		return vns_parse_prefix(f, word[0] == 's', val, err);
	if (!strcmp(word, "proto")) {
		v = vns_proto_parse(val);
		if (v < 0) {
			*err = "bad protocol";
			return -EINVAL;
		}
		f->proto = v;
		return 0;
	}
	if (!strcmp(word, "sport") || !strcmp(word, "dport")) {
		v = vns_port_parse(val);
		if (v < 0) {
			*err = "bad port";
			return -EINVAL;
		}
		if (word[0] == 's') {
			f->sport = v;
			f->has_sport = 1;
		} else {
			f->dport = v;
			f->has_dport = 1;
		}
		return 0;
	}
	if (!strcmp(word, "dev")) {
		if (!*val || strlen(val) >= IFNAMSIZ) {
			*err = "bad device name";
			return -EINVAL;
		}
		memset(f->dev, 0, sizeof(f->dev));
		strscpy(f->dev, val, sizeof(f->dev));
		f->has_dev = 1;
		return 0;
	}
	*err = "unknown filter key";
	return -EINVAL;
}
