// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dp_harness.c - the switch the datapath unit tests run on: the objects,
 * the veths, the maps seeded for a case, and the KTAP runner.  What a case
 * sends and checks is dp_check.c's; the contract is in dp_harness.h.
 */
#include <errno.h>
#include <dirent.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/if_packet.h>
#include <linux/magic.h>

#include "dp_int.h"

struct iface ifs[NR_IFS] = {
	[A] = { { "a1", "a0" }, 1, 1, { 0x02, 0, 0, 0, 0x0a, 0 } },
	[B] = { { "b1", "b0" }, 1, 2, { 0x02, 0, 0, 0, 0x0b, 0 } },
	[C] = { { "c1", "c0" }, 1, 3, { 0x02, 0, 0, 0, 0x0c, 0 } },
	[D] = { { "d1", "d0" }, 2, 4, { 0x02, 0, 0, 0, 0x0d, 0 } },
	[E] = { { "e1", "e0" }, 1, 5, { 0x02, 0, 0, 0, 0x05, 0 } },
	[F] = { { "f1", "f0" }, 1, 6, { 0x02, 0, 0, 0, 0x06, 0 } },
	[G] = { { "g1", "g0" }, 1, 7, { 0x02, 0, 0, 0, 0x07, 0 } },
	[H] = { { "h1", "h0" }, 1, 8, { 0x02, 0, 0, 0, 0x08, 0 } },
	[X] = { { "x1", "x0" }, 0, 0, { 0x02, 0, 0, 0, 0x0e, 0 } },
	[FAKE] = { .ifindex = 101 },
};

const __u8 BCAST[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const __u8 MCAST4[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
const __u8 MCAST6[ETH_ALEN] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
const __u8 STP[ETH_ALEN] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
const __u8 LLDP[ETH_ALEN] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
const __u8 ZERO[ETH_ALEN];
const __u8 H1[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
const __u8 H2[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
const __u8 NEW[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x40 };

struct xvs_xdp *xdp;
struct xvs_tc *tc;
struct ring_buffer *rb;
struct xvs_upcall upcalls[MAX_UPCALLS];
__u32 nr_upcalls;
struct xvs_upcall_flow flow_upcalls[MAX_FLOW_UPCALLS];
__u32 nr_flow_upcalls;
int nr_cpus;
int failures;
__u64 seeded_seen;
__u32 topo;
static int group_fd[3] = { -1, -1, -1 };	/* XDP flood group by bridge */
static char pindir[64];
static bool mounted_bpffs;

__attribute__((format(printf, 1, 2)))
void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void expect(const char *what, const char *of, __u64 want, __u64 got)
{
	if (want != got)
		fail("%s%s%s: expected %llu, got %llu", of, *of ? " " : "",
		     what, (unsigned long long)want, (unsigned long long)got);
}

static __u64 clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

__u64 now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* A time no later than any the datapath reads after it, with
 * bpf_ktime_get_ns() or with the coarse clock (the last tick's): what the
 * start of a run and seeded entries are stamped with.
 */
__u64 floor_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

const char *mac_str(const __u8 *m)
{
	static char s[2][18];
	static int k;

	k ^= 1;
	snprintf(s[k], sizeof(s[k]), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return s[k];
}

bool is_port(int i)
{
	return (topo & BIT(i)) && ifs[i].bridge;
}

/* libbpf says nothing unless something went wrong. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt,
		      va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	fputs("# libbpf: ", stdout);
	return vprintf(fmt, ap);
}

__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	if (!system(cmd))
		return 0;
	printf("# failed: %s\n", cmd);
	return -1;
}

static int on_upcall(void *ctx, void *data, size_t size)
{
	const struct xvs_upcall *u = data;

	if (size >= sizeof(*u) && u->type == XVS_UPCALL_FLOW) {
		if (nr_flow_upcalls < MAX_FLOW_UPCALLS &&
		    size >= sizeof(flow_upcalls[0]))
			memcpy(&flow_upcalls[nr_flow_upcalls], data,
			       sizeof(flow_upcalls[0]));
		nr_flow_upcalls++;
		return 0;
	}
	if (nr_upcalls < MAX_UPCALLS && size >= sizeof(upcalls[0]))
		memcpy(&upcalls[nr_upcalls], data, sizeof(upcalls[0]));
	nr_upcalls++;
	return 0;
}

/* Empty every map: arrays zeroed, the ring read, the others deleted. */
static int reset_maps(void)
{
	struct bpf_map *m;
	int fd, err = 0;
	__u8 key[64];
	void *zero;
	__u32 k;
	size_t sz;

	bpf_object__for_each_map(m, xdp->obj) {
		fd = bpf_map__fd(m);
		if (bpf_map__is_internal(m))
			continue;
		switch (bpf_map__type(m)) {
		case BPF_MAP_TYPE_RINGBUF:
			err = ring_buffer__consume(rb) < 0;
			break;
		case BPF_MAP_TYPE_ARRAY:
		case BPF_MAP_TYPE_PERCPU_ARRAY:
			sz = (bpf_map__value_size(m) + 7) & ~7U;
			zero = calloc(nr_cpus, sz);
			err = !zero;
			for (k = 0; k < bpf_map__max_entries(m) && !err; k++)
				err = bpf_map_update_elem(fd, &k, zero, 0);
			free(zero);
			break;
		default:
			while (!err && !bpf_map_get_next_key(fd, NULL, key))
				err = bpf_map_delete_elem(fd, key);
		}
		if (err)
			return -1;
	}
	nr_upcalls = 0;
	nr_flow_upcalls = 0;
	return 0;
}

int dp_clear_counters(void)
{
	struct bpf_map *maps[] = { xdp->maps.xvs_pstats, xdp->maps.xvs_drops,
				   xdp->maps.xvs_events };
	__u64 zero[nr_cpus * sizeof(struct xvs_port_stats) / sizeof(__u64)];
	__u32 k, i;

	memset(zero, 0, sizeof(zero));
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		for (k = 0; k < bpf_map__max_entries(maps[i]); k++)
			if (bpf_map_update_elem(bpf_map__fd(maps[i]), &k, zero, 0))
				return -errno;
	return 0;
}

static __u16 port_flags(const struct tcase *c, int i)
{
	return XVS_PORT_F_VETH |
	       (c->skb_ports & BIT(i) ? 0 : XVS_PORT_F_XDP) |
	       (c->host_ports & BIT(i) ? XVS_PORT_F_HOST : 0);
}

/* A port as xvsd attaches it: in xvs_ports and, if it is an XDP port, in
 * xvs_tx with the devmap egress program.
 */
static int seed_port(const struct tcase *c, int i)
{
	struct xvs_port p = {
		.ifindex = ifs[i].ifindex, .bridge = ifs[i].bridge,
		.port_no = ifs[i].port_no, .flags = port_flags(c, i),
		.mtu = 1500,
	};
	struct bpf_devmap_val tx = {
		.ifindex = ifs[i].ifindex,
		.bpf_prog.fd = bpf_program__fd(xdp->progs.xvs_xdp_tx),
	};

	memcpy(p.mac, ifs[i].mac, ETH_ALEN);
	strcpy(p.name, ifs[i].name[PORT]);
	if (c->vlan[i])
		p.vlan = *c->vlan[i];
	if (bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_ports),
				&p.ifindex, &p, BPF_ANY))
		return -1;
	if (!(p.flags & XVS_PORT_F_XDP))
		return 0;
	return bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_tx),
				   &p.ifindex, &tx, BPF_ANY);
}

/* A bridge: its slot, its XDP flood group (a devmap of its XDP ports) and
 * the member list TC floods with.
 */
static int seed_bridge(const struct tcase *c, __u32 b)
{
	struct bpf_devmap_val v = {
		.bpf_prog.fd = bpf_program__fd(xdp->progs.xvs_xdp_tx),
	};
	struct xvs_flood_key key = { .bridge = b };
	struct xvs_bridge br = { .id = b, .ageing_s = 300 };
	struct xvs_members m = {};
	int i, g = group_fd[b];
	__u16 flags;

	snprintf(br.name, sizeof(br.name), "br%u", b);
	if (bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_bridges), &b, &br, 0))
		return -1;
	if (b == 1 && c->no_group)
		return 0;
	for (i = A; i <= H; i++) {
		if (!is_port(i) || ifs[i].bridge != b)
			continue;
		flags = port_flags(c, i);
		m.ifindex[m.count++] = v.ifindex = ifs[i].ifindex;
		m.skb_count += !(flags & XVS_PORT_F_XDP);
		m.host_count += !!(flags & XVS_PORT_F_HOST);
		if (flags & XVS_PORT_F_XDP ?
		    bpf_map_update_elem(g, &v.ifindex, &v, BPF_ANY) :
		    bpf_map_delete_elem(g, &v.ifindex) && errno != ENOENT)
			return -1;
	}
	if (bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_flood), &key, &g, 0))
		return -1;
	return bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_members), &key,
				   &m, BPF_ANY);
}

/* Stations are seeded on bridge 1, where every fdb case runs. */
static int seed_fdb(const struct fdb_seed *s, __u64 *seen)
{
	struct xvs_fdb_key key = { .bridge = 1, .vlan = s->vlan };
	struct xvs_fdb_entry e = {
		.ifindex = ifs[s->at].ifindex, .flags = s->flags,
		.seen_ns = s->seen_ns ?: floor_ns(),
	};

	memcpy(key.mac, s->mac, ETH_ALEN);
	*seen = e.seen_ns;
	return bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_fdb), &key, &e,
				   BPF_ANY);
}

/* The standard switch - the topology's ports on their bridges, H1 known
 * behind A in VLAN 0 - with the case's own state on top.
 */
static int seed(const struct tcase *c)
{
	const struct fdb_seed h1 = { .mac = H1, .at = A };
	__u64 seen;
	int i;

	for (i = A; i <= H; i++)
		if (is_port(i) && seed_port(c, i))
			return -1;
	if (seed_bridge(c, 1) || seed_bridge(c, 2) || seed_fdb(&h1, &seen))
		return -1;
	for (i = 1; i >= 0; i--)	/* fdb[0] last: seeded_seen is its */
		if (c->fdb[i].mac && seed_fdb(&c->fdb[i], &seeded_seen))
			return -1;
	return 0;
}

int dp_seed(const struct tcase *c)
{
	return reset_maps() || seed(c) ? -1 : 0;
}

static int tc_attach(int i, enum bpf_tc_attach_point where,
		     const struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifs[i].ifindex,
		.attach_point = where);
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = bpf_program__fd(prog));
	int err = bpf_tc_hook_create(&hook);

	if (!err || err == -EEXIST)
		err = bpf_tc_attach(&hook, &opts);
	return err;
}

/* The TC hooks a case runs with, as xvsd attaches them: xvs_tc_tx at the
 * egress of the .egress ports (host ports), xvs_tc_rx at the ingress of
 * the .ingress ports and of a HOOK_TC_LIVE case's port.  Or take them
 * away again.
 */
static int attach_tc(const struct tcase *c, bool on)
{
	LIBBPF_OPTS(bpf_tc_hook, hook,
		.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	__u32 rx = c->ingress | (c->hook == HOOK_TC_LIVE ? BIT(c->in) : 0);
	int i, err = 0;

	for (i = A; i <= H && !err; i++) {
		if (!((c->egress | rx) & BIT(i)))
			continue;
		hook.ifindex = ifs[i].ifindex;
		if (!on) {
			bpf_tc_hook_destroy(&hook);
			continue;
		}
		if (c->egress & BIT(i))
			err = tc_attach(i, BPF_TC_EGRESS, tc->progs.xvs_tc_tx);
		if (!err && (rx & BIT(i)))
			err = tc_attach(i, BPF_TC_INGRESS, tc->progs.xvs_tc_rx);
	}
	return err;
}

bool dp_run(const struct tcase *c)
{
	bool ok;

	if (attach_tc(c, true)) {
		fail("could not attach the TC hooks: %s", strerror(errno));
		attach_tc(c, false);
		return false;
	}
	ok = run_frames_and_check(c);
	attach_tc(c, false);
	return ok;
}

static bool run_case(const struct tcase *c)
{
	int err;

	failures = 0;
	dp_case_skip = NULL;
	if (c->fn)
		return c->fn();
	if (reset_maps() || seed(c)) {
		fail("could not set the case up: %s", strerror(errno));
		return false;
	}
	err = c->prepare ? c->prepare(c) : 0;
	if (err) {
		fail("could not prepare the case: %s", strerror(-err));
		return false;
	}
	if (!dp_run(c))
		return false;
	return c->verify ? c->verify(c) : true;
}

static __u32 map_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 sz = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &sz) ? 0 : info.id;
}

bool dp_maps_shared(void)
{
	const struct bpf_map *m, *other;
	char path[128];
	__u32 id, n = 0;
	int fd;

	bpf_object__for_each_map(m, tc->obj) {
		if (bpf_map__is_internal(m))
			continue;
		n++;
		other = bpf_object__find_map_by_name(xdp->obj,
						     bpf_map__name(m));
		id = map_id(bpf_map__fd(m));
		snprintf(path, sizeof(path), "%s/%s", pindir, bpf_map__name(m));
		fd = bpf_obj_get(path);
		if (!other || !id || id != map_id(bpf_map__fd(other)) ||
		    fd < 0 || id != map_id(fd))
			fail("%s: the TC object's map (id %u) is not the XDP object's pinned one",
			     bpf_map__name(m), id);
		if (fd >= 0)
			close(fd);
	}
	if (!n)
		fail("the TC object has no maps");
	return !failures;
}

/* Load both objects, the TC one over the XDP one's pinned maps. */
static int load_objects(void)
{
	struct bpf_map *m;
	char path[128];
	int fd, err;

	xdp = xvs_xdp__open();
	if (!xdp)
		return -errno;
	xdp->rodata->learn_rate = LEARN_RATE;
	err = xvs_xdp__load(xdp);
	bpf_object__for_each_map(m, xdp->obj) {
		snprintf(path, sizeof(path), "%s/%s", pindir, bpf_map__name(m));
		if (!err && !bpf_map__is_internal(m) &&
		    bpf_obj_pin(bpf_map__fd(m), path))
			err = -errno;
	}
	tc = err ? NULL : xvs_tc__open();
	if (!tc)
		return err ?: -errno;
	tc->rodata->learn_rate = LEARN_RATE;
	bpf_object__for_each_map(m, tc->obj) {
		snprintf(path, sizeof(path), "%s/%s", pindir, bpf_map__name(m));
		if (bpf_map__is_internal(m))
			continue;
		fd = bpf_obj_get(path);
		err = fd < 0 ? -errno : bpf_map__reuse_fd(m, fd);
		close(fd);
		if (err)
			return err;
	}
	return xvs_tc__load(tc);
}

/* A socket on one end of interface i, with the tags the kernel took out
 * of the frames it gets in PACKET_AUXDATA.
 */
static int open_socket(int i, int end)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex(ifs[i].name[end]),
	};
	int one = 1, sk;

	sk = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
	ifs[i].sk[end] = sk;
	if (sk < 0 || !sll.sll_ifindex ||
	    setsockopt(sk, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) ||
	    bind(sk, (struct sockaddr *)&sll, sizeof(sll)))
		return -1;
	return 0;
}

/* The veths, up, with a socket on each end.  No IPv6 (no DAD, no MLD),
 * so that the sockets see our frames only.
 */
static int make_topology(void)
{
	__u8 peer_mac[ETH_ALEN];
	FILE *f;
	int i;

	f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
	for (i = A; i <= X; i++) {
		if (!(topo & BIT(i)))
			continue;
		memcpy(peer_mac, ifs[i].mac, ETH_ALEN);
		peer_mac[ETH_ALEN - 1] = 1;
		if (sh("ip link add %s address %s type veth peer name %s address %s",
		       ifs[i].name[PORT], mac_str(ifs[i].mac),
		       ifs[i].name[PEER], mac_str(peer_mac)) ||
		    sh("ethtool -K %s gro on", ifs[i].name[PEER]) ||
		    sh("ip link set %s up", ifs[i].name[PORT]) ||
		    sh("ip link set %s up", ifs[i].name[PEER]))
			return -1;
		ifs[i].ifindex = if_nametoindex(ifs[i].name[PORT]);
		if (open_socket(i, PEER) || open_socket(i, PORT))
			return -1;
	}
	return 0;
}

/* NULL when ready, else why the test cannot run (a skip).  A failure to
 * load the objects is no skip: *err says why.
 */
static const char *setup(int *err)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	struct statfs st;
	cpu_set_t cpu;
	int b;

	if (geteuid() != 0)
		return "needs root";
	if (unshare(CLONE_NEWNET))
		return "cannot create a network namespace";
	CPU_ZERO(&cpu);
	CPU_SET(sched_getcpu(), &cpu);
	sched_setaffinity(0, sizeof(cpu), &cpu);
	setrlimit(RLIMIT_MEMLOCK, &rl);
	nr_cpus = libbpf_num_possible_cpus();
	if (statfs("/sys/fs/bpf", &st) || st.f_type != BPF_FS_MAGIC) {
		if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700"))
			return "no bpffs at /sys/fs/bpf";
		mounted_bpffs = true;
	}
	snprintf(pindir, sizeof(pindir), "/sys/fs/bpf/xvs-test-%d", getpid());
	if (nr_cpus <= 0 || mkdir(pindir, 0700)) {
		pindir[0] = '\0';
		return "cannot create the pin directory";
	}
	*err = load_objects();
	if (*err)
		return *err == -EPERM ? "BPF not permitted" : NULL;
	if (make_topology())
		return "cannot build the veth topology (ip, ethtool, veth)";
	for (b = 1; b <= 2; b++) {
		group_fd[b] = bpf_map_create(BPF_MAP_TYPE_DEVMAP_HASH,
				"xvs_test_grp", sizeof(__u32),
				sizeof(struct bpf_devmap_val),
				XVS_MAX_GROUP_PORTS, NULL);
		if (group_fd[b] < 0)
			return "cannot create the flood groups";
	}
	rb = ring_buffer__new(bpf_map__fd(xdp->maps.xvs_upcall), on_upcall,
			      NULL, NULL);
	if (!rb)
		return "cannot read the upcall ring buffer";
	dp_probe_live_broadcast();
	if (dp_live_bcast_broken)
		printf("# %s: floods' live output is not checked\n",
		       dp_live_bcast_broken);
	return NULL;
}

/* Undo setup(); the namespace and its veths go with the process. */
static void cleanup(void)
{
	struct dirent *de;
	DIR *d;
	int i;

	for (i = A; i <= X; i++) {
		if (ifs[i].sk[PEER] > 0)
			close(ifs[i].sk[PEER]);
		if (ifs[i].sk[PORT] > 0)
			close(ifs[i].sk[PORT]);
	}
	for (i = 1; i <= 2; i++)
		if (group_fd[i] >= 0)
			close(group_fd[i]);
	ring_buffer__free(rb);
	xvs_tc__destroy(tc);
	xvs_xdp__destroy(xdp);
	d = pindir[0] ? opendir(pindir) : NULL;
	if (d) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
		rmdir(pindir);
	}
	if (mounted_bpffs)
		umount("/sys/fs/bpf");
}

const char *dp_case_skip;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int dp_main(int argc, char **argv, const struct tcase *cases, size_t n,
	    __u32 ifaces)
{
	const char *only = argc > 1 ? argv[1] : NULL, *why;
	int planned = 0, pass = 0, failed = 0, skipped = 0, err = 0;
	const struct tcase *c;

	for (c = cases; c < cases + n; c++)
		planned += !only || !strcmp(only, c->name);
	if (!planned) {
		fprintf(stderr, "%s: no case named '%s'\n", argv[0], only);
		return 2;
	}
	topo = ifaces;
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_log);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("TAP version 13\n");
	why = setup(&err);
	if (why || err) {
		if (why)
			printf("1..0 # SKIP %s\n", why);
		else
			printf("Bail out! Couldn't load the BPF objects: %s\n",
			       strerror(-err));
		cleanup();
		return why ? 4 : 1;
	}
	printf("1..%d\n", planned);
	for (c = cases; c < cases + n && !stop; c++) {
		if (only && strcmp(only, c->name))
			continue;
		if (c->skip) {
			printf("ok %d %s # SKIP %s\n",
			       pass + failed + ++skipped, c->name, c->skip);
			continue;
		}
		if (!run_case(c)) {
			failed++;
			printf("not ok %d %s\n", pass + failed + skipped, c->name);
		} else if (dp_case_skip) {
			printf("ok %d %s # SKIP %s\n",
			       pass + failed + ++skipped, c->name, dp_case_skip);
		} else {
			pass++;
			printf("ok %d %s\n", pass + failed + skipped, c->name);
		}
	}
	cleanup();
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       pass, failed, skipped);
	return failed || stop ? 1 : 0;
}
