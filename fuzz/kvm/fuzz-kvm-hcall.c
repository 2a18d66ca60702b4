/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the KVM host's hypercall path without KVM: the
 * argument decoder (src/hosts/kvm/decode.c), the guest page walker
 * (walk.c) and the model call behind them (hv_hypercall, xsm_do_op), on a
 * fake register file, fake segment/control state and a guest memory buffer
 * whose page tables come from the input.
 *
 * The model is persistent (one per module stack, built at the first input):
 * each input creates its two guests (domU_t d1 and its device model
 * dm_dom_t d2, FLASK labels; under dummy d2 is d1's privileged target),
 * runs its calls, and destroys them again, and the console is emptied, so
 * an input's outcome does not depend on the inputs before it.
 *
 * Input (fuzz-input.h reads zeros past the end):
 *   byte 0  bit 0 FLASK (else dummy); bit 1 d2 is a 32-bit domain; bit 2
 *           the guests are console domains; bit 3 raw control registers
 *           (bytes 10-21) instead of the mode's; bits 4-5 SS.DPL (CPL);
 *           bit 6 CR0.WP
 *   byte 1  bits 0-2 mode: 0 real, 1 protected without paging, 2 2-level,
 *           3 2-level with PSE, 4 PAE, 5 4-level 64-bit, 6 4-level with a
 *           32-bit code segment (compatibility mode), 7 5-level (LA57);
 *           bits 3-5 guest memory pages - 1 (4 KiB to 32 KiB)
 *   2-9     CR3
 *   10-21   raw CR0, CR4, EFER (u32 each; with byte 0 bit 3)
 *   22      number of calls - 1 (bits 0-1)
 *   then per call 74 bytes: caller (bit 0: d1 or d2), hypercall number
 *           (bits 0-6), rdi rsi rdx r10 r8 r9 rbx rcx rbp (u64 each)
 *   then    the guest memory (both guests start from the same bytes)
 *
 * Invariants (abort on violation), besides ASan/UBSan/LSan (each guest's
 * memory is a heap block of exactly its size, so one byte outside is a
 * report):
 *   - the walker's translation of every argument, for reads and writes,
 *     equals ref_translate(), written here from the SDM's description;
 *   - every copy the model makes through the guest callbacks succeeds iff
 *     every byte is mapped (writable for a write, with CR0.WP) by that
 *     reference, and fails only with -EFAULT;
 *   - the arguments are Xen's registers for the mode: rdi, rsi, rdx, r10,
 *     r8, r9 in 64-bit mode, else ebx, ecx, edx, esi, edi, ebp, 32 bits;
 *   - a call from CPL > 0 in protected mode is -EPERM and touches no
 *     guest memory;
 *   - xsm_op whose 40-byte op is not all readable gives -EFAULT;
 *   - the result is a Xen errno (above -4096) or a value; rax is the
 *     result, truncated to 32 bits outside 64-bit mode;
 *   - log lines are printable ASCII.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hv.h>
#include <openxsm/xsm.h>

#include "core/module.h"
#include "fuzz-input.h"
#include "hv/hv_priv.h"
#include "kvmhost.h"
#include "modules/flask/flask.h"

#define MAX_CALLS  4
#define PAGE       4096ULL
#define CR0_PE     (1ULL << 0)
#define CR0_WP     (1ULL << 16)
#define CR0_PG     (1ULL << 31)
#define CR4_PSE    (1ULL << 4)
#define CR4_PAE    (1ULL << 5)
#define CR4_LA57   (1ULL << 12)
#define EFER_LME   (1ULL << 8)
#define EFER_LMA   (1ULL << 10)
#define NR_SCHED   29 /* the host's own (hcall.c), not the model's */
#define XSM_OP_LEN 40

struct fdom {
    xsm_domid_t id;
    uint8_t *mem;
    uint64_t size;
    bool in_call;
    unsigned copies;
    struct xsm_guest guest;
};

struct world {
    struct hv *h[2]; /* dummy, FLASK */
    struct kvm_sregs s;
    struct fdom d[2];
};

static struct world w;

#if defined(__clang__)
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define NO_COVERAGE
#endif

NO_COVERAGE static void fuzz_log(void *opaque, const char *line)
{
    (void)opaque;
    for (const unsigned char *s = (const unsigned char *)line; *s != '\0'; s++)
        if (*s < 0x20 || *s > 0x7e)
            abort();
}

/* ---- The reference walk ------------------------------------------------ */

static bool ref_entry(const struct fdom *d, uint64_t gpa, unsigned size, uint64_t *e)
{
    uint64_t v = 0;

    if (gpa >= d->size || d->size - gpa < size)
        return false;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)d->mem[gpa + i] << (8 * i);
    *e = v;
    return true;
}

/*
 * A paging structure level: where its index sits in the address, how wide
 * it is, the entry size, and whether a PS entry there maps a page.
 */
struct level {
    unsigned shift, bits, esize;
    bool leaf_ok;
};

/* Levels from the root, per paging mode; the PAE PDPT is handled apart. */
static const struct level lv_2[] = {{22, 10, 4, true}, {12, 10, 4, true}};
static const struct level lv_pae[] = {{21, 9, 8, true}, {12, 9, 8, true}};
static const struct level lv_4[] = {
    {39, 9, 8, false}, {30, 9, 8, true}, {21, 9, 8, true}, {12, 9, 8, true}};

static bool ref_translate(const struct fdom *d, uint64_t va, bool write, uint64_t *gpa)
{
    const struct kvm_sregs *s = &w.s;
    const struct level *lv;
    unsigned n;
    uint64_t table, e, frame_mask;
    bool wp = (s->cr0 & CR0_WP) != 0;

    if (!(s->cr0 & CR0_PG)) {
        *gpa = (uint32_t)va;
        return *gpa < d->size;
    }
    if (s->efer & EFER_LMA) {
        if (s->cr4 & CR4_LA57)
            return false;
        /* Bits 63:47 all equal. */
        if ((va >> 47) != 0 && (va >> 47) != 0x1ffff)
            return false;
        lv = lv_4, n = 4, table = s->cr3 & 0x000ffffffffff000ULL;
        frame_mask = 0x000ffffffffff000ULL;
    } else if (s->cr4 & CR4_PAE) {
        va = (uint32_t)va;
        /* Four PDPT entries of 8 bytes at CR3 bits 31:5; only P is checked. */
        if (!ref_entry(d, (s->cr3 & 0xffffffe0ULL) + (va >> 30) * 8, 8, &e) || !(e & 1))
            return false;
        lv = lv_pae, n = 2, table = e & 0x000ffffffffff000ULL;
        frame_mask = 0x000ffffffffff000ULL;
    } else {
        va = (uint32_t)va;
        lv = lv_2, n = 2, table = s->cr3 & 0xfffff000ULL;
        frame_mask = 0xfffff000ULL;
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t idx = (va >> lv[i].shift) & ((1ULL << lv[i].bits) - 1);
        bool last = i + 1 == n;
        bool big;

        if (!ref_entry(d, table + idx * lv[i].esize, lv[i].esize, &e))
            return false;
        if (!(e & 1) || (write && wp && !(e & 2)))
            return false;
        /* 2-level: PS means a 4 MiB page only with CR4.PSE. */
        big = !last && (e & 0x80) && lv[i].leaf_ok && (lv != lv_2 || (s->cr4 & CR4_PSE));
        if (big) {
            uint64_t span = 1ULL << lv[i].shift;

            if (lv == lv_2) /* PSE-36: physical bits 39:32 in entry bits 20:13 */
                *gpa = (e & 0xffc00000ULL) + (((e >> 13) & 0xff) << 32) + (va & (span - 1));
            else
                *gpa = (e & frame_mask & ~(span - 1)) + (va & (span - 1));
            return *gpa < d->size;
        }
        if (last) {
            *gpa = (e & frame_mask) + (va & (PAGE - 1));
            return *gpa < d->size;
        }
        table = e & frame_mask;
    }
    return false;
}

/* Every byte of [ga, ga+len) reachable; virtual while d runs a call. */
static bool ref_range(const struct fdom *d, uint64_t ga, size_t len, bool write)
{
    while (len > 0) {
        size_t chunk = (size_t)(PAGE - (ga & (PAGE - 1)));
        uint64_t gpa;

        if (chunk > len)
            chunk = len;
        if (d->in_call) {
            if (!ref_translate(d, ga, write, &gpa))
                return false;
        } else {
            gpa = ga;
        }
        if (gpa >= d->size || d->size - gpa < chunk)
            return false;
        len -= chunk;
        ga += chunk;
    }
    return true;
}

/* ---- Guest memory callbacks: the host's walk, checked ------------------ */

static int fd_copy(struct fdom *d, uint64_t ga, void *to, const void *from, size_t len)
{
    struct kvmh_gmem g = {d->mem, d->size, d->in_call ? &w.s : NULL};
    bool want = ref_range(d, ga, len, from != NULL) && (from != NULL || to != NULL || len == 0);
    int rc = kvmh_gmem_copy(&g, ga, to, from, len);

    d->copies++;
    if ((rc == 0) != want || (rc != 0 && rc != -EFAULT))
        abort();
    return rc;
}

static int fd_from(void *opaque, void *dst, uint64_t ga, size_t len)
{
    return fd_copy(opaque, ga, dst, NULL, len);
}

static int fd_to(void *opaque, uint64_t ga, const void *src, size_t len)
{
    return fd_copy(opaque, ga, NULL, src, len);
}

/* ---- The model ---------------------------------------------------------- */

static struct hv *model(unsigned flask)
{
    struct hv_config cfg = {0};

    if (w.h[flask] != NULL)
        return w.h[flask];
    cfg.modules = flask ? "flask" : "dummy"; /* FLASK: the built-in policy, enforcing */
    cfg.max_evtchn_port = 15;
    cfg.max_grant_frames = 2;
    cfg.log = fuzz_log;
    if (hv_create(&w.h[flask], &cfg) != 0)
        abort();
    return w.h[flask];
}

static uint32_t sid_of(struct hv *h, const char *ctx)
{
    struct xsm_instance *mi = xsm_find_active(hv_xsm(h), XSM_MODULE_FLASK);
    uint32_t sid = 0;

    if (mi != NULL && ss_context_to_sid(flask_ss(mi), ctx, strlen(ctx), &sid) != 0)
        abort();
    return sid;
}

static int guests_up(struct hv *h, uint8_t conf, const struct fuzz_in *mem_in, uint64_t size)
{
    static const char *const labels[2] = {"system_u:system_r:domU_t", "system_u:system_r:dm_dom_t"};

    for (unsigned i = 0; i < 2; i++) {
        struct fdom *d = &w.d[i];
        struct hv_domain_config dc = {0};
        struct fuzz_in in = *mem_in;

        d->id = (xsm_domid_t)(i + 1);
        d->size = size;
        d->mem = malloc(size); /* exactly: one byte past it is an ASan report */
        if (d->mem == NULL)
            return -1;
        fuzz_bytes(&in, d->mem, size);
        d->in_call = false;
        d->guest.copy_from = fd_from;
        d->guest.copy_to = fd_to;
        d->guest.opaque = d;
        d->guest.compat = i == 1 && (conf & 2);
        dc.domid = d->id;
        dc.flags = HV_CDF_hvm | HV_CDF_hap;
        dc.ssidref = sid_of(h, labels[i]);
        dc.mem_size = size;
        dc.is_compat = d->guest.compat;
        dc.is_console = (conf & 4) != 0;
        dc.guest = &d->guest;
        if (hv_domain_create(h, 0, &dc, NULL) != 0 || hv_domain_unpause(h, 0, d->id) != 0)
            abort();
    }
    (void)hv_domain_set_target(h, 0, 2, 1); /* as a toolstack would; the policy decides */
    return 0;
}

static void guests_down(struct hv *h)
{
    for (unsigned i = 0; i < 2; i++) {
        if (w.d[i].mem == NULL)
            continue;
        if (hv_domain_destroy(h, 0, w.d[i].id) != 0 && hv_domain_xsm(h, w.d[i].id) != NULL)
            abort();
        free(w.d[i].mem);
        w.d[i].mem = NULL;
    }
    /* The console is the one thing a guest leaves behind: start empty. */
    h->con_len = 0;
    if (h->con != NULL)
        h->con[0] = '\0';
    h->con_in_len = 0;
}

/* ---- Control state --------------------------------------------------------- */

static void set_sregs(uint8_t conf, uint8_t mode, uint64_t cr3, const uint32_t raw[3])
{
    struct kvm_sregs *s = &w.s;

    memset(s, 0, sizeof(*s));
    s->cr3 = cr3;
    s->ss.dpl = (conf >> 4) & 3;
    s->cs.db = 1;
    switch (mode & 7) {
    case 0:
        break; /* real mode */
    case 1:
        s->cr0 = CR0_PE;
        break;
    case 2:
        s->cr0 = CR0_PE | CR0_PG;
        break;
    case 3:
        s->cr0 = CR0_PE | CR0_PG, s->cr4 = CR4_PSE;
        break;
    case 4:
        s->cr0 = CR0_PE | CR0_PG, s->cr4 = CR4_PAE;
        break;
    case 5:
    case 6:
    case 7:
        s->cr0 = CR0_PE | CR0_PG, s->cr4 = CR4_PAE, s->efer = EFER_LME | EFER_LMA;
        s->cs.l = (mode & 7) != 6;
        s->cs.db = (mode & 7) == 6;
        if ((mode & 7) == 7)
            s->cr4 |= CR4_LA57;
        break;
    }
    if (conf & 0x40)
        s->cr0 |= CR0_WP;
    if (conf & 8) /* anything at all, however inconsistent */
        s->cr0 = raw[0], s->cr4 = raw[1], s->efer = raw[2], s->cs.l = raw[2] >> 31;
}

/* ---- One call ------------------------------------------------------------- */

static void one_call(struct hv *h, struct fdom *d, const struct kvm_regs *r, uint32_t nr)
{
    const struct kvm_sregs *s = &w.s;
    bool lm = (s->efer & EFER_LMA) && s->cs.l;
    const uint64_t want64[6] = {r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9};
    const uint64_t want32[6] = {r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp};
    bool user = (s->cr0 & CR0_PE) && s->ss.dpl != 0;
    struct kvmh_gmem g = {d->mem, d->size, s};
    struct kvmh_hc hc;
    uint64_t rax;
    bool op_readable;
    long rc;

    kvmh_hc_decode(r, s, nr, &hc);
    if (hc.nr != nr || hc.lm != lm)
        abort();
    for (unsigned i = 0; i < 6; i++) {
        uint64_t want = lm ? want64[i] : (uint32_t)want32[i];

        if (hc.a[i] != want)
            abort();
        /* The walker against the reference, for reads and for writes. */
        for (unsigned wr = 0; wr < 2; wr++) {
            uint64_t got = 0, ref = 0;
            bool ok = kvmh_gva_to_gpa(&g, hc.a[i], wr, &got) == 0;

            if (ok != ref_translate(d, hc.a[i], wr, &ref) || (ok && got != ref))
                abort();
        }
    }

    d->in_call = true;
    op_readable = ref_range(d, hc.a[0], XSM_OP_LEN, false);
    d->copies = 0;
    if ((rc = kvmh_hc_check(&hc)) == 0 && nr != NR_SCHED)
        rc = kvmh_hc_perform(h, d->id, &d->guest, &hc);
    d->in_call = false;

    if (user != (hc.cpl != 0) || (user && (rc != -EPERM || d->copies != 0)))
        abort(); /* CPL > 0: -EPERM before any guest access */
    if (!user && nr == HV_HYPERCALL_xsm_op && !op_readable && rc != -EFAULT)
        abort();
    if (rc < -4095)
        abort();
    rax = kvmh_hc_result(&hc, rc);
    if ((uint32_t)rax != (uint32_t)rc || (lm ? rax != (uint64_t)rc : (rax >> 32) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size};
    struct kvm_regs regs[MAX_CALLS];
    uint8_t callers[MAX_CALLS], nrs[MAX_CALLS];
    uint8_t conf, mode, ncalls;
    uint32_t raw[3];
    uint64_t cr3, mem_size;
    struct hv *h;

    if (size < 23)
        return 0;
    conf = fuzz_u8(&in);
    mode = fuzz_u8(&in);
    cr3 = fuzz_u32(&in);
    cr3 |= (uint64_t)fuzz_u32(&in) << 32;
    for (unsigned i = 0; i < 3; i++)
        raw[i] = fuzz_u32(&in);
    ncalls = (uint8_t)((fuzz_u8(&in) & 3) + 1);
    memset(regs, 0, sizeof(regs));
    for (unsigned i = 0; i < ncalls; i++) {
        uint64_t v[9];

        callers[i] = fuzz_u8(&in) & 1;
        nrs[i] = fuzz_u8(&in) & 0x7f;
        for (unsigned k = 0; k < 9; k++) {
            v[k] = fuzz_u32(&in);
            v[k] |= (uint64_t)fuzz_u32(&in) << 32;
        }
        regs[i].rdi = v[0], regs[i].rsi = v[1], regs[i].rdx = v[2];
        regs[i].r10 = v[3], regs[i].r8 = v[4], regs[i].r9 = v[5];
        regs[i].rbx = v[6], regs[i].rcx = v[7], regs[i].rbp = v[8];
    }
    mem_size = ((mode >> 3) & 7) + 1;
    mem_size *= PAGE;

    h = model(conf & 1);
    set_sregs(conf, mode, cr3, raw);
    if (guests_up(h, conf, &in, mem_size) == 0)
        for (unsigned i = 0; i < ncalls; i++)
            one_call(h, &w.d[callers[i]], &regs[i], nrs[i]);
    guests_down(h);
    return 0;
}
