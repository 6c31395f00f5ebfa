// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_relay_stream.c - the relay's stream framing (loader/relay.c), both
 * ways, on its own functions: no AF_XDP socket, no switch.
 *
 * To the VM: batches of frames into a socketpair whose send buffer is
 * small and read slowly, so writes are cut short mid-batch.  Every frame
 * the reader gets must be whole and in order, and the counts exact:
 * read = to_peer_packets, to_peer_packets + drop_peer_stalled = sent.
 *
 * From the VM: byte streams cut at every possible point, and the lengths
 * that are no frame (0, beyond QEMU's 68 KiB) or too long for the port,
 * parsed into a fake tx ring.
 *
 * It includes relay.c to reach its static functions.
 */
#include "../loader/relay.c"
#include "lib/check.h"

#define FRAMES		20000
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define TX_SLOTS	4096

static __u32 prod, cons = 0, flags;
static struct xdp_desc descs[TX_SLOTS];
static __u8 umem[(size_t)TX_SLOTS * RELAY_FRAME];

static struct relay *relay_new(int fd)
{
	struct relay *r = calloc(1, sizeof(*r));
	__u32 i;

	r->framing = RELAY_STREAM;
	r->pfd = fd;
	r->lfd = r->efd = -1;
	r->max_len = 1500 + RELAY_L2_HDR;
	r->wbuf = malloc(4 + RELAY_FRAME);
	r->rbuf = malloc(RELAY_RBUF);
	snprintf(r->port, sizeof(r->port), "test");
	snprintf(r->path, sizeof(r->path), "socketpair");
	/* A tx ring of our own, which the kernel never consumes. */
	prod = cons = flags = 0;
	r->q[0].tx = (struct xsk_ring_prod){
		.cached_prod = 0, .cached_cons = TX_SLOTS, .mask = TX_SLOTS - 1,
		.size = TX_SLOTS, .producer = &prod, .consumer = &cons,
		.ring = descs, .flags = &flags,
	};
	r->q[0].comp = (struct xsk_ring_cons){
		.mask = 0, .size = 1, .producer = &cons, .consumer = &cons,
		.ring = descs, .flags = &flags,
	};
	r->area = umem;
	for (i = 0; i < RELAY_RING; i++)
		r->tx_free[i] = (__u64)i * RELAY_FRAME;
	r->n_tx_free = RELAY_RING;
	return r;
}

/* Frame `seq`: a length from 60 to 1514 and bytes that say which it is. */
static __u32 frame_fill(__u8 *buf, __u32 seq)
{
	__u32 len = 60 + (seq * 7919) % (1514 - 60 + 1), i;

	memcpy(buf, &seq, 4);
	for (i = 4; i < len; i++)
		buf[i] = (__u8)(seq + i);
	return len;
}

static int frame_ok(const __u8 *buf, __u32 len, __u32 *seq)
{
	__u8 want[1514];

	memcpy(seq, buf, 4);
	return len == frame_fill(want, *seq) && !memcmp(buf, want, len);
}

/* Read what is there and check every whole frame in it. */
static void reader(int fd, __u8 *buf, size_t *have, size_t cap, size_t max,
		   __u64 *frames, __s64 *last)
{
	size_t off = 0;
	__u32 len, seq;
	ssize_t n;

	n = recv(fd, buf + *have, cap - *have < max ? cap - *have : max, MSG_DONTWAIT);
	if (n > 0)
		*have += n;
	while (*have - off >= 4) {
		memcpy(&len, buf + off, 4);
		len = ntohl(len);
		if (len < 60 || len > 1514) {
			CHECK(0, "out of sync: length %u after frame %lld", len,
			      (long long)*last);
			*have = 0;
			return;
		}
		if (*have - off < 4 + len)
			break;
		CHECK(frame_ok(buf + off + 4, len, &seq) && (__s64)seq > *last,
		      "frame after %lld is not whole or not in order", (long long)*last);
		*last = seq;
		(*frames)++;
		off += 4 + len;
	}
	memmove(buf, buf + off, *have - off);
	*have -= off;
}

static int short_writes_keep_sync(void)
{
	static __u8 data[RELAY_BATCH][1514], rbuf[1 << 20];
	struct frame f[RELAY_BATCH];
	int sv[2], sndbuf = 16384, cuts = 0;
	__u64 got = 0;
	__s64 last = -1;
	size_t have = 0;
	struct relay *r;
	__u32 seq = 0, i, n;
	size_t before;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
		return -1;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	r = relay_new(sv[0]);
	while (seq < FRAMES) {
		n = 1 + seq % RELAY_BATCH;
		for (i = 0; i < n && seq < FRAMES; i++, seq++) {
			f[i].data = data[i];
			f[i].len = frame_fill(data[i], seq);
		}
		before = r->wlen;
		stream_send(r, f, i);
		cuts += !before && r->wlen;
		/* A slow reader: a few KiB per batch. */
		reader(sv[1], rbuf, &have, sizeof(rbuf), 8000 + (seq * 31) % 40000, &got, &last);
	}
	for (i = 0; i < 10000 && (r->wlen || have || got < r->st.to_peer_packets); i++) {
		if (r->wlen)
			stream_flush(r);
		reader(sv[1], rbuf, &have, sizeof(rbuf), sizeof(rbuf), &got, &last);
	}
	printf("# %u frames: %llu written, %llu stalled, %llu read; %d writes cut short\n",
	       FRAMES, (unsigned long long)r->st.to_peer_packets,
	       (unsigned long long)r->st.drop_peer_stalled, (unsigned long long)got, cuts);
	CHECK(cuts > 0, "no write was cut short: the case tested nothing");
	CHECK(r->st.drop_peer_stalled > 0, "nothing stalled");
	CHECK(got == r->st.to_peer_packets, "read %llu, to_peer_packets %llu",
	      (unsigned long long)got, (unsigned long long)r->st.to_peer_packets);
	CHECK(r->st.to_peer_packets + r->st.drop_peer_stalled == FRAMES,
	      "to_peer + stalled != frames sent");
	close(sv[0]);
	close(sv[1]);
	free(r->wbuf);
	free(r->rbuf);
	free(r);
	return 0;
}

/* Feed `bytes` to the parser in pieces of `step` bytes. */
static int parse_in_steps(struct relay *r, const __u8 *bytes, size_t len, size_t step)
{
	__u32 queued = 0;
	size_t off, k;
	int e = 0;

	for (off = 0; off < len && !e; off += k) {
		k = len - off < step ? len - off : step;
		memcpy(r->rbuf + r->rlen, bytes + off, k);
		r->rlen += k;
		e = stream_parse(r, &queued);
	}
	tx_submit(r, queued);
	return e;
}

static size_t put(__u8 *p, __u32 len, __u8 fill)
{
	__be32 hdr = htonl(len);

	memcpy(p, &hdr, 4);
	memset(p + 4, fill, len < 2000 ? len : 0);
	return 4 + (len < 2000 ? len : 0);
}

static int parse_cases(void)
{
	static __u8 s[2 * RELAY_LEN_MAX];
	size_t len, step;
	struct relay *r;
	__u32 i;
	int e;

	/* Frames of 60, 1518 (the longest at MTU 1500) and 61 bytes, with a
	 * 1519-byte one (too long, skipped) in the middle, cut every way.
	 */
	for (step = 1; step <= 700; step += step < 16 ? 1 : 97) {
		r = relay_new(-1);
		len = put(s, 60, 1);
		len += put(s + len, 1518, 2);
		len += put(s + len, 1519, 3);
		len += put(s + len, 61, 4);
		e = parse_in_steps(r, s, len, step);
		CHECK(!e && prod == 3 && r->st.drop_too_big == 1 && !r->rlen && !r->skip,
		      "step %zu: e %d, frames %u, too big %llu, left %zu",
		      step, e, prod, (unsigned long long)r->st.drop_too_big, r->rlen);
		for (i = 0; i < prod && i < 3; i++) {
			__u8 *d = umem + descs[i].addr;

			CHECK(descs[i].len == (i == 0 ? 60u : i == 1 ? 1518u : 61u) &&
			      d[0] == (i == 2 ? 4 : i + 1) && d[descs[i].len - 1] == d[0],
			      "step %zu: frame %u mangled", step, i);
		}
		free(r->wbuf);
		free(r->rbuf);
		free(r);
	}

	/* Lengths that are no frame: the parser says so. */
	{
		__u32 bad[] = { 0, RELAY_LEN_MAX + 1, 0xffffffff };

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			r = relay_new(-1);
			len = put(s, 60, 1);
			len += put(s + len, bad[i], 0);
			e = parse_in_steps(r, s, len, 3);
			CHECK(e == -EPROTO && prod == 1 && r->st.protocol_errors == 1,
			      "length %u: e %d, frames %u", bad[i], e, prod);
			free(r->wbuf);
			free(r->rbuf);
			free(r);
		}
	}
	/* The longest length QEMU may send is still a length: skipped. */
	r = relay_new(-1);
	len = put(s, RELAY_LEN_MAX, 0);
	memset(s + len, 9, RELAY_LEN_MAX);
	len += RELAY_LEN_MAX;
	len += put(s + len, 60, 5);
	e = parse_in_steps(r, s, len, 4096);
	CHECK(!e && prod == 1 && r->st.drop_too_big == 1 && umem[descs[0].addr] == 5,
	      "a 68 KiB frame: e %d, frames %u", e, prod);
	free(r->wbuf);
	free(r->rbuf);
	free(r);
	return 0;
}

int main(void)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} cases[] = {
		{ "short_writes_keep_sync", short_writes_keep_sync },
		{ "parse_cut_every_way", parse_cases },
	};
	unsigned int i, failed = 0;

	log_init("test_relay_stream", 0);
	log_set_level(LOG_LVL_ERR);
	printf("TAP version 13\n1..%zu\n", ARRAY_SIZE(cases));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fails = 0;
		if (cases[i].fn())
			printf("# %s: setup failed: %s\n", cases[i].name, strerror(errno));
		printf("%sok %u %s\n", fails ? "not " : "", i + 1, cases[i].name);
		failed += !!fails;
	}
	return failed ? 1 : 0;
}
