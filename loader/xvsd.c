// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/xvsd.c - the xvs daemon: options, start-up, the event loop.
 *
 * Start-up loads the fast path over whatever the instance has pinned and
 * adopts the pinned ports, tunnels and AF_XDP ports (restarting their
 * relays), so starting after a crash (or an upgrade) is the same as
 * starting fresh.  Then one epoll loop serves the
 * upcall ring buffer, the control socket, netlink events, a 1 s timer (MAC
 * ageing, tunnels still unresolved) and SIGTERM/SIGINT, which end the
 * daemon and leave the datapath forwarding.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <bpf/libbpf.h>

#include "xvsd.h"
#include "afxdp.h"
#include "log.h"
#include "util.h"
#include "config.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xvsd [OPTIONS]\n"
		"Runs the xvs switch daemon in the foreground (xvsctl starts it as needed).\n\n"
		"  -i, --instance NAME    instance name (default xvs; env XVS_INSTANCE)\n"
		"      --bpffs DIR        root of the pins (default /sys/fs/bpf/xvs; env XVS_BPFFS)\n"
		"      --rundir DIR       control socket directory (default /run/xvs; env XVS_RUNDIR)\n"
		"      --ageing S         MAC ageing time of new bridges, seconds (default %u)\n"
		"      --mac-limit N      learned MACs per new bridge (default %u)\n"
		"      --fdb-size N       MAC table size over all bridges (default %u, max %u)\n"
		"      --learn-rate N     LEARN upcalls per second per CPU (default 1000)\n"
		"  -c, --config FILE      make the switch match FILE (YAML, as xvsctl apply)\n"
		"                         before serving; exit 2 if it is invalid, 1 if it fails\n"
		"      --reset            unhook every port of the instance, remove its pins, exit\n"
		"                         (for pins of another xvs version; loads nothing)\n"
		"  -v, --verbose          debug log, libbpf and verifier output included\n"
		"  -h, --help             this text\n",
		XVS_DEFAULT_AGEING, XVS_DEFAULT_MAC_LIMIT, XVS_FDB_DEFAULT_SIZE,
		XVS_FDB_MAX_SIZE);
}

static int parse_args(struct xvsd *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "bpffs", required_argument, NULL, 'B' },
		{ "rundir", required_argument, NULL, 'R' },
		{ "ageing", required_argument, NULL, 'a' },
		{ "mac-limit", required_argument, NULL, 'm' },
		{ "fdb-size", required_argument, NULL, 's' },
		{ "learn-rate", required_argument, NULL, 'r' },
		{ "reset", no_argument, NULL, 'X' },
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *name = NULL, *bpffs = NULL, *rundir = NULL;
	__u32 rate = 1000;
	int c, e = 0;

	while ((c = getopt_long(argc, argv, "i:c:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': name = optarg; break;
		case 'B': bpffs = optarg; break;
		case 'R': rundir = optarg; break;
		case 'a': e = parse_u32(optarg, 1, 1000000, &d->ageing_s); break;
		case 'm': e = parse_u32(optarg, 1, XVS_FDB_MAX_SIZE, &d->mac_limit); break;
		case 's': e = parse_u32(optarg, 1024, XVS_FDB_MAX_SIZE, &d->fdb_size); break;
		case 'r': e = parse_u32(optarg, 1, 1000000, &rate); break;
		case 'X': d->reset = 1; break;
		case 'c': d->config = optarg; break;
		case 'v': log_set_level(LOG_LVL_DEBUG); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
		if (e) {
			pr_err("bad value '%s' for --%s", optarg,
			       opts[c == 'a' ? 3 : c == 'm' ? 4 : c == 's' ? 5 : 6].name);
			return e;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	d->learn_rate = rate;
	if (inst_init(&d->inst, name, bpffs, rundir)) {
		pr_err("bad instance name (letters, digits, '-', '_', '.')");
		return -EINVAL;
	}
	return 0;
}

/* -c FILE: validate, plan against what is pinned, apply as one batch.
 * Returns 0, 1 (applying failed; rolled back) or 2 (invalid file).
 */
static int apply_config(struct xvsd *d)
{
	struct config_opts opts = {
		.iface_exists = config_iface_exists,
		.user_ids = config_user_ids,
		.group_id = config_group_id,
	};
	struct xvs_snapshot snap;
	struct xvs_config cfg;
	struct plan plan = {};
	json_object *req;
	char err[1024];
	int e, i;

	if (config_parse_file(d->config, &cfg, &opts)) {
		for (i = 0; i < cfg.nerrors; i++)
			pr_err("%s", cfg.errors[i]);
		config_free(&cfg);
		return 2;
	}
	e = snapshot_read(d->ports_fd, d->bridges_fd, d->fdb_fd, d->tunnels_fd, &snap);
	if (!e)
		e = snapshot_read_afxdp(d->inst.pin_dir, &snap);
	if (!e)
		e = plan_build(&cfg, &snap, &plan);
	config_free(&cfg);
	snapshot_free(&snap);
	if (e) {
		pr_err("%s: Couldn't read the switch: %s", d->config, strerror(-e));
		return 1;
	}
	if (!plan.n) {
		pr_info("%s: nothing to change", d->config);
		plan_free(&plan);
		return 0;
	}
	req = plan_batch(&plan);
	e = ctl_batch(d, req, err, sizeof(err));
	json_object_put(req);
	for (i = 0; !e && i < plan.n; i++)
		if (plan.steps[i].text)
			pr_info("%s: %s", d->config, plan.steps[i].text);
	if (e)
		pr_err("%s: %s", d->config, err);
	plan_free(&plan);
	return e ? 1 : 0;
}

int flows_open(struct xvsd *d)
{
	static const char *const names[] = {
		"xvs_rules", "xvs_flows", "xvs_cls", "xvs_flow_stats",
	};
	struct flow_maps *m = &d->flow_maps;
	int *fds[] = { &m->rules, &m->flows, &m->cls, &m->stats };
	size_t i;
	int e;

	m->ports = d->ports_fd;
	m->bridges = d->bridges_fd;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		*fds[i] = inst_map_fd(&d->inst, names[i]);
		if (*fds[i] < 0) {
			pr_err("Couldn't open map '%s': %s", names[i], strerror(-*fds[i]));
			flows_close(d);
			return *fds[i];
		}
	}
	e = flow_table_open(&d->flows, m);
	if (e) {
		pr_err("Couldn't read the flow rules: %s", strerror(-e));
		flows_close(d);
	}
	return e;
}

void flows_close(struct xvsd *d)
{
	struct flow_maps *m = &d->flow_maps;
	int *fds[] = { &m->rules, &m->flows, &m->cls, &m->stats };
	size_t i;

	flow_table_free(d->flows);
	d->flows = NULL;
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static int ep_add(int ep, int fd, int tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

enum { EV_RING, EV_CTL, EV_NL, EV_TIMER, EV_SIG };

static int run(struct xvsd *d, struct ring_buffer *rb, int lfd, int nlfd)
{
	struct itimerspec it = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	struct epoll_event evs[8];
	int ep, tfd, sfd, n, i;
	sigset_t mask;
	__u64 ticks;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || tfd < 0 || ep < 0 || timerfd_settime(tfd, 0, &it, NULL) ||
	    ep_add(ep, ring_buffer__epoll_fd(rb), EV_RING) || ep_add(ep, lfd, EV_CTL) ||
	    ep_add(ep, nlfd, EV_NL) || ep_add(ep, tfd, EV_TIMER) || ep_add(ep, sfd, EV_SIG)) {
		pr_err("Couldn't set up the event loop: %s", strerror(errno));
		return -errno;
	}
	while (!d->stop) {
		n = epoll_wait(ep, evs, 8, -1);
		if (n < 0 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			switch (evs[i].data.u32) {
			case EV_RING:
				ring_buffer__consume(rb);
				break;
			case EV_CTL:
				ctl_serve(d, lfd);
				break;
			case EV_NL:
				nl_read(d, nlfd);
				break;
			case EV_TIMER:
				if (read(tfd, &ticks, sizeof(ticks)) > 0) {
					fdb_sweep(d, 0);
					tunnel_resolve_all(d, TUN_RESOLVE_TICK);
				}
				break;
			case EV_SIG:
				pr_info("signal received: exiting, the datapath stays in place");
				d->stop = 1;
				break;
			}
		}
	}
	close(ep);
	close(tfd);
	close(sfd);
	return 0;
}

int main(int argc, char **argv)
{
	struct xvsd d = {
		.ageing_s = XVS_DEFAULT_AGEING,
		.mac_limit = XVS_DEFAULT_MAC_LIMIT,
		.fdb_size = XVS_FDB_DEFAULT_SIZE,
		.flow_maps = { .rules = -1, .flows = -1, .cls = -1, .stats = -1 },
	};
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	struct ring_buffer *rb = NULL;
	int lfd = -1, nlfd = -1, err;
	FILE *pf;

	log_init("xvsd", !isatty(STDERR_FILENO));
	if (parse_args(&d, argc, argv))
		return 2;
	setrlimit(RLIMIT_MEMLOCK, &rl);	/* kernels before 5.11 charge memlock */

	lfd = ctl_listen(&d);
	if (lfd < 0) {
		pr_err("Couldn't listen on '%s': %s%s", d.inst.sock_path, strerror(-lfd),
		       lfd == -EADDRINUSE ? " (xvsd already runs for this instance)" : "");
		return 1;
	}
	if (d.reset) {
		err = port_reset_all(&d);
		ctl_close(&d, lfd);
		return err ? 1 : 0;
	}
	err = dp_load(&d);
	if (!err)
		err = flows_open(&d);
	if (err)
		goto out;
	/* Rules before ports: a vanished port's removal moves the flows on. */
	port_adopt_all(&d);
	/* After the ports: an AF_XDP port's switch side is one of them. */
	afxdp_adopt_all(&d);
	tunnel_resolve_all(&d, TUN_RESOLVE_START);
	fdb_sweep(&d, 1);
	if (d.config) {
		err = apply_config(&d);
		if (err) {
			afxdp_stop_relays(&d);
			flows_close(&d);
			dp_close(&d);
			ctl_close(&d, lfd);
			return err;
		}
	}
	rb = upcall_open(&d);
	nlfd = nl_open();
	if (!rb || nlfd < 0) {
		err = -EIO;
		goto out;
	}
	pf = fopen(d.inst.pid_path, "w");
	if (pf) {
		fprintf(pf, "%d\n", getpid());
		fclose(pf);
	}
	pr_info("instance %s ready (pid %d, pins %s, socket %s)", d.inst.name,
		getpid(), d.inst.pin_dir, d.inst.sock_path);
	err = run(&d, rb, lfd, nlfd);
	unlink(d.inst.pid_path);
out:
	/* The relays are threads of this process: VMs on them wait for the
	 * next daemon, which starts them again from the pins.
	 */
	afxdp_stop_relays(&d);
	ring_buffer__free(rb);
	if (nlfd >= 0)
		close(nlfd);
	ctl_close(&d, lfd);
	flows_close(&d);
	dp_close(&d);
	return err ? 1 : 0;
}
