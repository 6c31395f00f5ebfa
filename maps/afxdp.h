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
 * its maps are its own; xvsd pins them, and the program's link, under
 *
 *   /sys/fs/bpf/xvs/<instance>/afxdp/<port>/{xsks,xsk_stats,link}
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

#endif /* XVS_MAPS_AFXDP_H */
