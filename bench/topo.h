/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench/topo.h - bench_fwd's topologies: one per system under test and
 * number of sink ports, each in three network namespaces of its own.
 *
 *   [gen ns]            [switch ns]                    [sink ns]
 *   bench_gen --> g0 ==veth== <T>p0  (system)  <T>p1 ==veth== s1  bench_count
 *   (live test_run)                            ...
 *                                              <T>pN ==veth== sN  bench_count
 *
 * <T> is the topology's tag (system letter and N: "x2"), so that p0's
 * threaded NAPI kthread, "napi/<T>p0-<id>", is found by name.  The
 * systems: bench_bare on <T>p0 (an XDP devmap redirect, the ceiling), a
 * private xvsd with the ports at XDP or at TC, the Linux bridge, Open
 * vSwitch's userspace datapath (ovs.c).  p0 has
 * GRO on (NAPI, so that g0's redirected frames land there even with no
 * XDP program on p0) and threaded NAPI, its kthread pinned to the switch
 * CPU.  Everything is removed by topo_down().
 */
#ifndef XVS_BENCH_TOPO_H
#define XVS_BENCH_TOPO_H

#include <sys/types.h>
#include <linux/types.h>
#include "bench/bench_gen.h"

enum bench_system { SYS_BARE, SYS_XDP, SYS_TC, SYS_BRIDGE, SYS_OVS, NR_SYS };

extern const char *const sys_name[NR_SYS];

struct topo_env {
	const char *xvsd, *xvsctl;	/* the binaries */
	const char *bpffs, *rundir;	/* private instances' pins and sockets */
	int gen_cpu, sw_cpu;		/* the generator's, the switch's */
	__u32 fdb_size, mac_limit;	/* xvsd --fdb-size, --mac-limit */
};

struct topo {
	int sys, fanout, up;
	char tag[8];			/* device name prefix, e.g. "x2" */
	char ns[3][32];			/* gen, switch, sink namespace names */
	int ns_fd[3];
	__u32 g0;			/* g0's ifindex, in the gen namespace */
	pid_t napi;			/* p0's NAPI kthread */
	pid_t xvsd;			/* the xvs systems' daemon */
	char inst[32];			/* its instance name */
	pid_t ovsdb, vswitchd;		/* SYS_OVS's daemons (ovs.c) */
	char ovsdir[128];		/* ... and their private directory */
	struct bench_gen *gen;		/* bench_gen, on g0 */
	struct bench_gen *bare;		/* bench_bare on p0 (SYS_BARE) */
	struct bench_sink *sink;	/* bench_count on s1..sN */
};

enum { NS_GEN, NS_SW, NS_SINK };

int topo_up(struct topo *t, int sys, int fanout, const struct topo_env *env);
void topo_down(struct topo *t, const struct topo_env *env);
/* Enter namespace `which` of t (NS_*), or the original one if t is NULL. */
int topo_enter(const struct topo *t, int which);
/* Frames counted at each sink port (c[0..fanout-1]) and elsewhere (c[fanout]). */
int topo_count(const struct topo *t, __u64 *c);
/* CPU time of p0's NAPI thread (and of ovs-vswitchd's threads), ns; 0
 * if it is gone.
 */
__u64 topo_cpu_ns(const struct topo *t);
/* The xvs systems' pinned map `name`, opened; -errno. */
int topo_map(const struct topo *t, const struct topo_env *env, const char *name);

/* ovs.c: Open vSwitch's tools are installed; start, stop, CPU time. */
int ovs_available(void);
int ovs_start(struct topo *t, const struct topo_env *env);
void ovs_stop(struct topo *t);
__u64 ovs_cpu_ns(const struct topo *t);

#endif /* XVS_BENCH_TOPO_H */
