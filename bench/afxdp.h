/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench/afxdp.h - the rate into an AF_XDP port next to a veth port
 * (bench_fwd -s afxdp); see afxdp.c.
 */
#ifndef XVS_BENCH_AFXDP_H
#define XVS_BENCH_AFXDP_H

#include <json-c/json.h>
#include <linux/types.h>

struct topo;
struct topo_env;

/* On t (bench_fwd's xvs-xdp topology, up): an AF_XDP port with `client`
 * (examples/xsk_client) on it, frames like `frame` (len bytes; to the
 * station behind p1) sent to it and to p1 in turn.  Prints the rates,
 * adds them to `meta` as "afxdp"; skips (0) if the client is not built.
 * `size` 0 normal, 1 quick, 2 smoke.  0 or -1.
 */
int afxdp_bench(struct topo *t, const struct topo_env *env, const char *client,
		int size, const __u8 *frame, __u32 len, json_object *meta);

#endif /* XVS_BENCH_AFXDP_H */
