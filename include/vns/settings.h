/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The settings codec, the same in the module and in user space: collector
 * settings given at enable, as words ("period=10ms threshold=20ms",
 * "phy=eth0 vm=vnet0 dir=rx threshold=10ms stage_threshold=5ms"), as text,
 * merged, checked against the module's rules, and as the VNS_CFG_A_*
 * netlink nest.
 *
 * Parsers return 0, VNS_PARSE_UNKNOWN (not a setting) or -1 (a bad value);
 * then *@err is one of the static VNS_SET_ERR_* messages and the settings
 * are unchanged.  The messages of bad values name neither the key nor the
 * value: the CLI puts them in ("invalid period '999us': expected ...").
 */
#ifndef _VNS_SETTINGS_H
#define _VNS_SETTINGS_H

#include "types.h"
#include "flow.h"
#include "addr.h"
#include "filter.h"
#include "nla.h"
#include "../uapi/linux/vnetscope.h"

/* The settings a collector takes, or that were given (vns_settings.given) */
#define VNS_SET_PERIOD		(1U << 0)
#define VNS_SET_THRESHOLD	(1U << 1)
#define VNS_SET_PHY		(1U << 2)
#define VNS_SET_VM		(1U << 3)
#define VNS_SET_DIR		(1U << 4)
#define VNS_SET_STAGE_THRESHOLD	(1U << 5)

/* Given at enable; durations in microseconds */
struct vns_settings {
	u32 given;			/* VNS_SET_*: what the user set */
	u32 period_us;
	u32 threshold_us;		/* irqoff: events; latency: details */
	u32 stage_threshold_us;		/* latency: details, any one stage */
	u8 dir;				/* enum vns_dir */
	char phy[VNS_IFNAMSIZ];		/* latency: the physical port */
	char vm[VNS_IFNAMSIZ];		/* latency: the VM's port (VM path) */
};

#define VNS_SET_ERR_UNKNOWN \
	"unknown setting (settings: period=, threshold=, stage_threshold=, phy=, vm=, dir=)"
#define VNS_SET_ERR_PERIOD \
	"expected a duration from 1ms to 1s, e.g. 10ms (units ns, us, ms, s; no unit: ms)"
#define VNS_SET_ERR_THRESHOLD \
	"expected a duration from 1us to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)"
#define VNS_SET_ERR_IFNAME \
	"expected an interface name (1 to 15 bytes, no '/', ':' or blanks)"
#define VNS_SET_ERR_DIR		"expected rx, tx or both"

/* vns_settings_check(): the module's rules */
#define VNS_SET_ERR_NO_SUCH	"this collector takes no such setting"
#define VNS_SET_ERR_NO_PERIOD	"this collector takes no period"
#define VNS_SET_ERR_NO_THRESHOLD	"this collector takes no threshold"
#define VNS_SET_ERR_NO_PATH	"this collector takes no phy, vm or dir"
#define VNS_SET_ERR_PERIOD_RANGE	"period must be 1ms..1s"
#define VNS_SET_ERR_THRESHOLD_PERIOD	"threshold must be period..10s"
#define VNS_SET_ERR_THRESHOLD_RANGE	"threshold must be 1us..10s"
#define VNS_SET_ERR_STAGE_RANGE	"stage_threshold must be 1us..10s"
#define VNS_SET_ERR_DIR_RANGE	"dir must be rx, tx or both"
#define VNS_SET_ERR_VM_PATH \
	"the VM path needs the physical port too (phy=)"

/* netlink (vns_settings_get()) */
#define VNS_SET_ERR_NL_DIR	"direction must be 0..2"
#define VNS_SET_ERR_NL_IFNAME	"empty interface name"
#define VNS_SET_ERR_NL_IFNAME_LONG \
	"interface name is longer than 15 characters"
#define VNS_SET_ERR_NL_IFNAME_NUL	"interface name is not NUL-terminated"
#define VNS_SET_ERR_NL_SIZE	"attribute has the wrong size"

/* Longest vns_settings_format() output, with the NUL */
#define VNS_SETTINGS_FMT_MAX	128

/* Period 10 ms, threshold 20 ms, nothing given */
static inline void vns_settings_default(struct vns_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->period_us = VNS_CFG_PERIOD_DEFAULT_US;
	s->threshold_us = VNS_CFG_THRESHOLD_DEFAULT_US;
}

/*
 * A duration: digits, an optional fraction (at most 9 digits) and a unit,
 * ns, us, ms or s; no unit means milliseconds: "12ms", "500us", "2s",
 * "0.1s", "1.5", "1000000ns".  It must be a whole number of microseconds
 * and at most 2^32 - 1 of them.  Integer arithmetic only.  0 and @*us, or
 * -1 with @*us untouched.
 */
static inline int vns_duration_parse_us(const char *v, u32 *us)
{
	static const struct {
		const char *name;
		int exp;		/* the unit is 10^exp us */
	} units[] = {
		{ "ns", -3 }, { "us", 0 }, { "ms", 3 }, { "s", 6 }, { "", 3 },
	};
	const char *p = v, *dot = NULL, *end;
	int nfrac = 0, exp = 0, drop, i, n;
	u64 val = 0;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		dot = p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9') {
			if (++nfrac > 9)
				return -1;	/* finer than a nanosecond */
			p++;
		}
	}
	end = p;
	for (i = 0; i < (int)(sizeof(units) / sizeof(units[0])); i++)
		if (!strcmp(p, units[i].name))
			break;
	if (i == (int)(sizeof(units) / sizeof(units[0])))
		return -1;
	exp = units[i].exp;
	/*
	 * The digits, without the dot, make D; the value is D * 10^(exp -
	 * nfrac) us.  With a negative power, the last -power digits of D
	 * must be zeros (a whole number of microseconds).
	 */
	drop = nfrac - exp;
	n = (int)(end - v) - (dot ? 1 : 0);
	for (p = v, i = 0; p < end; p++) {
		if (*p == '.')
			continue;
		if (i++ >= n - drop) {
			if (*p != '0')
				return -1;
			continue;
		}
		val = val * 10 + (u64)(*p - '0');
		if (val > 0xffffffffULL)
			return -1;
	}
	for (; drop < 0; drop++) {
		val *= 10;
		if (val > 0xffffffffULL)
			return -1;
	}
	*us = (u32)val;
	return 0;
}

/* @us in the largest unit that keeps it whole: "2s", "100ms", "500us" */
static inline void vns_out_duration(struct vns_out *o, u32 us)
{
	if (us && !(us % 1000000)) {
		vns_out_u32(o, us / 1000000);
		vns_out_s(o, "s");
	} else if (us && !(us % 1000)) {
		vns_out_u32(o, us / 1000);
		vns_out_s(o, "ms");
	} else {
		vns_out_u32(o, us);
		vns_out_s(o, "us");
	}
}

static inline const char *vns_dir_name(u8 dir)
{
	switch (dir) {
	case VNS_DIR_BOTH: return "both";
	case VNS_DIR_RX: return "rx";
	case VNS_DIR_TX: return "tx";
	default: return NULL;
	}
}

/*
 * One word into @s: "period=D" (1ms..1s), "threshold=D" and
 * "stage_threshold=D" (1us..10s; see vns_duration_parse_us()), "phy=IFNAME",
 * "vm=IFNAME", "dir=rx|tx|both".  A key without '=' is a bad value ("setting
 * 'period' needs a value, e.g. period=10ms").  Returns 0, VNS_PARSE_UNKNOWN
 * or -1 (see above).
 */
static inline int vns_settings_parse_word(struct vns_settings *s,
					  const char *word, const char **err)
{
	static const struct {
		const char *key;
		u32 bit;
		const char *novalue;
	} keys[] = {
		{ "period", VNS_SET_PERIOD,
		  "setting 'period' needs a value, e.g. period=10ms" },
		{ "threshold", VNS_SET_THRESHOLD,
		  "setting 'threshold' needs a value, e.g. threshold=20ms" },
		{ "stage_threshold", VNS_SET_STAGE_THRESHOLD,
		  "setting 'stage_threshold' needs a value, e.g. stage_threshold=5ms" },
		{ "phy", VNS_SET_PHY,
		  "setting 'phy' needs a value, e.g. phy=eth0" },
		{ "vm", VNS_SET_VM,
		  "setting 'vm' needs a value, e.g. vm=vnet0" },
		{ "dir", VNS_SET_DIR,
		  "setting 'dir' needs a value, e.g. dir=rx" },
	};
	const char *val = NULL;
	unsigned int i;
	u32 bit, us;
	char *name;
	u8 dir;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (vns_word_key(word, keys[i].key, &val))
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		*err = VNS_SET_ERR_UNKNOWN;
		return VNS_PARSE_UNKNOWN;
	}
	if (!val) {
		*err = keys[i].novalue;
		return -1;
	}
	bit = keys[i].bit;
	switch (bit) {
	case VNS_SET_PHY:
	case VNS_SET_VM:
		if (!vns_ifname_valid(val)) {
			*err = VNS_SET_ERR_IFNAME;
			return -1;
		}
		name = bit == VNS_SET_PHY ? s->phy : s->vm;
		memset(name, 0, VNS_IFNAMSIZ);
		memcpy(name, val, strlen(val));
		break;
	case VNS_SET_DIR:
		for (dir = 0; dir <= VNS_DIR_TX; dir++)
			if (!strcmp(val, vns_dir_name(dir)))
				break;
		if (dir > VNS_DIR_TX) {
			*err = VNS_SET_ERR_DIR;
			return -1;
		}
		s->dir = dir;
		break;
	case VNS_SET_PERIOD:
		if (vns_duration_parse_us(val, &us) ||
		    us < VNS_CFG_PERIOD_MIN_US || us > VNS_CFG_PERIOD_MAX_US) {
			*err = VNS_SET_ERR_PERIOD;
			return -1;
		}
		s->period_us = us;
		break;
	default:
		if (vns_duration_parse_us(val, &us) ||
		    !us || us > VNS_CFG_THRESHOLD_MAX_US) {
			/* irqoff's period..10s: vns_settings_check() */
			*err = VNS_SET_ERR_THRESHOLD;
			return -1;
		}
		if (bit == VNS_SET_THRESHOLD)
			s->threshold_us = us;
		else
			s->stage_threshold_us = us;
		break;
	}
	s->given |= bit;
	return 0;
}

/*
 * The given settings of @s as words separated by @sep, in the order period,
 * threshold, stage_threshold, phy, vm, dir: "period=5ms,threshold=20ms".
 * Durations in the largest unit that keeps them whole.  Nothing given: ""
 * (0).  Like snprintf(): returns the length the text needs (without the
 * NUL); at most @len bytes written, NUL-terminated unless @len is 0.
 * VNS_SETTINGS_FMT_MAX always suffices.
 */
static inline size_t vns_settings_format(const struct vns_settings *s,
					 char *buf, size_t len, char sep)
{
	const char *dir = vns_dir_name(s->dir);
	struct vns_out o;

	vns_out_init(&o, buf, len);
	if (s->given & VNS_SET_PERIOD) {
		vns_out_key(&o, sep, "period=");
		vns_out_duration(&o, s->period_us);
	}
	if (s->given & VNS_SET_THRESHOLD) {
		vns_out_key(&o, sep, "threshold=");
		vns_out_duration(&o, s->threshold_us);
	}
	if (s->given & VNS_SET_STAGE_THRESHOLD) {
		vns_out_key(&o, sep, "stage_threshold=");
		vns_out_duration(&o, s->stage_threshold_us);
	}
	if (s->given & VNS_SET_PHY) {
		vns_out_key(&o, sep, "phy=");
		vns_out_sn(&o, s->phy, VNS_IFNAMSIZ - 1);
	}
	if (s->given & VNS_SET_VM) {
		vns_out_key(&o, sep, "vm=");
		vns_out_sn(&o, s->vm, VNS_IFNAMSIZ - 1);
	}
	if (s->given & VNS_SET_DIR) {
		vns_out_key(&o, sep, "dir=");
		if (dir)
			vns_out_s(&o, dir);
		else
			vns_out_u32(&o, s->dir);
	}
	return o.pos;
}

/* The settings given in @upd replace those of @dst (and count as given) */
static inline void vns_settings_merge(struct vns_settings *dst,
				      const struct vns_settings *upd)
{
	if (upd->given & VNS_SET_PERIOD)
		dst->period_us = upd->period_us;
	if (upd->given & VNS_SET_THRESHOLD)
		dst->threshold_us = upd->threshold_us;
	if (upd->given & VNS_SET_STAGE_THRESHOLD)
		dst->stage_threshold_us = upd->stage_threshold_us;
	if (upd->given & VNS_SET_PHY)
		memcpy(dst->phy, upd->phy, sizeof(dst->phy));
	if (upd->given & VNS_SET_VM)
		memcpy(dst->vm, upd->vm, sizeof(dst->vm));
	if (upd->given & VNS_SET_DIR)
		dst->dir = upd->dir;
	dst->given |= upd->given;
}

/*
 * The same settings in effect, given or defaulted: the same values, and the
 * same thresholds given (a given threshold turns the latency details on)
 */
static inline bool vns_settings_same(const struct vns_settings *a,
				     const struct vns_settings *b)
{
	u32 thr = VNS_SET_THRESHOLD | VNS_SET_STAGE_THRESHOLD;

	return a->period_us == b->period_us && a->dir == b->dir &&
	       (a->given & thr) == (b->given & thr) &&
	       a->threshold_us == b->threshold_us &&
	       a->stage_threshold_us == b->stage_threshold_us &&
	       !strncmp(a->phy, b->phy, VNS_IFNAMSIZ) &&
	       !strncmp(a->vm, b->vm, VNS_IFNAMSIZ);
}

/*
 * The module's rules for @s, for a collector that takes the settings
 * @accepted (VNS_SET_*): no setting it does not take; with a period (irqoff)
 * the period 1ms..1s and the threshold period..10s, else a given threshold
 * 1us..10s; a given stage threshold 1us..10s; dir rx, tx or both; vm= only
 * with phy=.  Returns 0, or -EINVAL or -ERANGE (as the module did) with
 * the message in @err.
 */
static inline int vns_settings_check(const struct vns_settings *s,
				     u32 accepted, const char **err)
{
	u32 extra = s->given & ~accepted;

	if (extra) {
		*err = VNS_SET_ERR_NO_SUCH;
		if (extra & VNS_SET_PERIOD)
			*err = VNS_SET_ERR_NO_PERIOD;
		else if (extra & VNS_SET_THRESHOLD)
			*err = VNS_SET_ERR_NO_THRESHOLD;
		else if (extra & (VNS_SET_PHY | VNS_SET_VM | VNS_SET_DIR))
			*err = VNS_SET_ERR_NO_PATH;
		return -EINVAL;
	}
	if (accepted & VNS_SET_PERIOD) {
		if (s->period_us < VNS_CFG_PERIOD_MIN_US ||
		    s->period_us > VNS_CFG_PERIOD_MAX_US) {
			*err = VNS_SET_ERR_PERIOD_RANGE;
			return -ERANGE;
		}
		if (s->threshold_us < s->period_us ||
		    s->threshold_us > VNS_CFG_THRESHOLD_MAX_US) {
			*err = VNS_SET_ERR_THRESHOLD_PERIOD;
			return -ERANGE;
		}
	} else if (s->given & VNS_SET_THRESHOLD &&
		   (!s->threshold_us ||
		    s->threshold_us > VNS_CFG_THRESHOLD_MAX_US)) {
		*err = VNS_SET_ERR_THRESHOLD_RANGE;
		return -ERANGE;
	}
	if (s->given & VNS_SET_STAGE_THRESHOLD &&
	    (!s->stage_threshold_us ||
	     s->stage_threshold_us > VNS_CFG_THRESHOLD_MAX_US)) {
		*err = VNS_SET_ERR_STAGE_RANGE;
		return -ERANGE;
	}
	if (s->dir > VNS_DIR_TX) {
		*err = VNS_SET_ERR_DIR_RANGE;
		return -EINVAL;
	}
	if (s->given & VNS_SET_VM && !(s->given & VNS_SET_PHY)) {
		*err = VNS_SET_ERR_VM_PATH;
		return -EINVAL;
	}
	return 0;
}

/*
 * The given settings of @s as nest @type of VNS_CFG_A_* attributes into
 * @msg; nothing at all when none is given.  0, or < 0 (the nest cancelled)
 * when @msg is full.
 */
static inline int vns_settings_put(vns_nlmsg *msg, int type,
				   const struct vns_settings *s)
{
	struct nlattr *nest;
	int err = 0;

	if (!s->given)
		return 0;
	nest = nla_nest_start(msg, type);
	if (!nest)
		return -EMSGSIZE;
	if (s->given & VNS_SET_PERIOD)
		err = nla_put_u32(msg, VNS_CFG_A_PERIOD_US, s->period_us);
	if (!err && s->given & VNS_SET_THRESHOLD)
		err = nla_put_u32(msg, VNS_CFG_A_THRESHOLD_US, s->threshold_us);
	if (!err && s->given & VNS_SET_STAGE_THRESHOLD)
		err = nla_put_u32(msg, VNS_CFG_A_STAGE_THRESHOLD_US,
				  s->stage_threshold_us);
	if (!err && s->given & VNS_SET_PHY)
		err = nla_put_string(msg, VNS_CFG_A_PHY_IF, s->phy);
	if (!err && s->given & VNS_SET_VM)
		err = nla_put_string(msg, VNS_CFG_A_VM_IF, s->vm);
	if (!err && s->given & VNS_SET_DIR)
		err = nla_put_u8(msg, VNS_CFG_A_DIRECTION, s->dir);
	if (err) {
		nla_nest_cancel(msg, nest);
		return err < 0 ? err : -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static inline int vns_settings_get_name(struct nlattr **tb, int type,
					char *dst, const char **err, int *bad)
{
	struct nlattr *a = tb[type];

	if (vns_nla_get_name(dst, VNS_IFNAMSIZ, a))
		return vns_nl_bad(err, bad, type,
				  nla_len(a) >= VNS_IFNAMSIZ ?
				  VNS_SET_ERR_NL_IFNAME_LONG :
				  VNS_SET_ERR_NL_IFNAME_NUL);
	if (!dst[0])
		return vns_nl_bad(err, bad, type, VNS_SET_ERR_NL_IFNAME);
	return 0;
}

/*
 * A VNS_CFG_A_* nest, already parsed by the caller (with its own policy)
 * into @tb (VNS_CFG_A_MAX + 1 entries), into @s: the defaults, and what the
 * nest gives, marked given.  Checks every attribute again: sizes, direction
 * 0..2, interface names 1-15 bytes NUL-terminated; the values' ranges are
 * vns_settings_check()'s.  Returns 0, or -1 with the message in @err and
 * the attribute type at fault in @bad.
 */
static inline int vns_settings_get(struct nlattr **tb, struct vns_settings *s,
				   const char **err, int *bad)
{
	static const u8 size[VNS_CFG_A_MAX + 1] = {
		[VNS_CFG_A_PERIOD_US] = 4,
		[VNS_CFG_A_THRESHOLD_US] = 4,
		[VNS_CFG_A_STAGE_THRESHOLD_US] = 4,
		[VNS_CFG_A_DIRECTION] = 1,
	};

	vns_settings_default(s);
	if (vns_nla_sizes_ok(tb, size, VNS_CFG_A_MAX, err, bad))
		return -1;
	if (tb[VNS_CFG_A_PERIOD_US]) {
		s->period_us = nla_get_u32(tb[VNS_CFG_A_PERIOD_US]);
		s->given |= VNS_SET_PERIOD;
	}
	if (tb[VNS_CFG_A_THRESHOLD_US]) {
		s->threshold_us = nla_get_u32(tb[VNS_CFG_A_THRESHOLD_US]);
		s->given |= VNS_SET_THRESHOLD;
	}
	if (tb[VNS_CFG_A_STAGE_THRESHOLD_US]) {
		s->stage_threshold_us =
			nla_get_u32(tb[VNS_CFG_A_STAGE_THRESHOLD_US]);
		s->given |= VNS_SET_STAGE_THRESHOLD;
	}
	if (tb[VNS_CFG_A_PHY_IF]) {
		if (vns_settings_get_name(tb, VNS_CFG_A_PHY_IF, s->phy, err,
					  bad))
			return -1;
		s->given |= VNS_SET_PHY;
	}
	if (tb[VNS_CFG_A_VM_IF]) {
		if (vns_settings_get_name(tb, VNS_CFG_A_VM_IF, s->vm, err, bad))
			return -1;
		s->given |= VNS_SET_VM;
	}
	if (tb[VNS_CFG_A_DIRECTION]) {
		s->dir = nla_get_u8(tb[VNS_CFG_A_DIRECTION]);
		s->given |= VNS_SET_DIR;
		if (s->dir > VNS_DIR_TX)
			return vns_nl_bad(err, bad, VNS_CFG_A_DIRECTION,
					  VNS_SET_ERR_NL_DIR);
	}
	return 0;
}

#endif /* _VNS_SETTINGS_H */
