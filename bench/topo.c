// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* bench/topo.c - see topo.h. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_gen.skel.h"
#include "bench_sink.skel.h"
#include "loader/log.h"
#include "loader/util.h"
#include "bench/report.h"
#include "bench/topo.h"

#define DST_MAC		"02:00:00:00:00:0b"	/* the known station, behind p1 */

const char *const sys_name[NR_SYS] = {
	[SYS_BARE] = "bare-redirect", [SYS_XDP] = "xvs-xdp",
	[SYS_TC] = "xvs-tc", [SYS_BRIDGE] = "linux-bridge", [SYS_OVS] = "ovs-netdev",
};
static const char sys_letter[NR_SYS + 1] = "bxtlo";
static int orig_ns = -1;

#define sh(...)	bench_sh("Couldn't set the topology up", __VA_ARGS__)

int topo_enter(const struct topo *t, int which)
{
	if (setns(t ? t->ns_fd[which] : orig_ns, CLONE_NEWNET)) {
		pr_err("Couldn't enter namespace %s: %s", t ? t->ns[which] : "(own)",
		       strerror(errno));
		return -errno;
	}
	return 0;
}

static int xdp_on(const char *dev, struct bpf_program *p)
{
	int ifindex = if_nametoindex(dev), err;

	err = ifindex ? bpf_xdp_attach(ifindex, bpf_program__fd(p),
				       XDP_FLAGS_DRV_MODE, NULL) : -errno;
	if (err)
		pr_err("Couldn't attach XDP to '%s': %s", dev, strerror(-err));
	return err;
}

/* Namespaces, veths, GRO on p0; IPv6 off so nothing but ours flows. */
static int make_links(struct topo *t)
{
	static const char *const role[3] = { "gen", "sw", "sink" };
	char path[64];
	int i, err;

	for (i = 0; i < 3; i++) {
		snprintf(t->ns[i], sizeof(t->ns[i]), "xvsb%d-%s-%s", getpid(), t->tag, role[i]);
		err = sh("ip netns add %s && ip netns exec %s sysctl -qw "
			 "net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 && "
			 "ip -n %s link set lo up", t->ns[i], t->ns[i], t->ns[i]);
		if (err)
			return err;
		snprintf(path, sizeof(path), "/run/netns/%s", t->ns[i]);
		t->ns_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (t->ns_fd[i] < 0)
			return -errno;
	}
	t->up = 1;
	err = sh("ip -n %s link add %sp0 type veth peer name g0 netns %s && "
		 "ip -n %s link set g0 up && ip -n %s link set %sp0 up && "
		 "ip netns exec %s ethtool -K %sp0 gro on >/dev/null",
		 t->ns[NS_SW], t->tag, t->ns[NS_GEN], t->ns[NS_GEN], t->ns[NS_SW],
		 t->tag, t->ns[NS_SW], t->tag);
	for (i = 1; i <= t->fanout && !err; i++)
		err = sh("ip -n %s link add %sp%d type veth peer name s%d netns %s && "
			 "ip -n %s link set %sp%d up && ip -n %s link set s%d up",
			 t->ns[NS_SW], t->tag, i, i, t->ns[NS_SINK], t->ns[NS_SW],
			 t->tag, i, t->ns[NS_SINK], i);
	return err;
}

/* The generator in the gen namespace, bench_count on the sinks. */
static int load_ends(struct topo *t)
{
	char dev[32];
	__u32 k = 0, i, ifindex;
	int err;

	t->gen = bench_gen__open_and_load();
	t->sink = bench_sink__open_and_load();
	if (!t->gen || !t->sink)
		return -errno;
	err = topo_enter(t, NS_GEN);
	if (err)
		return err;
	t->g0 = if_nametoindex("g0");
	err = bpf_map__update_elem(t->gen->maps.gen_tx, &k, sizeof(k), &t->g0,
				   sizeof(t->g0), BPF_ANY) ?:
	      xdp_on("g0", t->gen->progs.bench_gen) ?: topo_enter(t, NS_SINK);
	for (i = 0; i < (__u32)t->fanout && !err; i++) {
		snprintf(dev, sizeof(dev), "s%u", i + 1);
		ifindex = if_nametoindex(dev);
		err = bpf_map__update_elem(t->sink->maps.sink_port, &ifindex,
					   sizeof(ifindex), &i, sizeof(i), BPF_ANY) ?:
		      xdp_on(dev, t->sink->progs.bench_count);
	}
	return topo_enter(NULL, 0) ?: err;
}

static int load_bare(struct topo *t)
{
	char dev[32];
	__u32 i, ifindex;
	int err;

	t->bare = bench_gen__open_and_load();
	if (!t->bare)
		return -errno;
	err = topo_enter(t, NS_SW);
	for (i = 0; i < (__u32)t->fanout && !err; i++) {
		snprintf(dev, sizeof(dev), "%sp%u", t->tag, i + 1);
		ifindex = if_nametoindex(dev);
		err = bpf_map__update_elem(t->bare->maps.fwd_tx, &i, sizeof(i),
					   &ifindex, sizeof(ifindex), BPF_ANY);
	}
	snprintf(dev, sizeof(dev), "%sp0", t->tag);
	err = err ?: xdp_on(dev, t->bare->progs.bench_bare);
	return topo_enter(NULL, 0) ?: err;
}

static const char *ports(const struct topo *t)
{
	static char buf[256];
	int i, n = 0;

	for (i = 0; i <= t->fanout; i++)
		n += snprintf(buf + n, sizeof(buf) - n, " %sp%d", t->tag, i);
	return buf;
}

/* A private xvsd in the switch namespace, its ports at t->sys's hook. */
static int start_xvs(struct topo *t, const struct topo_env *env)
{
	char log[PATH_MAX], sock[PATH_MAX], size[16], limit[16];
	cpu_set_t all;
	int i, fd;

	snprintf(t->inst, sizeof(t->inst), "b%d%s", getpid(), t->tag);
	snprintf(log, sizeof(log), "%s/%s.log", env->rundir, t->inst);
	snprintf(sock, sizeof(sock), "%s/%s.sock", env->rundir, t->inst);
	snprintf(size, sizeof(size), "%u", env->fdb_size);
	snprintf(limit, sizeof(limit), "%u", env->mac_limit);
	t->xvsd = fork();
	if (t->xvsd < 0)
		return -errno;
	if (!t->xvsd) {
		CPU_ZERO(&all);
		for (i = 0; i < ncpus(); i++)
			CPU_SET(i, &all);
		sched_setaffinity(0, sizeof(all), &all);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || setns(t->ns_fd[NS_SW], CLONE_NEWNET))
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(env->xvsd, "xvsd", "-i", t->inst, "--bpffs", env->bpffs,
		      "--rundir", env->rundir, "--fdb-size", size, "--mac-limit",
		      limit, "--learn-rate", "1000000", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && access(sock, F_OK); i++)
		usleep(50000);
	return sh("ip netns exec %s %s -i %s --bpffs %s --rundir %s attach --bridge br0 "
		  "--hook %s --no-host%s >/dev/null && "
		  "ip netns exec %s %s -i %s --bpffs %s --rundir %s fdb add " DST_MAC " dev %sp1",
		  t->ns[NS_SW], env->xvsctl, t->inst, env->bpffs, env->rundir,
		  t->sys == SYS_XDP ? "xdp" : "tc", ports(t),
		  t->ns[NS_SW], env->xvsctl, t->inst, env->bpffs, env->rundir, t->tag);
}

/* The Linux bridge: no STP, no snooping, the destination static on p1. */
static int start_bridge(struct topo *t)
{
	int i, err;

	err = sh("ip -n %s link add %sbr type bridge stp_state 0 mcast_snooping 0 && "
		 "ip -n %s link set %sbr up", t->ns[NS_SW], t->tag, t->ns[NS_SW], t->tag);
	for (i = 0; i <= t->fanout && !err; i++)
		err = sh("ip -n %s link set %sp%d master %sbr", t->ns[NS_SW], t->tag,
			 i, t->tag);
	return err ?: sh("bridge -n %s fdb add " DST_MAC " dev %sp1 master static",
			 t->ns[NS_SW], t->tag);
}

/* When process `pid` started (clock ticks since boot); 0 if unknown. */
static unsigned long long start_time(const char *pid)
{
	unsigned long long t = 0;
	char path[300], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		/* after the comm: state, then 18 fields, then starttime */
		sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
			      "%*s %*s %*s %*s %*s %*s %llu", &t);
	if (f)
		fclose(f);
	return t;
}

/* p0's NAPI kthread, "napi/<tag>p0-<napi id>"; 0 if there is none.  The
 * youngest of that name: a bench that died without its cleanup leaves
 * namespaces with devices of the same names, and their threads.
 */
static pid_t find_napi(const struct topo *t)
{
	char want[32], path[300], comm[32];
	unsigned long long best = 0, st;
	struct dirent *de;
	pid_t pid = 0;
	DIR *d = opendir("/proc");
	FILE *f;

	snprintf(want, sizeof(want), "napi/%sp0-", t->tag);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (f && fgets(comm, sizeof(comm), f) &&
		    !strncmp(comm, want, strlen(want)) &&
		    (st = start_time(de->d_name)) >= best) {
			best = st;
			pid = atoi(de->d_name);
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return pid;
}

static int thread_napi(struct topo *t, int cpu)
{
	cpu_set_t set;
	int err;

	err = sh("ip netns exec %s sh -c 'echo 1 > /sys/class/net/%sp0/threaded'",
		 t->ns[NS_SW], t->tag);
	if (err)
		return err;
	t->napi = find_napi(t);
	if (!t->napi) {
		pr_err("No NAPI thread for %sp0 in %s", t->tag, t->ns[NS_SW]);
		return -ENOENT;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(t->napi, sizeof(set), &set)) {
		pr_err("Couldn't pin %d to CPU %d: %s", t->napi, cpu, strerror(errno));
		return -errno;
	}
	return 0;
}

int topo_up(struct topo *t, int sys, int fanout, const struct topo_env *env)
{
	int err;

	if (orig_ns < 0 && (orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	memset(t, 0, sizeof(*t));
	t->sys = sys;
	t->fanout = fanout;
	t->ns_fd[0] = t->ns_fd[1] = t->ns_fd[2] = -1;
	snprintf(t->tag, sizeof(t->tag), "%c%d", sys_letter[sys], fanout);
	err = make_links(t) ?: load_ends(t);
	if (!err && sys == SYS_BARE)
		err = load_bare(t);
	else if (!err && (sys == SYS_XDP || sys == SYS_TC))
		err = start_xvs(t, env);
	else if (!err && sys == SYS_BRIDGE)
		err = start_bridge(t);
	else if (!err && sys == SYS_OVS)
		err = ovs_start(t, env);
	return err ?: thread_napi(t, env->sw_cpu);
}

void topo_down(struct topo *t, const struct topo_env *env)
{
	int i;

	if (t->xvsd > 0) {
		sh("ip netns exec %s %s -i %s --bpffs %s --rundir %s stop --cleanup "
		   ">/dev/null 2>&1 || true", t->ns[NS_SW], env->xvsctl, t->inst,
		   env->bpffs, env->rundir);
		kill(t->xvsd, SIGTERM);
		waitpid(t->xvsd, NULL, 0);
	}
	ovs_stop(t);
	bench_gen__destroy(t->bare);
	bench_gen__destroy(t->gen);
	bench_sink__destroy(t->sink);
	for (i = 0; i < 3; i++) {
		if (t->ns_fd[i] >= 0)
			close(t->ns_fd[i]);
		if (t->up)
			sh("ip netns del %s", t->ns[i]);
	}
	t->up = 0;
}

int topo_count(const struct topo *t, __u64 *c)
{
	__u32 k;
	int err = 0;

	for (k = 0; k < (__u32)t->fanout && !err; k++)
		err = percpu_sum(bpf_map__fd(t->sink->maps.sink_fwd), k, &c[k], 1);
	k = GEN_MAX_PORTS;
	return err ?: percpu_sum(bpf_map__fd(t->sink->maps.sink_fwd), k,
				 &c[t->fanout], 1);
}

__u64 topo_cpu_ns(const struct topo *t)
{
	unsigned long long ns = 0;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", t->napi);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	/* OVS switches in ovs-vswitchd: p0's NAPI only hands it the frames. */
	return ns && t->vswitchd > 0 ? ns + ovs_cpu_ns(t) : ns;
}

int topo_map(const struct topo *t, const struct topo_env *env, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", env->bpffs, t->inst, name);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}
