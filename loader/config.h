/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/config.h - declarative configuration: the YAML file (README,
 * "Configuration files"), its validation, the plan that makes a running
 * switch match it, and the export of a running switch as such a file.
 *
 * Linked into both xvsd (`xvsd -c FILE`) and xvsctl (`apply`, `export`).
 *
 *   config_parse_*()  YAML (libyaml's document API) -> struct xvs_config,
 *                     validated whole.  Every problem becomes one line
 *                     "file:line:col: what is wrong" in cfg->errors (all
 *                     of them, up to CONFIG_MAX_ERRORS); nothing is applied
 *                     from a file that has any.
 *   snapshot_read()   the running switch, from the pinned maps (ports,
 *                     bridges, static MAC entries), as struct xvs_snapshot.
 *   plan_build()      config + snapshot -> ordered steps, each a control
 *                     request (loader/ctl_proto.h) and the requests that
 *                     undo it; plan_batch() makes them one `batch` request,
 *                     which xvsd runs all or nothing.
 *   config_export()   snapshot -> YAML that config_parse_*() accepts and
 *                     that plans to nothing against the same switch.
 *
 * Parsing touches nothing but memory (and, through `iface_exists`, asks
 * whether an interface exists), so it is safe on any input: the fuzz
 * target (selftests/fuzz/fuzz_config.c) drives config_parse_buf().
 */
#ifndef XVS_CONFIG_H
#define XVS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <json-c/json.h>

#include "maps/common.h"
#include "maps/vlan.h"
#include "maps/port.h"
#include "maps/fdb.h"
#include "maps/tunnel.h"
#include "maps/afxdp.h"

#define CONFIG_MAX_ERRORS	100
#define CONFIG_MAX_SIZE		(4 << 20)	/* bytes of YAML */
#define CONFIG_MAX_DEPTH	32		/* YAML nesting */
#define CONFIG_AGEING_MAX	1000000
#define CONFIG_IFNAMSIZ		16

/* Where a value came from in the file: 1-based, for messages. */
struct config_pos {
	int line, col;
};

/* An AF_XDP port's settings (`type: afxdp`), as `port add` takes them. */
struct config_afxdp {
	__u32 queues;			/* 1..XVS_XSK_MAX_QUEUES, default 1 */
	char vm_socket[XVS_XSK_PATH_LEN];	/* "": no relay */
	__u32 uid, gid;			/* the socket's owner; -1: as created */
	__u32 mode;			/* its permission bits, default 0600 */
	int dgram;			/* framing dgram; else stream */
};

struct config_port {
	char iface[CONFIG_IFNAMSIZ];
	const char *hook;		/* "auto" (default), "xdp", "tc" */
	const char *xdp_mode;		/* "auto" (default), "native", "skb" */
	int host;			/* -1 not given (attach decides), 0, 1 */
	struct xvs_port_vlan vlan;	/* default: trunk of every VLAN */
	bool afxdp;			/* an AF_XDP port xvsd makes */
	struct config_afxdp xsk;	/* its settings */
	struct config_pos pos;
};

/* A GRE tunnel port (maps/tunnel.h); its name is a port name. */
struct config_tunnel {
	char name[CONFIG_IFNAMSIZ];
	__be32 remote;
	__be32 local;			/* 0: not given (the route's source) */
	int has_key;
	__u32 key;			/* host order */
	__u32 ttl;			/* 1..255, default 64 */
	int tos;			/* 0..255 (default 0), -1: inherit */
	struct xvs_port_vlan vlan;	/* default: trunk of every VLAN */
	struct config_pos pos;
};

struct config_fdb {
	__u8 mac[XVS_ETH_ALEN];
	__u16 vlan;			/* default: the port's untagged VLAN */
	char port[CONFIG_IFNAMSIZ];	/* a port's or a tunnel's name */
	struct config_pos pos;
};

struct config_bridge {
	char name[XVS_NAME_LEN];
	__u32 ageing;			/* seconds; 0 = not given, left as is */
	__u32 mac_limit;		/* 0 = not given, left as is */
	struct config_port *ports;
	int nports;
	struct config_tunnel *tunnels;
	int ntunnels;
	struct config_fdb *fdb;
	int nfdb;
	struct config_pos pos;
};

struct xvs_config {
	struct config_bridge *bridges;
	int nbridges;
	char **errors;			/* "file:line:col: message" */
	int nerrors;
};

struct config_opts {
	/* Does the interface exist?  NULL: not checked. */
	bool (*iface_exists)(const char *name);
	/* A user (a name or a number): its uid and group (-1: none known);
	 * a group: its gid.  0 or -ENOENT.  NULL: numbers only, a user's
	 * group unknown.
	 */
	int (*user_ids)(const char *user, __u32 *uid, __u32 *gid);
	int (*group_id)(const char *group, __u32 *gid);
};

/* The checks xvsctl and xvsd use: an interface of this namespace, the
 * users and groups of this host (as `port add --socket-owner`).
 */
bool config_iface_exists(const char *name);
int config_user_ids(const char *user, __u32 *uid, __u32 *gid);
int config_group_id(const char *group, __u32 *gid);

/* 0: valid; -EINVAL: cfg->errors says why; -errno: could not read the
 * file (also in cfg->errors).  config_free() in every case.
 */
int config_parse_file(const char *path, struct xvs_config *cfg,
		      const struct config_opts *opts);
int config_parse_buf(const char *buf, size_t len, const char *name,
		     struct xvs_config *cfg, const struct config_opts *opts);
void config_free(struct xvs_config *cfg);

/* The VLAN the port's untagged frames are in (the default of its fdb
 * entries, and the VLAN of a host port's own MAC).
 */
__u16 config_untagged_vlan(const struct xvs_port_vlan *v);

/* --- the running switch --------------------------------------------- */

struct snapshot_fdb {
	struct xvs_fdb_key key;
	__u32 ifindex;
};

/* Read from the pinned maps.  Ports carry their interface's current name
 * (the one in the map if it is gone); tunnel ports are among them (flag
 * XVS_PORT_F_TUNNEL), their tunnels in tunnels[]; underlays are not (no
 * bridge's, and made by the tunnels).  fdb holds the static entries users
 * added (not a host port's own MAC, which attach makes).  AF_XDP ports
 * (XVS_PORT_F_AFXDP) are ports too; their settings, afxdp[], come from
 * their pinned xsk_conf (snapshot_read_afxdp()).
 */
struct xvs_snapshot {
	struct xvs_bridge bridges[XVS_MAX_BRIDGES];	/* by id; name "" unused */
	struct xvs_port ports[XVS_MAX_PORTS];		/* sorted by name */
	int nports;
	struct xvs_tunnel tunnels[XVS_MAX_TUNNELS];	/* any order */
	int ntunnels;
	struct snapshot_fdb *fdb;
	int nfdb;
	struct xvs_xsk_conf *afxdp;			/* any order */
	int nafxdp;
};

/* tunnels_fd < 0: no tunnels (pins from before them). */
int snapshot_read(int ports_fd, int bridges_fd, int fdb_fd, int tunnels_fd,
		  struct xvs_snapshot *s);
/* After snapshot_read(): the xsk_conf of every AF_XDP port, from
 * pin_dir/afxdp/<port>/ (none there: none).  0 or -ENOMEM.
 */
int snapshot_read_afxdp(const char *pin_dir, struct xvs_snapshot *s);
void snapshot_free(struct xvs_snapshot *s);

/* --- plan ------------------------------------------------------------ */

struct plan_step {
	char *text;			/* "+ attach eth0 to br0 (hook xdp)" */
	json_object *req;		/* the request that does it */
	json_object *undo;		/* array of requests that undo it */
};

struct plan {
	struct plan_step *steps;
	int n;
};

int plan_build(const struct xvs_config *cfg, const struct xvs_snapshot *s,
	       struct plan *p);
/* {"cmd": "batch", "steps": [{"do": req, "undo": [req...]}...]} */
json_object *plan_batch(const struct plan *p);
void plan_free(struct plan *p);

/* Write the snapshot as a configuration file; 0 or -errno. */
int config_export(const struct xvs_snapshot *s, FILE *f);

#endif /* XVS_CONFIG_H */
