/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dp_int.h - what the two halves of the datapath test harness share:
 * dp_harness.c (the switch: objects, veths, seeding, the runner) and
 * dp_check.c (a case's frames and the checks of what came of them).
 * Test programs include dp_harness.h, and those with frames of their
 * own this too.
 */
#ifndef XVS_DP_INT_H
#define XVS_DP_INT_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_harness.h"
#include "xvs_xdp.skel.h"
#include "xvs_tc.skel.h"

#define MAX_UPCALLS	64
#define MAX_FLOW_UPCALLS 8

extern struct xvs_xdp *xdp;
extern struct xvs_tc *tc;
extern struct ring_buffer *rb;
extern struct xvs_upcall upcalls[MAX_UPCALLS];
extern __u32 nr_upcalls;	/* LEARN upcalls read from the ring */
extern struct xvs_upcall_flow flow_upcalls[MAX_FLOW_UPCALLS];
extern __u32 nr_flow_upcalls;	/* FLOW upcalls (a rule's userspace) */
extern int nr_cpus;
extern int failures;		/* of the current case */
extern __u64 seeded_seen;	/* fdb[0].seen_ns as seeded */
extern __u32 topo;		/* the interfaces of this program's switch */

__attribute__((format(printf, 1, 2)))
void fail(const char *fmt, ...);
void expect(const char *what, const char *of, __u64 want, __u64 got);
__u64 now_ns(void);
__u64 floor_ns(void);		/* never after the datapath's clock */
const char *mac_str(const __u8 *m);
bool is_port(int i);		/* a port of this program's switch */

/* For .fn cases that bring frames of their own (test_tunnel_datapath.c):
 * empty the maps and seed the standard switch with `c`'s state on top;
 * take the next frame one end of interface i received (not sent), its
 * tag back in place.  -1 when there is none.
 */
int dp_seed(const struct tcase *c);
int dp_recv(int i, int end, __u8 *buf, __u32 size);
/* Sum a per-CPU value of n __u64 counters over the CPUs. */
void percpu_sum(int fd, __u32 key, __u64 *sum, int n);
/* Print where two frames differ (a failure's detail). */
void hexdiff(const __u8 *want, __u32 wlen, const __u8 *got, __u32 glen);

/* Set at start-up when this kernel's test_run mangles live broadcast
 * copies (the reason), so floods' live output goes unchecked: such a case
 * sets dp_case_skip, and reports SKIP if nothing else failed.
 */
extern const char *dp_live_bcast_broken;
extern const char *dp_case_skip;
void dp_probe_live_broadcast(void);

/* Run a seeded case's frames and check all that must come of them. */
bool run_frames_and_check(const struct tcase *c);
/* ... with the case's TC hooks attached for the while (a .fn case that
 * runs several steps on one seeding).
 */
bool dp_run(const struct tcase *c);
/* Zero the port, drop and event counters (between such steps). */
int dp_clear_counters(void);
/* Frame i of case c, into p; its length.  The length the pipeline sees
 * of it (f->len).
 */
__u32 dp_input_frame(const struct tcase *c, __u32 i, __u8 *p);
__u32 dp_seen_len(const struct tcase *c);

#endif /* XVS_DP_INT_H */
