/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * IP addresses as text, the same in the module and in user space: parsing
 * accepts exactly what glibc's inet_pton() accepts (IPv4 dotted quad; IPv6
 * in every RFC 4291 form, with "::" and with an embedded IPv4 address), and
 * formatting writes IPv6 as RFC 5952 has it (lower case, no leading zeros,
 * the longest run of two or more zero groups as "::", the first of equal
 * runs), IPv4-mapped addresses as ::ffff:a.b.c.d.  For ordinary addresses
 * that is what the kernel's %pI6c and glibc's inet_ntop() print; they differ
 * from each other, and from this, only for ISATAP (%pI6c: a dotted tail) and
 * IPv4-compatible ::a.b.c.d (inet_ntop: a dotted tail).
 *
 * Also the small text output helpers filter.h and settings.h share.
 */
#ifndef _VNS_ADDR_H
#define _VNS_ADDR_H

#include "types.h"
#include "flow.h"

/* Longest vns_addr_format() output, with the NUL (INET6_ADDRSTRLEN) */
#define VNS_ADDR_STR_MAX	46

/* ---- output into a bounded buffer, snprintf()-like ---- */

/*
 * @pos counts every character written or not: the length the whole text
 * needs.  @buf is always NUL-terminated when @len is not 0.
 */
struct vns_out {
	char *buf;
	size_t len;
	size_t pos;
};

static inline void vns_out_init(struct vns_out *o, char *buf, size_t len)
{
	o->buf = buf;
	o->len = len;
	o->pos = 0;
	if (len)
		buf[0] = 0;
}

static inline void vns_out_c(struct vns_out *o, char c)
{
	if (o->pos + 1 < o->len) {
		o->buf[o->pos] = c;
		o->buf[o->pos + 1] = 0;
	}
	o->pos++;
}

/* At most @max characters of @s */
static inline void vns_out_sn(struct vns_out *o, const char *s, size_t max)
{
	for (; max && *s; s++, max--)
		vns_out_c(o, *s);
}

static inline void vns_out_s(struct vns_out *o, const char *s)
{
	vns_out_sn(o, s, (size_t)-1);
}

static inline void vns_out_u32(struct vns_out *o, u32 v)
{
	char d[10];
	int n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		vns_out_c(o, d[--n]);
}

/* Lower case, no leading zeros */
static inline void vns_out_hex16(struct vns_out *o, u16 v)
{
	static const char hex[] = "0123456789abcdef";
	int shift = 12;

	while (shift && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		vns_out_c(o, hex[(v >> shift) & 0xf]);
}

/* ---- parsing ---- */

/*
 * The dotted quad in @s (@n bytes, no NUL needed) into @a, as inet_pton()
 * has it: four decimal parts 0..255, no leading zeros.  0 or -1.
 */
static inline int vns_ipv4_parse(const char *s, size_t n, u8 a[4])
{
	unsigned int parts = 0, v = 0;
	bool digit = false;
	u8 tmp[4];
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9') {
			if (digit && !v)
				return -1;	/* a leading zero */
			v = v * 10 + (unsigned int)(c - '0');
			if (v > 255)
				return -1;
			if (!digit && ++parts > 4)
				return -1;
			digit = true;
		} else if (c == '.' && digit) {
			if (parts == 4)
				return -1;
			tmp[parts - 1] = (u8)v;
			v = 0;
			digit = false;
		} else {
			return -1;
		}
	}
	if (parts < 4 || !digit)
		return -1;
	tmp[3] = (u8)v;
	memcpy(a, tmp, 4);
	return 0;
}

static inline int vns_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The IPv6 address in @s (@n bytes) into @a, as inet_pton() has it: up to
 * eight groups of 1..4 hex digits, one "::" for one or more zero groups,
 * and the last 32 bits possibly as a dotted quad.  0 or -1.
 */
static inline int vns_ipv6_parse(const char *s, size_t n, u8 a[16])
{
	const char *end = s + n, *tok;
	unsigned int digits = 0, v = 0;
	int pos = 0, gap = -1, d;
	u8 tmp[16];

	if (!n)
		return -1;
	if (*s == ':') {
		s++;
		if (s == end || *s != ':')
			return -1;
	}
	tok = s;
	while (s < end) {
		char c = *s++;

		d = vns_hex_digit(c);
		if (d >= 0) {
			if (digits == 4)
				return -1;
			v = v << 4 | (unsigned int)d;
			digits++;
			continue;
		}
		if (c == ':') {
			tok = s;
			if (!digits) {
				if (gap >= 0)
					return -1;
				gap = pos;
				continue;
			}
			if (s == end || pos + 2 > 16)
				return -1;
			tmp[pos++] = (u8)(v >> 8);
			tmp[pos++] = (u8)v;
			digits = 0;
			v = 0;
			continue;
		}
		if (c == '.' && pos + 4 <= 16 &&
		    !vns_ipv4_parse(tok, (size_t)(end - tok), tmp + pos)) {
			pos += 4;
			digits = 0;
			break;
		}
		return -1;
	}
	if (digits) {
		if (pos + 2 > 16)
			return -1;
		tmp[pos++] = (u8)(v >> 8);
		tmp[pos++] = (u8)v;
	}
	if (gap >= 0) {
		int tail = pos - gap;

		if (pos == 16)
			return -1;	/* "::" for no group at all */
		memmove(tmp + 16 - tail, tmp + gap, (size_t)tail);
		memset(tmp + gap, 0, (size_t)(16 - tail - gap));
		pos = 16;
	}
	if (pos != 16)
		return -1;
	memcpy(a, tmp, 16);
	return 0;
}

/*
 * IPv4 or IPv6 text in @s (@n bytes) into @family (VNS_AF_INET or
 * VNS_AF_INET6) and @addr (IPv4: addr[0..3], the rest zeroed).  0, or -1
 * with @family and @addr untouched.
 */
static inline int vns_addr_parse_n(const char *s, size_t n, u8 *family,
				   u8 addr[16])
{
	u8 a[16];

	memset(a, 0, sizeof(a));
	if (!vns_ipv4_parse(s, n, a))
		*family = VNS_AF_INET;
	else if (!vns_ipv6_parse(s, n, a))
		*family = VNS_AF_INET6;
	else
		return -1;
	memcpy(addr, a, 16);
	return 0;
}

static inline int vns_addr_parse(const char *s, u8 *family, u8 addr[16])
{
	return vns_addr_parse_n(s, strlen(s), family, addr);
}

/* ---- formatting ---- */

static inline void vns_out_ipv4(struct vns_out *o, const u8 *a)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			vns_out_c(o, '.');
		vns_out_u32(o, a[i]);
	}
}

static inline void vns_out_ipv6(struct vns_out *o, const u8 *a)
{
	int best = -1, best_len = 0, run = 0, i;
	static const u8 mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	u16 w[8];

	if (!memcmp(a, mapped, sizeof(mapped))) {
		vns_out_s(o, "::ffff:");
		vns_out_ipv4(o, a + 12);
		return;
	}
	for (i = 0; i < 8; i++) {
		w[i] = (u16)(a[2 * i] << 8 | a[2 * i + 1]);
		run = w[i] ? 0 : run + 1;
		if (run > best_len) {
			best_len = run;
			best = i + 1 - run;
		}
	}
	if (best_len < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (i == best) {
			vns_out_s(o, "::");
			i += best_len - 1;
			continue;
		}
		if (i && i != best + best_len)
			vns_out_c(o, ':');
		vns_out_hex16(o, w[i]);
	}
}

static inline void vns_out_addr(struct vns_out *o, u8 family, const u8 *addr)
{
	if (family == VNS_AF_INET)
		vns_out_ipv4(o, addr);
	else if (family == VNS_AF_INET6)
		vns_out_ipv6(o, addr);
	else
		vns_out_c(o, '?');
}

/*
 * @addr of @family as text into @buf, "?" for an unknown family.  Like
 * snprintf(): returns the length the text needs (without the NUL), writes
 * at most @len bytes and NUL-terminates unless @len is 0.
 */
static inline int vns_addr_format(char *buf, size_t len, u8 family,
				  const u8 *addr)
{
	struct vns_out o;

	vns_out_init(&o, buf, len);
	vns_out_addr(&o, family, addr);
	return (int)o.pos;
}

#endif /* _VNS_ADDR_H */
