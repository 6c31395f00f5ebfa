// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * selftests/flow_burst.c - many flows through a running xvsd's TC program,
 * for test_flow_scale.sh.
 *
 *   flow_burst send DEV SMAC DMAC SIP DIP DPORT N
 *       N UDP frames SMAC -> DMAC, SIP -> DIP:DPORT, each of another flow:
 *       frame i comes from source port 1 + i % 60000 of address SIP + i /
 *       60000.  Each is one BPF_PROG_TEST_RUN of the xvs_tc_rx that xvsd
 *       attached at DEV's ingress (found by its filter's handle and
 *       priority, as loader/port.c attaches it), as if DEV received it.
 *       Prints the verdicts: "frames=N ok=.. shot=.. redirect=.. other=..".
 *   flow_burst count PIN
 *       The number of entries of the pinned map PIN (e.g. xvs_flow_cache).
 *
 * Run it in the switch's network namespace (DEV's ifindex is looked up
 * there).  A TC test run returns TC_ACT_REDIRECT without redirecting; the
 * target port counts the frame in its tx counters (xvsctl stats), which
 * is how the test sees where the frames went.  Exit 0, 1 on a failure, 2
 * on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "maps/flow.h"
#include "loader/util.h"

#define XVS_TC_HANDLE	0x78767300	/* loader/port.c's */
#define XVS_TC_PRIO	0x7873
#define FRAME_LEN	60
#define MAX_FRAMES	1000000
#define SPORTS		60000

static int usage(void)
{
	fputs("usage: flow_burst send DEV SMAC DMAC SIP DIP DPORT N\n"
	      "       flow_burst count PIN\n", stderr);
	return 2;
}

/* The fd of the program xvsd attached at dev's ingress. */
static int tc_prog(__u32 ifindex, const char *dev)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XVS_TC_HANDLE,
		    .priority = XVS_TC_PRIO);
	int err = bpf_tc_query(&hook, &opts), fd;

	if (err) {
		fprintf(stderr, "Couldn't find xvs_tc_rx on '%s': %s (not a TC port?)\n",
			dev, strerror(-err));
		return err;
	}
	fd = bpf_prog_get_fd_by_id(opts.prog_id);
	if (fd < 0)
		fprintf(stderr, "Couldn't open program %u: %s\n", opts.prog_id,
			strerror(errno));
	return fd;
}

/* Frame i of the burst: UDP from sip + i / SPORTS, port 1 + i % SPORTS. */
static void frame_make(__u8 *f, const __u8 *smac, const __u8 *dmac, __u32 sip,
		       __u32 dip, __u16 dport, __u32 i)
{
	__u8 *ip = f + ETH_HLEN, *udp = ip + 20;
	__u32 src = htonl(sip + i / SPORTS);
	__u16 v;

	memset(f, 0, FRAME_LEN);
	memcpy(f, dmac, ETH_ALEN);
	memcpy(f + ETH_ALEN, smac, ETH_ALEN);
	v = htons(ETH_P_IP);
	memcpy(f + 12, &v, 2);
	ip[0] = 0x45;
	v = htons(FRAME_LEN - ETH_HLEN);
	memcpy(ip + 2, &v, 2);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &src, 4);
	dip = htonl(dip);
	memcpy(ip + 16, &dip, 4);
	v = htons(ipv4_csum(ip));
	memcpy(ip + 10, &v, 2);
	v = htons(1 + i % SPORTS);
	memcpy(udp, &v, 2);
	v = htons(dport);
	memcpy(udp + 2, &v, 2);
	v = htons(FRAME_LEN - ETH_HLEN - 20);
	memcpy(udp + 4, &v, 2);
}

static int send_burst(char **argv)
{
	struct in_addr sip, dip;
	__u8 smac[ETH_ALEN], dmac[ETH_ALEN], f[FRAME_LEN];
	__u32 ifindex = if_nametoindex(argv[0]), n = strtoul(argv[6], NULL, 0), i;
	unsigned long ok = 0, shot = 0, redirect = 0, other = 0;
	__u16 dport = strtoul(argv[5], NULL, 0);
	struct __sk_buff skb = { .ifindex = ifindex, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = FRAME_LEN,
		    .ctx_in = &skb, .ctx_size_in = sizeof(skb), .repeat = 1);
	int fd;

	if (mac_parse(argv[1], smac) || mac_parse(argv[2], dmac) ||
	    !inet_aton(argv[3], &sip) || !inet_aton(argv[4], &dip) || !n ||
	    n > MAX_FRAMES)
		return usage();
	if (!ifindex) {
		fprintf(stderr, "No interface '%s'\n", argv[0]);
		return 1;
	}
	fd = tc_prog(ifindex, argv[0]);
	if (fd < 0)
		return 1;
	for (i = 0; i < n; i++) {
		frame_make(f, smac, dmac, ntohl(sip.s_addr), ntohl(dip.s_addr), dport, i);
		if (bpf_prog_test_run_opts(fd, &o)) {
			fprintf(stderr, "frame %u: test run failed: %s\n", i, strerror(errno));
			close(fd);
			return 1;
		}
		ok += o.retval == TC_ACT_OK;
		shot += o.retval == TC_ACT_SHOT;
		redirect += o.retval == TC_ACT_REDIRECT;
		other += o.retval != TC_ACT_OK && o.retval != TC_ACT_SHOT &&
			 o.retval != TC_ACT_REDIRECT;
	}
	close(fd);
	printf("frames=%u ok=%lu shot=%lu redirect=%lu other=%lu\n", n, ok, shot,
	       redirect, other);
	return 0;
}

/* Keys walked one by one: bounded by the cache's size, plus one. */
static int count(const char *pin)
{
	__u8 keys[2][512];	/* bigger than any key of ours */
	__u32 n = 0, cur = 0;
	void *prev = NULL;
	int fd = bpf_obj_get(pin);

	if (fd < 0) {
		fprintf(stderr, "Couldn't open '%s': %s\n", pin, strerror(errno));
		return 1;
	}
	while (n <= XVS_FLOW_CACHE_SIZE && !bpf_map_get_next_key(fd, prev, &keys[cur])) {
		prev = &keys[cur];
		cur ^= 1;
		n++;
	}
	close(fd);
	printf("%u\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	libbpf_set_print(NULL);
	if (argc == 9 && !strcmp(argv[1], "send"))
		return send_burst(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "count"))
		return count(argv[2]);
	return usage();
}
