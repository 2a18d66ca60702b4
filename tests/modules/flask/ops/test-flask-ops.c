/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK xsm_op commands, end to end through xsm_do_op: every command's
 * success and error paths, in the native and the compat layout, before and
 * after a policy, with a policy compiled from test-policy.conf at test time.
 * Expected values come from Xen 4.17's documented behaviour and from the
 * rules written in test-policy.conf, never from the code under test.
 *
 * usage: test-flask-ops TEST-POLICY.bin [RELOAD.bin SELINUX24.bin SELINUX25.bin]
 *        (no argument: skipped; without the variants their tests are skipped)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

#include "core/op_decode.h"
#include "core/ops.h"
#include "modules/flask/flask.h"

#include "../../../lib/slurp.h"
#include "../../check.h"

/* ---- guest memory: one flat window, out of range is a fault ---- */
#define GBASE   0x100000ULL
#define GSIZE   (1U << 20)
#define OPADDR  GBASE
#define STRADDR (GBASE + 0x1000)
#define BUFADDR (GBASE + 0x4000)
#define BADADDR 0x10ULL

static unsigned char gmem[GSIZE];

static int g_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    (void)opaque;
    if (gaddr < GBASE || gaddr - GBASE > GSIZE || len > GSIZE - (gaddr - GBASE))
        return -EFAULT;
    memcpy(dst, gmem + (gaddr - GBASE), len);
    return 0;
}

/* A guest address whose writes fault (0: none), for copy-back failures. */
static uint64_t fail_to_addr;

static int g_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    (void)opaque;
    if ((fail_to_addr != 0 && gaddr == fail_to_addr) || gaddr < GBASE || gaddr - GBASE > GSIZE ||
        len > GSIZE - (gaddr - GBASE))
        return -EFAULT;
    memcpy(gmem + (gaddr - GBASE), src, len);
    return 0;
}

static struct xsm_guest guest = {g_from, g_to, NULL, false};

/* ---- a tiny host: two domains and a few event channels of dom0 ---- */
static struct xsm_domain dom0 = {.domid = 0, .is_privileged = true};
static struct xsm_domain domU = {.domid = 1};
static struct xsm_domain nolabel = {.domid = 2};
static struct xsm_evtchn chans[3];
static char lastlog[1024];
static unsigned nlogs;

static struct xsm_domain *h_domain(void *host, xsm_domid_t id)
{
    (void)host;
    return id == 0 ? &dom0 : id == 1 ? &domU : id == 2 ? &nolabel : NULL;
}

static struct xsm_evtchn *h_evtchn(void *host, struct xsm_domain *d, uint32_t port)
{
    (void)host;
    if (d != &dom0 || port == 0 || port > 3)
        return NULL;
    return &chans[port - 1];
}

static void h_log(void *host, const char *line)
{
    (void)host;
    snprintf(lastlog, sizeof(lastlog), "%s", line);
    nlogs++;
}

static const struct xsm_host_ops host_ops = {
    .domain_get = h_domain, .evtchn_get = h_evtchn, .log = h_log};
static struct flask_domain_sec sec0, secU;

static unsigned char *policy;
static size_t policy_len;
/* test-policy.conf without domU2_t in role system_r; as "SE Linux" 24 and 25. */
static unsigned char *reload_pol, *sel24, *sel25;
static size_t reload_len, sel24_len, sel25_len;

static xsm_ctx *make(const char *mode, const void *pol, size_t len)
{
    struct xsm_config cfg = {.modules = "flask",
                             .flask_mode = mode,
                             .policy = pol,
                             .policy_len = len,
                             .host_ops = &host_ops};
    struct xsm_instance *mi;
    xsm_ctx *x = NULL;
    int rc = xsm_create(&x, &cfg);

    CHECK_EQ(rc, 0);
    if (rc != 0)
        return NULL;
    mi = xsm_find_active(x, XSM_MODULE_FLASK);
    CHECK(mi != NULL);
    if (mi == NULL) { /* a failure to report, not a crash */
        xsm_destroy(x);
        return NULL;
    }
    /* Labels of this instance (owner), made by hand. */
    sec0 = (struct flask_domain_sec){.sid = SECINITSID_DOM0,
                                     .self_sid = SECINITSID_DOM0,
                                     .target_sid = SECINITSID_DOM0,
                                     .owner = flask_state(mi)};
    secU = (struct flask_domain_sec){.sid = SECINITSID_DOMU,
                                     .self_sid = SECINITSID_DOMU,
                                     .target_sid = SECINITSID_DOMU,
                                     .owner = flask_state(mi)};
    memset(dom0.security, 0, sizeof(dom0.security));
    memset(domU.security, 0, sizeof(domU.security));
    dom0.security[mi->slot] = &sec0;
    domU.security[mi->slot] = &secU;
    return x;
}

static struct xsm_instance *inst(xsm_ctx *x)
{
    return xsm_find_active(x, XSM_MODULE_FLASK);
}

/* ---- op helpers ---- */
union opbuf {
    xen_flask_op_t n;
    compat_flask_op_t c;
    unsigned char b[40];
    uint64_t align;
};

static void op_init(union opbuf *o, uint32_t cmd)
{
    memset(o, 0, sizeof(*o));
    o->n.cmd = cmd;
    o->n.interface_version = XEN_FLASK_INTERFACE_VERSION;
}

/* Issue o; on return o holds what the guest sees at OPADDR afterwards. */
static long do_op(xsm_ctx *x, struct xsm_domain *cur, union opbuf *o)
{
    long rc;

    memcpy(gmem, o->b, 40);
    rc = xsm_do_op(x, cur, &guest, OPADDR);
    memcpy(o->b, gmem, 40);
    return rc;
}

static long simple(xsm_ctx *x, struct xsm_domain *cur, uint32_t cmd)
{
    union opbuf o;

    op_init(&o, cmd);
    return do_op(x, cur, &o);
}

static long ctx_to_sid_raw(xsm_ctx *x, struct xsm_domain *cur, const char *s, uint32_t size,
                           uint64_t addr, uint32_t *sid)
{
    union opbuf o;
    struct xsm_op_sid_context sc = {.sid = 0xdead, .size = size, .context = addr};
    long rc;

    op_init(&o, FLASK_CONTEXT_TO_SID);
    if (s != NULL)
        memcpy(gmem + (STRADDR - GBASE), s, size);
    xsm_op_put_sid_context(o.b, guest.compat, &sc);
    rc = do_op(x, cur, &o);
    xsm_op_get_sid_context(o.b, guest.compat, &sc);
    if (sid != NULL)
        *sid = sc.sid;
    return rc;
}

static long ctx_to_sid(xsm_ctx *x, struct xsm_domain *cur, const char *s, uint32_t *sid)
{
    return ctx_to_sid_raw(x, cur, s, (uint32_t)strlen(s), STRADDR, sid);
}

/* SID_TO_CONTEXT into a buffer of 'size'; out: returned size and string. */
static long sid_to_ctx(xsm_ctx *x, struct xsm_domain *cur, uint32_t sid, uint32_t size, char *out,
                       uint32_t *outsize)
{
    union opbuf o;
    struct xsm_op_sid_context sc = {.sid = sid, .size = size, .context = STRADDR};
    long rc;

    op_init(&o, FLASK_SID_TO_CONTEXT);
    memset(gmem + (STRADDR - GBASE), 0x7e, 8192);
    xsm_op_put_sid_context(o.b, guest.compat, &sc);
    rc = do_op(x, cur, &o);
    xsm_op_get_sid_context(o.b, guest.compat, &sc);
    if (outsize != NULL)
        *outsize = sc.size;
    if (out != NULL && rc == 0) {
        memcpy(out, gmem + (STRADDR - GBASE), sc.size);
        out[sc.size] = '\0';
    }
    return rc;
}

static int ctx_equals(xsm_ctx *x, uint32_t sid, const char *want)
{
    char buf[256];
    uint32_t n = 0;

    if (sid_to_ctx(x, &dom0, sid, sizeof(buf) - 1, buf, &n) != 0)
        return 0;
    return n == strlen(want) + 1 && strcmp(buf, want) == 0;
}

static long access_op(xsm_ctx *x, struct xsm_domain *cur, uint32_t ssid, uint32_t tsid,
                      uint32_t tclass, xen_flask_access_t *out)
{
    union opbuf o;
    long rc;

    op_init(&o, FLASK_ACCESS);
    o.n.u.access.ssid = ssid;
    o.n.u.access.tsid = tsid;
    o.n.u.access.tclass = tclass;
    o.n.u.access.req = 1;
    rc = do_op(x, cur, &o);
    if (out != NULL)
        *out = o.n.u.access;
    return rc;
}

static long transition_op(xsm_ctx *x, struct xsm_domain *cur, uint32_t cmd, uint32_t ssid,
                          uint32_t tsid, uint32_t tclass, uint32_t *newsid)
{
    union opbuf o;
    long rc;

    op_init(&o, cmd);
    o.n.u.transition.ssid = ssid;
    o.n.u.transition.tsid = tsid;
    o.n.u.transition.tclass = tclass;
    rc = do_op(x, cur, &o);
    *newsid = o.n.u.transition.newsid;
    return rc;
}

static long load_op(xsm_ctx *x, struct xsm_domain *cur, const void *img, uint32_t size,
                    uint64_t addr)
{
    union opbuf o;
    struct xsm_op_load ld = {.buffer = addr, .size = size};

    op_init(&o, FLASK_LOAD);
    if (img != NULL)
        memcpy(gmem + (BUFADDR - GBASE), img, size);
    xsm_op_put_load(o.b, guest.compat, &ld);
    return do_op(x, cur, &o);
}

static long bool_op(xsm_ctx *x, struct xsm_domain *cur, uint32_t cmd, uint32_t id, const char *name,
                    uint32_t size, uint8_t newv, uint8_t commit, struct xsm_op_boolean *out)
{
    union opbuf o;
    struct xsm_op_boolean b = {
        .bool_id = id, .new_value = newv, .commit = commit, .size = size, .name = STRADDR};
    long rc;

    op_init(&o, cmd);
    memset(gmem + (STRADDR - GBASE), 0x7e, 64);
    if (name != NULL)
        memcpy(gmem + (STRADDR - GBASE), name, size);
    xsm_op_put_boolean(o.b, guest.compat, &b);
    rc = do_op(x, cur, &o);
    if (out != NULL)
        xsm_op_get_boolean(o.b, guest.compat, out);
    return rc;
}

static long ocon_op(xsm_ctx *x, struct xsm_domain *cur, uint32_t cmd, uint32_t ocon, uint32_t sid,
                    uint64_t lo, uint64_t hi)
{
    union opbuf o;

    op_init(&o, cmd);
    o.n.u.ocontext.ocon = ocon;
    o.n.u.ocontext.sid = sid;
    o.n.u.ocontext.low = lo;
    o.n.u.ocontext.high = hi;
    return do_op(x, cur, &o);
}

static long dt_op(xsm_ctx *x, struct xsm_domain *cur, uint32_t sid, const char *path, uint32_t len)
{
    union opbuf o;
    struct xsm_op_devicetree_label dl = {.sid = sid, .length = len, .path = STRADDR};

    op_init(&o, FLASK_DEVICETREE_LABEL);
    /* the op carries the length: no NUL on purpose */
    if (path != NULL) /* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
        memcpy(gmem + (STRADDR - GBASE), path, strlen(path));
    xsm_op_put_devicetree_label(o.b, guest.compat, &dl);
    return do_op(x, cur, &o);
}

static long setenforce(xsm_ctx *x, struct xsm_domain *cur, uint32_t v)
{
    union opbuf o;

    op_init(&o, FLASK_SETENFORCE);
    o.n.u.enforce.enforcing = v;
    return do_op(x, cur, &o);
}

static long set_threshold(xsm_ctx *x, struct xsm_domain *cur, uint32_t t)
{
    union opbuf o;

    op_init(&o, FLASK_SETAVC_THRESHOLD);
    o.n.u.setavc_threshold.threshold = t;
    return do_op(x, cur, &o);
}

static int collect(void *opaque, uint32_t sid, uint64_t lo, uint64_t hi)
{
    uint64_t *v = opaque;
    unsigned n = (unsigned)v[0];

    if (n < 5) {
        v[1 + 3 * n] = sid;
        v[2 + 3 * n] = lo;
        v[3 + 3 * n] = hi;
    }
    v[0]++;
    return 0;
}

/* ---- before any policy ("late") ---- */
static void test_prepolicy(void)
{
    xsm_ctx *x = make("late", NULL, 0);
    xen_flask_access_t a;
    uint32_t sid, n;
    char buf[64];
    union opbuf o;

    if (x == NULL)
        return;
    CHECK(!flask_policy_loaded(inst(x)));
    CHECK_EQ(simple(x, &domU, FLASK_GETENFORCE), 1);
    CHECK_EQ(simple(x, &domU, FLASK_POLICYVERS), 30);
    CHECK_EQ(simple(x, &domU, FLASK_MLS), 0);
    CHECK_EQ(simple(x, &domU, FLASK_GETAVC_THRESHOLD), 512);
    CHECK_EQ(simple(x, &dom0, FLASK_USER), -ENOSYS);
    CHECK_EQ(simple(x, &dom0, 15), -ENOSYS);
    op_init(&o, FLASK_GETENFORCE);
    o.n.interface_version = 2;
    CHECK_EQ(do_op(x, &dom0, &o), -ENOSYS); /* Xen's answer to a wrong version */

    /* Initial-SID names, all but the last; anything else is "xen". */
    CHECK_EQ(ctx_to_sid(x, &domU, "dom0", &sid), 0);
    CHECK_EQ(sid, 3);
    CHECK_EQ(ctx_to_sid(x, &domU, "domU", &sid), 0);
    CHECK_EQ(sid, 12);
    CHECK_EQ(ctx_to_sid(x, &domU, "domDM", &sid), 0);
    CHECK_EQ(sid, 2);
    CHECK_EQ(ctx_to_sid(x, &domU, "whatever", &sid), 0);
    CHECK_EQ(sid, 2);
    /* A domain without a label is refused even before a policy. */
    CHECK_EQ(ctx_to_sid(x, &nolabel, "dom0", &sid), -EACCES);
    CHECK_EQ(sid_to_ctx(x, &domU, 3, 64, buf, &n), 0);
    CHECK_EQ(n, 5);
    CHECK(strcmp(buf, "dom0") == 0);
    CHECK_EQ(sid_to_ctx(x, &domU, 0, 64, buf, &n), 0);
    CHECK(strcmp(buf, "null") == 0);
    CHECK_EQ(sid_to_ctx(x, &domU, 13, 64, buf, &n), 0);
    CHECK(strcmp(buf, "domDM") == 0);
    CHECK_EQ(sid_to_ctx(x, &domU, 14, 64, buf, &n), -EINVAL);
    CHECK_EQ(sid_to_ctx(x, &domU, 3, 4, buf, &n), -ERANGE);
    /* -ERANGE: the op in guest memory is not rewritten. */
    CHECK_EQ(n, 4);

    CHECK_EQ(access_op(x, &domU, 12, 3, SECCLASS_DOMAIN, &a), 0);
    CHECK_EQ(a.allowed, 0xffffffffU);
    CHECK_EQ(a.audit_allow, 0);
    CHECK_EQ(a.audit_deny, 0xffffffffU);
    CHECK_EQ(transition_op(x, &domU, FLASK_CREATE, 12, 3, SECCLASS_DOMAIN, &sid), 0);
    CHECK_EQ(sid, 12);
    CHECK_EQ(transition_op(x, &domU, FLASK_CREATE, 12, 3, SECCLASS_EVENT, &sid), 0);
    CHECK_EQ(sid, 3);
    CHECK_EQ(transition_op(x, &domU, FLASK_MEMBER, 12, 3, SECCLASS_DOMAIN, &sid), 0);
    CHECK_EQ(sid, 12);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0, NULL, 0, 0, 0, NULL), -ENOENT);
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0, NULL, 0, 1, 1, NULL), -ENOENT);
    CHECK_EQ(simple(x, &dom0, FLASK_COMMITBOOLS), 0);
    /* Everything allowed: even domU may switch to permissive and back. */
    CHECK(flask_avc_has_perm(inst(x), 12, 7, SECCLASS_SECURITY, SECURITY__LOAD_POLICY, NULL) == 0);
    CHECK_EQ(setenforce(x, &domU, 0), 0);
    CHECK_EQ(simple(x, &domU, FLASK_GETENFORCE), 0);
    CHECK_EQ(setenforce(x, &domU, 7), 0);
    CHECK_EQ(simple(x, &domU, FLASK_GETENFORCE), 1);
    CHECK(flask_resource_sid(inst(x), SS_OCON_PIRQ, 33, &sid) == 0 && sid == SECINITSID_IRQ);

    /* Labels before a policy go to Xen's empty database (0, -EEXIST, -ENOENT). */
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_PIRQ, 42, 5, 5), 0);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_PIRQ, 43, 5, 5), -EEXIST);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_PIRQ, 42, 6, 5), -EINVAL);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_PIRQ, 0, 6, 6), -ENOENT);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_IOPORT, 42, 0x70, 0x7f), 0);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_IOPORT, 0, 0x70, 0x7f), 0);
    CHECK(flask_resource_sid(inst(x), SS_OCON_PIRQ, 5, &sid) == 0 && sid == 42);
    CHECK_EQ(dt_op(x, &dom0, 42, "/a", 2), 0);
    CHECK_EQ(dt_op(x, &dom0, 11, "/a", 2), -EEXIST);
    CHECK_EQ(dt_op(x, &dom0, 0, "/b", 2), -ENOENT);
    CHECK(flask_devicetree_sid(inst(x), "/a", &sid) == 0 && sid == 42);
    CHECK_EQ(dt_op(x, &nolabel, 10, "/a", 2), -EACCES);
    {
        uint64_t v[16] = {0};

        CHECK_EQ(flask_resource_iterate(inst(x), SS_OCON_IOPORT, 5, 9, collect, v), 0);
        CHECK(v[0] == 1 && v[1] == SECINITSID_IOPORT && v[2] == 5 && v[3] == 9);
        CHECK_EQ(flask_resource_iterate(inst(x), 9, 5, 9, collect, v), -EINVAL);
    }

    /* Loading a policy switches to enforcing checks; the first load discards those labels. */
    CHECK_EQ(load_op(x, &domU, policy, (uint32_t)policy_len, BUFADDR), 0);
    CHECK(flask_policy_loaded(inst(x)));
    CHECK(flask_resource_sid(inst(x), SS_OCON_PIRQ, 5, &sid) == 0 && sid == SECINITSID_IRQ);
    CHECK(flask_devicetree_sid(inst(x), "/a", &sid) == 0 && sid == SECINITSID_DEVICE);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_PIRQ, 43, 5, 5), 0);
    CHECK_EQ(load_op(x, &domU, policy, (uint32_t)policy_len, BUFADDR), -EACCES);
    CHECK_EQ(load_op(x, &dom0, policy, (uint32_t)policy_len, BUFADDR), 0);
    xsm_destroy(x);
}

/* ---- LOAD errors and atomicity ---- */
static void test_load(void)
{
    xsm_ctx *x = make("enforcing", policy, policy_len);
    struct xsm_op_boolean b;
    uint32_t sid_before, sid_after;
    static const unsigned char junk[64] = {0x8c, 0xff, 0x7c, 0xf9, 8, 0, 0, 0, 'X', 'e', 'n'};

    if (x == NULL)
        return;
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:lab_t", &sid_before), 0);
    CHECK(sid_before > SECINITSID_NUM);
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 1, NULL, 0, 0, 1, &b), 0); /* b_on := 0 live */
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0, NULL, 0, 1, 0, &b), 0); /* b_off pending 1 */

    CHECK_EQ(load_op(x, &dom0, NULL, 0x4000001, BUFADDR), -EINVAL);
    CHECK_EQ(load_op(x, &dom0, NULL, 64, BADADDR), -EFAULT);
    CHECK_EQ(load_op(x, &dom0, junk, sizeof(junk), BUFADDR), -EINVAL);
    CHECK_EQ(load_op(x, &dom0, policy, (uint32_t)policy_len - 7, BUFADDR), -EINVAL);
    CHECK_EQ(load_op(x, &domU, policy, (uint32_t)policy_len, BUFADDR), -EACCES);

    /* Nothing changed: same SID, same live and pending booleans. */
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:lab_t", &sid_after), 0);
    CHECK_EQ(sid_after, sid_before);
    CHECK_EQ(bool_op(x, &dom0, FLASK_GETBOOL, 1, NULL, 0, 0, 0, &b), 0);
    CHECK_EQ(b.enforcing, 0);
    CHECK_EQ(bool_op(x, &dom0, FLASK_GETBOOL, 0, NULL, 0, 0, 0, &b), 0);
    CHECK_EQ(b.enforcing, 0);
    CHECK_EQ(b.pending, 1);

    /* A good reload keeps SIDs and live values by name and drops pending ones. */
    CHECK_EQ(load_op(x, &dom0, policy, (uint32_t)policy_len, BUFADDR), 0);
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:lab_t", &sid_after), 0);
    CHECK_EQ(sid_after, sid_before);
    CHECK_EQ(bool_op(x, &dom0, FLASK_GETBOOL, 0, NULL, 0, 0, 0, &b), 0);
    CHECK_EQ(b.enforcing, 0);
    CHECK_EQ(b.pending, 0);
    CHECK_EQ(bool_op(x, &dom0, FLASK_GETBOOL, 1, NULL, 0, 0, 0, &b), 0);
    CHECK_EQ(b.enforcing, 0);
    xsm_destroy(x);
}

/* ---- context and SID conversions ---- */
static void test_contexts(void)
{
    xsm_ctx *x = make("enforcing", policy, policy_len);
    static char big[5000];
    uint32_t sid, sid2, n;
    char buf[128];
    const char *c = "system_u:system_r:domU2_t";

    if (x == NULL)
        return;
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:dom0_t", &sid), 0);
    CHECK_EQ(sid, SECINITSID_DOM0);
    CHECK_EQ(ctx_to_sid(x, &dom0, c, &sid), 0);
    CHECK(sid > SECINITSID_NUM);
    /* 4.17 takes the string with or without its NUL. */
    CHECK_EQ(ctx_to_sid_raw(x, &dom0, c, (uint32_t)strlen(c) + 1, STRADDR, &sid2), 0);
    CHECK_EQ(sid2, sid);
    CHECK_EQ(ctx_to_sid_raw(x, &dom0, "system_u:system_r:domU2_t\0xx", (uint32_t)strlen(c) + 3,
                            STRADDR, &sid2),
             -EINVAL);
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:nosuch_t", &sid2), -EINVAL);
    CHECK_EQ(ctx_to_sid_raw(x, &dom0, NULL, 4097, STRADDR, &sid2), -ENOBUFS);
    CHECK_EQ(ctx_to_sid_raw(x, &dom0, NULL, 10, BADADDR, &sid2), -EFAULT);
    CHECK_EQ(ctx_to_sid(x, &domU, c, &sid2), -EACCES);
    CHECK(strstr(lastlog, "denied") != NULL && strstr(lastlog, "check_context") != NULL);
    memset(big, 'a', sizeof(big));
    (void)big;

    CHECK(ctx_equals(x, sid, c));
    CHECK(ctx_equals(x, SECINITSID_IRQ, "system_u:object_r:irq_t"));
    /* After a load an unknown SID reads as unlabeled. */
    CHECK(ctx_equals(x, 9999, "system_u:system_r:unlabeled_t"));
    CHECK_EQ(sid_to_ctx(x, &dom0, sid, (uint32_t)strlen(c), buf, &n), -ERANGE);
    CHECK_EQ(n, (uint32_t)strlen(c)); /* not copied back */
    CHECK_EQ(sid_to_ctx(x, &dom0, sid, (uint32_t)strlen(c) + 1, buf, &n), 0);
    CHECK_EQ(n, strlen(c) + 1);
    CHECK_EQ(sid_to_ctx(x, &domU, sid, 128, buf, &n), -EACCES);
    {
        union opbuf o;
        struct xsm_op_sid_context sc = {.sid = sid, .size = 128, .context = BADADDR};

        op_init(&o, FLASK_SID_TO_CONTEXT);
        xsm_op_put_sid_context(o.b, guest.compat, &sc);
        CHECK_EQ(do_op(x, &dom0, &o), -EFAULT);
    }
    xsm_destroy(x);
}

static void test_compute(void)
{
    xsm_ctx *x = make("enforcing", policy, policy_len);
    xen_flask_access_t a;
    uint32_t domU2, newsid;

    if (x == NULL)
        return;
    CHECK_EQ(access_op(x, &dom0, SECINITSID_DOM0, SECINITSID_DOMU, SECCLASS_DOMAIN, &a), 0);
    CHECK_EQ(a.allowed, DOMAIN__GETDOMAININFO | DOMAIN__PAUSE | DOMAIN__DESTROY);
    CHECK_EQ(a.audit_allow, 0);
    CHECK_EQ(a.audit_deny, 0xffffffffU);
    CHECK_EQ(access_op(x, &dom0, SECINITSID_DOM0, SECINITSID_SECURITY, SECCLASS_SECURITY, &a), 0);
    CHECK_EQ(a.allowed, 0x7ff);
    CHECK_EQ(a.audit_allow, SECURITY__SETENFORCE);
    CHECK_EQ(access_op(x, &dom0, 3, 12, 0, &a), -EINVAL);
    CHECK_EQ(access_op(x, &dom0, 3, 12, 14, &a), -EINVAL);
    CHECK_EQ(access_op(x, &dom0, 3, 12, 0x10000 | SECCLASS_DOMAIN, &a), 0); /* truncated */
    CHECK_EQ(access_op(x, &domU, 3, 12, SECCLASS_DOMAIN, &a), -EACCES);

    CHECK_EQ(transition_op(x, &dom0, FLASK_CREATE, 3, 12, SECCLASS_EVENT, &newsid), 0);
    CHECK(ctx_equals(x, newsid, "system_u:object_r:chan_t"));
    CHECK_EQ(transition_op(x, &dom0, FLASK_CREATE, 12, 12, SECCLASS_DOMAIN, &newsid), 0);
    CHECK(ctx_equals(x, newsid, "system_u:system_r:domU_t_self"));
    CHECK_EQ(transition_op(x, &dom0, FLASK_MEMBER, 3, 12, SECCLASS_GRANT, &newsid), 0);
    CHECK(ctx_equals(x, newsid, "system_u:object_r:member_t"));
    CHECK_EQ(transition_op(x, &dom0, FLASK_RELABEL, 3, 12, SECCLASS_MMU, &newsid), 0);
    CHECK(ctx_equals(x, newsid, "system_u:object_r:changed_t"));
    /* No rule: objects keep the target's type. */
    CHECK_EQ(transition_op(x, &dom0, FLASK_MEMBER, 3, 12, SECCLASS_EVENT, &newsid), 0);
    CHECK(ctx_equals(x, newsid, "system_u:object_r:domU_t"));
    /* Class 0 or past the policy's 13: Xen's object default, user:object_r:ttype. */
    {
        static const uint32_t cls[4] = {0, 14, 0xffff, 0x10000};
        static const uint32_t cmds[3] = {FLASK_CREATE, FLASK_RELABEL, FLASK_MEMBER};

        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                newsid = 0;
                CHECK_EQ(transition_op(x, &dom0, cmds[j], 3, 12, cls[i], &newsid), 0);
                CHECK(ctx_equals(x, newsid, "system_u:object_r:domU_t"));
            }
        }
    }
    CHECK_EQ(transition_op(x, &domU, FLASK_CREATE, 3, 12, SECCLASS_EVENT, &newsid), -EACCES);
    CHECK_EQ(transition_op(x, &domU, FLASK_MEMBER, 3, 12, SECCLASS_EVENT, &newsid), -EACCES);
    CHECK_EQ(transition_op(x, &domU, FLASK_RELABEL, 3, 12, SECCLASS_EVENT, &newsid), -EACCES);

    /* The module-side helpers agree. */
    CHECK_EQ(flask_transition_sid(inst(x), 3, 12, SECCLASS_EVENT, &newsid), 0);
    CHECK(ctx_equals(x, newsid, "system_u:object_r:chan_t"));
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:domU2_t", &domU2), 0);
    CHECK_EQ(flask_avc_has_perm(inst(x), 3, 12, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL), 0);
    CHECK_EQ(flask_avc_has_perm(inst(x), 3, 12, SECCLASS_DOMAIN, DOMAIN__UNPAUSE, NULL), -EACCES);
    CHECK_EQ(flask_avc_has_perm(inst(x), 3, domU2, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL), -EACCES);
    xsm_destroy(x);
}

static void test_bools(void)
{
    xsm_ctx *x = make("enforcing", policy, policy_len);
    struct xsm_op_boolean b;
    xen_flask_access_t a;
    char name[16];

    if (x == NULL)
        return;
    /* By id: name out without NUL, size = strlen. */
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0, NULL, 16, 0, 0, &b), 0);
    CHECK_EQ(b.size, 5);
    memcpy(name, gmem + (STRADDR - GBASE), 6);
    CHECK(memcmp(name, "b_off", 5) == 0 && name[5] == 0x7e);
    CHECK_EQ(b.enforcing, 0);
    CHECK_EQ(b.pending, 0);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0, NULL, 4, 0, 0, &b), -ERANGE);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 2, NULL, 0, 0, 0, &b), -ENOENT);
    /* By name, with or without NUL; the id comes back and size becomes 0. */
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0xffffffffU, "b_on", 4, 0, 0, &b), 0);
    CHECK_EQ(b.bool_id, 1);
    CHECK_EQ(b.size, 0);
    CHECK_EQ(b.enforcing, 1);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0xffffffffU, "b_on", 5, 0, 0, &b), 0);
    CHECK_EQ(b.bool_id, 1);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0xffffffffU, "nope", 4, 0, 0, &b), -ENOENT);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0xffffffffU, NULL, 4097, 0, 0, &b), -ENOBUFS);

    /* Unprivileged SETBOOL / COMMITBOOLS are refused. */
    CHECK_EQ(bool_op(x, &domU, FLASK_SETBOOL, 0, NULL, 0, 1, 1, &b), -EACCES);
    CHECK_EQ(simple(x, &domU, FLASK_COMMITBOOLS), -EACCES);
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 5, NULL, 0, 1, 1, &b), -ENOENT);
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 5, NULL, 0, 1, 0, &b), -ENOENT);

    /* Pending only: the decision does not change until committed. */
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0, NULL, 0, 1, 0, &b), 0);
    CHECK_EQ(b.pending, 1);
    CHECK_EQ(b.enforcing, 0);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0, NULL, 0, 0, 0, &b), 0);
    CHECK_EQ(b.pending, 1);
    CHECK_EQ(b.enforcing, 0);
    CHECK_EQ(flask_avc_has_perm(inst(x), 3, 12, SECCLASS_DOMAIN, DOMAIN__UNPAUSE, NULL), -EACCES);
    CHECK_EQ(access_op(x, &dom0, 3, 12, SECCLASS_DOMAIN, &a), 0);
    CHECK(!(a.allowed & DOMAIN__UNPAUSE));
    CHECK_EQ(simple(x, &dom0, FLASK_COMMITBOOLS), 0);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0, NULL, 0, 0, 0, &b), 0);
    CHECK_EQ(b.enforcing, 1);
    CHECK_EQ(flask_avc_has_perm(inst(x), 3, 12, SECCLASS_DOMAIN, DOMAIN__UNPAUSE, NULL), 0);

    /* Commit by name applies only that boolean; another pending one stays. */
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0, NULL, 0, 0, 0, &b), 0); /* b_off pending 0 */
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0xffffffffU, "b_on", 4, 0, 1, &b), 0);
    CHECK_EQ(b.bool_id, 1);
    CHECK_EQ(b.enforcing, 0);
    CHECK_EQ(b.pending, 0);
    CHECK_EQ(flask_avc_has_perm(inst(x), 3, 12, SECCLASS_DOMAIN, DOMAIN__DESTROY, NULL), -EACCES);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0, NULL, 0, 0, 0, &b), 0);
    CHECK_EQ(b.enforcing, 1);
    CHECK_EQ(b.pending, 0);
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0xffffffffU, "zz", 2, 0, 1, &b), -ENOENT);
    xsm_destroy(x);

    /*
     * Xen takes the pending snapshot before it checks the id: after a failed
     * SETBOOL without commit, COMMITBOOLS re-applies the values, a new seqno.
     */
    x = make("enforcing", policy, policy_len);
    if (x == NULL)
        return;
    CHECK_EQ(access_op(x, &dom0, 3, 12, SECCLASS_DOMAIN, &a), 0);
    {
        uint32_t seq = a.seqno;

        CHECK_EQ(simple(x, &dom0, FLASK_COMMITBOOLS), 0);
        CHECK_EQ(access_op(x, &dom0, 3, 12, SECCLASS_DOMAIN, &a), 0);
        CHECK_EQ(a.seqno, seq); /* nothing pending: nothing committed */
        CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 7, NULL, 0, 1, 0, &b), -ENOENT);
        CHECK_EQ(simple(x, &dom0, FLASK_COMMITBOOLS), 0);
        CHECK_EQ(access_op(x, &dom0, 3, 12, SECCLASS_DOMAIN, &a), 0);
        CHECK_EQ(a.seqno, seq + 1);
    }
    xsm_destroy(x);
}

/*
 * The copy-back of the op faults after the command changed state
 * (docs/abi.md §3.4): the change stays and the caller gets -EFAULT, as
 * Xen's do_flask_op does.  Output to a handle is written before the op.
 */
static void test_copyback_fault(void)
{
    xsm_ctx *x = make("enforcing", policy, policy_len);
    struct xsm_op_boolean b;
    char buf[64];
    uint32_t sid;

    if (x == NULL)
        return;
    CHECK_EQ(flask_avc_has_perm(inst(x), 3, 12, SECCLASS_DOMAIN, DOMAIN__UNPAUSE, NULL), -EACCES);

    /* SETBOOL with commit: b_off goes live although the caller sees -EFAULT. */
    fail_to_addr = OPADDR;
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0, NULL, 0, 1, 1, &b), -EFAULT);
    fail_to_addr = 0;
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0, NULL, 0, 0, 0, &b), 0);
    CHECK_EQ(b.enforcing, 1);
    CHECK_EQ(b.pending, 1);
    CHECK_EQ(flask_avc_has_perm(inst(x), 3, 12, SECCLASS_DOMAIN, DOMAIN__UNPAUSE, NULL), 0);

    /* SETBOOL without commit: the pending value is stored. */
    fail_to_addr = OPADDR;
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 1, NULL, 0, 0, 0, &b), -EFAULT);
    fail_to_addr = 0;
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 1, NULL, 0, 0, 0, &b), 0);
    CHECK_EQ(b.enforcing, 1);
    CHECK_EQ(b.pending, 0);

    /* SID_TO_CONTEXT: the context reached its buffer, the op did not come back. */
    fail_to_addr = OPADDR;
    CHECK_EQ(sid_to_ctx(x, &dom0, SECINITSID_DOM0, sizeof(buf), NULL, NULL), -EFAULT);
    fail_to_addr = 0;
    CHECK(memcmp(gmem + (STRADDR - GBASE), "system_u:system_r:dom0_t", 25) == 0);

    /* CONTEXT_TO_SID: -EFAULT; asking again gives the SID. */
    fail_to_addr = OPADDR;
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:domU2_t", &sid), -EFAULT);
    fail_to_addr = 0;
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:domU2_t", &sid), 0);
    CHECK(sid > SECINITSID_NUM);
    xsm_destroy(x);
}

static void test_enforce_and_avc(void)
{
    xsm_ctx *x = make("enforcing", policy, policy_len);
    struct xsm_instance *mi;
    union opbuf o;
    uint32_t perm_sid;
    unsigned logs;

    if (x == NULL)
        return;
    mi = inst(x);
    CHECK(flask_enforcing(mi));
    CHECK_EQ(setenforce(x, &domU, 1), 0); /* unchanged: no check */
    CHECK_EQ(setenforce(x, &domU, 0), -EACCES);
    CHECK(strstr(lastlog, "avc:  denied  { setenforce }") != NULL);
    CHECK(strstr(lastlog, "tclass=security") != NULL);
    logs = nlogs;
    CHECK_EQ(setenforce(x, &dom0, 0), 0);
    CHECK(nlogs > logs && strstr(lastlog, "granted") != NULL); /* auditallow */
    CHECK_EQ(simple(x, &domU, FLASK_GETENFORCE), 0);
    CHECK_EQ(flask_avc_has_perm(mi, 12, 7, SECCLASS_SECURITY, SECURITY__LOAD_POLICY, NULL), 0);
    CHECK_EQ(setenforce(x, &dom0, 1), 0);
    CHECK_EQ(flask_avc_has_perm(mi, 12, 7, SECCLASS_SECURITY, SECURITY__LOAD_POLICY, NULL),
             -EACCES);
    /* A permissive type is never denied, even when enforcing. */
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:perm_t", &perm_sid), 0);
    CHECK_EQ(flask_avc_has_perm(mi, perm_sid, 7, SECCLASS_SECURITY, SECURITY__LOAD_POLICY, NULL),
             0);
    CHECK_EQ(flask_unknown_permission(mi, "domctl", 999), -EPERM);

    /* Threshold. */
    CHECK_EQ(set_threshold(x, &domU, 512), 0);
    CHECK_EQ(set_threshold(x, &domU, 100), -EACCES);
    CHECK_EQ(set_threshold(x, &dom0, 4), 0);
    CHECK_EQ(simple(x, &domU, FLASK_GETAVC_THRESHOLD), 4);
    for (uint32_t t = 1; t <= 12; t++)
        flask_avc_has_perm(mi, 3, t, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
    op_init(&o, FLASK_AVC_HASHSTATS);
    CHECK_EQ(do_op(x, &domU, &o), 0);
    CHECK_EQ(o.n.u.hash_stats.buckets_total, 512);
    CHECK(o.n.u.hash_stats.entries <= 4); /* reclaimed down below the threshold */
    CHECK_EQ(set_threshold(x, &dom0, 512), 0);
    for (uint32_t t = 20; t < 23; t++)
        flask_avc_has_perm(mi, 3, t, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
    op_init(&o, FLASK_AVC_HASHSTATS);
    CHECK_EQ(do_op(x, &domU, &o), 0);
    CHECK(o.n.u.hash_stats.entries >= 3);
    CHECK(o.n.u.hash_stats.buckets_used >= 3); /* distinct tsid: distinct slots */
    CHECK(o.n.u.hash_stats.max_chain_len >= 1);
    CHECK(o.n.u.hash_stats.max_chain_len <= o.n.u.hash_stats.entries);
    op_init(&o, FLASK_AVC_CACHESTATS);
    CHECK_EQ(do_op(x, &domU, &o), 0);
    CHECK(o.n.u.cache_stats.lookups >= 12);
    CHECK_EQ(o.n.u.cache_stats.lookups, o.n.u.cache_stats.hits + o.n.u.cache_stats.misses);
    CHECK(o.n.u.cache_stats.reclaims >= 8);
    CHECK(o.n.u.cache_stats.frees >= o.n.u.cache_stats.reclaims);
    op_init(&o, FLASK_AVC_CACHESTATS);
    o.n.u.cache_stats.cpu = 1;
    CHECK_EQ(do_op(x, &domU, &o), -ENOENT);
    CHECK_EQ(set_threshold(x, &dom0, 0x80000000U), 0);
    CHECK_EQ(simple(x, &domU, FLASK_GETAVC_THRESHOLD), -2147483647L - 1);
    xsm_destroy(x);
}

static void test_ocontexts(void)
{
    xsm_ctx *x = make("enforcing", policy, policy_len);
    struct xsm_instance *mi;
    uint32_t lab, dom, sid;
    uint64_t v[16];

    if (x == NULL)
        return;
    mi = inst(x);
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:object_r:lab_t", &lab), 0);
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:object_r:device_t", &dom), 0);
    CHECK(flask_resource_sid(mi, SS_OCON_PIRQ, 33, &sid) == 0 && sid == lab);
    CHECK(flask_resource_sid(mi, SS_OCON_PIRQ, 34, &sid) == 0 && sid == SECINITSID_IRQ);
    CHECK(flask_resource_sid(mi, SS_OCON_IOPORT, 0x65, &sid) == 0 && sid == lab);

    CHECK_EQ(ocon_op(x, &domU, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, lab, 9, 8), -EINVAL);
    CHECK_EQ(ocon_op(x, &domU, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, lab, 8, 9), -EACCES);
    CHECK_EQ(ocon_op(x, &domU, FLASK_DEL_OCONTEXT, SS_OCON_IOMEM, 0, 8, 9), -EACCES);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, 7, lab, 8, 9), -EINVAL);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, lab, 0x100, 0x1ff), 0);
    CHECK(flask_resource_sid(mi, SS_OCON_IOMEM, 0x150, &sid) == 0 && sid == lab);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, lab, 0x100, 0x1ff), 0);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, dom, 0x1f0, 0x2ff), -EEXIST);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_PIRQ, lab, 40, 41), -EINVAL);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_PIRQ, dom, 33, 33), -EEXIST);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_DEVICE, dom, 0x800, 0x800), 0);
    CHECK(flask_resource_sid(mi, SS_OCON_DEVICE, 0x800, &sid) == 0 && sid == dom);

    /* Xen's widths: pirq 16 bits, device and ioport 32; deletes compare all 64 bits. */
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_PIRQ, lab, 0x10028, 0x10028), 0);
    CHECK(flask_resource_sid(mi, SS_OCON_PIRQ, 40, &sid) == 0 && sid == lab);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_PIRQ, 0, 0x10028, 0x10028), -ENOENT);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_PIRQ, 0, 40, 40), 0);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_DEVICE, lab, 1ULL << 40 | 0x900,
                     1ULL << 40 | 0x900),
             0);
    CHECK(flask_resource_sid(mi, SS_OCON_DEVICE, 0x900, &sid) == 0 && sid == lab);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_DEVICE, 0, 1ULL << 40 | 0x900,
                     1ULL << 40 | 0x900),
             -ENOENT);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_DEVICE, 0, 0x900, 0x900), 0);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_IOPORT, lab, 1ULL << 32 | 0x200,
                     1ULL << 32 | 0x210),
             0);
    CHECK(flask_resource_sid(mi, SS_OCON_IOPORT, 0x205, &sid) == 0 && sid == lab);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_IOPORT, 0, 1ULL << 32 | 0x200,
                     1ULL << 32 | 0x210),
             -ENOENT);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_IOPORT, 0, 0x200, 0x210), 0);
    /* SID 0 is not checked (as in Xen); the label then reads as SID 0, no crash. */
    CHECK_EQ(ocon_op(x, &dom0, FLASK_ADD_OCONTEXT, SS_OCON_PIRQ, 0, 41, 41), 0);
    CHECK(flask_resource_sid(mi, SS_OCON_PIRQ, 41, &sid) == 0 && sid == 0);

    /* Sub-ranges and gaps of [0xf0, 0x210]. */
    memset(v, 0, sizeof(v));
    CHECK_EQ(flask_resource_iterate(mi, SS_OCON_IOMEM, 0xf0, 0x210, collect, v), 0);
    CHECK_EQ(v[0], 3);
    CHECK(v[1] == SECINITSID_IOMEM && v[2] == 0xf0 && v[3] == 0xff);
    CHECK(v[4] == lab && v[5] == 0x100 && v[6] == 0x1ff);
    CHECK(v[7] == SECINITSID_IOMEM && v[8] == 0x200 && v[9] == 0x210);

    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_IOMEM, 0, 0x100, 0x1fe), -ENOENT);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_IOMEM, 0, 0x100, 0x1ff), 0);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_IOMEM, 0, 0x100, 0x1ff), -ENOENT);
    CHECK(flask_resource_sid(mi, SS_OCON_IOMEM, 0x150, &sid) == 0 && sid == SECINITSID_IOMEM);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, SS_OCON_DEVICE, 0, 0x800, 0x800), 0);
    CHECK_EQ(ocon_op(x, &dom0, FLASK_DEL_OCONTEXT, 0, 0, 1, 1), -EINVAL);

    /* Device-tree labels. */
    CHECK_EQ(dt_op(x, &domU, lab, "/soc/uart", 9), -EACCES);
    CHECK_EQ(dt_op(x, &dom0, lab, NULL, 4097), -ENOBUFS);
    CHECK_EQ(dt_op(x, &dom0, lab, "/soc/uart", 9), 0);
    CHECK(flask_devicetree_sid(mi, "/soc/uart", &sid) == 0 && sid == lab);
    CHECK_EQ(dt_op(x, &dom0, dom, "/soc/uart", 9), -EEXIST);
    CHECK_EQ(dt_op(x, &dom0, 0, "/soc/uart", 9), 0);
    CHECK(flask_devicetree_sid(mi, "/soc/uart", &sid) == 0 && sid == SECINITSID_DEVICE);
    CHECK_EQ(dt_op(x, &dom0, 0, "/soc/uart", 9), -ENOENT);
    {
        union opbuf o;
        struct xsm_op_devicetree_label dl = {.sid = lab, .length = 9, .path = BADADDR};

        op_init(&o, FLASK_DEVICETREE_LABEL);
        xsm_op_put_devicetree_label(o.b, guest.compat, &dl);
        CHECK_EQ(do_op(x, &dom0, &o), -EFAULT);
    }
    xsm_destroy(x);
}

static void test_peer_and_relabel(void)
{
    xsm_ctx *x = make("enforcing", policy, policy_len);
    union opbuf o;
    uint32_t domU2, domU2_self;

    if (x == NULL)
        return;
    memset(chans, 0, sizeof(chans));
    chans[0] = (struct xsm_evtchn){.port = 1, .state = XSM_ECS_INTERDOMAIN, .remote = &domU};
    chans[1] = (struct xsm_evtchn){.port = 2, .state = XSM_ECS_UNBOUND, .remote_domid = 1};
    chans[2] = (struct xsm_evtchn){.port = 3, .state = XSM_ECS_INTERDOMAIN, .remote = NULL};
    op_init(&o, FLASK_GET_PEER_SID);
    o.n.u.peersid.evtchn = 1;
    CHECK_EQ(do_op(x, &dom0, &o), 0);
    CHECK_EQ(o.n.u.peersid.sid, SECINITSID_DOMU);
    for (uint32_t port = 2; port <= 5; port++) {
        op_init(&o, FLASK_GET_PEER_SID);
        o.n.u.peersid.evtchn = port;
        CHECK_EQ(do_op(x, &dom0, &o), -EINVAL);
    }

    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:domU2_t", &domU2), 0);
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:domU2_t_self", &domU2_self), 0);
    op_init(&o, FLASK_RELABEL_DOMAIN);
    o.n.u.relabel.domid = 77;
    o.n.u.relabel.sid = domU2;
    CHECK_EQ(do_op(x, &dom0, &o), -ESRCH);
    /* dom0 may not relabel itself (no relabelself rule). */
    o.n.u.relabel.domid = XSM_DOMID_SELF;
    CHECK_EQ(do_op(x, &dom0, &o), -EACCES);
    CHECK_EQ(sec0.sid, SECINITSID_DOM0);
    /* domU may not relabel dom0 (no relabelfrom). */
    o.n.u.relabel.domid = 0;
    CHECK_EQ(do_op(x, &domU, &o), -EACCES);
    /*
     * Xen compares the full 32-bit domid with DOMID_SELF: 0x17ff0 still names
     * the caller (the look-up truncates to domid_t) but is checked as another
     * domain, relabelfrom and relabelto, which domU_t lacks (it has relabelself).
     */
    o.n.u.relabel.domid = 0x10000U | XSM_DOMID_SELF;
    CHECK_EQ(do_op(x, &domU, &o), -EACCES);
    CHECK_EQ(secU.sid, SECINITSID_DOMU);
    /* dom0 relabels domU to domU2_t: relabelfrom, relabelto, transition. */
    o.n.u.relabel.domid = 1;
    CHECK_EQ(do_op(x, &dom0, &o), 0);
    CHECK_EQ(secU.sid, domU2);
    CHECK_EQ(secU.self_sid, domU2_self);
    /* And not back to domU_t (no relabelto, no transition). */
    o.n.u.relabel.sid = SECINITSID_DOMU;
    CHECK_EQ(do_op(x, &dom0, &o), -EACCES);
    CHECK_EQ(secU.sid, domU2);
    /* domU2_t may relabel itself only with relabelself + transition: it lacks transition. */
    o.n.u.relabel.domid = XSM_DOMID_SELF;
    CHECK_EQ(do_op(x, &domU, &o), -EACCES);
    CHECK_EQ(secU.sid, domU2);
    xsm_destroy(x);
}

/*
 * A computed context that is not valid (bad_t is in no role): Xen refuses it
 * with -EACCES only when enforcing; permissive, it gets a SID.  The same in
 * the commands and in the helpers the hooks use (domain_create's self SID).
 */
static void test_invalid_computed(void)
{
    xsm_ctx *x = make("enforcing", policy, policy_len);
    struct xsm_domain d = {.domid = 5};
    uint32_t lab, badself, newsid, sid2;

    if (x == NULL)
        return;
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:object_r:lab_t", &lab), 0);
    CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:badself_t", &badself), 0);
    CHECK_EQ(xsm_alloc_security_domain(x, &dom0, &d), 0);
    for (int permissive = 0; permissive < 2; permissive++) {
        long want = permissive ? 0 : -EACCES;

        CHECK_EQ(setenforce(x, &dom0, !permissive), 0);
        newsid = sid2 = 0;
        CHECK_EQ(transition_op(x, &dom0, FLASK_CREATE, 3, lab, SECCLASS_DOMAIN, &newsid), want);
        CHECK(!permissive || ctx_equals(x, newsid, "system_u:system_r:bad_t"));
        CHECK_EQ(transition_op(x, &dom0, FLASK_MEMBER, 3, lab, SECCLASS_DOMAIN, &sid2), want);
        CHECK(!permissive || sid2 == newsid);
        sid2 = 0;
        CHECK_EQ(flask_transition_sid(inst(x), 3, lab, SECCLASS_DOMAIN, &sid2), want);
        CHECK(!permissive || sid2 == newsid);
        sid2 = 0;
        CHECK_EQ(flask_member_sid(inst(x), 3, lab, SECCLASS_DOMAIN, &sid2), want);
        CHECK(!permissive || sid2 == newsid);
        /* domain_create: badself_t's self label is bad_t */
        CHECK_EQ(xsm_domain_create(x, &dom0, &d, badself), want);
        CHECK(!permissive || (flask_dsec(inst(x), &d)->sid == badself &&
                              flask_dsec(inst(x), &d)->self_sid == newsid));
    }
    xsm_free_security_domain(x, &dom0, &d);
    xsm_destroy(x);
}

/*
 * Reload to a policy where system_u:system_r:domU2_t is invalid (its names
 * all exist): Xen keeps the SID when permissive, drops it (it then reads
 * as unlabeled) when enforcing.
 */
static void test_reload_modes(void)
{
    if (reload_pol == NULL)
        return;
    for (int permissive = 0; permissive < 2; permissive++) {
        xsm_ctx *x = make("enforcing", policy, policy_len);
        uint32_t s2, s3;

        if (x == NULL)
            return;
        CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:domU2_t", &s2), 0);
        CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:object_r:lab_t", &s3), 0);
        CHECK_EQ(setenforce(x, &dom0, !permissive), 0);
        CHECK_EQ(load_op(x, &dom0, reload_pol, (uint32_t)reload_len, BUFADDR), 0);
        CHECK(ctx_equals(
            x, s2, permissive ? "system_u:system_r:domU2_t" : "system_u:system_r:unlabeled_t"));
        CHECK(ctx_equals(x, s3, "system_u:object_r:lab_t"));
        CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:domU2_t", &s3), -EINVAL);
        xsm_destroy(x);
    }
}

/*
 * Policy formats: by default FLASK loads what Xen 4.17 loads, so an
 * "SE Linux" image of version 25 (Xen's compat table stops at 24) is
 * refused; xsm_config.flask_formats = "all" takes whatever the security
 * server reads.
 */
static void test_formats(void)
{
    static const char *const fmts[4] = {NULL, "xen", "all", "bogus"};

    if (sel24 == NULL)
        return;
    for (int i = 0; i < 4; i++) {
        struct xsm_config cfg = {.modules = "flask",
                                 .flask_mode = "late",
                                 .flask_formats = fmts[i],
                                 .host_ops = &host_ops};
        bool all = i == 2;
        xsm_ctx *x = NULL;
        struct xsm_instance *mi;

        if (i == 3) {
            CHECK_EQ(xsm_create(&x, &cfg), -EINVAL);
            continue;
        }
        CHECK_EQ(xsm_create(&x, &cfg), 0);
        if (x == NULL)
            continue;
        mi = inst(x);
        memset(dom0.security, 0, sizeof(dom0.security));
        sec0 = (struct flask_domain_sec){.sid = SECINITSID_DOM0,
                                         .self_sid = SECINITSID_DOM0,
                                         .target_sid = SECINITSID_DOM0,
                                         .owner = flask_state(mi)};
        dom0.security[mi->slot] = &sec0;
        CHECK_EQ(load_op(x, &dom0, sel25, (uint32_t)sel25_len, BUFADDR), all ? 0 : -EINVAL);
        CHECK_EQ(load_op(x, &dom0, sel24, (uint32_t)sel24_len, BUFADDR), 0);
        CHECK_EQ(load_op(x, &dom0, policy, (uint32_t)policy_len, BUFADDR), 0);
        xsm_destroy(x);

        /* The boot policy goes the same way. */
        cfg.flask_mode = "enforcing";
        cfg.policy = sel25;
        cfg.policy_len = sel25_len;
        x = NULL;
        CHECK_EQ(xsm_create(&x, &cfg), all ? 0 : -EINVAL);
        xsm_destroy(x);
    }
}

static void test_boot_modes(void)
{
    struct xsm_config cfg = {.modules = "flask", .host_ops = &host_ops};
    struct xsm_instance fake = {0};
    xsm_ctx *x = NULL;
    uint32_t sid;
    static const unsigned char bad[16] = {1, 2, 3};

    /* The module declines for "disabled" and refuses unknown modes. */
    cfg.flask_mode = "disabled";
    CHECK_EQ(xsm_module_flask.init(&fake, &cfg), 1);
    CHECK(fake.priv == NULL);
    /* Declined: FLASK's words are -ENOSYS as in Xen, discovery says why. */
    CHECK_EQ(xsm_create(&x, &cfg), 0);
    if (x != NULL) {
        struct xsm_module_info info;
        static const uint32_t cmds[4] = {FLASK_GETENFORCE, FLASK_CONTEXT_TO_SID, FLASK_LOAD, 99};

        for (int i = 0; i < 4; i++)
            CHECK_EQ(simple(x, &dom0, cmds[i]), -ENOSYS);
        CHECK_EQ(xsm_get_module_info(x, XSM_MODULE_FLASK, &info), 0);
        CHECK_EQ(info.flags, XSM_MODINFO_BUILT | XSM_MODINFO_AUTHORITATIVE | XSM_MODINFO_DECLINED);
        CHECK_EQ(xsm_active_id(x, 0), XSM_MODULE_DUMMY);
        xsm_destroy(x);
        x = NULL;
    }
    /* Built but not selected: no DECLINED flag, the same -ENOSYS. */
    cfg.modules = "silo";
    CHECK_EQ(xsm_create(&x, &cfg), 0);
    if (x != NULL) {
        struct xsm_module_info info;

        CHECK_EQ(simple(x, &dom0, FLASK_GETENFORCE), -ENOSYS);
        CHECK_EQ(xsm_get_module_info(x, XSM_MODULE_FLASK, &info), 0);
        CHECK_EQ(info.flags, XSM_MODINFO_BUILT | XSM_MODINFO_AUTHORITATIVE);
        xsm_destroy(x);
        x = NULL;
    }
    cfg.modules = "flask";
    cfg.flask_mode = "bogus";
    CHECK_EQ(xsm_module_flask.init(&fake, &cfg), -EINVAL);
    CHECK_EQ(xsm_create(&x, &cfg), -EINVAL);
    CHECK_EQ(xsm_module_flask.id, XSM_MODULE_FLASK);
    CHECK_EQ(xsm_module_flask.nr_cmds, 25);
    CHECK_EQ(xsm_module_flask.interface_version, 1);
    CHECK(strcmp(xsm_module_flask.name, "flask") == 0);
    CHECK(xsm_module_flask.flags & XSM_MODF_AUTHORITATIVE);

    /* Default: enforcing with the embedded policy. */
    x = make(NULL, NULL, 0);
    if (x != NULL) {
        CHECK(flask_policy_loaded(inst(x)));
        CHECK(flask_enforcing(inst(x)));
        CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:dom0_t", &sid), 0);
        CHECK_EQ(sid, SECINITSID_DOM0);
        CHECK_EQ(ctx_to_sid(x, &dom0, "system_u:system_r:domU_t", &sid), 0);
        CHECK_EQ(sid, SECINITSID_DOMU);
        /* The default policy: dom0 administers the security server, domU does not. */
        CHECK_EQ(setenforce(x, &domU, 0), -EACCES);
        CHECK_EQ(setenforce(x, &dom0, 0), 0);
        xsm_destroy(x);
    }
    /* A bad boot policy: fatal when enforcing, tolerated when permissive. */
    cfg.flask_mode = "enforcing";
    cfg.policy = bad;
    cfg.policy_len = sizeof(bad);
    x = NULL;
    CHECK_EQ(xsm_create(&x, &cfg), -EINVAL);
    CHECK(x == NULL);
    x = make("permissive", bad, sizeof(bad));
    if (x != NULL) {
        CHECK(!flask_policy_loaded(inst(x)));
        CHECK_EQ(simple(x, &domU, FLASK_GETENFORCE), 0);
        xsm_destroy(x);
    }
    /* Permissive with a policy: denials are logged but allowed. */
    x = make("permissive", policy, policy_len);
    if (x != NULL) {
        CHECK(flask_policy_loaded(inst(x)));
        CHECK_EQ(ctx_to_sid(x, &domU, "system_u:system_r:domU_t", &sid), 0);
        CHECK(strstr(lastlog, "denied") != NULL);
        CHECK_EQ(flask_unknown_permission(inst(x), "domctl", 999), 0);
        xsm_destroy(x);
    }
}

/* Two instances side by side do not share state. */
static void test_instances(void)
{
    xsm_ctx *a = make("enforcing", policy, policy_len);
    struct flask_domain_sec s0 = sec0;
    xsm_ctx *b = make("late", NULL, 0);

    if (a == NULL || b == NULL)
        return;
    (void)s0;
    CHECK(flask_policy_loaded(inst(a)));
    CHECK(!flask_policy_loaded(inst(b)));
    CHECK_EQ(setenforce(b, &dom0, 0), 0);
    CHECK(flask_enforcing(inst(a)));
    CHECK(!flask_enforcing(inst(b)));
    xsm_destroy(a);
    xsm_destroy(b);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("skipped: no test policy (checkpolicy not found at configure time)\n");
        return 77;
    }
    policy = slurp_file(argv[1], &policy_len);
    if (policy == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    if (argc >= 5) {
        reload_pol = slurp_file(argv[2], &reload_len);
        sel24 = slurp_file(argv[3], &sel24_len);
        sel25 = slurp_file(argv[4], &sel25_len);
        if (reload_pol == NULL || sel24 == NULL || sel25 == NULL) {
            fprintf(stderr, "cannot read the variant policies\n");
            return 1;
        }
    }
    for (int compat = 0; compat <= 1; compat++) {
        guest.compat = compat;
        check_what = compat ? "compat" : "native";
        test_prepolicy();
        test_load();
        test_contexts();
        test_compute();
        test_bools();
        test_copyback_fault();
        test_enforce_and_avc();
        test_ocontexts();
        test_peer_and_relabel();
        test_invalid_computed();
        test_reload_modes();
        test_formats();
        test_boot_modes();
        test_instances();
    }
    free(policy);
    free(reload_pol);
    free(sel24);
    free(sel25);
    return check_report("flask-ops");
}
