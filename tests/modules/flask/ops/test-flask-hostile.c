/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK's xsm_op against a hostile guest: the mistakes of Xen's own FLASK
 * advisories, one test each (docs/security.md, "Xen's FLASK advisories").
 *
 *  - test_read_once: the guest rewrites the op (and every nested string or
 *    buffer) right after openxsm first reads it.  For every command word,
 *    native and compat, openxsm must read the 40-byte op exactly once and
 *    each nested buffer at most once, and give the same result, the same
 *    writes and the same end state as with a guest that leaves its memory
 *    alone: it can never act on two different values (double fetch).
 *    Copy-back happens only on success.
 *  - test_huge_sizes: a guest's size or length at every boundary and at
 *    2^32-1 is refused with Xen's errno before anything of that size is
 *    allocated (XSA-84); LOAD checks the permission before it allocates,
 *    SETBOOL before it reads the name (the XSA-84 follow-ups).
 *  - test_bool_ids: boolean ids at and past the count, and the ids a failed
 *    name look-up leaves behind, are -ENOENT with nothing changed (XSA-84's
 *    second part: an unchecked index into the pending values) and no block
 *    left behind (Xen's follow-up "flask: fix memory leaks": an
 *    out-of-range SETBOOL with commit leaked its copy of the values).
 *  - test_huge_sids: SIDs the server never handed out, signed or not, read
 *    as any unknown SID does, in every command that takes one.
 *  - test_ocontext_wrap: ranges with low > high, ranges that end at 2^64-1
 *    and ioport ranges that wrap when truncated to 32 bits.
 *  - test_cachestats_cpu: CPU numbers at and past the host's count are
 *    -ENOENT (XSA-85, an off-by-one in this very check).
 *  - test_no_lock_across_copy: a guest whose memory is slow to read (a
 *    host's copy that blocks) cannot hold FLASK's command lock: while an
 *    unprivileged GETBOOL by name waits in its copy, the control domain's
 *    SETENFORCE completes.
 *
 * Expected values come from Xen 4.17's behaviour, from test-policy.conf or
 * from a second run with a well-behaved guest, never from the code under
 * test.  Linked with the allocation shims of tests/lib/allocfail.h to see
 * the largest allocation an operation made.
 *
 * usage: test-flask-hostile TEST-POLICY.bin   (no argument: skipped)
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

#include "core/op_decode.h"
#include "core/ops.h"
#include "modules/flask/flask.h"

#include "../../../lib/allocfail.h"
#include "../../../lib/slurp.h"
#include "../../check.h"

/* No allocation an operation refused for its size may come near it. */
#define SMALL_ALLOC ((size_t)64 * 1024)

/* ---- guest memory: one flat window, regions counted, a fault outside ---- */
#define GBASE   0x100000ULL
#define GSIZE   (1U << 20)
#define OPADDR  GBASE
#define STRADDR (GBASE + 0x1000) /* nested input strings (up to 8 KiB) */
#define OUTADDR (GBASE + 0x3000) /* nested outputs */
#define BUFADDR (GBASE + 0x8000) /* a policy image */
#define BADADDR 0x10ULL

enum { R_OP, R_STR, R_OUT, R_BUF, NR_REGIONS };

static struct region {
    uint64_t at, len;
    unsigned reads, writes;
} reg[NR_REGIONS] = {
    {OPADDR, 40, 0, 0},
    {STRADDR, 0x2000, 0, 0},
    {OUTADDR, 0x1000, 0, 0},
    {BUFADDR, GSIZE - (BUFADDR - GBASE), 0, 0},
};

static unsigned char gmem[GSIZE];
/* Hostile: right after the first read of a region, overwrite all of it. */
static bool hostile;
/* Every write the guest saw, as text, to compare two runs. */
static char wlog[8192];
static size_t wlog_len;

static bool in_window(uint64_t gaddr, size_t len)
{
    return gaddr >= GBASE && gaddr - GBASE <= GSIZE && len <= GSIZE - (gaddr - GBASE);
}

static bool meets(const struct region *r, uint64_t gaddr, size_t len)
{
    return len > 0 && gaddr < r->at + r->len && r->at < gaddr + len;
}

static int g_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    (void)opaque;
    if (!in_window(gaddr, len))
        return -EFAULT;
    memcpy(dst, gmem + (gaddr - GBASE), len);
    for (int i = 0; i < NR_REGIONS; i++) {
        struct region *r = &reg[i];

        if (!meets(r, gaddr, len))
            continue;
        if (++r->reads == 1 && hostile)
            memset(gmem + (r->at - GBASE), 0xff, r->len);
    }
    return 0;
}

static int g_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    const unsigned char *s = src;

    (void)opaque;
    if (!in_window(gaddr, len))
        return -EFAULT;
    memcpy(gmem + (gaddr - GBASE), src, len);
    for (int i = 0; i < NR_REGIONS; i++)
        if (meets(&reg[i], gaddr, len))
            reg[i].writes++;
    if (wlog_len < sizeof(wlog) - 64) {
        int n = snprintf(wlog + wlog_len, sizeof(wlog) - wlog_len,
                         "W %llx+%zu:", (unsigned long long)(gaddr - GBASE), len);

        wlog_len += n > 0 ? (size_t)n : 0;
        for (size_t i = 0; i < len && wlog_len < sizeof(wlog) - 4; i++) {
            n = snprintf(wlog + wlog_len, sizeof(wlog) - wlog_len, "%02x", s[i]);
            wlog_len += n > 0 ? (size_t)n : 0;
        }
        if (wlog_len < sizeof(wlog) - 1)
            wlog[wlog_len++] = '\n';
        wlog[wlog_len] = '\0';
    }
    return 0;
}

static struct xsm_guest guest = {g_from, g_to, NULL, false};

static void counters_reset(void)
{
    for (int i = 0; i < NR_REGIONS; i++)
        reg[i].reads = reg[i].writes = 0;
    wlog_len = 0;
    wlog[0] = '\0';
}

/* ---- a tiny host: dom0, domU, an event channel of dom0 to domU ---- */
static struct xsm_domain dom0 = {.domid = 0, .is_privileged = true};
static struct xsm_domain domU = {.domid = 1};
static struct xsm_evtchn chan;
static unsigned cpu_answer;

static struct xsm_domain *h_domain(void *host, xsm_domid_t id)
{
    (void)host;
    return id == 0 ? &dom0 : id == 1 ? &domU : NULL;
}

static struct xsm_evtchn *h_evtchn(void *host, struct xsm_domain *d, uint32_t port)
{
    (void)host;
    return d == &dom0 && port == 1 ? &chan : NULL;
}

/* test_no_lock_across_denial: a log line containing log_stall_on waits in log_stall. */
struct slowmem;
static struct slowmem *log_stall;
static const char *log_stall_on;
static void stall(struct slowmem *sm);

static void h_log(void *host, const char *line)
{
    (void)host;
    if (log_stall != NULL && strstr(line, log_stall_on) != NULL)
        stall(log_stall);
}

static unsigned h_cpu(void *host)
{
    (void)host;
    return cpu_answer;
}

static const struct xsm_host_ops host_ops = {
    .domain_get = h_domain, .evtchn_get = h_evtchn, .log = h_log, .current_cpu = h_cpu};

static unsigned char *policy;
static size_t policy_len;

static struct xsm_instance *inst(xsm_ctx *x)
{
    return xsm_find_active(x, XSM_MODULE_FLASK);
}

/* A FLASK instance (enforcing with the test policy, or "late"), dom0 and domU labelled. */
static xsm_ctx *make(bool loaded, unsigned nr_cpus)
{
    struct xsm_config cfg = {.modules = "flask",
                             .flask_mode = loaded ? "enforcing" : "late",
                             .policy = loaded ? policy : NULL,
                             .policy_len = loaded ? policy_len : 0,
                             .nr_cpus = nr_cpus,
                             .host_ops = &host_ops};
    struct xsm_instance *mi;
    xsm_ctx *x = NULL;

    if (xsm_create(&x, &cfg) != 0) {
        CHECK(!"xsm_create");
        return NULL;
    }
    mi = inst(x);
    memset(dom0.security, 0, sizeof(dom0.security));
    memset(domU.security, 0, sizeof(domU.security));
    if (mi == NULL || flask_label_attach(mi, &dom0, SECINITSID_DOM0) != 0 ||
        flask_label_attach(mi, &domU, SECINITSID_DOMU) != 0) {
        CHECK(!"labels");
        xsm_destroy(x);
        return NULL;
    }
    chan = (struct xsm_evtchn){.port = 1, .state = XSM_ECS_INTERDOMAIN, .remote = &domU};
    return x;
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

static void put_str(uint64_t addr, const void *s, size_t len)
{
    memcpy(gmem + (addr - GBASE), s, len);
}

/* Issue the op in 'o' from OPADDR; o gets what the guest sees there afterwards. */
static long issue(xsm_ctx *x, struct xsm_domain *cur, union opbuf *o)
{
    long rc;

    memcpy(gmem, o->b, 40);
    counters_reset();
    rc = xsm_do_op(x, cur, &guest, OPADDR);
    memcpy(o->b, gmem, 40);
    return rc;
}

static long sid_op(xsm_ctx *x, struct xsm_domain *cur, uint32_t sub, uint32_t sid, uint32_t size,
                   uint64_t addr, struct xsm_op_sid_context *out)
{
    union opbuf o;
    struct xsm_op_sid_context sc = {.sid = sid, .size = size, .context = addr};
    long rc;

    op_init(&o, sub);
    xsm_op_put_sid_context(o.b, guest.compat, &sc);
    rc = issue(x, cur, &o);
    if (out != NULL)
        xsm_op_get_sid_context(o.b, guest.compat, out);
    return rc;
}

static long bool_op(xsm_ctx *x, struct xsm_domain *cur, uint32_t sub, uint32_t id, uint32_t size,
                    uint8_t newv, uint8_t commit, struct xsm_op_boolean *out)
{
    union opbuf o;
    struct xsm_op_boolean b = {
        .bool_id = id, .new_value = newv, .commit = commit, .size = size, .name = STRADDR};
    long rc;

    op_init(&o, sub);
    xsm_op_put_boolean(o.b, guest.compat, &b);
    rc = issue(x, cur, &o);
    if (out != NULL)
        xsm_op_get_boolean(o.b, guest.compat, out);
    return rc;
}

static long ocon_op(xsm_ctx *x, uint32_t sub, uint32_t ocon, uint32_t sid, uint64_t lo, uint64_t hi)
{
    union opbuf o;

    op_init(&o, sub);
    o.n.u.ocontext.ocon = ocon;
    o.n.u.ocontext.sid = sid;
    o.n.u.ocontext.low = lo;
    o.n.u.ocontext.high = hi;
    return issue(x, &dom0, &o);
}

static long access_op(xsm_ctx *x, uint32_t ssid, uint32_t tsid, xen_flask_access_t *out)
{
    union opbuf o;
    long rc;

    op_init(&o, FLASK_ACCESS);
    o.n.u.access.ssid = ssid;
    o.n.u.access.tsid = tsid;
    o.n.u.access.tclass = SECCLASS_DOMAIN;
    o.n.u.access.req = 1;
    rc = issue(x, &dom0, &o);
    *out = o.n.u.access;
    return rc;
}

static long transition_op(xsm_ctx *x, uint32_t sub, uint32_t ssid, uint32_t tsid, uint32_t *newsid)
{
    union opbuf o;
    long rc;

    op_init(&o, sub);
    o.n.u.transition.ssid = ssid;
    o.n.u.transition.tsid = tsid;
    o.n.u.transition.tclass = SECCLASS_EVENT;
    rc = issue(x, &dom0, &o);
    *newsid = o.n.u.transition.newsid;
    return rc;
}

/* The context of a SID as the guest reads it, "" on error. */
static long context_of(xsm_ctx *x, uint32_t sid, char *buf, size_t cap)
{
    struct xsm_op_sid_context sc;
    long rc = sid_op(x, &dom0, FLASK_SID_TO_CONTEXT, sid, 256, OUTADDR, &sc);

    buf[0] = '\0';
    if (rc == 0 && sc.size < cap) {
        memcpy(buf, gmem + (OUTADDR - GBASE), sc.size);
        buf[sc.size] = '\0';
    }
    return rc;
}

/* ---- what a caller can observe of FLASK's state, as one string ---- */
static void fingerprint(xsm_ctx *x, char *out, size_t cap)
{
    struct xsm_instance *mi = inst(x);
    struct flask_state *st = flask_state(mi);
    size_t n = 0;
    uint32_t s1 = 0, s2 = 0, s3 = 0;
    int w;

    flask_resource_sid(mi, SS_OCON_IOMEM, 0x150, &s1);
    flask_resource_sid(mi, SS_OCON_IOMEM, 0x350, &s2);
    flask_devicetree_sid(mi, "/soc/uart", &s3);
    w = snprintf(out, cap, "enf=%d loaded=%d thr=%u iomem=%u,%u dt=%u u=%u,%u,%u pend=%s",
                 flask_enforcing(mi), flask_policy_loaded(mi), flask_avc_threshold(flask_avc(mi)),
                 s1, s2, s3, flask_dsec(mi, &domU)->sid, flask_dsec(mi, &domU)->self_sid,
                 flask_dsec(mi, &domU)->target_sid, st->bool_pending != NULL ? "yes" : "no");
    n = w > 0 ? (size_t)w : 0;
    for (unsigned i = 0; flask_policy_loaded(mi) && i < ss_bool_count(flask_ss(mi)); i++) {
        int a = -1, p = -1;

        ss_bool_get(flask_ss(mi), i, &a, &p);
        w = snprintf(out + n, cap - n, " b%u=%d/%d", i, a,
                     st->bool_pending != NULL && i < st->bool_num ? st->bool_pending[i] : -1);
        n += w > 0 ? (size_t)w : 0;
        if (n >= cap)
            break;
    }
}

/* ================================================================== */
/* test_read_once                                                      */
/* ================================================================== */

struct outcome {
    long rc;
    unsigned reads[NR_REGIONS], writes[NR_REGIONS];
    char wlog[sizeof(wlog)];
    char fp[512];
};

/* Write command 'cmd' with arguments a dom0 run would succeed with. */
static void prepare(uint32_t cmd, uint32_t lab, uint32_t domU2)
{
    union opbuf o;
    uint16_t mod = XSM_OP_MODULE(cmd), sub = XSM_OP_SUBCMD(cmd);

    memset(gmem, 0, BUFADDR - GBASE);
    op_init(&o, cmd);
    if (mod == XSM_MODULE_CORE) {
        o.n.interface_version = XSM_CORE_INTERFACE_VERSION;
        if (sub == XSM_CORE_MODULE_INFO) {
            struct xsm_core_op *c = (struct xsm_core_op *)o.b;

            c->u.query.id = XSM_MODULE_FLASK;
        }
    } else if (mod == XSM_MODULE_FLASK) {
        switch (sub) {
        case FLASK_LOAD: {
            struct xsm_op_load ld = {.buffer = BUFADDR, .size = (uint32_t)policy_len};

            xsm_op_put_load(o.b, guest.compat, &ld);
            break;
        }
        case FLASK_SETENFORCE:
            o.n.u.enforce.enforcing = 0;
            break;
        case FLASK_CONTEXT_TO_SID: {
            static const char c[] = "system_u:system_r:domU2_t";
            struct xsm_op_sid_context sc = {.size = sizeof(c) - 1, .context = STRADDR};

            put_str(STRADDR, c, sizeof(c) - 1);
            xsm_op_put_sid_context(o.b, guest.compat, &sc);
            break;
        }
        case FLASK_SID_TO_CONTEXT: {
            struct xsm_op_sid_context sc = {.sid = domU2, .size = 256, .context = OUTADDR};

            xsm_op_put_sid_context(o.b, guest.compat, &sc);
            break;
        }
        case FLASK_ACCESS:
            o.n.u.access.ssid = SECINITSID_DOM0;
            o.n.u.access.tsid = SECINITSID_DOMU;
            o.n.u.access.tclass = SECCLASS_DOMAIN;
            o.n.u.access.req = 1;
            break;
        case FLASK_CREATE:
        case FLASK_RELABEL:
        case FLASK_MEMBER:
            o.n.u.transition.ssid = SECINITSID_DOM0;
            o.n.u.transition.tsid = SECINITSID_DOMU;
            o.n.u.transition.tclass = SECCLASS_EVENT;
            break;
        case FLASK_GETBOOL:
        case FLASK_SETBOOL: {
            /* by name: the nested string is read too */
            struct xsm_op_boolean b = {
                .bool_id = 0xffffffffU, .size = 5, .name = STRADDR, .new_value = 1, .commit = 1};

            put_str(STRADDR, "b_off", 5);
            xsm_op_put_boolean(o.b, guest.compat, &b);
            break;
        }
        case FLASK_SETAVC_THRESHOLD:
            o.n.u.setavc_threshold.threshold = 100;
            break;
        case FLASK_ADD_OCONTEXT:
        case FLASK_DEL_OCONTEXT:
            o.n.u.ocontext.ocon = SS_OCON_IOMEM;
            o.n.u.ocontext.sid = lab;
            o.n.u.ocontext.low = sub == FLASK_ADD_OCONTEXT ? 0x100 : 0x300;
            o.n.u.ocontext.high = sub == FLASK_ADD_OCONTEXT ? 0x1ff : 0x3ff;
            break;
        case FLASK_GET_PEER_SID:
            o.n.u.peersid.evtchn = 1;
            break;
        case FLASK_RELABEL_DOMAIN:
            o.n.u.relabel.domid = 1;
            o.n.u.relabel.sid = domU2;
            break;
        case FLASK_DEVICETREE_LABEL: {
            struct xsm_op_devicetree_label dl = {.sid = lab, .length = 9, .path = STRADDR};

            put_str(STRADDR, "/soc/uart", 9);
            xsm_op_put_devicetree_label(o.b, guest.compat, &dl);
            break;
        }
        default:
            break;
        }
    }
    memcpy(gmem, o.b, 40);
    memcpy(gmem + (BUFADDR - GBASE), policy, policy_len);
}

static void run_once(uint32_t cmd, bool evil, struct outcome *out)
{
    xsm_ctx *x = make(true, 1);
    struct xsm_instance *mi;
    uint32_t lab = 0, domU2 = 0;

    memset(out, 0, sizeof(*out));
    if (x == NULL) {
        out->rc = -9999;
        return;
    }
    mi = inst(x);
    /* Fixtures, made directly: a SID for lab_t and domU2_t, an iomem label to delete. */
    CHECK_EQ(ss_context_to_sid(flask_ss(mi), "system_u:object_r:lab_t", 23, &lab), 0);
    CHECK_EQ(ss_context_to_sid(flask_ss(mi), "system_u:system_r:domU2_t", 25, &domU2), 0);
    CHECK_EQ(ss_ocontext_add(flask_ss(mi), SS_OCON_IOMEM, 0x300, 0x3ff, lab), 0);

    prepare(cmd, lab, domU2);
    counters_reset();
    hostile = evil;
    out->rc = xsm_do_op(x, &dom0, &guest, OPADDR);
    hostile = false;
    for (int i = 0; i < NR_REGIONS; i++) {
        out->reads[i] = reg[i].reads;
        out->writes[i] = reg[i].writes;
    }
    memcpy(out->wlog, wlog, sizeof(wlog));
    fingerprint(x, out->fp, sizeof(out->fp));
    xsm_destroy(x);
}

static void test_read_once(void)
{
    /* What dom0 gets with a well-behaved guest (test-policy.conf, Xen 4.17). */
    static const struct {
        uint16_t sub;
        long want;
    } flask_cmds[] = {
        {0, -ENOSYS},
        {FLASK_LOAD, 0},
        {FLASK_GETENFORCE, 1},
        {FLASK_SETENFORCE, 0},
        {FLASK_CONTEXT_TO_SID, 0},
        {FLASK_SID_TO_CONTEXT, 0},
        {FLASK_ACCESS, 0},
        {FLASK_CREATE, 0},
        {FLASK_RELABEL, 0},
        {FLASK_USER, -ENOSYS},
        {FLASK_POLICYVERS, 30},
        {FLASK_GETBOOL, 0},
        {FLASK_SETBOOL, 0},
        {FLASK_COMMITBOOLS, 0},
        {FLASK_MLS, 0},
        {15, -ENOSYS}, /* DISABLE, removed */
        {FLASK_GETAVC_THRESHOLD, 512},
        {FLASK_SETAVC_THRESHOLD, 0},
        {FLASK_AVC_HASHSTATS, 0},
        {FLASK_AVC_CACHESTATS, 0},
        {FLASK_MEMBER, 0},
        {FLASK_ADD_OCONTEXT, 0},
        {FLASK_DEL_OCONTEXT, 0},
        {FLASK_GET_PEER_SID, 0},
        {FLASK_RELABEL_DOMAIN, 0},
        {FLASK_DEVICETREE_LABEL, 0},
        {26, -ENOSYS},
    };
    static const struct {
        uint32_t cmd;
        long want;
    } other_cmds[] = {
        {XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_LIST_MODULES), 0},
        {XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_MODULE_INFO), 0},
        {XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_VERSION), XSM_ABI_VERSION},
        {XSM_OP_CMD(0x7777, 1), -ENODEV},
    };
    size_t nf = sizeof(flask_cmds) / sizeof(flask_cmds[0]);
    size_t no = sizeof(other_cmds) / sizeof(other_cmds[0]);

    for (size_t i = 0; i < nf + no; i++) {
        uint32_t cmd =
            i < nf ? XSM_OP_CMD(XSM_MODULE_FLASK, flask_cmds[i].sub) : other_cmds[i - nf].cmd;
        long want = i < nf ? flask_cmds[i].want : other_cmds[i - nf].want;
        struct outcome *good = calloc(1, sizeof(*good)), *evil = calloc(1, sizeof(*evil));

        if (good == NULL || evil == NULL) {
            CHECK(!"out of memory");
            free(good);
            free(evil);
            return;
        }
        run_once(cmd, false, good);
        run_once(cmd, true, evil);
        if (good->rc != want || evil->rc != good->rc || good->reads[R_OP] != 1 ||
            evil->reads[R_OP] != 1 || evil->reads[R_STR] > 1 || evil->reads[R_BUF] > 1 ||
            evil->reads[R_OUT] != 0 || strcmp(good->wlog, evil->wlog) != 0 ||
            strcmp(good->fp, evil->fp) != 0)
            fprintf(stderr,
                    "[%s] command 0x%08x: rc %ld/%ld (want %ld), op read %u/%u times\n"
                    "  well-behaved: %s\n  hostile:      %s\n",
                    check_what, cmd, good->rc, evil->rc, want, good->reads[R_OP], evil->reads[R_OP],
                    good->fp, evil->fp);
        CHECK_EQ(good->rc, want);
        CHECK_EQ(evil->rc, good->rc);
        CHECK_EQ(good->reads[R_OP], 1);
        CHECK_EQ(evil->reads[R_OP], 1);
        CHECK(evil->reads[R_STR] <= 1);
        CHECK(evil->reads[R_BUF] <= 1);
        CHECK_EQ(evil->reads[R_OUT], 0);
        CHECK(strcmp(good->wlog, evil->wlog) == 0);
        CHECK(strcmp(good->fp, evil->fp) == 0);
        /* Copy-back only on success. */
        if (good->rc < 0)
            CHECK_EQ(good->writes[R_OP], 0);
        free(good);
        free(evil);
    }
}

/* ================================================================== */
/* test_huge_sizes                                                     */
/* ================================================================== */

static void huge_sizes_pass(xsm_ctx *x)
{
    static const uint32_t big[] = {0x4000001U,  0x10000000U, 0x7fffffffU,
                                   0x80000000U, 0xfffffffeU, 0xffffffffU};
    static const uint32_t longstr[] = {4097, 8192, 0x10000, 0x7fffffffU, 0x80000000U, 0xffffffffU};
    struct xsm_op_sid_context sc;
    struct xsm_op_boolean b;

    memset(gmem, 'a', BUFADDR - GBASE);

    /* LOAD: past MAX_POLICY_SIZE (64 MiB) -EINVAL, nothing allocated for it, nothing read. */
    for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
        union opbuf o;
        struct xsm_op_load ld = {.buffer = BUFADDR, .size = big[i]};

        op_init(&o, FLASK_LOAD);
        xsm_op_put_load(o.b, guest.compat, &ld);
        allocfail_peak_reset();
        CHECK_EQ(issue(x, &dom0, &o), -EINVAL);
        CHECK(allocfail_peak() < SMALL_ALLOC);
        CHECK_EQ(reg[R_BUF].reads, 0);
    }
    /* LOAD of exactly 64 MiB by a domain without load_policy: -EACCES before the allocation. */
    {
        union opbuf o;
        struct xsm_op_load ld = {.buffer = BUFADDR, .size = 0x4000000U};

        op_init(&o, FLASK_LOAD);
        xsm_op_put_load(o.b, guest.compat, &ld);
        allocfail_peak_reset();
        CHECK_EQ(issue(x, &domU, &o), -EACCES);
        CHECK(allocfail_peak() < SMALL_ALLOC);
        CHECK_EQ(reg[R_BUF].reads, 0);
    }

    /* Strings: past a page -ENOBUFS, for the privileged and for any guest alike. */
    for (size_t i = 0; i < sizeof(longstr) / sizeof(longstr[0]); i++) {
        union opbuf o;
        struct xsm_op_devicetree_label dl = {
            .sid = SECINITSID_DEVICE, .length = longstr[i], .path = STRADDR};

        allocfail_peak_reset();
        CHECK_EQ(sid_op(x, &dom0, FLASK_CONTEXT_TO_SID, 0, longstr[i], STRADDR, NULL), -ENOBUFS);
        CHECK_EQ(reg[R_STR].reads, 0);
        /* GETBOOL by name needs no permission at all: any guest reaches the copy. */
        CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0xffffffffU, longstr[i], 0, 0, NULL), -ENOBUFS);
        CHECK_EQ(reg[R_STR].reads, 0);
        CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0xffffffffU, longstr[i], 1, 1, NULL), -ENOBUFS);
        /* SETBOOL checks the permission before it reads the name. */
        CHECK_EQ(bool_op(x, &domU, FLASK_SETBOOL, 0xffffffffU, longstr[i], 1, 1, NULL), -EACCES);
        CHECK_EQ(reg[R_STR].reads, 0);
        op_init(&o, FLASK_DEVICETREE_LABEL);
        xsm_op_put_devicetree_label(o.b, guest.compat, &dl);
        CHECK_EQ(issue(x, &dom0, &o), -ENOBUFS);
        CHECK_EQ(issue(x, &domU, &o), -EACCES);
        CHECK_EQ(reg[R_STR].reads, 0);
        CHECK(allocfail_peak() < SMALL_ALLOC);
    }
    /* A page is the limit, not an error: 4096 bytes are read (and are no context). */
    CHECK_EQ(sid_op(x, &dom0, FLASK_CONTEXT_TO_SID, 0, 4096, STRADDR, NULL), -EINVAL);
    CHECK_EQ(reg[R_STR].reads, 1);

    /* Output capacities are only compared: nothing of their size is allocated or written. */
    allocfail_peak_reset();
    CHECK_EQ(sid_op(x, &dom0, FLASK_SID_TO_CONTEXT, SECINITSID_DOM0, 0xffffffffU, OUTADDR, &sc), 0);
    CHECK_EQ(sc.size, sizeof("system_u:system_r:dom0_t"));
    CHECK(allocfail_peak() < SMALL_ALLOC);
    CHECK(wlog_len > 0 && strstr(wlog, "W 3000+25:") != NULL);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 1, 0xffffffffU, 0, 0, &b), 0);
    CHECK_EQ(b.size, 4); /* "b_on", without its NUL */
    CHECK(strstr(wlog, "W 1000+4:") != NULL);
    CHECK(allocfail_peak() < SMALL_ALLOC);
    /* A capacity one short: -ERANGE, nothing written, no copy-back. */
    CHECK_EQ(sid_op(x, &dom0, FLASK_SID_TO_CONTEXT, SECINITSID_DOM0, 24, OUTADDR, &sc), -ERANGE);
    CHECK_EQ(reg[R_OUT].writes + reg[R_OP].writes, 0);
}

static void test_huge_sizes(void)
{
    xsm_ctx *x = make(true, 1);
    long live;

    if (x == NULL)
        return;
    /* Twice: the first pass fills the AVC, the second must leave no block behind. */
    huge_sizes_pass(x);
    live = allocfail_live();
    huge_sizes_pass(x);
    CHECK_EQ(allocfail_live(), live);
    xsm_destroy(x);
}

/* ================================================================== */
/* test_bool_ids                                                       */
/* ================================================================== */

static void test_bool_ids(void)
{
    /* test-policy.conf has two booleans: b_off (0, false) and b_on (1, true). */
    static const uint32_t bad[] = {2, 3, 0x7fffffffU, 0x80000000U, 0xfffffffeU};
    xsm_ctx *x = make(true, 1);
    struct xsm_instance *mi;
    struct xsm_op_boolean b;
    char before[512], after[512];
    long live;

    if (x == NULL)
        return;
    mi = inst(x);
    CHECK_EQ(ss_bool_count(flask_ss(mi)), 2);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 1, 0, 0, 0, &b), 0); /* the last one is fine */
    CHECK_EQ(b.enforcing, 1);
    /* A pending value exists, so an out-of-range SETBOOL would have an array to overrun. */
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0, 0, 1, 0, &b), 0);
    fingerprint(x, before, sizeof(before));
    /* dom0's setbool decision is in the AVC already: a refused id allocates nothing it keeps. */
    live = allocfail_live();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (int commit = 0; commit <= 1; commit++) {
            CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, bad[i], 0, 1, (uint8_t)commit, NULL),
                     -ENOENT);
            CHECK_EQ(reg[R_OP].writes, 0);
        }
        CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, bad[i], 0, 0, 0, NULL), -ENOENT);
        CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, bad[i], 64, 0, 0, NULL), -ENOENT);
        CHECK_EQ(reg[R_OP].writes + reg[R_STR].writes, 0);
    }
    /* By name: an empty name and an unknown one are -ENOENT too. */
    put_str(STRADDR, "nosuch", 6);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0xffffffffU, 0, 0, 0, NULL), -ENOENT);
    CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, 0xffffffffU, 6, 0, 0, NULL), -ENOENT);
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0xffffffffU, 6, 1, 1, NULL), -ENOENT);
    CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, 0xffffffffU, 6, 1, 0, NULL), -ENOENT);
    CHECK_EQ(allocfail_live(), live);
    fingerprint(x, after, sizeof(after));
    CHECK(strcmp(before, after) == 0);
    xsm_destroy(x);

    /* Before any policy there are no booleans: every id is -ENOENT. */
    x = make(false, 1);
    if (x == NULL)
        return;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_EQ(bool_op(x, &domU, FLASK_GETBOOL, bad[i] - 2, 0, 0, 0, NULL), -ENOENT);
        CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, bad[i] - 2, 0, 1, 0, NULL), -ENOENT);
        CHECK_EQ(bool_op(x, &dom0, FLASK_SETBOOL, bad[i] - 2, 0, 1, 1, NULL), -ENOENT);
    }
    xsm_destroy(x);
}

/* ================================================================== */
/* test_huge_sids                                                      */
/* ================================================================== */

static void test_huge_sids(void)
{
    /* 9999: a SID nobody handed out; the others are the same to Xen, sign or not. */
    static const uint32_t sids[] = {0x7fffffffU, 0x80000000U, 0xfffffffeU, 0xffffffffU};
    const uint32_t unknown = 9999;
    char want[256], got[256];
    xen_flask_access_t aw, ag;
    uint32_t nw = 0, ng = 0;
    xsm_ctx *x = make(true, 1);
    struct xsm_instance *mi;

    if (x == NULL)
        return;
    mi = inst(x);
    CHECK_EQ(context_of(x, unknown, want, sizeof(want)), 0);
    CHECK(strcmp(want, "system_u:system_r:unlabeled_t") == 0);
    for (size_t i = 0; i < sizeof(sids) / sizeof(sids[0]); i++) {
        uint32_t s = sids[i], sid = 0;

        CHECK_EQ(context_of(x, s, got, sizeof(got)), 0);
        CHECK(strcmp(got, want) == 0);
        CHECK_EQ(access_op(x, unknown, SECINITSID_DOMU, &aw), 0);
        CHECK_EQ(access_op(x, s, SECINITSID_DOMU, &ag), 0);
        CHECK(aw.allowed == ag.allowed && aw.audit_deny == ag.audit_deny);
        CHECK_EQ(access_op(x, SECINITSID_DOM0, unknown, &aw), 0);
        CHECK_EQ(access_op(x, SECINITSID_DOM0, s, &ag), 0);
        CHECK(aw.allowed == ag.allowed && aw.audit_deny == ag.audit_deny);
        for (uint32_t sub = FLASK_CREATE; sub <= FLASK_MEMBER; sub++) {
            long rw, rg;

            if (sub != FLASK_CREATE && sub != FLASK_RELABEL && sub != FLASK_MEMBER)
                continue;
            rw = transition_op(x, sub, unknown, unknown, &nw);
            rg = transition_op(x, sub, s, s, &ng);
            CHECK_EQ(rg, rw);
            CHECK(rw != 0 || nw == ng);
        }
        /* The AVC caches them like any other pair. */
        CHECK_EQ(flask_avc_has_perm(mi, s, s, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL), -EACCES);
        /* Relabel domU to it: refused as for any unlabeled SID, domU keeps its label. */
        {
            union opbuf o;
            long r1;

            op_init(&o, FLASK_RELABEL_DOMAIN);
            o.n.u.relabel.domid = 1;
            o.n.u.relabel.sid = unknown;
            r1 = issue(x, &dom0, &o);
            CHECK(r1 < 0);
            op_init(&o, FLASK_RELABEL_DOMAIN);
            o.n.u.relabel.domid = 1;
            o.n.u.relabel.sid = s;
            CHECK_EQ(issue(x, &dom0, &o), r1);
            CHECK_EQ(flask_dsec(mi, &domU)->sid, SECINITSID_DOMU);
        }
        /* Labels take any SID (Xen checks none); a look-up then gives that SID back. */
        CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_PIRQ, s, 60 + i, 60 + i), 0);
        CHECK(flask_resource_sid(mi, SS_OCON_PIRQ, 60 + i, &sid) == 0 && sid == s);
        CHECK_EQ(
            flask_avc_has_perm(mi, SECINITSID_DOMU, sid, SECCLASS_RESOURCE, RESOURCE__USE, NULL),
            -EACCES);
    }
    xsm_destroy(x);

    /* Before a policy: only the initial SIDs have a context; the rest is -EINVAL. */
    x = make(false, 1);
    if (x == NULL)
        return;
    CHECK_EQ(context_of(x, 14, got, sizeof(got)), -EINVAL);
    for (size_t i = 0; i < sizeof(sids) / sizeof(sids[0]); i++)
        CHECK_EQ(context_of(x, sids[i], got, sizeof(got)), -EINVAL);
    xsm_destroy(x);
}

/* ================================================================== */
/* test_ocontext_wrap                                                  */
/* ================================================================== */

struct walk {
    unsigned n;
    uint32_t sid[8];
    uint64_t lo[8], hi[8];
};

static int walk_cb(void *opaque, uint32_t sid, uint64_t lo, uint64_t hi)
{
    struct walk *w = opaque;

    if (w->n < 8) {
        w->sid[w->n] = sid;
        w->lo[w->n] = lo;
        w->hi[w->n] = hi;
    }
    /* A walk that wrapped round would never stop: stop it and let the count tell. */
    return ++w->n > 64 ? -ELOOP : 0;
}

static int walk(struct xsm_instance *mi, unsigned ocon, uint64_t lo, uint64_t hi, struct walk *w)
{
    memset(w, 0, sizeof(*w));
    return flask_resource_iterate(mi, ocon, lo, hi, walk_cb, w);
}

static void test_ocontext_wrap(void)
{
    const uint64_t MAX = UINT64_MAX;
    xsm_ctx *x = make(true, 1);
    struct xsm_instance *mi;
    uint32_t lab = 0, sid = 0;
    struct walk w;

    if (x == NULL)
        return;
    mi = inst(x);
    CHECK_EQ(ss_context_to_sid(flask_ss(mi), "system_u:object_r:lab_t", 23, &lab), 0);

    /* low > high, also as the two ends of the 64-bit range: -EINVAL, as Xen, nothing added. */
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, lab, MAX, 0), -EINVAL);
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, lab, 0x1000, 0xfff), -EINVAL);
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_IOPORT, lab, 1ULL << 32, 0xffffffffU), -EINVAL);
    CHECK_EQ(ocon_op(x, FLASK_DEL_OCONTEXT, SS_OCON_IOMEM, 0, MAX, 0), -EINVAL);
    CHECK(flask_resource_sid(mi, SS_OCON_IOMEM, 0, &sid) == 0 && sid == SECINITSID_IOMEM);
    CHECK(flask_resource_sid(mi, SS_OCON_IOMEM, MAX, &sid) == 0 && sid == SECINITSID_IOMEM);
    CHECK_EQ(walk(mi, SS_OCON_IOMEM, MAX, 0, &w), -EINVAL);

    /* The whole 64-bit space as one range: labels both ends, a walk over it is one piece. */
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, lab, 0, MAX), 0);
    CHECK(flask_resource_sid(mi, SS_OCON_IOMEM, 0, &sid) == 0 && sid == lab);
    CHECK(flask_resource_sid(mi, SS_OCON_IOMEM, MAX, &sid) == 0 && sid == lab);
    CHECK_EQ(walk(mi, SS_OCON_IOMEM, 0, MAX, &w), 0);
    CHECK(w.n == 1 && w.sid[0] == lab && w.lo[0] == 0 && w.hi[0] == MAX);
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, lab, MAX, MAX), -EEXIST);
    CHECK_EQ(ocon_op(x, FLASK_DEL_OCONTEXT, SS_OCON_IOMEM, 0, 0, MAX), 0);

    /* A range ending at 2^64-1: the walk ends there instead of wrapping to 0. */
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, lab, MAX - 15, MAX), 0);
    CHECK_EQ(walk(mi, SS_OCON_IOMEM, 0, MAX, &w), 0);
    CHECK_EQ(w.n, 2);
    CHECK(w.sid[0] == SECINITSID_IOMEM && w.lo[0] == 0 && w.hi[0] == MAX - 16);
    CHECK(w.sid[1] == lab && w.lo[1] == MAX - 15 && w.hi[1] == MAX);
    CHECK_EQ(walk(mi, SS_OCON_IOMEM, MAX, MAX, &w), 0);
    CHECK(w.n == 1 && w.sid[0] == lab && w.lo[0] == MAX && w.hi[0] == MAX);
    CHECK_EQ(walk(mi, SS_OCON_IOMEM, MAX - 16, MAX - 16, &w), 0);
    CHECK(w.n == 1 && w.sid[0] == SECINITSID_IOMEM);
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, lab, MAX - 16, MAX - 16), 0);
    CHECK_EQ(walk(mi, SS_OCON_IOMEM, MAX - 20, MAX, &w), 0);
    CHECK(w.n == 3 && w.hi[0] == MAX - 17 && w.lo[1] == MAX - 16 && w.hi[1] == MAX - 16 &&
          w.lo[2] == MAX - 15 && w.hi[2] == MAX);

    /*
     * An ioport range that wraps when Xen stores it in 32 bits: [2^32-1, 2^32]
     * passes low <= high and is kept as [0xffffffff, 0], which holds no port.
     * So it labels nothing, overlaps nothing, and (deletes compare all 64
     * bits, as Xen) cannot be deleted by the same arguments.
     */
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_IOPORT, lab, 0xffffffffU, 1ULL << 32), 0);
    CHECK(flask_resource_sid(mi, SS_OCON_IOPORT, 0xffffffffU, &sid) == 0 &&
          sid == SECINITSID_IOPORT);
    CHECK(flask_resource_sid(mi, SS_OCON_IOPORT, 0, &sid) == 0 && sid == SECINITSID_IOPORT);
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_IOPORT, lab, 0x1000, 0x1005), 0);
    CHECK(flask_resource_sid(mi, SS_OCON_IOPORT, 0x1003, &sid) == 0 && sid == lab);
    CHECK_EQ(walk(mi, SS_OCON_IOPORT, 0xfff0, 0xffffffffU, &w), 0);
    CHECK(w.n == 1 && w.sid[0] == SECINITSID_IOPORT && w.hi[0] == 0xffffffffU);
    CHECK_EQ(ocon_op(x, FLASK_DEL_OCONTEXT, SS_OCON_IOPORT, 0, 0xffffffffU, 1ULL << 32), -ENOENT);
    /* pirq and device take single values (high == low), as Xen. */
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_PIRQ, lab, 0, 0xffff), -EINVAL);
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, SS_OCON_DEVICE, lab, 0, MAX), -EINVAL);
    /* Unknown ocontext kinds, including 2^32-1: -EINVAL. */
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, 5, lab, 1, 1), -EINVAL);
    CHECK_EQ(ocon_op(x, FLASK_ADD_OCONTEXT, 0xffffffffU, lab, 1, 1), -EINVAL);
    CHECK_EQ(ocon_op(x, FLASK_DEL_OCONTEXT, 0xffffffffU, 0, 1, 1), -EINVAL);
    xsm_destroy(x);
}

/* ================================================================== */
/* test_cachestats_cpu                                                 */
/* ================================================================== */

static void test_cachestats_cpu(void)
{
    static const uint32_t past[] = {4, 5, 64, 0x7fffffffU, 0x80000000U, 0xffffffffU};
    xsm_ctx *x = make(true, 4);
    struct xsm_instance *mi;
    uint64_t lookups = 0;
    union opbuf o;

    if (x == NULL)
        return;
    mi = inst(x);
    /* A host that answers a CPU number past its count still stays inside the table. */
    cpu_answer = 0xffffffffU;
    for (uint32_t t = 1; t <= 10; t++)
        flask_avc_has_perm(mi, SECINITSID_DOM0, t, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
    cpu_answer = 0;
    for (uint32_t cpu = 0; cpu < 4; cpu++) {
        op_init(&o, FLASK_AVC_CACHESTATS);
        o.n.u.cache_stats.cpu = cpu;
        CHECK_EQ(issue(x, &domU, &o), 0);
        lookups += o.n.u.cache_stats.lookups;
    }
    CHECK(lookups >= 10);
    for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
        op_init(&o, FLASK_AVC_CACHESTATS);
        o.n.u.cache_stats.cpu = past[i];
        CHECK_EQ(issue(x, &domU, &o), -ENOENT);
        CHECK_EQ(reg[R_OP].writes, 0);
    }
    xsm_destroy(x);
}

/* ================================================================== */
/* test_no_lock_across_copy                                            */
/* ================================================================== */

/* Guest memory of its own for each thread; the slow one blocks on its string. */
struct slowmem {
    unsigned char b[0x2000];
    bool slow, slow_writes; /* block on reads (or writes) at 0x1000 and above */
    pthread_mutex_t m;
    pthread_cond_t cv;
    bool entered, release;
};

/* The host's copy waits here until the test lets it go. */
static void stall(struct slowmem *sm)
{
    pthread_mutex_lock(&sm->m);
    sm->entered = true;
    pthread_cond_broadcast(&sm->cv);
    while (!sm->release)
        pthread_cond_wait(&sm->cv, &sm->m);
    pthread_mutex_unlock(&sm->m);
}

static int slow_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    struct slowmem *sm = opaque;

    if (gaddr > sizeof(sm->b) || len > sizeof(sm->b) - gaddr)
        return -EFAULT;
    if (sm->slow && !sm->slow_writes && gaddr >= 0x1000)
        stall(sm);
    memcpy(dst, sm->b + gaddr, len);
    return 0;
}

static int slow_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    struct slowmem *sm = opaque;

    if (gaddr > sizeof(sm->b) || len > sizeof(sm->b) - gaddr)
        return -EFAULT;
    if (sm->slow && sm->slow_writes && gaddr >= 0x1000)
        stall(sm);
    memcpy(sm->b + gaddr, src, len);
    return 0;
}

struct caller {
    xsm_ctx *x;
    struct xsm_domain *cur;
    struct slowmem *mem;
    long rc;
    bool done;
};

static void *caller_main(void *arg)
{
    struct caller *c = arg;
    struct xsm_guest g = {slow_from, slow_to, c->mem, guest.compat};
    long rc = xsm_do_op(c->x, c->cur, &g, 0);

    pthread_mutex_lock(&c->mem->m);
    c->rc = rc;
    c->done = true;
    pthread_cond_broadcast(&c->mem->cv);
    pthread_mutex_unlock(&c->mem->m);
    return NULL;
}

/* Wait up to 'ms' for *flag under sm->m; true if it became true. */
static bool wait_for(struct slowmem *sm, const bool *flag, long ms)
{
    struct timespec t;
    bool ok;

    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&sm->m);
    while (!*flag && pthread_cond_timedwait(&sm->cv, &sm->m, &t) == 0) {
    }
    ok = *flag;
    pthread_mutex_unlock(&sm->m);
    return ok;
}

static void slow_init(struct slowmem *sm)
{
    memset(sm, 0, sizeof(*sm));
    pthread_mutex_init(&sm->m, NULL);
    pthread_cond_init(&sm->cv, NULL);
}

/* Let a stalled copy (or log line) go on. */
static void slow_release(struct slowmem *sm)
{
    pthread_mutex_lock(&sm->m);
    sm->release = true;
    pthread_cond_broadcast(&sm->cv);
    pthread_mutex_unlock(&sm->m);
}

/* on_write: the guest's GETBOOL is by id and its name's write-out blocks. */
static void no_lock_across_copy(bool on_write)
{
    static struct slowmem a, b; /* a: the guest's, slow; b: dom0's */
    struct caller ca = {0}, cb = {0};
    pthread_t ta, tb;
    xen_flask_op_t *op;
    bool b_done;
    xsm_ctx *x = make(true, 1);

    if (x == NULL)
        return;
    slow_init(&a);
    slow_init(&b);
    /* domU: GETBOOL by name, or by id with the name to come back, at 0x1000 (slow) */
    op = (xen_flask_op_t *)a.b;
    op->cmd = FLASK_GETBOOL;
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    {
        struct xsm_op_boolean bo = {
            .bool_id = on_write ? 1 : 0xffffffffU, .size = on_write ? 64 : 4, .name = 0x1000};

        xsm_op_put_boolean(a.b, guest.compat, &bo);
    }
    if (!on_write)
        memcpy(a.b + 0x1000, "b_on", 4);
    a.slow = true;
    a.slow_writes = on_write;
    /* dom0: SETENFORCE 0 */
    op = (xen_flask_op_t *)b.b;
    op->cmd = FLASK_SETENFORCE;
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    op->u.enforce.enforcing = 0;

    ca = (struct caller){.x = x, .cur = &domU, .mem = &a};
    cb = (struct caller){.x = x, .cur = &dom0, .mem = &b};
    if (pthread_create(&ta, NULL, caller_main, &ca) != 0) {
        CHECK(!"thread");
        xsm_destroy(x);
        return;
    }
    CHECK(wait_for(&a, &a.entered, 5000)); /* the guest's copy is pending */
    if (pthread_create(&tb, NULL, caller_main, &cb) != 0) {
        CHECK(!"thread");
    } else {
        b_done = wait_for(&b, &cb.done, 2000);
        CHECK(b_done); /* not held up by the guest's pending copy */
        /* let the guest go; only then can a blocked SETENFORCE finish */
        slow_release(&a);
        pthread_join(tb, NULL);
        CHECK_EQ(cb.rc, 0);
        CHECK(!flask_enforcing(inst(x)));
    }
    slow_release(&a);
    pthread_join(ta, NULL);
    CHECK_EQ(ca.rc, 0);
    {
        struct xsm_op_boolean bo;

        xsm_op_get_boolean(a.b, guest.compat, &bo);
        CHECK_EQ(bo.bool_id, 1); /* b_on */
        CHECK(!on_write || (bo.size == 4 && memcmp(a.b + 0x1000, "b_on", 4) == 0));
    }
    xsm_destroy(x);
}

static void test_no_lock_across_copy(void)
{
    no_lock_across_copy(false);
    no_lock_across_copy(true);
}

/* ================================================================== */
/* test_no_lock_across_denial                                          */
/* ================================================================== */

/*
 * A caller the policy refuses must not hold op_lock while it is refused:
 * Xen checks these commands' permission before it takes any lock (XSA-492
 * and XSA-499 were about a lock taken first).  The guest's denied command
 * stalls in the host's log callback, on its audit line; meanwhile the
 * control domain's COMMITBOOLS, which takes op_lock, must complete.
 */
static void no_lock_across_denial(uint32_t cmd, const char *perm)
{
    static struct slowmem a, b;
    struct caller ca = {0}, cb = {0};
    pthread_t ta, tb;
    xen_flask_op_t *op;
    xsm_ctx *x = make(true, 1);

    if (x == NULL)
        return;
    slow_init(&a);
    slow_init(&b);
    op = (xen_flask_op_t *)a.b;
    op->cmd = cmd;
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    if (cmd == FLASK_SETENFORCE)
        op->u.enforce.enforcing = 0;
    else if (cmd == FLASK_SETAVC_THRESHOLD)
        op->u.setavc_threshold.threshold = 77;
    else if (cmd == FLASK_ADD_OCONTEXT || cmd == FLASK_DEL_OCONTEXT) {
        op->u.ocontext.ocon = 1; /* pirq */
        op->u.ocontext.low = op->u.ocontext.high = 40;
        op->u.ocontext.sid = SECINITSID_DOMU;
    }
    op = (xen_flask_op_t *)b.b;
    op->cmd = FLASK_COMMITBOOLS;
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;

    log_stall = &a;
    log_stall_on = perm;
    ca = (struct caller){.x = x, .cur = &domU, .mem = &a};
    cb = (struct caller){.x = x, .cur = &dom0, .mem = &b};
    if (pthread_create(&ta, NULL, caller_main, &ca) != 0) {
        CHECK(!"thread");
        log_stall = NULL;
        xsm_destroy(x);
        return;
    }
    CHECK(wait_for(&a, &a.entered, 5000)); /* the guest's denial is being logged */
    if (pthread_create(&tb, NULL, caller_main, &cb) != 0) {
        CHECK(!"thread");
    } else {
        bool b_done = wait_for(&b, &cb.done, 2000);

        if (!b_done)
            fprintf(stderr, "%s: the control domain waited on a denied %s\n", check_what, perm);
        CHECK(b_done);
        slow_release(&a);
        pthread_join(tb, NULL);
        CHECK_EQ(cb.rc, 0);
    }
    slow_release(&a);
    pthread_join(ta, NULL);
    log_stall = NULL;
    CHECK_EQ(ca.rc, -EACCES);
    CHECK(flask_enforcing(inst(x)));
    xsm_destroy(x);
}

static void test_no_lock_across_denial(void)
{
    no_lock_across_denial(FLASK_SETENFORCE, "setenforce");
    no_lock_across_denial(FLASK_SETAVC_THRESHOLD, "setsecparam");
    no_lock_across_denial(FLASK_ADD_OCONTEXT, "add_ocontext");
    no_lock_across_denial(FLASK_DEL_OCONTEXT, "del_ocontext");
    no_lock_across_denial(FLASK_COMMITBOOLS, "setbool");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("skipped: no test policy (checkpolicy not found at configure time)\n");
        return 77;
    }
    policy = slurp_file(argv[1], &policy_len);
    if (policy == NULL || policy_len > GSIZE - (BUFADDR - GBASE)) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    for (int compat = 0; compat <= 1; compat++) {
        guest.compat = compat;
        check_what = compat ? "compat" : "native";
        test_read_once();
        test_huge_sizes();
        test_bool_ids();
        test_huge_sids();
        test_ocontext_wrap();
        test_cachestats_cpu();
        test_no_lock_across_copy();
        test_no_lock_across_denial();
    }
    if (!allocfail_active()) {
        fprintf(stderr, "the allocation shims are not linked in\n");
        check_failures++;
    }
    free(policy);
    return check_report("flask-hostile");
}
