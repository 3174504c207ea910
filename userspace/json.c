// SPDX-License-Identifier: GPL-2.0
/*
 * A small streaming JSON writer, and the printers every command uses so
 * that one piece of code produces both the text and the JSON output.
 */

#include <stdarg.h>

#include "podnet.h"

#define JSON_MAX_DEPTH 16

static struct {
	int depth;
	bool first[JSON_MAX_DEPTH];
} jw;

static void json_newline(void)
{
	int i;

	putchar('\n');
	for (i = 0; i < jw.depth; i++)
		fputs("    ", stdout);
}

/* Length of the valid UTF-8 sequence at s, 0 if there is none. */
static int utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* no overlong forms, no surrogates, nothing above U+10FFFF */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Device names are bytes, not text: invalid UTF-8 becomes U+FFFD. */
static void json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int len;

	putchar('"');
	for (; *s; s += len) {
		len = *s < 0x80 ? 1 : utf8_len(s);
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\t')
			fputs("\\t", stdout);
		else if (*s < 0x20)
			printf("\\u%04x", *s);
		else if (len)
			fwrite(s, 1, len, stdout);
		else
			fputs("\\ufffd", stdout);
		if (!len)
			len = 1;
	}
	putchar('"');
}

/* Separator, indentation and key before a value. */
static void json_key(const char *key)
{
	if (jw.depth) {
		if (!jw.first[jw.depth])
			putchar(',');
		jw.first[jw.depth] = false;
		if (opt_pretty)
			json_newline();
	}
	if (key) {
		json_string(key);
		fputs(opt_pretty ? ": " : ":", stdout);
	}
}

void json_open(const char *key, char bracket)
{
	json_key(key);
	putchar(bracket);
	if (jw.depth < JSON_MAX_DEPTH - 1)
		jw.depth++;
	jw.first[jw.depth] = true;
}

void json_close(char bracket)
{
	bool empty = jw.first[jw.depth];

	if (jw.depth)
		jw.depth--;
	if (opt_pretty && !empty)
		json_newline();
	putchar(bracket);
	if (!jw.depth)
		putchar('\n');
}

void json_str(const char *key, const char *val)
{
	json_key(key);
	json_string(val);
}

void json_u64(const char *key, uint64_t val)
{
	json_key(key);
	printf("%llu", (unsigned long long)val);
}

void json_bool(const char *key, bool val)
{
	json_key(key);
	fputs(val ? "true" : "false", stdout);
}

/*
 * The printers: with -j a key and a value, else the value through fmt.
 * A NULL key leaves the value out of the JSON, a NULL fmt out of the text.
 */
void print_list_open(void)
{
	if (opt_json)
		json_open(NULL, '[');
}

void print_list_close(void)
{
	if (opt_json)
		json_close(']');
}

void print_open(const char *key)
{
	if (opt_json)
		json_open(key, '{');
}

void print_close(void)
{
	if (opt_json)
		json_close('}');
}

void print_str(const char *key, const char *fmt, const char *val)
{
	if (!opt_json) {
		if (fmt)
			printf(fmt, val);
	} else if (key) {
		json_str(key, val);
	}
}

void print_u64(const char *key, const char *fmt, uint64_t val)
{
	if (!opt_json) {
		if (fmt)
			printf(fmt, (unsigned long long)val);
	} else if (key) {
		json_u64(key, val);
	}
}

void print_bool(const char *key, const char *fmt, bool val)
{
	if (!opt_json) {
		if (fmt)
			printf(fmt, val ? "on" : "off");
	} else if (key) {
		json_bool(key, val);
	}
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (opt_json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
