/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps/common.h - limits and small types shared by the fast path (BPF) and
 * the slow path (xvsd, xvsctl).
 *
 * Every header in maps/ is the ABI between the BPF programs and userspace:
 * it includes nothing, uses only __u* and __be* types, pads explicitly and
 * is included on both sides, so a struct has exactly one definition.  BPF
 * code gets the types from vmlinux.h, userspace from <linux/types.h>; the
 * includer provides them before including any of these headers.
 *
 * Map names are the pin names under /sys/fs/bpf/xvs/<instance>/ and stay
 * at 15 characters or fewer so `bpftool map show name` matches them.
 */
#ifndef XVS_MAPS_COMMON_H
#define XVS_MAPS_COMMON_H

#define XVS_ETH_ALEN		6

/* Port numbers (like OpenFlow's ofport) index the per-port arrays. 0 is
 * never a valid port number, so a zeroed struct means "no port".
 */
#define XVS_MAX_PORTS		256
/* Bridge ids index xvs_bridges; 0 is never a valid bridge id. */
#define XVS_MAX_BRIDGES		64
/* Upper bound on ports in one flood group (one bridge + VLAN). */
#define XVS_MAX_GROUP_PORTS	64
/* Default and maximum number of MAC table entries, over all bridges. */
#define XVS_FDB_DEFAULT_SIZE	65536
#define XVS_FDB_MAX_SIZE	(1U << 20)

#define XVS_NAME_LEN		16

#endif /* XVS_MAPS_COMMON_H */
