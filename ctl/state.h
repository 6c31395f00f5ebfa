/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ctl/state.h - the switch as the pinned maps describe it, for the read
 * commands (show, fdb show, stats).
 *
 * Reads need no daemon: the maps are pinned under the instance directory
 * and hold the whole configuration (maps/port.h).  state_open() opens
 * them and takes a snapshot of the ports and bridges; counters and the MAC
 * table are read when printed.  The fast path and xvsd keep writing while
 * we read, so a snapshot is only ever nearly consistent - good enough for
 * a display, and the readers cope with entries that vanish under them.
 */
#ifndef XVS_CTL_STATE_H
#define XVS_CTL_STATE_H

#include <stdbool.h>
#include <linux/types.h>

#include "xvsctl.h"
#include "maps/port.h"
#include "maps/fdb.h"
#include "maps/stats.h"
#include "maps/tunnel.h"
#include "maps/flow.h"

struct ctl_state {
	int ports_fd, bridges_fd, fdb_fd, pstats_fd, drops_fd, events_fd;
	int tunnels_fd;				/* -1: pins older than tunnels */
	int rules_fd, flow_stats_fd, cls_fd;	/* -1: pins older than flows */
	struct xvs_port ports[XVS_MAX_PORTS];	/* sorted by port_no */
	int nports;
	struct xvs_bridge bridges[XVS_MAX_BRIDGES];	/* by id */
	struct xvs_tunnel tunnels[XVS_MAX_TUNNELS];	/* sorted by vport */
	int ntunnels;
};

struct fdb_item {
	struct xvs_fdb_key key;
	struct xvs_fdb_entry e;
};

/* A flow rule and its slot in xvs_rules. */
struct flow_item {
	__u32 slot;
	struct xvs_flow_rule r;
};

/* Open the maps of c->inst and read ports and bridges; prints the error
 * and returns the exit code on failure (CTL_USAGE: no such instance).
 */
int state_open(struct ctl *c, struct ctl_state *st);
void state_close(struct ctl_state *st);

/* The port on ifindex (or virtual port id), or NULL. */
const struct xvs_port *state_port(const struct ctl_state *st, __u32 ifindex);
/* The port named `dev`: the interface of that name while it is a port,
 * else the port attached under that name; or NULL.
 */
const struct xvs_port *state_port_named(const struct ctl_state *st,
					const char *dev);
/* The tunnel of a virtual port id, or NULL. */
const struct xvs_tunnel *state_tunnel(const struct ctl_state *st, __u32 vport);
/* An interface's name now; else its name when attached (a tunnel port's
 * name); else "if<N>".
 */
const char *state_dev_name(const struct ctl_state *st, __u32 ifindex,
			   char *buf, size_t len);
/* A bridge's name, or "#<id>" for an unnamed slot. */
const char *state_bridge_name(const struct ctl_state *st, __u32 id,
			      char *buf, size_t len);
/* `dev D` and `bridge B` arguments: print the error and return CTL_USAGE
 * when there is no such port or bridge.
 */
int state_find_port(const struct ctl_state *st, const char *dev,
		    __u32 *ifindex);
int state_find_bridge(const struct ctl_state *st, const char *name, __u32 *id);

/* The whole MAC table, sorted by (bridge, vlan, mac); *items to free(). */
int state_fdb(const struct ctl_state *st, struct fdb_item **items, int *n);

/* The flow rules of a bridge, best first (priority down, then id up);
 * *items to free().
 */
int state_flows(const struct ctl_state *st, __u32 bridge, struct flow_item **items,
		int *n);
/* A rule slot's counters: packets and bytes summed over the CPUs, the
 * latest use (zeros if unreadable).
 */
void state_flow_stats(const struct ctl_state *st, __u32 slot,
		      struct xvs_flow_stats *s);
/* A bridge's classifier entry; zeros (no masks, no rules) if it has none. */
void state_cls(const struct ctl_state *st, __u32 bridge, struct xvs_cls *c);
/* For the flow formatters: a port's name, or -ENOENT (shown as a number). */
int state_flow_port_name(void *st, __u32 id, char *buf, size_t len);

/* A port's counters, summed over the CPUs (zeros if unreadable). */
void state_port_stats(const struct ctl_state *st, __u16 port_no,
		      struct xvs_port_stats *s);
/* Print them: "rx N pkts N bytes, tx ..., dropped rx N tx N" / JSON keys. */
void print_port_stats(const struct xvs_port_stats *s);
/* "<indent>port N NAME (ifindex I)<after>": port_no, name, ifindex; a
 * tunnel port is "(gre)" in text.
 */
void print_port_head(const struct ctl_state *st, const struct xvs_port *p,
		     const char *indent, const char *after);
/* "hook tc|xdp-native|xdp-generic", the VLANs (print_port_vlan, brief),
 * then the other port flags: "hook tc, vlan access 10, own-clsact, veth".
 * A tunnel port: "type gre, remote 192.0.2.2, key 100, resolved, vlan ...".
 */
void print_port_config(const struct ctl_state *st, const struct xvs_port *p);

/* VLAN modes by the words of `port set` and the port_set request
 * (maps/vlan.h): the name, or "unknown"; the mode, or -1.
 */
/* Longest vlan_list_fmt() text: 0,2,4,...,4094 takes 9684 bytes. */
#define VLAN_LIST_STRLEN	10240
/* A port's VLANs.  JSON: "vlan_mode", "tag" (null for a trunk), "trunks"
 * ("10,20-30", "all", or null for an access port).  Text, `port show`:
 * "vlan-mode access tag 10", "vlan-mode trunk trunks 10,20-30",
 * "vlan-mode native-tagged tag 5 (all VLANs)"; brief, in `show`:
 * "vlan access 10", "vlan trunk 10,20-30", "vlan trunk all",
 * "vlan native-tagged 5 trunks all".
 */
void print_port_vlan(const struct xvs_port_vlan *v, bool brief);

#endif /* XVS_CTL_STATE_H */
