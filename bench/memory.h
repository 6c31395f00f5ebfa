/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench/memory.h - what a MAC table entry, a cached flow and a flow rule
 * cost in kernel memory, from the datapath's own maps.
 *
 * The figure is the kernel's: the `memlock` of a map in
 * /proc/PID/fdinfo (what `bpftool map show` prints as memlock), which on
 * this kernel is the map's memory use.  A preallocated map (arrays, the
 * LRU flow cache) costs its whole size from the start: bytes per entry is
 * memlock / max_entries.  A map without preallocation (the MAC table,
 * the classifier) grows with its entries: bytes per entry is the growth
 * of memlock over N entries written, then deleted again.
 */
#ifndef XVS_BENCH_MEMORY_H
#define XVS_BENCH_MEMORY_H

#include <json-c/json.h>

struct xvs_xdp;
struct flow_table;
struct flow_set;

/* Measure on a loaded datapath (the bench's own, not a live switch's:
 * this writes and deletes MAC entries of bridge `spare` and installs
 * `set`, a set of many rules, on bridge `bridge`, leaving it with none).
 * Prints the table, writes it as Markdown to `md` (if not NULL) and adds
 * it to `meta` as "memory".  0 or -errno.
 */
int mem_report(struct xvs_xdp *xdp, struct flow_table *ft, __u32 bridge,
	       __u32 spare, const struct flow_set *set, json_object *meta,
	       const char *md);

#endif /* XVS_BENCH_MEMORY_H */
