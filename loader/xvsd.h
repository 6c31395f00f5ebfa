/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/xvsd.h - the daemon's state, shared by its modules.
 *
 * xvsd is single-threaded: one epoll loop (xvsd.c) over the upcall ring
 * buffer, the control socket, the netlink link-event socket, a 1 s timer
 * (ageing) and a signalfd.  Nothing here needs locking; the only other
 * writer of the maps is the fast path, see maps/fdb.h for that contract.
 *
 * All switch state lives in the pinned maps; the daemon's memory holds
 * only file descriptors, options and counts it can recompute, so a
 * restarted daemon adopts what it finds pinned (port_adopt_all()).
 */
#ifndef XVS_XVSD_H
#define XVS_XVSD_H

#include <linux/types.h>
#include <json-c/json.h>

#include "pin.h"
#include "maps/common.h"

struct xvs_xdp;
struct xvs_tc;

/* Defaults for bridges created without explicit settings. */
#define XVS_DEFAULT_AGEING	300
#define XVS_DEFAULT_MAC_LIMIT	8192

struct xvsd {
	struct xvs_inst inst;

	/* Options. */
	__u64 learn_rate;		/* LEARN upcalls/s per CPU */
	__u32 fdb_size;			/* xvs_fdb max_entries when created */
	__u32 ageing_s;			/* default for new bridges */
	__u32 mac_limit;		/* default for new bridges */
	const char *config;		/* -c FILE: applied at start-up */

	/* The loaded objects (datapath.c) and the fds of their maps. */
	struct xvs_xdp *xdp;
	struct xvs_tc *tc;
	int xdp_rx_fd, xdp_tx_fd, tc_rx_fd, tc_tx_fd;
	int ports_fd, bridges_fd, fdb_fd, tx_fd, flood_fd, members_fd;
	int pstats_fd, learn_pend_fd, upcall_fd;
	__u32 fdb_max;			/* xvs_fdb max_entries, as loaded */

	/* Learned (not static) MACs per bridge, recounted every sweep. */
	__u32 macs[XVS_MAX_BRIDGES];
	__u64 last_sweep_ns;

	int stop;			/* leave the loop */
	int reset;			/* --reset: unhook, unpin, exit */
};

/* datapath.c: load both objects, reusing what is pinned. */
int dp_load(struct xvsd *d);
void dp_close(struct xvsd *d);
/* Remove every pinned object of the instance (after all ports left). */
void dp_unpin(struct xvsd *d);

/* port.c.  port_attach() returns 0 when it attached, 1 when the port was
 * there already, or -errno with `err` filled in.
 */
int bridge_lookup(struct xvsd *d, const char *name, __u32 *id);
int bridge_set(struct xvsd *d, const char *name, __u32 ageing, __u32 limit,
	       __u32 *id, char *err, size_t errlen);
/* Refuses (-EBUSY) while the bridge has ports. */
int bridge_del(struct xvsd *d, const char *name, char *err, size_t errlen);
int port_attach(struct xvsd *d, const char *bridge, const char *ifname,
		const char *hook, const char *xdp_mode, int host, json_object *res,
		char *err, size_t errlen);
int port_detach(struct xvsd *d, const char *ifname, char *err, size_t errlen);
void port_vanished(struct xvsd *d, __u32 ifindex);
int port_adopt_all(struct xvsd *d);
int port_detach_all(struct xvsd *d);
int port_reset_all(struct xvsd *d);
struct xvs_port_vlan;
int port_set_vlan(struct xvsd *d, const char *ifname,
		  const struct xvs_port_vlan *vlan, char *err, size_t errlen);

/* fdb.c */
void fdb_learn(struct xvsd *d, __u32 ifindex, __u32 bridge, __u16 vlan,
	       const __u8 mac[6]);
void fdb_sweep(struct xvsd *d, int force);
int fdb_add_static(struct xvsd *d, __u32 bridge, __u32 ifindex, __u16 vlan,
		   const __u8 mac[6], __u32 flags, char *err, size_t errlen);
int fdb_del(struct xvsd *d, __u32 bridge, __u16 vlan, const __u8 mac[6]);
/* Delete entries of a bridge (0 = all) behind ifindex (0 = any);
 * learned only unless `all`.
 */
int fdb_flush(struct xvsd *d, __u32 bridge, __u32 ifindex, int all);

/* upcall.c */
struct ring_buffer *upcall_open(struct xvsd *d);

/* ctl_server.c */
int ctl_listen(struct xvsd *d);
void ctl_serve(struct xvsd *d, int lfd);
void ctl_close(struct xvsd *d, int lfd);
/* Run a `batch` request (ctl_proto.h) from inside the daemon: 0, or
 * -EINVAL with the error (everything rolled back) in err.
 */
int ctl_batch(struct xvsd *d, json_object *req, char *err, size_t errlen);

/* netlink.c */
int nl_open(void);
void nl_read(struct xvsd *d, int fd);

#endif /* XVS_XVSD_H */
