/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the XSM hooks under FLASK, driven through the
 * hypervisor model (src/hv) and by direct xsm_* hook calls on its domains.
 *
 * One input is one hypervisor's life: boot with dom0 (dom0_t), a guest
 * (domU_t) and its device model (dm_dom_t), then a sequence of operations
 * from any of its domains (domain create/destroy/pause/getinfo/set_target,
 * event channels, grant tables, Argo, xen_version, console, sysctl, raw
 * hypercalls among them hvm_op, memory_op and vcpu_op), interleaved with policy reloads,
 * setenforce, boolean set and commit, relabelling and AVC threshold changes (all as xsm_op
 * hypercalls from the caller's own memory), and with sweeps that put thousands of distinct subject
 * SIDs through a hook.
 *
 * Input (fuzz-input.h reads zeros past the end):
 *   byte 0  bit 0 permissive (else enforcing, switched on after the boot
 *           domains exist); bits 1-2 policy (fuzz-policies.h; 3 = the
 *           default); bits 3-4 module stack (stacks[]); bit 5 compat guests
 *   byte 1  AVC threshold (fuzz_threshold), set by dom0 with
 *           FLASK_SETAVC_THRESHOLD
 *   then 10-byte records: kind, caller, p[0..7]; kind RAW_HYPERCALL is
 *   followed by a length byte and that many bytes of guest memory.
 *
 * Invariants (abort on violation), besides ASan/UBSan/LSan:
 *   - an operation that fails or is denied changes no model state and no
 *     label (digest(): domains, labels, ports, grants, mappings, rings,
 *     console; guest memory too for grant copy and transfer), except the
 *     documented cases: an xsm_op whose copy-back faults (-EFAULT) after
 *     the command took effect, and raw hypercalls (their batches report
 *     per-operation status);
 *   - a hook that FLASK answers alone never says -EACCES in permissive
 *     mode (every domain here is labelled);
 *   - the AVC's counters agree after every record (hits + misses =
 *     lookups, allocations - frees = entries) and no insert grows it past
 *     threshold + 1;
 *   - log lines are printable ASCII.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hv.h>
#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

#include "core/module.h"
#include "fuzz-input.h"
#include "fuzz-policies.h"
#include "hv/hv_priv.h"
#include "modules/flask/flask.h"

#include "../lib/avc_invariants.h"
#include "../lib/ss_mark.h"

#define GUEST_MEM  (32U * 1024U) /* dom0's holds a policy for FLASK_LOAD */
#define OP_GADDR   0x100ULL      /* xsm_op and raw hypercall arguments */
#define STR_GADDR  0x200ULL      /* strings for xsm_op */
#define POL_GADDR  0x1000ULL     /* a policy image for FLASK_LOAD */
#define SWEEP_STEP 3U            /* long sweeps: up to 766 subjects */
#define RAW_MAX    255U

enum {
    K_CREATE,
    K_DESTROY,
    K_PAUSE,
    K_UNPAUSE,
    K_GETINFO,
    K_SET_TARGET,
    K_EVT_ALLOC,
    K_EVT_BIND,
    K_EVT_SEND,
    K_EVT_STATUS,
    K_EVT_CLOSE,
    K_EVT_RESET,
    K_GNT_WRITE,
    K_GNT_MAP,
    K_GNT_UNMAP,
    K_GNT_SETUP,
    K_GNT_QUERY,
    K_GNT_COPY,
    K_GNT_TRANSFER,
    K_ARGO_REG,
    K_ARGO_UNREG,
    K_ARGO_SEND,
    K_XENVER,
    K_CONSOLE,
    K_SYSCTL,
    K_SETENFORCE,
    K_BOOL,
    K_COMMIT,
    K_THRESHOLD,
    K_RELABEL,
    K_LOAD,
    K_HOOK,
    K_SWEEP,
    K_RAW_HYPERCALL,
    NKINDS
};

struct world {
    struct hv *h;
    xsm_ctx *x;
    struct xsm_instance *mi; /* FLASK, if active */
    bool flask_alone;        /* FLASK is the only module: its answer is the hook's */
    bool compat;
    struct xsm_domain scratch; /* sweep subject: labelled, never in the model */
    uint32_t sids[8];          /* labels ssidref picks from */
};

/* ---- Log lines: printable ASCII only ------------------------------------- */

/*
 * Out of the coverage instrumentation: the log check and the digest (run
 * twice per record over every grant table and maptrack, eight bytes a
 * step) would otherwise cost a callback per loop compare.
 */
#if defined(__clang__)
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))
/* mix() reads only what digest() hands it: ASan's memcpy check per word cost
 * as much as the hashing. */
#define NO_CHECKS __attribute__((no_sanitize("coverage", "address")))
#else
#define NO_COVERAGE
#define NO_CHECKS
#endif

NO_COVERAGE static void fuzz_log(void *opaque, const char *line)
{
    (void)opaque;
    for (const unsigned char *s = (const unsigned char *)line; *s != '\0'; s++)
        if (*s < 0x20 || *s > 0x7e)
            abort();
}

/* ---- The state digest ---------------------------------------------------- */

struct hasher {
    uint64_t v;
};

/*
 * Four independent lanes, folded at the end: the digest runs twice per
 * record over every grant table and maptrack (tens of KiB), and one
 * multiply chain made it half of the harness's time.
 */
NO_CHECKS static void mix(struct hasher *hs, const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t l[4] = {hs->v, hs->v ^ 0x9e3779b97f4a7c15ULL, hs->v + n, ~hs->v};
    size_t i = 0;

    for (; i + 32 <= n; i += 32) {
        uint64_t w[4];
        memcpy(w, b + i, 32);
        for (unsigned k = 0; k < 4; k++) {
            l[k] = (l[k] ^ w[k]) * 0x100000001b3ULL;
            l[k] ^= l[k] >> 29;
        }
    }
    for (; i < n; i++)
        l[0] = (l[0] ^ b[i]) * 0x100000001b3ULL;
    for (unsigned k = 1; k < 4; k++) {
        l[0] = (l[0] ^ l[k]) * 0x100000001b3ULL;
        l[0] ^= l[0] >> 29;
    }
    hs->v = l[0];
}

/*
 * A field of at most eight bytes takes one step, inline: digest() hashes a
 * few thousand such fields per record (every port, every maptrack entry),
 * and a call per field (mix()'s four lanes set up and folded, or a memcpy
 * that ASan intercepts) made the harness spend two thirds of its time here.
 * A macro, not a function: clang does not inline across functions whose
 * sanitizer attributes differ.
 */
#define MIX(hs, x)                                                                                 \
    do {                                                                                           \
        if (sizeof(x) <= 8) {                                                                      \
            uint64_t w_ = (uint64_t)sizeof(x) << 56;                                               \
            uint64_t v_ = 0;                                                                       \
                                                                                                   \
            __builtin_memcpy(&v_, &(x), sizeof(x) <= 8 ? sizeof(x) : 8);                           \
            (hs)->v = ((hs)->v ^ w_ ^ v_) * 0x100000001b3ULL;                                      \
            (hs)->v ^= (hs)->v >> 29;                                                              \
        } else {                                                                                   \
            mix((hs), &(x), sizeof(x));                                                            \
        }                                                                                          \
    } while (0)

static void mix_label(struct world *w, struct hasher *hs, const struct xsm_domain *d)
{
    const struct flask_domain_sec *s = w->mi != NULL ? flask_dsec(w->mi, d) : NULL;

    if (s != NULL) {
        uint32_t v[3] = {atomic_load(&s->sid), atomic_load(&s->self_sid),
                         atomic_load(&s->target_sid)};
        mix(hs, v, sizeof(v));
    }
}

/* Everything an operation may change, guest memory and the AVC aside. */
NO_COVERAGE static uint64_t digest(struct world *w)
{
    struct hasher hs = {0xcbf29ce484222325ULL};
    const struct hv *h = w->h;

    MIX(&hs, h->nr_doms);
    MIX(&hs, h->con_len);
    MIX(&hs, h->con_in_len);
    mix_label(w, &hs, &h->idle);
    if (w->mi != NULL) {
        struct flask_state *st = flask_state(w->mi);
        uint32_t seq = ss_seqno(st->ss), thr = flask_avc_threshold(st->avc);

        bool enf = flask_enforcing(w->mi), d0 = atomic_load(&st->dom0_created);

        MIX(&hs, enf);
        MIX(&hs, d0);
        MIX(&hs, seq);
        MIX(&hs, thr);
        /* Pending values as GETBOOL shows them (see fuzz_xsm_op.c's digest). */
        for (unsigned i = 0; i < ss_bool_count(st->ss); i++) {
            int a = 0, p = 0, shown;
            (void)ss_bool_get(st->ss, i, &a, &p);
            shown = st->bool_pending != NULL && i < st->bool_num ? st->bool_pending[i] : a;
            MIX(&hs, a);
            MIX(&hs, shown);
        }
    }
    for (const struct hv_dom *d = h->doms; d != NULL; d = d->next) {
        xsm_domid_t tgt = d->x.target != NULL ? d->x.target->domid : XSM_DOMID_INVALID;

        MIX(&hs, d->x.domid);
        MIX(&hs, d->x.is_privileged);
        MIX(&hs, d->x.is_xenstore);
        MIX(&hs, tgt);
        MIX(&hs, d->cdf);
        MIX(&hs, d->ssidref);
        MIX(&hs, d->handle);
        MIX(&hs, d->pause_count);
        MIX(&hs, d->dying);
        mix_label(w, &hs, &d->x);
        MIX(&hs, d->nr_ports);
        for (uint32_t p = 0; p < d->nr_ports; p++) {
            const struct xsm_evtchn *c = &d->chn[p];
            xsm_domid_t rd = c->remote != NULL ? c->remote->domid : XSM_DOMID_INVALID;

            MIX(&hs, c->state);
            MIX(&hs, rd);
            MIX(&hs, c->remote_port);
            MIX(&hs, c->remote_domid);
            MIX(&hs, c->label);
            MIX(&hs, d->port[p].pending);
        }
        MIX(&hs, d->gnt_frames);
        MIX(&hs, d->gnt_version);
        mix(&hs, d->gnt_shared, (size_t)d->gnt_max_frames * HV_PAGE_SIZE);
        mix(&hs, d->gnt_shared_gfn, (size_t)d->gnt_max_frames * sizeof(*d->gnt_shared_gfn));
        mix(&hs, d->gnt_act, (size_t)d->gnt_max_frames * HV_GRANTS_PER_FRAME * sizeof(*d->gnt_act));
        for (unsigned i = 0; i < HV_MAPTRACK_SIZE; i++) {
            const struct hv_map *m = &d->maptrack[i];

            MIX(&hs, m->used);
            if (!m->used)
                continue; /* the rest of a free entry means nothing */
            MIX(&hs, m->granter);
            MIX(&hs, m->ref);
            MIX(&hs, m->readonly);
            MIX(&hs, m->frame);
            MIX(&hs, m->host_gpa);
        }
        MIX(&hs, d->nr_rings);
        for (const struct hv_argo_ring *r = d->rings; r != NULL; r = r->next) {
            unsigned nmsg = 0;

            MIX(&hs, r->aport);
            MIX(&hs, r->partner);
            MIX(&hs, r->len);
            MIX(&hs, r->used);
            for (const struct hv_argo_qmsg *m = r->head; m != NULL; m = m->next)
                nmsg++;
            MIX(&hs, nmsg);
        }
    }
    return hs.v;
}

/* Guest memory of every domain, for the operations that move pages. */
NO_COVERAGE static uint64_t memory_digest(struct world *w)
{
    struct hasher hs = {0xcbf29ce484222325ULL};

    for (const struct hv_dom *d = w->h->doms; d != NULL; d = d->next)
        if (d->mem != NULL)
            mix(&hs, d->mem, d->mem_size);
    return hs.v;
}

/* ---- Picks --------------------------------------------------------------- */

static const xsm_domid_t domid_table[] = {
    0, 1, 2, 3, 4, 5, 6, 7, XSM_DOMID_SELF, XSM_DOMID_XEN, XSM_DOMID_IO, XSM_DOMID_INVALID, 100,
};
#define NDOMIDS (sizeof(domid_table) / sizeof(domid_table[0]))

static xsm_domid_t pick_domid(uint8_t b)
{
    return domid_table[b % NDOMIDS];
}

/* A caller: an existing domain (dom0, the guest and the DM most often). */
static xsm_domid_t pick_caller(struct world *w, uint8_t b)
{
    xsm_domid_t id = (b & 0x80) ? (xsm_domid_t)(b & 7) : (xsm_domid_t)(b % 3);

    return hv_domain_exists(w->h, id) ? id : 0;
}

/* A label: the boot labels, other policy types, initial SIDs, raw values. */
static uint32_t pick_sid(struct world *w, uint8_t b)
{
    switch (b >> 6) {
    case 0:
        return w->sids[b & 7];
    case 1:
        return b & 15;
    case 2:
        return 14 + (b & 63);
    default:
        return (uint32_t)b << 24 | b;
    }
}

static struct xsm_domain *pick_xdom(struct world *w, uint8_t b)
{
    if ((b & 0x0f) == 0x0f)
        return NULL; /* hooks refuse a NULL domain rather than crash */
    return hv_domain_xsm(w->h, (xsm_domid_t)(b & 7));
}

/* ---- xsm_op hypercalls from a domain's memory ---------------------------- */

static long xsm_op_call(struct world *w, xsm_domid_t caller, const xen_flask_op_t *op)
{
    uint64_t args[6] = {OP_GADDR};
    unsigned char buf[XSM_OP_SIZE];

    memcpy(buf, op, XSM_OP_SIZE);
    if (hv_guest_write(w->h, caller, OP_GADDR, buf, XSM_OP_SIZE) != 0)
        return -EFAULT;
    return hv_hypercall(w->h, caller, HV_HYPERCALL_xsm_op, args);
}

static void op_init(xen_flask_op_t *op, uint16_t sub)
{
    memset(op, 0, sizeof(*op));
    op->cmd = XSM_OP_CMD(XSM_MODULE_FLASK, sub);
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
}

/* FLASK_LOAD of policy image 'which' (cut short when 'cut'), from caller's memory. */
static long load_policy(struct world *w, xsm_domid_t caller, uint8_t which, uint8_t cut)
{
    size_t len;
    const unsigned char *p = fuzz_policy(which, &len);
    xen_flask_op_t op;
    uint32_t size = (uint32_t)len - (cut >= 224 ? (uint32_t)(cut - 223) * 97U % (uint32_t)len : 0);

    if (hv_guest_write(w->h, caller, POL_GADDR, p, len) != 0)
        return -EFAULT;
    op_init(&op, FLASK_LOAD);
    if (w->compat) {
        struct compat_flask_op *c = (struct compat_flask_op *)&op;
        c->u.load.buffer.c = (uint32_t)POL_GADDR;
        c->u.load.size = size;
    } else {
        op.u.load.buffer.p = (char *)(uintptr_t)POL_GADDR;
        op.u.load.size = size;
    }
    return xsm_op_call(w, caller, &op);
}

static long set_bool(struct world *w, xsm_domid_t caller, const uint8_t *p)
{
    xen_flask_op_t op;

    /* bool_id, enforcing, pending, new_value, commit sit at the same offsets
     * in both layouts; by id only, so no name handle is needed. */
    op_init(&op, FLASK_SETBOOL);
    op.u.boolean.bool_id = p[0] % 4;
    op.u.boolean.new_value = p[1] & 1;
    op.u.boolean.commit = (p[1] >> 1) & 1;
    return xsm_op_call(w, caller, &op);
}

/* ---- Direct hook calls ----------------------------------------------------- */

#define NHOOKS 34

/* Hook 'which' with cur and two domains; returns its result (strings: 0). */
static int call_hook(struct world *w, unsigned which, struct xsm_domain *cur, struct xsm_domain *d1,
                     struct xsm_domain *d2, const uint8_t *p)
{
    xsm_ctx *x = w->x;
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8;
    char *s;

    switch (which % NHOOKS) {
    case 0:
        return xsm_getdomaininfo(x, cur, d1);
    case 1:
        return xsm_domctl(x, cur, d1, p[0]);
    case 2:
        return xsm_sysctl(x, cur, p[0]);
    case 3:
        return xsm_grant_mapref(x, cur, d1, d2, p[0] & 7);
    case 4:
        return xsm_grant_setup(x, cur, d1, d2);
    case 5:
        return xsm_memory_adjust_reservation(x, cur, d1, d2);
    case 6:
        return xsm_memory_pin_page(x, cur, d1, d2, v);
    case 7:
        return xsm_add_to_physmap(x, cur, d1, d2);
    case 8:
        return xsm_map_gmfn_foreign(x, cur, d1, d2);
    case 9:
        return xsm_console_io(x, cur, d1, p[0] & 1);
    case 10:
        return xsm_profile(x, cur, d1, p[0]);
    case 11:
        return xsm_schedop_shutdown(x, cur, d1, d2);
    case 12:
        return xsm_map_domain_pirq(x, cur, d1);
    case 13:
        return xsm_map_domain_irq(x, cur, d1, (int)(v & 0x1ff) - 8, NULL);
    case 14:
        return xsm_irq_permission(x, cur, d1, (int)(v & 0xff), p[2] & 1);
    case 15:
        return xsm_iomem_permission(x, cur, d1, v, v + p[2], p[3] & 1);
    case 16:
        return xsm_pci_config_permission(x, cur, d1, v, p[2], p[3], p[4] & 1);
    case 17:
        return xsm_assign_device(x, cur, d1, v);
    case 18:
        return xsm_assign_dtdevice(x, cur, d1, (p[0] & 1) ? "/soc/uart@0" : "/");
    case 19:
        return xsm_resource_plug_pci(x, cur, v);
    case 20:
        return xsm_hvm_param(x, cur, d1, p[0]);
    case 21:
        return xsm_mem_sharing_op(x, cur, d1, d2, p[0]);
    case 22:
        return xsm_mmu_update(x, cur, d1, d2, d1, p[0] & 15);
    case 23:
        return xsm_update_va_mapping(x, cur, d1, d2, v);
    case 24:
        return xsm_ioport_permission(x, cur, d1, v, v + p[2], p[3] & 1);
    case 25:
        return xsm_dm_op(x, cur, d1);
    case 26:
        return xsm_xen_version(x, cur, p[0] % 12);
    case 27:
        return xsm_argo_send(x, cur, d1, d2);
    case 28:
        s = xsm_show_irq_sid(x, cur, (int)(v & 0x1ff), NULL);
        free(s);
        return 0;
    case 29: {
        struct xsm_domaininfo info = {0};
        xsm_security_domaininfo(x, cur, d1, &info);
        return 0;
    }
    case 30:
        return xsm_domain_resource_map(x, cur, d1);
    case 31:
        return xsm_set_target(x, cur, d1, d2);
    case 32:
        return xsm_domain_create(x, cur, d1, pick_sid(w, p[0]));
    default:
        return xsm_evtchn_reset(x, cur, d1, d2);
    }
}

/* Hooks whose FLASK check involves only labelled domains and no resource
 * (a resource's label can be missing), so permissive mode must allow. */
static bool permissive_must_allow(unsigned which)
{
    switch (which % NHOOKS) {
    case 0:
    case 3:
    case 4:
    case 5:
    case 7:
    case 8:
    case 11:
    case 25:
    case 27:
    case 30:
        return true;
    default:
        return false;
    }
}

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
sweep_len(uint16_t c, uint32_t threshold)
{
    uint32_t n = 1 + (c & 0xffU) * SWEEP_STEP;

    if ((c >> 8) != SWEEP_LONG)
        return 1 + (c & 7U);
    return n < threshold + 16 ? n : threshold + 16;
}

/* Many subjects: the scratch domain relabelled before each call. */
static void sweep(struct world *w, const uint8_t *p, uint16_t count)
{
    struct flask_domain_sec *s;
    uint32_t first = (uint32_t)p[1] | (uint32_t)p[2] << 8;
    struct xsm_domain *d1 = pick_xdom(w, p[3]), *d2 = pick_xdom(w, p[4]);

    if (w->mi == NULL || (s = flask_dsec(w->mi, &w->scratch)) == NULL)
        return;
    for (uint32_t i = 0, n = sweep_len(count, flask_avc_threshold(flask_avc(w->mi))); i < n; i++) {
        uint32_t before = avc_count(flask_avc(w->mi));
        int rc;

        s->sid = s->self_sid = first + i;
        rc = call_hook(w, p[0], &w->scratch, d1, d2, p + 3);
        avc_check_growth(flask_avc(w->mi), before);
        if (w->flask_alone && !flask_enforcing(w->mi) && rc == -EACCES && d1 != NULL &&
            d2 != NULL && permissive_must_allow(p[0]))
            abort();
    }
}

/* ---- One record ------------------------------------------------------------ */

static bool is_failure(unsigned kind, long rc)
{
    switch (kind) {
    case K_GNT_MAP:
    case K_GNT_UNMAP:
    case K_GNT_SETUP:
    case K_GNT_QUERY:
    case K_GNT_COPY:
    case K_GNT_TRANSFER:
        return rc != HV_GNTST_okay; /* Xen's GNTST_* codes */
    case K_XENVER:
        return false; /* denied sub-ops answer with "<denied>" data, by design */
    default:
        return rc < 0;
    }
}

static long run_record(struct world *w, unsigned kind, xsm_domid_t c, const uint8_t *p,
                       struct fuzz_in *in)
{
    struct hv *h = w->h;
    xen_flask_op_t op;
    uint32_t port = 0, u32 = 0, handle = 0;
    struct hv_dominfo info;
    struct hv_evtchn_status st;
    char buf[256];

    switch (kind) {
    case K_CREATE: {
        struct hv_domain_config dc = {
            .domid = (p[0] & 0x80) ? 0 : (xsm_domid_t)(p[0] & 7),
            .flags = (p[1] & 1 ? HV_CDF_hvm : 0) | (p[1] & 2 ? HV_CDF_xs_domain : 0) |
                     (p[1] & 4 ? 0x100U : 0),
            .ssidref = pick_sid(w, p[2]),
            .mem_size = 8192,
            .max_evtchn_port = 15,
            .max_grant_frames = 2,
            .is_compat = w->compat,
        };
        return hv_domain_create(h, c, &dc, NULL);
    }
    case K_DESTROY:
        return hv_domain_destroy(h, c, pick_domid(p[0]));
    case K_PAUSE:
        return hv_domain_pause(h, c, pick_domid(p[0]));
    case K_UNPAUSE:
        return hv_domain_unpause(h, c, pick_domid(p[0]));
    case K_GETINFO:
        return hv_domain_getinfo(h, c, pick_domid(p[0]), &info);
    case K_SET_TARGET:
        return hv_domain_set_target(h, c, pick_domid(p[0]), pick_domid(p[1]));
    case K_EVT_ALLOC:
        return hv_evtchn_alloc_unbound(h, c, pick_domid(p[0]), pick_domid(p[1]), &port);
    case K_EVT_BIND:
        return hv_evtchn_bind_interdomain(h, c, pick_domid(p[0]), p[1] & 31, &port);
    case K_EVT_SEND:
        return hv_evtchn_send(h, c, p[0] & 31);
    case K_EVT_STATUS:
        return hv_evtchn_status(h, c, pick_domid(p[0]), p[1] & 31, &st);
    case K_EVT_CLOSE:
        return hv_evtchn_close(h, c, p[0] & 31);
    case K_EVT_RESET:
        return hv_evtchn_reset(h, c, pick_domid(p[0]));
    case K_GNT_WRITE: {
        static const uint16_t fl[] = {HV_GTF_invalid, HV_GTF_permit_access,
                                      HV_GTF_permit_access | HV_GTF_readonly,
                                      HV_GTF_accept_transfer};
        return hv_gnttab_write_entry(h, c, p[0] & 15, fl[p[1] & 3], pick_domid(p[2]), p[3] & 1);
    }
    case K_GNT_MAP:
        return hv_gnttab_map(h, c, pick_domid(p[0]), p[1] & 15, p[2] & 7, &handle);
    case K_GNT_UNMAP:
        return hv_gnttab_unmap(h, c, p[0] & 7);
    case K_GNT_SETUP:
        return hv_gnttab_setup(h, c, pick_domid(p[0]), p[1] & 3, NULL);
    case K_GNT_QUERY:
        return hv_gnttab_query_size(h, c, pick_domid(p[0]), &u32, &port);
    case K_GNT_COPY: {
        struct hv_gnttab_copy_ptr src = {
            .ref_or_gfn = p[0] & 15, .domid = pick_domid(p[1]), .offset = (uint16_t)(p[2] << 4)};
        struct hv_gnttab_copy_ptr dst = {
            .ref_or_gfn = p[3] & 15, .domid = pick_domid(p[4]), .offset = (uint16_t)(p[5] << 4)};
        return hv_gnttab_copy(h, c, &src, &dst, (uint16_t)(p[5] * 17U), p[0] >> 6);
    }
    case K_GNT_TRANSFER:
        return hv_gnttab_transfer(h, c, p[0] & 1, pick_domid(p[1]), p[2] & 15);
    case K_ARGO_REG:
        return hv_argo_register_ring(h, c, p[0],
                                     (p[1] & 0x80) ? HV_ARGO_DOMID_ANY : pick_domid(p[1]),
                                     (uint32_t)(p[2] & 7) * 64U + 48U * (p[3] & 1), p[4] & 1);
    case K_ARGO_UNREG:
        return hv_argo_unregister_ring(h, c, p[0],
                                       (p[1] & 0x80) ? HV_ARGO_DOMID_ANY : pick_domid(p[1]));
    case K_ARGO_SEND:
        memset(buf, 'a' + (p[4] & 15), sizeof(buf));
        return hv_argo_send(h, c, p[0], pick_domid(p[1]), p[2], p[3], buf, p[5]);
    case K_XENVER:
        return hv_xen_version(h, c, p[0] % 12, buf, sizeof(buf));
    case K_CONSOLE:
        if (p[0] & 1)
            return hv_console_read(h, c, buf, p[1]);
        memset(buf, (p[2] & 0x80) ? p[2] : 'x', sizeof(buf));
        return hv_console_write(h, c, buf, p[1]);
    case K_SYSCTL:
        if (p[0] & 1) {
            struct hv_physinfo pi;
            return hv_sysctl_physinfo(h, c, &pi);
        }
        return hv_sysctl_readconsole(h, c, buf, p[1], p[2] & 1);
    case K_SETENFORCE:
        op_init(&op, FLASK_SETENFORCE);
        op.u.enforce.enforcing = p[0] & 1;
        return xsm_op_call(w, c, &op);
    case K_BOOL:
        return set_bool(w, c, p);
    case K_COMMIT:
        op_init(&op, FLASK_COMMITBOOLS);
        return xsm_op_call(w, c, &op);
    case K_THRESHOLD:
        op_init(&op, FLASK_SETAVC_THRESHOLD);
        op.u.setavc_threshold.threshold = fuzz_threshold(p[0]);
        return xsm_op_call(w, c, &op);
    case K_RELABEL:
        op_init(&op, FLASK_RELABEL_DOMAIN);
        op.u.relabel.domid = pick_domid(p[0]);
        op.u.relabel.sid = pick_sid(w, p[1]);
        return xsm_op_call(w, c, &op);
    case K_LOAD:
        return load_policy(w, c, p[0], p[1]);
    case K_HOOK: {
        struct xsm_domain *cur = hv_domain_xsm(h, c), *d1 = pick_xdom(w, p[1]),
                          *d2 = pick_xdom(w, p[2]);
        int rc = call_hook(w, p[0], cur, d1, d2, p + 3);

        if (w->mi != NULL && w->flask_alone && !flask_enforcing(w->mi) && rc == -EACCES &&
            d1 != NULL && d2 != NULL && permissive_must_allow(p[0]))
            abort();
        return 0; /* a direct hook call changes model state only through labels */
    }
    case K_SWEEP:
        sweep(w, p, (uint16_t)(p[5] | p[6] << 8));
        return 0;
    default: {
        uint8_t raw[RAW_MAX];
        size_t n = fuzz_bytes(in, raw, fuzz_u8(in));
        uint64_t args[6] = {0};
        unsigned nr;

        /* Xen's register arguments of each hypercall, pointers into raw. */
        switch (p[0] % 10) {
        case 0:
            nr = HV_HYPERCALL_xen_version;
            args[0] = p[1] % 12;
            args[1] = OP_GADDR;
            break;
        case 1:
            nr = HV_HYPERCALL_console_io;
            args[0] = p[1] & 1;
            args[1] = n;
            args[2] = OP_GADDR;
            break;
        case 2:
            nr = HV_HYPERCALL_grant_table_op;
            args[0] = p[1] % 7;
            args[1] = OP_GADDR;
            args[2] = p[2] & 3;
            break;
        case 3:
            nr = HV_HYPERCALL_event_channel_op;
            args[0] = p[1] % 11;
            args[1] = OP_GADDR;
            break;
        case 4:
            nr = HV_HYPERCALL_argo_op;
            args[0] = p[1] & 3;
            args[1] = OP_GADDR;
            args[2] = OP_GADDR + 0x40;
            args[3] = p[2];
            args[4] = p[3];
            break;
        case 5:
            nr = HV_HYPERCALL_sysctl;
            args[0] = OP_GADDR;
            break;
        case 6:
            nr = HV_HYPERCALL_domctl;
            args[0] = OP_GADDR;
            break;
        case 8:
            nr = HV_HYPERCALL_hvm_op;
            /* set_param, get_param, two unmodelled; or set_evtchn_upcall_vector */
            args[0] = (p[1] & 4) ? 23 : p[1] & 3;
            args[1] = OP_GADDR;
            break;
        case 7:
            if (p[1] & 0x80) {
                /* The sub-op (timers and all), vCPU 0 mostly, another now and then. */
                nr = HV_HYPERCALL_vcpu_op;
                args[0] = p[1] & 15;
                args[1] = (p[2] & 7) == 7 ? p[3] : 0;
                args[2] = OP_GADDR;
                break;
            }
            nr = HV_HYPERCALL_xsm_op;
            args[0] = OP_GADDR;
            break;
        case 9:
            /* The sub-op, and a start extent above it now and then. */
            nr = HV_HYPERCALL_memory_op;
            args[0] = (p[1] & 15U) | ((uint64_t)p[2] << 6);
            args[1] = OP_GADDR;
            break;
        default:
            nr = HV_HYPERCALL_xsm_op;
            args[0] = OP_GADDR;
            break;
        }
        if (hv_guest_write(h, c, OP_GADDR, raw, n) != 0)
            return -EFAULT;
        return hv_hypercall(h, c, nr, args);
    }
    }
}

/* ---- Boot -------------------------------------------------------------------- */

static const char *const stacks[] = {"flask", "flask", "silo,flask", "dummy"};

static uint32_t sid_of(struct world *w, const char *ctx, uint32_t fallback)
{
    uint32_t sid;

    if (w->mi == NULL || ss_context_to_sid(flask_ss(w->mi), ctx, strlen(ctx), &sid) != 0)
        return fallback;
    return sid;
}

static int boot(struct world *w, uint8_t conf)
{
    struct hv_config cfg = {0};
    size_t plen;
    struct hv_domain_config dc = {.domid = 1,
                                  .mem_size = 8192,
                                  .max_evtchn_port = 15,
                                  .max_grant_frames = 2,
                                  .flags = HV_CDF_hvm};

    w->compat = (conf >> 5) & 1;
    cfg.modules = stacks[(conf >> 3) & 3];
    /* The boot domains are built permissive; the mode asked for follows. */
    cfg.flask_mode = "permissive";
    cfg.policy = fuzz_policy((conf >> 1) & 3, &plen);
    cfg.policy_len = plen;
    cfg.guest_mem_size = GUEST_MEM;
    cfg.max_evtchn_port = 15;
    cfg.max_grant_frames = 2;
    cfg.log = fuzz_log;
    if (hv_create(&w->h, &cfg) != 0)
        return -1;
    w->x = hv_xsm(w->h);
    w->mi = xsm_find_active(w->x, XSM_MODULE_FLASK);
    w->flask_alone = w->mi != NULL && xsm_active_count(w->x) == 1;

    w->sids[0] = sid_of(w, "system_u:system_r:dom0_t", SECINITSID_DOM0);
    w->sids[1] = sid_of(w, "system_u:system_r:domU_t", SECINITSID_DOMU);
    w->sids[2] = sid_of(w, "system_u:system_r:dm_dom_t", SECINITSID_DOMDM);
    w->sids[3] = sid_of(w, "system_u:system_r:perm_t", SECINITSID_DOMU);
    w->sids[4] = sid_of(w, "system_u:system_r:domU2_t", SECINITSID_DOMU);
    w->sids[5] = sid_of(w, "system_u:system_r:other_t", SECINITSID_DOMU);
    w->sids[6] = sid_of(w, "system_u:system_r:isolated_domU_t", SECINITSID_DOMU);
    w->sids[7] = SECINITSID_UNLABELED;

    /* domU_t guest (1) and its device model dm_dom_t (2). */
    dc.ssidref = w->sids[1];
    dc.is_compat = w->compat;
    (void)hv_domain_create(w->h, 0, &dc, NULL);
    dc.domid = 2;
    dc.flags = 0;
    dc.ssidref = w->sids[2];
    (void)hv_domain_create(w->h, 0, &dc, NULL);
    (void)hv_domain_set_target(w->h, 0, 2, 1);

    if (w->mi != NULL) {
        w->scratch.domid = 50; /* no such domain in the model */
        if (xsm_alloc_security_domain(w->x, NULL, &w->scratch) != 0)
            return -1;
    }
    return 0;
}

/* ---- Reused hypervisors ------------------------------------------------------ */

/*
 * Booting (a policy load with its class mapping, three domains, their
 * grant tables and memory) costs more than most inputs' records, so one
 * booted hypervisor per configuration (stack, policy, compat guests: 4 x 3
 * x 2) is kept between inputs and every input starts from its pristine,
 * just-booted state:
 *   - before the input: the AVC as flask_avc_create left it
 *     (flask_avc_restart: empty, reclaim hint at bucket 0, default
 *     threshold, counters zero) in the input's mode, then the threshold op;
 *   - after it, if nothing the reset cannot undo happened: the boot
 *     domains' guest memory copied back, the sweep domain's label, the AVC
 *     restarted again (freeing its nodes within the input) in boot mode;
 *   - otherwise the hypervisor is destroyed and booted again, in the same
 *     input.  That is: a record that may change model or label state took
 *     effect (anything but the read-only kinds, hook calls, sweeps, mode and
 *     threshold, when it succeeded or faulted after a change; every raw
 *     hypercall that did not fail), or, after the reset, the model digest,
 *     the state outside it (extra_digest()), the security server's mark
 *     (ss_mark.h: a load, commit, label change, a new SID) or a pending
 *     boolean array differ from the pristine ones.
 * Both paths free within the input what it allocated, so libFuzzer's leak
 * check after an input that allocated more than it freed stays rare.
 */
#define NKEYS (4 * 3 * 2)

struct cached {
    struct world w;
    bool failed; /* boot refused this configuration */
    bool dirty;
    uint64_t digest, extra;
    uint32_t scratch_sid, scratch_self;
    struct ss_mark mark;
    uint8_t *mem[3]; /* the boot domains' memory */
    size_t mem_size[3];
};

static struct cached *cache[NKEYS];

/* Model state digest() leaves out: the console's text, the domid rover and
 * each domain's pages, shared-info placement and HVM parameters. */
NO_COVERAGE static uint64_t extra_digest(struct world *w)
{
    struct hasher hs = {0x84222325cbf29ce4ULL};
    const struct hv *h = w->h;

    MIX(&hs, h->rover);
    if (h->con != NULL)
        mix(&hs, h->con, h->con_len);
    mix(&hs, h->con_in, h->con_in_len);
    for (const struct hv_dom *d = h->doms; d != NULL; d = d->next) {
        MIX(&hs, d->con_midline);
        MIX(&hs, d->tot_pages);
        MIX(&hs, d->max_pages);
        MIX(&hs, d->shinfo_placed);
        MIX(&hs, d->shinfo_gpfn);
        mix(&hs, d->hvm_param, sizeof(d->hvm_param));
    }
    return hs.v;
}

static struct hv_dom *boot_dom(struct world *w, unsigned i)
{
    return hv_dom_get(w->h, (xsm_domid_t)i);
}

static void cached_fini(struct cached *c)
{
    if (c->w.h != NULL) {
        if (c->w.mi != NULL)
            xsm_free_security_domain(c->w.x, NULL, &c->w.scratch);
        hv_destroy(c->w.h);
    }
    for (unsigned i = 0; i < 3; i++)
        free(c->mem[i]);
    free(c);
}

/* The AVC as made, in mode 'enforcing' (flask_avc_restart), and the mode. */
static void avc_restart(struct world *w, bool enforcing)
{
    if (w->mi == NULL)
        return;
    if (flask_avc_restart(flask_avc(w->mi), ss_seqno(flask_ss(w->mi)), enforcing) != 0 ||
        flask_set_enforcing(w->mi, enforcing) != 0)
        abort();
}

static struct cached *cached_make(uint8_t conf)
{
    struct cached *c = calloc(1, sizeof(*c));

    if (c == NULL)
        abort();
    if (boot(&c->w, conf) != 0) {
        c->failed = true;
        return c;
    }
    for (unsigned i = 0; i < 3; i++) {
        const struct hv_dom *d = boot_dom(&c->w, i);
        if (d == NULL || d->mem == NULL)
            continue;
        c->mem[i] = malloc(d->mem_size);
        if (c->mem[i] == NULL)
            abort();
        memcpy(c->mem[i], d->mem, d->mem_size);
        c->mem_size[i] = d->mem_size;
    }
    if (c->w.mi != NULL) {
        const struct flask_domain_sec *s = flask_dsec(c->w.mi, &c->w.scratch);
        c->scratch_sid = s->sid;
        c->scratch_self = s->self_sid;
        ss_mark_take(flask_ss(c->w.mi), &c->mark);
    }
    c->digest = digest(&c->w);
    c->extra = extra_digest(&c->w);
    return c;
}

/* After the input: back to pristine, or false if that cannot be done here. */
static bool cached_reset(struct cached *c)
{
    struct world *w = &c->w;

    if (c->dirty)
        return false;
    avc_restart(w, false); /* boot mode */
    if (w->mi != NULL) {
        struct flask_domain_sec *s = flask_dsec(w->mi, &w->scratch);
        s->sid = c->scratch_sid;
        s->self_sid = c->scratch_self;
        if (flask_state(w->mi)->bool_pending != NULL || !ss_mark_same(flask_ss(w->mi), &c->mark))
            return false;
    }
    if (digest(w) != c->digest || extra_digest(w) != c->extra)
        return false;
    for (unsigned i = 0; i < 3; i++) {
        struct hv_dom *d = boot_dom(w, i);
        if (c->mem[i] == NULL && (d == NULL || d->mem == NULL))
            continue;
        if (c->mem[i] == NULL || d == NULL || d->mem == NULL || d->mem_size != c->mem_size[i])
            return false;
        memcpy(d->mem, c->mem[i], c->mem_size[i]);
    }
    return true;
}

/* Record kinds that change nothing the reset does not put back. */
static bool kind_clean(unsigned kind)
{
    switch (kind) {
    case K_GETINFO:
    case K_EVT_STATUS:
    case K_GNT_QUERY:
    case K_XENVER:
    case K_SYSCTL:
    case K_HOOK:
    case K_SWEEP:
    case K_SETENFORCE:
    case K_THRESHOLD:
        return true;
    default:
        return false;
    }
}

static unsigned key_of(uint8_t conf)
{
    /* stack (bits 3-4), policy (bits 1-2, 3 = 0), compat (bit 5) */
    return ((conf >> 3) & 3) * 6 + ((conf >> 1) & 3) % 3 * 2 + ((conf >> 5) & 1);
}

/* The configuration byte of a key, permissive bit clear. */
static uint8_t conf_of(unsigned key)
{
    return (uint8_t)((key / 6) << 3 | (key % 6 / 2) << 1 | (key & 1) << 5);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (unsigned k = 0; k < NKEYS; k++)
        cache[k] = cached_make(conf_of(k));
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size};
    struct cached *c;
    struct world *w;
    uint8_t conf, thr;
    uint64_t after = 0;
    bool have_after = false;
    unsigned key;

    if (size < 2)
        return 0;
    conf = fuzz_u8(&in);
    thr = fuzz_u8(&in);
    key = key_of(conf);
    if (cache[key] == NULL) /* a replay without LLVMFuzzerInitialize */
        cache[key] = cached_make(conf_of(key));
    c = cache[key];
    if (c->failed)
        return 0;
    w = &c->w;
    c->dirty = false;
    /* The mode asked for (as flask=enforcing or permissive), the threshold
     * set by dom0 as a toolstack would. */
    avc_restart(w, !(conf & 1));
    {
        xen_flask_op_t op;

        op_init(&op, FLASK_SETAVC_THRESHOLD);
        op.u.setavc_threshold.threshold = fuzz_threshold(thr);
        (void)xsm_op_call(w, 0, &op);
    }

    while (!fuzz_done(&in)) {
        uint8_t rec[10];
        unsigned kind;
        xsm_domid_t caller;
        uint64_t before, mem_before = 0;
        uint32_t entries = 0, thr_before = 0;
        long rc;

        fuzz_bytes(&in, rec, sizeof(rec));
        kind = rec[0] % NKINDS;
        caller = pick_caller(w, rec[1]);
        /* Nothing runs between two records: the last one's after is this one's before. */
        before = have_after ? after : digest(w);
        have_after = false;
        if (kind == K_GNT_COPY || kind == K_GNT_TRANSFER)
            mem_before = memory_digest(w);
        if (w->mi != NULL) {
            entries = avc_count(flask_avc(w->mi));
            thr_before = flask_avc_threshold(flask_avc(w->mi));
        }

        rc = run_record(w, kind, caller, rec + 2, &in);

        if (kind == K_RAW_HYPERCALL ? rc >= 0 || rc == -EFAULT
                                    : !kind_clean(kind) && (!is_failure(kind, rc) || rc == -EFAULT))
            c->dirty = true;
        if (kind != K_RAW_HYPERCALL && is_failure(kind, rc) && rc != -EFAULT) {
            after = digest(w);
            have_after = true;
            if (after != before)
                abort(); /* a failed operation changed state */
            if ((kind == K_GNT_COPY || kind == K_GNT_TRANSFER) && memory_digest(w) != mem_before)
                abort();
        }
        if (w->mi != NULL) {
            avc_check_counters(flask_avc(w->mi));
            if (flask_avc_threshold(flask_avc(w->mi)) == thr_before && kind != K_SWEEP)
                avc_check_growth(flask_avc(w->mi), entries);
        }
    }

    if (!cached_reset(c)) {
        cached_fini(c);
        cache[key] = cached_make(conf_of(key));
    }
    return 0;
}
