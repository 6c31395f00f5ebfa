// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* bench/memory.c - see memory.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvs_xdp.skel.h"
#include "loader/log.h"
#include "loader/util.h"
#include "maps/fdb.h"
#include "bench/bench_flows.h"
#include "bench/memory.h"
#include "bench/report.h"

#define MEM_FDB_N	10000	/* MAC entries written to measure the growth */

struct mem_row {
	const char *what;		/* "MAC table entry" */
	const struct bpf_map *map;
	double bytes;			/* per entry */
	const char *how;		/* how bytes was found */
};

/* MEM_FDB_N entries of bridge `spare` into xvs_fdb, then out again:
 * the growth of memlock per entry.  -1 if a write failed.
 */
static double fdb_growth(const struct bpf_map *m, __u32 spare)
{
	struct xvs_fdb_key k = { .bridge = spare };
	struct xvs_fdb_entry e = { .ifindex = 1, .flags = XVS_FDB_F_STATIC };
	int fd = bpf_map__fd(m), err = 0;
	long long m0 = bench_memlock(fd), m1;
	__u32 i;

	for (i = 0; i < MEM_FDB_N && !err; i++) {
		memcpy(k.mac + 2, &i, sizeof(i));
		err = bpf_map_update_elem(fd, &k, &e, BPF_NOEXIST);
	}
	m1 = bench_memlock(fd);
	while (i--) {
		memcpy(k.mac + 2, &i, sizeof(i));
		bpf_map_delete_elem(fd, &k);
	}
	return err || m0 < 0 ? -1 : (double)(m1 - m0) / MEM_FDB_N;
}

/* The classifier's growth per rule when `set` is installed. */
static double flows_growth(const struct bpf_map *m, struct flow_table *ft,
			   __u32 bridge, const struct flow_set *set)
{
	long long m0, m1;
	int err;

	if (!ft || !set || !set->rules || flow_set_install(ft, bridge, NULL))
		return -1;
	m0 = bench_memlock(bpf_map__fd(m));
	err = flow_set_install(ft, bridge, set);
	m1 = bench_memlock(bpf_map__fd(m));
	flow_set_install(ft, bridge, NULL);
	return err || m0 < 0 ? -1 : (double)(m1 - m0) / set->n_rules;
}

static double per_slot(const struct bpf_map *m)
{
	long long v = bench_memlock(bpf_map__fd(m));

	return v < 0 ? -1 : (double)v / bpf_map__max_entries(m);
}

static void row_print(FILE *f, const struct mem_row *r, json_object *arr)
{
	const struct bpf_map *m = r->map;
	long long ml = bench_memlock(bpf_map__fd(m));
	json_object *o;

	fprintf(f, "| %s | %s | %u + %u | %u | %lld | %.1f | %s |\n", r->what,
		bpf_map__name(m), bpf_map__key_size(m), bpf_map__value_size(m),
		bpf_map__max_entries(m), ml, r->bytes, r->how);
	if (!arr)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "what", json_object_new_string(r->what));
	json_object_object_add(o, "map", json_object_new_string(bpf_map__name(m)));
	json_object_object_add(o, "key_size", json_object_new_int(bpf_map__key_size(m)));
	json_object_object_add(o, "value_size", json_object_new_int(bpf_map__value_size(m)));
	json_object_object_add(o, "max_entries", json_object_new_int64(bpf_map__max_entries(m)));
	json_object_object_add(o, "memlock", json_object_new_int64(ml));
	json_object_object_add(o, "bytes_per_entry", json_object_new_double(r->bytes));
	json_object_object_add(o, "how", json_object_new_string(r->how));
	json_object_array_add(arr, o);
}

int mem_report(struct xvs_xdp *xdp, struct flow_table *ft, __u32 bridge,
	       __u32 spare, const struct flow_set *set, json_object *meta,
	       const char *md)
{
	const struct mem_row rows[] = {
		{ "MAC table entry", xdp->maps.xvs_fdb,
		  fdb_growth(xdp->maps.xvs_fdb, spare),
		  "memlock growth over 10,000 entries (no prealloc)" },
		{ "learning MAC, pending (1 s)", xdp->maps.xvs_learn_pend,
		  per_slot(xdp->maps.xvs_learn_pend), "memlock / max_entries (LRU, prealloc)" },
		{ "cached flow", xdp->maps.xvs_flow_cache,
		  per_slot(xdp->maps.xvs_flow_cache), "memlock / max_entries (LRU, prealloc)" },
		{ "rule: slot", xdp->maps.xvs_rules, per_slot(xdp->maps.xvs_rules),
		  "memlock / max_entries (array)" },
		{ "rule: counters", xdp->maps.xvs_flow_stats,
		  per_slot(xdp->maps.xvs_flow_stats),
		  "memlock / max_entries (per-CPU array)" },
		{ "rule: classifier entry", xdp->maps.xvs_flows,
		  flows_growth(xdp->maps.xvs_flows, ft, bridge, set),
		  "memlock growth over the 10,000 rules of 10kx1 (no prealloc)" },
	};
	json_object *arr = json_object_new_array();
	double rule = 0;
	FILE *f = NULL;
	int i, n = ARRAY_SIZE(rows), err = 0;

	for (i = 0; i < 2; i++) {
		FILE *out = i ? f : stdout;
		int k;

		if (!out)
			break;
		fprintf(out, "%s| what | map | key + value B | max entries | memlock B | bytes per entry | how |\n"
			"|---|---|---|---|---|---|---|\n", i ? "" : "\n");
		for (k = 0; k < n; k++)
			row_print(out, &rows[k], i ? NULL : arr);
		if (!i && md)
			f = fopen(md, "w");
	}
	for (i = 3; i < n; i++)
		rule = rule < 0 || rows[i].bytes < 0 ? -1 : rule + rows[i].bytes;
	printf("a flow rule in all: %.1f bytes (slot, counters, classifier entry); "
	       "%d CPUs\n", rule, ncpus());
	if (f) {
		fprintf(f, "\na flow rule in all: %.1f bytes (slot, counters, classifier entry), %d CPUs\n",
			rule, ncpus());
		err = fclose(f) ? -errno : 0;
	} else if (md) {
		err = -errno;
	}
	if (err)
		pr_err("Couldn't write '%s': %s", md, strerror(-err));
	json_object_object_add(meta, "memory", arr);
	json_object_object_add(meta, "bytes_per_rule", json_object_new_double(rule));
	return err;
}
