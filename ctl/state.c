// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/state.c - reading the switch from its pinned maps; see state.h.
 *
 * Each map's key and value sizes are checked against the structs in maps/
 * when it is opened, so an xvsctl built from other headers than the
 * running datapath says so instead of printing garbage.
 */
#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "state.h"
#include "print.h"
#include "loader/names.h"
#include "loader/util.h"

_Static_assert(sizeof(struct xvs_port) == 560, "xvs_port ABI");
_Static_assert(sizeof(struct xvs_bridge) == 48, "xvs_bridge ABI");
_Static_assert(sizeof(struct xvs_fdb_key) == 12, "xvs_fdb_key ABI");
_Static_assert(sizeof(struct xvs_fdb_entry) == 16, "xvs_fdb_entry ABI");
_Static_assert(sizeof(struct xvs_port_stats) == 6 * sizeof(__u64),
	       "xvs_port_stats is only __u64 counters");
_Static_assert(sizeof(struct xvs_tunnel) == 44, "xvs_tunnel ABI");
_Static_assert(sizeof(struct xvs_flow_key) == 68, "xvs_flow_key ABI");
_Static_assert(sizeof(struct xvs_flow_rule) == 232, "xvs_flow_rule ABI");
_Static_assert(sizeof(struct xvs_flow_stats) == 24, "xvs_flow_stats ABI");
_Static_assert(sizeof(struct xvs_cls) == 16 + XVS_FLOW_MAX_MASKS * 76, "xvs_cls ABI");

#define PSTATS_FIELDS	(sizeof(struct xvs_port_stats) / sizeof(__u64))

struct map_desc {
	const char *name;
	size_t fd_off;		/* offsetof the fd in struct ctl_state */
	__u32 key_size;
	__u32 value_size;
	bool optional;		/* pins of an older xvs may lack it */
};

static const struct map_desc maps[] = {
	{ "xvs_ports", offsetof(struct ctl_state, ports_fd),
	  sizeof(__u32), sizeof(struct xvs_port), false },
	{ "xvs_bridges", offsetof(struct ctl_state, bridges_fd),
	  sizeof(__u32), sizeof(struct xvs_bridge), false },
	{ "xvs_fdb", offsetof(struct ctl_state, fdb_fd),
	  sizeof(struct xvs_fdb_key), sizeof(struct xvs_fdb_entry), false },
	{ "xvs_pstats", offsetof(struct ctl_state, pstats_fd),
	  sizeof(__u32), sizeof(struct xvs_port_stats), false },
	{ "xvs_drops", offsetof(struct ctl_state, drops_fd),
	  sizeof(__u32), sizeof(__u64), false },
	{ "xvs_events", offsetof(struct ctl_state, events_fd),
	  sizeof(__u32), sizeof(__u64), false },
	{ "xvs_tunnels", offsetof(struct ctl_state, tunnels_fd),
	  sizeof(__u32), sizeof(struct xvs_tunnel), true },
	{ "xvs_rules", offsetof(struct ctl_state, rules_fd),
	  sizeof(__u32), sizeof(struct xvs_flow_rule), true },
	{ "xvs_flow_stats", offsetof(struct ctl_state, flow_stats_fd),
	  sizeof(__u32), sizeof(struct xvs_flow_stats), true },
	{ "xvs_cls", offsetof(struct ctl_state, cls_fd),
	  sizeof(__u32), sizeof(struct xvs_cls), true },
};

static int *map_fd(struct ctl_state *st, const struct map_desc *m)
{
	return (int *)((char *)st + m->fd_off);
}

static const char *open_hint(int err)
{
	switch (err) {
	case -ENOENT:
		return "the pins are incomplete; 'xvsctl stop --cleanup' removes them";
	case -EPERM:
	case -EACCES:
		return "xvsctl needs root";
	default:
		return "is bpffs mounted?";
	}
}

static int map_open(struct ctl *c, struct ctl_state *st,
		    const struct map_desc *m)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd;

	fd = inst_map_fd(&c->inst, m->name);
	if (fd == -ENOENT && m->optional)
		return 0;
	if (fd < 0) {
		ctl_err("Couldn't open map '%s' of instance '%s': %s (%s)",
			m->name, c->inst.name, strerror(-fd), open_hint(fd));
		return CTL_FAILED;
	}
	*map_fd(st, m) = fd;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		ctl_err("Couldn't read map '%s': %s", m->name, strerror(errno));
		return CTL_FAILED;
	}
	if (info.key_size != m->key_size || info.value_size != m->value_size) {
		ctl_err("map '%s' has key/value size %u/%u, xvsctl expects %u/%u (xvsctl and xvsd from different builds?)",
			m->name, info.key_size, info.value_size,
			m->key_size, m->value_size);
		return CTL_FAILED;
	}
	return 0;
}

static int port_cmp(const void *a, const void *b)
{
	const struct xvs_port *x = a, *y = b;

	return (int)x->port_no - (int)y->port_no;
}

static void read_ports(struct ctl_state *st)
{
	__u32 key, next, *prev = NULL;

	while (st->nports < XVS_MAX_PORTS &&
	       !bpf_map_get_next_key(st->ports_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(st->ports_fd, &key,
					 &st->ports[st->nports]))
			st->nports++;
	}
	qsort(st->ports, st->nports, sizeof(st->ports[0]), port_cmp);
}

static void read_tunnels(struct ctl_state *st)
{
	__u32 key, next, *prev = NULL;
	struct xvs_tunnel t;
	int i;

	while (st->tunnels_fd >= 0 && st->ntunnels < XVS_MAX_TUNNELS &&
	       !bpf_map_get_next_key(st->tunnels_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(st->tunnels_fd, &key, &t))
			continue;
		for (i = st->ntunnels; i > 0 && st->tunnels[i - 1].vport > t.vport; i--)
			st->tunnels[i] = st->tunnels[i - 1];
		st->tunnels[i] = t;
		st->ntunnels++;
	}
}

static void read_bridges(struct ctl_state *st)
{
	__u32 id;

	for (id = 0; id < XVS_MAX_BRIDGES; id++)
		if (bpf_map_lookup_elem(st->bridges_fd, &id, &st->bridges[id]))
			memset(&st->bridges[id], 0, sizeof(st->bridges[id]));
}

int state_open(struct ctl *c, struct ctl_state *st)
{
	struct stat sb;
	size_t i;
	int err;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < ARRAY_SIZE(maps); i++)
		*map_fd(st, &maps[i]) = -1;
	if (stat(c->inst.pin_dir, &sb)) {
		if (errno == ENOENT) {
			ctl_err("instance '%s' has no switch (nothing attached)",
				c->inst.name);
			return CTL_USAGE;
		}
		ctl_err("Couldn't read '%s': %s", c->inst.pin_dir,
			strerror(errno));
		return CTL_FAILED;
	}
	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		err = map_open(c, st, &maps[i]);
		if (err) {
			state_close(st);
			return err;
		}
	}
	read_ports(st);
	read_bridges(st);
	read_tunnels(st);
	return 0;
}

void state_close(struct ctl_state *st)
{
	size_t i;
	int *fd;

	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		fd = map_fd(st, &maps[i]);
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

const struct xvs_port *state_port(const struct ctl_state *st, __u32 ifindex)
{
	int i;

	for (i = 0; i < st->nports; i++)
		if (st->ports[i].ifindex == ifindex)
			return &st->ports[i];
	return NULL;
}

const struct xvs_tunnel *state_tunnel(const struct ctl_state *st, __u32 vport)
{
	int i;

	for (i = 0; i < st->ntunnels; i++)
		if (st->tunnels[i].vport == vport)
			return &st->tunnels[i];
	return NULL;
}

const char *state_dev_name(const struct ctl_state *st, __u32 ifindex,
			   char *buf, size_t len)
{
	const struct xvs_port *p;
	char name[IF_NAMESIZE];

	if (ifindex < XVS_VPORT_BASE && if_indextoname(ifindex, name))
		snprintf(buf, len, "%s", name);
	else if ((p = state_port(st, ifindex)) && p->name[0])
		snprintf(buf, len, "%.*s", XVS_NAME_LEN, p->name);
	else
		snprintf(buf, len, "if%u", ifindex);
	return buf;
}

const char *state_bridge_name(const struct ctl_state *st, __u32 id,
			      char *buf, size_t len)
{
	if (id < XVS_MAX_BRIDGES && st->bridges[id].name[0])
		snprintf(buf, len, "%.*s", XVS_NAME_LEN, st->bridges[id].name);
	else
		snprintf(buf, len, "#%u", id);
	return buf;
}

const struct xvs_port *state_port_named(const struct ctl_state *st,
					const char *dev)
{
	const struct xvs_port *p = state_port(st, if_nametoindex(dev));
	int i;

	/* Not an interface here (any more): its name when attached. */
	for (i = 0; !p && i < st->nports; i++)
		if (!strncmp(st->ports[i].name, dev, XVS_NAME_LEN))
			p = &st->ports[i];
	return p;
}

int state_find_port(const struct ctl_state *st, const char *dev,
		    __u32 *ifindex)
{
	const struct xvs_port *p = state_port_named(st, dev);

	if (p) {
		*ifindex = p->ifindex;
		return 0;
	}
	if (if_nametoindex(dev))
		ctl_err("'%s' is not a port of this switch", dev);
	else
		ctl_err("Cannot find device '%s'", dev);
	return CTL_USAGE;
}

int state_find_bridge(const struct ctl_state *st, const char *name, __u32 *id)
{
	__u32 i;

	for (i = 0; i < XVS_MAX_BRIDGES; i++) {
		if (st->bridges[i].name[0] &&
		    !strncmp(st->bridges[i].name, name, XVS_NAME_LEN)) {
			*id = i;
			return 0;
		}
	}
	ctl_err("bridge '%s' does not exist", name);
	return CTL_USAGE;
}

static int fdb_cmp(const void *a, const void *b)
{
	const struct xvs_fdb_key *x = a, *y = b;

	if (x->bridge != y->bridge)
		return x->bridge < y->bridge ? -1 : 1;
	if (x->vlan != y->vlan)
		return x->vlan < y->vlan ? -1 : 1;
	return memcmp(x->mac, y->mac, sizeof(x->mac));
}

/* Sort, and drop the duplicates a walk can return when an entry is
 * deleted under it (the kernel then restarts from the first key).
 */
static int fdb_sort_uniq(struct fdb_item *items, int n)
{
	int i, out = 0;

	qsort(items, n, sizeof(*items), fdb_cmp);
	for (i = 0; i < n; i++)
		if (!out || fdb_cmp(&items[out - 1], &items[i]))
			items[out++] = items[i];
	return out;
}

int state_fdb(const struct ctl_state *st, struct fdb_item **items, int *n)
{
	struct xvs_fdb_key key, next, *prev = NULL;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), walked = 0;
	struct fdb_item *v = NULL, *tmp;
	int cap = 0, cnt = 0;

	if (bpf_obj_get_info_by_fd(st->fdb_fd, &info, &len))
		info.max_entries = XVS_FDB_MAX_SIZE;
	while (walked++ < 2 * info.max_entries &&
	       !bpf_map_get_next_key(st->fdb_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 1024;
			tmp = realloc(v, cap * sizeof(*v));
			if (!tmp) {
				free(v);
				ctl_err("Couldn't read the MAC table: %s",
					strerror(ENOMEM));
				return CTL_FAILED;
			}
			v = tmp;
		}
		v[cnt].key = key;
		if (!bpf_map_lookup_elem(st->fdb_fd, &key, &v[cnt].e))
			cnt++;
	}
	*n = fdb_sort_uniq(v, cnt);
	*items = v;
	return 0;
}

static int flow_cmp(const void *a, const void *b)
{
	const struct xvs_flow_rule *x = &((const struct flow_item *)a)->r;
	const struct xvs_flow_rule *y = &((const struct flow_item *)b)->r;

	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int state_flows(const struct ctl_state *st, __u32 bridge, struct flow_item **items,
		int *n)
{
	struct flow_item *v;
	__u32 s;
	int cnt = 0;

	*items = NULL;
	*n = 0;
	if (st->rules_fd < 0)
		return 0;
	v = calloc(XVS_FLOW_MAX_RULES, sizeof(*v));
	if (!v) {
		ctl_err("Couldn't read the flow rules: %s", strerror(ENOMEM));
		return CTL_FAILED;
	}
	for (s = 0; s < XVS_FLOW_MAX_RULES; s++) {
		if (bpf_map_lookup_elem(st->rules_fd, &s, &v[cnt].r) ||
		    !(v[cnt].r.flags & XVS_FLOW_F_USED) || v[cnt].r.match.bridge != bridge)
			continue;
		v[cnt++].slot = s;
	}
	qsort(v, cnt, sizeof(*v), flow_cmp);
	*items = v;
	*n = cnt;
	return 0;
}

void state_flow_stats(const struct ctl_state *st, __u32 slot, struct xvs_flow_stats *s)
{
	struct xvs_flow_stats *cpu;
	int i, n = ncpus();

	memset(s, 0, sizeof(*s));
	cpu = calloc(n, sizeof(*cpu));
	if (!cpu || st->flow_stats_fd < 0 ||
	    bpf_map_lookup_elem(st->flow_stats_fd, &slot, cpu)) {
		free(cpu);
		return;
	}
	for (i = 0; i < n; i++) {
		s->packets += cpu[i].packets;
		s->bytes += cpu[i].bytes;
		if (cpu[i].used_ns > s->used_ns)
			s->used_ns = cpu[i].used_ns;
	}
	free(cpu);
}

void state_cls(const struct ctl_state *st, __u32 bridge, struct xvs_cls *c)
{
	if (st->cls_fd < 0 || bpf_map_lookup_elem(st->cls_fd, &bridge, c))
		memset(c, 0, sizeof(*c));
}

int state_flow_port_name(void *st, __u32 id, char *buf, size_t len)
{
	if (!state_port(st, id))
		return -ENOENT;
	state_dev_name(st, id, buf, len);
	return 0;
}

void state_port_stats(const struct ctl_state *st, __u16 port_no,
		      struct xvs_port_stats *s)
{
	if (percpu_sum(st->pstats_fd, port_no, (__u64 *)s, PSTATS_FIELDS))
		memset(s, 0, sizeof(*s));
}

void print_port_stats(const struct xvs_port_stats *s)
{
	print_uint(PRINT_ANY, "rx_packets", "rx %llu pkts ", s->rx_packets);
	print_uint(PRINT_ANY, "rx_bytes", "%llu bytes, ", s->rx_bytes);
	print_uint(PRINT_ANY, "tx_packets", "tx %llu pkts ", s->tx_packets);
	print_uint(PRINT_ANY, "tx_bytes", "%llu bytes, ", s->tx_bytes);
	print_uint(PRINT_ANY, "rx_dropped", "dropped rx %llu ", s->rx_dropped);
	print_uint(PRINT_ANY, "tx_dropped", "tx %llu", s->tx_dropped);
}

void print_port_vlan(const struct xvs_port_vlan *v, bool brief)
{
	bool list = v->flags & XVS_VLAN_F_TRUNKS_LIST;
	char buf[VLAN_LIST_STRLEN];
	const char *fmt;

	print_string(PRINT_ANY, "vlan_mode", brief ? "vlan %s" : "vlan-mode %s",
		     vlan_mode_name(v->mode));
	if (v->mode == XVS_VLAN_TRUNK)
		print_null(PRINT_JSON, "tag", NULL);
	else
		print_uint(PRINT_ANY, "tag", brief ? " %llu" : " tag %llu", v->tag);
	if (v->mode == XVS_VLAN_ACCESS) {
		print_null(PRINT_JSON, "trunks", NULL);
		return;
	}
	/* A trunk's list follows its mode; a native VLAN's needs a word. */
	if (brief)
		fmt = v->mode == XVS_VLAN_TRUNK ? " %s" : " trunks %s";
	else
		fmt = list ? " trunks %s" : " (all VLANs)";
	print_string(PRINT_ANY, "trunks", fmt,
		     list ? vlan_list_fmt(v->trunks, buf, sizeof(buf)) : "all");
}

/* "type gre, remote 192.0.2.2, key 100, resolved, " */
static void print_tunnel_brief(const struct ctl_state *st, const struct xvs_port *p)
{
	const struct xvs_tunnel *t = state_tunnel(st, p->ifindex);
	char a[INET_ADDRSTRLEN] = "?";

	print_string(PRINT_ANY, "type", "type %s, ", "gre");
	if (!t) {
		print_null(PRINT_ANY, "remote", "no tunnel entry, ");
		return;
	}
	inet_ntop(AF_INET, &t->remote, a, sizeof(a));
	print_string(PRINT_ANY, "remote", "remote %s, ", a);
	if (t->flags & XVS_TUN_F_KEY)
		print_uint(PRINT_ANY, "key", "key %llu, ", ntohl(t->key));
	else
		print_null(PRINT_JSON, "key", NULL);
	print_string(PRINT_ANY, "state", "%s, ", t->flags & XVS_TUN_F_RESOLVED ?
		     "resolved" : "unresolved");
}

void print_port_config(const struct ctl_state *st, const struct xvs_port *p)
{
	char buf[64], *name, *save = NULL;

	if (p->flags & XVS_PORT_F_TUNNEL)
		print_tunnel_brief(st, p);
	else
		print_string(PRINT_ANY, "hook", "hook %s, ", port_hook_name(p->flags));
	print_port_vlan(&p->vlan, true);
	port_flags_str(p->flags & ~(XVS_PORT_F_XDP | XVS_PORT_F_XDP_NATIVE |
				    XVS_PORT_F_TUNNEL), buf, sizeof(buf));
	open_json_array("flags");
	for (name = strtok_r(buf, ",", &save); name;
	     name = strtok_r(NULL, ",", &save))
		print_string(PRINT_ANY, NULL, ", %s", name);
	close_json_array();
}

void print_port_head(const struct ctl_state *st, const struct xvs_port *p,
		     const char *indent, const char *after)
{
	char name[XVS_NAME_LEN + 16], fmt[48];

	snprintf(fmt, sizeof(fmt), "%sport %%llu ", indent);
	print_uint(PRINT_ANY, "port_no", fmt, p->port_no);
	print_string(PRINT_ANY, "name", "%s ",
		     state_dev_name(st, p->ifindex, name, sizeof(name)));
	if (p->flags & XVS_PORT_F_TUNNEL) {
		print_uint(PRINT_JSON, "ifindex", NULL, p->ifindex);
		print_fp("(gre)%s", after);
		return;
	}
	snprintf(fmt, sizeof(fmt), "(ifindex %%llu)%s", after);
	print_uint(PRINT_ANY, "ifindex", fmt, p->ifindex);
}
