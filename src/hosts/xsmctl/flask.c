/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK's commands (xsm_op, module 0; Xen 4.17's flask_op layouts):
 * enforcing mode, policy load, booleans, contexts and SIDs, access
 * queries, the AVC.  Each command makes its hypercalls first and prints
 * afterwards, so a failure never leaves half an answer (or half a JSON
 * object) behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm_op.h>

#include "xsmctl.h"

#define POLICY_MAX (64U << 20)

static void flask_op(struct ctl *c, struct op *o, uint32_t cmd)
{
    op_init(c, o, cmd, XEN_FLASK_INTERFACE_VERSION);
}

int cmd_getenforce(struct ctl *c, int argc, char **argv)
{
    struct op o;
    long r;

    (void)argv;
    if (argc)
        return usage_error(c, "no arguments expected");
    flask_op(c, &o, FLASK_GETENFORCE);
    r = op_call(c, &o);
    op_done(c, &o);
    if (r < 0)
        return fail(c, r, "getenforce");
    if (c->json) {
        ok_begin(c);
        js_bool(&c->j, "enforcing", r == 1);
        js_int(&c->j, "value", r);
        ok_end(c);
    } else {
        puts(r == 1 ? "Enforcing" : "Permissive");
    }
    return XC_EXIT_OK;
}

int cmd_setenforce(struct ctl *c, int argc, char **argv)
{
    struct op o;
    int v;
    long r;

    if (argc != 1)
        return usage_error(c, "usage: setenforce 0|1|permissive|enforcing");
    if (!strcmp(argv[0], "1") || !strcasecmp(argv[0], "enforcing"))
        v = 1;
    else if (!strcmp(argv[0], "0") || !strcasecmp(argv[0], "permissive"))
        v = 0;
    else
        return usage_error(c, "'%s': give 0, 1, permissive or enforcing", argv[0]);
    flask_op(c, &o, FLASK_SETENFORCE);
    op_put32(&o, 0, (uint32_t)v);
    r = op_call(c, &o);
    op_done(c, &o);
    if (r < 0)
        return fail(c, r, "setenforce");
    if (c->json) {
        ok_begin(c);
        js_bool(&c->j, "enforcing", v == 1);
        ok_end(c);
    } else {
        printf("FLASK is now %s\n", v ? "enforcing" : "permissive");
    }
    return XC_EXIT_OK;
}

int cmd_load(struct ctl *c, int argc, char **argv)
{
    FILE *f;
    char *buf;
    size_t cap = 1 << 16, n = 0;
    struct op o;
    long r;

    if (argc != 1)
        return usage_error(c, "usage: load FILE");
    f = fopen(argv[0], "rbe");
    if (!f)
        return usage_error(c, "%s: %s", argv[0], strerror(errno));
    buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);

        n += got;
        if (got == 0 || n > POLICY_MAX)
            break;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2);

            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    /* Only read from: closing it cannot lose data, so its result is of no use. */
    if (!buf || ferror(f) || n > POLICY_MAX) {
        (void)fclose(f);
        free(buf);
        return usage_error(c, "%s: cannot read it (at most 64 MiB)", argv[0]);
    }
    (void)fclose(f);
    /* The image must be in guest memory: below 4 GiB for a 32-bit domain. */
    char *img = gmem(c, n);
    memcpy(img, buf, n);
    free(buf);
    flask_op(c, &o, FLASK_LOAD);
    op_put_handle(c, &o, 0, 0, img);
    op_put32(&o, c->compat ? 4 : 8, (uint32_t)n);
    r = op_call(c, &o);
    op_done(c, &o);
    gmem_free(c, img, n);
    if (r < 0)
        return fail(c, r, "load");
    if (c->json) {
        ok_begin(c);
        js_str(&c->j, "file", argv[0]);
        js_uint(&c->j, "bytes", n);
        ok_end(c);
    } else {
        printf("policy %s loaded (%zu bytes)\n", argv[0], n);
    }
    return XC_EXIT_OK;
}

/* ---- booleans ---- */

struct boolval {
    uint32_t id;
    int value, pending;
    char *name;
};

/* GETBOOL by id (name out) or by name (id out): 0 or -errno. */
static long getbool(struct ctl *c, struct boolval *b, const char *byname)
{
    size_t cap = byname ? strlen(byname) : 256;
    char *buf = gmem(c, cap + 1);
    struct op o;
    long r;

    flask_op(c, &o, FLASK_GETBOOL);
    if (byname) {
        memcpy(buf, byname, cap + 1); /* with its NUL: buf has room (cap + 1) */
        op_put32(&o, 0, 0xffffffffU);
    } else {
        op_put32(&o, 0, b->id);
    }
    op_put32(&o, 8, (uint32_t)cap);
    op_put_handle(c, &o, 16, 12, buf);
    r = op_call(c, &o);
    if (r >= 0) {
        b->id = op_get32(&o, 0);
        b->value = o.b[8 + 4];
        b->pending = o.b[8 + 5];
        b->name = byname ? strdup(byname) : strndup(buf, op_get32(&o, 8));
        if (!b->name)
            r = -ENOMEM;
    }
    op_done(c, &o);
    gmem_free(c, buf, cap + 1);
    return r;
}

static void print_bool(struct ctl *c, const struct boolval *b)
{
    if (c->json) {
        js_begin(&c->j, NULL);
        js_str(&c->j, "name", b->name);
        js_uint(&c->j, "id", b->id);
        js_int(&c->j, "value", b->value);
        js_int(&c->j, "pending", b->pending);
        js_end(&c->j);
    } else {
        char *name = ctl_text(b->name);

        if (b->value != b->pending)
            printf("%-32s %d (pending %d)\n", name ? name : "?", b->value, b->pending);
        else
            printf("%-32s %d\n", name ? name : "?", b->value);
        free(name);
    }
}

static int bool_list(struct ctl *c)
{
    struct boolval *v = NULL;
    size_t n = 0;
    long r;

    for (;;) {
        struct boolval b = {.id = (uint32_t)n};
        struct boolval *nv;

        r = getbool(c, &b, NULL);
        if (r == -ENOENT)
            break;
        if (r < 0) {
            for (size_t i = 0; i < n; i++)
                free(v[i].name);
            free(v);
            return fail(c, r, "bool list");
        }
        nv = realloc(v, (n + 1) * sizeof(*v));
        if (!nv) {
            free(b.name);
            break;
        }
        v = nv;
        v[n++] = b;
    }
    if (c->json) {
        ok_begin(c);
        js_array(&c->j, "booleans");
    }
    for (size_t i = 0; i < n; i++) {
        print_bool(c, &v[i]);
        free(v[i].name);
    }
    if (c->json) {
        js_array_end(&c->j);
        ok_end(c);
    } else if (n == 0) {
        puts("(the policy has no booleans)");
    }
    free(v);
    return XC_EXIT_OK;
}

static int commit(struct ctl *c)
{
    struct op o;
    long r;

    flask_op(c, &o, FLASK_COMMITBOOLS);
    r = op_call(c, &o);
    op_done(c, &o);
    return (int)r;
}

int cmd_bool(struct ctl *c, int argc, char **argv)
{
    struct boolval b = {0};
    long r;

    if (argc == 1 && !strcmp(argv[0], "list"))
        return bool_list(c);
    if (argc == 1 && !strcmp(argv[0], "commit")) {
        r = commit(c);
        if (r < 0)
            return fail(c, r, "bool commit");
        if (c->json) {
            ok_begin(c);
            ok_end(c);
        } else {
            puts("pending boolean values committed");
        }
        return XC_EXIT_OK;
    }
    if (argc == 2 && !strcmp(argv[0], "get")) {
        r = getbool(c, &b, argv[1]);
        if (r < 0)
            return fail(c, r, argv[1]);
        if (c->json) {
            ok_begin(c);
            js_str(&c->j, "name", b.name);
            js_uint(&c->j, "id", b.id);
            js_int(&c->j, "value", b.value);
            js_int(&c->j, "pending", b.pending);
            ok_end(c);
        } else {
            print_bool(c, &b);
        }
        free(b.name);
        return XC_EXIT_OK;
    }
    if ((argc == 3 || argc == 4) && !strcmp(argv[0], "set")) {
        bool do_commit = argc == 4 && !strcmp(argv[3], "--commit");
        size_t len = strlen(argv[1]);
        char *buf;
        struct op o;

        if ((argc == 4 && !do_commit) || (strcmp(argv[2], "0") != 0 && strcmp(argv[2], "1") != 0))
            return usage_error(c, "usage: bool set NAME 0|1 [--commit]");
        buf = gmem(c, len + 1);
        memcpy(buf, argv[1], len);
        flask_op(c, &o, FLASK_SETBOOL);
        op_put32(&o, 0, 0xffffffffU);
        o.b[8 + 6] = argv[2][0] == '1';
        o.b[8 + 7] = do_commit;
        op_put32(&o, 8, (uint32_t)len);
        op_put_handle(c, &o, 16, 12, buf);
        r = op_call(c, &o);
        op_done(c, &o);
        gmem_free(c, buf, len + 1);
        if (r < 0)
            return fail(c, r, argv[1]);
        if (c->json) {
            ok_begin(c);
            js_str(&c->j, "name", argv[1]);
            js_int(&c->j, "value", argv[2][0] == '1');
            js_bool(&c->j, "committed", do_commit);
            ok_end(c);
        } else {
            printf("%s = %c%s\n", argv[1], argv[2][0],
                   do_commit ? " (committed)" : " (pending: bool commit makes it live)");
        }
        return XC_EXIT_OK;
    }
    return usage_error(c, "usage: bool list | get NAME | set NAME 0|1 [--commit] | commit");
}

/* ---- contexts and SIDs ---- */

int cmd_ctx2sid(struct ctl *c, int argc, char **argv)
{
    uint32_t sid = 0;
    long r;

    if (argc != 1)
        return usage_error(c, "usage: context-to-sid CONTEXT");
    r = context_to_sid(c, argv[0], &sid);
    if (r < 0)
        return fail(c, r, argv[0]);
    if (c->json) {
        ok_begin(c);
        js_str(&c->j, "context", argv[0]);
        js_uint(&c->j, "sid", sid);
        ok_end(c);
    } else {
        printf("%u\n", sid);
    }
    return XC_EXIT_OK;
}

static bool parse_u32(const char *s, uint32_t *v)
{
    char *end;
    unsigned long x;

    if (!*s || *s == '-')
        return false;
    errno = 0;
    x = strtoul(s, &end, 0);
    if (errno || *end || x > UINT32_MAX)
        return false;
    *v = (uint32_t)x;
    return true;
}

int cmd_sid2ctx(struct ctl *c, int argc, char **argv)
{
    uint32_t sid;
    char *ctx = NULL;
    long r;

    if (argc != 1 || !parse_u32(argv[0], &sid))
        return usage_error(c, "usage: sid-to-context SID");
    r = sid_to_context(c, sid, &ctx);
    if (r < 0)
        return fail(c, r, argv[0]);
    if (c->json) {
        ok_begin(c);
        js_uint(&c->j, "sid", sid);
        js_str(&c->j, "context", ctx);
        ok_end(c);
    } else {
        char *t = ctl_text(ctx);

        printf("%s\n", t ? t : "?");
        free(t);
    }
    free(ctx);
    return XC_EXIT_OK;
}

/* ---- access ---- */

int cmd_access(struct ctl *c, int argc, char **argv)
{
    uint32_t ssid, tsid, req;
    uint16_t cls;
    struct op o;
    int rc = 0;
    long r;

    if (argc < 4)
        return usage_error(c, "usage: access SCON TCON CLASS PERM...");
    cls = class_value(c, argv[2], &rc);
    if (!cls)
        return rc;
    req = perm_bits(c, cls, argv + 3, argc - 3, &rc);
    if (!req)
        return rc;
    r = context_to_sid(c, argv[0], &ssid);
    if (r < 0)
        return fail(c, r, argv[0]);
    r = context_to_sid(c, argv[1], &tsid);
    if (r < 0)
        return fail(c, r, argv[1]);
    op_init(c, &o, FLASK_ACCESS, XEN_FLASK_INTERFACE_VERSION);
    op_put32(&o, 0, ssid);
    op_put32(&o, 4, tsid);
    op_put32(&o, 8, cls);
    op_put32(&o, 12, req);
    r = op_call(c, &o);
    uint32_t allowed = op_get32(&o, 16), aa = op_get32(&o, 20), ad = op_get32(&o, 24),
             seqno = op_get32(&o, 28);
    op_done(c, &o);
    if (r < 0)
        return fail(c, r, "access");
    bool all = (allowed & req) == req;
    char *names[32] = {NULL};

    /* Names first: nothing is printed until every request has been made. */
    for (unsigned bit = 0; bit < 32; bit++)
        if ((req & (1U << bit)) && c->domain == 0)
            names[bit] = perm_name(c, cls, bit);
    if (c->json) {
        ok_begin(c);
        js_str(&c->j, "scontext", argv[0]);
        js_str(&c->j, "tcontext", argv[1]);
        js_uint(&c->j, "class", cls);
        js_uint(&c->j, "requested", req);
        js_uint(&c->j, "allowed", allowed);
        js_uint(&c->j, "audit_allow", aa);
        js_uint(&c->j, "audit_deny", ad);
        js_uint(&c->j, "seqno", seqno);
        js_bool(&c->j, "granted", all);
        js_array(&c->j, "permissions");
    }
    for (unsigned bit = 0; bit < 32; bit++) {
        if (!(req & (1U << bit)))
            continue;
        char *name = names[bit];
        bool ok = allowed & (1U << bit);

        if (c->json) {
            js_begin(&c->j, NULL);
            if (name)
                js_str(&c->j, "name", name);
            else
                js_null(&c->j, "name");
            js_uint(&c->j, "bit", bit);
            js_bool(&c->j, "granted", ok);
            js_end(&c->j);
        } else {
            char num[16], *t;

            snprintf(num, sizeof(num), "bit %u", bit);
            t = ctl_text(name ? name : num);

            printf("%-24s %s\n", t ? t : "?", ok ? "granted" : "denied");
            free(t);
        }
        free(name);
    }
    if (c->json) {
        js_array_end(&c->j);
        ok_end(c);
    }
    return all ? XC_EXIT_OK : XC_EXIT_DENIED;
}

/* ---- the AVC ---- */

int cmd_avc(struct ctl *c, int argc, char **argv)
{
    struct op o;
    long r;

    if (argc >= 1 && !strcmp(argv[0], "threshold")) {
        uint32_t v = 0;

        if (argc > 2 || (argc == 2 && !parse_u32(argv[1], &v)))
            return usage_error(c, "usage: avc threshold [N]");
        op_init(c, &o, argc == 2 ? FLASK_SETAVC_THRESHOLD : FLASK_GETAVC_THRESHOLD,
                XEN_FLASK_INTERFACE_VERSION);
        op_put32(&o, 0, v);
        r = op_call(c, &o);
        op_done(c, &o);
        if (r < 0)
            return fail(c, r, "avc threshold");
        if (c->json) {
            ok_begin(c);
            js_uint(&c->j, "threshold", argc == 2 ? v : (uint32_t)r);
            ok_end(c);
        } else {
            printf("AVC cache threshold %s%lu\n", argc == 2 ? "set to " : "",
                   argc == 2 ? (unsigned long)v : (unsigned long)r);
        }
        return XC_EXIT_OK;
    }
    if (argc != 1 || strcmp(argv[0], "stats") != 0)
        return usage_error(c, "usage: avc stats | avc threshold [N]");

    uint32_t hs[4];
    op_init(c, &o, FLASK_AVC_HASHSTATS, XEN_FLASK_INTERFACE_VERSION);
    r = op_call(c, &o);
    for (unsigned i = 0; i < 4; i++)
        hs[i] = op_get32(&o, 4 * i);
    op_done(c, &o);
    if (r < 0)
        return fail(c, r, "avc hash statistics");

    /* Per CPU until the hypervisor says there is no such CPU (-ENOENT), as xenpm does. */
    uint32_t(*cpu)[7] = NULL;
    unsigned ncpu = 0;
    for (;;) {
        uint32_t(*nc)[7];

        op_init(c, &o, FLASK_AVC_CACHESTATS, XEN_FLASK_INTERFACE_VERSION);
        op_put32(&o, 0, ncpu);
        r = op_call(c, &o);
        if (r < 0) {
            op_done(c, &o);
            break;
        }
        nc = realloc(cpu, (ncpu + 1) * sizeof(*cpu));
        if (!nc) {
            op_done(c, &o);
            r = -ENOMEM;
            break;
        }
        cpu = nc;
        for (unsigned i = 0; i < 7; i++)
            cpu[ncpu][i] = op_get32(&o, 4 * i);
        ncpu++;
        op_done(c, &o);
        if (ncpu == 4096)
            break;
    }
    if (r < 0 && r != -ENOENT) {
        free(cpu);
        return fail(c, r, "avc cache statistics");
    }
    static const char *const hname[] = {"entries", "buckets_used", "buckets_total",
                                        "max_chain_len"};
    static const char *const cname[] = {"cpu",         "lookups",  "hits", "misses",
                                        "allocations", "reclaims", "frees"};
    if (c->json) {
        ok_begin(c);
        js_begin(&c->j, "hash");
        for (unsigned i = 0; i < 4; i++)
            js_uint(&c->j, hname[i], hs[i]);
        js_end(&c->j);
        js_array(&c->j, "cpus");
        for (unsigned k = 0; k < ncpu; k++) {
            js_begin(&c->j, NULL);
            for (unsigned i = 0; i < 7; i++)
                js_uint(&c->j, cname[i], cpu[k][i]);
            js_end(&c->j);
        }
        js_array_end(&c->j);
        ok_end(c);
    } else {
        printf("AVC hash: %u entries, %u of %u buckets used, longest chain %u\n", hs[0], hs[1],
               hs[2], hs[3]);
        printf("%-4s %10s %10s %10s %12s %10s %10s\n", "cpu", "lookups", "hits", "misses",
               "allocations", "reclaims", "frees");
        for (unsigned k = 0; k < ncpu; k++)
            printf("%-4u %10u %10u %10u %12u %10u %10u\n", cpu[k][0], cpu[k][1], cpu[k][2],
                   cpu[k][3], cpu[k][4], cpu[k][5], cpu[k][6]);
    }
    free(cpu);
    return XC_EXIT_OK;
}
