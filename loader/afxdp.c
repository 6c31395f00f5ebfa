// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/afxdp.c - AF_XDP ports: see afxdp.h and maps/afxdp.h.
 *
 * Making a port, in the order that lets each step be undone:
 *
 *   1. the veth pair <port> / <port>-xsk, N queues each (rtnetlink), IPv6
 *      off on both ends - their own stacks must not talk into the switch
 *      or to the consumer - and tx checksumming off on <port>, so that
 *      frames from local stacks reach the consumer with their checksums
 *      done;
 *   2. the far side's object: loaded, its maps pinned in afxdp/<port>/,
 *      xsk_conf written, xvs_xsk_rx linked to <port>-xsk in native mode
 *      and the link pinned, the probe pinned;
 *   3. both ends up, then <port> attached to the bridge at XDP (native);
 *   4. the relay, when a VM socket was asked for.
 *
 * Both ends carry XDP programs, which is also what a veth needs before it
 * takes XDP-redirected frames (NAPI on the receiving end).
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvs_xsk.skel.h"
#include "xvsd.h"
#include "afxdp.h"
#include "relay.h"
#include "objpin.h"
#include "log.h"
#include "util.h"
#include "maps/port.h"
#include "maps/afxdp.h"

/* --- rtnetlink: the veth pair ---------------------------------------- */

struct nl_msg {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[512];
};

/* Send m and wait for its acknowledgement: 0 or -errno. */
static int nl_do(struct nl_msg *m)
{
	char buf[1024] __attribute__((aligned(NLMSG_ALIGNTO)));

	return nl_ask(&m->nh, buf, sizeof(buf), 1);
}

static void nl_init(struct nl_msg *m, __u16 type, __u16 flags, int ifindex)
{
	memset(m, 0, sizeof(*m));
	m->nh.nlmsg_len = NLMSG_LENGTH(sizeof(m->ifi));
	m->nh.nlmsg_type = type;
	m->nh.nlmsg_flags = flags;
	m->ifi.ifi_family = AF_UNSPEC;
	m->ifi.ifi_index = ifindex;
}

static void put_link(struct nl_msg *m, const char *name, __u32 queues)
{
	nl_attr(&m->nh, IFLA_IFNAME, name, strlen(name) + 1);
	nl_attr(&m->nh, IFLA_NUM_TX_QUEUES, &queues, sizeof(queues));
	nl_attr(&m->nh, IFLA_NUM_RX_QUEUES, &queues, sizeof(queues));
}

/* ip link add NAME numtxqueues N numrxqueues N type veth peer name PEER
 * numtxqueues N numrxqueues N
 */
static int veth_create(const char *name, const char *peer, __u32 queues)
{
	struct ifinfomsg pifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *info, *data, *pr;
	struct nl_msg m;

	nl_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	put_link(&m, name, queues);
	info = nl_attr(&m.nh, IFLA_LINKINFO, NULL, 0);
	nl_attr(&m.nh, IFLA_INFO_KIND, "veth", 5);
	data = nl_attr(&m.nh, IFLA_INFO_DATA, NULL, 0);
	/* The peer's attributes follow an ifinfomsg of its own. */
	pr = nl_attr(&m.nh, VETH_INFO_PEER, &pifi, sizeof(pifi));
	put_link(&m, peer, queues);
	nl_nest_end(&m.nh, pr);
	nl_nest_end(&m.nh, data);
	nl_nest_end(&m.nh, info);
	return nl_do(&m);
}

static int link_up(__u32 ifindex)
{
	struct nl_msg m;

	nl_init(&m, RTM_NEWLINK, 0, ifindex);
	m.ifi.ifi_flags = IFF_UP;
	m.ifi.ifi_change = IFF_UP;
	return nl_do(&m);
}

static int link_del(__u32 ifindex)
{
	struct nl_msg m;

	nl_init(&m, RTM_DELLINK, 0, ifindex);
	return nl_do(&m);
}

/* Their own stacks would send router solicitations and DAD probes into
 * the switch and to the consumer: no IPv6 on either end (best effort: a
 * kernel without IPv6 has nothing to switch off).
 */
static void ipv6_off(const char *ifname)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		pr_debug("'%s': IPv6 left on: %s", ifname, strerror(errno));
	close(fd);
}

/* <port>-xsk (names were checked: it fits). */
static const char *peer_name(const char *name, char buf[IF_NAMESIZE])
{
	if (snprintf(buf, IF_NAMESIZE, "%s%s", name, XVS_XSK_PEER_SUFFIX) >= IF_NAMESIZE)
		buf[0] = '\0';
	return buf;
}

/* Frames from a local stack (a TC port's veth or tap) carry checksums
 * left to offload, which an AF_XDP consumer would get unfinished: without
 * tx checksumming on the switch side, the kernel finishes them (and
 * segments GSO frames) before they enter the veth.
 */
static int tx_csum_off(const char *ifname)
{
	struct ethtool_value v = { .cmd = ETHTOOL_STXCSUM, .data = 0 };
	struct ifreq ifr = { .ifr_data = (void *)&v };
	int fd, e = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		e = -errno;
	close(fd);
	return e;
}

/* --- pins ------------------------------------------------------------ */

static void port_dir(struct xvsd *d, const char *name, char *buf, size_t len)
{
	inst_pin_path(&d->inst, buf, len, "%s/%s", XVS_XSK_PIN_DIR, name);
}

static int pin_fd(const char *dir, const char *what)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, what) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/* Pin fd as dir/what, replacing what is there without a moment of none. */
static int pin_replace(int fd, const char *dir, const char *what)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, what);
	snprintf(tmp, sizeof(tmp), "%s/%s_new", dir, what);
	unlink(tmp);
	if (bpf_obj_pin(fd, tmp))
		return -errno;
	if (rename(tmp, path)) {
		unlink(tmp);
		return -errno;
	}
	return 0;
}

/* rm -r of a port's pin directory (flat: pins only). */
static void dir_remove(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dh = opendir(dir);

	if (!dh)
		return;
	while ((de = readdir(dh))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path))
			pr_warn("Couldn't unpin '%s': %s", path, strerror(errno));
	}
	closedir(dh);
	if (rmdir(dir) && errno != ENOENT)
		pr_warn("Couldn't remove '%s': %s", dir, strerror(errno));
}

static int conf_read(struct xvsd *d, const char *name, struct xvs_xsk_conf *c)
{
	char dir[PATH_MAX];
	__u32 zero = 0;
	int fd, e = 0;

	port_dir(d, name, dir, sizeof(dir));
	fd = pin_fd(dir, "xsk_conf");
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &zero, c))
		e = -errno;
	close(fd);
	c->name[sizeof(c->name) - 1] = '\0';
	c->vm_socket[sizeof(c->vm_socket) - 1] = '\0';
	return e;
}

/* The configuration of the AF_XDP port whose switch side is on ifindex,
 * whatever the interface is called now.
 */
static int conf_find(struct xvsd *d, __u32 ifindex, struct xvs_xsk_conf *c)
{
	char top[PATH_MAX];
	struct dirent *de;
	int e = -ENOENT;
	DIR *dh;

	inst_pin_path(&d->inst, top, sizeof(top), "%s", XVS_XSK_PIN_DIR);
	dh = opendir(top);
	if (!dh)
		return -ENOENT;
	while (e && (de = readdir(dh)))
		if (de->d_name[0] != '.' && !conf_read(d, de->d_name, c) &&
		    c->ifindex == ifindex && !strcmp(c->name, de->d_name))
			e = 0;
	closedir(dh);
	return e;
}

int afxdp_far_side(struct xvsd *d, __u32 ifindex, char *port, size_t len)
{
	char top[PATH_MAX];
	struct xvs_xsk_conf c;
	struct dirent *de;
	int found = 0;
	DIR *dh;

	inst_pin_path(&d->inst, top, sizeof(top), "%s", XVS_XSK_PIN_DIR);
	dh = opendir(top);
	if (!dh)
		return 0;
	while (!found && (de = readdir(dh)))
		found = de->d_name[0] != '.' && !conf_read(d, de->d_name, &c) &&
			c.peer_ifindex == ifindex;
	closedir(dh);
	if (found)
		snprintf(port, len, "%s", c.name);
	return found;
}

/* --- the far side's object ------------------------------------------- */

/* Load xvs_xsk over the maps pinned in dir (none: new ones, pinned). */
static int xsk_load(const char *dir, struct xvs_xsk **out)
{
	struct xvs_xsk *o = xvs_xsk__open();
	int e;

	if (!o)
		return -errno;
	e = obj_reuse_pinned(o->obj, dir);
	if (!e)
		e = xvs_xsk__load(o);
	if (!e)
		e = obj_pin_maps(o->obj, dir);
	if (!e)
		e = pin_replace(bpf_program__fd(o->progs.xvs_xsk_probe), dir, "probe");
	if (e) {
		xvs_xsk__destroy(o);
		return e;
	}
	*out = o;
	return 0;
}

static int xsk_attach(struct xvs_xsk *o, const char *dir, __u32 ifindex)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_DRV_MODE);
	int fd, e;

	fd = bpf_link_create(bpf_program__fd(o->progs.xvs_xsk_rx), ifindex, BPF_XDP,
			     &opts);
	if (fd < 0)
		return -errno;
	e = pin_replace(fd, dir, "link");
	close(fd);	/* the pin holds the attachment */
	return e;
}

/* A restarted daemon's program in place of the pinned link's, over the
 * same maps: what a new xvs version changed in it takes effect.
 */
static int xsk_update(const char *dir)
{
	struct xvs_xsk *o;
	int fd, e;

	e = xsk_load(dir, &o);
	if (e)
		return e;
	fd = pin_fd(dir, "link");
	e = fd < 0 ? fd : bpf_link_update(fd, bpf_program__fd(o->progs.xvs_xsk_rx), NULL);
	if (fd >= 0)
		close(fd);
	xvs_xsk__destroy(o);
	return e ? (e < 0 ? e : -errno) : 0;
}

/* --- the relay ------------------------------------------------------- */

static int relay_up(struct xvsd *d, const struct xvs_xsk_conf *c, __u16 port_no,
		    char *err, size_t errlen)
{
	struct relay_conf rc = {
		.port = c->name, .ifindex = c->peer_ifindex, .queues = c->queues,
		.path = c->vm_socket, .uid = c->uid, .gid = c->gid,
		.mode = c->mode,
		.framing = c->flags & XVS_XSK_F_DGRAM ? RELAY_DGRAM : RELAY_STREAM,
	};
	char dir[PATH_MAX];
	int e;

	if (!(c->flags & XVS_XSK_F_RELAY) || d->relays[port_no])
		return 0;
	port_dir(d, c->name, dir, sizeof(dir));
	rc.xsks_fd = pin_fd(dir, "xsks");
	if (rc.xsks_fd < 0) {
		snprintf(err, errlen, "Couldn't open the XSKMAP of '%s': %s", c->name,
			 strerror(-rc.xsks_fd));
		return rc.xsks_fd;
	}
	e = relay_start(&rc, &d->relays[port_no], err, errlen);
	close(rc.xsks_fd);
	if (!e)
		pr_info("port %s: relay on %s (%s framing, %u queue%s)", c->name,
			c->vm_socket, c->flags & XVS_XSK_F_DGRAM ? "dgram" : "stream",
			c->queues, c->queues == 1 ? "" : "s");
	return e;
}

static void relay_down(struct xvsd *d, __u16 port_no)
{
	if (port_no >= XVS_MAX_PORTS || !d->relays[port_no])
		return;
	relay_stop(d->relays[port_no]);
	d->relays[port_no] = NULL;
}

/* --- add ------------------------------------------------------------- */

static int conf_check(struct xvsd *d, const struct afxdp_conf *c, char *err,
		      size_t errlen)
{
	struct xvs_port p;
	size_t n = strlen(c->name);

	if (!n || n > XVS_XSK_NAME_MAX || strpbrk(c->name, "/: \t\n") ||
	    c->name[0] == '.') {
		snprintf(err, errlen, "bad AF_XDP port name '%s' (1 to %d characters: '%s' is added for the far side)",
			 c->name, XVS_XSK_NAME_MAX, XVS_XSK_PEER_SUFFIX);
		return -EINVAL;
	}
	if (c->queues < 1 || c->queues > XVS_XSK_MAX_QUEUES) {
		snprintf(err, errlen, "bad queue count %u (1 to %d)", c->queues,
			 XVS_XSK_MAX_QUEUES);
		return -EINVAL;
	}
	if (c->vm_socket && (!*c->vm_socket || strlen(c->vm_socket) >= XVS_XSK_PATH_LEN)) {
		snprintf(err, errlen, "bad VM socket path '%s' (1 to %d characters)",
			 c->vm_socket, XVS_XSK_PATH_LEN - 1);
		return -EINVAL;
	}
	if (!port_lookup(d, c->name, &p)) {
		snprintf(err, errlen, "'%s' is a port already", c->name);
		return -EEXIST;
	}
	if (if_nametoindex(c->name)) {
		snprintf(err, errlen, "an interface '%s' exists already", c->name);
		return -EEXIST;
	}
	return 0;
}

static void conf_fill(const struct afxdp_conf *c, __u32 ifindex, __u32 peer,
		      struct xvs_xsk_conf *v)
{
	memset(v, 0, sizeof(*v));
	v->ifindex = ifindex;
	v->peer_ifindex = peer;
	v->queues = c->queues;
	snprintf(v->name, sizeof(v->name), "%s", c->name);
	if (!c->vm_socket)
		return;
	v->flags = XVS_XSK_F_RELAY | (c->dgram ? XVS_XSK_F_DGRAM : 0);
	v->uid = c->uid;
	v->gid = c->gid;
	v->mode = c->mode;
	snprintf(v->vm_socket, sizeof(v->vm_socket), "%s", c->vm_socket);
}

/* Steps 2 and 3: the far side's object pinned and linked, both ends up. */
static int far_side(struct xvsd *d, const char *dir, const struct xvs_xsk_conf *v,
		    char *err, size_t errlen)
{
	struct xvs_xsk *o = NULL;
	__u32 zero = 0;
	int e;

	e = mkdir_p(dir, 0700);
	if (!e)
		e = xsk_load(dir, &o);
	if (e) {
		snprintf(err, errlen, "Couldn't load the AF_XDP program for '%s': %s (xvsd -v for the verifier log)",
			 v->name, strerror(-e));
		return e;
	}
	if (bpf_map_update_elem(bpf_map__fd(o->maps.xsk_conf), &zero, v, BPF_ANY))
		e = -errno;
	if (!e)
		e = xsk_attach(o, dir, v->peer_ifindex);
	xvs_xsk__destroy(o);
	if (e) {
		snprintf(err, errlen, "Couldn't attach XDP to '%s%s': %s", v->name,
			 XVS_XSK_PEER_SUFFIX, strerror(-e));
		return e;
	}
	e = link_up(v->peer_ifindex);
	if (!e)
		e = link_up(v->ifindex);
	if (e)
		snprintf(err, errlen, "Couldn't bring '%s' up: %s", v->name, strerror(-e));
	return e;
}

static void add_result(json_object *res, const struct xvs_xsk_conf *v,
		       const struct xvs_port *p)
{
	json_object *o = json_object_new_object();
	char peer[IF_NAMESIZE];

	peer_name(v->name, peer);
	json_object_object_add(o, "name", json_object_new_string(v->name));
	json_object_object_add(o, "port_no", json_object_new_int(p->port_no));
	json_object_object_add(o, "far_side", json_object_new_string(peer));
	json_object_object_add(o, "far_ifindex", json_object_new_int64(v->peer_ifindex));
	json_object_object_add(o, "queues", json_object_new_int64(v->queues));
	if (v->flags & XVS_XSK_F_RELAY)
		json_object_object_add(o, "vm_socket", json_object_new_string(v->vm_socket));
	json_object_object_add(res, "port", o);
}

/* The switch side joins the bridge, marked as an AF_XDP port. */
static int switch_side(struct xvsd *d, const char *bridge, const char *name,
		       struct xvs_port *p, char *err, size_t errlen)
{
	int e;

	e = port_attach(d, bridge, name, "xdp", "native", 0, NULL, err, errlen);
	if (e)
		return e < 0 ? e : -EEXIST;
	if (port_lookup(d, name, p))
		return -ENOENT;
	p->flags |= XVS_PORT_F_AFXDP;
	bpf_map_update_elem(d->ports_fd, &p->ifindex, p, BPF_EXIST);
	return 0;
}

int afxdp_add(struct xvsd *d, const struct afxdp_conf *c, json_object *res,
	      char *err, size_t errlen)
{
	char peer[IF_NAMESIZE], dir[PATH_MAX], e2[256];
	struct xvs_xsk_conf v;
	struct xvs_port p;
	__u32 ifindex;
	int e;

	e = conf_check(d, c, err, errlen);
	if (e)
		return e;
	peer_name(c->name, peer);
	e = veth_create(c->name, peer, c->queues);
	if (e) {
		snprintf(err, errlen, "Couldn't create veth pair %s/%s: %s", c->name,
			 peer, strerror(-e));
		return e;
	}
	ifindex = if_nametoindex(c->name);
	conf_fill(c, ifindex, if_nametoindex(peer), &v);
	ipv6_off(c->name);
	ipv6_off(peer);
	port_dir(d, c->name, dir, sizeof(dir));
	/* No port and no interface of this name: pins there are stale. */
	dir_remove(dir);
	e = tx_csum_off(c->name);
	if (e)
		snprintf(err, errlen, "Couldn't turn tx checksumming off on '%s': %s",
			 c->name, strerror(-e));
	else
		e = far_side(d, dir, &v, err, errlen);
	if (!e)
		e = switch_side(d, c->bridge, c->name, &p, err, errlen);
	if (e)
		goto undo_veth;
	e = relay_up(d, &v, p.port_no, err, errlen);
	if (e)
		goto undo_port;
	if (res)
		add_result(res, &v, &p);
	pr_info("AF_XDP port %s (ifindex %u, far side %s ifindex %u, %u queue%s) on bridge %s%s%s",
		c->name, ifindex, peer, v.peer_ifindex, c->queues,
		c->queues == 1 ? "" : "s", c->bridge, c->vm_socket ? ", relay " : "",
		c->vm_socket ?: "");
	return 0;

undo_port:
	port_detach(d, c->name, e2, sizeof(e2));
undo_veth:
	link_del(ifindex);
	dir_remove(dir);
	return e;
}

/* --- remove ---------------------------------------------------------- */

/* Everything but the switch side's port entry: relay, veth, pins. */
static void port_rest_del(struct xvsd *d, const char *name, __u32 ifindex,
			  __u16 port_no)
{
	char dir[PATH_MAX], now[IF_NAMESIZE];

	relay_down(d, port_no);
	/* Only the veth we made: the ifindex must still carry the name. */
	if (ifindex && if_indextoname(ifindex, now) && !strcmp(now, name))
		link_del(ifindex);
	port_dir(d, name, dir, sizeof(dir));
	dir_remove(dir);
}

void afxdp_release(struct xvsd *d, const struct xvs_port *p)
{
	struct xvs_xsk_conf c;

	if (conf_find(d, p->ifindex, &c)) {
		relay_down(d, p->port_no);
		return;
	}
	port_rest_del(d, c.name, c.ifindex, p->port_no);
	pr_info("AF_XDP port %s removed", c.name);
}

int afxdp_del(struct xvsd *d, const char *name, char *err, size_t errlen)
{
	struct xvs_xsk_conf c;
	struct xvs_port p;

	if (strlen(name) > XVS_XSK_NAME_MAX || conf_read(d, name, &c)) {
		snprintf(err, errlen, "'%s' is not an AF_XDP port", name);
		return -ENOENT;
	}
	/* port_detach() comes back through afxdp_release(). */
	if (!bpf_map_lookup_elem(d->ports_fd, &c.ifindex, &p) &&
	    (p.flags & XVS_PORT_F_AFXDP))
		return port_detach(d, p.name, err, errlen);
	port_rest_del(d, c.name, c.ifindex, 0);
	pr_info("AF_XDP port %s removed (it was in no bridge)", c.name);
	return 0;
}

/* --- adopt, and everything at once ----------------------------------- */

/* Is the pair still what we made: both ends there, by name and index? */
static int pair_intact(const struct xvs_xsk_conf *c)
{
	char a[IF_NAMESIZE], b[IF_NAMESIZE], peer[IF_NAMESIZE];

	peer_name(c->name, peer);
	return if_indextoname(c->ifindex, a) && !strcmp(a, c->name) &&
	       if_indextoname(c->peer_ifindex, b) && !strcmp(b, peer);
}

static void adopt_one(struct xvsd *d, const char *name)
{
	char dir[PATH_MAX], err[256] = "";
	struct xvs_xsk_conf c;
	struct xvs_port p;
	int e;

	port_dir(d, name, dir, sizeof(dir));
	if (conf_read(d, name, &c) || strcmp(c.name, name)) {
		pr_warn("AF_XDP port %s: no readable configuration; its pins are removed",
			name);
		dir_remove(dir);
		return;
	}
	if (bpf_map_lookup_elem(d->ports_fd, &c.ifindex, &p) ||
	    !(p.flags & XVS_PORT_F_AFXDP) || !pair_intact(&c)) {
		pr_warn("AF_XDP port %s: its veth or its port is gone; removing the rest",
			name);
		port_rest_del(d, c.name, pair_intact(&c) ? c.ifindex : 0, 0);
		return;
	}
	if (d->relays[p.port_no])
		return;		/* adopted already */
	e = xsk_update(dir);
	if (e)
		pr_warn("AF_XDP port %s: Couldn't update its program: %s (the old one runs on)",
			name, strerror(-e));
	if (relay_up(d, &c, p.port_no, err, sizeof(err)))
		pr_err("AF_XDP port %s: %s", name, err);
	pr_info("AF_XDP port %s adopted%s", name, e ? "" : " (its far-side program replaced)");
}

/* Call fn on each port directory's name under afxdp/. */
static void for_each_dir(struct xvsd *d, void (*fn)(struct xvsd *, const char *))
{
	char top[PATH_MAX], names[XVS_MAX_PORTS][XVS_NAME_LEN];
	struct dirent *de;
	int n = 0, i;
	DIR *dh;

	inst_pin_path(&d->inst, top, sizeof(top), "%s", XVS_XSK_PIN_DIR);
	dh = opendir(top);
	if (!dh)
		return;
	/* Names first: fn removes directories. */
	while ((de = readdir(dh)) && n < XVS_MAX_PORTS)
		if (de->d_name[0] != '.' && strlen(de->d_name) < XVS_NAME_LEN)
			snprintf(names[n++], XVS_NAME_LEN, "%s", de->d_name);
	closedir(dh);
	for (i = 0; i < n; i++)
		fn(d, names[i]);
}

void afxdp_adopt_all(struct xvsd *d)
{
	for_each_dir(d, adopt_one);
}

static void del_one(struct xvsd *d, const char *name)
{
	char err[256];

	if (afxdp_del(d, name, err, sizeof(err))) {
		char dir[PATH_MAX];

		port_dir(d, name, dir, sizeof(dir));
		dir_remove(dir);
	}
}

static void top_dir_remove(struct xvsd *d)
{
	char top[PATH_MAX];

	inst_pin_path(&d->inst, top, sizeof(top), "%s", XVS_XSK_PIN_DIR);
	if (rmdir(top) && errno != ENOENT)
		pr_warn("Couldn't remove '%s': %s", top, strerror(errno));
}

void afxdp_del_all(struct xvsd *d)
{
	for_each_dir(d, del_one);
	top_dir_remove(d);
}

/* Another version's pins: only the directory names are trusted. */
static void reset_one(struct xvsd *d, const char *name)
{
	char dir[PATH_MAX];
	__u32 ifindex = if_nametoindex(name);

	if (ifindex)
		link_del(ifindex);
	port_dir(d, name, dir, sizeof(dir));
	dir_remove(dir);
}

void afxdp_reset_all(struct xvsd *d)
{
	for_each_dir(d, reset_one);
	top_dir_remove(d);
}

void afxdp_stop_relays(struct xvsd *d)
{
	int i;

	for (i = 0; i < XVS_MAX_PORTS; i++)
		relay_down(d, i);
}

/* --- counters -------------------------------------------------------- */

static void add_u64(json_object *o, const char *k, __u64 v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static json_object *relay_json(struct relay *r)
{
	json_object *o = json_object_new_object();
	struct relay_stats s;

	relay_get_stats(r, &s);
	json_object_object_add(o, "peer_connected", json_object_new_boolean(s.peer_connected));
	json_object_object_add(o, "zerocopy", json_object_new_boolean(s.zerocopy));
	add_u64(o, "to_peer_packets", s.to_peer_packets);
	add_u64(o, "to_peer_bytes", s.to_peer_bytes);
	add_u64(o, "from_peer_packets", s.from_peer_packets);
	add_u64(o, "from_peer_bytes", s.from_peer_bytes);
	add_u64(o, "connects", s.connects);
	add_u64(o, "disconnects", s.disconnects);
	add_u64(o, "drop_no_peer", s.drop_no_peer);
	add_u64(o, "drop_peer_stalled", s.drop_peer_stalled);
	add_u64(o, "drop_too_big", s.drop_too_big);
	add_u64(o, "drop_tx_full", s.drop_tx_full);
	add_u64(o, "protocol_errors", s.protocol_errors);
	add_u64(o, "rx_dropped", s.xsk.rx_dropped);
	add_u64(o, "rx_invalid_descs", s.xsk.rx_invalid_descs);
	add_u64(o, "tx_invalid_descs", s.xsk.tx_invalid_descs);
	add_u64(o, "rx_ring_full", s.xsk.rx_ring_full);
	add_u64(o, "rx_fill_ring_empty_descs", s.xsk.rx_fill_ring_empty_descs);
	add_u64(o, "tx_ring_empty_descs", s.xsk.tx_ring_empty_descs);
	return o;
}

void afxdp_relay_stats(struct xvsd *d, json_object *res)
{
	struct xvs_port p;
	__u32 key, *prev = NULL;
	json_object *o;

	while (!bpf_map_get_next_key(d->ports_fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(d->ports_fd, &key, &p) ||
		    !(p.flags & XVS_PORT_F_AFXDP) || p.port_no >= XVS_MAX_PORTS ||
		    !d->relays[p.port_no])
			continue;
		o = relay_json(d->relays[p.port_no]);
		json_object_object_add(o, "name", json_object_new_string(p.name));
		json_object_array_add(res, o);
	}
}
