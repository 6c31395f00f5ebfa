// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* loader/util.c - see util.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "util.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *s, __u8 mac[6])
{
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0)
			return -EINVAL;
		mac[i] = hi << 4 | lo;
		s += 2;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	return *s ? -EINVAL : 0;
}

const char *mac_fmt(const __u8 mac[6], char buf[MAC_STRLEN])
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int ipv4_parse(const char *s, __be32 *addr)
{
	struct in_addr a;
	__u32 h;

	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	h = ntohl(a.s_addr);
	if (!h || (h >> 24) == 127 || (h >> 28) >= 0xe)
		return -EADDRNOTAVAIL;
	*addr = a.s_addr;
	return 0;
}

const char *ipv4_fmt(__be32 addr, char buf[IPV4_STRLEN])
{
	struct in_addr a = { .s_addr = addr };

	if (!inet_ntop(AF_INET, &a, buf, IPV4_STRLEN))
		snprintf(buf, IPV4_STRLEN, "?");
	return buf;
}

int parse_u32(const char *s, __u32 min, __u32 max, __u32 *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int ncpus(void)
{
	static int n;

	if (!n)
		n = libbpf_num_possible_cpus();
	return n > 0 ? n : 1;
}

__u16 ipv4_csum(const __u8 *ip)
{
	__u32 sum = 0, i;

	for (i = 0; i < 20; i += 2)
		sum += ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

int percpu_sum(int map_fd, __u32 key, __u64 *out, int nfields)
{
	int n = ncpus(), cpu, i;
	__u64 *vals;

	vals = calloc((size_t)n * nfields, sizeof(__u64));
	if (!vals)
		return -ENOMEM;
	memset(out, 0, nfields * sizeof(__u64));
	if (bpf_map_lookup_elem(map_fd, &key, vals)) {
		free(vals);
		return -errno;
	}
	for (cpu = 0; cpu < n; cpu++)
		for (i = 0; i < nfields; i++)
			out[i] += vals[cpu * nfields + i];
	free(vals);
	return 0;
}

__u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int mkdir_p(const char *path, unsigned int mode)
{
	char buf[PATH_MAX];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int vlan_list_parse(const char *s, __u64 bits[64])
{
	unsigned long lo, hi, v;
	char *end;

	memset(bits, 0, 64 * sizeof(__u64));
	if (!*s)
		return -EINVAL;
	for (;;) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		lo = hi = strtoul(s, &end, 10);
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return -EINVAL;
			hi = strtoul(s, &end, 10);
		}
		if (lo > hi)
			return -EINVAL;
		if (hi > 4094)
			return -ERANGE;
		for (v = lo; v <= hi; v++)
			bits[v / 64] |= 1ULL << (v % 64);
		if (!*end)
			return 0;
		if (*end != ',')
			return -EINVAL;
		s = end + 1;
	}
}

static int vlan_bit(const __u64 bits[64], unsigned int v)
{
	return v < 4096 && (bits[v / 64] >> (v % 64)) & 1;
}

const char *vlan_list_fmt(const __u64 bits[64], char *buf, size_t len)
{
	unsigned int v, end;
	size_t n = 0;

	buf[0] = '\0';
	for (v = 0; v < 4096 && n < len; v++) {
		if (!vlan_bit(bits, v))
			continue;
		for (end = v; vlan_bit(bits, end + 1); end++)
			;
		if (end == v)
			n += snprintf(buf + n, len - n, "%s%u", n ? "," : "", v);
		else
			n += snprintf(buf + n, len - n, "%s%u-%u", n ? "," : "", v, end);
		v = end;
	}
	return buf;
}

__u64 now_coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
