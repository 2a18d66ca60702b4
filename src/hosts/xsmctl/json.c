/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal JSON writer for --json: objects, arrays, strings, numbers,
 * booleans, null, written to stdout as they come.  Strings are escaped
 * (quote, backslash, control bytes as \u00XX); a byte above 0x7e, which no
 * name from a policy or the daemon should carry, is written \u00XX too, so
 * the output is ASCII and valid JSON whatever the input.
 */
#include <stdio.h>
#include <string.h>

#include "xsmctl.h"

/* A JSON string: quoted and escaped. */
static void quoted(const char *v, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];

        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20 || ch > 0x7e)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

static void sep(struct json *j, const char *key)
{
    if (j->depth > 0 && j->need_comma[j->depth])
        putchar(',');
    if (j->depth > 0)
        j->need_comma[j->depth] = true;
    if (key) {
        quoted(key, strlen(key));
        putchar(':');
    }
}

static void open_(struct json *j, const char *key, char ch)
{
    sep(j, key);
    putchar(ch);
    if (j->depth < 31)
        j->depth++;
    j->need_comma[j->depth] = false;
}

void js_begin(struct json *j, const char *key)
{
    open_(j, key, '{');
}

void js_end(struct json *j)
{
    putchar('}');
    if (j->depth > 0)
        j->depth--;
    if (j->depth == 0)
        putchar('\n');
}

void js_array(struct json *j, const char *key)
{
    open_(j, key, '[');
}

void js_array_end(struct json *j)
{
    putchar(']');
    if (j->depth > 0)
        j->depth--;
}

void js_strn(struct json *j, const char *key, const char *v, size_t n)
{
    sep(j, key);
    quoted(v, n);
}

void js_str(struct json *j, const char *key, const char *v)
{
    if (!v)
        js_null(j, key);
    else
        js_strn(j, key, v, strlen(v));
}

void js_int(struct json *j, const char *key, long long v)
{
    sep(j, key);
    printf("%lld", v);
}

void js_uint(struct json *j, const char *key, unsigned long long v)
{
    sep(j, key);
    printf("%llu", v);
}

void js_bool(struct json *j, const char *key, bool v)
{
    sep(j, key);
    fputs(v ? "true" : "false", stdout);
}

void js_null(struct json *j, const char *key)
{
    sep(j, key);
    fputs("null", stdout);
}
