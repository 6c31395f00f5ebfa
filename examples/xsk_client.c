// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * examples/xsk_client.c - a tiny appliance on an xvs AF_XDP port.
 *
 *   xsk_client --port vm1 --ip 10.9.0.2/24 [--instance xvs] [--queue 0]
 *              [--mac MAC] [--bpffs DIR] [--count N] [--timeout S]
 *
 * It is a station with one IPv4 address that lives in a process instead of
 * a network stack: it answers ARP requests and ICMP echo requests for its
 * address, and ignores everything else.  What it shows is the consumer's
 * side of an AF_XDP port (maps/afxdp.h):
 *
 *   1. an AF_XDP socket bound to the port's far side, <port>-xsk, at one
 *      queue, with libxdp's xsk API - told not to load libxdp's own XDP
 *      program (INHIBIT_PROG_LOAD): xvs has one there already;
 *   2. the socket's fd written into the pinned XSKMAP at that queue
 *      (/sys/fs/bpf/xvs/<instance>/afxdp/<port>/xsks), from which point the
 *      far side's program hands it the port's frames;
 *   3. frames received on the RX ring, answers sent back on the TX ring
 *      (in place: a request's buffer becomes its reply), buffers handed
 *      back to the kernel on the fill ring; need_wakeup, so the kernel is
 *      only kicked when it asks to be.
 *
 * It ends on SIGINT/SIGTERM, after answering N echo requests (--count) or
 * after S seconds (--timeout), and prints its counters on one line:
 *
 *   xsk_client: rx 12 arp_replies 1 echo_replies 10 ignored 1 tx 11 ...
 *
 * Build: make examples (links -lxdp -lbpf).  Root, or CAP_NET_RAW and
 * CAP_BPF plus access to the pin, is needed.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/icmp.h>
#include <linux/if_xdp.h>
#include <linux/ip.h>
#include <bpf/bpf.h>
#include <xdp/xsk.h>

#define NUM_FRAMES	2048
#define FRAME_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING_SIZE	XSK_RING_CONS__DEFAULT_NUM_DESCS
#define BATCH		64

struct opts {
	const char *port, *instance, *bpffs;
	__u32 queue;
	__be32 ip;
	__u8 mac[ETH_ALEN];
	int have_mac;
	unsigned long count;		/* 0: no limit */
	unsigned long timeout_s;	/* 0: no limit */
};

struct counters {
	unsigned long rx, arp_replies, echo_replies, ignored, tx;
};

struct client {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	void *buf;
	__u32 tx_pending;		/* sent, not completed yet */
	struct counters n;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xsk_client --port NAME --ip A.B.C.D[/LEN] [OPTIONS]\n"
		"Answers ARP and ICMP echo for IP on AF_XDP port NAME of an xvs switch.\n\n"
		"  --port NAME      the AF_XDP port (xvsctl port add NAME --type afxdp)\n"
		"  --ip A.B.C.D     the address to answer for (a /LEN is ignored)\n"
		"  --mac MAC        its MAC (default: the far side's, NAME-xsk)\n"
		"  --queue N        the queue to bind (default 0)\n"
		"  --instance NAME  xvs instance (default xvs)\n"
		"  --bpffs DIR      root of the pins (default /sys/fs/bpf/xvs)\n"
		"  --count N        exit after answering N echo requests\n"
		"  --timeout S      exit after S seconds\n");
}

static int parse_mac(const char *s, __u8 mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != ETH_ALEN)
		return -1;
	for (i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

static int parse_ip(const char *s, __be32 *ip)
{
	char buf[32], *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	return inet_pton(AF_INET, buf, ip) == 1 ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "ip", required_argument, NULL, 'a' },
		{ "mac", required_argument, NULL, 'm' },
		{ "queue", required_argument, NULL, 'q' },
		{ "instance", required_argument, NULL, 'i' },
		{ "bpffs", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c, have_ip = 0;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'p': o->port = optarg; break;
		case 'a':
			if (parse_ip(optarg, &o->ip))
				goto bad;
			have_ip = 1;
			break;
		case 'm':
			if (parse_mac(optarg, o->mac))
				goto bad;
			o->have_mac = 1;
			break;
		case 'q': o->queue = strtoul(optarg, NULL, 0); break;
		case 'i': o->instance = optarg; break;
		case 'b': o->bpffs = optarg; break;
		case 'c': o->count = strtoul(optarg, NULL, 0); break;
		case 't': o->timeout_s = strtoul(optarg, NULL, 0); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (o->port && have_ip && optind == argc)
		return 0;
	usage(stderr);
	return -1;
bad:
	fprintf(stderr, "xsk_client: bad value '%s'\n", optarg);
	return -1;
}

/* --- the socket -------------------------------------------------------- */

static int if_mac(const char *ifname, __u8 mac[ETH_ALEN])
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), e = 0;

	if (fd < 0)
		return -errno;
	memcpy(ifr.ifr_name, ifname, strnlen(ifname, IF_NAMESIZE - 1));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		e = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	close(fd);
	return e;
}

/* Every frame of the UMEM goes to the kernel to receive into. */
static int fill_all(struct client *cl)
{
	__u32 idx, i;

	if (xsk_ring_prod__reserve(&cl->fill, NUM_FRAMES, &idx) != NUM_FRAMES)
		return -ENOSPC;
	for (i = 0; i < NUM_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&cl->fill, idx + i) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&cl->fill, NUM_FRAMES);
	return 0;
}

static int client_open(struct client *cl, const char *ifname, __u32 queue)
{
	struct xsk_umem_config ucfg = {
		.fill_size = NUM_FRAMES, .comp_size = NUM_FRAMES,
		.frame_size = FRAME_SIZE,
		.frame_headroom = XSK_UMEM__DEFAULT_FRAME_HEADROOM,
	};
	/* xvs has its program on the far side: libxdp must not load its
	 * own.  need_wakeup: the kernel says when it needs a kick.
	 */
	struct xsk_socket_config scfg = {
		.rx_size = RING_SIZE, .tx_size = RING_SIZE,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP,
	};
	size_t size = (size_t)NUM_FRAMES * FRAME_SIZE;
	int e, i;

	cl->buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (cl->buf == MAP_FAILED)
		return -errno;
	e = xsk_umem__create(&cl->umem, cl->buf, size, &cl->fill, &cl->comp, &ucfg);
	if (e)
		return e;
	/* A socket just closed on this queue is released by the kernel a
	 * moment later (its pool goes in a work item): until then binding
	 * says EBUSY.  Wait for that, a little.
	 */
	for (i = 0; i < 20; i++) {
		e = xsk_socket__create(&cl->xsk, ifname, queue, cl->umem, &cl->rx,
				       &cl->tx, &scfg);
		if (e != -EBUSY)
			break;
		usleep(100 * 1000);
	}
	if (e)
		return e;
	return fill_all(cl);
}

static void client_close(struct client *cl)
{
	if (cl->xsk)
		xsk_socket__delete(cl->xsk);
	if (cl->umem)
		xsk_umem__delete(cl->umem);
	if (cl->buf && cl->buf != MAP_FAILED)
		munmap(cl->buf, (size_t)NUM_FRAMES * FRAME_SIZE);
}

/* Step 2: put the socket in the port's XSKMAP at its queue. */
static int register_socket(struct client *cl, const struct opts *o)
{
	char path[512];
	int fd, e;

	snprintf(path, sizeof(path), "%s/%s/afxdp/%s/xsks", o->bpffs, o->instance,
		 o->port);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		e = -errno;
		fprintf(stderr, "xsk_client: Couldn't open '%s': %s (is '%s' an AF_XDP port of instance %s?)\n",
			path, strerror(errno), o->port, o->instance);
		return e;
	}
	e = xsk_socket__update_xskmap(cl->xsk, fd);
	close(fd);
	if (e)
		fprintf(stderr, "xsk_client: Couldn't register the socket in '%s': %s\n",
			path, strerror(-e));
	return e;
}

static const char *bind_mode(struct client *cl)
{
	struct xdp_options xo = {};
	socklen_t len = sizeof(xo);

	if (getsockopt(xsk_socket__fd(cl->xsk), SOL_XDP, XDP_OPTIONS, &xo, &len))
		return "unknown";
	return xo.flags & XDP_OPTIONS_ZEROCOPY ? "zero-copy" : "copy";
}

/* --- answering ---------------------------------------------------------- */

static __u16 csum_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static __u16 csum(const void *data, size_t len)
{
	const __u8 *p = data;
	__u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return htons(csum_fold(sum));
}

static int for_me(const struct ethhdr *eth, const struct opts *o)
{
	return !memcmp(eth->h_dest, o->mac, ETH_ALEN) || (eth->h_dest[0] & 1);
}

static void eth_reply(struct ethhdr *eth, const struct opts *o)
{
	memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	memcpy(eth->h_source, o->mac, ETH_ALEN);
}

/* ARP request for our address: the reply, in place.  Returns its length
 * or 0 (not ours).
 */
static __u32 arp_answer(__u8 *pkt, __u32 len, const struct opts *o)
{
	struct ethhdr *eth = (void *)pkt;
	struct arphdr *arp = (void *)(eth + 1);
	__u8 *sha = (__u8 *)(arp + 1), *spa = sha + 6, *tha = spa + 4, *tpa = tha + 6;

	if (len < sizeof(*eth) + sizeof(*arp) + 20 ||
	    arp->ar_hrd != htons(ARPHRD_ETHER) || arp->ar_pro != htons(ETH_P_IP) ||
	    arp->ar_hln != 6 || arp->ar_pln != 4 || arp->ar_op != htons(ARPOP_REQUEST) ||
	    memcmp(tpa, &o->ip, 4))
		return 0;
	arp->ar_op = htons(ARPOP_REPLY);
	memcpy(tha, sha, 6);
	memcpy(tpa, spa, 4);
	memcpy(sha, o->mac, 6);
	memcpy(spa, &o->ip, 4);
	eth_reply(eth, o);
	return len;
}

/* ICMP echo request to our address: the echo reply, in place. */
static __u32 icmp_answer(__u8 *pkt, __u32 len, const struct opts *o)
{
	struct ethhdr *eth = (void *)pkt;
	struct iphdr *ip = (void *)(eth + 1);
	struct icmphdr *icmp;
	__u32 ihl, tot;
	__be32 src;

	if (len < sizeof(*eth) + sizeof(*ip) || ip->version != 4 ||
	    ip->protocol != IPPROTO_ICMP || ip->daddr != o->ip)
		return 0;
	ihl = ip->ihl * 4;
	tot = ntohs(ip->tot_len);
	if (ihl < sizeof(*ip) || tot < ihl + sizeof(*icmp) || sizeof(*eth) + tot > len ||
	    (ip->frag_off & htons(0x3fff)))
		return 0;
	icmp = (void *)((__u8 *)ip + ihl);
	if (icmp->type != ICMP_ECHO)
		return 0;
	icmp->type = ICMP_ECHOREPLY;
	icmp->checksum = 0;
	icmp->checksum = csum(icmp, tot - ihl);
	src = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = src;
	ip->ttl = 64;
	ip->check = 0;
	ip->check = csum(ip, ihl);
	eth_reply(eth, o);
	return sizeof(*eth) + tot;
}

/* The reply to a frame (its new length), or 0. */
static __u32 answer(struct client *cl, __u8 *pkt, __u32 len, const struct opts *o)
{
	struct ethhdr *eth = (void *)pkt;
	__u32 out = 0;

	if (len < sizeof(*eth) || !for_me(eth, o))
		return 0;
	if (eth->h_proto == htons(ETH_P_ARP) && (out = arp_answer(pkt, len, o)))
		cl->n.arp_replies++;
	else if (eth->h_proto == htons(ETH_P_IP) && (out = icmp_answer(pkt, len, o)))
		cl->n.echo_replies++;
	return out;
}

/* Buffers back to the fill ring (ring sized for all of them: no wait). */
static void refill(struct client *cl, const __u64 *addrs, __u32 n)
{
	__u32 idx, i;

	if (!n || xsk_ring_prod__reserve(&cl->fill, n, &idx) != n)
		return;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&cl->fill, idx + i) = addrs[i];
	xsk_ring_prod__submit(&cl->fill, n);
}

/* Sent buffers come back on the completion ring: receive into them again. */
static void complete_tx(struct client *cl)
{
	__u64 addrs[BATCH];
	__u32 idx, n, i;

	n = xsk_ring_cons__peek(&cl->comp, BATCH, &idx);
	for (i = 0; i < n; i++)
		addrs[i] = *xsk_ring_cons__comp_addr(&cl->comp, idx + i);
	xsk_ring_cons__release(&cl->comp, n);
	cl->tx_pending -= n;
	refill(cl, addrs, n);
}

static void kick_tx(struct client *cl)
{
	if (xsk_ring_prod__needs_wakeup(&cl->tx))
		sendto(xsk_socket__fd(cl->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

/* Queue the answers on the TX ring (as large as the UMEM: always room). */
static void send_batch(struct client *cl, const struct xdp_desc *out, __u32 n)
{
	__u32 idx, i;

	if (!n || xsk_ring_prod__reserve(&cl->tx, n, &idx) != n)
		return;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__tx_desc(&cl->tx, idx + i) = out[i];
	xsk_ring_prod__submit(&cl->tx, n);
	cl->n.tx += n;
	cl->tx_pending += n;
	kick_tx(cl);
}

/* One batch from the RX ring: answers go out on TX, the rest is refilled. */
static void rx_batch(struct client *cl, const struct opts *o)
{
	struct xdp_desc out[BATCH];
	__u64 back[BATCH];
	__u32 idx, n, i, nback = 0, nout = 0, len;
	const struct xdp_desc *d;

	n = xsk_ring_cons__peek(&cl->rx, BATCH, &idx);
	for (i = 0; i < n; i++) {
		d = xsk_ring_cons__rx_desc(&cl->rx, idx + i);
		len = answer(cl, xsk_umem__get_data(cl->buf, d->addr), d->len, o);
		if (len) {
			out[nout].addr = d->addr;
			out[nout].len = len;
			out[nout++].options = 0;
		} else {
			cl->n.ignored++;
			back[nback++] = xsk_umem__extract_addr(d->addr);
		}
	}
	xsk_ring_cons__release(&cl->rx, n);
	cl->n.rx += n;
	send_batch(cl, out, nout);
	refill(cl, back, nback);
}

static int done(const struct client *cl, const struct opts *o, time_t end)
{
	if (stop)
		return 1;
	if (o->count && cl->n.echo_replies >= o->count && !cl->tx_pending)
		return 1;
	return o->timeout_s && time(NULL) >= end;
}

static void run(struct client *cl, const struct opts *o)
{
	struct pollfd pfd = { .fd = xsk_socket__fd(cl->xsk), .events = POLLIN };
	time_t end = time(NULL) + o->timeout_s;

	while (!done(cl, o, end)) {
		/* Asked to (need_wakeup on the fill ring), poll() is the
		 * kick that gets the kernel receiving again.
		 */
		poll(&pfd, 1, 100);
		rx_batch(cl, o);
		if (cl->tx_pending) {
			kick_tx(cl);
			complete_tx(cl);
		}
	}
}

static void print_counters(struct client *cl)
{
	struct xdp_statistics s = {};
	socklen_t len = sizeof(s);

	getsockopt(xsk_socket__fd(cl->xsk), SOL_XDP, XDP_STATISTICS, &s, &len);
	printf("xsk_client: rx %lu arp_replies %lu echo_replies %lu ignored %lu tx %lu"
	       " rx_dropped %llu rx_ring_full %llu fill_ring_empty %llu\n",
	       cl->n.rx, cl->n.arp_replies, cl->n.echo_replies, cl->n.ignored,
	       cl->n.tx, (unsigned long long)s.rx_dropped,
	       (unsigned long long)s.rx_ring_full,
	       (unsigned long long)s.rx_fill_ring_empty_descs);
}

int main(int argc, char **argv)
{
	struct opts o = { .instance = "xvs", .bpffs = "/sys/fs/bpf/xvs" };
	char ifname[IF_NAMESIZE], ip[INET_ADDRSTRLEN];
	struct client cl = {};
	int e;

	if (parse_args(argc, argv, &o))
		return 2;
	if (snprintf(ifname, sizeof(ifname), "%s-xsk", o.port) >= (int)sizeof(ifname)) {
		fprintf(stderr, "xsk_client: port name '%s' too long\n", o.port);
		return 2;
	}
	if (!o.have_mac && (e = if_mac(ifname, o.mac))) {
		fprintf(stderr, "xsk_client: no interface '%s': %s\n", ifname, strerror(-e));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	e = client_open(&cl, ifname, o.queue);
	if (e) {
		fprintf(stderr, "xsk_client: Couldn't bind an AF_XDP socket to %s queue %u: %s\n",
			ifname, o.queue, strerror(-e));
		client_close(&cl);
		return 1;
	}
	if (register_socket(&cl, &o)) {
		client_close(&cl);
		return 1;
	}
	printf("xsk_client: %s queue %u (%s mode), answering for %s at %02x:%02x:%02x:%02x:%02x:%02x\n",
	       ifname, o.queue, bind_mode(&cl), inet_ntop(AF_INET, &o.ip, ip, sizeof(ip)),
	       o.mac[0], o.mac[1], o.mac[2], o.mac[3], o.mac[4], o.mac[5]);
	fflush(stdout);
	run(&cl, &o);
	print_counters(&cl);
	client_close(&cl);
	return 0;
}
