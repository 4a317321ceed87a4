/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Hashing for the in-kernel aggregation tables: 64-bit FNV-1a over 64-bit
 * words, finished with a murmur3 mix so that linear probing sees well spread
 * low bits.  Not for untrusted input in a security sense: keys are kernel
 * addresses and packet headers, and tables are bounded anyway.
 */
#ifndef _VNS_HASH_H
#define _VNS_HASH_H

#include "types.h"

#define VNS_FNV_OFFSET	0xcbf29ce484222325ULL
#define VNS_FNV_PRIME	0x100000001b3ULL

static inline u64 vns_hash_mix64(u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* Hash @n 64-bit words, e.g. the return addresses of a stack trace */
static inline u64 vns_hash_words(const u64 *w, unsigned int n, u64 seed)
{
	u64 h = VNS_FNV_OFFSET ^ seed;
	unsigned int i;

	for (i = 0; i < n; i++) {
		h ^= w[i];
		h *= VNS_FNV_PRIME;
	}
	return vns_hash_mix64(h ^ n);
}

/* Hash @len bytes; @len need not be a multiple of 8 */
static inline u64 vns_hash_bytes(const void *p, size_t len, u64 seed)
{
	const u8 *b = p;
	u64 h = VNS_FNV_OFFSET ^ seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= VNS_FNV_PRIME;
	}
	return vns_hash_mix64(h ^ len);
}

#endif /* _VNS_HASH_H */
