/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ctl/print.h - one set of print calls for text and JSON output.
 *
 * Learned from iproute2's json_print.h: a command prints every field once,
 * through these calls, and each call says how the field looks as text (a
 * printf format) and under which key it goes in JSON.  PRINT_FP parts
 * appear only in text, PRINT_JSON parts only in JSON, PRINT_ANY in both.
 * So there is no `if (json)` in the commands, and text and JSON cannot
 * drift apart.
 *
 * In text mode the calls print to stdout as they come.  In JSON mode they
 * build a json-c tree (objects and arrays nest as they are opened) that
 * print_flush() writes once, at the end: a command that fails half way
 * prints only {"error": ...} (ctl_err), never half a document.
 *
 * A key of NULL inside a JSON array appends the value to the array.
 */
#ifndef XVS_CTL_PRINT_H
#define XVS_CTL_PRINT_H

#include <stdbool.h>
#include <json-c/json.h>

enum print_type {
	PRINT_FP	= 1,
	PRINT_JSON	= 2,
	PRINT_ANY	= PRINT_FP | PRINT_JSON,
};

void print_init(bool json, bool pretty);
bool is_json_context(void);

/* Containers: no-ops in text mode. */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *val);
void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned long long val);
void print_bool(enum print_type t, const char *key, const char *fmt,
		bool val);
/* JSON null; in text, `text` is printed as it is. */
void print_null(enum print_type t, const char *key, const char *text);
/* Text only. */
void print_fp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_nl(void);
/* Add a json-c value (reference taken over) under key: JSON only. */
void print_json(const char *key, struct json_object *val);

/* Write the JSON document (if any) to stdout; 0 or CTL_FAILED. */
int print_flush(void);

/* The one error line: "xvsctl: msg" on stderr, or {"error": "msg"} on
 * stdout in JSON mode (anything printed so far is dropped).
 */
void ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* XVS_CTL_PRINT_H */
