// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/client.c - xvsctl's end of the control protocol (loader/ctl_proto.h),
 * and starting and stopping xvsd.
 *
 * One connection per request: connect to <rundir>/<instance>.sock, write
 * one JSON object and a newline, read one JSON object back.  A socket
 * that refuses the connection (or no socket file) means no daemon; for
 * the commands that ask for it, xvsctl then starts one - fork, setsid,
 * exec `xvsd -i NAME ...` with its output appended to the instance log -
 * and polls the socket until it answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "xvsctl.h"
#include "print.h"
#include "loader/log.h"
#include "loader/util.h"

#define REPLY_TIMEOUT_MS	60000	/* attach loads and verifies programs */
#define PING_TIMEOUT_MS		2000
#define START_TIMEOUT_MS	10000
#define POLL_STEP_MS		50

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Connected socket fd, or -errno (-ENOENT/-ECONNREFUSED: nobody there). */
static int sock_connect(const struct ctl *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(c->inst.sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, c->inst.sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static bool no_daemon(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED;
}

static int send_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Read one line (the reply) into buf, waiting at most timeout_ms. */
static int recv_line(int fd, char *buf, size_t size, int timeout_ms)
{
	long long deadline = mono_ms() + timeout_ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;
	int left;

	while (len < size - 1) {
		left = deadline - mono_ms();
		if (left <= 0 || poll(&pfd, 1, left) == 0)
			return -ETIMEDOUT;
		n = recv(fd, buf + len, size - 1 - len, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += n;
		if (memchr(buf, '\n', len))
			break;
	}
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	return len ? 0 : -ECONNRESET;
}

/* One request/reply exchange; *reply is the parsed object. */
static int exchange(const struct ctl *c, struct json_object *req,
		    int timeout_ms, struct json_object **reply)
{
	static char buf[CTL_MAX_MSG];
	const char *out;
	int fd, err;

	fd = sock_connect(c);
	if (fd < 0)
		return fd;
	out = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	pr_debug("request: %s", out);
	err = send_all(fd, out, strlen(out));
	if (!err)
		err = send_all(fd, "\n", 1);
	if (!err)
		err = recv_line(fd, buf, sizeof(buf), timeout_ms);
	close(fd);
	if (err)
		return err;
	pr_debug("reply: %s", buf);
	*reply = json_tokener_parse(buf);
	if (!*reply || !json_object_is_type(*reply, json_type_object)) {
		json_object_put(*reply);
		*reply = NULL;
		return -EBADMSG;
	}
	return 0;
}

int ctl_ping(const struct ctl *c)
{
	struct json_object *req, *reply = NULL, *pid;
	int err;

	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("ping"));
	err = exchange(c, req, PING_TIMEOUT_MS, &reply);
	json_object_put(req);
	if (no_daemon(err))
		return 0;
	if (err)
		return err;
	err = json_object_object_get_ex(reply, "pid", &pid) ?
	      json_object_get_int(pid) : -EBADMSG;
	json_object_put(reply);
	return err ? err : -EBADMSG;
}

/* xvsd next to this xvsctl (a build tree, or the same install), else
 * the first one in PATH.  0 and the path in buf, or -ENOENT.
 */
static int find_xvsd(char *buf, size_t len)
{
	char self[PATH_MAX], *slash, *path, *dir, *save = NULL;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(buf, len, "%s/xvsd", self) < (int)len &&
			    !access(buf, X_OK))
				return 0;
		}
	}
	path = strdup(getenv("PATH") ?: "/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin");
	for (dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (snprintf(buf, len, "%s/xvsd", *dir ? dir : ".") < (int)len &&
		    !access(buf, X_OK)) {
			free(path);
			return 0;
		}
	}
	free(path);
	return -ENOENT;
}

/* In the child: a session of its own, stdin from /dev/null, stdout and
 * stderr to the log; never returns.
 */
static void exec_xvsd(const struct ctl *c, const char *path, int log_fd)
{
	const char *argv[12];
	int n = 0, null_fd;

	argv[n++] = "xvsd";
	argv[n++] = "-i";
	argv[n++] = c->inst.name;
	if (c->bpffs) {
		argv[n++] = "--bpffs";
		argv[n++] = c->bpffs;
	}
	if (c->rundir) {
		argv[n++] = "--rundir";
		argv[n++] = c->rundir;
	}
	if (c->verbose)
		argv[n++] = "-v";
	argv[n] = NULL;

	setsid();
	null_fd = open("/dev/null", O_RDONLY);
	if (null_fd >= 0)
		dup2(null_fd, STDIN_FILENO);
	dup2(log_fd, STDOUT_FILENO);
	dup2(log_fd, STDERR_FILENO);
	signal(SIGPIPE, SIG_DFL);
	execv(path, (char **)argv);
	fprintf(stderr, "xvsctl: couldn't run '%s': %s\n", path, strerror(errno));
	_exit(127);
}

/* Ping until the daemon answers; notice a child that died first. */
static int wait_socket(const struct ctl *c, pid_t child)
{
	long long deadline = mono_ms() + START_TIMEOUT_MS;
	int status, exited = 0;

	for (;;) {
		if (ctl_ping(c) > 0)
			return 0;
		/* Exited with an error: a last look, in case another xvsctl
		 * started the daemon at the same time, then give up.
		 */
		if (exited)
			break;
		if (waitpid(child, &status, WNOHANG) == child &&
		    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			exited = 1;
		else if (mono_ms() > deadline)
			break;
		else
			sleep_ms(POLL_STEP_MS);
	}
	if (exited && WIFEXITED(status))
		ctl_err("xvsd did not start (exit status %d); see %s",
			WEXITSTATUS(status), c->inst.log_path);
	else if (exited)
		ctl_err("xvsd did not start (killed by signal %d); see %s",
			WTERMSIG(status), c->inst.log_path);
	else
		ctl_err("xvsd did not start within %d s; see %s",
			START_TIMEOUT_MS / 1000, c->inst.log_path);
	return CTL_FAILED;
}

int daemon_start(struct ctl *c)
{
	char path[PATH_MAX];
	int log_fd, err;
	pid_t pid;

	if (find_xvsd(path, sizeof(path))) {
		ctl_err("Couldn't start xvsd: not found next to xvsctl or in PATH");
		return CTL_FAILED;
	}
	err = mkdir_p(c->inst.rundir, 0755);
	if (err) {
		ctl_err("Couldn't create '%s': %s", c->inst.rundir, strerror(-err));
		return CTL_FAILED;
	}
	log_fd = open(c->inst.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		      0640);
	if (log_fd < 0) {
		ctl_err("Couldn't open '%s': %s", c->inst.log_path, strerror(errno));
		return CTL_FAILED;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		exec_xvsd(c, path, log_fd);
	close(log_fd);
	if (pid < 0) {
		ctl_err("Couldn't start xvsd: fork: %s", strerror(errno));
		return CTL_FAILED;
	}
	pr_debug("started %s (pid %d), log %s", path, (int)pid, c->inst.log_path);
	return wait_socket(c, pid);
}

int daemon_wait_gone(struct ctl *c, int pid, int timeout_ms)
{
	long long deadline = mono_ms() + timeout_ms;
	int fd;

	for (;;) {
		/* A daemon this xvsctl started is its child: reap it, or
		 * the zombie would look alive to kill(pid, 0).
		 */
		if (pid > 0)
			waitpid(pid, NULL, WNOHANG);
		fd = sock_connect(c);
		if (fd >= 0)
			close(fd);
		else if (pid <= 0 || (kill(pid, 0) && errno == ESRCH))
			return 0;
		if (mono_ms() > deadline)
			return -ETIMEDOUT;
		sleep_ms(POLL_STEP_MS);
	}
}

static void print_warnings(struct json_object *reply)
{
	struct json_object *w;
	size_t i;

	if (!json_object_object_get_ex(reply, "warnings", &w))
		return;
	if (!json_object_is_type(w, json_type_array)) {
		pr_warn("%s", json_object_get_string(w));
		return;
	}
	for (i = 0; i < json_object_array_length(w); i++)
		pr_warn("%s", json_object_get_string(json_object_array_get_idx(w, i)));
}

/* The reply's error, if it has one: printed, and its exit code. */
static int reply_error(struct json_object *reply)
{
	struct json_object *e, *code;
	int rc = CTL_FAILED;

	if (!json_object_object_get_ex(reply, "error", &e))
		return 0;
	if (json_object_object_get_ex(reply, "code", &code) &&
	    json_object_get_int(code) == CTL_USAGE)
		rc = CTL_USAGE;
	ctl_err("%s", json_object_get_string(e));
	return rc;
}

static int exchange_err(const struct ctl *c, int err)
{
	if (no_daemon(err))
		ctl_err("xvsd is not running for instance '%s' (it starts with 'xvsctl attach')",
			c->inst.name);
	else if (err == -ETIMEDOUT)
		ctl_err("xvsd did not reply within %d s; see %s",
			REPLY_TIMEOUT_MS / 1000, c->inst.log_path);
	else if (err == -EBADMSG)
		ctl_err("xvsd sent a malformed reply; see %s", c->inst.log_path);
	else
		ctl_err("Couldn't talk to xvsd on '%s': %s", c->inst.sock_path,
			strerror(-err));
	return CTL_FAILED;
}

int ctl_request(struct ctl *c, struct json_object *req, enum ctl_start start,
		struct json_object **reply)
{
	struct json_object *r = NULL;
	int err;

	err = exchange(c, req, REPLY_TIMEOUT_MS, &r);
	if (no_daemon(err) && start == CTL_START) {
		err = daemon_start(c);
		if (err)
			return err;
		err = exchange(c, req, REPLY_TIMEOUT_MS, &r);
	}
	if (err)
		return exchange_err(c, err);
	print_warnings(r);
	err = reply_error(r);
	if (err || !reply)
		json_object_put(r);
	else
		*reply = r;
	return err;
}

int ctl_request_plain(struct ctl *c, struct json_object *req,
		      enum ctl_start start)
{
	int err = ctl_request(c, req, start, NULL);

	json_object_put(req);
	if (!err) {
		open_json_object(NULL);
		close_json_object();
	}
	return err;
}
