/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for xsm_op (the common dispatcher, the core commands and
 * FLASK's 25 commands) and for FLASK's decision path behind it: access
 * checks, the AVC, SID allocation, booleans, ocontexts, relabelling.
 *
 * Why the first version of this target never found the AVC use-after-free
 * fixed in 1f36660 (a new node linked, then reclaimed, then widened by a
 * permissive grant): an experiment on that version (a trap at the entry of
 * flask_avc_has_perm, a million executions) showed it never called the AVC
 * at all.  Every one of these stood in the way, each on its own enough:
 *   - the caller was an unlabelled domain (security[] all NULL), and
 *     flask_security_has_perm refuses such a caller with -EACCES before any
 *     AVC work; RELABEL_DOMAIN refuses it too, and GET_PEER_SID had no host
 *     to ask.  A policy WAS loaded (flask_init loads the embedded default
 *     when none is given), so the checks would have been real ones;
 *   - the mode was always enforcing (flask_mode NULL) and the default
 *     policy has no permissive type, so no denial was ever widened, which
 *     is the write that hit the freed node;
 *   - each input was ONE op on a fresh instance: a threshold set by
 *     SETAVC_THRESHOLD (itself refused to the unlabelled caller) could not
 *     be followed by a check, and one op makes at most a few AVC nodes,
 *     never the 513 the default threshold needs before anything reclaims;
 *   - no op fed the AVC distinct subjects: ACCESS asks the security server
 *     directly, and the only checks with guest-chosen SIDs (RELABEL_DOMAIN)
 *     were refused; -max_len=512 left no room for a sequence either.
 * So this target runs a sequence of ops in one instance, from labelled
 * callers, in enforcing or permissive mode, with a small threshold, and
 * sweeps the AVC with thousands of distinct SIDs per input.
 *
 * Input (fuzz-input.h reads zeros past the end):
 *   byte 0  bit 0 compat callers; bit 1 permissive; bits 2-3 policy
 *           (fuzz-policies.h; 3 = the default); bits 4-6 module stack
 *           (stacks[]); bit 7 flask_classes "name" instead of "strict"
 *   byte 1  AVC threshold (fuzz_threshold), set by dom0 through
 *           FLASK_SETAVC_THRESHOLD before the first record
 *   then records, each a tag byte (bits 0-1 caller: dom0_t, domU_t,
 *   dm_dom_t (device model of the domU), an unlabelled domain; bits 2-4
 *   kind) and its body:
 *     kind 0-1 raw op: fault byte (high nibble: the copy_from call that
 *              faults, low: the copy_to call; 0 none), partial byte
 *              (bytes a faulting copy still moves), 40 op bytes, a length
 *              byte and that many bytes of guest memory at DATA_BASE
 *     kind 2-4 built op: command byte, 4 argument bytes; the harness makes
 *              a well-formed op of it (strings from tables, SIDs picked)
 *     kind 5   op sweep: a built op (5 bytes) and a count (2 bytes): the
 *              op runs count+1 times (at most 1024), its SID argument
 *              counting up from the picked one
 *     kind 6-7 AVC sweep: count (2 bytes, at most 2048 subjects), first
 *              subject SID (2 bytes), target pick, class, permission bit:
 *              flask_avc_has_perm for each subject, twice
 *   Guest memory: the op at OP_BASE (only the exact 40-byte access works),
 *   DATA_BASE (4 KiB, strings and output buffers), and the three policy
 *   images read-only at POLICY_BASE + i * POLICY_STRIDE for FLASK_LOAD.
 *
 * Invariants (abort on violation):
 *   - raw ops: the first copy is exactly the op; the op is read once and
 *     written at most once; a negative result leaves it unchanged;
 *   - a log line is printable ASCII only;
 *   - an op that fails (other than -EFAULT, which a failed copy-back after
 *     a successful change also gives) changes no FLASK state: mode,
 *     threshold, policy, booleans (live and pending), labels, ocontexts;
 *   - the AVC's counters agree (hits + misses = lookups, allocations -
 *     frees = entries), and an insert never grows the cache past
 *     threshold + 1 entries (it may stay above after a threshold cut);
 *   - the same check asked twice in a row gets the same answer, and in
 *     permissive mode every AVC check is granted.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

#include "core/module.h"
#include "fuzz-input.h"
#include "fuzz-policies.h"
#include "modules/flask/flask.h"

#include "../lib/avc_invariants.h"
#include "../lib/ss_mark.h"

#define OP_BASE       0x1000ULL
#define DATA_BASE     0x100000ULL
#define DATA_MAX      4096U
#define POLICY_BASE   0x10000000ULL
#define POLICY_STRIDE 0x1000000ULL
#define SWEEP_OPS     4U /* long op sweeps: up to 1021 ops */
#define SWEEP_AVC     3U /* long AVC sweeps: up to 766 subjects */

/*
 * A sweep's length from its 16-bit count: short (1..8) unless the high
 * byte is 0x5a, then long: 1 + (low byte) * step, but no more than the
 * AVC's threshold + 16, which is what a sweep needs to make the cache
 * reclaim, and at the default threshold to grow the table (513 entries).
 * A long sweep costs up to a thousand checks, tens of milliseconds (with a
 * small threshold every insert scans the 512 buckets to reclaim, as Xen's
 * does), so long sweeps must be rare: 0x5a, not libFuzzer's favourite fill
 * bytes 0xff and 0x00, and the test is kept out of the comparison tracing
 * that would hand 0x5a to the mutator.  Seeds and regress/ carry them.
 */
#define SWEEP_LONG 0x5aU

#if defined(__clang__)
__attribute__((no_sanitize("coverage")))
#endif
static uint32_t
sweep_len(uint16_t c, uint32_t step, uint32_t threshold)
{
    uint32_t n = 1 + (c & 0xffU) * step;

    if ((c >> 8) != SWEEP_LONG)
        return 1 + (c & 7U);
    return n < threshold + 16 ? n : threshold + 16;
}

enum { D_DOM0, D_DOMU, D_DM, D_UNL, ND };

struct fguest {
    unsigned char op[XSM_OP_SIZE];
    unsigned char data[DATA_MAX];
    unsigned from_calls, to_calls, fail_from, fail_to, partial;
    unsigned op_reads, op_writes;
    bool strict; /* raw op: check the op-access invariants */
};

/* A peer channel per domain and port 1..3, for GET_PEER_SID. */
struct world {
    xsm_ctx *x;
    struct xsm_instance *mi; /* FLASK, if active */
    struct xsm_domain d[ND];
    struct xsm_evtchn chn[ND][4];
    struct fguest f;
    bool compat;
};

static bool overlaps(uint64_t a, size_t len, uint64_t base, size_t size)
{
    return len != 0 && a < base + size && a + len > base && a + len > a;
}

/* Where a guest access lands; NULL: a fault.  Policies are read-only. */
static unsigned char *resolve(struct fguest *f, uint64_t a, size_t len, bool write)
{
    if (overlaps(a, len, OP_BASE, XSM_OP_SIZE))
        return a == OP_BASE && len == XSM_OP_SIZE ? f->op : NULL;
    if (a >= DATA_BASE && a - DATA_BASE <= DATA_MAX && len <= DATA_MAX - (a - DATA_BASE))
        return f->data + (a - DATA_BASE);
    if (!write && a >= POLICY_BASE) {
        uint64_t i = (a - POLICY_BASE) / POLICY_STRIDE, off = (a - POLICY_BASE) % POLICY_STRIDE;
        size_t plen;
        const unsigned char *p;

        if (i >= FUZZ_NPOLICIES)
            return NULL;
        p = fuzz_policy((unsigned)i, &plen);
        if (off <= plen && len <= plen - off)
            return (unsigned char *)(uintptr_t)(p + off); /* never written: !write */
    }
    return NULL;
}

static int f_from(void *opaque, void *dst, uint64_t a, size_t len)
{
    struct fguest *f = opaque;
    unsigned char *p = resolve(f, a, len, false);

    /* The dispatcher's copy-in comes first and is exactly the op. */
    if (f->strict && f->from_calls == 0 && p != f->op)
        abort();
    if (f->strict && p == f->op && f->op_reads++ != 0)
        abort(); /* the op is read once */
    if (++f->from_calls == f->fail_from || p == NULL) {
        if (p != NULL)
            memcpy(dst, p, f->partial < len ? f->partial : len);
        return -EFAULT;
    }
    memcpy(dst, p, len);
    return 0;
}

static int f_to(void *opaque, uint64_t a, const void *src, size_t len)
{
    struct fguest *f = opaque;
    unsigned char *p = resolve(f, a, len, true);

    if (++f->to_calls == f->fail_to || p == NULL) {
        /* A faulting write may still store a prefix, never into the op, so
         * that "op unchanged on error" stays checkable. */
        if (p != NULL && p != f->op)
            memcpy(p, src, f->partial < len ? f->partial : len);
        return -EFAULT;
    }
    if (f->strict && p == f->op && f->op_writes++ != 0)
        abort(); /* the op is written once */
    memcpy(p, src, len);
    return 0;
}

/* Kept out of the coverage instrumentation: a callback per byte would
 * cost more than the AVC work that writes the line. */
#if defined(__clang__)
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define NO_COVERAGE
#endif

/* Untrusted strings reach the log escaped: nothing outside 0x20..0x7e. */
NO_COVERAGE static void host_log(void *host, const char *line)
{
    (void)host;
    for (const unsigned char *s = (const unsigned char *)line; *s != '\0'; s++)
        if (*s < 0x20 || *s > 0x7e)
            abort();
}

static struct xsm_domain *host_domain_get(void *host, xsm_domid_t domid)
{
    struct world *w = host;

    return domid < ND ? &w->d[domid] : NULL;
}

static struct xsm_evtchn *host_evtchn_get(void *host, struct xsm_domain *d, uint32_t port)
{
    struct world *w = host;

    if (d == NULL || d->domid >= ND || port == 0 || port >= 4)
        return NULL;
    return &w->chn[d->domid][port];
}

static const struct xsm_host_ops host_ops = {
    .domain_get = host_domain_get,
    .evtchn_get = host_evtchn_get,
    .log = host_log,
};

/*
 * A guest op can name its own op as a string buffer; the op-access
 * invariants then do not hold (that read is a second read of the op).
 * Raw ops with any 32- or 64-bit word equal to the op's address skip them.
 */
static bool aliases_op(const unsigned char *op)
{
    for (size_t off = 8; off + 4 <= XSM_OP_SIZE; off += 4) {
        uint32_t w32;
        memcpy(&w32, op + off, 4);
        if (w32 == OP_BASE)
            return true;
        if (off + 8 <= XSM_OP_SIZE) {
            uint64_t w64;
            memcpy(&w64, op + off, 8);
            if (w64 == OP_BASE)
                return true;
        }
    }
    return false;
}

/* ---- FLASK state: the "a failed op changed nothing" digest --------------- */

#define DIGEST_PROBES 48

static const char *const dt_paths[] = {"/", "/soc", "/soc/uart@0", "/a/b/c", "", "uart"};
#define NDT (sizeof(dt_paths) / sizeof(dt_paths[0]))

struct digest {
    bool enforcing, loaded, dom0_created;
    uint32_t threshold, seqno, nbools, ntypes, nocontexts;
    int bools[64][2];
    int pending[64];
    uint32_t labels[ND][3];
    uint32_t probes[DIGEST_PROBES];
    uint32_t dt[NDT];
};

/* Resources every digest looks up: labelled and unlabelled ones. */
static const struct {
    unsigned ocon;
    uint64_t value;
} probe_points[DIGEST_PROBES - 8] = {
    {SS_OCON_PIRQ, 0},        {SS_OCON_PIRQ, 1},         {SS_OCON_PIRQ, 9},
    {SS_OCON_PIRQ, 32},       {SS_OCON_PIRQ, 33},        {SS_OCON_PIRQ, 34},
    {SS_OCON_PIRQ, 100},      {SS_OCON_PIRQ, 255},       {SS_OCON_IOPORT, 0},
    {SS_OCON_IOPORT, 0x5f},   {SS_OCON_IOPORT, 0x60},    {SS_OCON_IOPORT, 0x68},
    {SS_OCON_IOPORT, 0x6f},   {SS_OCON_IOPORT, 0x70},    {SS_OCON_IOPORT, 0x100},
    {SS_OCON_IOPORT, 0xffff}, {SS_OCON_IOMEM, 0},        {SS_OCON_IOMEM, 1},
    {SS_OCON_IOMEM, 0x10},    {SS_OCON_IOMEM, 0x100},    {SS_OCON_IOMEM, 0x1000},
    {SS_OCON_IOMEM, 0xfeb00}, {SS_OCON_IOMEM, 0xfee00},  {SS_OCON_IOMEM, ~0ULL},
    {SS_OCON_DEVICE, 0},      {SS_OCON_DEVICE, 1},       {SS_OCON_DEVICE, 8},
    {SS_OCON_DEVICE, 0x100},  {SS_OCON_DEVICE, 0x10000}, {SS_OCON_DEVICE, 0xffffffff},
    {SS_OCON_PIRQ, 2},        {SS_OCON_PIRQ, 3},         {SS_OCON_IOPORT, 1},
    {SS_OCON_IOPORT, 2},      {SS_OCON_IOMEM, 2},        {SS_OCON_IOMEM, 3},
    {SS_OCON_DEVICE, 2},      {SS_OCON_DEVICE, 3},       {SS_OCON_PIRQ, 4},
    {SS_OCON_IOPORT, 4},
};

static void digest(struct world *w, const xen_flask_op_t *op, struct digest *out)
{
    struct xsm_instance *mi = w->mi;
    struct flask_state *st = flask_state(mi);
    ss_ctx *ss = flask_ss(mi);
    struct ss_policy_info info;
    unsigned k = 0;

    memset(out, 0, sizeof(*out));
    out->enforcing = flask_enforcing(mi);
    out->loaded = ss_policy_loaded(ss);
    out->dom0_created = atomic_load(&st->dom0_created);
    out->threshold = flask_avc_threshold(st->avc);
    out->seqno = ss_seqno(ss);
    if (ss_get_info(ss, &info) == 0) {
        out->nbools = info.nbools;
        out->ntypes = info.ntypes;
        out->nocontexts = info.nocontexts;
    }
    for (unsigned i = 0; out->loaded && i < ss_bool_count(ss) && i < 64; i++)
        if (ss_bool_get(ss, i, &out->bools[i][0], &out->bools[i][1]) != 0)
            out->bools[i][0] = -1;
    /*
     * Pending values as GETBOOL shows them: Xen takes its pending snapshot
     * (a copy of the live values) even for a SETBOOL that then fails on a
     * bad id, so whether the array exists is not state a guest can see.
     */
    for (unsigned i = 0; out->loaded && i < ss_bool_count(ss) && i < 64; i++)
        out->pending[i] =
            st->bool_pending != NULL && i < st->bool_num ? st->bool_pending[i] : out->bools[i][0];
    for (unsigned i = 0; i < ND; i++) {
        const struct flask_domain_sec *s = flask_dsec(mi, &w->d[i]);
        if (s != NULL) {
            out->labels[i][0] = atomic_load(&s->sid);
            out->labels[i][1] = atomic_load(&s->self_sid);
            out->labels[i][2] = atomic_load(&s->target_sid);
        }
    }
    for (; k < DIGEST_PROBES - 8; k++)
        if (flask_resource_sid(mi, probe_points[k].ocon, probe_points[k].value, &out->probes[k]))
            out->probes[k] = ~0U;
    /* The op's own range ends, for each kind of ocontext. */
    for (unsigned ocon = SS_OCON_PIRQ; ocon <= SS_OCON_DEVICE; ocon++) {
        if (flask_resource_sid(mi, ocon, op->u.ocontext.low, &out->probes[k++]))
            out->probes[k - 1] = ~0U;
        if (flask_resource_sid(mi, ocon, op->u.ocontext.high, &out->probes[k++]))
            out->probes[k - 1] = ~0U;
    }
    /* Device-tree labels: the paths the built ops use. */
    for (unsigned i = 0; i < NDT; i++)
        if (flask_devicetree_sid(mi, dt_paths[i], &out->dt[i]) != 0)
            out->dt[i] = ~0U;
}

/* ---- Ops ----------------------------------------------------------------- */

static void put_handle(struct world *w, unsigned char *op, size_t native_off, size_t compat_off,
                       uint64_t gaddr)
{
    if (w->compat) {
        uint32_t c = (uint32_t)gaddr;
        memcpy(op + compat_off, &c, 4);
    } else {
        memcpy(op + native_off, &gaddr, 8);
    }
}

#define NOFF(m) offsetof(xen_flask_op_t, m)
#define COFF(m) offsetof(compat_flask_op_t, m)

/* Subject contexts: valid and invalid combinations over all three policies. */
static const char *const ctx_types[] = {
    "dom0_t",     "domU_t",      "dm_dom_t",        "perm_t",      "domU2_t",
    "xen_t",      "unlabeled_t", "lab_t",           "chan_t",      "other_t",
    "nic_t",      "badself_t",   "isolated_domU_t", "prot_domU_t", "nomigrate_t",
    "xenstore_t", "domU_t_self", "security_t",      "nic_dev_t",   "no_such_t",
};
static const char *const ctx_users[] = {"system_u:system_r", "system_u:object_r", "user_1:vm_r",
                                        "system_u:vm_r"};
static const char *const bool_names[] = {
    "b_off", "b_on", "guest_writeconsole", "prot_doms_locked", "no_such_bool", ""};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Write a string to DATA_BASE; returns its length (without NUL). */
static uint32_t put_string(struct world *w, const char *s, size_t off)
{
    size_t n = strlen(s);

    if (off + n + 1 > DATA_MAX)
        return 0;
    memcpy(w->f.data + off, s, n + 1);
    return (uint32_t)n;
}

static uint32_t put_context(struct world *w, uint8_t a, uint8_t b)
{
    char buf[96];
    const char *mls = (b & 0x10) ? ":s0" : "";

    strcpy(buf, ctx_users[b % N(ctx_users)]);
    strcat(buf, ":");
    strcat(buf, ctx_types[a % N(ctx_types)]);
    strcat(buf, mls);
    return put_string(w, buf, 0);
}

/* A SID: the labelled domains' ones, initial SIDs, recent allocations, raw. */
static uint32_t pick_sid(struct world *w, uint8_t a)
{
    const struct flask_domain_sec *s;

    switch (a >> 6) {
    case 0:
        s = w->mi != NULL ? flask_dsec(w->mi, &w->d[a % 3]) : NULL;
        return s != NULL ? s->sid : a;
    case 1:
        return a & 15; /* 0 and the 13 initial SIDs, and two past them */
    case 2:
        return 14 + (a & 63); /* SIDs handed out by CONTEXT_TO_SID and friends */
    default:
        return (a & 1) ? 0xffffffffU - (a & 15) : (uint32_t)a << 20;
    }
}

/*
 * Build a well-formed op for subcommand 1 + cmd % FLASK_NR_CMDS from four
 * argument bytes.  Returns the offset of the op's SID field that a sweep
 * counts up (0: none).
 */
static size_t build_op(struct world *w, uint8_t cmd, const uint8_t a[4], unsigned char *op)
{
    xen_flask_op_t *o = (xen_flask_op_t *)op;
    uint16_t sub = (uint16_t)(1 + cmd % FLASK_NR_CMDS);
    uint32_t n;
    size_t plen;

    memset(op, 0, XSM_OP_SIZE);
    o->cmd = XSM_OP_CMD(XSM_MODULE_FLASK, sub);
    o->interface_version = XEN_FLASK_INTERFACE_VERSION;
    switch (sub) {
    case FLASK_LOAD:
        (void)fuzz_policy(a[0], &plen);
        /* Mostly whole images; sometimes cut short (a failed load). */
        n = (uint32_t)plen - (a[1] >= 224 ? (uint32_t)(a[1] - 223) * 97U % (uint32_t)plen : 0);
        put_handle(w, op, NOFF(u.load.buffer), COFF(u.load.buffer),
                   POLICY_BASE + (a[0] % FUZZ_NPOLICIES) * POLICY_STRIDE);
        memcpy(op + (w->compat ? COFF(u.load.size) : NOFF(u.load.size)), &n, 4);
        return 0;
    case FLASK_SETENFORCE:
        o->u.enforce.enforcing = a[0] & 1;
        return 0;
    case FLASK_CONTEXT_TO_SID:
        n = put_context(w, a[0], a[1]) + (a[2] & 1);
        memcpy(op + 12, &n, 4); /* size: same offset in both layouts */
        put_handle(w, op, NOFF(u.sid_context.context), COFF(u.sid_context.context), DATA_BASE);
        return 0;
    case FLASK_SID_TO_CONTEXT:
        o->u.sid_context.sid = pick_sid(w, a[0]);
        o->u.sid_context.size = (uint32_t)a[1] * 4U;
        put_handle(w, op, NOFF(u.sid_context.context), COFF(u.sid_context.context), DATA_BASE);
        return NOFF(u.sid_context.sid);
    case FLASK_ACCESS:
        o->u.access.ssid = pick_sid(w, a[0]);
        o->u.access.tsid = pick_sid(w, a[1]);
        o->u.access.tclass = a[2] % (SECCLASS_NUM + 2);
        o->u.access.req = 1U << (a[3] & 31);
        return NOFF(u.access.ssid);
    case FLASK_CREATE:
    case FLASK_RELABEL:
    case FLASK_MEMBER:
        o->u.transition.ssid = pick_sid(w, a[0]);
        o->u.transition.tsid = pick_sid(w, a[1]);
        o->u.transition.tclass = a[2] % (SECCLASS_NUM + 2);
        return NOFF(u.transition.ssid);
    case FLASK_GETBOOL:
    case FLASK_SETBOOL:
        /* Layout-identical up to size; the name handle differs. */
        o->u.boolean.bool_id = (a[0] & 0x80) ? 0xffffffffU : a[0] % 6U;
        o->u.boolean.new_value = a[1] & 1;
        o->u.boolean.commit = (a[1] >> 1) & 1;
        o->u.boolean.size = (a[0] & 0x80) ? put_string(w, bool_names[a[2] % N(bool_names)], 0)
                                          : (uint32_t)(a[2] & 0x3f);
        put_handle(w, op, NOFF(u.boolean.name), COFF(u.boolean.name), DATA_BASE);
        return 0;
    case FLASK_SETAVC_THRESHOLD:
        o->u.setavc_threshold.threshold = fuzz_threshold(a[0]);
        return 0;
    case FLASK_AVC_CACHESTATS:
        o->u.cache_stats.cpu = a[0] == 0xff;
        return 0;
    case FLASK_ADD_OCONTEXT:
    case FLASK_DEL_OCONTEXT: {
        static const uint64_t base[] = {0, 0, 0x60, 0xfeb00, 0x100, 0};
        uint64_t lo, hi;
        unsigned ocon = a[0] % 6;

        lo = base[ocon] + (a[1] & 0x3f);
        hi = lo + ((a[1] & 0x40) ? (a[2] & 15) : 0);
        if (a[1] & 0x80)
            hi = lo - 1; /* low > high: -EINVAL */
        memcpy(op + 8, &ocon, 4);
        n = pick_sid(w, a[3]);
        memcpy(op + 12, &n, 4);
        memcpy(op + 16, &lo, 8); /* low/high: same offsets in both layouts */
        memcpy(op + 24, &hi, 8);
        return 12;
    }
    case FLASK_GET_PEER_SID:
        o->u.peersid.evtchn = a[0] & 3;
        return 0;
    case FLASK_RELABEL_DOMAIN:
        o->u.relabel.domid = (a[0] & 0x80) ? XSM_DOMID_SELF + (a[0] & 7) : a[0] & 7;
        o->u.relabel.sid = pick_sid(w, a[1]);
        return NOFF(u.relabel.sid);
    case FLASK_DEVICETREE_LABEL:
        o->u.devicetree_label.sid = (a[0] & 1) ? 0 : pick_sid(w, a[1]);
        n = put_string(w, dt_paths[a[2] % NDT], 0) + ((a[3] >> 7) & 1);
        memcpy(op + 12, &n, 4);
        put_handle(w, op, NOFF(u.devicetree_label.path), COFF(u.devicetree_label.path), DATA_BASE);
        return NOFF(u.devicetree_label.sid);
    default:
        return 0; /* no payload */
    }
}

/*
 * Run one op from 'caller'; strict: check the raw-op access invariants;
 * full: compare the FLASK state digest around it (a digest costs more
 * than most ops, so long sweeps sample it).
 */
static long run_op(struct world *w, unsigned caller, bool strict, bool full)
{
    unsigned char before[XSM_OP_SIZE];
    struct xsm_guest g = {
        .copy_from = f_from, .copy_to = f_to, .opaque = &w->f, .compat = w->compat};
    struct digest d0, d1;
    xen_flask_op_t view;
    uint32_t entries = 0, thr = 0;
    long rc;

    w->f.strict = strict && !aliases_op(w->f.op);
    w->f.from_calls = w->f.to_calls = w->f.op_reads = w->f.op_writes = 0;
    memcpy(before, w->f.op, XSM_OP_SIZE);
    memcpy(&view, w->f.op, sizeof(view));
    if (w->mi != NULL) {
        if (full)
            digest(w, &view, &d0);
        entries = avc_count(flask_avc(w->mi));
        thr = flask_avc_threshold(flask_avc(w->mi));
    }

    rc = xsm_do_op(w->x, &w->d[caller], &g, OP_BASE);

    if (w->f.strict) {
        if (w->f.op_reads != 1)
            abort();
        if (rc < 0 && (memcmp(w->f.op, before, XSM_OP_SIZE) != 0 || w->f.op_writes != 0))
            abort();
    }
    if (w->mi != NULL) {
        if (full) {
            digest(w, &view, &d1);
            /* digest() zeroes the whole struct first, padding included */
            /* NOLINTNEXTLINE(bugprone-suspicious-memory-comparison,cert-exp42-c,cert-flp37-c) */
            if (rc < 0 && rc != -EFAULT && memcmp(&d0, &d1, sizeof(d0)) != 0)
                abort(); /* a failed op changed FLASK state */
        }
        if (flask_avc_threshold(flask_avc(w->mi)) == thr)
            avc_check_growth(flask_avc(w->mi), entries);
    }
    w->f.fail_from = w->f.fail_to = 0;
    return rc;
}

/* Thousands of distinct subjects through the AVC, each asked twice. */
static void avc_sweep(struct world *w, struct fuzz_in *in)
{
    uint16_t c = fuzz_u16(in);
    uint32_t first = fuzz_u16(in), count;
    uint8_t tpick = fuzz_u8(in), cls = fuzz_u8(in), bit = fuzz_u8(in);
    uint16_t tclass = (uint16_t)(1 + cls % SECCLASS_NUM);
    uint32_t tsid = pick_sid(w, tpick), perm = 1U << (bit & 31);
    struct flask_audit ad = {.cur = &w->d[D_DOM0]};

    if (w->mi == NULL)
        return;
    count = sweep_len(c, SWEEP_AVC, flask_avc_threshold(flask_avc(w->mi)));
    for (uint32_t i = 0; i < count; i++) {
        uint32_t before = avc_count(flask_avc(w->mi));
        int r1 = flask_avc_has_perm(w->mi, first + i, tsid, tclass, perm, &ad);
        avc_check_growth(flask_avc(w->mi), before);
        int r2 = flask_avc_has_perm(w->mi, first + i, tsid, tclass, perm, &ad);

        if (r1 != r2)
            abort(); /* the cached answer is the computed one */
        if (!flask_enforcing(w->mi) && r1 == -EACCES)
            abort(); /* permissive grants every denial */
    }
}

static const char *const stacks[] = {"flask",      "flask", "silo,flask", "flask,silo",
                                     "dummy,silo", "dummy", "silo",       "flask"};

/* Label the domains as Xen's domain_create and set_target would. */
static void label_domains(struct world *w)
{
    static const char *const ctx[] = {"system_u:system_r:dom0_t", "system_u:system_r:domU_t",
                                      "system_u:system_r:dm_dom_t"};
    static const uint32_t fallback[] = {SECINITSID_DOM0, SECINITSID_DOMU, SECINITSID_DOMDM};

    for (unsigned i = 0; i < D_UNL; i++) {
        struct flask_domain_sec *s;
        uint32_t sid, self_sid;

        if (xsm_alloc_security_domain(w->x, NULL, &w->d[i]) != 0 || w->mi == NULL)
            continue;
        s = flask_dsec(w->mi, &w->d[i]);
        if (ss_context_to_sid(flask_ss(w->mi), ctx[i], strlen(ctx[i]), &sid) != 0)
            sid = fallback[i];
        if (flask_transition_sid(w->mi, sid, sid, SECCLASS_DOMAIN, &self_sid) != 0)
            self_sid = sid;
        s->sid = sid;
        s->self_sid = self_sid;
    }
    if (w->mi != NULL) {
        struct flask_domain_sec *dm = flask_dsec(w->mi, &w->d[D_DM]);
        uint32_t u = flask_dsec(w->mi, &w->d[D_DOMU])->sid, t;

        if (flask_transition_sid(w->mi, u, dm->sid, SECCLASS_DOMAIN, &t) != 0)
            t = u;
        dm->target_sid = t;
    }
}

static void world_fini(struct world *w)
{
    for (unsigned i = 0; i < ND; i++)
        xsm_free_security_domain(w->x, NULL, &w->d[i]);
    xsm_free_security_evtchns(w->x, NULL, &w->chn[0][0], ND * 4);
    xsm_destroy(w->x);
}

/* ---- Reused instances ------------------------------------------------------ */

/*
 * Making an instance (xsm_create: a policy load with its class mapping)
 * costs more than most inputs' ops, so one instance per configuration
 * (stack, policy, class mapping: 8 x 3 x 2) is kept between inputs, with
 * its domains labelled and channels bound, and put back into its pristine
 * state before each input:
 *   - the AVC as flask_avc_create left it (flask_avc_restart: empty, reclaim
 *     hint at bucket 0, default threshold, counters zero), then the input's
 *     mode; the guest memory, the domains' compat flag and labels, and the
 *     dom0_t singleton flag as they were;
 *   - what cannot be put back cheaply (a policy load, booleans, ocontexts,
 *     device-tree labels, relabelled domains, new SIDs) makes the instance
 *     dirty, and a dirty instance is destroyed after the input and made
 *     again by the next one that needs it.  Dirty: a command that may change
 *     such state took effect (returned >= 0, or -EFAULT after the change), or
 *     the security server's mark (ss_mark.h: state, exceptions, sequence
 *     number, next SID) moved, or a pending boolean array exists.
 * So every input starts from the same state whether it runs after others
 * or alone, and a crash file replays.  The pristine state includes one
 * digest() (it computes the labels of the probed resources lazily, which
 * may allocate SIDs), so that inputs do not differ in who computed them.
 */
#define NKEYS (8 * 3 * 2)

struct cached {
    struct world w;
    bool failed; /* xsm_create refused this configuration */
    bool dirty;
    bool dom0_created;
    uint32_t labels[ND][3];
    struct ss_mark mark;
};

static struct cached *cache[NKEYS];

/* FLASK commands that change only what the reset puts back. */
static bool op_clean(uint32_t cmd)
{
    if (XSM_OP_MODULE(cmd) == XSM_MODULE_CORE)
        return true;
    if (XSM_OP_MODULE(cmd) != XSM_MODULE_FLASK)
        return false;
    switch (XSM_OP_SUBCMD(cmd)) {
    case FLASK_GETENFORCE:
    case FLASK_SETENFORCE:
    case FLASK_SID_TO_CONTEXT:
    case FLASK_ACCESS:
    case FLASK_USER:
    case FLASK_POLICYVERS:
    case FLASK_GETBOOL:
    case FLASK_MLS:
    case FLASK_DISABLE:
    case FLASK_GETAVC_THRESHOLD:
    case FLASK_SETAVC_THRESHOLD:
    case FLASK_AVC_HASHSTATS:
    case FLASK_AVC_CACHESTATS:
    case FLASK_GET_PEER_SID:
        return true;
    default:
        return false;
    }
}

static void cached_fini(struct cached *c)
{
    if (!c->failed)
        world_fini(&c->w);
    free(c);
}

static struct cached *cached_make(unsigned stack, unsigned policy, bool by_name)
{
    struct cached *c = calloc(1, sizeof(*c));
    struct world *w;
    struct xsm_config cfg = {0};
    size_t plen;
    xen_flask_op_t zero;

    if (c == NULL)
        abort();
    w = &c->w;
    cfg.modules = stacks[stack];
    cfg.flask_mode = "enforcing"; /* each input sets its own */
    cfg.policy = fuzz_policy(policy, &plen);
    cfg.policy_len = plen;
    cfg.flask_classes = by_name ? "name" : "strict";
    cfg.host_ops = &host_ops;
    cfg.host = w;
    if (xsm_create(&w->x, &cfg) != 0) {
        c->failed = true; /* e.g. a policy this class mode refuses */
        return c;
    }
    w->mi = xsm_find_active(w->x, XSM_MODULE_FLASK);
    for (unsigned i = 0; i < ND; i++)
        w->d[i].domid = (xsm_domid_t)i;
    w->d[D_DOM0].is_privileged = true;
    w->d[D_DM].target = &w->d[D_DOMU];
    label_domains(w);
    /* Channels: port p of domain i is bound to domain (i + p) % ND. */
    if (xsm_alloc_security_evtchns(w->x, NULL, &w->chn[0][0], ND * 4) != 0)
        abort();
    for (unsigned i = 0; i < ND; i++)
        for (unsigned p = 1; p < 4; p++) {
            w->chn[i][p].port = p;
            w->chn[i][p].state = XSM_ECS_INTERDOMAIN;
            w->chn[i][p].remote = &w->d[(i + p) % ND];
            w->chn[i][p].remote_port = p;
        }
    if (w->mi != NULL) {
        struct digest d;

        memset(&zero, 0, sizeof(zero));
        digest(w, &zero, &d);
        c->dom0_created = atomic_load(&flask_state(w->mi)->dom0_created);
        for (unsigned i = 0; i < ND; i++) {
            const struct flask_domain_sec *s = flask_dsec(w->mi, &w->d[i]);
            if (s != NULL) {
                c->labels[i][0] = atomic_load(&s->sid);
                c->labels[i][1] = atomic_load(&s->self_sid);
                c->labels[i][2] = atomic_load(&s->target_sid);
            }
        }
        ss_mark_take(flask_ss(w->mi), &c->mark);
    }
    return c;
}

/* Put the reused instance back as cached_make left it, in the input's mode. */
static void cached_reset(struct cached *c, bool permissive, bool compat)
{
    struct world *w = &c->w;

    memset(&w->f, 0, sizeof(w->f));
    w->compat = compat;
    for (unsigned i = 0; i < ND; i++)
        w->d[i].is_compat = compat;
    c->dirty = false;
    if (w->mi == NULL)
        return;
    if (flask_avc_restart(flask_avc(w->mi), ss_seqno(flask_ss(w->mi)), !permissive) != 0 ||
        flask_set_enforcing(w->mi, !permissive) != 0)
        abort();
    atomic_store(&flask_state(w->mi)->dom0_created, c->dom0_created);
    for (unsigned i = 0; i < ND; i++) {
        struct flask_domain_sec *s = flask_dsec(w->mi, &w->d[i]);
        if (s != NULL) {
            atomic_store(&s->sid, c->labels[i][0]);
            atomic_store(&s->self_sid, c->labels[i][1]);
            atomic_store(&s->target_sid, c->labels[i][2]);
        }
    }
}

static bool cached_dirty(struct cached *c)
{
    struct world *w = &c->w;

    if (c->dirty || w->mi == NULL)
        return c->dirty;
    return flask_state(w->mi)->bool_pending != NULL || !ss_mark_same(flask_ss(w->mi), &c->mark);
}

/* An op the reset cannot undo, if it may have taken effect. */
static void note_op(struct cached *c, uint32_t cmd, long rc)
{
    if (!op_clean(cmd) && (rc >= 0 || rc == -EFAULT))
        c->dirty = true;
}

static unsigned key_of(uint8_t conf)
{
    return ((conf >> 4) & 7) * 6 + ((conf >> 2) & 3) % 3 * 2 + (conf >> 7);
}

/*
 * Every configuration's instance is made here, outside any input: an input
 * that allocated more than it freed would make libFuzzer run a leak check
 * after it (and give up leak checking after a thousand), so each input
 * frees what it allocated: the AVC's nodes by the restart at its end, a
 * dirty instance by making it again at once.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (unsigned conf = 0; conf < 256; conf++)
        if (cache[key_of((uint8_t)conf)] == NULL)
            cache[key_of((uint8_t)conf)] =
                cached_make((conf >> 4) & 7, ((conf >> 2) & 3) % 3, conf >> 7);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size};
    struct cached *c;
    struct world *w;
    uint8_t conf, thr;
    unsigned key;

    if (size < 2)
        return 0;
    conf = fuzz_u8(&in);
    thr = fuzz_u8(&in);
    key = key_of(conf);
    if (cache[key] == NULL) /* a replay without LLVMFuzzerInitialize */
        cache[key] = cached_make((conf >> 4) & 7, ((conf >> 2) & 3) % 3, conf >> 7);
    c = cache[key];
    if (c->failed)
        return 0;
    w = &c->w;
    cached_reset(c, conf & 2, conf & 1);

    /* The threshold, set the way a toolstack would. */
    {
        uint8_t a[4] = {thr, 0, 0, 0};
        build_op(w, FLASK_SETAVC_THRESHOLD - 1, a, w->f.op);
        (void)run_op(w, D_DOM0, false, true);
    }

    while (!fuzz_done(&in)) {
        uint8_t tag = fuzz_u8(&in), a[4], cmd;
        unsigned caller = tag & 3, kind = (tag >> 2) & 7;
        uint32_t opcmd;

        if (kind <= 1) {
            uint8_t fault = fuzz_u8(&in), len;

            w->f.fail_from = fault >> 4;
            w->f.fail_to = fault & 15;
            w->f.partial = fuzz_u8(&in);
            fuzz_bytes(&in, w->f.op, XSM_OP_SIZE);
            len = fuzz_u8(&in);
            fuzz_bytes(&in, w->f.data, len);
            memcpy(&opcmd, w->f.op, 4);
            note_op(c, opcmd, run_op(w, caller, true, true));
        } else if (kind <= 5) {
            uint32_t count = 1;
            size_t sidoff;

            cmd = fuzz_u8(&in);
            fuzz_bytes(&in, a, 4);
            if (kind == 5)
                count = sweep_len(fuzz_u16(&in), SWEEP_OPS,
                                  w->mi != NULL ? flask_avc_threshold(flask_avc(w->mi)) : 0);
            sidoff = build_op(w, cmd, a, w->f.op);
            memcpy(&opcmd, w->f.op, 4);
            for (uint32_t i = 0; i < count; i++) {
                unsigned char op[XSM_OP_SIZE];
                uint32_t sid;

                memcpy(op, w->f.op, XSM_OP_SIZE);
                note_op(c, opcmd, run_op(w, caller, false, i < 8 || i % 32 == 0));
                /* The op may have been rewritten (copy-back): restart from it. */
                memcpy(w->f.op, op, XSM_OP_SIZE);
                if (sidoff == 0)
                    continue;
                memcpy(&sid, w->f.op + sidoff, 4);
                sid++;
                memcpy(w->f.op + sidoff, &sid, 4);
            }
        } else {
            avc_sweep(w, &in);
        }
        if (w->mi != NULL)
            avc_check_counters(flask_avc(w->mi));
    }
    if (cached_dirty(c)) {
        cached_fini(c);
        cache[key] = cached_make((conf >> 4) & 7, ((conf >> 2) & 3) % 3, conf >> 7);
    } else if (w->mi != NULL &&
               flask_avc_restart(flask_avc(w->mi), ss_seqno(flask_ss(w->mi)), true) != 0) {
        abort();
    }
    return 0;
}
