// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/print.c - text and JSON output from the same calls; see print.h.
 *
 * The JSON side is a stack of open json-c containers.  The bottom of the
 * stack is the document; each value goes into the container on top, under
 * its key (objects) or appended (arrays).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "print.h"
#include "loader/ctl_proto.h"

#define PRINT_MAX_DEPTH	16

static bool json_mode;
static bool json_pretty;
static struct json_object *stack[PRINT_MAX_DEPTH];
static int depth;
/* Containers opened past PRINT_MAX_DEPTH: a bug, but never a crash. */
static int overflow;

void print_init(bool json, bool pretty)
{
	json_mode = json || pretty;
	json_pretty = pretty;
}

bool is_json_context(void)
{
	return json_mode;
}

static int json_flags(void)
{
	return JSON_C_TO_STRING_NOSLASHESCAPE |
	       (json_pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN);
}

/* Put `val` into the container on top of the stack (or make it the
 * document); the reference is taken over.
 */
static void json_add(const char *key, struct json_object *val)
{
	struct json_object *top;

	if (!depth) {
		json_object_put(stack[0]);
		stack[0] = val;
		return;
	}
	top = stack[depth - 1];
	if (json_object_is_type(top, json_type_array))
		json_object_array_add(top, val);
	else
		json_object_object_add(top, key ? key : "", val);
}

/* Open a container: the stack borrows the reference its parent owns (the
 * document owns itself, in stack[0]).
 */
static void json_push(const char *key, struct json_object *obj)
{
	if (depth >= PRINT_MAX_DEPTH) {
		overflow++;
		json_object_put(obj);
		return;
	}
	json_add(key, obj);
	stack[depth++] = obj;
}

static void json_pop(void)
{
	if (overflow)
		overflow--;
	else if (depth)
		depth--;
}

void open_json_object(const char *key)
{
	if (json_mode)
		json_push(key, json_object_new_object());
}

void close_json_object(void)
{
	if (json_mode)
		json_pop();
}

void open_json_array(const char *key)
{
	if (json_mode)
		json_push(key, json_object_new_array());
}

void close_json_array(void)
{
	if (json_mode)
		json_pop();
}

void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *val)
{
	if (json_mode) {
		if (t & PRINT_JSON)
			json_add(key, json_object_new_string(val ? val : ""));
	} else if ((t & PRINT_FP) && fmt) {
		printf(fmt, val ? val : "");
	}
}

void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned long long val)
{
	if (json_mode) {
		if (t & PRINT_JSON)
			json_add(key, json_object_new_uint64(val));
	} else if ((t & PRINT_FP) && fmt) {
		printf(fmt, val);
	}
}

void print_bool(enum print_type t, const char *key, const char *fmt,
		bool val)
{
	if (json_mode) {
		if (t & PRINT_JSON)
			json_add(key, json_object_new_boolean(val));
	} else if ((t & PRINT_FP) && fmt) {
		printf(fmt, val ? "true" : "false");
	}
}

void print_null(enum print_type t, const char *key, const char *text)
{
	if (json_mode) {
		if (t & PRINT_JSON)
			json_add(key, NULL);
	} else if ((t & PRINT_FP) && text) {
		fputs(text, stdout);
	}
}

void print_fp(const char *fmt, ...)
{
	va_list ap;

	if (json_mode)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void print_nl(void)
{
	if (!json_mode)
		putchar('\n');
}

void print_json(const char *key, struct json_object *val)
{
	if (json_mode)
		json_add(key, val);
	else
		json_object_put(val);
}

static void print_reset(void)
{
	json_object_put(stack[0]);
	stack[0] = NULL;
	depth = 0;
	overflow = 0;
}

int print_flush(void)
{
	int err = 0;

	if (json_mode && stack[0]) {
		if (puts(json_object_to_json_string_ext(stack[0],
							json_flags())) < 0)
			err = CTL_FAILED;
	}
	print_reset();
	if (fflush(stdout))
		err = CTL_FAILED;
	return err;
}

void ctl_err(const char *fmt, ...)
{
	struct json_object *obj;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!json_mode) {
		fflush(stdout);
		fprintf(stderr, "xvsctl: %s\n", msg);
		return;
	}
	print_reset();
	obj = json_object_new_object();
	json_object_object_add(obj, "error", json_object_new_string(msg));
	puts(json_object_to_json_string_ext(obj, json_flags()));
	json_object_put(obj);
	fflush(stdout);
}
