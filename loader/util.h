/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* loader/util.h - small helpers shared by xvsd and xvsctl. */
#ifndef XVS_UTIL_H
#define XVS_UTIL_H

#include <stddef.h>
#include <linux/types.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAC_STRLEN	18
#define IPV4_STRLEN	16

/* "aa:bb:cc:dd:ee:ff" <-> bytes.  mac_parse returns 0 or -EINVAL. */
int mac_parse(const char *s, __u8 mac[6]);
const char *mac_fmt(const __u8 mac[6], char buf[MAC_STRLEN]);

/* Dotted-quad IPv4 <-> an address in network order.  ipv4_parse returns
 * 0, -EINVAL (not an IPv4 address) or -EADDRNOTAVAIL (not one a tunnel
 * can use: 0.0.0.0, 127.0.0.0/8, multicast, 240.0.0.0/4, broadcast).
 */
int ipv4_parse(const char *s, __be32 *addr);
const char *ipv4_fmt(__be32 addr, char buf[IPV4_STRLEN]);

/* Strict unsigned decimal parse into [min, max]; 0 or -EINVAL/-ERANGE. */
int parse_u32(const char *s, __u32 min, __u32 max, __u32 *out);

/* "10,20-30" <-> a 4096-bit VLAN set.  vlan_list_parse returns 0, or
 * -EINVAL (not a list) or -ERANGE (a VID outside 0..4094).
 */
int vlan_list_parse(const char *s, __u64 bits[64]);
const char *vlan_list_fmt(const __u64 bits[64], char *buf, size_t len);

/* Number of possible CPUs (the width of per-CPU values), cached. */
int ncpus(void);

/* The checksum of the 20-byte IPv4 header at `ip` (its checksum field
 * 0), in host order.
 */
__u16 ipv4_csum(const __u8 *ip);

/* Sum a per-CPU array element made of `nfields` __u64 counters. */
int percpu_sum(int map_fd, __u32 key, __u64 *out, int nfields);

/* mkdir -p: create `path` and its missing parents; 0 or -errno. */
int mkdir_p(const char *path, unsigned int mode);

/* Monotonic clock in ns: the clock bpf_ktime_get_ns() reads. */
__u64 now_ns(void);
/* The same at tick resolution: the clock the fast path stamps MAC table
 * entries with (bpf_ktime_get_coarse_ns()), so stamps compare in order.
 */
__u64 now_coarse_ns(void);

#endif /* XVS_UTIL_H */
