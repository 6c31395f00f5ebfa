// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench/bench_fwd.c - forwarding rate of xvs against a bare XDP redirect
 * and the Linux bridge, on live frames between network namespaces.
 *
 * Each system has a topology of its own (topo.h): generator -> g0 ==veth==
 * p0 [system] p1..pN ==veth== s1..sN (sinks).  bench_gen, run by
 * BPF_PROG_TEST_RUN with live frames on the generator CPU, sends `repeat`
 * frames into g0, each with the flow fields of (counter mod flows); the
 * switch works in p0's threaded NAPI kthread, pinned to the other CPU
 * (the sinks' NAPI runs there too, in its softirq).  A run lasts until
 * the sinks stop counting.  Forwarded rate = frames delivered / time from
 * the start of the run to the last delivery (for a flood, copies / N);
 * loss = 1 - delivered / sent; CPU = p0's NAPI thread's run time per frame
 * delivered.  Systems alternate round by round (A B C D A B C D ...) in
 * each scenario; a system that delivers nothing, or to the wrong ports,
 * is an error row.
 *
 * Usage: bench_fwd [-q | -S] [-s SCENARIO] [-r ROUNDS] [-o DIR]
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "bench_gen.skel.h"
#include "bench_sink.skel.h"
#include "loader/log.h"
#include "loader/util.h"
#include "bench/report.h"
#include "bench/topo.h"
#include "bench/learn.h"
#include "bench/afxdp.h"
#include "maps/fdb.h"

#define NSEC		1000000000.0
#define BATCH		64
#define IDLE_NS		(20 * 1000000.0)	/* a run ends this long after its last frame */
#define FIRST_NS	(1000 * 1000000.0)	/* or after this if none came at all: on a
						 * busy machine the switch's threads may
						 * wait that long for a CPU */
#define MAX_RUN_NS	(10 * NSEC)		/* and never lasts longer than this */

struct scenario {
	const char *name, *what;
	__u32 len, flows;		/* frame bytes without FCS; flows */
	int flood, fanout;		/* broadcast to all sink ports; their count */
};

static const struct scenario scens[] = {
	{ "64B-1", "64 B frames, 1 flow, known unicast", 60, 1, 0, 2 },
	{ "64B-1k", "64 B frames, 1000 flows, known unicast", 60, 1000, 0, 2 },
	{ "64B-100k", "64 B frames, 100000 flows, known unicast", 60, 100000, 0, 2 },
	{ "1518B-1k", "1518 B frames, 1000 flows, known unicast", 1514, 1000, 0, 2 },
	{ "flood2", "64 B broadcast, flooded to 2 ports", 60, 1, 1, 2 },
	{ "flood8", "64 B broadcast, flooded to 8 ports", 60, 1, 1, 8 },
};
#define NR_SCENS ((int)ARRAY_SIZE(scens))
#define SMOKE_SCEN 1

static struct {
	int quick, smoke, rounds, ovs;	/* ovs: Open vSwitch is installed */
	const char *only, *dir;
	double run_ns;			/* target length of one run */
} opt = { .dir = "bench/results" };

static struct topo_env env = {
	.xvsd = ".output/xvsd", .xvsctl = ".output/xvsctl",
	.bpffs = "/sys/fs/bpf/xvs-bench", .fdb_size = 262144, .mac_limit = 200000,
};
static struct topo topos[NR_SYS][GEN_MAX_PORTS + 1];
static struct bench_fwd res[NR_SCENS][NR_SYS];
static volatile sig_atomic_t stop;
static char rundir[64];
static json_object *late;		/* figures of more than one scenario */

/* Ethernet to the known station (or broadcast), IPv4, UDP, padding. */
static void build_frame(const struct scenario *s, __u8 *f)
{
	static const __u8 ip[20] = { 0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0,
				     10, 0, 0, 0, 10, 255, 0, 1 };
	__u32 sum = 0, i, iplen = s->len - ETH_HLEN;

	memset(f, 0, s->len);
	memset(f, 0xff, ETH_ALEN);
	if (!s->flood)
		memcpy(f, "\x02\x00\x00\x00\x00\x0b", ETH_ALEN);
	memcpy(f + ETH_ALEN, "\x02\x10\x00\x00\x00\x00", ETH_ALEN);
	f[12] = 0x08;
	memcpy(f + ETH_HLEN, ip, sizeof(ip));
	f[16] = iplen >> 8, f[17] = iplen & 0xff;
	for (i = 0; i < sizeof(ip); i += 2)
		sum += f[ETH_HLEN + i] << 8 | f[ETH_HLEN + i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~((sum & 0xffff) + (sum >> 16)) & 0xffff;
	f[GEN_OFF_CSUM] = sum >> 8, f[GEN_OFF_CSUM + 1] = sum & 0xff;
	f[34] = 0x04, f[36] = 0x10, f[37] = 0x00;	/* ports 1024 -> 4096 */
	f[38] = (iplen - 20) >> 8, f[39] = (iplen - 20) & 0xff;
}

struct sample { double mpps, loss, cpu, own; };	/* own: ovs-vswitchd's alone */

/* ovs-netdev's samples of ovs-vswitchd's own CPU ns per frame forwarded:
 * p0's NAPI thread left out, which builds and queues to its packet
 * socket many frames it never reads (see summary()).
 */
static double ovs_own[NR_SCENS][BENCH_MAX_SAMPLES];
static int n_own[NR_SCENS];

static int counted(struct topo *t, const struct scenario *s, const __u64 *c0,
		   __u64 *c, __u64 *total)
{
	int k, err = topo_count(t, c);

	for (*total = 0, k = 0; k <= t->fanout; k++)
		*total += c[k] - c0[k];
	return err;
}

/* One run of `repeat` frames through t; 0 and *out, or -1 and an error in r. */
static int run_one(struct topo *t, const struct scenario *s, __u32 repeat,
		   struct bench_fwd *r, const char *at, struct sample *out)
{
	static __u8 frame[ETH_FRAME_LEN];
	struct xdp_md md = { .data_end = s->len, .ingress_ifindex = t->g0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = s->len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = repeat,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = BATCH);
	__u64 c0[GEN_MAX_PORTS + 1], c[GEN_MAX_PORTS + 1], got = 0, last = 0, cpu0, own0;
	double t0, tlast, tnow;
	int err, k;

	build_frame(s, frame);
	t->gen->data->gen_flows = s->flows;
	t->gen->bss->gen_csum0 = frame[GEN_OFF_CSUM] << 8 | frame[GEN_OFF_CSUM + 1];
	if (t->bare)
		t->bare->bss->fwd_flood = s->flood;
	err = topo_count(t, c0) ?: topo_enter(t, NS_GEN);
	cpu0 = topo_cpu_ns(t);
	own0 = t->vswitchd > 0 ? ovs_cpu_ns(t) : 0;
	tlast = t0 = now_ns();
	if (!err)
		err = bpf_prog_test_run_opts(bpf_program__fd(t->gen->progs.bench_gen), &o);
	err = topo_enter(NULL, 0) ?: err;
	tlast = now_ns();
	for (tnow = tlast; !err && tnow - tlast < (last ? IDLE_NS : FIRST_NS) &&
	     tnow - t0 < MAX_RUN_NS;
	     tnow = now_ns()) {
		err = counted(t, s, c0, c, &got);
		if (got != last)
			tlast = tnow, last = got;
		usleep(200);
	}
	err = err ?: counted(t, s, c0, c, &got);
	if (err) {
		snprintf(r->err, sizeof(r->err), "%s: run failed: %s", at, strerror(-err));
		return -1;
	}
	for (k = 0; k < t->fanout; k++)
		c[k] -= c0[k];
	got = c[0];
	for (k = 1; s->flood && k < t->fanout; k++)
		got = c[k] < got ? c[k] : got;
	if (!got || (!s->flood && c[1]) || c[t->fanout] != c0[t->fanout]) {
		snprintf(r->err, sizeof(r->err),
			 "%s: %u sent, %llu reached s1, %llu s2, %llu an unknown port",
			 at, repeat, c[0], c[1], c[t->fanout] - c0[t->fanout]);
		return -1;
	}
	out->mpps = got / (tlast - t0) * 1e3;
	out->loss = 1.0 - (double)got / repeat;
	out->cpu = (topo_cpu_ns(t) - cpu0) / (double)got;
	out->own = t->vswitchd > 0 ? (ovs_cpu_ns(t) - own0) / (double)got : 0;
	if (!cpu0) {
		snprintf(r->err, sizeof(r->err), "%s: p0's NAPI thread is gone", at);
		return -1;
	}
	return 0;
}

/* Warm-up (learning, caches), then frames for opt.run_ns at that rate. */
static __u32 calibrate(struct topo *t, const struct scenario *s, struct bench_fwd *r)
{
	__u32 n = s->flows * 2 > 200000 ? s->flows * 2 : 200000;
	struct sample x;
	double w = now_ns();

	if (run_one(t, s, n, r, "warm-up", &x) || run_one(t, s, n, r, "warm-up", &x))
		return 0;
	w = (now_ns() - w) / 2 / n;	/* ns per sent frame, idle tail included */
	w = opt.run_ns / w;
	return w < 20000 ? 20000 : w > 50e6 ? 50000000 : (__u32)w;
}

static int scenario_run(int si)
{
	const struct scenario *s = &scens[si];
	__u32 repeat[NR_SYS] = { 0 };
	int rounds = opt.rounds, sys, i;
	struct sample x;
	char at[32];

	printf("# %s: %s\n", s->name, s->what);
	fflush(stdout);
	for (sys = 0; sys < NR_SYS && !stop; sys++) {
		struct topo *t = &topos[sys][s->fanout];

		if (sys == SYS_OVS && !opt.ovs)
			continue;
		res[si][sys].scenario = s->name;
		res[si][sys].system = sys_name[sys];
		if (!t->up && topo_up(t, sys, s->fanout, &env))
			snprintf(res[si][sys].err, sizeof(res[si][sys].err),
				 "topology setup failed (see above)");
		else
			repeat[sys] = calibrate(t, s, &res[si][sys]);
	}
	for (i = 0; i < rounds && !stop; i++)
		for (sys = 0; sys < NR_SYS && !stop; sys++) {
			if (!repeat[sys] || res[si][sys].err[0])
				continue;
			snprintf(at, sizeof(at), "round %d", i + 1);
			if (run_one(&topos[sys][s->fanout], s, repeat[sys],
				    &res[si][sys], at, &x))
				continue;
			bench_fwd_sample(&res[si][sys], x.mpps, x.loss, x.cpu);
			if (sys == SYS_OVS && n_own[si] < BENCH_MAX_SAMPLES)
				ovs_own[si][n_own[si]++] = x.own;
		}
	return 0;
}

/* Bytes per MAC table entry: memlock of a map made like xvs_fdb
 * (bpf/lib/maps.h: hash, no prealloc) empty and with n entries; and
 * what the xvs-xdp instance's own xvs_fdb holds after the run.
 */
static void fdb_memory(json_object *meta)
{
	LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = BPF_F_NO_PREALLOC);
	struct xvs_fdb_key k = { .bridge = 1 }, next;
	struct xvs_fdb_entry e = { .ifindex = 1 };
	json_object *o = json_object_new_object();
	__u32 n = 100000, i, count = 0;
	long long m0, m1;
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "bench_fdb", sizeof(k), sizeof(e),
			    env.fdb_size, &mo);
	if (fd < 0)
		return;
	m0 = bench_memlock(fd);
	for (i = 0; i < n; i++) {
		memcpy(k.mac + 2, &i, sizeof(i));
		bpf_map_update_elem(fd, &k, &e, BPF_NOEXIST);
	}
	m1 = bench_memlock(fd);
	close(fd);
	printf("\nMAC table memory: %.1f bytes per entry (memlock of a no-prealloc hash "
	       "like xvs_fdb: %lld empty, %lld with %u entries; key %zu + value %zu B)\n",
	       (double)(m1 - m0) / n, m0, m1, n, sizeof(k), sizeof(e));
	json_object_object_add(o, "bytes_per_entry", json_object_new_double((double)(m1 - m0) / n));
	json_object_object_add(o, "memlock_empty", json_object_new_int64(m0));
	json_object_object_add(o, "memlock_full", json_object_new_int64(m1));
	json_object_object_add(o, "entries", json_object_new_int(n));
	if (topos[SYS_XDP][2].up && (fd = topo_map(&topos[SYS_XDP][2], &env, "xvs_fdb")) >= 0) {
		for (i = bpf_map_get_next_key(fd, NULL, &next); !i;
		     i = bpf_map_get_next_key(fd, &next, &next))
			count++;
		printf("xvs-xdp's own xvs_fdb after the run: %u entries, memlock %lld\n",
		       count, bench_memlock(fd));
		json_object_object_add(o, "xvs_xdp_fdb_entries", json_object_new_int(count));
		json_object_object_add(o, "xvs_xdp_fdb_memlock", json_object_new_int64(bench_memlock(fd)));
		close(fd);
	}
	json_object_object_add(meta, "fdb_memory", o);
}

static double med(int si, int sys)
{
	const struct bench_fwd *r = &res[si][sys];

	return r->n && !r->err[0] ? r->med : 0;
}

/* Median CPU ns per frame of a system in a scenario; 0 if none. */
static double cpu_med(int si, int sys)
{
	const struct bench_fwd *r = &res[si][sys];

	return r->n && !r->err[0] ? bench_median_of(r->cpu, r->n) : 0;
}

/* One target line: system a over system b in scenario si against `want`
 * (at least), by forwarded rate and by CPU per frame (b's over a's: the
 * rates at which each would fill its CPU, far steadier here).
 */
static void target(const char *what, int si, int a, int b, double want)
{
	double ra = med(si, a), rb = med(si, b), ca = cpu_med(si, a), cb = cpu_med(si, b);

	if (!ra || !rb || !ca || !cb)
		printf("  %-32s %-9s n/a (a system failed or did not run)\n", what,
		       scens[si].name);
	else
		printf("  %-32s %-9s rate %5.2fx: %-6s CPU/frame %5.2fx: %-6s (want >= %.1fx)\n",
		       what, scens[si].name, ra / rb, ra / rb >= want ? "met" : "MISSED",
		       cb / ca, cb / ca >= want ? "met" : "MISSED", want);
}

/* Scenario `name`'s median ns in bench_dp's results j; 0 if none. */
static double dp_median(json_object *j, const char *name)
{
	json_object *arr, *o, *v;
	size_t i;

	if (!json_object_object_get_ex(j, "scenarios", &arr))
		return 0;
	for (i = 0; i < json_object_array_length(arr); i++) {
		o = json_object_array_get_idx(arr, i);
		if (!strcmp(json_object_get_string(json_object_object_get(o, "name")), name))
			return json_object_object_get_ex(o, "median_ns", &v) ?
			       json_object_get_double(v) : 0;
	}
	return 0;
}

/* The tag and tunnel targets from bench_dp's runs, if there are some:
 * each path over plain L2, live (vlan.json) and without live frames
 * (micro.json); and new flows against the steady state (flows.json,
 * micro.json), as rates.
 */
static void target_dp(void)
{
	static const char *const live[] = { "push", "pop", "push+pop", "encap", "decap" };
	static const char *const micro[] = { "push", "encap", "decap" };
	json_object *v, *m, *f;
	char path[PATH_MAX];
	double d, h, n;
	size_t i;

	snprintf(path, sizeof(path), "%s/vlan.json", opt.dir);
	v = json_object_from_file(path);
	snprintf(path, sizeof(path), "%s/micro.json", opt.dir);
	m = json_object_from_file(path);
	snprintf(path, sizeof(path), "%s/flows.json", opt.dir);
	f = json_object_from_file(path);
	if (!v && !m)
		printf("  tags and GRE <= 15 ns over plain L2: no results of bench_dp in %s\n",
		       opt.dir);
	for (i = 0; v && i < ARRAY_SIZE(live); i++) {
		d = dp_median(v, live[i]) - dp_median(v, "plain");
		printf("  %-32s %-9s %+6.1f ns (want <= 15%s): %s\n", "over plain, live (bench_dp)",
		       live[i], d, i == 2 ? " each" : "", d <= (i == 2 ? 30 : 15) ? "met" : "MISSED");
	}
	for (i = 0; m && i < ARRAY_SIZE(micro); i++) {
		d = dp_median(m, micro[i]) - dp_median(m, "unicast");
		printf("  %-32s %-9s %+6.1f ns (want <= 15): %s\n", "over unicast, -f micro",
		       micro[i], d, d <= 15 ? "met" : "MISSED");
	}
	if (f && (h = dp_median(f, "1x1-hit")) && (n = dp_median(f, "1x1-new")))
		printf("  %-32s %-9s %5.2fx (want >= 0.5x): %s\n", "new flow vs steady, live",
		       "1x1", h / n, h / n >= 0.5 ? "met" : "MISSED");
	if (m && (h = dp_median(m, "flow-hit")) && (n = dp_median(m, "flow-new")))
		printf("  %-32s %-9s %5.2fx (want >= 0.5x): %s\n", "new flow vs steady, micro",
		       "1x1", h / n, h / n >= 0.5 ? "met" : "MISSED");
	json_object_put(v);
	json_object_put(m);
	json_object_put(f);
}

/* Rate against flow count, 64 B known unicast: for the plot. */
static void write_dat(void)
{
	static const int by_flows[] = { 0, 1, 2 };	/* scens[]: 1, 1k, 100k */
	char path[PATH_MAX];
	FILE *f;
	int i, sys;

	snprintf(path, sizeof(path), "%s/fwd_flows.dat", opt.dir);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "flows");
	for (sys = 0; sys < NR_SYS; sys++)
		fprintf(f, " %s", sys_name[sys]);
	for (i = 0; i < (int)ARRAY_SIZE(by_flows); i++) {
		fprintf(f, "\n%u", scens[by_flows[i]].flows);
		for (sys = 0; sys < NR_SYS; sys++)
			fprintf(f, med(by_flows[i], sys) ? " %.3f" : " NaN",
				med(by_flows[i], sys));
	}
	fputc('\n', f);
	fclose(f);
}

/* ovs-vswitchd's own CPU per frame: its threads do the switching, p0's
 * NAPI thread only feeds its packet socket - and, the generator
 * outrunning it, mostly frames the socket then drops.
 */
static void ovs_own_print(json_object *meta)
{
	json_object *o = json_object_new_object();
	int i;

	for (i = 0; i < NR_SCENS; i++) {
		if (!n_own[i])
			continue;
		printf("%s %.0f ns (%s)", json_object_object_length(o) ? "," :
		       "ovs-netdev: ovs-vswitchd's own CPU per forwarded frame:",
		       bench_median_of(ovs_own[i], n_own[i]), scens[i].name);
		json_object_object_add(o, scens[i].name,
				       json_object_new_double(bench_median_of(ovs_own[i], n_own[i])));
	}
	if (json_object_object_length(o))
		printf("\n");
	json_object_object_add(meta, "ovs_vswitchd_cpu_ns", o);
}

static int summary(void)
{
	struct bench_fwd *s[NR_SCENS * NR_SYS];
	json_object *meta = json_object_new_object();
	char title[160], json[PATH_MAX], md[PATH_MAX];
	int i, sys, n = 0, ret;

	for (i = 0; i < NR_SCENS; i++)
		for (sys = 0; sys < NR_SYS; sys++)
			if (res[i][sys].scenario)
				s[n++] = &res[i][sys];
	snprintf(title, sizeof(title), "xvs forwarding, %d round(s) of %.2f s; generator CPU %d, switch CPU %d",
		 opt.rounds, opt.run_ns / NSEC, env.gen_cpu, env.sw_cpu);
	snprintf(json, sizeof(json), "%s/fwd.json", opt.dir);
	snprintf(md, sizeof(md), "%s/fwd.md", opt.dir);
	json_object_object_add(meta, "benchmark", json_object_new_string("fwd"));
	json_object_object_add(meta, "rounds", json_object_new_int(opt.rounds));
	json_object_object_add(meta, "quick", json_object_new_boolean(opt.quick));
	json_object_object_add(meta, "smoke", json_object_new_boolean(opt.smoke));
	{
		json_object_object_foreach(late, k, v)
			json_object_object_add(meta, k, json_object_get(v));
	}
	if (!opt.smoke)
		fdb_memory(meta);
	ovs_own_print(meta);
	ret = bench_fwd_report(title, s, n, meta, json, md);
	if (!opt.ovs)
		printf("ovs-netdev (Open vSwitch, userspace datapath): not installed "
		       "(make bench OVS=1 installs it)\n");
	printf("\nTargets (reported, not asserted):\n");
	for (i = 0; i < NR_SCENS; i++) {
		if (scens[i].flood || !res[i][0].scenario)
			continue;
		target("xvs-xdp vs bare redirect", i, SYS_XDP, SYS_BARE, 0.9);
		target("xvs-xdp vs linux-bridge", i, SYS_XDP, SYS_BRIDGE, 4);
		target("xvs-tc vs linux-bridge", i, SYS_TC, SYS_BRIDGE, 1.3);
	}
	target_dp();
	write_dat();
	return ret;
}

/* MAC learning through xvs-xdp's xvsd (learn.h), on 64B-1's frame. */
static int learn_run(void)
{
	static __u8 frame[ETH_FRAME_LEN];
	struct topo *t = &topos[SYS_XDP][2];

	printf("# learn: new source MACs through xvsd's ring buffer upcalls\n");
	fflush(stdout);
	if (!t->up && topo_up(t, SYS_XDP, 2, &env)) {
		pr_err("learn: topology setup failed");
		return -1;
	}
	build_frame(&scens[0], frame);
	return learn_bench(t, &env, opt.smoke ? 2 : opt.quick ? 1 : 0, frame,
			   scens[0].len, late);
}

/* An AF_XDP port next to p1, on xvs-xdp's topology (afxdp.h). */
static int afxdp_run(void)
{
	static __u8 frame[ETH_FRAME_LEN];
	struct topo *t = &topos[SYS_XDP][2];

	printf("# afxdp: 64 B frames into an AF_XDP port, and to a veth port\n");
	fflush(stdout);
	if (!t->up && topo_up(t, SYS_XDP, 2, &env)) {
		pr_err("afxdp: topology setup failed");
		return -1;
	}
	build_frame(&scens[0], frame);
	return afxdp_bench(t, &env, ".output/examples/xsk_client",
			   opt.smoke ? 2 : opt.quick ? 1 : 0, frame, scens[0].len, late);
}

/* The daemons' logs go with the run directory. */
static void unlink_logs(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rundir);
	if (system(cmd))
		pr_warn("Couldn't remove %s", rundir);
}

static void on_signal(int sig)
{
	stop = sig;
}

static int parse_args(int argc, char **argv)
{
	int c, i;

	while ((c = getopt(argc, argv, "qSs:r:o:h")) != -1) {
		if (c == 'q')
			opt.quick = 1;
		else if (c == 'S')
			opt.smoke = 1;
		else if (c == 's')
			opt.only = optarg;
		else if (c == 'r')
			opt.rounds = atoi(optarg);
		else if (c == 'o')
			opt.dir = optarg;
		else
			return -EINVAL;
	}
	for (i = 0; opt.only && i < NR_SCENS && strcmp(opt.only, scens[i].name); i++)
		;
	if (opt.only && (!strcmp(opt.only, "learn") || !strcmp(opt.only, "afxdp")))
		i = 0;
	if (optind < argc || (opt.only && i == NR_SCENS) || opt.rounds < 0 ||
	    opt.rounds > BENCH_MAX_SAMPLES)
		return -EINVAL;
	opt.rounds = opt.rounds ?: opt.smoke ? 1 : opt.quick ? 3 : 5;
	opt.run_ns = (opt.smoke ? 0.05 : opt.quick ? 0.2 : 1.0) * NSEC;
	if (opt.smoke && !opt.only)
		opt.only = scens[SMOKE_SCEN].name;
	return 0;
}

static int pin_self(void)
{
	cpu_set_t set;

	if (ncpus() < 2) {
		pr_err("needs 2 CPUs: one for the generator, one for the switch");
		return -EINVAL;
	}
	env.gen_cpu = 0;
	env.sw_cpu = 1;		/* CPU 0 takes more interrupts */
	CPU_ZERO(&set);
	CPU_SET(env.gen_cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

int main(int argc, char **argv)
{
	int err = 0, i, j;

	log_init("bench_fwd", 0);
	if (parse_args(argc, argv)) {
		fprintf(stderr, "usage: bench_fwd [-q | -S] [-s SCENARIO] [-r ROUNDS] [-o DIR]\n"
			"  -q quick (about a minute), -S smoke (a few seconds, one scenario)\n"
			"  scenarios:");
		for (i = 0; i < NR_SCENS; i++)
			fprintf(stderr, " %s", scens[i].name);
		fprintf(stderr, " learn afxdp\n");
		return 2;
	}
	if (geteuid()) {
		pr_err("needs root (network namespaces, BPF)");
		return 1;
	}
	snprintf(rundir, sizeof(rundir), "/tmp/xvs-bench-%d", getpid());
	env.rundir = rundir;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (pin_self() || mkdir_p(rundir, 0700) || mkdir_p(env.bpffs, 0700) ||
	    mkdir_p(opt.dir, 0755)) {
		pr_err("Couldn't prepare: %s", strerror(errno));
		return 1;
	}
	late = json_object_new_object();
	opt.ovs = ovs_available();
	for (i = 0; i < NR_SCENS && !stop; i++)
		if (!opt.only || !strcmp(opt.only, scens[i].name))
			scenario_run(i);
	if (!stop && (!opt.only || !strcmp(opt.only, "learn")))
		err = learn_run();
	if (!stop && (!opt.only || !strcmp(opt.only, "afxdp")))
		err = afxdp_run() ?: err;
	err = summary() ?: err;
	json_object_put(late);
	for (i = 0; i < NR_SYS; i++)
		for (j = 0; j <= GEN_MAX_PORTS; j++)
			if (topos[i][j].up)
				topo_down(&topos[i][j], &env);
	unlink_logs();
	return err ? 1 : 0;
}
