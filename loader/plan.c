// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/plan.c - from a running switch to the one a file describes
 * (config.h): the snapshot of the running switch, the plan, the export.
 *
 * A plan is a list of control requests in an order that never asks for
 * the impossible (a port leaves before its bridge goes, a bridge exists
 * before its ports come), each with the requests that put back what it
 * changed, so xvsd can roll a failed batch back step by step:
 *
 *   1. static MAC entries the file drops       fdb_del     | fdb_add
 *   2. ports that go, or must be re-attached   detach      | attach, port_set, fdb_add
 *      (another bridge, hook, xdp-mode, host);
 *      tunnels that go, or must be made again  tunnel_del  | tunnel_add, port_set, fdb_add
 *      (another bridge, address, key, ttl, tos);
 *      AF_XDP ports that go, or must be made   port_del    | port_add, port_set, fdb_add
 *      again (another bridge, queues, socket)
 *   3. bridges that go                         bridge_del  | bridge_set
 *   4. bridges that come or change             bridge_set  | bridge_del or bridge_set
 *   5. ports and tunnels that come             attach      | detach
 *                                              tunnel_add  | tunnel_del
 *                                              port_add    | port_del
 *   6. VLANs that change                       port_set    | port_set
 *   7. static MAC entries that come or move    fdb_add     | fdb_del or fdb_add
 *
 * A tunnel port is a port by name (its VLANs, the fdb entries behind it);
 * what tunnel_add sets is compared with the snapshot's xvs_tunnels
 * entry.  A tunnel whose local address the file leaves out matches one
 * made without it, whatever address the route gives it now.  Likewise an
 * AF_XDP port (`type: afxdp`) is a port by name, and what port_add sets
 * is compared with its pinned xsk_conf (snapshot_read_afxdp()), from which
 * the undo of its port_del makes it again.  Never a detach for one: that
 * would delete its veth, which no attach brings back.
 *
 * Only what differs gets a step, so a port whose settings stay is never
 * touched and its traffic goes on.  `auto` settings in the file match
 * whatever attach chose for them; an unset `host` matches either.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "config.h"
#include "names.h"
#include "tunnel.h"
#include "util.h"

/* --- snapshot -------------------------------------------------------- */

static int port_name_cmp(const void *a, const void *b)
{
	return strncmp(((const struct xvs_port *)a)->name,
		       ((const struct xvs_port *)b)->name, XVS_NAME_LEN);
}

static int snap_fdb_add(struct xvs_snapshot *s, const struct xvs_fdb_key *k,
			__u32 ifindex)
{
	struct snapshot_fdb *f;
	int i;

	/* A walk restarts when an entry goes under it: no repeats. */
	for (i = 0; i < s->nfdb; i++)
		if (!memcmp(&s->fdb[i].key, k, sizeof(*k)))
			return 0;
	f = realloc(s->fdb, (s->nfdb + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	s->fdb = f;
	s->fdb[s->nfdb].key = *k;
	s->fdb[s->nfdb++].ifindex = ifindex;
	return 0;
}

int snapshot_read(int ports_fd, int bridges_fd, int fdb_fd, int tunnels_fd,
		  struct xvs_snapshot *s)
{
	__u32 key, next, *prev = NULL, id;
	struct xvs_fdb_key fk, fnext, *fprev = NULL;
	struct xvs_fdb_entry e;
	char name[IF_NAMESIZE];
	struct xvs_port *p;
	int err = 0;

	memset(s, 0, sizeof(*s));
	for (id = 1; id < XVS_MAX_BRIDGES; id++)
		if (bpf_map_lookup_elem(bridges_fd, &id, &s->bridges[id]))
			memset(&s->bridges[id], 0, sizeof(s->bridges[id]));
	while (s->nports < XVS_MAX_PORTS && !bpf_map_get_next_key(ports_fd, prev, &next)) {
		key = next;
		prev = &key;
		p = &s->ports[s->nports];
		if (bpf_map_lookup_elem(ports_fd, &key, p) ||
		    (p->flags & XVS_PORT_F_UNDERLAY))
			continue;
		if (p->ifindex < XVS_VPORT_BASE && if_indextoname(p->ifindex, name))
			snprintf(p->name, sizeof(p->name), "%s", name);
		s->nports++;
	}
	prev = NULL;
	while (tunnels_fd >= 0 && s->ntunnels < XVS_MAX_TUNNELS &&
	       !bpf_map_get_next_key(tunnels_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(tunnels_fd, &key, &s->tunnels[s->ntunnels]))
			s->ntunnels++;
	}
	qsort(s->ports, s->nports, sizeof(s->ports[0]), port_name_cmp);
	while (!err && !bpf_map_get_next_key(fdb_fd, fprev, &fnext)) {
		fk = fnext;
		fprev = &fk;
		if (!bpf_map_lookup_elem(fdb_fd, &fk, &e) &&
		    (e.flags & XVS_FDB_F_STATIC) && !(e.flags & XVS_FDB_F_LOCAL))
			err = snap_fdb_add(s, &fk, e.ifindex);
	}
	return err;
}

/* One port's xsk_conf, if dir/name/xsk_conf is one (of that name). */
static int snap_afxdp_add(struct xvs_snapshot *s, const char *dir, const char *name)
{
	struct xvs_xsk_conf c, *a;
	char path[PATH_MAX];
	__u32 zero = 0;
	int fd, e;

	if (snprintf(path, sizeof(path), "%s/%s/xsk_conf", dir, name) >= (int)sizeof(path))
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	e = bpf_map_lookup_elem(fd, &zero, &c);
	close(fd);
	c.name[sizeof(c.name) - 1] = '\0';
	c.vm_socket[sizeof(c.vm_socket) - 1] = '\0';
	if (e || strcmp(c.name, name))
		return 0;
	a = realloc(s->afxdp, (s->nafxdp + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	s->afxdp = a;
	s->afxdp[s->nafxdp++] = c;
	return 0;
}

int snapshot_read_afxdp(const char *pin_dir, struct xvs_snapshot *s)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int e = 0;
	DIR *dh;

	snprintf(dir, sizeof(dir), "%s/%s", pin_dir, XVS_XSK_PIN_DIR);
	dh = opendir(dir);
	if (!dh)
		return 0;
	while (!e && s->nafxdp < XVS_MAX_PORTS && (de = readdir(dh)))
		if (de->d_name[0] != '.')
			e = snap_afxdp_add(s, dir, de->d_name);
	closedir(dh);
	return e;
}

void snapshot_free(struct xvs_snapshot *s)
{
	free(s->fdb);
	s->fdb = NULL;
	s->nfdb = 0;
	free(s->afxdp);
	s->afxdp = NULL;
	s->nafxdp = 0;
}

static const struct xvs_port *snap_port(const struct xvs_snapshot *s,
					const char *name)
{
	int i;

	for (i = 0; i < s->nports; i++)
		if (!strncmp(s->ports[i].name, name, XVS_NAME_LEN))
			return &s->ports[i];
	return NULL;
}

static const struct xvs_port *snap_port_by_index(const struct xvs_snapshot *s,
						 __u32 ifindex)
{
	int i;

	for (i = 0; i < s->nports; i++)
		if (s->ports[i].ifindex == ifindex)
			return &s->ports[i];
	return NULL;
}

static const struct xvs_tunnel *snap_tunnel(const struct xvs_snapshot *s,
					     __u32 vport)
{
	int i;

	for (i = 0; i < s->ntunnels; i++)
		if (s->tunnels[i].vport == vport)
			return &s->tunnels[i];
	return NULL;
}

/* The settings of the AF_XDP port whose switch side is on ifindex, or
 * NULL (not one, or its xsk_conf unreadable).
 */
static const struct xvs_xsk_conf *snap_afxdp(const struct xvs_snapshot *s,
					     __u32 ifindex)
{
	int i;

	for (i = 0; i < s->nafxdp; i++)
		if (s->afxdp[i].ifindex == ifindex)
			return &s->afxdp[i];
	return NULL;
}

/* A running AF_XDP port's settings as the file says them; k NULL: the
 * defaults.
 */
static void afxdp_from_conf(const struct xvs_xsk_conf *k, struct config_afxdp *a)
{
	memset(a, 0, sizeof(*a));
	a->queues = k ? k->queues : 1;
	a->uid = a->gid = (__u32)-1;
	a->mode = 0600;
	if (!k || !(k->flags & XVS_XSK_F_RELAY))
		return;
	snprintf(a->vm_socket, sizeof(a->vm_socket), "%s", k->vm_socket);
	a->uid = k->uid;
	a->gid = k->gid;
	a->mode = k->mode;
	a->dgram = !!(k->flags & XVS_XSK_F_DGRAM);
}

static const char *snap_bridge(const struct xvs_snapshot *s, __u32 id)
{
	return id < XVS_MAX_BRIDGES && s->bridges[id].name[0] ? s->bridges[id].name : "";
}

static const struct xvs_bridge *snap_bridge_by_name(const struct xvs_snapshot *s,
						    const char *name)
{
	int i;

	for (i = 1; i < XVS_MAX_BRIDGES; i++)
		if (s->bridges[i].name[0] &&
		    !strncmp(s->bridges[i].name, name, XVS_NAME_LEN))
			return &s->bridges[i];
	return NULL;
}

/* --- requests -------------------------------------------------------- */

/* Longest vlan_list_fmt() text: 0,2,4,...,4094 takes 9684 bytes. */
#define TRUNKS_STRLEN	10240

/* A port's trunk list as "10,20-30" (free() it); NULL: every VLAN, or
 * out of memory.
 */
static char *trunks_str(const struct xvs_port_vlan *v)
{
	char *buf;

	if (v->mode == XVS_VLAN_ACCESS || !(v->flags & XVS_VLAN_F_TRUNKS_LIST))
		return NULL;
	buf = malloc(TRUNKS_STRLEN);
	return buf ? (char *)vlan_list_fmt(v->trunks, buf, TRUNKS_STRLEN) : NULL;
}

static json_object *req_new(const char *cmd)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "cmd", json_object_new_string(cmd));
	return r;
}

static void req_str(json_object *r, const char *key, const char *val)
{
	json_object_object_add(r, key, json_object_new_string(val));
}

static void req_int(json_object *r, const char *key, __u32 val)
{
	json_object_object_add(r, key, json_object_new_int64(val));
}

static json_object *req_attach(const char *bridge, const char *iface,
			       const char *hook, const char *xdp_mode, int host)
{
	json_object *r = req_new("attach"), *ifs = json_object_new_array();

	req_str(r, "bridge", bridge);
	json_object_array_add(ifs, json_object_new_string(iface));
	json_object_object_add(r, "ifaces", ifs);
	req_str(r, "hook", hook);
	req_str(r, "xdp_mode", xdp_mode);
	if (host >= 0)
		json_object_object_add(r, "host", json_object_new_boolean(host));
	return r;
}

static json_object *req_detach(const char *iface)
{
	json_object *r = req_new("detach"), *ifs = json_object_new_array();

	json_object_array_add(ifs, json_object_new_string(iface));
	json_object_object_add(r, "ifaces", ifs);
	return r;
}

static json_object *req_port_set(const char *iface, const struct xvs_port_vlan *v)
{
	json_object *r = req_new("port_set");
	char *trunks = trunks_str(v);

	req_str(r, "dev", iface);
	req_str(r, "vlan_mode", vlan_mode_name(v->mode));
	if (v->mode != XVS_VLAN_TRUNK)
		req_int(r, "tag", v->tag);
	if (trunks)
		req_str(r, "trunks", trunks);
	free(trunks);
	return r;
}

/* A tunnel_add as the file says it, or as the snapshot has it. */
static json_object *req_tunnel_add(const char *bridge, const char *name,
				   __be32 remote, __be32 local, int has_key,
				   __u32 key, __u32 ttl, int tos, const char *hook)
{
	json_object *r = req_new("tunnel_add");
	char a[IPV4_STRLEN];

	req_str(r, "name", name);
	req_str(r, "bridge", bridge);
	req_str(r, "remote", ipv4_fmt(remote, a));
	if (local)
		req_str(r, "local", ipv4_fmt(local, a));
	if (has_key)
		req_int(r, "key", key);
	req_int(r, "ttl", ttl);
	if (tos < 0)
		req_str(r, "tos", "inherit");
	else
		req_int(r, "tos", tos);
	if (hook)
		req_str(r, "uplink_hook", hook);
	return r;
}

static json_object *req_tunnel_add_snap(const char *bridge, const char *name,
					const struct xvs_tunnel *t)
{
	return req_tunnel_add(bridge, name, t->remote,
			      t->flags & XVS_TUN_F_LOCAL_AUTO ? 0 : t->local,
			      t->flags & XVS_TUN_F_KEY, ntohl(t->key), t->ttl,
			      t->flags & XVS_TUN_F_TOS_INHERIT ? -1 : t->tos,
			      tun_hook_name(t->flags));
}

/* An AF_XDP port, as `port add --type afxdp` sends it. */
static json_object *req_port_add(const char *bridge, const char *name,
				 const struct config_afxdp *a)
{
	json_object *r = req_new("port_add");

	req_str(r, "name", name);
	req_str(r, "bridge", bridge);
	req_str(r, "type", "afxdp");
	req_int(r, "queues", a->queues);
	if (!a->vm_socket[0])
		return r;
	req_str(r, "vm_socket", a->vm_socket);
	if (a->uid != (__u32)-1)
		req_int(r, "uid", a->uid);
	if (a->gid != (__u32)-1)
		req_int(r, "gid", a->gid);
	req_int(r, "mode", a->mode);
	req_str(r, "framing", a->dgram ? "dgram" : "stream");
	return r;
}

static json_object *req_port_del(const char *name)
{
	json_object *r = req_new("port_del");

	req_str(r, "name", name);
	return r;
}

static json_object *req_tunnel_del(const char *name)
{
	json_object *r = req_new("tunnel_del");

	req_str(r, "name", name);
	return r;
}

static json_object *req_bridge(const char *cmd, const char *name, __u32 ageing,
			       __u32 limit)
{
	json_object *r = req_new(cmd);

	req_str(r, "bridge", name);
	if (ageing)
		req_int(r, "ageing", ageing);
	if (limit)
		req_int(r, "mac_limit", limit);
	return r;
}

static json_object *req_fdb(const char *cmd, const __u8 mac[6], const char *key,
			    const char *name, __u16 vlan)
{
	json_object *r = req_new(cmd);
	char buf[MAC_STRLEN];

	req_str(r, "mac", mac_fmt(mac, buf));
	req_str(r, key, name);
	req_int(r, "vlan", vlan);
	return r;
}

/* --- steps ----------------------------------------------------------- */

/* Append a step doing `req` (taken over); text NULL: not shown in the
 * plan (a detail of the step before).  Returns the step, or NULL.
 */
static struct plan_step * __attribute__((format(printf, 3, 4)))
step_add(struct plan *p, json_object *req, const char *fmt, ...)
{
	struct plan_step *s;
	va_list ap;

	s = realloc(p->steps, (p->n + 1) * sizeof(*s));
	if (!s) {
		json_object_put(req);
		return NULL;
	}
	p->steps = s;
	s = &s[p->n++];
	memset(s, 0, sizeof(*s));
	s->req = req;
	s->undo = json_object_new_array();
	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&s->text, fmt, ap) < 0)
			s->text = NULL;
		va_end(ap);
	}
	return s;
}

static void undo_add(struct plan_step *s, json_object *req)
{
	if (s)
		json_object_array_add(s->undo, req);
	else
		json_object_put(req);
}

static bool vlan_equal(const struct xvs_port_vlan *a, const struct xvs_port_vlan *b)
{
	bool list = a->flags & XVS_VLAN_F_TRUNKS_LIST;

	return a->mode == b->mode && a->tag == b->tag && a->flags == b->flags &&
	       (!list || !memcmp(a->trunks, b->trunks, sizeof(a->trunks)));
}

static bool vlan_default(const struct xvs_port_vlan *v)
{
	static const struct xvs_port_vlan def;

	return vlan_equal(v, &def);
}

/* "access 10", "trunk all", "native-tagged 5 trunks 10,20"; free() it. */
static char *vlan_desc(const struct xvs_port_vlan *v)
{
	char *buf = trunks_str(v), *out = NULL;
	const char *list = buf ?: "all";

	if (v->mode == XVS_VLAN_ACCESS && asprintf(&out, "access %u", v->tag) < 0)
		out = NULL;
	else if (v->mode == XVS_VLAN_TRUNK && asprintf(&out, "trunk %s", list) < 0)
		out = NULL;
	else if (v->mode > XVS_VLAN_ACCESS &&
		 asprintf(&out, "%s %u trunks %s", vlan_mode_name(v->mode), v->tag,
			  list) < 0)
		out = NULL;
	free(buf);
	return out;
}

/* Does the running port have the hook, XDP mode and host role the file
 * asks for?  `auto` is whatever attach would have chosen.
 */
static bool port_hook_same(const struct config_port *c, const struct xvs_port *p)
{
	bool xdp = p->flags & XVS_PORT_F_XDP, want_xdp;

	if (!strcmp(c->hook, "auto"))
		want_xdp = !(p->flags & (XVS_PORT_F_VETH | XVS_PORT_F_TAP));
	else
		want_xdp = !strcmp(c->hook, "xdp");
	if (xdp != want_xdp)
		return false;
	if (xdp && strcmp(c->xdp_mode, "auto") &&
	    !strcmp(c->xdp_mode, "native") != !!(p->flags & XVS_PORT_F_XDP_NATIVE))
		return false;
	return c->host < 0 || c->host == !!(p->flags & XVS_PORT_F_HOST);
}

/* Does the running AF_XDP port have the file's settings?  Unknown ones
 * (no xsk_conf) cannot be told apart: they match.
 */
static bool afxdp_same(const struct config_afxdp *c, const struct xvs_xsk_conf *k)
{
	struct config_afxdp now;

	if (!k)
		return true;
	afxdp_from_conf(k, &now);
	return now.queues == c->queues && !strcmp(now.vm_socket, c->vm_socket) &&
	       (!c->vm_socket[0] || (now.uid == c->uid && now.gid == c->gid &&
				     now.mode == c->mode && now.dgram == c->dgram));
}

/* "queues 2, vm-socket /run/vm1.sock" */
static void afxdp_desc(const struct config_afxdp *a, char *buf, size_t len)
{
	snprintf(buf, len, "queues %u%s%s%s", a->queues, a->vm_socket[0] ? ", vm-socket " : "",
		 a->vm_socket, a->vm_socket[0] && a->dgram ? " (dgram)" : "");
}

enum port_fate { PORT_KEEP, PORT_DETACH, PORT_REATTACH };

struct planner {
	const struct xvs_config *cfg;
	const struct xvs_snapshot *s;
	struct plan *p;
};

static const struct config_port *cfg_port(const struct xvs_config *cfg,
					  const char *iface,
					  const struct config_bridge **b)
{
	int i, j;

	for (i = 0; i < cfg->nbridges; i++)
		for (j = 0; j < cfg->bridges[i].nports; j++)
			if (!strcmp(cfg->bridges[i].ports[j].iface, iface)) {
				*b = &cfg->bridges[i];
				return &cfg->bridges[i].ports[j];
			}
	return NULL;
}

static const struct config_bridge *cfg_bridge(const struct xvs_config *cfg,
					      const char *name)
{
	int i;

	for (i = 0; i < cfg->nbridges; i++)
		if (!strcmp(cfg->bridges[i].name, name))
			return &cfg->bridges[i];
	return NULL;
}

static const struct config_tunnel *cfg_tunnel(const struct xvs_config *cfg,
					      const char *name,
					      const struct config_bridge **b)
{
	int i, j;

	for (i = 0; i < cfg->nbridges; i++)
		for (j = 0; j < cfg->bridges[i].ntunnels; j++)
			if (!strcmp(cfg->bridges[i].tunnels[j].name, name)) {
				*b = &cfg->bridges[i];
				return &cfg->bridges[i].tunnels[j];
			}
	return NULL;
}

/* Is the running tunnel what tunnel_add would make of the file's? */
static bool tunnel_same(const struct config_tunnel *c, const struct xvs_tunnel *t)
{
	bool auto_local = t->flags & XVS_TUN_F_LOCAL_AUTO;

	return t->remote == c->remote &&
	       (c->local ? !auto_local && t->local == c->local : auto_local) &&
	       !!(t->flags & XVS_TUN_F_KEY) == !!c->has_key &&
	       (!c->has_key || ntohl(t->key) == c->key) && t->ttl == c->ttl &&
	       (c->tos < 0 ? !!(t->flags & XVS_TUN_F_TOS_INHERIT) :
		!(t->flags & XVS_TUN_F_TOS_INHERIT) && t->tos == c->tos);
}

static enum port_fate tunnel_fate(const struct planner *pl, const struct xvs_port *p)
{
	const struct xvs_tunnel *t = snap_tunnel(pl->s, p->ifindex);
	const struct config_bridge *b;
	const struct config_tunnel *c = cfg_tunnel(pl->cfg, p->name, &b);

	if (!c)
		return PORT_DETACH;
	if (!t || strcmp(b->name, snap_bridge(pl->s, p->bridge)) || !tunnel_same(c, t))
		return PORT_REATTACH;
	return PORT_KEEP;
}

static enum port_fate port_fate(const struct planner *pl, const struct xvs_port *p)
{
	const struct config_bridge *b;
	const struct config_port *c;

	if (p->flags & XVS_PORT_F_TUNNEL)
		return tunnel_fate(pl, p);
	c = cfg_port(pl->cfg, p->name, &b);

	if (!c)
		return PORT_DETACH;
	if (strcmp(b->name, snap_bridge(pl->s, p->bridge)))
		return PORT_REATTACH;
	/* An AF_XDP port is made as it is: no hook to compare. */
	if ((p->flags & XVS_PORT_F_AFXDP) || c->afxdp)
		return (p->flags & XVS_PORT_F_AFXDP) && c->afxdp &&
		       afxdp_same(&c->xsk, snap_afxdp(pl->s, p->ifindex)) ?
		       PORT_KEEP : PORT_REATTACH;
	if (!port_hook_same(c, p))
		return PORT_REATTACH;
	return PORT_KEEP;
}

/* The name an AF_XDP port was made with (its pins'), which port_del and
 * port_add take; the interface's, if its xsk_conf is unreadable.
 */
static const char *afxdp_name(const struct planner *pl, const struct xvs_port *p)
{
	const struct xvs_xsk_conf *k = snap_afxdp(pl->s, p->ifindex);

	return k ? k->name : p->name;
}

/* The requests that bring a running port back as it is now. */
static void undo_detach(const struct planner *pl, struct plan_step *st,
			const struct xvs_port *p)
{
	const struct xvs_tunnel *t = snap_tunnel(pl->s, p->ifindex);
	const char *name = p->name;
	const struct snapshot_fdb *f;
	struct config_afxdp a;
	int i;

	if (p->flags & XVS_PORT_F_TUNNEL) {
		if (t)
			undo_add(st, req_tunnel_add_snap(snap_bridge(pl->s, p->bridge),
							 p->name, t));
	} else if (p->flags & XVS_PORT_F_AFXDP) {
		name = afxdp_name(pl, p);
		afxdp_from_conf(snap_afxdp(pl->s, p->ifindex), &a);
		undo_add(st, req_port_add(snap_bridge(pl->s, p->bridge), name, &a));
	} else {
		undo_add(st, req_attach(snap_bridge(pl->s, p->bridge), p->name,
					p->flags & XVS_PORT_F_XDP ? "xdp" : "tc",
					p->flags & XVS_PORT_F_XDP_NATIVE ? "native" : "skb",
					!!(p->flags & XVS_PORT_F_HOST)));
	}
	if (!vlan_default(&p->vlan))
		undo_add(st, req_port_set(name, &p->vlan));
	for (i = 0; i < pl->s->nfdb; i++) {
		f = &pl->s->fdb[i];
		if (f->ifindex == p->ifindex)
			undo_add(st, req_fdb("fdb_add", f->key.mac, "dev", name,
					     f->key.vlan));
	}
}

/* 1: static entries the file no longer has (on ports that stay). */
static void plan_fdb_del(struct planner *pl)
{
	const struct config_bridge *b;
	const struct snapshot_fdb *f;
	const struct xvs_port *p;
	struct plan_step *st;
	char mac[MAC_STRLEN];
	int i, j;

	for (i = 0; i < pl->s->nfdb; i++) {
		f = &pl->s->fdb[i];
		p = snap_port_by_index(pl->s, f->ifindex);
		if (!p || port_fate(pl, p) != PORT_KEEP)
			continue;
		b = cfg_bridge(pl->cfg, snap_bridge(pl->s, f->key.bridge));
		for (j = 0; b && j < b->nfdb; j++)
			if (b->fdb[j].vlan == f->key.vlan &&
			    !memcmp(b->fdb[j].mac, f->key.mac, 6))
				break;
		if (b && j < b->nfdb)
			continue;
		st = step_add(pl->p, req_fdb("fdb_del", f->key.mac, "bridge",
					     snap_bridge(pl->s, f->key.bridge), f->key.vlan),
			      "- fdb %s vlan %u on %s (bridge %s)", mac_fmt(f->key.mac, mac),
			      f->key.vlan, p->name, snap_bridge(pl->s, f->key.bridge));
		undo_add(st, req_fdb("fdb_add", f->key.mac, "dev", p->name, f->key.vlan));
	}
}

/* 2: ports that go, or go and come back with other settings. */
static void plan_detach(struct planner *pl)
{
	const struct xvs_port *p;
	struct plan_step *st;
	enum port_fate fate;
	int i;

	for (i = 0; i < pl->s->nports; i++) {
		p = &pl->s->ports[i];
		fate = port_fate(pl, p);
		if (fate == PORT_KEEP)
			continue;
		if (p->flags & XVS_PORT_F_TUNNEL) {
			st = step_add(pl->p, req_tunnel_del(p->name), "- tunnel %s from %s%s",
				      p->name, snap_bridge(pl->s, p->bridge),
				      fate == PORT_REATTACH ? ", added again below" : "");
			undo_detach(pl, st, p);
			continue;
		}
		if (p->flags & XVS_PORT_F_AFXDP) {
			st = step_add(pl->p, req_port_del(afxdp_name(pl, p)),
				      "- afxdp port %s from %s%s", p->name,
				      snap_bridge(pl->s, p->bridge),
				      fate == PORT_REATTACH ? ", added again below" : "");
			undo_detach(pl, st, p);
			continue;
		}
		st = step_add(pl->p, req_detach(p->name), "- detach %s from %s (hook %s)%s",
			      p->name, snap_bridge(pl->s, p->bridge),
			      port_hook_name(p->flags),
			      fate == PORT_REATTACH ? ", attached again below" : "");
		undo_detach(pl, st, p);
	}
}

/* 3 and 4: bridges. */
static void plan_bridges(struct planner *pl)
{
	const struct config_bridge *c;
	const struct xvs_bridge *b;
	struct plan_step *st;
	int i;

	for (i = 1; i < XVS_MAX_BRIDGES; i++) {
		b = &pl->s->bridges[i];
		if (!b->name[0] || cfg_bridge(pl->cfg, b->name))
			continue;
		st = step_add(pl->p, req_bridge("bridge_del", b->name, 0, 0),
			      "- bridge %s", b->name);
		undo_add(st, req_bridge("bridge_set", b->name, b->ageing_s, b->mac_limit));
	}
	for (i = 0; i < pl->cfg->nbridges; i++) {
		c = &pl->cfg->bridges[i];
		b = snap_bridge_by_name(pl->s, c->name);
		if (!b) {
			st = step_add(pl->p, req_bridge("bridge_set", c->name, c->ageing,
							c->mac_limit), "+ bridge %s", c->name);
			undo_add(st, req_bridge("bridge_del", c->name, 0, 0));
			continue;
		}
		if ((!c->ageing || c->ageing == b->ageing_s) &&
		    (!c->mac_limit || c->mac_limit == b->mac_limit))
			continue;
		st = step_add(pl->p, req_bridge("bridge_set", c->name, c->ageing,
						c->mac_limit),
			      "~ bridge %s: ageing %u -> %u, mac-limit %u -> %u", c->name,
			      b->ageing_s, c->ageing ?: b->ageing_s, b->mac_limit,
			      c->mac_limit ?: b->mac_limit);
		undo_add(st, req_bridge("bridge_set", c->name, b->ageing_s, b->mac_limit));
	}
}

/* 5: a port that comes - attached, or made (AF_XDP) - and its VLANs. */
static void port_come(struct planner *pl, const struct config_bridge *b,
		      const struct config_port *c)
{
	static const struct xvs_port_vlan def;
	char xsk[XVS_XSK_PATH_LEN + 40];
	struct plan_step *st;
	char *to = vlan_desc(&c->vlan);

	if (c->afxdp) {
		afxdp_desc(&c->xsk, xsk, sizeof(xsk));
		st = step_add(pl->p, req_port_add(b->name, c->iface, &c->xsk),
			      "+ afxdp port %s on %s (%s, vlan %s)", c->iface, b->name,
			      xsk, to ?: "?");
		undo_add(st, req_port_del(c->iface));
	} else {
		st = step_add(pl->p, req_attach(b->name, c->iface, c->hook, c->xdp_mode,
						c->host),
			      "+ attach %s to %s (hook %s%s%s%s, vlan %s)", c->iface,
			      b->name, c->hook, strcmp(c->xdp_mode, "auto") ? " " : "",
			      strcmp(c->xdp_mode, "auto") ? c->xdp_mode : "",
			      c->host < 0 ? "" : c->host ? ", host" : ", not host",
			      to ?: "?");
		undo_add(st, req_detach(c->iface));
	}
	free(to);
	if (vlan_default(&c->vlan))
		return;
	st = step_add(pl->p, req_port_set(c->iface, &c->vlan), NULL);
	undo_add(st, req_port_set(c->iface, &def));
}

/* 5 and 6: ports that come, and VLANs. */
static void plan_port(struct planner *pl, const struct config_bridge *b,
		      const struct config_port *c)
{
	const struct xvs_port *p = snap_port(pl->s, c->iface);
	struct plan_step *st;
	char *from, *to;

	if (!p || port_fate(pl, p) != PORT_KEEP) {
		port_come(pl, b, c);
		return;
	}
	if (vlan_equal(&p->vlan, &c->vlan))
		return;
	from = vlan_desc(&p->vlan);
	to = vlan_desc(&c->vlan);
	st = step_add(pl->p, req_port_set(c->iface, &c->vlan),
		      "~ port %s: vlan %s -> %s", c->iface, from ?: "?", to ?: "?");
	free(from);
	free(to);
	undo_add(st, req_port_set(c->iface, &p->vlan));
}

/* 5 and 6 for a tunnel: it comes, or its VLANs change. */
static void plan_tunnel(struct planner *pl, const struct config_bridge *b,
			const struct config_tunnel *c)
{
	const struct xvs_port *p = snap_port(pl->s, c->name);
	static const struct xvs_port_vlan def;
	char ra[IPV4_STRLEN], la[IPV4_STRLEN], key[24] = "";
	struct plan_step *st;
	char *from, *to;

	if (!p || !(p->flags & XVS_PORT_F_TUNNEL) || port_fate(pl, p) != PORT_KEEP) {
		to = vlan_desc(&c->vlan);
		if (c->has_key)
			snprintf(key, sizeof(key), ", key %u", c->key);
		st = step_add(pl->p, req_tunnel_add(b->name, c->name, c->remote, c->local,
						    c->has_key, c->key, c->ttl, c->tos,
						    NULL),
			      "+ tunnel %s on %s (remote %s%s%s%s, vlan %s)", c->name,
			      b->name, ipv4_fmt(c->remote, ra), c->local ? ", local " : "",
			      c->local ? ipv4_fmt(c->local, la) : "", key, to ?: "?");
		free(to);
		undo_add(st, req_tunnel_del(c->name));
		if (vlan_default(&c->vlan))
			return;
		st = step_add(pl->p, req_port_set(c->name, &c->vlan), NULL);
		undo_add(st, req_port_set(c->name, &def));
		return;
	}
	if (vlan_equal(&p->vlan, &c->vlan))
		return;
	from = vlan_desc(&p->vlan);
	to = vlan_desc(&c->vlan);
	st = step_add(pl->p, req_port_set(c->name, &c->vlan),
		      "~ port %s: vlan %s -> %s", c->name, from ?: "?", to ?: "?");
	free(from);
	free(to);
	undo_add(st, req_port_set(c->name, &p->vlan));
}

/* 7: static entries that come, or move to another port. */
static void plan_fdb_add(struct planner *pl, const struct config_bridge *b,
			 const struct config_fdb *f)
{
	const struct xvs_port *p, *now = NULL;
	const struct snapshot_fdb *e;
	struct plan_step *st;
	char mac[MAC_STRLEN];
	int i;

	mac_fmt(f->mac, mac);
	for (i = 0; i < pl->s->nfdb; i++) {
		e = &pl->s->fdb[i];
		p = snap_port_by_index(pl->s, e->ifindex);
		if (p && port_fate(pl, p) == PORT_KEEP && e->key.vlan == f->vlan &&
		    !memcmp(e->key.mac, f->mac, 6) &&
		    !strcmp(snap_bridge(pl->s, e->key.bridge), b->name))
			now = p;
	}
	if (now && !strncmp(now->name, f->port, XVS_NAME_LEN))
		return;
	st = step_add(pl->p, req_fdb("fdb_add", f->mac, "dev", f->port, f->vlan),
		      now ? "~ fdb %s vlan %u on %s (was on %s)" : "+ fdb %s vlan %u on %s%s",
		      mac, f->vlan, f->port, now ? now->name : "");
	if (now)
		undo_add(st, req_fdb("fdb_add", f->mac, "dev", now->name, f->vlan));
	else
		undo_add(st, req_fdb("fdb_del", f->mac, "bridge", b->name, f->vlan));
}

int plan_build(const struct xvs_config *cfg, const struct xvs_snapshot *s,
	       struct plan *p)
{
	struct planner pl = { cfg, s, p };
	int i, j;

	memset(p, 0, sizeof(*p));
	plan_fdb_del(&pl);
	plan_detach(&pl);
	plan_bridges(&pl);
	for (i = 0; i < cfg->nbridges; i++) {
		for (j = 0; j < cfg->bridges[i].nports; j++)
			plan_port(&pl, &cfg->bridges[i], &cfg->bridges[i].ports[j]);
		for (j = 0; j < cfg->bridges[i].ntunnels; j++)
			plan_tunnel(&pl, &cfg->bridges[i], &cfg->bridges[i].tunnels[j]);
	}
	for (i = 0; i < cfg->nbridges; i++)
		for (j = 0; j < cfg->bridges[i].nfdb; j++)
			plan_fdb_add(&pl, &cfg->bridges[i], &cfg->bridges[i].fdb[j]);
	return 0;
}

json_object *plan_batch(const struct plan *p)
{
	json_object *r = req_new("batch"), *steps = json_object_new_array(), *o;
	int i;

	for (i = 0; i < p->n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "do", json_object_get(p->steps[i].req));
		json_object_object_add(o, "undo", json_object_get(p->steps[i].undo));
		json_object_array_add(steps, o);
	}
	json_object_object_add(r, "steps", steps);
	return r;
}

void plan_free(struct plan *p)
{
	int i;

	for (i = 0; i < p->n; i++) {
		free(p->steps[i].text);
		json_object_put(p->steps[i].req);
		json_object_put(p->steps[i].undo);
	}
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

/* --- export ---------------------------------------------------------- */

/* A name as a YAML scalar: plain where it cannot be read as anything
 * else, double-quoted otherwise.
 */
static void put_name(FILE *f, const char *s)
{
	static const char *const words[] = { "true", "false", "null", "yes", "no",
					      "on", "off", "y", "n", "~" };
	bool plain = *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789_.-") == strlen(s) &&
		     strspn(s, "0123456789.-") != strlen(s) && s[0] != '-';
	size_t i;

	for (i = 0; plain && i < ARRAY_SIZE(words); i++)
		if (!strcasecmp(s, words[i]))
			plain = false;
	if (plain) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void export_vlan(FILE *f, const struct xvs_port_vlan *v)
{
	char *trunks = trunks_str(v);

	fprintf(f, "        vlan-mode: %s\n", vlan_mode_name(v->mode));
	if (v->mode != XVS_VLAN_TRUNK)
		fprintf(f, "        tag: %u\n", v->tag);
	if (trunks)
		fprintf(f, "        trunks: \"%s\"\n", trunks);
	free(trunks);
}

static void export_tunnel(FILE *f, const struct xvs_port *p, const struct xvs_tunnel *t)
{
	char a[IPV4_STRLEN];

	fputs("      ", f);
	put_name(f, p->name);
	fprintf(f, ":\n        remote: %s\n", ipv4_fmt(t->remote, a));
	if (!(t->flags & XVS_TUN_F_LOCAL_AUTO))
		fprintf(f, "        local: %s\n", ipv4_fmt(t->local, a));
	if (t->flags & XVS_TUN_F_KEY)
		fprintf(f, "        key: %u\n", ntohl(t->key));
	fprintf(f, "        ttl: %u\n", t->ttl);
	if (t->flags & XVS_TUN_F_TOS_INHERIT)
		fputs("        tos: inherit\n", f);
	else
		fprintf(f, "        tos: %u\n", t->tos);
	export_vlan(f, &p->vlan);
}

/* An AF_XDP port: its settings as port_add took them, then its VLANs. */
static void export_afxdp(FILE *f, const struct xvs_snapshot *s, const struct xvs_port *p)
{
	struct config_afxdp a;

	afxdp_from_conf(snap_afxdp(s, p->ifindex), &a);
	fprintf(f, "        type: afxdp\n        queues: %u\n", a.queues);
	if (a.vm_socket[0]) {
		fputs("        vm-socket: ", f);
		put_name(f, a.vm_socket);
		fputc('\n', f);
		if (a.uid != (__u32)-1 && a.gid != (__u32)-1)
			fprintf(f, "        socket-owner: \"%u:%u\"\n", a.uid, a.gid);
		else if (a.uid != (__u32)-1)
			fprintf(f, "        socket-owner: \"%u\"\n", a.uid);
		fprintf(f, "        socket-mode: \"%04o\"\n        framing: %s\n", a.mode,
			a.dgram ? "dgram" : "stream");
	}
	export_vlan(f, &p->vlan);
}

static void export_port(FILE *f, const struct xvs_snapshot *s, const struct xvs_port *p)
{
	fputs("      ", f);
	put_name(f, p->name);
	fputs(":\n", f);
	if (p->flags & XVS_PORT_F_AFXDP) {
		export_afxdp(f, s, p);
		return;
	}
	export_vlan(f, &p->vlan);
	if (p->flags & XVS_PORT_F_XDP)
		fprintf(f, "        hook: xdp\n        xdp-mode: %s\n",
			p->flags & XVS_PORT_F_XDP_NATIVE ? "native" : "skb");
	else
		fputs("        hook: tc\n", f);
	fprintf(f, "        host: %s\n", p->flags & XVS_PORT_F_HOST ? "true" : "false");
}

static int fdb_cmp(const void *a, const void *b)
{
	const struct xvs_fdb_key *x = a, *y = b;

	if (x->vlan != y->vlan)
		return x->vlan < y->vlan ? -1 : 1;
	return memcmp(x->mac, y->mac, 6);
}

static void export_bridge(FILE *f, const struct xvs_snapshot *s, __u32 id)
{
	const struct xvs_bridge *b = &s->bridges[id];
	struct snapshot_fdb *fdb = malloc((s->nfdb + 1) * sizeof(*fdb));
	const struct xvs_port *p;
	char mac[MAC_STRLEN];
	const struct xvs_tunnel *t;
	int i, n = 0, ports = 0, tunnels = 0;

	fputs("  ", f);
	put_name(f, b->name);
	fprintf(f, ":\n    ageing: %u\n    mac-limit: %u\n", b->ageing_s, b->mac_limit);
	for (i = 0; i < s->nports; i++) {
		if (s->ports[i].bridge != id || (s->ports[i].flags & XVS_PORT_F_TUNNEL))
			continue;
		if (!ports++)
			fputs("    ports:\n", f);
		export_port(f, s, &s->ports[i]);
	}
	for (i = 0; i < s->nports; i++) {
		t = snap_tunnel(s, s->ports[i].ifindex);
		if (s->ports[i].bridge != id || !(s->ports[i].flags & XVS_PORT_F_TUNNEL) || !t)
			continue;
		if (!tunnels++)
			fputs("    tunnels:\n", f);
		export_tunnel(f, &s->ports[i], t);
	}
	for (i = 0; fdb && i < s->nfdb; i++)
		if (s->fdb[i].key.bridge == id && snap_port_by_index(s, s->fdb[i].ifindex))
			fdb[n++] = s->fdb[i];
	if (n) {
		qsort(fdb, n, sizeof(*fdb), fdb_cmp);
		fputs("    fdb:\n", f);
	}
	for (i = 0; i < n; i++) {
		p = snap_port_by_index(s, fdb[i].ifindex);
		fprintf(f, "      - {mac: \"%s\", port: ", mac_fmt(fdb[i].key.mac, mac));
		put_name(f, p->name);
		fprintf(f, ", vlan: %u}\n", fdb[i].key.vlan);
	}
	free(fdb);
}

int config_export(const struct xvs_snapshot *s, FILE *f)
{
	int i, n = 0;

	fputs("# xvs switch configuration (xvsctl export); xvsctl apply -f FILE\n", f);
	for (i = 1; i < XVS_MAX_BRIDGES; i++) {
		if (!s->bridges[i].name[0])
			continue;
		if (!n++)
			fputs("bridges:\n", f);
		export_bridge(f, s, i);
	}
	if (!n)
		fputs("bridges: {}\n", f);
	return fflush(f) ? -errno : 0;
}
