// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/datapath.c - loads the fast path; the only includer of the
 * skeletons.
 *
 * Both objects declare the same maps, pinned by name under the instance
 * directory (objpin.h): the first load creates and pins them, the second
 * object - and any later daemon - reuses them.  That reuse is the daemon's restart
 * story: a new xvsd loads fresh programs over the old maps and swaps them
 * in (port_adopt_all()), while the old programs keep forwarding meanwhile.
 *
 * The trace objects (maps/trace.h) load over the same maps, and only their
 * receive programs are pinned, as trace_xdp_rx and trace_tc_rx: xvsctl
 * trace runs frames through them with BPF_PROG_TEST_RUN.  The pins hold
 * the programs, so the objects are closed at once.
 */
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvs_xdp.skel.h"
#include "xvs_tc.skel.h"
#include "xvs_xdp_trace.skel.h"
#include "xvs_tc_trace.skel.h"
#include "xvsd.h"
#include "objpin.h"
#include "log.h"
#include "util.h"

static int load_xdp(struct xvsd *d)
{
	const char *dir = d->inst.pin_dir;
	int err;

	d->xdp = xvs_xdp__open();
	if (!d->xdp)
		return -errno;
	d->xdp->rodata->learn_rate = d->learn_rate;
	bpf_map__set_max_entries(d->xdp->maps.xvs_fdb, d->fdb_size);
	err = obj_reuse_pinned(d->xdp->obj, dir);
	if (!err)
		err = xvs_xdp__load(d->xdp);
	if (!err)
		err = obj_pin_maps(d->xdp->obj, dir);
	if (err)
		return err;
	d->xdp_rx_fd = bpf_program__fd(d->xdp->progs.xvs_xdp_rx);
	d->xdp_tx_fd = bpf_program__fd(d->xdp->progs.xvs_xdp_tx);
	d->ports_fd = bpf_map__fd(d->xdp->maps.xvs_ports);
	d->bridges_fd = bpf_map__fd(d->xdp->maps.xvs_bridges);
	d->fdb_fd = bpf_map__fd(d->xdp->maps.xvs_fdb);
	d->tx_fd = bpf_map__fd(d->xdp->maps.xvs_tx);
	d->flood_fd = bpf_map__fd(d->xdp->maps.xvs_flood);
	d->members_fd = bpf_map__fd(d->xdp->maps.xvs_members);
	d->pstats_fd = bpf_map__fd(d->xdp->maps.xvs_pstats);
	d->learn_pend_fd = bpf_map__fd(d->xdp->maps.xvs_learn_pend);
	d->upcall_fd = bpf_map__fd(d->xdp->maps.xvs_upcall);
	d->tunnels_fd = bpf_map__fd(d->xdp->maps.xvs_tunnels);
	d->tun_in_fd = bpf_map__fd(d->xdp->maps.xvs_tun_in);
	d->fdb_max = bpf_map__max_entries(d->xdp->maps.xvs_fdb);
	return 0;
}

static int load_tc(struct xvsd *d)
{
	int err;

	d->tc = xvs_tc__open();
	if (!d->tc)
		return -errno;
	d->tc->rodata->learn_rate = d->learn_rate;
	err = obj_reuse_pinned(d->tc->obj, d->inst.pin_dir);
	if (!err)
		err = xvs_tc__load(d->tc);
	if (err)
		return err;
	d->tc_rx_fd = bpf_program__fd(d->tc->progs.xvs_tc_rx);
	d->tc_tx_fd = bpf_program__fd(d->tc->progs.xvs_tc_tx);
	return 0;
}

/* Pin `prog` as `name`, in place of what an earlier daemon pinned there:
 * pinned aside first, then renamed over it, so xvsctl never finds none.
 */
static int trace_pin(struct xvsd *d, struct bpf_program *prog, const char *name)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int err = 0;

	inst_pin_path(&d->inst, path, sizeof(path), "%s", name);
	inst_pin_path(&d->inst, tmp, sizeof(tmp), "%s_new", name);
	unlink(tmp);
	if (bpf_obj_pin(bpf_program__fd(prog), tmp))
		return -errno;
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
	}
	return err;
}

/* Load the trace object `obj` over the pinned maps, its program `rx`
 * alone (a trace is of a received frame), and pin that as `name`.
 */
static int trace_load(struct xvsd *d, struct bpf_object *obj, const char *rx,
		      const char *name)
{
	struct bpf_program *prog;
	int err;

	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), rx));
	err = obj_reuse_pinned(obj, d->inst.pin_dir);
	if (!err)
		err = bpf_object__load(obj);
	if (!err)
		err = trace_pin(d, bpf_object__find_program_by_name(obj, rx), name);
	return err;
}

/* A switch without its trace programs still switches: a failure is
 * logged, and the pins an earlier daemon left are removed, so that
 * xvsctl trace says they are missing rather than run outdated ones.
 */
static void load_trace(struct xvsd *d)
{
	static const char *const pins[] = { "trace_xdp_rx", "trace_tc_rx" };
	struct xvs_xdp_trace *x = xvs_xdp_trace__open();
	struct xvs_tc_trace *t = xvs_tc_trace__open();
	char path[PATH_MAX];
	size_t i;
	int err;

	err = x && t ? 0 : -errno;
	if (!err)
		err = trace_load(d, x->obj, "xvs_xdp_rx", pins[0]);
	if (!err)
		err = trace_load(d, t->obj, "xvs_tc_rx", pins[1]);
	xvs_tc_trace__destroy(t);
	xvs_xdp_trace__destroy(x);
	if (!err)
		return;
	pr_warn("Couldn't load the trace programs: %s ('xvsctl trace' unavailable; -v for the verifier log)",
		strerror(-err));
	for (i = 0; i < ARRAY_SIZE(pins); i++) {
		inst_pin_path(&d->inst, path, sizeof(path), "%s", pins[i]);
		unlink(path);
	}
}

int dp_load(struct xvsd *d)
{
	int err;

	err = inst_prepare_pins(&d->inst);
	if (err) {
		pr_err("Couldn't prepare '%s': %s", d->inst.pin_dir, strerror(-err));
		return err;
	}
	err = load_xdp(d);
	if (!err)
		err = load_tc(d);
	if (err) {
		pr_err("Couldn't load the datapath: %s (run with -v for the verifier log)",
		       strerror(-err));
		dp_close(d);
		return err;
	}
	load_trace(d);
	return 0;
}

void dp_close(struct xvsd *d)
{
	xvs_tc__destroy(d->tc);
	xvs_xdp__destroy(d->xdp);
	d->tc = NULL;
	d->xdp = NULL;
}

void dp_unpin(struct xvsd *d)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	dir = opendir(d->inst.pin_dir);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		inst_pin_path(&d->inst, path, sizeof(path), "%s", de->d_name);
		if (unlink(path))
			pr_warn("Couldn't unpin '%s': %s", path, strerror(errno));
	}
	closedir(dir);
	if (rmdir(d->inst.pin_dir))
		pr_warn("Couldn't remove '%s': %s", d->inst.pin_dir, strerror(errno));
}
