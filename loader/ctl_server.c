// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/ctl_server.c - the daemon's end of the control protocol
 * (ctl_proto.h): a unix stream socket, mode 0600, one JSON request and one
 * JSON reply per connection.  A request is read with a short timeout, so
 * a stuck client cannot hold up the event loop for long.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <bpf/bpf.h>

#include "xvsd.h"
#include "afxdp.h"
#include "ctl_proto.h"
#include "log.h"
#include "util.h"
#include "names.h"
#include "flow_parse.h"
#include "maps/port.h"
#include "maps/fdb.h"
#include "maps/tunnel.h"
#include "maps/afxdp.h"

struct ctl_req {
	struct xvsd *d;
	json_object *req;
	json_object *reply;
	char err[512];
	int code;
};

static const char *req_str(struct ctl_req *r, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(r->req, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int req_u32(struct ctl_req *r, const char *key, __u32 max, __u32 *out)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(r->req, key, &v))
		return 0;
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || n < 0 || n > max) {
		snprintf(r->err, sizeof(r->err), "'%s' must be a number from 0 to %u",
			 key, max);
		r->code = CTL_USAGE;
		return -EINVAL;
	}
	*out = n;
	return 0;
}

/* vsnprintf: a long message is cut, as every reply's error may be. */
static void __attribute__((format(printf, 3, 4)))
msgf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static int fail(struct ctl_req *r, int code, int e)
{
	r->code = code ? code : (e == -ENOENT || e == -ENODEV ||
				 e == -EINVAL ? CTL_USAGE : CTL_FAILED);
	return -1;
}

static json_object *req_ifaces(struct ctl_req *r)
{
	json_object *v;

	if (!json_object_object_get_ex(r->req, "ifaces", &v) ||
	    !json_object_is_type(v, json_type_array) ||
	    !json_object_array_length(v)) {
		snprintf(r->err, sizeof(r->err), "no interfaces given");
		r->code = CTL_USAGE;
		return NULL;
	}
	return v;
}

/* All or nothing: a failed attach detaches what this request attached. */
static void attach_undo(struct ctl_req *r, json_object *ports)
{
	char err[256];
	size_t i;

	for (i = 0; i < json_object_array_length(ports); i++) {
		json_object *o = json_object_array_get_idx(ports, i), *n;

		if (json_object_object_get_ex(o, "iface", &n))
			port_detach(r->d, json_object_get_string(n), err, sizeof(err));
	}
}

static int cmd_attach(struct ctl_req *r)
{
	const char *bridge = req_str(r, "bridge") ?: "br0";
	const char *mode = req_str(r, "xdp_mode") ?: "auto";
	const char *hook = req_str(r, "hook") ?: "auto";
	json_object *ifs, *host, *ports;
	int h = -1, e;
	size_t i;

	if (strcmp(hook, "auto") && strcmp(hook, "xdp") && strcmp(hook, "tc")) {
		snprintf(r->err, sizeof(r->err), "bad hook '%s' (auto, xdp or tc)", hook);
		return fail(r, CTL_USAGE, 0);
	}
	if (strcmp(mode, "auto") && strcmp(mode, "native") && strcmp(mode, "skb")) {
		snprintf(r->err, sizeof(r->err), "bad xdp_mode '%s' (auto, native or skb)", mode);
		return fail(r, CTL_USAGE, 0);
	}
	if (json_object_object_get_ex(r->req, "host", &host))
		h = json_object_get_boolean(host);
	ifs = req_ifaces(r);
	if (!ifs)
		return -1;
	ports = json_object_new_array();
	json_object_object_add(r->reply, "ports", ports);
	for (i = 0; i < json_object_array_length(ifs); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(ifs, i));

		e = port_attach(r->d, bridge, name, hook, mode, h, ports, r->err,
				sizeof(r->err));
		if (e < 0) {
			attach_undo(r, ports);
			return fail(r, 0, e);
		}
	}
	return 0;
}

static int cmd_detach(struct ctl_req *r)
{
	json_object *ifs = req_ifaces(r);
	size_t i;
	int e;

	if (!ifs)
		return -1;
	for (i = 0; i < json_object_array_length(ifs); i++) {
		e = port_detach(r->d, json_object_get_string(json_object_array_get_idx(ifs, i)),
				r->err, sizeof(r->err));
		if (e)
			return fail(r, 0, e);
	}
	return 0;
}

static int cmd_bridge_set(struct ctl_req *r)
{
	const char *name = req_str(r, "bridge");
	__u32 ageing = 0, limit = 0;
	int e;

	if (!name) {
		snprintf(r->err, sizeof(r->err), "no bridge given");
		return fail(r, CTL_USAGE, 0);
	}
	if (req_u32(r, "ageing", 1000000, &ageing) ||
	    req_u32(r, "mac_limit", XVS_FDB_MAX_SIZE, &limit))
		return -1;
	e = bridge_set(r->d, name, ageing, limit, NULL, r->err, sizeof(r->err));
	if (e)
		return fail(r, 0, e);
	if (limit > r->d->fdb_max) {
		char w[160];

		snprintf(w, sizeof(w), "mac-limit %u is more than the MAC table holds (%u "
			 "entries for all bridges; start xvsd with --fdb-size)",
			 limit, r->d->fdb_max);
		json_object_object_add(r->reply, "warnings", json_object_new_array());
		json_object_array_add(json_object_object_get(r->reply, "warnings"),
				      json_object_new_string(w));
	}
	fdb_sweep(r->d, 1);	/* a shorter ageing applies now */
	return 0;
}

/* The (bridge, port) an fdb request names, by "dev" or by "bridge". */
static int req_fdb_target(struct ctl_req *r, __u32 *bridge, struct xvs_port *p,
			  int need_dev)
{
	const char *dev = req_str(r, "dev"), *br = req_str(r, "bridge");

	if (dev) {
		/* Tunnel ports by their name; underlays are in no bridge. */
		if (port_lookup(r->d, dev, p) || (p->flags & XVS_PORT_F_UNDERLAY)) {
			snprintf(r->err, sizeof(r->err), "'%s' is not a port", dev);
			return fail(r, CTL_USAGE, 0);
		}
		*bridge = p->bridge;
		return 0;
	}
	memset(p, 0, sizeof(*p));
	*bridge = 0;
	if (need_dev) {
		snprintf(r->err, sizeof(r->err), "no port given (dev DEV)");
		return fail(r, CTL_USAGE, 0);
	}
	if (br && bridge_lookup(r->d, br, bridge)) {
		snprintf(r->err, sizeof(r->err), "no bridge '%s'", br);
		return fail(r, CTL_USAGE, 0);
	}
	return 0;
}

static int req_mac(struct ctl_req *r, __u8 mac[6])
{
	const char *s = req_str(r, "mac");

	if (!s || mac_parse(s, mac)) {
		snprintf(r->err, sizeof(r->err), "bad MAC address '%s'", s ?: "");
		return fail(r, CTL_USAGE, 0);
	}
	if (mac[0] & 1) {
		snprintf(r->err, sizeof(r->err), "'%s' is a multicast address", s);
		return fail(r, CTL_USAGE, 0);
	}
	return 0;
}

static int cmd_fdb(struct ctl_req *r, const char *cmd)
{
	struct xvs_port p;
	__u32 bridge, vlan = 0;
	__u8 mac[6];
	int e;

	if (!strcmp(cmd, "fdb_flush")) {
		if (req_fdb_target(r, &bridge, &p, 0))
			return -1;
		e = fdb_flush(r->d, bridge, p.ifindex, 0);
		json_object_object_add(r->reply, "flushed", json_object_new_int(e));
		return 0;
	}
	if (req_mac(r, mac) || req_u32(r, "vlan", 4094, &vlan) ||
	    req_fdb_target(r, &bridge, &p, !strcmp(cmd, "fdb_add")))
		return -1;
	if (!strcmp(cmd, "fdb_add")) {
		e = fdb_add_static(r->d, bridge, p.ifindex, vlan, mac, 0,
				   r->err, sizeof(r->err));
		return e ? fail(r, 0, e) : 0;
	}
	if (!bridge) {
		snprintf(r->err, sizeof(r->err), "no port or bridge given (dev DEV)");
		return fail(r, CTL_USAGE, 0);
	}
	e = fdb_del(r->d, bridge, vlan, mac);
	if (e) {
		snprintf(r->err, sizeof(r->err), "no entry for %s vlan %u",
			 req_str(r, "mac"), vlan);
		return fail(r, CTL_USAGE, 0);
	}
	fdb_sweep(r->d, 1);
	return 0;
}

/* port_set: dev, vlan_mode, [tag], [trunks] ("10,20-30"; none = all). */
static int cmd_port_set(struct ctl_req *r)
{
	const char *dev = req_str(r, "dev"), *mode = req_str(r, "vlan_mode");
	const char *trunks = req_str(r, "trunks");
	struct xvs_port_vlan v = {};
	__u32 tag = 0;
	int m = mode ? vlan_mode_parse(mode) : -1;
	int e;

	if (!dev || m < 0) {
		snprintf(r->err, sizeof(r->err), "port set needs dev and vlan_mode "
			 "(access, trunk, native-untagged or native-tagged)");
		return fail(r, CTL_USAGE, 0);
	}
	if (req_u32(r, "tag", XVS_VLAN_MAX, &tag))
		return -1;
	v.mode = m;
	if (m == XVS_VLAN_TRUNK && tag) {
		snprintf(r->err, sizeof(r->err), "a trunk has no tag (use native-untagged or native-tagged)");
		return fail(r, CTL_USAGE, 0);
	}
	if (m != XVS_VLAN_TRUNK && !tag) {
		snprintf(r->err, sizeof(r->err), "vlan-mode %s needs a tag from 1 to %d",
			 mode, XVS_VLAN_MAX);
		return fail(r, CTL_USAGE, 0);
	}
	if (m == XVS_VLAN_ACCESS && trunks) {
		snprintf(r->err, sizeof(r->err), "an access port has no trunks");
		return fail(r, CTL_USAGE, 0);
	}
	v.tag = tag;
	if (trunks)
		v.flags = XVS_VLAN_F_TRUNKS_LIST;
	if (trunks && (e = vlan_list_parse(trunks, v.trunks))) {
		snprintf(r->err, sizeof(r->err), "bad trunks '%s' (VLAN ids 0..%d, e.g. 10,20-30)",
			 trunks, XVS_VLAN_MAX);
		return fail(r, CTL_USAGE, 0);
	}
	e = port_set_vlan(r->d, dev, &v, r->err, sizeof(r->err));
	return e ? fail(r, 0, e) : 0;
}

/* tunnel_add: name, bridge, remote, [local], [key], [ttl], [tos] (a
 * number or "inherit"), [uplink_hook].
 */
static int req_ipv4(struct ctl_req *r, const char *key, __be32 *addr)
{
	const char *s = req_str(r, key);
	int e;

	*addr = 0;
	if (!s)
		return 0;
	e = ipv4_parse(s, addr);
	if (!e)
		return 0;
	snprintf(r->err, sizeof(r->err), e == -EINVAL ?
		 "bad %s address '%s' (want an IPv4 address such as 192.0.2.1)" :
		 "%s address %s is not a unicast address", key, s);
	return fail(r, CTL_USAGE, 0);
}

static int cmd_tunnel_add(struct ctl_req *r)
{
	struct tunnel_conf c = { .ttl = 64, .uplink_hook = "auto" };
	const char *tos = req_str(r, "tos");
	__u32 v = 0;
	int e;

	c.name = req_str(r, "name");
	c.bridge = req_str(r, "bridge");
	c.uplink_hook = req_str(r, "uplink_hook") ?: "auto";
	if (!c.name || !c.bridge || !req_str(r, "remote")) {
		snprintf(r->err, sizeof(r->err), "tunnel_add needs name, bridge and remote");
		return fail(r, CTL_USAGE, 0);
	}
	if (req_ipv4(r, "remote", &c.remote) || req_ipv4(r, "local", &c.local))
		return -1;
	if (json_object_object_get_ex(r->req, "key", NULL)) {
		if (req_u32(r, "key", UINT32_MAX, &c.key))
			return -1;
		c.has_key = 1;
	}
	if (req_u32(r, "ttl", 255, &c.ttl))
		return -1;
	if (tos && !strcmp(tos, "inherit"))
		c.tos = -1;
	else if (req_u32(r, "tos", 255, &v))
		return -1;
	else
		c.tos = v;
	e = tunnel_add(r->d, &c, r->reply, r->err, sizeof(r->err));
	if (e)
		return fail(r, 0, e);
	/* A new port of a bridge with rules: flagged, cached flows redone. */
	if (!bridge_lookup(r->d, c.bridge, &v))
		flow_ports_changed(r->d->flows, v);
	return 0;
}

static int cmd_tunnel_del(struct ctl_req *r)
{
	const char *name = req_str(r, "name");
	int e;

	if (!name) {
		snprintf(r->err, sizeof(r->err), "no tunnel name given");
		return fail(r, CTL_USAGE, 0);
	}
	e = tunnel_del(r->d, name, r->err, sizeof(r->err));
	return e ? fail(r, 0, e) : 0;
}

/* Port names in flow rules: the ports (tunnels too) of the rule's bridge. */
struct flow_ports {
	struct xvsd *d;
	__u32 bridge;
};

static int flow_port(void *arg, const char *name, __u32 *id)
{
	struct flow_ports *fp = arg;
	struct xvs_port p;

	if (port_lookup(fp->d, name, &p) || p.bridge != fp->bridge ||
	    (p.flags & XVS_PORT_F_UNDERLAY))
		return -ENOENT;
	*id = p.ifindex;
	return 0;
}

static int req_flow_bridge(struct ctl_req *r, struct flow_ports *fp)
{
	const char *br = req_str(r, "bridge");

	fp->d = r->d;
	if (!br) {
		snprintf(r->err, sizeof(r->err), "no bridge given");
		return fail(r, CTL_USAGE, 0);
	}
	if (bridge_lookup(r->d, br, &fp->bridge)) {
		snprintf(r->err, sizeof(r->err), "no bridge '%s'", br);
		return fail(r, CTL_USAGE, 0);
	}
	return 0;
}

/* Where rule i came from, for its error: "FILE:LINE: ", "rule N: " or "". */
static void flow_where(struct ctl_req *r, size_t i, size_t n, char *buf, size_t len)
{
	const char *file = req_str(r, "file");
	json_object *lines;
	int line = i + 1;

	if (json_object_object_get_ex(r->req, "lines", &lines) &&
	    json_object_is_type(lines, json_type_array) &&
	    i < json_object_array_length(lines))
		line = json_object_get_int(json_object_array_get_idx(lines, i));
	if (file)
		snprintf(buf, len, "%s:%d: ", file, line);
	else if (n > 1)
		snprintf(buf, len, "rule %d: ", line);
	else
		buf[0] = '\0';
}

/* Every rule parsed before any is added: a bad one changes nothing. */
static int flow_parse_all(struct ctl_req *r, struct flow_ports *fp, json_object *rules,
			  struct xvs_flow_rule *v, size_t n)
{
	char where[PATH_MAX + 16], err[256];
	size_t i;

	for (i = 0; i < n; i++) {
		if (!flow_parse_rule(json_object_get_string(json_object_array_get_idx(rules, i)),
				     flow_port, fp, &v[i], err, sizeof(err)))
			continue;
		flow_where(r, i, n, where, sizeof(where));
		msgf(r->err, sizeof(r->err), "%s%s", where, err);
		return fail(r, CTL_USAGE, 0);
	}
	return 0;
}

/* flow_add: bridge, rules[] ("MATCH actions=..."), [file], [lines[]]. */
static int cmd_flow_add(struct ctl_req *r)
{
	struct xvs_flow_rule *v = NULL;
	json_object *rules, *res;
	struct flow_ports fp;
	__u32 *ids = NULL;
	size_t i, n = 0;
	int e;

	if (req_flow_bridge(r, &fp))
		return -1;
	if (json_object_object_get_ex(r->req, "rules", &rules) &&
	    json_object_is_type(rules, json_type_array))
		n = json_object_array_length(rules);
	if (!n || n > XVS_FLOW_MAX_RULES) {
		snprintf(r->err, sizeof(r->err), "flow_add needs 'rules', a list of 1 to %d",
			 XVS_FLOW_MAX_RULES);
		return fail(r, CTL_USAGE, 0);
	}
	v = calloc(n, sizeof(*v));
	ids = calloc(n, sizeof(*ids));
	if (!v || !ids) {
		snprintf(r->err, sizeof(r->err), "Couldn't add flow rules: %s", strerror(ENOMEM));
		e = fail(r, CTL_FAILED, 0);
	} else {
		e = flow_parse_all(r, &fp, rules, v, n);
	}
	if (!e && (e = flow_add(r->d->flows, fp.bridge, v, n, ids, r->err, sizeof(r->err))))
		e = fail(r, 0, e);
	if (!e) {
		res = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(res, json_object_new_int64(ids[i]));
		json_object_object_add(r->reply, "ids", res);
		pr_info("bridge %s: %zu flow rule%s added", req_str(r, "bridge"), n,
			n == 1 ? "" : "s");
	}
	free(v);
	free(ids);
	return e;
}

/* flow_del: bridge, [match], [strict]: the count deleted. */
static int cmd_flow_del(struct ctl_req *r)
{
	struct xvs_flow_key match, mask;
	struct flow_ports fp;
	__u32 prio, *strict = NULL;
	json_object *v;
	int n;

	if (req_flow_bridge(r, &fp))
		return -1;
	if (json_object_object_get_ex(r->req, "strict", &v) && json_object_get_boolean(v))
		strict = &prio;
	if (flow_parse_match(req_str(r, "match") ?: "", flow_port, &fp, &match, &mask,
			     strict, r->err, sizeof(r->err))) {
		/* The parser refused it for want of a place: say which. */
		if (!strict && !strncmp(r->err, "priority=", 9))
			snprintf(r->err, sizeof(r->err),
				 "priority= needs --strict (without, every priority is deleted)");
		return fail(r, CTL_USAGE, 0);
	}
	n = flow_del(r->d->flows, fp.bridge, &match, &mask, strict);
	if (n < 0) {
		snprintf(r->err, sizeof(r->err), "Couldn't delete flow rules: %s", strerror(-n));
		return fail(r, CTL_FAILED, 0);
	}
	json_object_object_add(r->reply, "deleted", json_object_new_int(n));
	if (n)
		pr_info("bridge %s: %d flow rule%s deleted", req_str(r, "bridge"), n,
			n == 1 ? "" : "s");
	return 0;
}

/* port_add: name, bridge, type "afxdp", [queues], [vm_socket], [uid],
 * [gid], [mode], [framing] "stream" | "dgram".
 */
static int cmd_port_add(struct ctl_req *r)
{
	struct afxdp_conf c = { .queues = 1, .uid = (__u32)-1, .gid = (__u32)-1,
				.mode = 0600 };
	const char *type = req_str(r, "type"), *framing = req_str(r, "framing");
	int e;

	c.name = req_str(r, "name");
	c.bridge = req_str(r, "bridge");
	c.vm_socket = req_str(r, "vm_socket");
	if (!c.name || !c.bridge || !type) {
		snprintf(r->err, sizeof(r->err), "port_add needs name, bridge and type");
		return fail(r, CTL_USAGE, 0);
	}
	if (strcmp(type, "afxdp")) {
		snprintf(r->err, sizeof(r->err), "bad port type '%s' (afxdp)", type);
		return fail(r, CTL_USAGE, 0);
	}
	if (framing && strcmp(framing, "stream") && strcmp(framing, "dgram")) {
		snprintf(r->err, sizeof(r->err), "bad framing '%s' (stream or dgram)", framing);
		return fail(r, CTL_USAGE, 0);
	}
	c.dgram = framing && !strcmp(framing, "dgram");
	if (req_u32(r, "queues", XVS_XSK_MAX_QUEUES, &c.queues) ||
	    req_u32(r, "uid", UINT32_MAX, &c.uid) ||
	    req_u32(r, "gid", UINT32_MAX, &c.gid) ||
	    req_u32(r, "mode", 07777, &c.mode))
		return -1;
	e = afxdp_add(r->d, &c, r->reply, r->err, sizeof(r->err));
	if (e)
		return fail(r, e == -EEXIST ? CTL_FAILED : 0, e);
	return 0;
}

static int cmd_port_del(struct ctl_req *r)
{
	const char *name = req_str(r, "name");
	int e;

	if (!name) {
		snprintf(r->err, sizeof(r->err), "no port name given");
		return fail(r, CTL_USAGE, 0);
	}
	e = afxdp_del(r->d, name, r->err, sizeof(r->err));
	return e ? fail(r, 0, e) : 0;
}

/* afxdp_stats: the relays' counters, which only this process has. */
static int cmd_afxdp_stats(struct ctl_req *r)
{
	json_object *res = json_object_new_array();

	json_object_object_add(r->reply, "relays", res);
	afxdp_relay_stats(r->d, res);
	return 0;
}

static int cmd_stop(struct ctl_req *r)
{
	json_object *v;

	if (json_object_object_get_ex(r->req, "cleanup", &v) &&
	    json_object_get_boolean(v)) {
		port_detach_all(r->d);
		dp_unpin(r->d);
		pr_info("stopping: every port detached, pins removed");
	} else {
		pr_info("stopping: the datapath stays in place");
	}
	r->d->stop = 1;
	return 0;
}

static int cmd_bridge_del(struct ctl_req *r)
{
	const char *name = req_str(r, "bridge");
	int e;

	if (!name) {
		snprintf(r->err, sizeof(r->err), "no bridge given");
		return fail(r, CTL_USAGE, 0);
	}
	e = bridge_del(r->d, name, r->err, sizeof(r->err));
	return e ? fail(r, 0, e) : 0;
}

static int cmd_batch(struct ctl_req *r);

static const struct {
	const char *name;
	int (*fn)(struct ctl_req *r);
} cmds[] = {
	{ "attach", cmd_attach },
	{ "detach", cmd_detach },
	{ "bridge_set", cmd_bridge_set },
	{ "bridge_del", cmd_bridge_del },
	{ "port_set", cmd_port_set },
	{ "port_add", cmd_port_add },
	{ "port_del", cmd_port_del },
	{ "afxdp_stats", cmd_afxdp_stats },
	{ "tunnel_add", cmd_tunnel_add },
	{ "tunnel_del", cmd_tunnel_del },
	{ "flow_add", cmd_flow_add },
	{ "flow_del", cmd_flow_del },
	{ "batch", cmd_batch },
	{ "stop", cmd_stop },
};

/* Run the request's command; 0, or -1 with r->err and r->code set. */
static int run_cmd(struct ctl_req *r, bool in_batch)
{
	const char *cmd = req_str(r, "cmd");
	size_t i;

	if (!cmd) {
		snprintf(r->err, sizeof(r->err), "no command");
		return fail(r, CTL_USAGE, 0);
	}
	if (in_batch && (!strcmp(cmd, "batch") || !strcmp(cmd, "stop"))) {
		snprintf(r->err, sizeof(r->err), "'%s' cannot be a step of a batch", cmd);
		return fail(r, CTL_USAGE, 0);
	}
	if (!strcmp(cmd, "ping")) {
		json_object_object_add(r->reply, "pid", json_object_new_int(getpid()));
		json_object_object_add(r->reply, "instance",
				       json_object_new_string(r->d->inst.name));
		return 0;
	}
	if (!strncmp(cmd, "fdb_", 4))
		return cmd_fdb(r, cmd);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmd, cmds[i].name))
			return cmds[i].fn(r);
	snprintf(r->err, sizeof(r->err), "unknown command '%s'", cmd);
	return fail(r, CTL_USAGE, 0);
}

/* One step of a batch as a request of its own; its warnings join the
 * batch's reply.
 */
static int run_step(struct ctl_req *batch, json_object *req, char *err,
		    size_t errlen)
{
	struct ctl_req r = { .d = batch->d, .req = req };
	json_object *w, *all;
	size_t i;
	int e;

	r.reply = json_object_new_object();
	e = json_object_is_type(req, json_type_object) ? run_cmd(&r, true) :
	    (snprintf(r.err, sizeof(r.err), "a step must be a request object"),
	     fail(&r, CTL_USAGE, 0));
	if (!e && json_object_object_get_ex(r.reply, "warnings", &w)) {
		if (!json_object_object_get_ex(batch->reply, "warnings", &all)) {
			all = json_object_new_array();
			json_object_object_add(batch->reply, "warnings", all);
		}
		for (i = 0; i < json_object_array_length(w); i++)
			json_object_array_add(all, json_object_get(
				json_object_array_get_idx(w, i)));
	}
	json_object_put(r.reply);
	if (e)
		msgf(err, errlen, "%s", r.err);
	return e;
}

/* What a step does, for messages: "attach eth0", "bridge_set br0". */
static void step_name(json_object *req, char *buf, size_t len)
{
	static const char *const keys[] = { "dev", "name", "bridge", "mac" };
	json_object *v, *ifs;
	const char *cmd = "?", *what = "";
	size_t i;

	if (json_object_object_get_ex(req, "cmd", &v))
		cmd = json_object_get_string(v);
	if (json_object_object_get_ex(req, "ifaces", &ifs) &&
	    json_object_is_type(ifs, json_type_array) && json_object_array_length(ifs))
		what = json_object_get_string(json_object_array_get_idx(ifs, 0));
	for (i = 0; !*what && i < ARRAY_SIZE(keys); i++)
		if (json_object_object_get_ex(req, keys[i], &v))
			what = json_object_get_string(v);
	snprintf(buf, len, "%s%s%s", cmd, *what ? " " : "", what);
}

/* Undo steps [0, done) in reverse.  Returns how many undo requests
 * failed (each is logged; the first is described in err).
 */
static int batch_rollback(struct ctl_req *r, json_object *steps, size_t done,
			  char *err, size_t errlen)
{
	json_object *undo, *u;
	char e[256];
	int bad = 0;
	size_t i, n;

	while (done--) {
		if (!json_object_object_get_ex(json_object_array_get_idx(steps, done),
					       "undo", &undo))
			continue;
		n = json_object_is_type(undo, json_type_array) ?
		    json_object_array_length(undo) : 1;
		for (i = 0; i < n; i++) {
			u = json_object_is_type(undo, json_type_array) ?
			    json_object_array_get_idx(undo, i) : undo;
			if (!run_step(r, u, e, sizeof(e)))
				continue;
			pr_err("undoing step %zu: %s", done + 1, e);
			if (!bad++)
				msgf(err, errlen, "undoing step %zu: %s", done + 1, e);
		}
	}
	return bad;
}

/* batch: steps [{do: req, undo: req | [req...]}...], all or nothing. */
static int cmd_batch(struct ctl_req *r)
{
	char err[sizeof(r->err)], what[64], uerr[256] = "";
	json_object *steps, *req;
	size_t i, n;

	if (!json_object_object_get_ex(r->req, "steps", &steps) ||
	    !json_object_is_type(steps, json_type_array)) {
		snprintf(r->err, sizeof(r->err), "batch needs 'steps', a list");
		return fail(r, CTL_USAGE, 0);
	}
	n = json_object_array_length(steps);
	for (i = 0; i < n; i++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(steps, i),
					       "do", &req))
			req = NULL;
		if (req && !run_step(r, req, err, sizeof(err)))
			continue;
		if (!req)
			snprintf(err, sizeof(err), "no 'do' request");
		step_name(req, what, sizeof(what));
		if (batch_rollback(r, steps, i, uerr, sizeof(uerr)))
			msgf(r->err, sizeof(r->err),
			     "applying step %zu (%s): %s; rollback incomplete (%s)",
			     i + 1, what, err, uerr);
		else
			msgf(r->err, sizeof(r->err), "applying step %zu (%s): %s; rolled back",
			     i + 1, what, err);
		pr_err("%s", r->err);
		/* The file was fine; applying it was not. */
		return fail(r, CTL_FAILED, 0);
	}
	json_object_object_add(r->reply, "steps", json_object_new_int(n));
	if (n)
		pr_info("batch of %zu step%s applied", n, n == 1 ? "" : "s");
	return 0;
}

int ctl_batch(struct xvsd *d, json_object *req, char *err, size_t errlen)
{
	struct ctl_req r = { .d = d, .req = req };
	int e;

	r.reply = json_object_new_object();
	e = cmd_batch(&r);
	json_object_put(r.reply);
	if (e)
		msgf(err, errlen, "%s", r.err);
	return e ? -EINVAL : 0;
}

static void dispatch(struct ctl_req *r)
{
	if (run_cmd(r, false)) {
		json_object_put(r->reply);
		r->reply = json_object_new_object();
		json_object_object_add(r->reply, "error", json_object_new_string(r->err));
		json_object_object_add(r->reply, "code", json_object_new_int(r->code));
	} else {
		json_object_object_add(r->reply, "ok", json_object_new_boolean(1));
	}
}

int ctl_listen(struct xvsd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(d->inst.sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	mkdir(d->inst.rundir, 0755);
	strcpy(sa.sun_path, d->inst.sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A socket file nobody answers on is a dead daemon's: replace it. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	unlink(sa.sun_path);
	umask(077);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		close(fd);
		return -errno;
	}
	chmod(sa.sun_path, 0600);
	return fd;
}

void ctl_serve(struct xvsd *d, int lfd)
{
	struct timeval tv = { .tv_sec = 1 };
	struct ctl_req r = { .d = d };
	static char buf[CTL_MAX_MSG];
	const char *out;
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
		len += n;
		if (memchr(buf, '\n', len))
			break;
	}
	buf[len] = '\0';
	r.reply = json_object_new_object();
	r.req = json_tokener_parse(buf);
	if (!r.req || !json_object_is_type(r.req, json_type_object)) {
		json_object_object_add(r.reply, "error",
				       json_object_new_string("malformed request"));
		json_object_object_add(r.reply, "code", json_object_new_int(CTL_USAGE));
	} else {
		dispatch(&r);
	}
	out = json_object_to_json_string_ext(r.reply, JSON_C_TO_STRING_PLAIN);
	if (write(fd, out, strlen(out)) < 0 || write(fd, "\n", 1) < 0)
		pr_debug("control client went away: %s", strerror(errno));
	json_object_put(r.req);
	json_object_put(r.reply);
	close(fd);
}

void ctl_close(struct xvsd *d, int lfd)
{
	if (lfd >= 0) {
		close(lfd);
		unlink(d->inst.sock_path);
	}
}
