// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench/afxdp.c - the rate into an AF_XDP port, next to a veth port of the
 * same switch (bench_fwd -s afxdp).
 *
 *   bench_gen -> g0 ==veth== p0 [xvs-xdp] p1 ==veth== s1: bench_count
 *                                       <tag>vm ==veth== <tag>vm-xsk: xvs_xsk_rx
 *                                                        -> AF_XDP socket: xsk_client
 *
 * On bench_fwd's xvs-xdp topology, an AF_XDP port is added to the bridge
 * (xvsctl port add --type afxdp) and examples/xsk_client takes its frames
 * (a station that answers ARP and ping, and counts and drops the rest).
 * Runs alternate between 64 B frames to the client's MAC and the same
 * frames to the station behind p1 (the veth port); each run's rate is the
 * frames delivered over the time to the last one - to the socket as the
 * far side's program counts them (xsk_stats rx_packets), or to s1.  CPU
 * per frame is p0's NAPI thread's, in whose context the far side's
 * program runs too; the client's own CPU per frame is printed with it.
 * One way only: the client does not echo arbitrary frames.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_gen.skel.h"
#include "loader/log.h"
#include "loader/util.h"
#include "maps/afxdp.h"
#include "bench/bench_gen.h"
#include "bench/report.h"
#include "bench/topo.h"
#include "bench/afxdp.h"

#define CLIENT_MAC	"02:00:00:00:00:0c"
#define IDLE_NS		(20 * 1000000.0)
#define FIRST_NS	(1000 * 1000000.0)

struct ax {
	struct topo *t;
	const struct topo_env *env;
	char port[16];
	int stats;		/* the port's xsk_stats */
	pid_t client;
};

static int xvsctl(const struct ax *a, const char *args)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "ip netns exec %s %s -i %s --bpffs %s --rundir %s %s >/dev/null",
		 a->t->ns[NS_SW], a->env->xvsctl, a->t->inst, a->env->bpffs,
		 a->env->rundir, args);
	if (system(cmd)) {
		pr_err("afxdp: '%s' failed", cmd);
		return -EIO;
	}
	return 0;
}

/* xsk_client on the port, in the switch namespace; up once it says so. */
static int client_start(struct ax *a, const char *client, char *out, size_t len)
{
	char line[256];
	int i, fd;
	FILE *f;

	snprintf(out, len, "%s/%s-xsk.out", a->env->rundir, a->t->inst);
	a->client = fork();
	if (a->client < 0)
		return -errno;
	if (!a->client) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || setns(a->t->ns_fd[NS_SW], CLONE_NEWNET))
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(client, "xsk_client", "--port", a->port, "--ip", "10.99.0.2/24",
		      "--mac", CLIENT_MAC, "--instance", a->t->inst, "--bpffs",
		      a->env->bpffs, "--timeout", "300", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		f = fopen(out, "r");
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, "answering")) {
				fclose(f);
				return 0;
			}
		if (f)
			fclose(f);
		usleep(50000);
	}
	pr_err("afxdp: xsk_client did not start (see %s)", out);
	return -ETIMEDOUT;
}

static __u64 xsk_rx(const struct ax *a)
{
	struct xvs_xsk_stats v[64];
	__u64 sum = 0;
	__u32 k = 0;
	int i, n = libbpf_num_possible_cpus();

	if (n > 64 || bpf_map_lookup_elem(a->stats, &k, v))
		return 0;
	for (i = 0; i < n; i++)
		sum += v[i].rx_packets;
	return sum;
}

static __u64 delivered(const struct ax *a, int to_xsk)
{
	__u64 c[GEN_MAX_PORTS + 1] = { 0 };

	if (to_xsk)
		return xsk_rx(a);
	topo_count(a->t, c);
	return c[0];
}

/* One run; Mpps and p0's CPU ns per frame, or -1. */
static int run(struct ax *a, const __u8 *frame, __u32 len, __u32 repeat, int to_xsk,
	       double *mpps, double *cpu)
{
	struct xdp_md md = { .data_end = len, .ingress_ifindex = a->t->g0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = repeat,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
	__u64 d0 = delivered(a, to_xsk), got = 0, last = 0, c0 = topo_cpu_ns(a->t);
	double t0 = now_ns(), tlast, tnow;
	int err;

	a->t->gen->data->gen_flows = 1;
	err = topo_enter(a->t, NS_GEN);
	if (!err)
		err = bpf_prog_test_run_opts(bpf_program__fd(a->t->gen->progs.bench_gen), &o);
	err = topo_enter(NULL, 0) ?: err;
	for (tlast = tnow = now_ns(); !err && tnow - tlast < (last ? IDLE_NS : FIRST_NS);
	     tnow = now_ns()) {
		got = delivered(a, to_xsk) - d0;
		if (got != last)
			tlast = tnow, last = got;
		usleep(200);
	}
	if (err || !got)
		return -1;
	*mpps = got / (tlast - t0) * 1e3;
	*cpu = (topo_cpu_ns(a->t) - c0) / (double)got;
	return 0;
}

/* What the client says it received, from its closing line; 0 if unknown. */
static unsigned long client_rx(const char *out)
{
	unsigned long rx = 0;
	char line[512];
	FILE *f = fopen(out, "r");

	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "xsk_client: rx %lu", &rx);
	if (f)
		fclose(f);
	return rx;
}

static __u64 proc_cpu_ns(pid_t pid)
{
	unsigned long long ns = 0;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	f = fopen(path, "r");
	if (f && fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	if (f)
		fclose(f);
	return ns;
}

int afxdp_bench(struct topo *t, const struct topo_env *env, const char *client,
		int size, const __u8 *frame, __u32 len, json_object *meta)
{
	static const __u8 cmac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0c };
	struct ax a = { .t = t, .env = env, .stats = -1 };
	int rounds = size == 2 ? 1 : size ? 3 : 5, i, k, n[2] = { 0, 0 }, ret = -1;
	__u32 repeat = size == 2 ? 20000 : size ? 100000 : 500000;
	double mpps[2][BENCH_MAX_SAMPLES], cpu[2][BENCH_MAX_SAMPLES], x, y;
	char args[256], path[PATH_MAX], out[PATH_MAX];
	__u64 ccpu0, crx0, crx;
	__u8 f[2][ETH_FRAME_LEN];
	json_object *o;

	if (access(client, X_OK)) {
		printf("\nAF_XDP port: skipped (%s not built: make examples)\n", client);
		return 0;
	}
	snprintf(a.port, sizeof(a.port), "%svm", t->tag);
	memcpy(f[0], frame, len);
	memcpy(f[1], frame, len);
	memcpy(f[1], cmac, ETH_ALEN);
	t->gen->bss->gen_csum0 = frame[GEN_OFF_CSUM] << 8 | frame[GEN_OFF_CSUM + 1];
	snprintf(args, sizeof(args), "port add %s --bridge br0 --type afxdp", a.port);
	if (xvsctl(&a, args))
		return -1;
	snprintf(path, sizeof(path), "%s/%s/" XVS_XSK_PIN_DIR "/%s/xsk_stats", env->bpffs,
		 t->inst, a.port);
	a.stats = bpf_obj_get(path);
	snprintf(args, sizeof(args), "fdb add " CLIENT_MAC " dev %s", a.port);
	if (a.stats < 0 || client_start(&a, client, out, sizeof(out)) || xvsctl(&a, args))
		goto out;
	ccpu0 = proc_cpu_ns(a.client);
	crx0 = xsk_rx(&a);
	for (i = 0; i < rounds + 1; i++)		/* the first: warm-up */
		for (k = 0; k < 2; k++)
			if (!run(&a, f[k], len, repeat, k, &x, &y) && i) {
				mpps[k][n[k]] = x;
				cpu[k][n[k]++] = y;
			}
	crx = xsk_rx(&a) - crx0;
	ccpu0 = proc_cpu_ns(a.client) - ccpu0;
	if (!n[0] || !n[1]) {
		pr_err("afxdp: %d and %d of %d runs delivered frames", n[0], n[1], rounds);
		goto out;
	}
	x = bench_median_of(mpps[1], n[1]);
	y = bench_median_of(mpps[0], n[0]);
	kill(a.client, SIGTERM);
	waitpid(a.client, NULL, 0);
	a.client = 0;
	printf("\nAF_XDP port (xsk_client consuming, copy mode) next to a veth port, "
	       "64 B known unicast, %d rounds:\n"
	       "  to the AF_XDP socket: %.3f Mpps, %.0f CPU ns/frame (p0's NAPI); "
	       "xsk_client %.0f CPU ns/frame\n"
	       "  to the veth port s1:  %.3f Mpps, %.0f CPU ns/frame\n"
	       "  AF_XDP over veth: %.2fx the rate; the client received %lu of the %llu "
	       "frames the far side redirected to its socket (the rest: its rx ring full)\n",
	       n[1], x, bench_median_of(cpu[1], n[1]),
	       crx ? ccpu0 / (double)crx : 0,
	       y, bench_median_of(cpu[0], n[0]), x / y, client_rx(out),
	       (unsigned long long)crx);
	o = json_object_new_object();
	json_object_object_add(o, "afxdp_mpps", json_object_new_double(x));
	json_object_object_add(o, "veth_mpps", json_object_new_double(y));
	json_object_object_add(o, "afxdp_cpu_ns", json_object_new_double(bench_median_of(cpu[1], n[1])));
	json_object_object_add(o, "veth_cpu_ns", json_object_new_double(bench_median_of(cpu[0], n[0])));
	json_object_object_add(meta, "afxdp", o);
	ret = 0;
out:
	if (a.client > 0) {
		kill(a.client, SIGTERM);
		waitpid(a.client, NULL, 0);
	}
	if (a.stats >= 0)
		close(a.stats);
	snprintf(args, sizeof(args), "port del %s", a.port);
	xvsctl(&a, args);
	return ret;
}
