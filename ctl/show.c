// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/show.c - `xvsctl show`: the instance, its bridges, their ports,
 * settings and counters, and whether xvsd is running.
 *
 *   instance xvs: xvsd running (pid 123), pins /sys/fs/bpf/xvs/xvs
 *   bridge br0: ageing 300 s, mac-limit 8192, macs 3 (learned 5, refused 0)
 *       flows: 3 rules, 2 masks (of 32; the switch: 16384 rules, cache 131072)
 *       port 1 veth1 (ifindex 7): hook tc, vlan access 10, own-clsact, veth
 *           rx 10 pkts 840 bytes, tx 12 pkts 1000 bytes, dropped rx 0 tx 0
 *       port 2 gre0 (gre): type gre, remote 192.0.2.2, key 100, resolved,
 *           vlan trunk all
 *           rx ...
 *       port 3 vm1 (ifindex 9): hook xdp-native, vlan trunk all, ..., afxdp
 *           rx ...
 *           afxdp: far side vm1-xsk (ifindex 8), queues 1, copy mode,
 *           consumer: sockets in 1 of 1 queues
 *           far side: delivered 10 pkts 840 bytes, no consumer 0, bad queue 0
 *   underlay eth0 (ifindex 2): port 3, hook xdp-native, tunnels 1, mtu 1500
 *       rx ...
 *
 * Everything comes from the pinned maps; the daemon is only pinged (never
 * started) for its pid - and, when AF_XDP ports relay to VMs, asked for the
 * relays' counters (afxdp_stats), which live in its memory.  Which XSKMAP
 * slots hold a socket the kernel does not tell userspace: the port's probe
 * program answers it (maps/afxdp.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "xvsctl.h"
#include "print.h"
#include "state.h"
#include "loader/names.h"
#include "loader/util.h"
#include "maps/afxdp.h"

/* What the printers need besides the maps. */
struct show_ctx {
	struct ctl *c;
	const struct ctl_state *st;
	struct json_object *relays;	/* afxdp_stats' relays[], or NULL */
	int pid;			/* xvsd's, 0: not running */
};

static void show_help(void)
{
	fputs("Usage: xvsctl show\n"
	      "Bridges with their settings, ports (hook, VLANs, flags) and\n"
	      "counters, and the daemon's state.  Read from the pinned maps:\n"
	      "works while xvsd is down, and never starts it.\n", stdout);
}

static void print_daemon(int pid)
{
	open_json_object("daemon");
	print_bool(PRINT_JSON, "running", NULL, pid > 0);
	if (pid > 0)
		print_uint(PRINT_ANY, "pid", "xvsd running (pid %llu)", pid);
	else if (pid < 0)
		print_string(PRINT_ANY, "error", "xvsd not answering (%s)",
			     strerror(-pid));
	else
		print_fp("xvsd not running");
	close_json_object();
}

/* --- AF_XDP ports ---------------------------------------------------- */

/* An object of afxdp/<port>/ by its pin; -errno. */
static int afxdp_pin(const struct show_ctx *sc, const char *port, const char *what)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s/%s/%s", sc->c->inst.pin_dir,
		     XVS_XSK_PIN_DIR, port, what) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/* Which xsks slots hold a socket (bit q: queue q), run by the probe;
 * -errno when it cannot be told.
 */
static long long afxdp_bound(const struct show_ctx *sc, const char *port)
{
	__u8 in[64] = {}, out[64] = {};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
	struct xvs_xsk_probe r;
	int fd = afxdp_pin(sc, port, "probe"), e;
	long long mask = 0;

	if (fd < 0)
		return fd;
	e = bpf_prog_test_run_opts(fd, &o) ? -errno : 0;
	close(fd);
	if (e)
		return e;
	memcpy(&r, out, sizeof(r));
	if (r.magic != XVS_XSK_PROBE_MAGIC)
		return -EPROTO;
	for (e = 0; e < XVS_XSK_MAX_QUEUES; e++)
		mask |= r.bound[e] ? 1LL << e : 0;
	return mask;
}

static struct json_object *relay_of(const struct show_ctx *sc, const char *port)
{
	struct json_object *o, *n;
	size_t i;

	for (i = 0; sc->relays && i < json_object_array_length(sc->relays); i++) {
		o = json_object_array_get_idx(sc->relays, i);
		if (json_object_object_get_ex(o, "name", &n) &&
		    !strcmp(json_object_get_string(n), port))
			return o;
	}
	return NULL;
}

static __u64 jget(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v) : 0;
}

/* The relay's counters: to and from the VM, its drops by reason, and
 * what its sockets could not take (fill ring starvation).
 */
static void print_relay_stats(struct json_object *r)
{
	static const char *const drops[] = {
		"drop_no_peer", "drop_peer_stalled", "drop_too_big", "drop_tx_full",
		"protocol_errors", "rx_ring_full", "rx_fill_ring_empty_descs", "rx_dropped",
		"rx_invalid_descs", "tx_invalid_descs",
	};
	char fmt[64];
	size_t i;

	open_json_object("relay_stats");
	print_uint(PRINT_ANY, "to_peer_packets", "\n            relay: to VM %llu pkts ",
		   jget(r, "to_peer_packets"));
	print_uint(PRINT_ANY, "to_peer_bytes", "%llu bytes, ", jget(r, "to_peer_bytes"));
	print_uint(PRINT_ANY, "from_peer_packets", "from VM %llu pkts ",
		   jget(r, "from_peer_packets"));
	print_uint(PRINT_ANY, "from_peer_bytes", "%llu bytes, ", jget(r, "from_peer_bytes"));
	print_uint(PRINT_ANY, "connects", "connects %llu ", jget(r, "connects"));
	print_uint(PRINT_ANY, "disconnects", "disconnects %llu\n            dropped:",
		   jget(r, "disconnects"));
	for (i = 0; i < ARRAY_SIZE(drops); i++) {
		snprintf(fmt, sizeof(fmt), "%s %s %%llu", i ? "," : "", drops[i]);
		print_uint(PRINT_ANY, drops[i], fmt, jget(r, drops[i]));
	}
	close_json_object();
}

/* Who consumes the port: the relay's VM, or sockets in the XSKMAP. */
static void print_consumer(const struct show_ctx *sc, const struct xvs_xsk_conf *c,
			   struct json_object *relay)
{
	long long bound;
	int i, n = 0;

	open_json_object("consumer");
	if (c->flags & XVS_XSK_F_RELAY) {
		print_string(PRINT_ANY, "kind", "consumer: %s ", "relay");
		print_string(PRINT_ANY, "vm_socket", "%s ", c->vm_socket);
		print_string(PRINT_ANY, "framing", "(%s), ",
			     c->flags & XVS_XSK_F_DGRAM ? "dgram" : "stream");
		print_string(PRINT_ANY, "state", "%s", !relay ? "down (xvsd not running)" :
			     jget(relay, "peer_connected") ? "VM connected" : "waiting for the VM");
		close_json_object();
		return;
	}
	print_string(PRINT_JSON, "kind", NULL, "sockets");
	bound = afxdp_bound(sc, c->name);
	if (bound < 0) {
		print_string(PRINT_ANY, "state", "consumer: %s", "unknown");
		close_json_object();
		return;
	}
	open_json_array("queues_bound");
	for (i = 0; i < (int)c->queues; i++)
		if (bound & (1LL << i)) {
			print_uint(PRINT_JSON, NULL, NULL, i);
			n++;
		}
	close_json_array();
	print_uint(PRINT_ANY, "sockets", "consumer: sockets in %llu ", n);
	print_uint(PRINT_FP, NULL, "of %llu queues", c->queues);
	print_string(PRINT_JSON, "state", NULL, n ? "bound" : "none");
	close_json_object();
}

static void print_afxdp(const struct show_ctx *sc, const struct xvs_port *p)
{
	struct xvs_xsk_stats s = {};
	struct xvs_xsk_conf c = {};
	struct json_object *relay;
	char peer[XVS_NAME_LEN + 8];
	int fd, zero = 0;

	open_json_object("afxdp");
	fd = afxdp_pin(sc, p->name, "xsk_conf");
	if (fd < 0 || bpf_map_lookup_elem(fd, &zero, &c)) {
		print_string(PRINT_ANY, "error", "\n        afxdp: %s", "no configuration pinned");
		if (fd >= 0)
			close(fd);
		close_json_object();
		return;
	}
	close(fd);
	c.name[sizeof(c.name) - 1] = c.vm_socket[sizeof(c.vm_socket) - 1] = '\0';
	relay = relay_of(sc, c.name);
	snprintf(peer, sizeof(peer), "%s%s", c.name, XVS_XSK_PEER_SUFFIX);
	print_string(PRINT_ANY, "far_side", "\n        afxdp: far side %s ", peer);
	print_uint(PRINT_ANY, "far_ifindex", "(ifindex %llu), ", c.peer_ifindex);
	print_uint(PRINT_ANY, "queues", "queues %llu, ", c.queues);
	/* A veth's far side has no zero-copy; the relay says what it got. */
	print_string(PRINT_ANY, "mode", "%s mode,\n            ",
		     relay && jget(relay, "zerocopy") ? "zero-copy" : "copy");
	print_consumer(sc, &c, relay);
	fd = afxdp_pin(sc, c.name, "xsk_stats");
	if (fd >= 0) {
		percpu_sum(fd, 0, (__u64 *)&s, sizeof(s) / sizeof(__u64));
		close(fd);
	}
	open_json_object("xsk_stats");
	print_uint(PRINT_ANY, "rx_packets", "\n            far side: delivered %llu pkts ",
		   s.rx_packets);
	print_uint(PRINT_ANY, "rx_bytes", "%llu bytes, ", s.rx_bytes);
	print_uint(PRINT_ANY, "no_consumer", "no consumer %llu, ", s.no_consumer);
	print_uint(PRINT_ANY, "bad_queue", "bad queue %llu", s.bad_queue);
	close_json_object();
	if (relay)
		print_relay_stats(relay);
	close_json_object();
}

static void print_port(const struct show_ctx *sc, const struct xvs_port *p)
{
	const struct ctl_state *st = sc->st;
	struct xvs_port_stats s;
	char mac[MAC_STRLEN];

	state_port_stats(st, p->port_no, &s);
	open_json_object(NULL);
	print_port_head(st, p, "    ", ": ");
	print_port_config(st, p);
	print_uint(PRINT_JSON, "mtu", NULL, p->mtu);
	print_string(PRINT_JSON, "mac", NULL, mac_fmt(p->mac, mac));
	print_fp("\n        ");
	print_port_stats(&s);
	if (p->flags & XVS_PORT_F_AFXDP)
		print_afxdp(sc, p);
	print_nl();
	close_json_object();
}

/* The underlays: interfaces tunnels ride on, in no bridge. */
static void print_underlays(const struct ctl_state *st)
{
	const struct xvs_port *p;
	struct xvs_port_stats s;
	int i, j, n;

	open_json_array("underlays");
	for (i = 0; i < st->nports; i++) {
		p = &st->ports[i];
		if (!(p->flags & XVS_PORT_F_UNDERLAY))
			continue;
		for (j = n = 0; j < st->ntunnels; j++)
			n += st->tunnels[j].uplink == p->ifindex;
		state_port_stats(st, p->port_no, &s);
		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "underlay %s ", p->name);
		print_uint(PRINT_ANY, "ifindex", "(ifindex %llu): ", p->ifindex);
		print_uint(PRINT_ANY, "port_no", "port %llu, ", p->port_no);
		print_string(PRINT_ANY, "hook", "hook %s, ", port_hook_name(p->flags));
		print_uint(PRINT_ANY, "tunnels", "tunnels %llu, ", n);
		print_uint(PRINT_ANY, "mtu", "mtu %llu\n    ", p->mtu);
		print_port_stats(&s);
		print_nl();
		close_json_object();
	}
	close_json_array();
}

/* The bridge's flow table: from its xvs_cls entry (none: no rules). */
static void print_bridge_flows(const struct ctl_state *st, __u32 id)
{
	struct xvs_cls c;

	state_cls(st, id, &c);
	open_json_object("flows");
	print_uint(PRINT_ANY, "rules", "    flows: %llu rules, ", c.n_rules);
	print_uint(PRINT_ANY, "masks", "%llu masks ", c.n_masks);
	print_uint(PRINT_ANY, "max_masks", "(of %llu; ", XVS_FLOW_MAX_MASKS);
	print_uint(PRINT_ANY, "max_rules", "the switch: %llu rules, ", XVS_FLOW_MAX_RULES);
	print_uint(PRINT_ANY, "cache_size", "cache %llu)\n", XVS_FLOW_CACHE_SIZE);
	close_json_object();
}

static void print_bridge(const struct show_ctx *sc, __u32 id, __u32 macs)
{
	const struct ctl_state *st = sc->st;
	const struct xvs_bridge *b = &st->bridges[id];
	char name[XVS_NAME_LEN + 16];
	int i;

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "bridge %s: ",
		     state_bridge_name(st, id, name, sizeof(name)));
	print_uint(PRINT_JSON, "id", NULL, id);
	print_uint(PRINT_ANY, "ageing", "ageing %llu s, ", b->ageing_s);
	print_uint(PRINT_ANY, "mac_limit", "mac-limit %llu, ", b->mac_limit);
	print_uint(PRINT_ANY, "macs", "macs %llu ", macs);
	print_uint(PRINT_ANY, "learned", "(learned %llu, ", b->learned);
	print_uint(PRINT_ANY, "learn_refused", "refused %llu)\n",
		   b->learn_refused);
	print_bridge_flows(st, id);
	open_json_array("ports");
	for (i = 0; i < st->nports; i++)
		if (st->ports[i].bridge == id &&
		    !(st->ports[i].flags & XVS_PORT_F_UNDERLAY))
			print_port(sc, &st->ports[i]);
	close_json_array();
	close_json_object();
}

/* A bridge is shown when it has a name, or (by its id) when a port
 * still points at it.
 */
static bool bridge_shown(const struct ctl_state *st, __u32 id)
{
	int i;

	if (st->bridges[id].name[0])
		return true;
	for (i = 0; i < st->nports; i++)
		if (st->ports[i].bridge == id &&
		    !(st->ports[i].flags & XVS_PORT_F_UNDERLAY))
			return true;
	return false;
}

/* MAC table entries per bridge id. */
static int count_macs(const struct ctl_state *st, __u32 macs[XVS_MAX_BRIDGES])
{
	struct fdb_item *items;
	int n, i, err;

	memset(macs, 0, XVS_MAX_BRIDGES * sizeof(macs[0]));
	err = state_fdb(st, &items, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (items[i].key.bridge < XVS_MAX_BRIDGES)
			macs[items[i].key.bridge]++;
	free(items);
	return 0;
}

static void print_show(const struct show_ctx *sc, const __u32 *macs)
{
	const struct ctl_state *st = sc->st;
	struct ctl *c = sc->c;
	__u32 id;

	open_json_object(NULL);
	print_string(PRINT_ANY, "instance", "instance %s: ", c->inst.name);
	print_daemon(sc->pid);
	print_string(PRINT_ANY, "pin_dir", ", pins %s\n", c->inst.pin_dir);
	open_json_array("bridges");
	for (id = 0; id < XVS_MAX_BRIDGES; id++)
		if (bridge_shown(st, id))
			print_bridge(sc, id, macs[id]);
	close_json_array();
	print_underlays(st);
	close_json_object();
}

static bool has_afxdp(const struct ctl_state *st)
{
	int i;

	for (i = 0; i < st->nports; i++)
		if (st->ports[i].flags & XVS_PORT_F_AFXDP)
			return true;
	return false;
}

/* The relays' counters from xvsd (never started for this). */
static int relays_ask(struct ctl *c, struct json_object **reply)
{
	struct json_object *req = json_object_new_object();
	int err;

	json_object_object_add(req, "cmd", json_object_new_string("afxdp_stats"));
	err = ctl_request(c, req, CTL_NO_START, reply);
	json_object_put(req);
	return err;
}

int do_show(struct ctl *c, struct cmd_args *a)
{
	__u32 macs[XVS_MAX_BRIDGES];
	struct ctl_state st;
	int err;

	if (arg_is_help(a)) {
		show_help();
		return CTL_OK;
	}
	err = arg_end(a);
	if (err)
		return err;
	err = state_open(c, &st);
	if (err)
		return err;
	err = count_macs(&st, macs);
	if (!err) {
		struct show_ctx sc = { .c = c, .st = &st, .pid = ctl_ping(c) };
		struct json_object *reply = NULL;

		if (sc.pid > 0 && has_afxdp(&st) &&
		    relays_ask(c, &reply) == 0)
			json_object_object_get_ex(reply, "relays", &sc.relays);
		print_show(&sc, macs);
		json_object_put(reply);
	}
	state_close(&st);
	return err;
}
