// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * stream_peer.c - stands in for QEMU on the VM socket of an AF_XDP port's
 * relay (loader/relay.h), speaking what QEMU 7.2's `-netdev stream` (a
 * 4-byte big-endian length before each frame) or `-netdev dgram` (a
 * datagram a frame, from a bound socket of its own) speaks.
 *
 * Behind the socket it plays a minimal IPv4 guest with its MAC and IP: it
 * answers ARP requests for its IP and ICMP echo requests to it.  With
 * --ping it resolves TARGET by ARP and sends COUNT echo requests, 100 ms
 * apart, and succeeds only if all were answered.  The misbehaviours the
 * relay must survive are options: --stall connects and does not read
 * until SIGUSR1 (then reads on, checking that every frame is whole: a
 * length that fits and, for IPv4, a good header checksum),
 * --bad-length sends a length word that is no frame, --big sends a frame
 * longer than the port takes, --burst sends N broadcast frames of LEN
 * bytes (--burst-len, 1000) back to back.  Every run is bounded by --timeout; on
 * SIGTERM/SIGINT or at the end it reads what is already waiting and
 * prints one line of counts:
 *
 *   rx=N rx_bytes=N tx=N tx_bytes=N answered=N replies=N/COUNT closed=0|1 bad=N
 *
 * (closed=1: the relay closed the connection; bad: frames not whole.)
 *
 * Usage: stream_peer --socket PATH --mac MAC --ip ADDR
 *                    [--dgram LOCAL] [--ping TARGET [--count N]]
 *                    [--stall] [--bad-length N] [--big LEN]
 *                    [--burst N [--burst-len LEN]]
 *                    [--timeout S] [--frames N] [--verbose]
 * Exit: 0 done (pings all answered), 1 failure, 2 bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX	(65536 + 4096)
#define PAYLOAD_LEN	56
#define PING_GAP_MS	100
#define ARP_RETRY_MS	300

struct peer {
	int fd;
	int dgram;
	struct sockaddr_un remote;	/* dgram: the relay's socket */
	uint8_t mac[ETH_ALEN];
	uint32_t ip;			/* network order, as target */
	uint32_t target;
	uint8_t target_mac[ETH_ALEN];
	int target_known;
	unsigned int count, sent, replies;
	uint8_t answered_seq[256];
	int stall, verbose, closed;
	long long deadline, next_tx;
	unsigned long frames_max;
	/* Counts printed at the end. */
	unsigned long rx, rx_bytes, tx, tx_bytes, answered, bad;
	/* Stream bytes read, not yet framed. */
	uint8_t buf[2 * FRAME_MAX];
	size_t len;
};

static volatile sig_atomic_t stop, wake;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		wake = 1;
	else
		stop = 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static uint16_t csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* Write one whole frame in the socket's framing (blocking: a test tool). */
static int send_frame(struct peer *p, const uint8_t *f, size_t len)
{
	uint32_t hdr = htonl(len);
	struct iovec iov[2] = { { &hdr, 4 }, { (void *)f, len } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t want = 4 + len, done = 0;
	ssize_t n;

	if (p->dgram) {
		n = sendto(p->fd, f, len, 0, (struct sockaddr *)&p->remote,
			   sizeof(p->remote));
		if (n < 0)
			return -errno;
	} else {
		while (done < want) {
			n = sendmsg(p->fd, &m, MSG_NOSIGNAL);
			if (n < 0)
				return -errno;
			done += n;
			/* Move the iovecs past what went out. */
			while (n > 0 && m.msg_iovlen) {
				size_t k = (size_t)n < m.msg_iov->iov_len ?
					   (size_t)n : m.msg_iov->iov_len;

				m.msg_iov->iov_base = (uint8_t *)m.msg_iov->iov_base + k;
				m.msg_iov->iov_len -= k;
				n -= k;
				if (!m.msg_iov->iov_len) {
					m.msg_iov++;
					m.msg_iovlen--;
				}
			}
		}
	}
	p->tx++;
	p->tx_bytes += len;
	return 0;
}

static void eth_fill(struct ether_header *eh, const uint8_t *dst,
		     const uint8_t *src, uint16_t type)
{
	memcpy(eh->ether_dhost, dst, ETH_ALEN);
	memcpy(eh->ether_shost, src, ETH_ALEN);
	eh->ether_type = htons(type);
}

static int send_arp(struct peer *p, uint16_t op, const uint8_t *tha, uint32_t tpa)
{
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[60] = {};
	struct ether_arp *a = (void *)(f + ETH_HLEN);

	eth_fill((void *)f, op == ARPOP_REQUEST ? bcast : tha, p->mac, ETHERTYPE_ARP);
	a->arp_hrd = htons(ARPHRD_ETHER);
	a->arp_pro = htons(ETHERTYPE_IP);
	a->arp_hln = ETH_ALEN;
	a->arp_pln = 4;
	a->arp_op = htons(op);
	memcpy(a->arp_sha, p->mac, ETH_ALEN);
	memcpy(a->arp_spa, &p->ip, 4);
	if (op == ARPOP_REPLY)
		memcpy(a->arp_tha, tha, ETH_ALEN);
	memcpy(a->arp_tpa, &tpa, 4);
	return send_frame(p, f, sizeof(f));
}

/* An ICMP echo request (type 8) or reply (0) with `data` as its payload. */
static int send_icmp(struct peer *p, const uint8_t *dmac, uint32_t dst,
		     uint8_t type, uint16_t id, uint16_t seq,
		     const uint8_t *data, size_t dlen)
{
	uint8_t f[ETH_HLEN + 20 + 8 + 1500];
	struct iphdr *ip = (void *)(f + ETH_HLEN);
	struct icmphdr *ic = (void *)(ip + 1);
	size_t len = 20 + 8 + dlen;

	if (dlen > 1500)
		return -EMSGSIZE;
	eth_fill((void *)f, dmac, p->mac, ETHERTYPE_IP);
	memset(ip, 0, 20);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(len);
	ip->ttl = 64;
	ip->protocol = IPPROTO_ICMP;
	ip->saddr = p->ip;
	ip->daddr = dst;
	ip->check = csum(ip, 20);
	memset(ic, 0, 8);
	ic->type = type;
	ic->un.echo.id = htons(id);
	ic->un.echo.sequence = htons(seq);
	memcpy(ic + 1, data, dlen);
	ic->checksum = csum(ic, 8 + dlen);
	return send_frame(p, f, ETH_HLEN + len);
}

static void on_arp(struct peer *p, const uint8_t *f, size_t len)
{
	const struct ether_arp *a = (const void *)(f + ETH_HLEN);
	uint32_t spa, tpa;

	if (len < ETH_HLEN + sizeof(*a) || ntohs(a->arp_pro) != ETHERTYPE_IP)
		return;
	memcpy(&spa, a->arp_spa, 4);
	memcpy(&tpa, a->arp_tpa, 4);
	if (ntohs(a->arp_op) == ARPOP_REQUEST && tpa == p->ip) {
		if (!send_arp(p, ARPOP_REPLY, a->arp_sha, spa))
			p->answered++;
	} else if (ntohs(a->arp_op) == ARPOP_REPLY && p->target && spa == p->target) {
		memcpy(p->target_mac, a->arp_sha, ETH_ALEN);
		p->target_known = 1;
	}
}

static void on_ipv4(struct peer *p, const uint8_t *f, size_t len)
{
	const struct ether_header *eh = (const void *)f;
	const struct iphdr *ip = (const void *)(f + ETH_HLEN);
	const struct icmphdr *ic;
	size_t ihl, tot;

	if (len < ETH_HLEN + 20 || ip->version != 4 || ip->ihl < 5 ||
	    len < ETH_HLEN + ip->ihl * 4u || csum(ip, ip->ihl * 4)) {
		p->bad++;
		return;
	}
	ihl = ip->ihl * 4;
	tot = ntohs(ip->tot_len);
	if (tot < ihl + 8 || ETH_HLEN + tot > len || ip->protocol != IPPROTO_ICMP ||
	    ip->daddr != p->ip)
		return;
	ic = (const void *)((const uint8_t *)ip + ihl);
	if (ic->type == ICMP_ECHO) {
		if (!send_icmp(p, eh->ether_shost, ip->saddr, ICMP_ECHOREPLY,
			       ntohs(ic->un.echo.id), ntohs(ic->un.echo.sequence),
			       (const uint8_t *)(ic + 1), tot - ihl - 8))
			p->answered++;
	} else if (ic->type == ICMP_ECHOREPLY && ip->saddr == p->target &&
		   ntohs(ic->un.echo.id) == (getpid() & 0xffff)) {
		unsigned int seq = ntohs(ic->un.echo.sequence);

		if (seq < p->count && seq < sizeof(p->answered_seq) &&
		    !p->answered_seq[seq]) {
			p->answered_seq[seq] = 1;
			p->replies++;
		}
	}
}

static void on_frame(struct peer *p, const uint8_t *f, size_t len)
{
	const struct ether_header *eh = (const void *)f;

	p->rx++;
	p->rx_bytes += len;
	/* A frame from the switch is at most 1500 + a header and a tag. */
	if (len < ETH_HLEN || len > 1518) {
		p->bad++;
		return;
	}
	if (p->verbose)
		fprintf(stderr, "stream_peer: frame %zu bytes type %04x\n", len,
			ntohs(eh->ether_type));
	if (ntohs(eh->ether_type) == ETHERTYPE_ARP)
		on_arp(p, f, len);
	else if (ntohs(eh->ether_type) == ETHERTYPE_IP)
		on_ipv4(p, f, len);
}

/* Read what is there; 0, or -1 once the relay closed the connection. */
static int receive(struct peer *p)
{
	size_t off = 0;
	uint32_t flen;
	ssize_t n;

	if (p->dgram) {
		n = recv(p->fd, p->buf, sizeof(p->buf), MSG_DONTWAIT);
		if (n > 0)
			on_frame(p, p->buf, n);
		return 0;
	}
	n = recv(p->fd, p->buf + p->len, sizeof(p->buf) - p->len, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	p->len += n;
	while (p->len - off >= 4) {
		memcpy(&flen, p->buf + off, 4);
		flen = ntohl(flen);
		if (flen > FRAME_MAX) {
			fprintf(stderr, "stream_peer: the relay sent length %u\n", flen);
			return -1;
		}
		if (p->len - off < 4 + flen)
			break;
		on_frame(p, p->buf + off + 4, flen);
		off += 4 + flen;
	}
	memmove(p->buf, p->buf + off, p->len - off);
	p->len -= off;
	return 0;
}

/* The pinging side: ARP until the target answers, then the echoes. */
static void ping_step(struct peer *p)
{
	static const uint8_t data[PAYLOAD_LEN] = "xvs stream_peer";
	long long now = now_ms();

	if (!p->target || p->sent >= p->count || now < p->next_tx)
		return;
	if (!p->target_known) {
		send_arp(p, ARPOP_REQUEST, NULL, p->target);
		p->next_tx = now + ARP_RETRY_MS;
		return;
	}
	send_icmp(p, p->target_mac, p->target, ICMP_ECHO, getpid() & 0xffff,
		  p->sent++, data, sizeof(data));
	p->next_tx = now + PING_GAP_MS;
}

/* N broadcast frames of an experimental EtherType (IEEE 802 local,
 * 0x88b5), that no station answers, as fast as the socket takes them.
 */
static int send_burst(struct peer *p, long long n, size_t len)
{
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[1514] = {};
	long long i;
	int e;

	eth_fill((void *)f, bcast, p->mac, 0x88b5);
	for (i = 0; i < n && !stop && now_ms() < p->deadline; i++) {
		memcpy(f + ETH_HLEN, &i, sizeof(i));
		e = send_frame(p, f, len);
		if (e < 0) {
			errno = -e;
			return -1;
		}
	}
	return 0;
}

static int done(const struct peer *p)
{
	if (stop || now_ms() >= p->deadline || p->closed)
		return 1;
	if (p->frames_max && p->rx >= p->frames_max)
		return 1;
	return p->target && p->replies == p->count;
}

static int connect_to(struct peer *p, const char *path, const char *local)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	snprintf(p->remote.sun_path, sizeof(p->remote.sun_path), "%s", path);
	p->remote.sun_family = AF_UNIX;
	p->fd = socket(AF_UNIX, p->dgram ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (p->fd < 0)
		return -1;
	if (p->dgram) {
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", local);
		unlink(local);
		return bind(p->fd, (struct sockaddr *)&sun, sizeof(sun));
	}
	return connect(p->fd, (struct sockaddr *)&p->remote, sizeof(p->remote));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: stream_peer --socket PATH --mac MAC --ip ADDR [--dgram LOCAL]\n"
		"       [--ping TARGET [--count N]] [--stall] [--bad-length N] [--big LEN]\n"
		"       [--burst N [--burst-len LEN]] [--timeout S] [--frames N] [--verbose]\n");
	exit(2);
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[ETH_ALEN];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != ETH_ALEN)
		return -1;
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = b[i];
	return 0;
}

static struct peer peer = { .fd = -1, .count = 3 };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "dgram", required_argument, NULL, 'd' },
		{ "mac", required_argument, NULL, 'm' },
		{ "ip", required_argument, NULL, 'i' },
		{ "ping", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "stall", no_argument, NULL, 'S' },
		{ "bad-length", required_argument, NULL, 'L' },
		{ "big", required_argument, NULL, 'B' },
		{ "timeout", required_argument, NULL, 't' },
		{ "frames", required_argument, NULL, 'n' },
		{ "burst", required_argument, NULL, 'b' },
		{ "burst-len", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{}
	};
	const char *path = NULL, *local = NULL;
	long long bad_len = -1, big = 0, timeout = 10, burst = 0, burst_len = 1000;
	struct peer *p = &peer;
	struct pollfd pfd;
	int c, ok;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		case 'd': local = optarg; p->dgram = 1; break;
		case 'm': if (parse_mac(optarg, p->mac)) usage(); break;
		case 'i': if (inet_pton(AF_INET, optarg, &p->ip) != 1) usage(); break;
		case 'p': if (inet_pton(AF_INET, optarg, &p->target) != 1) usage(); break;
		case 'c': p->count = strtoul(optarg, NULL, 0); break;
		case 'S': p->stall = 1; break;
		case 'L': bad_len = strtoll(optarg, NULL, 0); break;
		case 'B': big = strtoll(optarg, NULL, 0); break;
		case 't': timeout = strtoll(optarg, NULL, 0); break;
		case 'n': p->frames_max = strtoul(optarg, NULL, 0); break;
		case 'b': burst = strtoll(optarg, NULL, 0); break;
		case 'l': burst_len = strtoll(optarg, NULL, 0); break;
		case 'v': p->verbose = 1; break;
		default: usage();
		}
	}
	if (!path || !p->ip || p->count > sizeof(p->answered_seq) || timeout <= 0 ||
	    big < 0 || big > FRAME_MAX - 4 || burst < 0 || burst > 10000000 ||
	    burst_len < ETH_HLEN || burst_len > 1514)
		usage();
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);
	signal(SIGPIPE, SIG_IGN);
	p->deadline = now_ms() + timeout * 1000;
	if (connect_to(p, path, local) < 0) {
		fprintf(stderr, "stream_peer: couldn't connect to %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (big) {
		static uint8_t f[FRAME_MAX];

		memset(f, 0xff, ETH_ALEN);
		memcpy(f + ETH_ALEN, p->mac, ETH_ALEN);
		send_frame(p, f, big);
	}
	if (burst && send_burst(p, burst, burst_len) < 0)
		fprintf(stderr, "stream_peer: burst: %s\n", strerror(errno));
	if (bad_len >= 0) {
		uint32_t w = htonl((uint32_t)bad_len);

		if (write(p->fd, &w, 4) != 4)
			fprintf(stderr, "stream_peer: write: %s\n", strerror(errno));
	}

	while (!done(p)) {
		if (p->stall && !wake) {
			usleep(20000);
			continue;
		}
		ping_step(p);
		pfd = (struct pollfd){ .fd = p->fd, .events = POLLIN };
		if (poll(&pfd, 1, 20) > 0 && receive(p) < 0)
			p->closed = 1;
	}
	/* What the relay already wrote is counted as received: read it. */
	pfd = (struct pollfd){ .fd = p->fd, .events = POLLIN };
	while ((!p->stall || wake) && !p->closed && poll(&pfd, 1, 0) > 0)
		if (receive(p) < 0)
			p->closed = 1;
	if (p->dgram)
		unlink(local);
	printf("rx=%lu rx_bytes=%lu tx=%lu tx_bytes=%lu answered=%lu replies=%u/%u closed=%d bad=%lu\n",
	       p->rx, p->rx_bytes, p->tx, p->tx_bytes, p->answered, p->replies,
	       p->target ? p->count : 0, p->closed, p->bad);
	fflush(stdout);
	ok = !p->target || p->replies == p->count;
	return ok ? 0 : 1;
}
