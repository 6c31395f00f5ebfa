/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/afxdp.h - AF_XDP ports (maps/afxdp.h): make, adopt, remove.
 *
 * An AF_XDP port is a veth pair xvsd creates: <port>, attached to the
 * bridge as an XDP port like any other (VLAN modes, flow rules, counters
 * all apply), and <port>-xsk, the far side, where a private copy of
 * xvs_xsk.bpf.o feeds the port's XSKMAP.  Everything about the port is in
 * its pins (afxdp/<port>/, xsk_conf the configuration), so a restarted
 * daemon adopts it: swaps its own far-side program in and starts the relay
 * again.  Only the relay (loader/relay.h) lives in xvsd's memory: frames
 * to and from a VM on it stop while no daemon runs, while sockets of
 * other consumers (QEMU af-xdp, appliances) keep working.
 *
 * Removal is one path whatever starts it (port del, detach, the veth
 * deleted under us, stop --cleanup): the relay stops and unlinks its
 * socket, the switch side leaves the bridge, the veth and the pins go.
 */
#ifndef XVS_AFXDP_H
#define XVS_AFXDP_H

#include <stddef.h>
#include <linux/types.h>
#include <json-c/json.h>

struct xvsd;
struct xvs_port;

struct afxdp_conf {
	const char *name;		/* the port, <= XVS_XSK_NAME_MAX */
	const char *bridge;
	__u32 queues;			/* 1..XVS_XSK_MAX_QUEUES */
	const char *vm_socket;		/* relay to this unix socket; NULL: none */
	__u32 uid, gid;			/* its owner; (__u32)-1: as created */
	__u32 mode;			/* its permission bits */
	int dgram;			/* -netdev dgram framing; else stream */
};

/* Make the port: 0 with a result object added to res (may be NULL), or
 * -errno with err filled and nothing left behind.
 */
int afxdp_add(struct xvsd *d, const struct afxdp_conf *c, json_object *res,
	      char *err, size_t errlen);
/* Remove the AF_XDP port `name`: 0, or -ENOENT (not one) with err filled. */
int afxdp_del(struct xvsd *d, const char *name, char *err, size_t errlen);
/* The switch side `p` is leaving (detached, or its veth vanished): remove
 * the rest of the port.
 */
void afxdp_release(struct xvsd *d, const struct xvs_port *p);
/* Start-up, after port_adopt_all(): adopt every pinned AF_XDP port,
 * clean up those whose veth is gone.  Idempotent.
 */
void afxdp_adopt_all(struct xvsd *d);
/* Every AF_XDP port: removed (stop --cleanup), or, with the instance's
 * pins from another version, deleted by the names of its pin directories
 * (--reset).
 */
void afxdp_del_all(struct xvsd *d);
void afxdp_reset_all(struct xvsd *d);
/* Is ifindex the far side of an AF_XDP port?  Its port's name into port. */
int afxdp_far_side(struct xvsd *d, __u32 ifindex, char *port, size_t len);
/* Stop the relays (the daemon exits; the ports stay). */
void afxdp_stop_relays(struct xvsd *d);
/* The relays' counters, one object per port with a relay, into res[]. */
void afxdp_relay_stats(struct xvsd *d, json_object *res);

#endif /* XVS_AFXDP_H */
