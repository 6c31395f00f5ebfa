/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench/learn.h - how fast a running xvsd learns MAC addresses
 * (bench_fwd -s learn).
 *
 * Learning is the slow path's work: the fast path sends a LEARN upcall
 * through the ring buffer for a source MAC it does not know, xvsd reads
 * it and writes the MAC table.  Two figures, on bench_fwd's xvs-xdp
 * topology (the switch's own xvsd, unpinned; the generator on its CPU):
 *
 *   latency  one frame from a new source MAC at a time: from the test
 *            run that sends it to its entry in xvs_fdb, polled (median,
 *            p99 over the probes).  The switch is otherwise idle.
 *   rate     N distinct new source MACs, sent twice over (so a MAC
 *            whose frame or upcall was lost gets another chance) in
 *            bursts of 256 frames, as fast as the generator goes:
 *            entries learned per second, from the start of the run to
 *            the last entry that appeared.  The fast path's losses (ring
 *            buffer full, rate limit) are counted, and the frames the
 *            switch forwarded meanwhile (what it was offered).
 *
 * Before each run the learned entries are flushed (xvsctl fdb flush) and
 * the run waits out the fast path's one-second de-duplication of LEARN
 * upcalls (xvs_learn_pend), so every MAC is new to both sides.
 */
#ifndef XVS_BENCH_LEARN_H
#define XVS_BENCH_LEARN_H

#include <json-c/json.h>
#include <linux/types.h>

struct topo;
struct topo_env;

/* Run both on t (an xvs topology that is up), the generator sending
 * `frame` (len bytes: Ethernet, IPv4, UDP to the station behind p1; it
 * writes each flow into the source MAC); print them and add them to
 * `meta` as "learning".  `size` 0 normal, 1 quick, 2 smoke.  0 or -1.
 */
int learn_bench(struct topo *t, const struct topo_env *env, int size,
		const __u8 *frame, __u32 len, json_object *meta);

#endif /* XVS_BENCH_LEARN_H */
