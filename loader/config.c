// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/config.c - the configuration file: YAML to struct xvs_config,
 * validated whole (config.h; the schema is in README, "Configuration
 * files").
 *
 * Two passes over the text.  The first reads libyaml's events only, to
 * refuse what the second must not see: more than one document, or
 * nesting deeper than CONFIG_MAX_DEPTH (libyaml's loader recurses once
 * per level).  The second loads the document (yaml_parser_load) and walks
 * it along the schema, so the walk is as deep as the schema and no
 * deeper, whatever aliases point at.  Every check that fails adds a line
 * and the walk goes on, so one run reports every error.
 */
#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config.h"
#include "names.h"
#include "util.h"

struct pctx {
	yaml_document_t doc;
	const char *name;		/* the file, for messages */
	struct xvs_config *cfg;
	const struct config_opts *opts;
	int nports;			/* over all bridges, tunnels too */
	int ntunnels;			/* over all bridges */
};

/* --- errors ---------------------------------------------------------- */

static void add_error(struct xvs_config *cfg, const char *name, int line,
		      int col, const char *msg)
{
	char **e;

	if (cfg->nerrors > CONFIG_MAX_ERRORS)
		return;
	e = realloc(cfg->errors, (cfg->nerrors + 1) * sizeof(*e));
	if (!e)
		return;
	cfg->errors = e;
	if (cfg->nerrors == CONFIG_MAX_ERRORS) {
		if (asprintf(&e[cfg->nerrors], "%s: too many errors, stopped", name) > 0)
			cfg->nerrors++;
		return;
	}
	if (asprintf(&e[cfg->nerrors], "%s:%d:%d: %s", name, line, col, msg) > 0)
		cfg->nerrors++;
}

static void __attribute__((format(printf, 3, 4)))
err_at(struct pctx *x, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add_error(x->cfg, x->name, n ? (int)n->start_mark.line + 1 : 1,
		  n ? (int)n->start_mark.column + 1 : 1, msg);
}

/* --- scalars --------------------------------------------------------- */

static yaml_node_t *node(struct pctx *x, int idx)
{
	return yaml_document_get_node(&x->doc, idx);
}

static bool is_null(const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;

	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*v || !strcmp(v, "~") || !strcmp(v, "null"));
}

/* A scalar's text, or NULL when it is not a scalar or holds a NUL. */
static const char *scalar(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE)
		return NULL;
	v = (const char *)n->data.scalar.value;
	return strlen(v) == n->data.scalar.length ? v : NULL;
}

/* A plain scalar (a number or a bool in YAML), or NULL. */
static const char *plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? scalar(n) : NULL;
}

static int get_u32(struct pctx *x, const yaml_node_t *n, const char *key,
		   __u32 min, __u32 max, __u32 *out)
{
	const char *v = plain(n);

	if (v && !parse_u32(v, min, max, out))
		return 0;
	err_at(x, n, "'%s' must be an integer from %u to %u", key, min, max);
	return -EINVAL;
}

static int get_bool(struct pctx *x, const yaml_node_t *n, const char *key,
		    int *out)
{
	const char *v = plain(n);

	if (v && (!strcmp(v, "true") || !strcmp(v, "false"))) {
		*out = v[0] == 't';
		return 0;
	}
	err_at(x, n, "'%s' must be true or false", key);
	return -EINVAL;
}

/* One of three words, kept as the static string from `words`. */
static int get_word(struct pctx *x, const yaml_node_t *n, const char *key,
		    const char *const words[3], const char **out)
{
	const char *v = scalar(n);
	int i;

	for (i = 0; v && i < 3; i++)
		if (!strcmp(v, words[i])) {
			*out = words[i];
			return 0;
		}
	err_at(x, n, "'%s' must be %s, %s or %s", key, words[0], words[1], words[2]);
	return -EINVAL;
}

/* A kernel-style name: 1..max-1 bytes, no '/', ':' or blanks. */
static int get_name(struct pctx *x, const yaml_node_t *n, const char *what,
		    char *buf, size_t max)
{
	const char *v = scalar(n);

	if (v && *v && strlen(v) < max && !strpbrk(v, "/: \t\n\r")) {
		snprintf(buf, max, "%s", v);
		return 0;
	}
	err_at(x, n, "invalid %s name '%.40s' (1 to %zu characters, no '/', ':' or blanks)",
	       what, v ? v : "", max - 1);
	return -EINVAL;
}

/* --- mappings -------------------------------------------------------- */

/* Call fn for each key of a mapping; repeated keys and keys that are not
 * strings are errors (libyaml accepts both).  `what` names the keys in
 * the message ("key", "bridge", "port").
 */
typedef void (*pair_fn)(struct pctx *x, const char *key, yaml_node_t *k,
			yaml_node_t *v, void *arg);

static void map_each(struct pctx *x, yaml_node_t *map, const char *what,
		     pair_fn fn, void *arg)
{
	yaml_node_pair_t *p, *q, *start = map->data.mapping.pairs.start;
	yaml_node_t *k, *v;
	const char *key;

	for (p = start; p < map->data.mapping.pairs.top; p++) {
		k = node(x, p->key);
		v = node(x, p->value);
		key = scalar(k);
		if (!key) {
			err_at(x, k, k->type == YAML_SCALAR_NODE ?
			       "a %s name must not contain a NUL character" :
			       "a %s must be a string", what);
			continue;
		}
		for (q = start; q < p; q++) {
			const char *prev = scalar(node(x, q->key));

			if (prev && !strcmp(prev, key))
				break;
		}
		if (q < p) {
			err_at(x, k, "duplicate %s '%.40s' (first at line %d)", what, key,
			       (int)node(x, q->key)->start_mark.line + 1);
			continue;
		}
		fn(x, key, k, v, arg);
	}
}

/* A mapping, or null/absent (empty): 1, 0 (empty), -1 (error given). */
static int want_map(struct pctx *x, yaml_node_t *n, const char *what)
{
	if (n->type == YAML_MAPPING_NODE)
		return 1;
	if (is_null(n))
		return 0;
	err_at(x, n, "%s must be a mapping", what);
	return -1;
}

static void *grow(void *arr, int n, size_t size)
{
	return realloc(arr, (n + 1) * size);
}

/* --- ports ----------------------------------------------------------- */

/* Where the VLAN keys of a port or tunnel were (for the checks after). */
struct vlan_seen {
	yaml_node_t *mode, *tag, *trunks;
};

/* What only an AF_XDP port has; the socket's keys need vm-socket. */
enum { XK_QUEUES, XK_VM_SOCKET, XK_OWNER, XK_MODE, XK_FRAMING, XK_N };
static const char *const afxdp_keys[XK_N] = {
	"queues", "vm-socket", "socket-owner", "socket-mode", "framing",
};

/* A port being read, and where its keys were. */
struct port_walk {
	struct config_port p;
	struct vlan_seen vs;
	yaml_node_t *xdp_mode, *hook, *host;
	yaml_node_t *type, *xsk[XK_N];	/* an AF_XDP port's keys */
};

static int trunks_item(struct pctx *x, yaml_node_t *n, __u64 bits[64])
{
	const char *v = scalar(n);
	__u64 one[64];
	int e, i;

	e = v && strcmp(v, "all") ? vlan_list_parse(v, one) : -EINVAL;
	if (e == -ERANGE)
		err_at(x, n, "'trunks': VLAN ids are 0 to %d", XVS_VLAN_MAX);
	else if (e)
		err_at(x, n, "'trunks' must be VLAN ids such as 10,20-30 (or a list of them)");
	for (i = 0; !e && i < 64; i++)
		bits[i] |= one[i];
	return e;
}

static void port_trunks(struct pctx *x, yaml_node_t *n, struct xvs_port_vlan *v)
{
	yaml_node_item_t *i;
	const char *s = scalar(n);

	if (s && !strcmp(s, "all"))
		return;		/* the default: no list */
	v->flags = XVS_VLAN_F_TRUNKS_LIST;
	if (n->type != YAML_SEQUENCE_NODE) {
		trunks_item(x, n, v->trunks);
		return;
	}
	if (n->data.sequence.items.start == n->data.sequence.items.top)
		err_at(x, n, "'trunks' is an empty list (leave it out for every VLAN)");
	for (i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
		trunks_item(x, node(x, *i), v->trunks);
}

/* vlan-mode, tag, trunks (of a port or a tunnel): 1 if `key` is one. */
static int vlan_key(struct pctx *x, const char *key, yaml_node_t *v,
		    struct xvs_port_vlan *vlan, struct vlan_seen *seen)
{
	__u32 tag;
	int m;

	if (!strcmp(key, "vlan-mode")) {
		seen->mode = v;
		m = scalar(v) ? vlan_mode_parse(scalar(v)) : -1;
		if (m < 0)
			err_at(x, v, "'vlan-mode' must be access, trunk, native-untagged or native-tagged");
		else
			vlan->mode = m;
	} else if (!strcmp(key, "tag")) {
		seen->tag = v;
		if (!get_u32(x, v, "tag", 1, XVS_VLAN_MAX, &tag))
			vlan->tag = tag;
	} else if (!strcmp(key, "trunks")) {
		seen->trunks = v;
		port_trunks(x, v, vlan);
	} else {
		return 0;
	}
	return 1;
}

/* --- AF_XDP ports ---------------------------------------------------- */

/* A user or group id, by the host's lookup (x->opts) or as a number. */
static int owner_user(struct pctx *x, const char *user, __u32 *uid, __u32 *gid)
{
	if (x->opts && x->opts->user_ids)
		return x->opts->user_ids(user, uid, gid);
	*gid = (__u32)-1;
	return parse_u32(user, 0, UINT32_MAX - 1, uid) ? -ENOENT : 0;
}

static int owner_group(struct pctx *x, const char *group, __u32 *gid)
{
	if (x->opts && x->opts->group_id)
		return x->opts->group_id(group, gid);
	return parse_u32(group, 0, UINT32_MAX - 1, gid) ? -ENOENT : 0;
}

/* USER[:GROUP], as `port add --socket-owner`: a user alone is in its
 * own group.
 */
static void get_owner(struct pctx *x, yaml_node_t *n, struct config_afxdp *a)
{
	const char *v = scalar(n);
	char user[256], *group = NULL;

	if (v && strlen(v) < sizeof(user)) {
		snprintf(user, sizeof(user), "%s", v);
		group = strchr(user, ':');
		if (group)
			*group++ = '\0';
	}
	if (!v || strlen(v) >= sizeof(user) || !*user || (group && !*group))
		err_at(x, n, "'socket-owner' must be USER or USER:GROUP (names or ids)");
	else if (owner_user(x, user, &a->uid, &a->gid))
		err_at(x, n, "'socket-owner': no user '%.40s' on this host", user);
	else if (group && owner_group(x, group, &a->gid))
		err_at(x, n, "'socket-owner': no group '%.40s' on this host", group);
}

static void get_mode(struct pctx *x, yaml_node_t *n, __u32 *mode)
{
	const char *v = scalar(n);
	unsigned long m = 0;
	char *end = NULL;

	if (v && *v && *v != '-')
		m = strtoul(v, &end, 8);
	if (!end || *end || m > 07777)
		err_at(x, n, "'socket-mode' must be octal permission bits such as \"0660\"");
	else
		*mode = m;
}

/* queues, vm-socket, socket-owner, socket-mode, framing: 1 if `key` is one. */
static int afxdp_key(struct pctx *x, const char *key, yaml_node_t *v,
		     struct port_walk *w)
{
	struct config_afxdp *a = &w->p.xsk;
	const char *s = scalar(v);
	size_t i;

	for (i = 0; i < XK_N; i++)
		if (!strcmp(key, afxdp_keys[i]))
			break;
	if (i == XK_N)
		return 0;
	w->xsk[i] = v;
	switch (i) {
	case XK_QUEUES:
		get_u32(x, v, "queues", 1, XVS_XSK_MAX_QUEUES, &a->queues);
		break;
	case XK_VM_SOCKET:
		if (s && s[0] == '/' && strlen(s) < XVS_XSK_PATH_LEN)
			snprintf(a->vm_socket, sizeof(a->vm_socket), "%s", s);
		else
			err_at(x, v, "'vm-socket' must be an absolute path under %d characters",
			       XVS_XSK_PATH_LEN);
		break;
	case XK_OWNER:
		get_owner(x, v, a);
		break;
	case XK_MODE:
		get_mode(x, v, &a->mode);
		break;
	default:
		if (s && (!strcmp(s, "stream") || !strcmp(s, "dgram")))
			a->dgram = s[0] == 'd';
		else
			err_at(x, v, "'framing' must be stream or dgram");
	}
	return 1;
}

/* What the keys of an AF_XDP port need, and what it refuses: it is made
 * by xvsd and attached as `port add` does (XDP native, no host).
 */
static void afxdp_check(struct pctx *x, const struct port_walk *w)
{
	yaml_node_t *attach[3] = { w->hook, w->xdp_mode, w->host };
	static const char *const attach_keys[3] = { "hook", "xdp-mode", "host" };
	size_t i;

	for (i = 0; !w->p.afxdp && !w->type && i < XK_N; i++)
		if (w->xsk[i])
			err_at(x, w->xsk[i], "'%s' is for AF_XDP ports (type: afxdp)",
			       afxdp_keys[i]);
	if (!w->p.afxdp)
		return;
	for (i = 0; i < ARRAY_SIZE(attach); i++)
		if (attach[i])
			err_at(x, attach[i], "'%s' is not for an AF_XDP port (xvsd attaches it at native XDP, not a host port)",
			       attach_keys[i]);
	for (i = XK_OWNER; !w->xsk[XK_VM_SOCKET] && i < XK_N; i++)
		if (w->xsk[i])
			err_at(x, w->xsk[i], "'%s' needs 'vm-socket'", afxdp_keys[i]);
}

/* Is the port one xvsd makes (type: afxdp)?  Asked before its keys are
 * walked: such a port's interface need not exist yet.
 */
static bool port_is_afxdp(struct pctx *x, yaml_node_t *map)
{
	yaml_node_pair_t *p;
	const char *k, *v;

	if (map->type != YAML_MAPPING_NODE)
		return false;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		k = scalar(node(x, p->key));
		v = scalar(node(x, p->value));
		if (k && v && !strcmp(k, "type") && !strcmp(v, "afxdp"))
			return true;
	}
	return false;
}

static void port_key(struct pctx *x, const char *key, yaml_node_t *k,
		     yaml_node_t *v, void *arg)
{
	static const char *const hooks[3] = { "auto", "xdp", "tc" };
	static const char *const modes[3] = { "auto", "native", "skb" };
	struct port_walk *seen = arg;
	struct config_port *p = &seen->p;

	if (vlan_key(x, key, v, &p->vlan, &seen->vs) || afxdp_key(x, key, v, seen)) {
		return;
	} else if (!strcmp(key, "hook")) {
		seen->hook = v;
		get_word(x, v, "hook", hooks, &p->hook);
	} else if (!strcmp(key, "xdp-mode")) {
		seen->xdp_mode = v;
		get_word(x, v, "xdp-mode", modes, &p->xdp_mode);
	} else if (!strcmp(key, "host")) {
		seen->host = v;
		get_bool(x, v, "host", &p->host);
	} else if (!strcmp(key, "type")) {
		seen->type = v;
		if (scalar(v) && !strcmp(scalar(v), "afxdp"))
			p->afxdp = true;
		else
			err_at(x, v, "'type' must be afxdp (leave it out for an interface of this host)");
	} else {
		err_at(x, k, "unknown port key '%.40s' (vlan-mode, tag, trunks, hook, xdp-mode, host, type, %s, %s, %s, %s, %s)",
		       key, afxdp_keys[0], afxdp_keys[1], afxdp_keys[2], afxdp_keys[3],
		       afxdp_keys[4]);
	}
}

/* What each VLAN mode needs and refuses, as `port set` checks it. */
static void vlan_check(struct pctx *x, const struct xvs_port_vlan *v,
		       const struct vlan_seen *s)
{
	const char *mode = vlan_mode_name(v->mode);

	if (v->mode == XVS_VLAN_TRUNK && s->tag)
		err_at(x, s->tag, "'tag' on a trunk (a trunk with a native VLAN is vlan-mode native-untagged or native-tagged)");
	if (v->mode != XVS_VLAN_TRUNK && !s->tag && s->mode)
		err_at(x, s->mode, "vlan-mode %s needs a 'tag' (1 to %d)", mode,
		       XVS_VLAN_MAX);
	if (v->mode == XVS_VLAN_ACCESS && s->trunks)
		err_at(x, s->trunks, "'trunks' on an access port");
}

static void port_check(struct pctx *x, const struct port_walk *s)
{
	const struct config_port *p = &s->p;

	vlan_check(x, &p->vlan, &s->vs);
	if (s->xdp_mode && strcmp(p->xdp_mode, "auto") && !strcmp(p->hook, "tc"))
		err_at(x, s->xdp_mode, "'xdp-mode' with hook tc (it needs hook xdp or auto)");
	afxdp_check(x, s);
}

struct bridge_walk {
	struct config_bridge *b;
	yaml_node_t *ports, *tunnels, *fdb;
};

/* Has a bridge (this one or another) taken the name, for a port or a
 * tunnel?  The message says which, and where.
 */
static bool name_taken(struct pctx *x, yaml_node_t *k, const char *name,
		       const char *what)
{
	struct xvs_config *c = x->cfg;
	struct config_bridge *b;
	int i, j;

	for (i = 0; i < c->nbridges; i++) {
		b = &c->bridges[i];
		for (j = 0; j < b->nports; j++)
			if (!strcmp(b->ports[j].iface, name)) {
				err_at(x, k, "%s '%s' is already a port of bridge %s (line %d)",
				       what, name, b->name, b->ports[j].pos.line);
				return true;
			}
		for (j = 0; j < b->ntunnels; j++)
			if (!strcmp(b->tunnels[j].name, name)) {
				err_at(x, k, "%s '%s' is already a tunnel of bridge %s (line %d)",
				       what, name, b->name, b->tunnels[j].pos.line);
				return true;
			}
	}
	return false;
}

static void bridge_port(struct pctx *x, const char *key, yaml_node_t *k,
			yaml_node_t *v, void *arg)
{
	struct config_bridge *b = ((struct bridge_walk *)arg)->b;
	struct port_walk pk = { .p = {
		.hook = "auto", .xdp_mode = "auto", .host = -1,
		.xsk = { .queues = 1, .uid = (__u32)-1, .gid = (__u32)-1, .mode = 0600 },
	} };
	struct config_port *ports;
	bool made = port_is_afxdp(x, v);

	pk.p.pos.line = k->start_mark.line + 1;
	pk.p.pos.col = k->start_mark.column + 1;
	if (get_name(x, k, "interface", pk.p.iface, sizeof(pk.p.iface)))
		return;
	if (name_taken(x, k, pk.p.iface, "interface"))
		;
	else if (made && strlen(pk.p.iface) > XVS_XSK_NAME_MAX)
		err_at(x, k, "AF_XDP port name '%s' is too long (at most %d characters: '%s' names the far side)",
		       pk.p.iface, XVS_XSK_NAME_MAX, XVS_XSK_PEER_SUFFIX);
	else if (!made && x->opts && x->opts->iface_exists &&
		 !x->opts->iface_exists(pk.p.iface))
		err_at(x, k, "no interface '%s' on this host", pk.p.iface);
	if (want_map(x, v, "a port") > 0)
		map_each(x, v, "key", port_key, &pk);
	port_check(x, &pk);
	if (++x->nports == XVS_MAX_PORTS)
		err_at(x, k, "more than %d ports", XVS_MAX_PORTS - 1);
	ports = grow(b->ports, b->nports, sizeof(*ports));
	if (!ports)
		return;
	b->ports = ports;
	b->ports[b->nports++] = pk.p;
}

/* --- tunnels --------------------------------------------------------- */

/* A tunnel being read, and where its keys were. */
struct tunnel_walk {
	struct config_tunnel t;
	struct vlan_seen vs;
	yaml_node_t *remote, *local;
};

static void get_ipv4(struct pctx *x, yaml_node_t *n, const char *key, __be32 *out)
{
	const char *v = scalar(n);
	int e = v ? ipv4_parse(v, out) : -EINVAL;

	if (e == -EINVAL)
		err_at(x, n, "'%s' must be an IPv4 address such as 192.0.2.1", key);
	else if (e)
		err_at(x, n, "'%s' %s is not a unicast address", key, v);
}

static void tunnel_key(struct pctx *x, const char *key, yaml_node_t *k,
		       yaml_node_t *v, void *arg)
{
	struct tunnel_walk *w = arg;
	struct config_tunnel *t = &w->t;
	const char *s = plain(v);
	__u32 n;

	if (vlan_key(x, key, v, &t->vlan, &w->vs)) {
		return;
	} else if (!strcmp(key, "remote")) {
		w->remote = v;
		get_ipv4(x, v, "remote", &t->remote);
	} else if (!strcmp(key, "local")) {
		w->local = v;
		get_ipv4(x, v, "local", &t->local);
	} else if (!strcmp(key, "key")) {
		if (!get_u32(x, v, "key", 0, UINT32_MAX, &t->key))
			t->has_key = 1;
	} else if (!strcmp(key, "ttl")) {
		get_u32(x, v, "ttl", 1, 255, &t->ttl);
	} else if (!strcmp(key, "tos")) {
		if (scalar(v) && !strcmp(scalar(v), "inherit"))
			t->tos = -1;
		else if (!s || parse_u32(s, 0, 255, &n))
			err_at(x, v, "'tos' must be an integer from 0 to 255, or inherit");
		else
			t->tos = n;
	} else {
		err_at(x, k, "unknown tunnel key '%.40s' (remote, local, key, ttl, tos, vlan-mode, tag, trunks)",
		       key);
	}
}

/* Two tunnels of the file that would receive the same packets. */
static void tunnel_twin(struct pctx *x, yaml_node_t *k, const struct config_tunnel *t)
{
	const struct config_bridge *b;
	const struct config_tunnel *o;
	int i, j;

	for (i = 0; i < x->cfg->nbridges; i++) {
		b = &x->cfg->bridges[i];
		for (j = 0; j < b->ntunnels; j++) {
			o = &b->tunnels[j];
			if (o->remote == t->remote && o->local == t->local &&
			    o->has_key == t->has_key && (!t->has_key || o->key == t->key)) {
				err_at(x, k, "tunnel '%s' has the remote, local address and key of tunnel '%s' (line %d)",
				       t->name, o->name, o->pos.line);
				return;
			}
		}
	}
}

static void bridge_tunnel(struct pctx *x, const char *key, yaml_node_t *k,
			  yaml_node_t *v, void *arg)
{
	struct config_bridge *b = ((struct bridge_walk *)arg)->b;
	struct tunnel_walk w = { .t = { .ttl = 64 } };
	struct config_tunnel *ts;

	w.t.pos.line = k->start_mark.line + 1;
	w.t.pos.col = k->start_mark.column + 1;
	if (get_name(x, k, "tunnel", w.t.name, sizeof(w.t.name)))
		return;
	name_taken(x, k, w.t.name, "tunnel");
	if (want_map(x, v, "a tunnel") < 0)
		return;
	if (v->type == YAML_MAPPING_NODE)
		map_each(x, v, "key", tunnel_key, &w);
	vlan_check(x, &w.t.vlan, &w.vs);
	if (!w.remote)
		err_at(x, k, "tunnel '%s' needs a 'remote' address", w.t.name);
	else if (w.t.remote && w.t.remote == w.t.local)
		err_at(x, w.local, "'local' is the 'remote' address");
	else if (w.t.remote)
		tunnel_twin(x, k, &w.t);
	if (++x->nports == XVS_MAX_PORTS)
		err_at(x, k, "more than %d ports", XVS_MAX_PORTS - 1);
	if (++x->ntunnels == XVS_MAX_TUNNELS + 1)
		err_at(x, k, "more than %d tunnels", XVS_MAX_TUNNELS);
	ts = grow(b->tunnels, b->ntunnels, sizeof(*ts));
	if (!ts)
		return;
	b->tunnels = ts;
	b->tunnels[b->ntunnels++] = w.t;
}

/* --- fdb ------------------------------------------------------------- */

struct fdb_walk {
	struct config_fdb f;
	yaml_node_t *mac, *port, *vlan;
};

static void fdb_key(struct pctx *x, const char *key, yaml_node_t *k,
		    yaml_node_t *v, void *arg)
{
	struct fdb_walk *w = arg;
	const char *s = scalar(v);
	__u32 vlan;

	if (!strcmp(key, "mac")) {
		w->mac = v;
		if (!s || mac_parse(s, w->f.mac))
			err_at(x, v, "'mac' must be a MAC address such as \"02:00:00:00:00:01\"");
		else if (w->f.mac[0] & 1)
			err_at(x, v, "'mac' %s is a multicast address", s);
	} else if (!strcmp(key, "port")) {
		w->port = v;
		get_name(x, v, "port", w->f.port, sizeof(w->f.port));
	} else if (!strcmp(key, "vlan")) {
		w->vlan = v;
		if (!get_u32(x, v, "vlan", 0, XVS_VLAN_MAX, &vlan))
			w->f.vlan = vlan;
	} else {
		err_at(x, k, "unknown fdb key '%.40s' (mac, port, vlan)", key);
	}
}

/* The VLANs of a port or tunnel of the bridge, or NULL. */
static const struct xvs_port_vlan *bridge_find_port(const struct config_bridge *b,
						    const char *name)
{
	int i;

	for (i = 0; i < b->nports; i++)
		if (!strcmp(b->ports[i].iface, name))
			return &b->ports[i].vlan;
	for (i = 0; i < b->ntunnels; i++)
		if (!strcmp(b->tunnels[i].name, name))
			return &b->tunnels[i].vlan;
	return NULL;
}

static void fdb_entry(struct pctx *x, struct config_bridge *b, yaml_node_t *n)
{
	struct fdb_walk w = { .f.pos = { n->start_mark.line + 1, n->start_mark.column + 1 } };
	const struct xvs_port_vlan *p;
	struct config_fdb *f;
	char mac[MAC_STRLEN];
	int i;

	if (n->type != YAML_MAPPING_NODE) {
		err_at(x, n, "an fdb entry must be a mapping {mac, port, vlan}");
		return;
	}
	map_each(x, n, "key", fdb_key, &w);
	if (!w.mac || !w.port) {
		err_at(x, n, "an fdb entry needs %s", !w.mac ? "'mac'" : "'port'");
		return;
	}
	if (!w.f.port[0])
		return;
	p = bridge_find_port(b, w.f.port);
	if (!p) {
		err_at(x, w.port, "'%s' is not a port of bridge %s", w.f.port, b->name);
		return;
	}
	if (!w.vlan)
		w.f.vlan = config_untagged_vlan(p);
	for (i = 0; i < b->nfdb; i++)
		if (b->fdb[i].vlan == w.f.vlan && !memcmp(b->fdb[i].mac, w.f.mac, 6)) {
			err_at(x, n, "duplicate fdb entry %s vlan %u (first at line %d)",
			       mac_fmt(w.f.mac, mac), w.f.vlan, b->fdb[i].pos.line);
			return;
		}
	f = grow(b->fdb, b->nfdb, sizeof(*f));
	if (!f)
		return;
	b->fdb = f;
	b->fdb[b->nfdb++] = w.f;
}

/* --- bridges --------------------------------------------------------- */

static void bridge_key(struct pctx *x, const char *key, yaml_node_t *k,
		       yaml_node_t *v, void *arg)
{
	struct bridge_walk *w = arg;

	if (!strcmp(key, "ageing"))
		get_u32(x, v, "ageing", 1, CONFIG_AGEING_MAX, &w->b->ageing);
	else if (!strcmp(key, "mac-limit"))
		get_u32(x, v, "mac-limit", 1, XVS_FDB_MAX_SIZE, &w->b->mac_limit);
	else if (!strcmp(key, "ports"))
		w->ports = v;
	else if (!strcmp(key, "tunnels"))
		w->tunnels = v;
	else if (!strcmp(key, "fdb"))
		w->fdb = v;
	else
		err_at(x, k, "unknown bridge key '%.40s' (ageing, mac-limit, ports, tunnels, fdb)",
		       key);
}

static void bridge(struct pctx *x, const char *key, yaml_node_t *k,
		   yaml_node_t *v, void *arg)
{
	struct config_bridge *bs, *b;
	struct bridge_walk w = {};
	yaml_node_item_t *i;

	if (x->cfg->nbridges == XVS_MAX_BRIDGES - 1) {
		err_at(x, k, "more than %d bridges", XVS_MAX_BRIDGES - 1);
		return;
	}
	bs = grow(x->cfg->bridges, x->cfg->nbridges, sizeof(*bs));
	if (!bs)
		return;
	x->cfg->bridges = bs;
	b = w.b = &bs[x->cfg->nbridges++];
	memset(b, 0, sizeof(*b));
	b->pos.line = k->start_mark.line + 1;
	b->pos.col = k->start_mark.column + 1;
	get_name(x, k, "bridge", b->name, sizeof(b->name));
	if (want_map(x, v, "a bridge") > 0)
		map_each(x, v, "key", bridge_key, &w);
	/* Ports and tunnels (in the file's order, for the order of the
	 * messages) before fdb entries, which name them.
	 */
	if (w.tunnels && w.ports && w.tunnels->start_mark.index < w.ports->start_mark.index &&
	    want_map(x, w.tunnels, "'tunnels'") > 0)
		map_each(x, w.tunnels, "tunnel", bridge_tunnel, &w);
	if (w.ports && want_map(x, w.ports, "'ports'") > 0)
		map_each(x, w.ports, "port", bridge_port, &w);
	if (w.tunnels && !(w.ports && w.tunnels->start_mark.index < w.ports->start_mark.index) &&
	    want_map(x, w.tunnels, "'tunnels'") > 0)
		map_each(x, w.tunnels, "tunnel", bridge_tunnel, &w);
	if (!w.fdb || is_null(w.fdb))
		return;
	if (w.fdb->type != YAML_SEQUENCE_NODE) {
		err_at(x, w.fdb, "'fdb' must be a list of {mac, port, vlan}");
		return;
	}
	for (i = w.fdb->data.sequence.items.start; i < w.fdb->data.sequence.items.top; i++)
		fdb_entry(x, b, node(x, *i));
}

static void top_key(struct pctx *x, const char *key, yaml_node_t *k,
		    yaml_node_t *v, void *arg)
{
	if (!strcmp(key, "bridges")) {
		if (want_map(x, v, "'bridges'") > 0)
			map_each(x, v, "bridge", bridge, NULL);
	} else if (!strcmp(key, "tunnels")) {
		err_at(x, k, "'tunnels' belong to a bridge (bridges: NAME: tunnels:)");
	} else if (!strcmp(key, "flows")) {
		err_at(x, k, "'%s' is not supported yet", key);
	} else {
		err_at(x, k, "unknown key '%.40s' (bridges)", key);
	}
}

/* --- the two passes -------------------------------------------------- */

static void yaml_error(struct pctx *x, const yaml_parser_t *p)
{
	char msg[400];

	snprintf(msg, sizeof(msg), "%s%s%s", p->problem ? p->problem : "bad YAML",
		 p->context ? " " : "", p->context ? p->context : "");
	add_error(x->cfg, x->name, (int)p->problem_mark.line + 1,
		  (int)p->problem_mark.column + 1, msg);
}

static void event_error(struct pctx *x, const yaml_event_t *ev, const char *msg)
{
	add_error(x->cfg, x->name, ev->start_mark.line + 1,
		  ev->start_mark.column + 1, msg);
}

/* Events only: one document at most, CONFIG_MAX_DEPTH levels at most. */
static int precheck(struct pctx *x, const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, docs = 0, e = 0, done = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && !e) {
		if (!yaml_parser_parse(&p, &ev)) {
			yaml_error(x, &p);
			e = -EINVAL;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				event_error(x, &ev, "more than one YAML document");
				e = -EINVAL;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > CONFIG_MAX_DEPTH) {
				event_error(x, &ev, "nested deeper than the schema allows");
				e = -EINVAL;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return e;
}

static int load(struct pctx *x, const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_node_t *root;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &x->doc)) {
		yaml_error(x, &p);
		yaml_parser_delete(&p);
		return -EINVAL;
	}
	yaml_parser_delete(&p);
	root = yaml_document_get_root_node(&x->doc);
	if (!root || is_null(root))
		add_error(x->cfg, x->name, 1, 1,
			  "the file is empty (want a mapping with 'bridges')");
	else if (root->type != YAML_MAPPING_NODE)
		err_at(x, root, "the file must be a mapping with 'bridges'");
	else
		map_each(x, root, "key", top_key, NULL);
	yaml_document_delete(&x->doc);
	return 0;
}

int config_parse_buf(const char *buf, size_t len, const char *name,
		     struct xvs_config *cfg, const struct config_opts *opts)
{
	struct pctx x = { .name = name, .cfg = cfg, .opts = opts };
	int e;

	memset(cfg, 0, sizeof(*cfg));
	if (len > CONFIG_MAX_SIZE) {
		add_error(cfg, name, 1, 1, "the file is too large");
		return -EFBIG;
	}
	e = precheck(&x, buf, len);
	if (!e)
		e = load(&x, buf, len);
	if (!e && cfg->nerrors)
		e = -EINVAL;
	return e;
}

int config_parse_file(const char *path, struct xvs_config *cfg,
		      const struct config_opts *opts)
{
	char *buf = NULL, msg[300];
	size_t len = 0;
	FILE *f;
	int e;

	memset(cfg, 0, sizeof(*cfg));
	f = fopen(path, "r");
	if (f) {
		buf = malloc(CONFIG_MAX_SIZE + 1);
		if (buf)
			len = fread(buf, 1, CONFIG_MAX_SIZE + 1, f);
		e = !buf ? -ENOMEM : ferror(f) ? -EIO : 0;
		fclose(f);
	} else {
		e = -errno;
	}
	if (e) {
		snprintf(msg, sizeof(msg), "%s: Couldn't read: %s", path, strerror(-e));
		cfg->errors = malloc(sizeof(char *));
		if (cfg->errors && (cfg->errors[0] = strdup(msg)))
			cfg->nerrors = 1;
		free(buf);
		return e;
	}
	e = config_parse_buf(buf, len, path, cfg, opts);
	free(buf);
	return e;
}

void config_free(struct xvs_config *cfg)
{
	int i;

	for (i = 0; i < cfg->nbridges; i++) {
		free(cfg->bridges[i].ports);
		free(cfg->bridges[i].tunnels);
		free(cfg->bridges[i].fdb);
	}
	free(cfg->bridges);
	for (i = 0; i < cfg->nerrors; i++)
		free(cfg->errors[i]);
	free(cfg->errors);
	memset(cfg, 0, sizeof(*cfg));
}

bool config_iface_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

int config_user_ids(const char *user, __u32 *uid, __u32 *gid)
{
	struct passwd *pw;

	if (!parse_u32(user, 0, UINT32_MAX - 1, uid))
		pw = getpwuid(*uid);
	else if ((pw = getpwnam(user)))
		*uid = pw->pw_uid;
	else
		return -ENOENT;
	*gid = pw ? pw->pw_gid : (__u32)-1;
	return 0;
}

int config_group_id(const char *group, __u32 *gid)
{
	struct group *gr;

	if (!parse_u32(group, 0, UINT32_MAX - 1, gid))
		return 0;
	gr = getgrnam(group);
	if (!gr)
		return -ENOENT;
	*gid = gr->gr_gid;
	return 0;
}

__u16 config_untagged_vlan(const struct xvs_port_vlan *v)
{
	return v->mode == XVS_VLAN_TRUNK ? 0 : v->tag;
}
