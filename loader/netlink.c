// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/netlink.c - follows link events (RTNLGRP_LINK) so that a port
 * whose interface disappears - deleted, or moved to another namespace - is
 * removed from the switch and reported.  Its XDP link and TC filters went
 * with the interface; what is left is map state (port_vanished()).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "xvsd.h"
#include "log.h"

int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -errno;
	}
	return fd;
}

void nl_read(struct xvsd *d, int fd)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh;
	struct ifinfomsg *ifi;
	ssize_t len;

	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			if (errno == ENOBUFS) {
				/* Events were lost: check every port. */
				pr_warn("netlink events overflowed; rechecking ports");
				port_adopt_all(d);
				continue;
			}
			return;	/* EAGAIN: drained */
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type != RTM_DELLINK ||
			    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
				continue;
			ifi = NLMSG_DATA(nh);
			port_vanished(d, ifi->ifi_index);
		}
	}
}
