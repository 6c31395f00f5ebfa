// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tap_vm.c - a process that stands in for a VM behind a tap device.
 *
 * It creates (or attaches to) tap DEV, non-persistent so that it goes away
 * with the process, brings it up and plays a minimal IPv4 host with its own
 * MAC and IP on the tap's fd.  It answers ARP requests for its IP and ICMP
 * echo requests to it (back to the requester's MAC), nothing else, and
 * bounds-checks every frame.  With --ping it also resolves TARGET by ARP
 * (asking every 200 ms), sends COUNT echo requests 200 ms apart and exits
 * 0 only if all were answered within TIMEOUT s of the start, serving others
 * all along.  Without --ping it serves until SIGTERM/SIGINT, then exits 0.
 *
 * Usage: tap_vm --dev DEV --mac MAC --ip ADDR/LEN
 *               [--ping TARGET [--count N] [--timeout S]] [--pidfile F]
 * Exit: 0 success, 1 runtime failure or missing replies, 2 bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX	(ETH_HLEN + 65535)
#define ARP_LEN		(ETH_HLEN + sizeof(struct ether_arp))
#define RETRY_MS	200
#define PAYLOAD_LEN	56
#define MAC_MCAST(mac)	((mac)[0] & 1)
#define IP_UNICAST(ip)	((ip) && ~(ip) && (ntohl(ip) >> 28) != 0xe)
#define USAGE "usage: tap_vm --dev DEV --mac MAC --ip ADDR/LEN " \
	"[--ping TARGET [--count N] [--timeout S]] [--pidfile F]"

struct vm {
	int fd;
	const char *dev, *pidfile;
	uint8_t mac[ETH_ALEN];
	uint32_t ip, mask;		/* network byte order, as is peer */
	bool pinging, peer_known;	/* the client side, with --ping */
	uint32_t peer;
	uint8_t peer_mac[ETH_ALEN];
	uint16_t id;
	unsigned int count, sent, replies;
	uint8_t answered[65536];	/* indexed by sequence number */
	long long timeout, deadline, next_tx;	/* ms (CLOCK_MONOTONIC) */
};

/* Frames start 2 bytes in, so that their IP header is 4-byte aligned. */
static uint8_t rx_buf[2 + FRAME_MAX] __attribute__((aligned(4)));
static uint8_t tx_buf[2 + FRAME_MAX] __attribute__((aligned(4)));
static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static volatile sig_atomic_t stop;

#define usage_error(fmt, ...) do {				\
	fprintf(stderr, "tap_vm: " fmt "; " USAGE "\n", ##__VA_ARGS__); \
	exit(2);						\
} while (0)

static int fail(const char *what, const char *dev)
{
	fprintf(stderr, "tap_vm: %s%s%s: %s\n", what, dev ? " " : "",
		dev ? dev : "", strerror(errno));
	return -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void parse_mac(const char *s, uint8_t *mac)
{
	int n = -1;

	if (sscanf(s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &mac[0],
		   &mac[1], &mac[2], &mac[3], &mac[4], &mac[5], &n) != 6 ||
	    n < 0 || s[n] || MAC_MCAST(mac) ||
	    !memcmp(mac, "\0\0\0\0\0\0", ETH_ALEN))
		usage_error("bad --mac '%s': want a unicast aa:bb:cc:dd:ee:ff",
			    s);
}

static uint32_t parse_addr(const char *s, const char *opt)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1 || !IP_UNICAST(a.s_addr))
		usage_error("bad %s '%s': want a unicast IPv4 address",
			    opt, s);
	return a.s_addr;
}

static unsigned int parse_num(const char *s, const char *opt, int max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < 1 ||
	    v > (unsigned long)max)
		usage_error("bad %s '%s': want 1..%d", opt, s, max);
	return v;
}

static void parse_ip(const char *s, struct vm *vm)
{
	char addr[INET_ADDRSTRLEN];
	int len, n = -1;

	if (sscanf(s, "%15[0-9.]/%2d%n", addr, &len, &n) != 2 || n < 0 ||
	    s[n] || len < 1 || len > 32)
		usage_error("bad --ip '%s': want ADDR/LEN, LEN 1..32", s);
	vm->ip = parse_addr(addr, "--ip");
	vm->mask = htonl(0xffffffffu << (32 - len));
}

enum { O_DEV = 1, O_MAC, O_IP, O_PING, O_COUNT, O_TIMEOUT, O_PIDFILE,
	O_MAX };

static const struct option long_opts[] = {
	{ "dev", required_argument, NULL, O_DEV },
	{ "mac", required_argument, NULL, O_MAC },
	{ "ip", required_argument, NULL, O_IP },
	{ "ping", required_argument, NULL, O_PING },
	{ "count", required_argument, NULL, O_COUNT },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "pidfile", required_argument, NULL, O_PIDFILE },
	{ NULL, 0, NULL, 0 },
};

static void check_args(const char **arg, struct vm *vm)
{
	const char *dev = arg[O_DEV];

	if (!dev || !arg[O_MAC] || !arg[O_IP])
		usage_error("--dev, --mac and --ip are required");
	if (!*dev || strlen(dev) >= IFNAMSIZ || strchr(dev, '/'))
		usage_error("bad --dev '%s'", dev);
	vm->dev = dev;
	vm->pidfile = arg[O_PIDFILE];
	parse_mac(arg[O_MAC], vm->mac);
	parse_ip(arg[O_IP], vm);
	if (!arg[O_PING])
		return;
	vm->pinging = true;
	vm->peer = parse_addr(arg[O_PING], "--ping");
	if (vm->peer == vm->ip || ((vm->peer ^ vm->ip) & vm->mask))
		usage_error("--ping %s: not another address on the subnet",
			    arg[O_PING]);
	vm->count = parse_num(arg[O_COUNT] ?: "3", "--count", 65535);
	vm->timeout = 1000 * parse_num(arg[O_TIMEOUT] ?: "5", "--timeout",
				       86400);
}

static void parse_args(int argc, char **argv, struct vm *vm)
{
	const char *arg[O_MAX] = { NULL };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (c <= 0 || c >= O_MAX)
			usage_error("unknown option or missing value: '%s'",
				    argv[optind - 1]);
		arg[c] = optarg;
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	check_args(arg, vm);
}

/* Returns the fd of the tap, up, or -1 (and then the process exits). */
static int tap_create(const char *dev)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd, s, err;

	strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail("open /dev/net/tun", NULL);
	if (ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETPERSIST, 0))
		return fail("create tap", dev);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return fail("socket", NULL);
	err = ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (err || ioctl(s, SIOCSIFFLAGS, &ifr))
		return fail("bring up", dev);
	close(s);
	return fd;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f))
		return fail("pidfile", path);
	return 0;
}

/* The Internet checksum (RFC 1071): 0 over data carrying a good one. */
static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* A frame the tap refuses is lost, as on a wire; only the first is told. */
static void tap_send(struct vm *vm, size_t len)
{
	static unsigned int told;

	if (write(vm->fd, tx_buf + 2, len) < 0 && !told++)
		fail("write to", vm->dev);
}

static void *eth_fill(struct vm *vm, const uint8_t *dst, uint16_t proto)
{
	struct ether_header *eth = (void *)(tx_buf + 2);

	memcpy(eth->ether_dhost, dst, ETH_ALEN);
	memcpy(eth->ether_shost, vm->mac, ETH_ALEN);
	eth->ether_type = htons(proto);
	return eth + 1;
}

static void send_arp(struct vm *vm, uint16_t op, const uint8_t *dst,
		     const uint8_t *tha, uint32_t tpa)
{
	struct ether_arp *arp = eth_fill(vm, dst, ETH_P_ARP);

	arp->arp_hrd = htons(ARPHRD_ETHER);
	arp->arp_pro = htons(ETH_P_IP);
	arp->arp_hln = ETH_ALEN;
	arp->arp_pln = 4;
	arp->arp_op = htons(op);
	memcpy(arp->arp_sha, vm->mac, ETH_ALEN);
	memcpy(arp->arp_spa, &vm->ip, 4);
	memcpy(arp->arp_tha, tha, ETH_ALEN);
	memcpy(arp->arp_tpa, &tpa, 4);
	tap_send(vm, ARP_LEN);
}

/* Sends ICMP message msg of len bytes as type, with a fresh checksum. */
static void send_icmp(struct vm *vm, const uint8_t *dst_mac, uint32_t daddr,
		      uint8_t type, const void *msg, size_t len)
{
	static uint16_t ip_id;
	struct iphdr *ip = eth_fill(vm, dst_mac, ETH_P_IP);
	struct icmphdr *icmp = (struct icmphdr *)(ip + 1);

	*ip = (struct iphdr){ .version = 4, .ihl = sizeof(*ip) / 4,
			      .tot_len = htons(sizeof(*ip) + len),
			      .id = htons(++ip_id), .ttl = 64,
			      .protocol = IPPROTO_ICMP, .saddr = vm->ip,
			      .daddr = daddr };
	ip->check = csum(ip, sizeof(*ip));
	memcpy(icmp, msg, len);
	icmp->type = type;
	icmp->code = 0;
	icmp->checksum = 0;
	icmp->checksum = csum(icmp, len);
	tap_send(vm, ETH_HLEN + sizeof(*ip) + len);
}

static void send_echo_request(struct vm *vm, uint16_t seq)
{
	struct {
		struct icmphdr h;
		uint8_t data[PAYLOAD_LEN];
	} msg = { .h.un.echo = { htons(vm->id), htons(seq) } };

	for (int i = 0; i < PAYLOAD_LEN; i++)
		msg.data[i] = i;
	send_icmp(vm, vm->peer_mac, vm->peer, ICMP_ECHO, &msg, sizeof(msg));
}

static void handle_arp(struct vm *vm, const uint8_t *frame, size_t len)
{
	const struct ether_arp *arp = (const void *)(frame + ETH_HLEN);
	uint32_t spa, tpa;

	if (len < ARP_LEN || arp->arp_hrd != htons(ARPHRD_ETHER) ||
	    arp->arp_pro != htons(ETH_P_IP) || arp->arp_hln != ETH_ALEN ||
	    arp->arp_pln != 4 || MAC_MCAST(arp->arp_sha))
		return;
	memcpy(&spa, arp->arp_spa, 4);
	memcpy(&tpa, arp->arp_tpa, 4);
	if (vm->pinging && spa == vm->peer) {
		if (!vm->peer_known)
			vm->next_tx = 0;	/* first echo right away */
		memcpy(vm->peer_mac, arp->arp_sha, ETH_ALEN);
		vm->peer_known = true;
	}
	if (arp->arp_op == htons(ARPOP_REQUEST) && tpa == vm->ip &&
	    spa != vm->ip)
		send_arp(vm, ARPOP_REPLY, arp->arp_sha, arp->arp_sha, spa);
}

static void note_echo_reply(struct vm *vm, const struct iphdr *ip,
			    const struct icmphdr *icmp, size_t len)
{
	uint16_t seq = ntohs(icmp->un.echo.sequence);

	if (!vm->pinging || ip->saddr != vm->peer || icmp->code ||
	    ntohs(icmp->un.echo.id) != vm->id || seq < 1 || seq > vm->sent ||
	    vm->answered[seq] || len != sizeof(*icmp) + PAYLOAD_LEN)
		return;
	vm->answered[seq] = 1;
	vm->replies++;
}

/* The IPv4 header, if the frame holds a whole, unfragmented datagram. */
static const struct iphdr *ip_valid(const uint8_t *frame, size_t len,
				    size_t *l3_len)
{
	const struct iphdr *ip = (const void *)(frame + ETH_HLEN);
	size_t hl, tot;

	if (len < ETH_HLEN + sizeof(*ip) || ip->version != 4)
		return NULL;
	hl = ip->ihl * 4;
	tot = ntohs(ip->tot_len);
	if (hl < sizeof(*ip) || tot < hl || tot > len - ETH_HLEN ||
	    csum(ip, hl) != 0 || (ip->frag_off & htons(IP_MF | IP_OFFMASK)))
		return NULL;
	*l3_len = tot;
	return ip;
}

static void handle_ipv4(struct vm *vm, const uint8_t *frame, size_t len)
{
	const struct ether_header *eth = (const void *)frame;
	const struct icmphdr *icmp;
	const struct iphdr *ip;
	size_t tot, icmp_len;

	ip = ip_valid(frame, len, &tot);
	if (!ip || ip->protocol != IPPROTO_ICMP || ip->daddr != vm->ip ||
	    !IP_UNICAST(ip->saddr))
		return;
	icmp = (const void *)((const uint8_t *)ip + ip->ihl * 4);
	icmp_len = tot - ip->ihl * 4;
	if (icmp_len < sizeof(*icmp) || csum(icmp, icmp_len) != 0)
		return;
	if (icmp->type == ICMP_ECHO && icmp->code == 0)
		send_icmp(vm, eth->ether_shost, ip->saddr, ICMP_ECHOREPLY,
			  icmp, icmp_len);
	else if (icmp->type == ICMP_ECHOREPLY)
		note_echo_reply(vm, ip, icmp, icmp_len);
}

static void handle_frame(struct vm *vm, const uint8_t *frame, size_t len)
{
	const struct ether_header *eth = (const void *)frame;
	bool to_us;

	if (len < ETH_HLEN || MAC_MCAST(eth->ether_shost) ||
	    !memcmp(eth->ether_shost, vm->mac, ETH_ALEN))
		return;
	/* Unicast to other MACs, as a switch floods it, is not for us. */
	to_us = !memcmp(eth->ether_dhost, vm->mac, ETH_ALEN);
	if (eth->ether_type == htons(ETH_P_ARP) &&
	    (to_us || !memcmp(eth->ether_dhost, bcast, ETH_ALEN)))
		handle_arp(vm, frame, len);
	else if (eth->ether_type == htons(ETH_P_IP) && to_us)
		handle_ipv4(vm, frame, len);
}

/* Handles every frame waiting on the tap; -1 on a real read error. */
static int drain(struct vm *vm)
{
	ssize_t n;

	for (;;) {
		n = read(vm->fd, rx_buf + 2, FRAME_MAX);
		if (n < 0)
			return errno == EAGAIN ? 0 : fail("read from", vm->dev);
		handle_frame(vm, rx_buf + 2, n);
	}
}

/* Sends what is due; returns the ms until the next thing, 0 when done. */
static long long client_step(struct vm *vm, long long now)
{
	static const uint8_t zero[ETH_ALEN];

	if (vm->replies == vm->count || now >= vm->deadline)
		return 0;
	if (vm->sent == vm->count)
		return vm->deadline - now;
	if (now >= vm->next_tx) {
		if (!vm->peer_known)
			send_arp(vm, ARPOP_REQUEST, bcast, zero, vm->peer);
		else
			send_echo_request(vm, ++vm->sent);
		vm->next_tx = now + RETRY_MS;
	}
	return (vm->next_tx < vm->deadline ? vm->next_tx : vm->deadline) - now;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGTERM and SIGINT get in only in ppoll(): 'stop' is never missed. */
static int setup_signals(sigset_t *orig)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigprocmask(SIG_BLOCK, &block, orig) ||
	    sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
		return fail("signals", NULL);
	return 0;
}

static int run(struct vm *vm, const sigset_t *orig)
{
	struct pollfd pfd = { .fd = vm->fd, .events = POLLIN };
	struct timespec ts;
	long long wait = -1;
	int n;

	while (!stop) {
		if (vm->pinging && !(wait = client_step(vm, now_ms())))
			break;
		ts.tv_sec = wait / 1000;
		ts.tv_nsec = wait % 1000 * 1000000;
		n = ppoll(&pfd, 1, wait < 0 ? NULL : &ts, orig);
		if (n < 0 && errno != EINTR)
			return fail("poll", NULL);
		/* A tap in error is readable, and read() then says why. */
		if (n > 0 && drain(vm))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct vm vm;
	char peer[INET_ADDRSTRLEN];
	sigset_t orig;

	parse_args(argc, argv, &vm);
	vm.id = getpid() & 0xffff;
	if (setup_signals(&orig))
		return 1;
	vm.fd = tap_create(vm.dev);
	if (vm.fd < 0 || (vm.pidfile && write_pidfile(vm.pidfile)))
		return 1;
	vm.deadline = now_ms() + vm.timeout;
	if (run(&vm, &orig))
		return 1;
	if (!vm.pinging)
		return 0;
	inet_ntop(AF_INET, &vm.peer, peer, sizeof(peer));
	printf("tap_vm: %u/%u replies from %s\n", vm.replies, vm.count, peer);
	return vm.replies == vm.count ? 0 : 1;
}
