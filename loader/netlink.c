// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/netlink.c - the daemon's rtnetlink: the events it follows, and the
 * questions tunnels ask the kernel.
 *
 * Events (one socket, in the epoll loop): a port whose interface
 * disappears - deleted, or moved to another namespace - is removed from
 * the switch and reported (its XDP link and TC filters went with the
 * interface; what is left is map state, port_vanished()).  Any change of
 * links, IPv4 routes, IPv4 addresses or neighbours may move a tunnel's
 * next hop, so after a batch of those every tunnel is resolved again
 * (tunnel.c; a resolution that finds nothing new writes nothing).
 *
 * Questions (a socket per question, closed after the answer, so a late
 * reply never meets the next question): the route to an address, a
 * neighbour entry, and "resolve this neighbour" (RTM_NEWNEIGH with
 * NTF_USE, which makes the kernel send the ARP request it would send for
 * a packet of its own).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "xvsd.h"
#include "log.h"

#define NL_EVENTS	(RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_ROUTE | \
			 RTMGRP_IPV4_IFADDR)
#define NL_RCVBUF	(1 << 20)

int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = NL_EVENTS };
	int fd, sz = NL_RCVBUF;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	/* Neighbour events come in bursts; a lost one is caught by ENOBUFS. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Does this event concern tunnels?  IPv4 neighbours only: the underlay
 * is IPv4.
 */
static int tunnel_event(const struct nlmsghdr *nh)
{
	const struct ndmsg *ndm;

	switch (nh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return 1;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ndm)))
			return 0;
		ndm = NLMSG_DATA(nh);
		return ndm->ndm_family == AF_INET;
	default:
		return 0;
	}
}

void nl_read(struct xvsd *d, int fd)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh;
	struct ifinfomsg *ifi;
	int tunnels = 0;
	ssize_t len;

	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			if (errno == ENOBUFS) {
				/* Events were lost: check every port. */
				pr_warn("netlink events overflowed; rechecking ports and tunnels");
				port_adopt_all(d);
				tunnels = 1;
				continue;
			}
			break;	/* EAGAIN: drained */
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			tunnels |= tunnel_event(nh);
			if (nh->nlmsg_type != RTM_DELLINK ||
			    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
				continue;
			ifi = NLMSG_DATA(nh);
			port_vanished(d, ifi->ifi_index);
		}
	}
	if (tunnels)
		tunnel_resolve_all(d, TUN_RESOLVE_EVENT);
}

/* --- questions ------------------------------------------------------- */

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct rtmsg rt;
		struct ndmsg nd;
	};
	char attrs[64];
};

struct rtattr *nl_attr(struct nlmsghdr *nh, __u16 type, const void *data,
		       __u16 len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

void nl_nest_end(struct nlmsghdr *nh, struct rtattr *nest)
{
	nest->rta_len = (char *)nh + nh->nlmsg_len - (char *)nest;
}

int nl_ask(struct nlmsghdr *req, char *buf, size_t size, int ack)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };
	struct nlmsghdr *nh;
	struct nlmsgerr *ne;
	int fd, e = -ETIMEDOUT;
	ssize_t len;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	req->nlmsg_seq = 1;
	req->nlmsg_flags |= NLM_F_REQUEST;
	if (ack)
		req->nlmsg_flags |= NLM_F_ACK;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = -errno;
		goto out;
	}
	while ((len = recv(fd, buf, size, 0)) > 0) {
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				ne = NLMSG_DATA(nh);
				e = nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ne)) ? -EBADMSG :
				    ne->error;
				goto out;
			}
			if (ack)
				continue;
			/* The answer first in the buffer, for the caller. */
			memmove(buf, nh, nh->nlmsg_len);
			e = nh->nlmsg_len;
			goto out;
		}
	}
	if (len < 0 && errno != EAGAIN)
		e = -errno;
out:
	close(fd);
	return e;
}

int nl_route_get(__be32 dst, __be32 src, struct nl_route *out)
{
	struct nl_req r = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
			.nlmsg_type = RTM_GETROUTE, .nlmsg_flags = NLM_F_REQUEST },
		.rt = { .rtm_family = AF_INET, .rtm_dst_len = 32 },
	};
	char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct rtmsg *rt = NLMSG_DATA(nh);
	struct rtattr *a;
	int len;

	nl_attr(&r.nh, RTA_DST, &dst, 4);
	if (src) {
		r.rt.rtm_src_len = 32;
		nl_attr(&r.nh, RTA_SRC, &src, 4);
	}
	len = nl_ask(&r.nh, buf, sizeof(buf), 0);
	if (len < 0)
		return len;
	if (nh->nlmsg_type != RTM_NEWROUTE || len < (int)NLMSG_LENGTH(sizeof(*rt)))
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	out->type = rt->rtm_type;
	len = RTM_PAYLOAD(nh);
	for (a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) >= 4)
			memcpy(&out->oif, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) >= 4)
			memcpy(&out->gw, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_PREFSRC && RTA_PAYLOAD(a) >= 4)
			memcpy(&out->prefsrc, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_VIA)
			out->via = 1;
	}
	return 0;
}

int nl_neigh_get(__u32 ifindex, __be32 ip, __u16 *state, __u8 mac[6])
{
	struct nl_req r = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg)),
			.nlmsg_type = RTM_GETNEIGH, .nlmsg_flags = NLM_F_REQUEST },
		.nd = { .ndm_family = AF_INET, .ndm_ifindex = ifindex },
	};
	char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct ndmsg *nd = NLMSG_DATA(nh);
	struct rtattr *a;
	int len, have_mac = 0;

	nl_attr(&r.nh, NDA_DST, &ip, 4);
	len = nl_ask(&r.nh, buf, sizeof(buf), 0);
	if (len < 0)
		return len;
	if (nh->nlmsg_type != RTM_NEWNEIGH || len < (int)NLMSG_LENGTH(sizeof(*nd)))
		return -EBADMSG;
	*state = nd->ndm_state;
	len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*nd));
	for (a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	     RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
			memcpy(mac, RTA_DATA(a), 6);
			have_mac = 1;
		}
	if (!have_mac)
		*state &= ~NL_NUD_USABLE;	/* nothing to use */
	return 0;
}

int nl_neigh_use(__u32 ifindex, __be32 ip)
{
	struct nl_req r = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg)),
			.nlmsg_type = RTM_NEWNEIGH,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE },
		.nd = { .ndm_family = AF_INET, .ndm_ifindex = ifindex,
			.ndm_flags = NTF_USE },
	};
	char buf[1024] __attribute__((aligned(NLMSG_ALIGNTO)));

	nl_attr(&r.nh, NDA_DST, &ip, 4);
	return nl_ask(&r.nh, buf, sizeof(buf), 1);
}
