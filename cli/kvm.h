/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope kvm: the kvm collector's dump (VNS_CMD_KVM_GET) read into plain
 * structures, the growth between two reads, text and JSON.
 */
#ifndef _VNS_CLI_KVM_H
#define _VNS_CLI_KVM_H

#include "uapi/linux/vnetscope.h"
#include "vns/hist.h"
#include "coll.h"

struct nlattr;

/* A VM's record (is_vm) or one of its GSIs' */
struct vns_kvm_rec {
	unsigned int present;		/* 1 << VNS_KVM_A_* */
	bool is_vm;
	u64 vm;
	u32 pid;			/* 0: not known */
	u32 gsi;
	u64 c[VNS_KVM_A_MAX + 1];	/* the u64 counters, by attribute */
	struct vns_hist fast, slow;	/* ns */
};

struct vns_kvm {
	struct vns_kvm_rec *r;
	size_t n;
};

/* Add one message of the dump (its top-level attributes).  0 or -errno. */
int vns_kvm_add(struct vns_kvm *k, struct nlattr **tb);
/* By pid, VM, then the VM's record before its GSIs by number */
void vns_kvm_sort(struct vns_kvm *k);
void vns_kvm_free(struct vns_kvm *k);
/* @cur becomes its growth since @prev; a counter that went down counts anew */
void vns_kvm_delta(struct vns_kvm *cur, const struct vns_kvm *prev);
/* The VMs of qemu @pid (-1: all), their GSIs (@gsi, -1: all); JSON "vms" */
void vns_kvm_print(const struct vns_kvm *k, long long pid, long long gsi);

struct vns_kvm_args {
	struct vns_read_opts read;	/* --json, --no-enable, --interval */
	long long pid;			/* -1: all */
	long long gsi;			/* -1: all */
};

int vns_kvm_parse(struct vns_kvm_args *a, int argc, char **argv);

#endif /* _VNS_CLI_KVM_H */
