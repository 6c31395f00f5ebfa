// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/relay.c - the relay between an AF_XDP port and a VM's unix
 * socket (relay.h).
 *
 * Memory.  One UMEM of 4 KiB frames is shared by the port's sockets, one
 * per queue, each with its own fill and completion rings.  Each queue owns
 * RELAY_RING frames for receiving: they live on its fill ring, its rx ring
 * or, for the length of one batch, in our hands, and go straight back to
 * the same fill ring once copied out, so the switch-to-VM direction can
 * never run out of frames.  Transmitting (VM to switch) uses a separate
 * pool of RELAY_RING frames and queue 0's tx ring; a frame returns to the
 * pool when the kernel completes it.  Neither direction can starve the
 * other.
 *
 * Framing.  Stream: every frame is a 4-byte big-endian length and the
 * frame.  A stream must stay in sync, so a frame is written whole or not
 * at all: a short write keeps the rest of that one frame until the socket
 * takes it, and frames arriving meanwhile are dropped whole (the VM is
 * not reading: drop_peer_stalled).  A length the peer could never have
 * meant (0, or more than any frame QEMU sends) leaves us out of sync: the
 * connection is closed.  A frame longer than the port allows is skipped,
 * which keeps sync.  Dgram: a datagram is a frame.  QEMU's dgram netdev
 * binds its own `local` path and sends to ours, so the peer is the
 * address of the first datagram, kept until its socket is gone (a send
 * fails, or the probe once a second finds nothing bound there); until
 * the VM sends its first frame there is nobody to send to.
 *
 * Threads.  relay_start() sets everything up in the caller's thread (so
 * every error is reported to it), then one thread per relay polls the
 * sockets and an eventfd that relay_stop() uses to end it.  The thread
 * owns every field but `pub`, the counters it publishes under `lock` at
 * the end of each round for relay_get_stats().
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <bpf/bpf.h>
#include <xdp/xsk.h>

#include "relay.h"
#include "log.h"
#include "maps/afxdp.h"

#define RELAY_FRAME	XSK_UMEM__DEFAULT_FRAME_SIZE
#define RELAY_RING	512		/* every ring; frames per queue, tx pool */
#define RELAY_BATCH	64		/* frames moved per system call */
#define RELAY_ROUNDS	4		/* batches per queue per poll round */
/* QEMU never sends more than its NET_BUFSIZE (64 KiB + 4 KiB) at once:
 * a longer length is not a frame but a stream out of sync.
 */
#define RELAY_LEN_MAX	(65536 + 4096)
/* A frame may carry a VLAN tag beyond the MTU's payload. */
#define RELAY_L2_HDR	(14 + 4)
#define RELAY_RBUF	(64 * 1024)	/* stream bytes read, not yet framed */
#define RELAY_LOG_NS	1000000000ULL	/* one line a second per kind */

struct relay_queue {
	struct xsk_socket *xsk;
	int fd;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
};

struct relay {
	/* Set up by relay_start(), read-only after. */
	char port[IF_NAMESIZE];
	char ifname[IF_NAMESIZE];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t sock_dev;
	ino_t sock_ino;
	enum relay_framing framing;
	__u32 nq;
	void *area;
	size_t area_len;
	struct xsk_umem *umem;
	struct relay_queue q[XVS_XSK_MAX_QUEUES];
	int lfd;			/* stream: listener; dgram: the socket */
	int efd;			/* written by relay_stop() */
	pthread_t thread;

	/* The thread's own. */
	int pfd;			/* stream: the peer; -1 none */
	struct sockaddr_un peer;	/* dgram: the peer's address */
	socklen_t peer_len;		/* 0: none */
	__u32 max_len;			/* longest frame into the switch */
	__u64 tx_free[RELAY_RING];	/* the tx pool's free frames */
	__u32 n_tx_free;
	__u8 *rbuf;			/* stream bytes not yet framed */
	size_t rlen;
	__u32 skip;			/* bytes of a too-long frame to skip */
	__u8 *wbuf;			/* the unwritten rest of one frame */
	size_t wlen, woff;
	__u8 *dbuf;			/* one datagram */
	__u64 log_ns[4];		/* when each kind of warning was logged */
	__u64 probe_ns;			/* dgram: when the peer was last probed */
	struct relay_stats st;

	pthread_mutex_t lock;
	struct relay_stats pub;		/* st as of the last round */
};

enum { LOG_REFUSED, LOG_PROTO, LOG_KICK, LOG_FOREIGN };

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Log lines of one kind at most once a second: a peer can provoke them. */
static int relay_may_log(struct relay *r, int kind)
{
	__u64 now = mono_ns();

	if (now - r->log_ns[kind] < RELAY_LOG_NS && r->log_ns[kind])
		return 0;
	r->log_ns[kind] = now;
	return 1;
}

/* --- set-up ---------------------------------------------------------- */

static int dev_mtu(const char *ifname, __u32 *mtu)
{
	struct ifreq ifr = {};
	int fd, err = 0;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) < 0)
		err = -errno;
	else
		*mtu = ifr.ifr_mtu;
	close(fd);
	return err;
}

/* The longest frame the far side forwards into the switch: the MTU and
 * an Ethernet header with a tag, within one UMEM frame.  The veth checks
 * a frame crossing it against the MTU of the end it enters (the port,
 * named as the port is); the far side's own is the bound of what it
 * sends, so the smaller of the two.
 */
static void relay_update_max_len(struct relay *r)
{
	__u32 mtu = 1500, port_mtu;

	dev_mtu(r->ifname, &mtu);
	if (!dev_mtu(r->port, &port_mtu) && port_mtu < mtu)
		mtu = port_mtu;
	r->max_len = mtu + RELAY_L2_HDR;
	if (r->max_len > RELAY_FRAME)
		r->max_len = RELAY_FRAME;
}

static int xsk_create(struct relay *r, __u32 qid, __u16 mode)
{
	struct xsk_socket_config cfg = {
		.rx_size = RELAY_RING,
		.tx_size = RELAY_RING,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = mode | XDP_USE_NEED_WAKEUP,
	};
	struct relay_queue *q = &r->q[qid];

	return xsk_socket__create_shared(&q->xsk, r->ifname, qid, r->umem,
					 &q->rx, &q->tx, &q->fill, &q->comp,
					 &cfg);
}

/* The sockets, zero-copy if the driver can (veth cannot).  Queues after
 * the first share the first one's UMEM and therefore its mode.
 */
static int relay_open_xsks(struct relay *r, char *err, size_t errlen)
{
	struct xdp_options opts = {};
	socklen_t len = sizeof(opts);
	__u32 i, k;
	int e;

	e = xsk_create(r, 0, XDP_ZEROCOPY);
	if (e)
		e = xsk_create(r, 0, XDP_COPY);
	for (i = 0; !e && ++i < r->nq;)
		e = xsk_create(r, i, 0);
	if (e) {
		snprintf(err, errlen, "Couldn't bind an AF_XDP socket to '%s' queue %u: %s",
			 r->ifname, i, strerror(-e));
		return e;
	}
	for (i = 0; i < r->nq; i++)
		r->q[i].fd = xsk_socket__fd(r->q[i].xsk);
	if (!getsockopt(r->q[0].fd, SOL_XDP, XDP_OPTIONS, &opts, &len))
		r->st.zerocopy = !!(opts.flags & XDP_OPTIONS_ZEROCOPY);

	/* Every queue's receive frames go to its fill ring now, so frames
	 * flow as soon as the socket is in the map.
	 */
	for (i = 0; i < r->nq; i++) {
		struct relay_queue *q = &r->q[i];
		__u32 idx;

		if (xsk_ring_prod__reserve(&q->fill, RELAY_RING, &idx) != RELAY_RING) {
			snprintf(err, errlen, "Couldn't fill the fill ring of '%s' queue %u",
				 r->ifname, i);
			return -ENOSPC;
		}
		for (k = 0; k < RELAY_RING; k++)
			*xsk_ring_prod__fill_addr(&q->fill, idx + k) =
				(__u64)(i * RELAY_RING + k) * RELAY_FRAME;
		xsk_ring_prod__submit(&q->fill, RELAY_RING);
	}
	for (k = 0; k < RELAY_RING; k++)
		r->tx_free[k] = (__u64)(r->nq * RELAY_RING + k) * RELAY_FRAME;
	r->n_tx_free = RELAY_RING;
	return 0;
}

static int relay_register(struct relay *r, int xsks_fd, char *err, size_t errlen)
{
	__u32 i;
	int e;

	for (i = 0; i < r->nq; i++) {
		e = xsk_socket__update_xskmap(r->q[i].xsk, xsks_fd);
		if (e) {
			e = e < 0 ? e : -errno;
			snprintf(err, errlen, "Couldn't put the socket of '%s' queue %u in its XSKMAP: %s",
				 r->ifname, i, strerror(-e));
			return e;
		}
	}
	return 0;
}

/* A socket file already at path: a stale one (nobody listening) is
 * removed, a live one or anything else is not ours to take.
 */
static int relay_clear_path(const struct sockaddr_un *sun, int type)
{
	struct stat sb;
	int fd, e;

	if (lstat(sun->sun_path, &sb) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(sb.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	e = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) ? errno : 0;
	close(fd);
	if (!e)
		return -EADDRINUSE;
	if (e != ECONNREFUSED)
		return -e;
	return unlink(sun->sun_path) ? -errno : 0;
}

static int relay_listen(struct relay *r, const struct relay_conf *c,
			char *err, size_t errlen)
{
	int type = c->framing == RELAY_STREAM ? SOCK_STREAM : SOCK_DGRAM;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *what;
	struct stat sb;
	int e;

	memcpy(sun.sun_path, r->path, sizeof(sun.sun_path));
	what = "create";
	e = relay_clear_path(&sun, type);
	if (e)
		goto fail;
	r->lfd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->lfd < 0)
		goto fail_errno;
	/* bind() gives the file the socket inode's mode less the umask:
	 * owner-only until chown/chmod below, so nobody else can connect
	 * in between, whatever the daemon's umask.
	 */
	what = "bind";
	if (fchmod(r->lfd, 0600) < 0 ||
	    bind(r->lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		goto fail_errno;
	what = "listen on";
	if (type == SOCK_STREAM && listen(r->lfd, 4) < 0)
		goto fail_unlink;
	what = "chown";
	if ((c->uid != (__u32)-1 || c->gid != (__u32)-1) &&
	    chown(r->path, c->uid, c->gid) < 0)
		goto fail_unlink;
	what = "chmod";
	if (chmod(r->path, c->mode & 07777) < 0 || stat(r->path, &sb) < 0)
		goto fail_unlink;
	r->sock_dev = sb.st_dev;
	r->sock_ino = sb.st_ino;
	return 0;

fail_unlink:
	e = -errno;
	unlink(r->path);
	goto fail;
fail_errno:
	e = -errno;
fail:
	snprintf(err, errlen, "Couldn't %s the VM socket '%s': %s%s", what,
		 r->path, strerror(-e),
		 e == -EADDRINUSE ? " (another relay is listening there)" :
		 e == -EEXIST ? " (a file that is not a socket)" :
		 e == -ENOENT ? " (its directory must exist)" : "");
	return e;
}

/* --- the peer -------------------------------------------------------- */

static void peer_gone(struct relay *r, const char *why)
{
	if (r->framing == RELAY_STREAM) {
		if (r->pfd < 0)
			return;
		close(r->pfd);
		r->pfd = -1;
	} else {
		if (!r->peer_len)
			return;
		r->peer_len = 0;
	}
	r->rlen = r->skip = 0;
	r->wlen = r->woff = 0;
	r->st.peer_connected = 0;
	r->st.disconnects++;
	pr_info("relay %s: VM disconnected from %s (%s)", r->port, r->path, why);
}

static void peer_come(struct relay *r)
{
	relay_update_max_len(r);
	r->st.peer_connected = 1;
	r->st.connects++;
	pr_info("relay %s: VM connected on %s", r->port, r->path);
}

static void stream_accept(struct relay *r)
{
	int fd = accept4(r->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	/* One VM a port: a second one would see half the frames. */
	if (r->pfd >= 0) {
		if (relay_may_log(r, LOG_REFUSED))
			pr_warn("relay %s: refused a second VM on %s (one is connected)",
				r->port, r->path);
		close(fd);
		return;
	}
	r->pfd = fd;
	peer_come(r);
}

/* The rest of a frame a short write cut: 1 once all of it is written. */
static int stream_flush(struct relay *r)
{
	ssize_t n;

	while (r->woff < r->wlen) {
		n = send(r->pfd, r->wbuf + r->woff, r->wlen - r->woff,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			peer_gone(r, strerror(errno));
			return 0;
		}
		r->woff += n;
	}
	r->wlen = r->woff = 0;
	return 1;
}

/* --- switch -> VM ---------------------------------------------------- */

struct frame {
	void *data;
	__u32 len;
};

/* Keep what the socket did not take of frame f, `done` bytes of which
 * (its length word included) were written.
 */
static void stream_keep(struct relay *r, const struct frame *f, size_t done)
{
	__be32 hdr = htonl(f->len);
	size_t i = 0;

	if (done < 4) {
		memcpy(r->wbuf, (__u8 *)&hdr + done, 4 - done);
		i = 4 - done;
		done = 0;
	} else {
		done -= 4;
	}
	memcpy(r->wbuf + i, (__u8 *)f->data + done, f->len - done);
	r->wlen = i + f->len - done;
	r->woff = 0;
}

static void stream_send(struct relay *r, const struct frame *f, __u32 n)
{
	struct iovec iov[2 * RELAY_BATCH];
	__be32 hdr[RELAY_BATCH];
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 * n };
	size_t left, want;
	ssize_t sent;
	__u32 i;

	if (r->wlen && !stream_flush(r)) {
		r->st.drop_peer_stalled += r->pfd < 0 ? 0 : n;
		r->st.drop_no_peer += r->pfd < 0 ? n : 0;
		return;
	}
	for (i = 0; i < n; i++) {
		hdr[i] = htonl(f[i].len);
		iov[2 * i] = (struct iovec){ &hdr[i], 4 };
		iov[2 * i + 1] = (struct iovec){ f[i].data, f[i].len };
	}
	sent = sendmsg(r->pfd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (sent < 0) {
		if (errno == EAGAIN || errno == EINTR) {
			r->st.drop_peer_stalled += n;
			return;
		}
		peer_gone(r, strerror(errno));
		r->st.drop_no_peer += n;
		return;
	}
	left = sent;
	for (i = 0; i < n; i++) {
		want = 4 + f[i].len;
		if (left == 0)
			break;
		if (left < want)
			stream_keep(r, &f[i], left);
		r->st.to_peer_packets++;
		r->st.to_peer_bytes += f[i].len;
		left -= left < want ? left : want;
	}
	r->st.drop_peer_stalled += n - i;
}

static void dgram_send(struct relay *r, const struct frame *f, __u32 n)
{
	struct mmsghdr m[RELAY_BATCH];
	struct iovec iov[RELAY_BATCH];
	__u32 i;
	int sent;

	memset(m, 0, n * sizeof(m[0]));
	for (i = 0; i < n; i++) {
		iov[i] = (struct iovec){ f[i].data, f[i].len };
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
		m[i].msg_hdr.msg_name = &r->peer;
		m[i].msg_hdr.msg_namelen = r->peer_len;
	}
	sent = sendmmsg(r->lfd, m, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (sent < 0) {
		sent = 0;
		/* The VM's socket is gone (ECONNREFUSED, ENOENT): forget it
		 * until it sends again.
		 */
		if (errno != EAGAIN && errno != EINTR && errno != ENOBUFS) {
			peer_gone(r, strerror(errno));
			r->st.drop_no_peer += n;
			return;
		}
	}
	for (i = 0; i < (__u32)sent; i++) {
		r->st.to_peer_packets++;
		r->st.to_peer_bytes += f[i].len;
	}
	r->st.drop_peer_stalled += n - sent;
}

static void to_peer(struct relay *r, const struct frame *f, __u32 n)
{
	if (r->framing == RELAY_STREAM ? r->pfd < 0 : !r->peer_len)
		r->st.drop_no_peer += n;
	else if (r->framing == RELAY_STREAM)
		stream_send(r, f, n);
	else
		dgram_send(r, f, n);
}

/* One batch from a queue's rx ring to the peer; the frames go back to
 * the queue's fill ring at once.  Returns the number of frames.
 */
static __u32 queue_rx(struct relay *r, struct relay_queue *q)
{
	struct frame f[RELAY_BATCH];
	__u64 addr[RELAY_BATCH];
	__u32 n, i, idx, fidx;

	n = xsk_ring_cons__peek(&q->rx, RELAY_BATCH, &idx);
	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx + i);

		f[i].data = xsk_umem__get_data(r->area, d->addr);
		f[i].len = d->len;
		addr[i] = d->addr & ~(__u64)(RELAY_FRAME - 1);
	}
	to_peer(r, f, n);
	xsk_ring_cons__release(&q->rx, n);

	/* The queue owns exactly as many frames as its fill ring holds:
	 * the reservation cannot fail.
	 */
	if (xsk_ring_prod__reserve(&q->fill, n, &fidx) != n)
		return n;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fill, fidx + i) = addr[i];
	xsk_ring_prod__submit(&q->fill, n);
	if (xsk_ring_prod__needs_wakeup(&q->fill))
		recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	return n;
}

/* --- VM -> switch ---------------------------------------------------- */

static void tx_reap(struct relay *r)
{
	struct relay_queue *q = &r->q[0];
	__u32 n, i, idx;

	n = xsk_ring_cons__peek(&q->comp, RELAY_RING, &idx);
	for (i = 0; i < n; i++)
		r->tx_free[r->n_tx_free++] =
			*xsk_ring_cons__comp_addr(&q->comp, idx + i) & ~(__u64)(RELAY_FRAME - 1);
	if (n)
		xsk_ring_cons__release(&q->comp, n);
}

/* Copy mode sends at most 32 frames a kick and says EAGAIN while more
 * are left on the ring: kick until it is empty or the device pushes
 * back (EAGAIN with nothing taken, EBUSY, ENOBUFS), when the frames stay
 * on the ring for the next round (which comes soon while any are out).
 */
#define RELAY_KICKS	(RELAY_RING / 32 + 1)

static void tx_kick(struct relay *r)
{
	struct relay_queue *q = &r->q[0];
	__u32 left, was, i;

	if (!xsk_ring_prod__needs_wakeup(&q->tx))
		return;
	left = RELAY_RING - xsk_prod_nb_free(&q->tx, RELAY_RING);
	for (i = 0; i < RELAY_KICKS && left; i++) {
		if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			return;
		if (errno != EAGAIN && errno != EBUSY && errno != ENOBUFS &&
		    errno != EINTR) {
			if (relay_may_log(r, LOG_KICK))
				pr_warn("relay %s: couldn't kick the tx ring of '%s': %s",
					r->port, r->ifname, strerror(errno));
			return;
		}
		was = left;
		left = RELAY_RING - xsk_prod_nb_free(&q->tx, RELAY_RING);
		if (errno != EAGAIN || left == was)
			return;
	}
}

/* Put one frame on the tx ring (submitted by tx_submit()). */
static void tx_put(struct relay *r, const __u8 *data, __u32 len, __u32 *queued)
{
	struct relay_queue *q = &r->q[0];
	struct xdp_desc *d;
	__u32 idx;

	if (!r->n_tx_free)
		tx_reap(r);
	if (!r->n_tx_free || xsk_ring_prod__reserve(&q->tx, 1, &idx) != 1) {
		r->st.drop_tx_full++;
		return;
	}
	d = xsk_ring_prod__tx_desc(&q->tx, idx);
	d->addr = r->tx_free[--r->n_tx_free];
	d->len = len;
	d->options = 0;
	memcpy(xsk_umem__get_data(r->area, d->addr), data, len);
	r->st.from_peer_packets++;
	r->st.from_peer_bytes += len;
	(*queued)++;
}

static void tx_submit(struct relay *r, __u32 queued)
{
	if (!queued)
		return;
	xsk_ring_prod__submit(&r->q[0].tx, queued);
	tx_kick(r);
}

/* Frames from the peer: one that is too long for the port is dropped,
 * one that is empty is not a frame.  Returns 0, or -EPROTO.
 */
static int from_peer(struct relay *r, const __u8 *data, __u32 len, __u32 *queued)
{
	if (!len || len > RELAY_LEN_MAX) {
		r->st.protocol_errors++;
		return -EPROTO;
	}
	if (len > r->max_len) {
		r->st.drop_too_big++;
		return 0;
	}
	tx_put(r, data, len, queued);
	return 0;
}

/* Cut whole frames out of the bytes read; keep a partial one. */
static int stream_parse(struct relay *r, __u32 *queued)
{
	size_t off = 0, n;
	__u32 len;

	while (off < r->rlen) {
		if (r->skip) {
			n = r->rlen - off < r->skip ? r->rlen - off : r->skip;
			off += n;
			r->skip -= n;
			continue;
		}
		if (r->rlen - off < 4)
			break;
		memcpy(&len, r->rbuf + off, 4);
		len = ntohl(len);
		if (!len || len > RELAY_LEN_MAX) {
			r->st.protocol_errors++;
			return -EPROTO;
		}
		if (len > r->max_len) {
			/* Longer than a frame we can carry, but a length all
			 * the same: skipping it keeps the stream in sync.
			 */
			r->st.drop_too_big++;
			off += 4;
			r->skip = len;
			continue;
		}
		if (r->rlen - off < 4 + len)
			break;
		from_peer(r, r->rbuf + off + 4, len, queued);
		off += 4 + len;
	}
	memmove(r->rbuf, r->rbuf + off, r->rlen - off);
	r->rlen -= off;
	return 0;
}

static void stream_read(struct relay *r)
{
	__u32 queued = 0;
	ssize_t n;
	int e;

	n = recv(r->pfd, r->rbuf + r->rlen, RELAY_RBUF - r->rlen, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		peer_gone(r, n ? strerror(errno) : "it closed the connection");
		return;
	}
	r->rlen += n;
	e = stream_parse(r, &queued);
	tx_submit(r, queued);
	if (e) {
		if (relay_may_log(r, LOG_PROTO))
			pr_warn("relay %s: the VM on %s sent a frame length of no frame; closing its connection",
				r->port, r->path);
		peer_gone(r, "protocol error");
	}
}

static int same_peer(const struct relay *r, const struct sockaddr_un *a, socklen_t len)
{
	return len == r->peer_len && !memcmp(a, &r->peer, len);
}

static void dgram_read(struct relay *r)
{
	struct sockaddr_un from;
	__u32 queued = 0, i;
	socklen_t flen;
	ssize_t n;

	for (i = 0; i < RELAY_BATCH; i++) {
		flen = sizeof(from);
		n = recvfrom(r->lfd, r->dbuf, RELAY_LEN_MAX, MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&from, &flen);
		if (n < 0)
			break;
		/* Nobody to answer: an unbound sender, or a second VM
		 * while the first still has its socket.
		 */
		if (flen <= offsetof(struct sockaddr_un, sun_path) ||
		    (r->peer_len && !same_peer(r, &from, flen))) {
			r->st.protocol_errors++;
			if (relay_may_log(r, LOG_FOREIGN))
				pr_warn("relay %s: ignored a datagram on %s from %s",
					r->port, r->path, r->peer_len ?
					"a second sender" : "an unbound sender");
			continue;
		}
		if (!r->peer_len) {
			memcpy(&r->peer, &from, flen);
			r->peer_len = flen;
			peer_come(r);
		}
		from_peer(r, r->dbuf, n, &queued);
	}
	tx_submit(r, queued);
}

/* --- the thread ------------------------------------------------------ */

/* A dgram peer that goes away says nothing, and nothing tells while no
 * frame is sent to it.  Once a second, a connect() to its address asks
 * whether a socket is still bound there (no datagram is sent: QEMU
 * takes an empty one for the end of the connection).
 */
static void dgram_probe(struct relay *r)
{
	__u64 now = mono_ns();
	int fd, e;

	if (r->framing != RELAY_DGRAM || !r->peer_len ||
	    now - r->probe_ns < RELAY_LOG_NS)
		return;
	r->probe_ns = now;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	e = connect(fd, (struct sockaddr *)&r->peer, r->peer_len) ? errno : 0;
	close(fd);
	if (e == ECONNREFUSED || e == ENOENT)
		peer_gone(r, "its socket is gone");
}

static void relay_publish(struct relay *r)
{
	pthread_mutex_lock(&r->lock);
	r->pub = r->st;
	pthread_mutex_unlock(&r->lock);
}

static int relay_poll(struct relay *r, struct pollfd *p)
{
	int n = 0, timeout = -1;
	__u32 i;

	p[n++] = (struct pollfd){ .fd = r->efd, .events = POLLIN };
	p[n++] = (struct pollfd){ .fd = r->lfd, .events = POLLIN };
	p[n++] = (struct pollfd){ .fd = r->pfd,
		.events = POLLIN | (r->wlen ? POLLOUT : 0) };
	for (i = 0; i < r->nq; i++)
		p[n++] = (struct pollfd){ .fd = r->q[i].fd, .events = POLLIN };
	/* Completions and a tx ring the kernel left half sent raise no
	 * event: look again soon while frames are out.
	 */
	if (r->n_tx_free < RELAY_RING)
		timeout = 10;
	else if (r->framing == RELAY_DGRAM && r->peer_len)
		timeout = 1000;
	return poll(p, n, timeout);
}

static void *relay_main(void *arg)
{
	struct pollfd p[3 + XVS_XSK_MAX_QUEUES];
	struct relay *r = arg;
	__u32 i, k;

	for (;;) {
		if (relay_poll(r, p) < 0 && errno != EINTR) {
			pr_err("relay %s: poll: %s", r->port, strerror(errno));
			break;
		}
		if (p[0].revents)
			break;
		if (p[1].revents & POLLIN) {
			if (r->framing == RELAY_STREAM)
				stream_accept(r);
			else
				dgram_read(r);
		}
		if (r->pfd >= 0 && (p[2].revents & POLLOUT))
			stream_flush(r);
		if (r->pfd >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR)))
			stream_read(r);
		for (i = 0; i < r->nq; i++)
			for (k = 0; k < RELAY_ROUNDS; k++)
				if (queue_rx(r, &r->q[i]) < RELAY_BATCH)
					break;
		tx_reap(r);
		/* Frames the kernel left on the ring (a kick that found it
		 * busy) need another; an empty ring would only be counted
		 * as one more tx_ring_empty_descs.
		 */
		if (xsk_prod_nb_free(&r->q[0].tx, RELAY_RING) < RELAY_RING)
			tx_kick(r);
		dgram_probe(r);
		relay_publish(r);
	}
	return NULL;
}

/* --- the interface --------------------------------------------------- */

static void relay_free(struct relay *r)
{
	struct stat sb;
	__u32 i;

	if (r->pfd >= 0)
		close(r->pfd);
	if (r->lfd >= 0) {
		close(r->lfd);
		/* Only our own socket file: another may have taken the path. */
		if (!stat(r->path, &sb) && sb.st_dev == r->sock_dev &&
		    sb.st_ino == r->sock_ino)
			unlink(r->path);
	}
	if (r->efd >= 0)
		close(r->efd);
	/* Closing a socket takes it out of the XSKMAP.  The first socket
	 * holds the UMEM: it goes last.
	 */
	for (i = r->nq; i-- > 0;)
		xsk_socket__delete(r->q[i].xsk);
	xsk_umem__delete(r->umem);
	if (r->area && r->area != MAP_FAILED)
		munmap(r->area, r->area_len);
	free(r->rbuf);
	free(r->wbuf);
	free(r->dbuf);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static int relay_check(const struct relay_conf *c, char *err, size_t errlen)
{
	if (!c->queues || c->queues > XVS_XSK_MAX_QUEUES) {
		snprintf(err, errlen, "%u queues: an AF_XDP port has 1 to %u",
			 c->queues, XVS_XSK_MAX_QUEUES);
		return -EINVAL;
	}
	if (!c->path || !*c->path ||
	    strlen(c->path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(err, errlen, "VM socket path '%s': empty or longer than %zu bytes",
			 c->path ? c->path : "",
			 sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		return -EINVAL;
	}
	if (c->framing != RELAY_STREAM && c->framing != RELAY_DGRAM) {
		snprintf(err, errlen, "framing %d: stream or dgram", c->framing);
		return -EINVAL;
	}
	return 0;
}

static int relay_alloc(const struct relay_conf *c, struct relay **out,
		       char *err, size_t errlen)
{
	struct relay *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->lfd = r->efd = r->pfd = -1;
	pthread_mutex_init(&r->lock, NULL);
	*out = r;
	snprintf(r->port, sizeof(r->port), "%s", c->port ? c->port : "?");
	snprintf(r->path, sizeof(r->path), "%s", c->path);
	r->framing = c->framing;
	r->nq = c->queues;
	if (!if_indextoname(c->ifindex, r->ifname)) {
		snprintf(err, errlen, "No interface %u for the far side of '%s': %s",
			 c->ifindex, r->port, strerror(errno));
		return -ENODEV;
	}
	relay_update_max_len(r);
	r->rbuf = malloc(RELAY_RBUF);
	r->wbuf = malloc(4 + RELAY_FRAME);
	r->dbuf = malloc(RELAY_LEN_MAX);
	r->area_len = (size_t)(r->nq + 1) * RELAY_RING * RELAY_FRAME;
	r->area = mmap(NULL, r->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!r->rbuf || !r->wbuf || !r->dbuf || r->area == MAP_FAILED) {
		snprintf(err, errlen, "Couldn't allocate the relay of '%s': %s",
			 r->port, strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

static int relay_umem(struct relay *r, char *err, size_t errlen)
{
	struct xsk_umem_config cfg = {
		.fill_size = RELAY_RING,
		.comp_size = RELAY_RING,
		.frame_size = RELAY_FRAME,
		.frame_headroom = 0,
		.flags = 0,
	};
	int e;

	e = xsk_umem__create(&r->umem, r->area, r->area_len, &r->q[0].fill,
			     &r->q[0].comp, &cfg);
	if (e)
		snprintf(err, errlen, "Couldn't register the UMEM of '%s': %s",
			 r->port, strerror(-e));
	return e;
}

/* The thread gets no signal: the daemon takes them in its own loop. */
static int relay_spawn(struct relay *r, char *err, size_t errlen)
{
	sigset_t all, old;
	int e;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = -pthread_create(&r->thread, NULL, relay_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e)
		snprintf(err, errlen, "Couldn't start the relay thread of '%s': %s",
			 r->port, strerror(-e));
	return e;
}

int relay_start(const struct relay_conf *c, struct relay **out,
		char *err, size_t errlen)
{
	struct relay *r = NULL;
	int e;

	e = relay_check(c, err, errlen);
	if (!e)
		e = relay_alloc(c, &r, err, errlen);
	if (!e)
		e = relay_umem(r, err, errlen);
	if (!e)
		e = relay_open_xsks(r, err, errlen);
	if (!e)
		e = relay_register(r, c->xsks_fd, err, errlen);
	if (!e)
		e = relay_listen(r, c, err, errlen);
	if (!e) {
		r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (r->efd < 0) {
			e = -errno;
			snprintf(err, errlen, "Couldn't create an eventfd: %s",
				 strerror(-e));
		}
	}
	if (!e) {
		r->pub = r->st;
		e = relay_spawn(r, err, errlen);
	}
	if (e) {
		if (r)
			relay_free(r);
		return e;
	}
	pr_info("relay %s: %u queue%s on '%s' in %s mode, VM socket %s (%s)",
		r->port, c->queues, c->queues > 1 ? "s" : "",
		r->ifname, r->st.zerocopy ? "zero-copy" : "copy", r->path,
		c->framing == RELAY_STREAM ? "stream" : "dgram");
	*out = r;
	return 0;
}

void relay_get_stats(struct relay *r, struct relay_stats *s)
{
	struct xdp_statistics x;
	socklen_t len;
	__u32 i;

	pthread_mutex_lock(&r->lock);
	*s = r->pub;
	pthread_mutex_unlock(&r->lock);
	memset(&s->xsk, 0, sizeof(s->xsk));
	for (i = 0; i < r->nq; i++) {
		memset(&x, 0, sizeof(x));
		len = sizeof(x);
		if (getsockopt(r->q[i].fd, SOL_XDP, XDP_STATISTICS, &x, &len))
			continue;
		s->xsk.rx_dropped += x.rx_dropped;
		s->xsk.rx_invalid_descs += x.rx_invalid_descs;
		s->xsk.tx_invalid_descs += x.tx_invalid_descs;
		s->xsk.rx_ring_full += x.rx_ring_full;
		s->xsk.rx_fill_ring_empty_descs += x.rx_fill_ring_empty_descs;
		s->xsk.tx_ring_empty_descs += x.tx_ring_empty_descs;
	}
}

void relay_stop(struct relay *r)
{
	__u64 one = 1;

	if (!r)
		return;
	/* An eventfd write fails only on overflow, which one write a
	 * relay cannot reach.
	 */
	if (write(r->efd, &one, sizeof(one)) != sizeof(one))
		pr_warn("relay %s: couldn't wake its thread: %s", r->port, strerror(errno));
	pthread_join(r->thread, NULL);
	if (r->pfd >= 0)
		pr_info("relay %s: VM disconnected from %s (relay stopped)",
			r->port, r->path);
	relay_free(r);
}
