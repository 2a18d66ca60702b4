/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsmctl why: what is responsible for a FLASK decision.
 *
 * The request comes from an AVC audit line as FLASK logs it (Xen's text,
 * "avc:  denied  { perm ... } for ... scontext=S tcontext=T tclass=C",
 * with or without the "(XEN) " of Xen's console), from several such lines
 * on stdin ("why -"), or from SCON TCON CLASS PERM....  The contexts become
 * SIDs with FLASK's CONTEXT_TO_SID and the names values with the daemon's
 * CLASSES question; the daemon's EXPLAIN question then runs ss_explain()
 * on the live policy and booleans (docs/xsmd.md), and this file renders
 * its answer.  Asking the daemon rather than reading a policy file here
 * means the answer is about the policy and boolean values in force.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsmctl.h"
#include "xsmd_wire.h"

#define MAX_PERMS 32

struct request {
    char *scon, *tcon, *cls;
    char *perm[MAX_PERMS];
    int nperm;
    char *line; /* the audit line, if it came from one */
};

/* The value of "key=" in an audit line (a copy), or NULL. */
static char *audit_field(const char *line, const char *key)
{
    size_t k = strlen(key);

    for (const char *p = line; (p = strstr(p, key)); p++) {
        if (p != line && p[-1] != ' ')
            continue;
        p += k;
        return strndup(p, strcspn(p, " \t\r\n"));
    }
    return NULL;
}

/* 0, or -1 if the line is not an AVC line with all we need. */
static int parse_audit(const char *line, struct request *rq)
{
    const char *a = strstr(line, "avc:"), *open, *close;

    memset(rq, 0, sizeof(*rq));
    if (!a || !(open = strchr(a, '{')) || !(close = strchr(open, '}')))
        return -1;
    char *perms = strndup(open + 1, (size_t)(close - open - 1));
    if (!perms)
        return -1;
    for (char *save = NULL, *t = strtok_r(perms, " ", &save); t && rq->nperm < MAX_PERMS;
         t = strtok_r(NULL, " ", &save))
        rq->perm[rq->nperm++] = strdup(t);
    free(perms);
    rq->scon = audit_field(close, "scontext=");
    rq->tcon = audit_field(close, "tcontext=");
    rq->cls = audit_field(close, "tclass=");
    rq->line = strdup(line);
    return rq->scon && rq->tcon && rq->cls && rq->nperm ? 0 : -1;
}

static void free_request(struct request *rq)
{
    free(rq->scon);
    free(rq->tcon);
    free(rq->cls);
    free(rq->line);
    for (int i = 0; i < rq->nperm; i++)
        free(rq->perm[i]);
}

/* One reason line of the EXPLAIN answer, split in place (empty fields stay). */
struct reason {
    char *kind, *perm, *flags, *name, *rule, *detail;
    unsigned index;
    int value;
};

static int split(char *line, char **f, int max)
{
    int n = 0;

    while (line && n < max) {
        f[n++] = line;
        line = strchr(line, '\t');
        if (line)
            *line++ = '\0';
    }
    return n;
}

/* A decimal int field of the answer, taken whole. */
static bool int_field(const char *s, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || v < INT_MIN || v > INT_MAX)
        return false;
    *out = (int)v;
    return true;
}

struct answer {
    unsigned allowed, auditallow, auditdeny, seqno, flags;
    int enforcing;
    struct reason r[256];
    int nr;
    char *text;
};

static int parse_answer(char *text, struct answer *a)
{
    memset(a, 0, sizeof(*a));
    a->text = text;
    for (char *line = text, *next; line && *line; line = next) {
        char *f[9];
        int n;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        n = split(line, f, 9);
        if (n == 7 && !strcmp(f[0], "decision")) {
            a->allowed = (unsigned)strtoul(f[1], NULL, 16);
            a->auditallow = (unsigned)strtoul(f[2], NULL, 16);
            a->auditdeny = (unsigned)strtoul(f[3], NULL, 16);
            a->seqno = (unsigned)strtoul(f[4], NULL, 10);
            a->flags = (unsigned)strtoul(f[5], NULL, 10);
            if (!int_field(f[6], &a->enforcing))
                return -1;
        } else if (n == 9 && !strcmp(f[0], "reason") && a->nr < 256) {
            struct reason *r = &a->r[a->nr++];

            r->kind = f[1];
            r->perm = f[2];
            r->flags = f[3];
            r->index = (unsigned)strtoul(f[4], NULL, 10);
            if (!int_field(f[5], &r->value))
                return -1;
            r->name = f[6];
            r->rule = f[7];
            r->detail = f[8];
        } else {
            return -1;
        }
    }
    return 0;
}

static bool has_flag(const struct reason *r, const char *flag)
{
    size_t n = strlen(flag);

    for (const char *p = r->flags; (p = strstr(p, flag)); p += n)
        if ((p == r->flags || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
            return true;
    return false;
}

static void human_reason(const struct reason *r, const char *cls)
{
    const char *also = has_flag(r, "secondary") ? "also: " : "";

    if (!strcmp(r->kind, "allowed")) {
        if (r->rule[0])
            printf("    granted by %s%s%s\n", r->rule, r->detail[0] ? "  " : "", r->detail);
        else
            printf("    granted with no rule (the policy allows what it does not define)\n");
    } else if (!strcmp(r->kind, "te")) {
        printf("  %sno allow rule (type enforcement). This rule would allow it:\n", also);
        printf("      %s\n", r->rule);
        printf("    %s\n", r->detail);
    } else if (!strcmp(r->kind, "boolean")) {
        printf("  %sthe allow rule is switched off by a boolean: %s is %d%s\n", also, r->name,
               r->value,
               has_flag(r, "alone") ? "; setting it to the other value allows it"
                                    : "; it alone does not decide the condition");
        printf("      %s\n", r->rule);
        printf("    %s\n", r->detail);
        if (has_flag(r, "alone"))
            printf("    xsmctl bool set %s %d --commit\n", r->name, !r->value);
    } else if (!strcmp(r->kind, "constraint") || !strcmp(r->kind, "mls")) {
        printf("  %s%sconstraint %u of class %s fails:\n", also,
               !strcmp(r->kind, "mls") ? "MLS " : "", r->index, cls);
        printf("      %s\n", r->rule);
        printf("    failing: %s\n", r->detail);
    } else if (!strcmp(r->kind, "role")) {
        printf("  %sa role change: %s\n", also, r->detail);
        printf("      %s\n", r->rule);
    } else if (!strcmp(r->kind, "bounds")) {
        printf("  %sa type bound (%s): %s\n", also, r->name, r->detail);
        printf("    the bound would need: %s\n", r->rule);
    } else {
        printf("  %s%s: %s %s\n", also, r->kind, r->rule, r->detail);
    }
}

static void json_reason(struct ctl *c, const struct reason *r)
{
    js_begin(&c->j, NULL);
    js_str(&c->j, "kind", r->kind);
    js_bool(&c->j, "primary", !has_flag(r, "secondary"));
    if (!strcmp(r->kind, "boolean")) {
        js_str(&c->j, "boolean", r->name);
        js_int(&c->j, "value", r->value);
        js_uint(&c->j, "index", r->index);
        js_bool(&c->j, "alone", has_flag(r, "alone"));
    } else if (!strcmp(r->kind, "constraint") || !strcmp(r->kind, "mls")) {
        js_uint(&c->j, "index", r->index);
    } else if (!strcmp(r->kind, "bounds")) {
        js_str(&c->j, "bound", r->name);
    }
    js_str(&c->j, "rule", r->rule[0] ? r->rule : NULL);
    js_str(&c->j, "detail", r->detail[0] ? r->detail : NULL);
    js_end(&c->j);
}

/* Explain one request; prints (JSON: one object in the current array or at top). */
static int explain(struct ctl *c, struct request *rq, bool in_array)
{
    uint32_t ssid, tsid, perms;
    uint16_t cls;
    int rc = 0;
    long r;

    cls = class_value(c, rq->cls, &rc);
    if (!cls)
        return rc;
    perms = perm_bits(c, cls, rq->perm, rq->nperm, &rc);
    if (!perms)
        return rc;
    r = context_to_sid(c, rq->scon, &ssid);
    if (r < 0)
        return fail(c, r, rq->scon);
    r = context_to_sid(c, rq->tcon, &tsid);
    if (r < 0)
        return fail(c, r, rq->tcon);

    uint64_t a[4] = {ssid, tsid, cls, perms};
    char *text = NULL;
    struct answer *ans = calloc(1, sizeof(*ans));
    if (!ans)
        return fail(c, -ENOMEM, "why");
    r = ctl_answer(c, XSMD_T_EXPLAIN, 0, a, &text);
    if (r < 0) {
        free(ans);
        return fail(c, r, "why (the daemon's EXPLAIN)");
    }
    if (parse_answer(text, ans)) {
        free(text);
        free(ans);
        return fail(c, -EPROTO, "why: the daemon's answer");
    }
    bool permissive_type = ans->flags & 1U;
    if (c->json) {
        if (in_array)
            js_begin(&c->j, NULL);
        else
            ok_begin(c);
        if (rq->line)
            js_str(&c->j, "audit", rq->line);
        js_str(&c->j, "scontext", rq->scon);
        js_str(&c->j, "tcontext", rq->tcon);
        js_str(&c->j, "class", rq->cls);
        js_uint(&c->j, "class_value", cls);
        js_uint(&c->j, "ssid", ssid);
        js_uint(&c->j, "tsid", tsid);
        js_uint(&c->j, "requested", perms);
        js_uint(&c->j, "allowed", ans->allowed);
        js_bool(&c->j, "enforcing", ans->enforcing == 1);
        js_bool(&c->j, "permissive_type", permissive_type);
        js_array(&c->j, "permissions");
        for (int i = 0; i < ans->nr;) {
            const char *perm = ans->r[i].perm;
            bool granted = !strcmp(ans->r[i].kind, "allowed");

            js_begin(&c->j, NULL);
            js_str(&c->j, "name", perm);
            js_bool(&c->j, "granted", granted);
            js_array(&c->j, "reasons");
            for (; i < ans->nr && !strcmp(ans->r[i].perm, perm); i++)
                json_reason(c, &ans->r[i]);
            js_array_end(&c->j);
            js_end(&c->j);
        }
        js_array_end(&c->j);
        if (in_array)
            js_end(&c->j);
        else
            ok_end(c);
    } else {
        if (rq->line)
            printf("%s\n", rq->line);
        printf("  scontext %s\n  tcontext %s\n  class    %s\n", rq->scon, rq->tcon, rq->cls);
        for (int i = 0; i < ans->nr;) {
            const char *perm = ans->r[i].perm;
            bool granted = !strcmp(ans->r[i].kind, "allowed");

            printf("%s: %s\n", perm, granted ? "GRANTED" : "DENIED");
            for (; i < ans->nr && !strcmp(ans->r[i].perm, perm); i++)
                human_reason(&ans->r[i], rq->cls);
        }
        if (permissive_type)
            printf("note: the source type is permissive: FLASK logs its denials and allows them\n");
        if (ans->enforcing != 1)
            printf("note: FLASK is permissive: denials are logged and the requests allowed\n");
    }
    free(text);
    free(ans);
    return XC_EXIT_OK;
}

static int from_stdin(struct ctl *c)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = XC_EXIT_OK, n = 0;

    if (c->json) {
        ok_begin(c);
        js_array(&c->j, "explanations");
    }
    while (getline(&line, &cap, stdin) > 0) {
        struct request rq;

        line[strcspn(line, "\r\n")] = '\0';
        if (!strstr(line, "avc:"))
            continue;
        if (parse_audit(line, &rq)) {
            free_request(&rq);
            continue;
        }
        if (!c->json && n)
            putchar('\n');
        /* A line that cannot be explained (an unknown context) does not stop the rest. */
        c->nested = true;
        int r = explain(c, &rq, true);
        c->nested = false;
        if (r != XC_EXIT_OK) {
            rc = r;
            if (c->json) {
                js_begin(&c->j, NULL);
                js_str(&c->j, "audit", rq.line);
                js_bool(&c->j, "ok", false);
                js_str(&c->j, "error", c->last_error);
                js_end(&c->j);
            }
        }
        free_request(&rq);
        n++;
    }
    free(line);
    if (c->json) {
        js_array_end(&c->j);
        ok_end(c);
    } else if (n == 0) {
        puts("no AVC line on stdin");
    }
    return rc;
}

int cmd_why(struct ctl *c, int argc, char **argv)
{
    struct request rq;
    int rc;

    if (c->domain != 0) {
        /* The daemon answers EXPLAIN on the control socket only: say so before anything else. */
        fprintf(stderr, "xsmctl: why: only the control domain may ask this (this is domain %d)\n",
                c->domain);
        if (c->json) {
            struct json j = {0};

            js_begin(&j, NULL);
            js_str(&j, "command", c->command);
            js_bool(&j, "ok", false);
            js_str(&j, "error", "only the control domain may ask this");
            js_int(&j, "domain", c->domain);
            js_end(&j);
        }
        return XC_EXIT_FAILED;
    }
    if (argc == 1 && !strcmp(argv[0], "-"))
        return from_stdin(c);
    if (argc >= 1 && (strstr(argv[0], "avc:") || !strcmp(argv[0], "(XEN)"))) {
        /* One audit line, quoted or not. */
        size_t len = 0, at = 0;
        char *line;

        for (int i = 0; i < argc; i++)
            len += strlen(argv[i]) + 1;
        line = calloc(1, len + 1);
        if (!line)
            return fail(c, -ENOMEM, "why");
        for (int i = 0; i < argc; i++)
            at +=
                (size_t)snprintf(line + at, len + 1 - at, "%s%s", argv[i], i + 1 < argc ? " " : "");
        if (parse_audit(line, &rq)) {
            free(line);
            free_request(&rq);
            return usage_error(c, "not an AVC line: it needs { PERM ... }, scontext=, tcontext= "
                                  "and tclass=");
        }
        free(line);
    } else if (argc >= 4) {
        memset(&rq, 0, sizeof(rq));
        rq.scon = strdup(argv[0]);
        rq.tcon = strdup(argv[1]);
        rq.cls = strdup(argv[2]);
        for (int i = 3; i < argc && rq.nperm < MAX_PERMS; i++)
            rq.perm[rq.nperm++] = strdup(argv[i]);
    } else {
        return usage_error(c, "usage: why 'AUDIT LINE' | why - | why SCON TCON CLASS PERM...");
    }
    rc = explain(c, &rq, false);
    free_request(&rq);
    return rc;
}
