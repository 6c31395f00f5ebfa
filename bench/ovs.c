// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench/ovs.c - Open vSwitch's userspace datapath as one of bench_fwd's
 * systems (topo.h: SYS_OVS).
 *
 * There is no openvswitch kernel module here, so the bridge has
 * datapath_type=netdev: ovs-vswitchd itself switches, reading and
 * writing the veths through packet sockets.  The bench runs an
 * ovsdb-server and an ovs-vswitchd of its own for each topology, in a
 * private directory under the run directory (database, sockets,
 * pidfiles, logs; OVS_RUNDIR and friends point there, so nothing of the
 * system's installation is touched or used), ovs-vswitchd in the switch
 * namespace and pinned to the switch CPU.  Both are children of the
 * bench, stopped by their PIDs.
 *
 * Like the others: the ports p0..pN on one bridge in NORMAL mode (MAC
 * learning), the destination a static MAC table entry behind p1
 * (fdb/add), the MAC table as large as xvs's (mac-table-size).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "loader/log.h"
#include "loader/util.h"
#include "bench/report.h"
#include "bench/topo.h"

#define OVS_SCHEMA	"/usr/share/openvswitch/vswitch.ovsschema"
#define DST_MAC		"02:00:00:00:00:0b"

int ovs_available(void)
{
	return !system("{ command -v ovs-vswitchd && command -v ovsdb-server && "
		       "command -v ovs-vsctl && command -v ovs-appctl && "
		       "command -v ovsdb-tool; } >/dev/null 2>&1") &&
	       !access(OVS_SCHEMA, R_OK);
}

#define run(...)	bench_sh("ovs", __VA_ARGS__)

/* A daemon of ours: in the switch namespace if `ns` >= 0, on `cpu` if
 * >= 0, its output in DIR/NAME.out, the OVS directories all DIR.
 */
static pid_t spawn(const char *dir, const char *name, int ns, int cpu, char *const argv[])
{
	char out[PATH_MAX];
	cpu_set_t set;
	pid_t pid;
	int fd;

	snprintf(out, sizeof(out), "%s/%s.out", dir, name);
	pid = fork();
	if (pid)
		return pid;
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (ns >= 0 && setns(ns, CLONE_NEWNET)))
		_exit(127);
	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	dup2(fd, 1);
	dup2(fd, 2);
	setenv("OVS_RUNDIR", dir, 1);
	setenv("OVS_LOGDIR", dir, 1);
	setenv("OVS_DBDIR", dir, 1);
	setenv("OVS_SYSCONFDIR", dir, 1);
	execvp(argv[0], argv);
	_exit(127);
}

static int wait_file(const char *path)
{
	int i;

	for (i = 0; i < 200 && access(path, F_OK); i++)
		usleep(25000);
	return access(path, F_OK) ? -ETIMEDOUT : 0;
}

int ovs_start(struct topo *t, const struct topo_env *env)
{
	char db[PATH_MAX], sock[PATH_MAX], remote[PATH_MAX + 16], uctl[PATH_MAX];
	char octl[PATH_MAX], pid1[PATH_MAX + 16], pid2[PATH_MAX + 16], log1[PATH_MAX + 16];
	char log2[PATH_MAX + 16], uarg1[PATH_MAX + 16], uarg2[PATH_MAX + 16];
	char ports[512], vsctl[PATH_MAX + 64], conn[PATH_MAX + 8];
	char *dir = t->ovsdir;
	int i, n = 0, err;

	snprintf(dir, sizeof(t->ovsdir), "%s/ovs-%s", env->rundir, t->tag);
	snprintf(db, sizeof(db), "%s/conf.db", dir);
	snprintf(sock, sizeof(sock), "%s/db.sock", dir);
	snprintf(remote, sizeof(remote), "--remote=punix:%s", sock);
	snprintf(conn, sizeof(conn), "unix:%s", sock);
	snprintf(octl, sizeof(octl), "%s/ovsdb-server.ctl", dir);
	snprintf(uctl, sizeof(uctl), "%s/vswitchd.ctl", dir);
	snprintf(uarg1, sizeof(uarg1), "--unixctl=%s", octl);
	snprintf(uarg2, sizeof(uarg2), "--unixctl=%s", uctl);
	snprintf(pid1, sizeof(pid1), "--pidfile=%s/ovsdb-server.pid", dir);
	snprintf(pid2, sizeof(pid2), "--pidfile=%s/ovs-vswitchd.pid", dir);
	snprintf(log1, sizeof(log1), "--log-file=%s/ovsdb-server.log", dir);
	snprintf(log2, sizeof(log2), "--log-file=%s/ovs-vswitchd.log", dir);
	snprintf(vsctl, sizeof(vsctl), "ovs-vsctl --db=unix:%s --timeout=30", sock);
	if (mkdir_p(dir, 0700))
		return -errno;
	err = run("ovsdb-tool create %s " OVS_SCHEMA, db);
	if (err)
		return err;
	{
		char *argv[] = { "ovsdb-server", db, remote, uarg1, pid1, log1, NULL };

		t->ovsdb = spawn(dir, "ovsdb-server", -1, -1, argv);
	}
	if (t->ovsdb < 0 || wait_file(sock)) {
		pr_err("ovs: ovsdb-server did not come up (see %s)", dir);
		return -EIO;
	}
	err = run("%s --no-wait init", vsctl);
	if (err)
		return err;
	{
		char *argv[] = { "ovs-vswitchd", conn, uarg2, pid2, log2, NULL };

		t->vswitchd = spawn(dir, "ovs-vswitchd", t->ns_fd[NS_SW], env->sw_cpu, argv);
	}
	if (t->vswitchd < 0 || wait_file(uctl)) {
		pr_err("ovs: ovs-vswitchd did not come up (see %s)", dir);
		return -EIO;
	}
	for (i = 0; i <= t->fanout; i++)
		n += snprintf(ports + n, sizeof(ports) - n, " -- add-port %sbr %sp%d",
			      t->tag, t->tag, i);
	return run("%s add-br %sbr -- set bridge %sbr datapath_type=netdev "
		   "other_config:mac-table-size=%u%s >/dev/null", vsctl, t->tag,
		   t->tag, env->fdb_size, ports) ?:
	       run("ovs-appctl -t %s fdb/add %sbr %sp1 0 " DST_MAC " >/dev/null",
		   uctl, t->tag, t->tag);
}

static void stop_pid(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

void ovs_stop(struct topo *t)
{
	stop_pid(&t->vswitchd);
	stop_pid(&t->ovsdb);
}

/* Run time of all of ovs-vswitchd's threads, ns. */
__u64 ovs_cpu_ns(const struct topo *t)
{
	unsigned long long ns, sum = 0;
	char path[PATH_MAX];
	struct dirent *de;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", t->vswitchd);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", t->vswitchd,
			 de->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return sum;
}
