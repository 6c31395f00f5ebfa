/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/log.h - one logging module for xvsd and xvsctl.
 *
 * Levels as syslog has them; messages go to stderr with the program name
 * (xvsctl) or a timestamp (xvsd, whose stderr is its log file).  libbpf's
 * own chatter is routed here at debug level, so a failure prints our one
 * clear line and the verifier log only with -v.
 */
#ifndef XVS_LOG_H
#define XVS_LOG_H

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(const char *prog, int timestamps);
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define pr_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define pr_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define pr_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif /* XVS_LOG_H */
