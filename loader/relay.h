/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/relay.h - the relay between an AF_XDP port and a VM backend that
 * cannot open AF_XDP sockets itself (maps/afxdp.h).
 *
 * QEMU 7.2 (Debian 12) has no af-xdp netdev, but it can connect a
 * virtio-net device to a unix socket: `-netdev stream` (each frame after a
 * 4-byte big-endian length) or `-netdev dgram` (a datagram per frame).
 * The relay owns one AF_XDP socket per queue on the port's far side,
 * registers them in the port's XSKMAP, listens on the unix socket and
 * copies frames both ways.  It runs in a thread of its own with its own
 * poll set, so the daemon's loop never waits on a VM; a VM that is
 * absent, slow or gone makes frames drop with a counted reason.
 */
#ifndef XVS_RELAY_H
#define XVS_RELAY_H

#include <stddef.h>
#include <linux/types.h>
#include <linux/if_xdp.h>

enum relay_framing {
	RELAY_STREAM,			/* -netdev stream: BE32 length + frame */
	RELAY_DGRAM,			/* -netdev dgram: one datagram a frame */
};

struct relay_conf {
	const char *port;		/* the AF_XDP port's name, for logs */
	__u32 ifindex;			/* its far side, <port>-xsk */
	__u32 queues;			/* 1..XVS_XSK_MAX_QUEUES */
	int xsks_fd;			/* the port's XSKMAP */
	const char *path;		/* the unix socket to create */
	__u32 uid, gid;			/* its owner; (__u32)-1: leave as is */
	__u32 mode;			/* its permission bits */
	enum relay_framing framing;
};

struct relay_stats {
	int peer_connected;		/* a VM is connected now */
	int zerocopy;			/* the sockets bound in zero-copy mode */
	__u64 to_peer_packets, to_peer_bytes;
	__u64 from_peer_packets, from_peer_bytes;
	__u64 connects, disconnects;
	/* Frames dropped, by reason. */
	__u64 drop_no_peer;		/* switch -> VM, no VM connected */
	__u64 drop_peer_stalled;	/* switch -> VM, the VM's socket full */
	__u64 drop_too_big;		/* VM -> switch, over the port's MTU */
	__u64 drop_tx_full;		/* VM -> switch, TX ring or UMEM full */
	/* Bytes from the VM that are no frame: a length of 0 or beyond any
	 * frame (the stream connection is closed: it is out of sync), a
	 * datagram from a second or an unbound sender.
	 */
	__u64 protocol_errors;
	/* The sockets' own counters (getsockopt XDP_STATISTICS), summed over
	 * queues: rx_ring_full and rx_fill_ring_empty_descs are the frames
	 * the kernel could not hand over.
	 */
	struct xdp_statistics xsk;
};

struct relay;

/* Create the sockets and the unix socket and start the thread: 0, or
 * -errno with err filled and nothing left behind.
 */
int relay_start(const struct relay_conf *c, struct relay **out,
		char *err, size_t errlen);
/* A consistent snapshot of the counters (safe from any thread). */
void relay_get_stats(struct relay *r, struct relay_stats *s);
/* Stop the thread, close everything, unlink the unix socket, free. */
void relay_stop(struct relay *r);

#endif /* XVS_RELAY_H */
