/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps/afxdp.h - AF_XDP ports.
 *
 * The kernel hands an AF_XDP socket only the frames received on the device
 * and queue it is bound to, so an AF_XDP port is a veth pair:
 *
 *   bridge ── <port> (switch side, an XDP port like any other)
 *                │ veth
 *             <port>-xsk (far side: xvs_xsk_rx feeds the port's XSKMAP)
 *                │ queue q
 *             AF_XDP socket in xsks[q] ── consumer (xvsd's relay to a VM,
 *                                          QEMU's af-xdp backend, an appliance)
 *
 * Each AF_XDP port loads its own copy of xvs_xsk.bpf.o on the far side, so
 * its maps are its own; xvsd pins them, the program's link and the probe
 * program under
 *
 *   /sys/fs/bpf/xvs/<instance>/afxdp/<port>/{xsks,xsk_stats,xsk_conf,link,probe}
 *
 * xsk_conf holds the port's configuration (struct xvs_xsk_conf), so that a
 * restarted xvsd finds the port - and the relay to start again - in the
 * pins, like every other piece of switch state.  The kernel does not let
 * userspace look into an XSKMAP (lookups return EOPNOTSUPP), so `probe`, an
 * XDP program run with BPF_PROG_TEST_RUN, answers which slots hold a
 * socket: it writes the mask into the frame it was given.
 *
 * A consumer binds its socket to (<port>-xsk, queue q) and writes the
 * socket's fd into xsks[q] (for QEMU >= 10.1 `map-path=` names xsks).
 * Frames the consumer transmits leave the far side, cross the veth and
 * enter the switch on <port>.
 *
 * Writers: xvsd (creates, pins, removes), consumers (their own xsks slot).
 * Readers: the far-side program (every frame), xvsctl (counters).
 */
#ifndef XVS_MAPS_AFXDP_H
#define XVS_MAPS_AFXDP_H

/* Suffix of the far side's name; port names of AF_XDP ports are therefore
 * at most XVS_NAME_LEN - 1 - strlen(XVS_XSK_PEER_SUFFIX) = 11 characters.
 */
#define XVS_XSK_PEER_SUFFIX	"-xsk"
#define XVS_XSK_NAME_MAX	11
/* Queues per AF_XDP port (entries of xsks). */
#define XVS_XSK_MAX_QUEUES	16
/* Under the instance's pin directory. */
#define XVS_XSK_PIN_DIR		"afxdp"

/* Value of xsk_stats (a per-CPU array of one entry): what the far side's
 * program saw.  Ring-level losses (rx ring full, fill ring empty) are the
 * socket's own, read with getsockopt(XDP_STATISTICS) by its owner.
 */
struct xvs_xsk_stats {
	__u64 rx_packets;	/* frames redirected to a socket */
	__u64 rx_bytes;
	__u64 no_consumer;	/* dropped: no socket in xsks[queue] */
	__u64 bad_queue;	/* dropped: queue >= XVS_XSK_MAX_QUEUES */
};

/* xvs_xsk_conf.flags */
enum xvs_xsk_flags {
	XVS_XSK_F_RELAY		= 1U << 0,	/* xvsd relays to vm_socket */
	XVS_XSK_F_DGRAM		= 1U << 1,	/* ... one datagram a frame;
						 * else stream framing */
};

/* Longest unix socket path (sizeof(sockaddr_un.sun_path) - 1). */
#define XVS_XSK_PATH_LEN	108

/* Value of xsk_conf (an array of one entry), written once by xvsd when it
 * makes the port.  Never read by the fast path.
 */
struct xvs_xsk_conf {
	__u32 ifindex;			/* switch side, <port> */
	__u32 peer_ifindex;		/* far side, <port>-xsk */
	__u32 queues;			/* 1..XVS_XSK_MAX_QUEUES */
	__u32 flags;			/* enum xvs_xsk_flags */
	__u32 uid, gid;			/* vm_socket's owner; -1: as made */
	__u32 mode;			/* vm_socket's permission bits */
	__u32 pad;
	char  name[16];			/* <port>, NUL-terminated */
	char  vm_socket[XVS_XSK_PATH_LEN];	/* relay's unix socket, or "" */
};

/* What probe writes at the start of the frame it runs on. */
struct xvs_xsk_probe {
	__u32 magic;			/* XVS_XSK_PROBE_MAGIC: it ran */
	__u8  bound[XVS_XSK_MAX_QUEUES];	/* 1: xsks[q] holds a socket */
};
#define XVS_XSK_PROBE_MAGIC	0x78736b70	/* "xskp" */

#endif /* XVS_MAPS_AFXDP_H */
