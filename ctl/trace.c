// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/trace.c - `xvsctl trace BR FLOW`: a described frame through the
 * fast path, and every decision it took.
 *
 *   $ xvsctl trace br0 in_port=pa,dl_dst=02:00:00:00:00:02,udp,tp_dst=53
 *   frame: 60 bytes into pa, untagged
 *   tc_rx on pa:
 *       port pa (port 1, bridge br0)
 *       vlan 0 (untagged)
 *       learn 02:78:76:73:00:01: new, xvsd would learn it on pa
 *       mac lookup 02:00:00:00:00:02 vlan 0: pb
 *       output pb, untagged (vlan 0)
 *     => redirect
 *   verdict: output to pb
 *
 * The frame is built from the match (frame.h), tagged when the port
 * would receive its VLAN tagged, and for a tunnel port wrapped in GRE
 * from the far end and run at the uplink.  It runs through the trace
 * programs xvsd pins (trace_xdp_rx, trace_tc_rx: the hooks built with
 * XVS_TRACE, maps/trace.h) with BPF_PROG_TEST_RUN over the live maps:
 * first XDP if the port receives there, then TC on what XDP passed on,
 * as the kernel would.  Those programs change nothing on the switch;
 * they write what they decided to this CPU's slot of xvs_trace, so the
 * thread stays on one CPU and reads that slot after each run.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "xvsctl.h"
#include "print.h"
#include "state.h"
#include "frame.h"
#include "loader/flow_parse.h"
#include "loader/names.h"
#include "loader/util.h"
#include "maps/flow.h"
#include "maps/trace.h"

_Static_assert(sizeof(struct xvs_trace) == 8 + 16 * XVS_TRACE_MAX, "xvs_trace ABI");

/* Room for what a program may make of the frame: tags, outer headers. */
#define TRACE_OUT_MAX	(FRAME_MAX + 256)

static void trace_help(void)
{
	fputs("Usage: xvsctl trace BRIDGE FLOW\n"
	      "Run a frame described by FLOW (a match, as in flow rules;\n"
	      "in_port= is required) through the fast path over the live maps\n"
	      "and print each decision: port, VLAN, learning, flow cache, rules,\n"
	      "MAC lookup, actions, outputs, drops.  Nothing on the switch\n"
	      "changes.  Fields left out take defaults: dl_src 02:78:76:73:00:01,\n"
	      "dl_dst broadcast, IPv4, 192.0.2.1 > 192.0.2.2 (2001:db8::1 > ::2),\n"
	      "ICMP echo request, TCP/UDP ports 49152 > 9, ARP request.\n"
	      "  xvsctl trace br0 in_port=tap0,dl_dst=02:00:00:00:00:02,udp,tp_dst=53\n",
	      stdout);
}

/* One trace: the switch, the frame, and what the runs decided. */
struct trace {
	struct ctl_state st;
	int map_fd, xdp_fd, tc_fd;	/* xvs_trace, the trace programs */
	int rules_fd;			/* xvs_rules, -1: rules not shown */
	int cpu;			/* the one we run on */
	__u32 bridge;
	const struct xvs_port *in;	/* in_port */
	__u32 rx_ifindex;		/* where the frame arrives */
	bool rx_xdp;			/* it arrives at XDP */
	struct xvs_flow_key key, mask;
	__u8 dst[6], src[6];		/* the (inner) frame's MACs */
	__u32 cur_port;			/* the port the frame is on now */
	/* The verdict, from the records. */
	__u32 outputs[XVS_MAX_GROUP_PORTS];
	int n_outputs;
	__u32 host;			/* up whose host stack; 0: none */
	bool flood, upcall, not_ours, dropped;
	__u32 drop;			/* why, if dropped */
};

static int port_by_name(void *arg, const char *name, __u32 *id)
{
	const struct xvs_port *p = state_port_named(arg, name);

	if (!p)
		return -ENOENT;
	*id = p->ifindex;
	return 0;
}

static int name_of_port(void *arg, __u32 id, char *buf, size_t len)
{
	state_dev_name(arg, id, buf, len);
	return 0;
}

static const char *dev(struct trace *t, __u32 ifindex)
{
	static char buf[4][XVS_NAME_LEN + 16];
	static int k;

	k = (k + 1) % 4;
	return state_dev_name(&t->st, ifindex, buf[k], sizeof(buf[k]));
}

/* --- the records ------------------------------------------------------ */

static void rec_port(struct trace *t, const struct xvs_trace_rec *r)
{
	char br[XVS_NAME_LEN + 16];

	t->cur_port = r->a;
	print_string(PRINT_ANY, "port", "port %s", dev(t, r->a));
	print_uint(PRINT_ANY, "port_no", " (port %llu, ", r->b);
	if (!r->c)
		print_null(PRINT_ANY, "bridge", "underlay)");
	else
		print_string(PRINT_ANY, "bridge", "bridge %s)",
			     state_bridge_name(&t->st, r->c, br, sizeof(br)));
}

static void rec_underlay(struct trace *t, const struct xvs_trace_rec *r)
{
	t->not_ours = !r->a16;
	print_bool(PRINT_JSON, "ours", NULL, r->a16);
	print_fp("underlay: %s", r->a16 ? "GRE of a tunnel of ours" :
		 "not a tunnel packet of ours, passed on");
}

static void print_key(__be32 key)
{
	if (key)
		print_uint(PRINT_ANY, "key", " (key %llu)", ntohl(key));
	else
		print_null(PRINT_JSON, "key", NULL);
}

static void rec_decap(struct trace *t, const struct xvs_trace_rec *r)
{
	t->cur_port = r->a;
	print_string(PRINT_ANY, "tunnel", "decap: from tunnel %s", dev(t, r->a));
	print_key(r->b);
}

static void rec_vlan(struct trace *t, const struct xvs_trace_rec *r)
{
	print_uint(PRINT_ANY, "vlan", "vlan %llu", r->a16);
	print_uint(PRINT_JSON, "tci", NULL, r->a);
	if (r->a16)
		print_fp(" (tci 0x%04x)", r->a);
	else
		print_fp(" (untagged)");
}

static void rec_learn(struct trace *t, const struct xvs_trace_rec *r)
{
	char mac[MAC_STRLEN];

	print_string(PRINT_ANY, "mac", "learn %s: ", mac_fmt(t->src, mac));
	print_bool(PRINT_JSON, "learn", NULL, r->a16);
	if (r->a)
		print_string(PRINT_JSON, "known_on", NULL, dev(t, r->a));
	else
		print_null(PRINT_JSON, "known_on", NULL);
	if (!r->a16)
		print_fp("known on %s", dev(t, r->a));
	else if (r->a)
		print_fp("moved from %s, xvsd would learn it on %s", dev(t, r->a),
			 dev(t, t->cur_port));
	else
		print_fp("new, xvsd would learn it on %s", dev(t, t->cur_port));
}

static void rec_cache(struct trace *t, const struct xvs_trace_rec *r)
{
	static const char *const names[] = {
		[XVS_TR_CACHE_MISS] = "miss",
		[XVS_TR_CACHE_HIT] = "hit",
		[XVS_TR_CACHE_STALE] = "stale",
	};

	print_string(PRINT_ANY, "cache", "flow cache %s",
		     r->a16 < ARRAY_SIZE(names) ? names[r->a16] : "?");
	print_uint(PRINT_ANY, "gen", " (generation %llu)", r->a);
	if (r->a16 == XVS_TR_CACHE_HIT)
		print_uint(PRINT_ANY, "slot", ": rule slot %llu", r->b);
}

static void rec_mask(struct trace *t, const struct xvs_trace_rec *r)
{
	print_uint(PRINT_ANY, "mask", "mask %llu: ", r->a);
	print_bool(PRINT_JSON, "hit", NULL, r->a16);
	if (!r->a16) {
		print_fp("miss");
		return;
	}
	print_uint(PRINT_ANY, "slot", "hit, slot %llu", r->b);
	print_uint(PRINT_ANY, "priority", ", priority %llu", r->c);
}

static void rec_rule(struct trace *t, const struct xvs_trace_rec *r)
{
	struct xvs_flow_rule rule;
	char text[FLOW_TEXT_LEN];

	print_uint(PRINT_ANY, "rule", "rule %llu matched", r->b);
	print_uint(PRINT_ANY, "priority", " (priority %llu", r->c);
	print_uint(PRINT_ANY, "slot", ", slot %llu)", r->a);
	if (t->rules_fd < 0 || bpf_map_lookup_elem(t->rules_fd, &r->a, &rule) ||
	    rule.id != r->b)
		return;
	print_string(PRINT_ANY, "text", ": %s",
		     flow_format_rule(&rule, name_of_port, &t->st, text, sizeof(text)));
}

static void rec_no_rule(struct trace *t, const struct xvs_trace_rec *r)
{
	print_fp("no rule matched: normal");
}

static void rec_action(struct trace *t, const struct xvs_trace_rec *r)
{
	struct xvs_flow_rule one = {
		.n_actions = 1,
		.actions[0] = { .type = r->a16, .vid = r->b, .arg = r->a },
	};
	char text[FLOW_TEXT_LEN];

	print_string(PRINT_ANY, "action", "action %s",
		     flow_format_actions(&one, name_of_port, &t->st, text, sizeof(text)));
}

static void rec_fdb(struct trace *t, const struct xvs_trace_rec *r)
{
	char mac[MAC_STRLEN];

	print_string(PRINT_ANY, "mac", "mac lookup %s", mac_fmt(t->dst, mac));
	print_uint(PRINT_ANY, "vlan", " vlan %llu: ", r->b);
	if (!r->a16) {
		print_null(PRINT_ANY, "port", "unknown");
		return;
	}
	print_string(PRINT_ANY, "port", "%s", dev(t, r->a));
	print_bool(PRINT_JSON, "local", NULL, r->c);
	if (r->c)
		print_fp(" (local: its host stack)");
}

static void rec_output(struct trace *t, const struct xvs_trace_rec *r)
{
	if (t->n_outputs < (int)ARRAY_SIZE(t->outputs))
		t->outputs[t->n_outputs++] = r->a;
	print_string(PRINT_ANY, "port", "output %s", dev(t, r->a));
	print_bool(PRINT_JSON, "tagged", NULL, r->a16);
	if (r->a16)
		print_uint(PRINT_ANY, "vlan", ", tagged %llu", r->b);
	else
		print_uint(PRINT_ANY, "vlan", ", untagged (vlan %llu)", r->b);
}

static void rec_flood(struct trace *t, const struct xvs_trace_rec *r)
{
	t->flood = true;
	print_uint(PRINT_ANY, "vlan", "flood in vlan %llu", r->a);
}

static void rec_host(struct trace *t, const struct xvs_trace_rec *r)
{
	t->host = r->a;
	print_string(PRINT_ANY, "port", "up the host stack of %s", dev(t, r->a));
}

static void rec_encap(struct trace *t, const struct xvs_trace_rec *r)
{
	print_string(PRINT_ANY, "tunnel", "encap into tunnel %s", dev(t, r->a));
	print_key(r->b);
	print_string(PRINT_ANY, "uplink", ", out of %s", dev(t, r->c));
}

static void rec_upcall(struct trace *t, const struct xvs_trace_rec *r)
{
	t->upcall = true;
	print_uint(PRINT_ANY, "rule", "copy to xvsd (rule %llu)", r->a);
}

static void rec_pass(struct trace *t, const struct xvs_trace_rec *r)
{
	print_fp("passed on to TC");
}

static void rec_drop(struct trace *t, const struct xvs_trace_rec *r)
{
	t->dropped = true;
	t->drop = r->a;
	print_string(PRINT_ANY, "reason", "drop: %s", drop_reason_name(r->a));
}

static const struct {
	const char *name;
	void (*print)(struct trace *t, const struct xvs_trace_rec *r);
} recs[XVS_TR_MAX] = {
	[XVS_TR_PORT]		= { "port", rec_port },
	[XVS_TR_UNDERLAY]	= { "underlay", rec_underlay },
	[XVS_TR_DECAP]		= { "decap", rec_decap },
	[XVS_TR_VLAN]		= { "vlan", rec_vlan },
	[XVS_TR_LEARN]		= { "learn", rec_learn },
	[XVS_TR_CACHE]		= { "cache", rec_cache },
	[XVS_TR_MASK]		= { "mask", rec_mask },
	[XVS_TR_RULE]		= { "rule", rec_rule },
	[XVS_TR_NO_RULE]	= { "no_rule", rec_no_rule },
	[XVS_TR_ACTION]		= { "action", rec_action },
	[XVS_TR_FDB]		= { "fdb", rec_fdb },
	[XVS_TR_OUTPUT]		= { "output", rec_output },
	[XVS_TR_FLOOD]		= { "flood", rec_flood },
	[XVS_TR_HOST]		= { "host", rec_host },
	[XVS_TR_ENCAP]		= { "encap", rec_encap },
	[XVS_TR_UPCALL]		= { "upcall", rec_upcall },
	[XVS_TR_PASS]		= { "pass", rec_pass },
	[XVS_TR_DROP]		= { "drop", rec_drop },
};

static void print_rec(struct trace *t, const struct xvs_trace_rec *r)
{
	open_json_object(NULL);
	if (r->type < XVS_TR_MAX && recs[r->type].print) {
		print_string(PRINT_JSON, "type", NULL, recs[r->type].name);
		print_fp("    ");
		recs[r->type].print(t, r);
	} else {
		/* From a newer datapath than this xvsctl: shown raw. */
		print_uint(PRINT_ANY, "type", "    record %llu", r->type);
		print_uint(PRINT_ANY, "a16", " (%llu", r->a16);
		print_uint(PRINT_ANY, "a", ", %llu", r->a);
		print_uint(PRINT_ANY, "b", ", %llu", r->b);
		print_uint(PRINT_ANY, "c", ", %llu)", r->c);
	}
	print_nl();
	close_json_object();
}

/* --- the runs --------------------------------------------------------- */

/* A pinned map whose values are value_size bytes: an fd, or -errno
 * (-EPROTO: another layout, from another build).
 */
static int open_map(struct ctl *c, const char *name, __u32 value_size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd = inst_map_fd(&c->inst, name);

	if (fd < 0)
		return fd;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.value_size == value_size)
		return fd;
	close(fd);
	return -EPROTO;
}

/* A trace program's pin: an fd, or -1 with the error printed. */
static int open_pin(struct ctl *c, const char *name)
{
	char path[PATH_MAX];
	int fd;

	inst_pin_path(&c->inst, path, sizeof(path), "%s", name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		ctl_err("Couldn't open '%s': %s (%s)", path, strerror(errno),
			errno == ENOENT ? "xvsd is not running, or failed to load the trace programs: see its log" :
					  "xvsctl needs root");
	return fd;
}

/* This CPU's records after a run. */
static int read_records(int map_fd, int cpu, struct xvs_trace *out)
{
	size_t sz = (sizeof(*out) + 7) & ~(size_t)7;
	__u32 zero = 0;
	void *all;
	int err = 0;

	all = calloc(ncpus(), sz);
	if (!all)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &zero, all))
		err = -errno;
	else
		memcpy(out, (char *)all + cpu * sz, sizeof(*out));
	free(all);
	return err;
}

static const char *retval_name(bool xdp, __u32 v)
{
	static const char *const xdp_names[] = {
		"aborted", "drop", "pass", "tx", "redirect",
	};
	static const char *const tc_names[] = {
		"ok", "reclassify", "shot", "pipe", "stolen", "queued",
		"repeat", "redirect",
	};

	if (xdp)
		return v < ARRAY_SIZE(xdp_names) ? xdp_names[v] : "?";
	return v < ARRAY_SIZE(tc_names) ? tc_names[v] : "?";
}

/* One run of a trace program on the frame in `buf` (len bytes; the
 * output replaces it), and its records.  Returns the program's return
 * value, or -errno with the error printed.
 */
static int run_one(struct trace *t, int prog_fd, bool xdp, __u8 *buf, __u32 *len)
{
	struct xdp_md md = {
		.data_end = *len, .ingress_ifindex = t->rx_ifindex,
		.rx_queue_index = 0,
	};
	struct __sk_buff skb = { .ifindex = t->rx_ifindex };
	__u8 out[TRACE_OUT_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = *len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1,
		    .ctx_in = xdp ? (void *)&md : (void *)&skb,
		    .ctx_size_in = xdp ? sizeof(md) : sizeof(skb));
	struct xvs_trace rec;
	__u32 i;
	int err;

	err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (!err)
		err = read_records(t->map_fd, t->cpu, &rec);
	if (err) {
		ctl_err("Couldn't run the %s trace program: %s", xdp ? "XDP" : "TC",
			strerror(-err));
		return err;
	}
	memcpy(buf, out, opts.data_size_out);
	*len = opts.data_size_out;

	open_json_object(NULL);
	print_string(PRINT_ANY, "hook", "%s", xdp ? "xdp_rx" : "tc_rx");
	print_string(PRINT_ANY, "dev", " on %s:\n", dev(t, t->rx_ifindex));
	open_json_array("records");
	for (i = 0; i < rec.n && i < XVS_TRACE_MAX; i++)
		print_rec(t, &rec.rec[i]);
	close_json_array();
	if (rec.lost)
		print_uint(PRINT_ANY, "lost", "    (%llu more records did not fit)\n",
			   rec.lost);
	print_string(PRINT_ANY, "result", "  => %s\n", retval_name(xdp, opts.retval));
	close_json_object();
	return opts.retval;
}

/* The trace programs and map, and this thread kept on the CPU it is on;
 * 0 or the exit code, the error printed.
 */
static int trace_open(struct ctl *c, struct trace *t)
{
	cpu_set_t set;

	t->cpu = sched_getcpu();
	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	if (t->cpu < 0 || sched_setaffinity(0, sizeof(set), &set)) {
		ctl_err("Couldn't stay on one CPU: %s", strerror(errno));
		return CTL_FAILED;
	}
	t->map_fd = open_map(c, "xvs_trace", sizeof(struct xvs_trace));
	if (t->map_fd < 0) {
		ctl_err("Couldn't open map 'xvs_trace': %s (xvsctl and xvsd from different builds?)",
			strerror(-t->map_fd));
		return CTL_FAILED;
	}
	t->xdp_fd = open_pin(c, "trace_xdp_rx");
	if (t->xdp_fd >= 0)
		t->tc_fd = open_pin(c, "trace_tc_rx");
	if (t->xdp_fd < 0 || t->tc_fd < 0)
		return CTL_FAILED;
	t->rules_fd = open_map(c, "xvs_rules", sizeof(struct xvs_flow_rule));
	return 0;
}

static void trace_close(struct trace *t)
{
	int *fds[] = { &t->map_fd, &t->xdp_fd, &t->tc_fd, &t->rules_fd };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
}

/* XDP first where the port receives there; TC on what XDP passed on. */
static int run_trace(struct trace *t, __u8 *buf, __u32 len, int *result,
		     bool *at_xdp)
{
	int ret = 0;

	open_json_array("runs");
	*at_xdp = t->rx_xdp;
	if (t->rx_xdp)
		ret = run_one(t, t->xdp_fd, true, buf, &len);
	if (!t->rx_xdp || ret == XDP_PASS) {
		*at_xdp = false;
		ret = run_one(t, t->tc_fd, false, buf, &len);
	}
	close_json_array();
	*result = ret;
	return ret < 0 ? CTL_FAILED : 0;
}

/* --- the frame -------------------------------------------------------- */

/* Does port p receive a frame of VLAN `vlan` tagged?  An access port
 * takes its VLAN untagged, a native VLAN comes untagged too.
 */
static bool rx_tagged(const struct xvs_port *p, __u16 vlan)
{
	switch (p->vlan.mode) {
	case XVS_VLAN_ACCESS:
		return false;
	case XVS_VLAN_NATIVE_UNTAGGED:
		return vlan != p->vlan.tag;
	default:
		return vlan != 0;
	}
}

/* A tunnel port's frame as its far end sends it, to the uplink. */
static int tunnel_wrap(struct trace *t, __u8 *buf, int len)
{
	const struct xvs_tunnel *tun = state_tunnel(&t->st, t->in->ifindex);
	const struct xvs_port *up;
	struct frame_gre g = {};

	up = tun ? state_port(&t->st, tun->uplink) : NULL;
	if (!up) {
		ctl_err("tunnel port '%s' has no %s", dev(t, t->in->ifindex),
			tun ? "uplink" : "tunnel entry");
		return -ENOENT;
	}
	memcpy(g.dst, up->mac, sizeof(g.dst));
	memcpy(g.src, tun->dmac, sizeof(g.src));
	g.saddr = tun->remote;
	g.daddr = tun->local;
	g.has_key = t->mask.tun_id || (tun->flags & XVS_TUN_F_KEY);
	g.key = t->mask.tun_id ? t->key.tun_id : tun->key;
	t->rx_ifindex = up->ifindex;
	t->rx_xdp = up->flags & XVS_PORT_F_XDP;
	return frame_gre(&g, buf, FRAME_MAX, len);
}

static void print_frame(struct trace *t, const __u8 *buf, int len, bool tagged)
{
	char hex[2 * FRAME_MAX + 1];
	int i;

	for (i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", buf[i]);
	open_json_object("frame");
	print_uint(PRINT_ANY, "len", "frame: %llu bytes", len);
	print_string(PRINT_ANY, "in_port", " into %s", dev(t, t->in->ifindex));
	if (t->rx_ifindex != t->in->ifindex)
		print_string(PRINT_ANY, "uplink", ", in GRE at %s", dev(t, t->rx_ifindex));
	print_bool(PRINT_JSON, "tagged", NULL, tagged);
	if (tagged)
		print_fp(", tagged %u\n", t->key.dl_vlan);
	else
		print_fp(", untagged\n");
	print_string(PRINT_JSON, "hex", NULL, hex);
	close_json_object();
}

static int make_frame(struct trace *t, __u8 *buf)
{
	bool tagged = t->mask.dl_vlan && rx_tagged(t->in, t->key.dl_vlan);
	int len;

	len = frame_build(&t->key, &t->mask, tagged, buf, FRAME_MAX);
	if (len < 0) {
		ctl_err("Couldn't build the frame: %s", strerror(-len));
		return len;
	}
	memcpy(t->dst, buf, sizeof(t->dst));
	memcpy(t->src, buf + 6, sizeof(t->src));
	t->rx_ifindex = t->in->ifindex;
	t->rx_xdp = t->in->flags & XVS_PORT_F_XDP;
	if (t->in->flags & XVS_PORT_F_TUNNEL)
		len = tunnel_wrap(t, buf, len);
	if (len > 0)
		print_frame(t, buf, len, tagged);
	return len;
}

/* --- the verdict ------------------------------------------------------ */

static void print_verdict(struct trace *t, int result, bool xdp)
{
	int i;

	open_json_object("verdict");
	print_fp("verdict: ");
	if (t->dropped) {
		print_string(PRINT_ANY, "action", "%s", "drop");
		print_string(PRINT_ANY, "reason", " (%s)", drop_reason_name(t->drop));
	} else if (t->n_outputs) {
		print_string(PRINT_ANY, "action", "%s to ", t->flood ? "flood" : "output");
		open_json_array("ports");
		for (i = 0; i < t->n_outputs; i++)
			print_string(PRINT_ANY, NULL, i ? ", %s" : "%s",
				     dev(t, t->outputs[i]));
		close_json_array();
	} else if (t->flood) {
		print_string(PRINT_ANY, "action", "%s", "flood");
		print_fp(" to no port");
	} else if (t->not_ours) {
		print_string(PRINT_ANY, "action", "%s", "pass");
		print_fp(" (not the switch's: up the host stack of %s)",
			 dev(t, t->rx_ifindex));
	} else if (!t->host) {
		/* No decision recorded: the program's own word. */
		print_string(PRINT_ANY, "action", "%s", retval_name(xdp, result));
		print_fp(" at %s", xdp ? "xdp" : "tc");
	}
	if (t->host) {
		print_fp("%s", t->n_outputs ? ", " : "");
		print_string(PRINT_ANY, "host", "up the host stack of %s",
			     dev(t, t->host));
	}
	print_bool(PRINT_JSON, "upcall", NULL, t->upcall);
	if (t->upcall)
		print_fp(", a copy to xvsd");
	print_nl();
	close_json_object();
}

/* --- the command ------------------------------------------------------ */

static int parse_flow(struct trace *t, const char *text)
{
	char err[256];

	if (flow_parse_match(text, port_by_name, &t->st, &t->key, &t->mask, NULL,
			     err, sizeof(err))) {
		ctl_err("%s", err);
		return CTL_USAGE;
	}
	if (!t->mask.in_port) {
		ctl_err("trace needs in_port=PORT: where the frame arrives");
		return CTL_USAGE;
	}
	t->in = state_port(&t->st, t->key.in_port);
	if (!t->in || t->in->bridge != t->bridge ||
	    (t->in->flags & XVS_PORT_F_UNDERLAY)) {
		ctl_err("'%s' is not a port of this bridge", dev(t, t->key.in_port));
		return CTL_USAGE;
	}
	t->key.bridge = t->bridge;
	return 0;
}

static int trace(struct ctl *c, struct trace *t, const char *br, const char *flow)
{
	__u8 buf[TRACE_OUT_MAX];
	int err, len, result;
	bool xdp;

	err = state_find_bridge(&t->st, br, &t->bridge);
	if (!err)
		err = parse_flow(t, flow);
	if (!err)
		err = trace_open(c, t);
	if (err)
		return err;
	open_json_object(NULL);
	print_string(PRINT_JSON, "bridge", NULL, br);
	len = make_frame(t, buf);
	if (len < 0)
		return CTL_FAILED;
	err = run_trace(t, buf, len, &result, &xdp);
	if (!err)
		print_verdict(t, result, xdp);
	close_json_object();
	return err;
}

int do_trace(struct ctl *c, struct cmd_args *a)
{
	const char *br, *flow;
	struct trace *t;
	int err;

	if (arg_is_help(a)) {
		trace_help();
		return CTL_OK;
	}
	br = arg_next(a);
	if (!br)
		return usage_err(a, "missing BRIDGE");
	flow = arg_next(a);
	if (!flow)
		return usage_err(a, "missing FLOW (in_port=PORT,...)");
	err = arg_bridge(a, br);
	if (!err)
		err = arg_end(a);
	if (err)
		return err;
	/* A ctl_state holds every port and tunnel: too big for the stack. */
	t = calloc(1, sizeof(*t));
	if (!t) {
		ctl_err("Couldn't trace: %s", strerror(ENOMEM));
		return CTL_FAILED;
	}
	t->map_fd = t->xdp_fd = t->tc_fd = t->rules_fd = -1;
	err = state_open(c, &t->st);
	if (!err) {
		err = trace(c, t, br, flow);
		trace_close(t);
		state_close(&t->st);
	}
	free(t);
	return err;
}
