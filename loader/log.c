// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* loader/log.c - see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "log.h"

static const char *log_prog = "xvs";
static int log_ts;
static enum log_level log_level = LOG_LVL_INFO;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (log_level < LOG_LVL_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void log_init(const char *prog, int timestamps)
{
	log_prog = prog;
	log_ts = timestamps;
	libbpf_set_print(libbpf_print);
}

void log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

enum log_level log_get_level(void)
{
	return log_level;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const tag[] = { "error", "warning", "info", "debug" };
	char stamp[32] = "";
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (lvl > log_level)
		return;
	/* One line in several writes: held whole against the relay threads'
	 * lines (relay.h).
	 */
	flockfile(stderr);
	if (log_ts) {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S ", &tm);
		fprintf(stderr, "%s%s: ", stamp, tag[lvl]);
	} else if (lvl <= LOG_LVL_WARN) {
		fprintf(stderr, "%s: %s: ", log_prog, tag[lvl]);
	} else {
		fprintf(stderr, "%s: ", log_prog);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}
