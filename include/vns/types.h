/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Kernel-agnostic code in include/vns/ compiles both in the module and in
 * user space (the CLI and the unit tests).  This header gives both the same
 * fixed-width types and the few helpers the shared code needs.
 */
#ifndef _VNS_TYPES_H
#define _VNS_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
#endif

/*
 * The parsers of include/vns/ (filter.h, settings.h) return 0, -1 for a bad
 * value, or this when the word is not theirs (the caller may try another
 * codec).  No errno: the same in the module and in user space.
 */
#define VNS_PARSE_UNKNOWN	1

#endif /* _VNS_TYPES_H */
