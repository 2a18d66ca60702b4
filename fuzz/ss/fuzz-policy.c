/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the security server: the policy reader first, and on
 * a successful load a few services over the SIDs the policy defines, so the
 * code that trusts a validated policy is fuzzed too.
 *
 * Invariants checked (abort = finding): a loaded policy answers its own
 * initial SIDs; sid -> context -> sid -> context gives the same string;
 * compute_av is stable across calls and after a boolean round trip; an
 * object label added at run time (pirq, ioport, device tree) is what a
 * look-up then answers, and deleting it gives back the label from before.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/ss.h>

#define MAXSIDS 24

/* Add a label, look it up, delete it: the look-up before comes back. */
static void object_labels(ss_ctx *ss, uint32_t h, ss_sid sid)
{
    ss_sid before, now;
    uint64_t pirq = h & 0xffff, lo = (h >> 8) & 0xffff, hi = lo + (h & 7);

    if (ss_ocontext_sid(ss, SS_OCON_PIRQ, pirq, &before))
        abort();
    if (ss_ocontext_add(ss, SS_OCON_PIRQ, pirq, pirq, sid) == 0) {
        if (ss_ocontext_sid(ss, SS_OCON_PIRQ, pirq, &now) || now != sid)
            abort();
        if (ss_ocontext_del(ss, SS_OCON_PIRQ, pirq, pirq) ||
            ss_ocontext_sid(ss, SS_OCON_PIRQ, pirq, &now) || now != before)
            abort();
    }
    if (ss_ocontext_sid(ss, SS_OCON_IOPORT, lo, &before))
        abort();
    /* An identical range already there is answered 0 without a second entry: skip that case. */
    if (before != sid && ss_ocontext_add(ss, SS_OCON_IOPORT, lo, hi, sid) == 0) {
        if (ss_ocontext_sid(ss, SS_OCON_IOPORT, hi, &now) || now != sid)
            abort();
        if (ss_ocontext_del(ss, SS_OCON_IOPORT, lo, hi) ||
            ss_ocontext_sid(ss, SS_OCON_IOPORT, lo, &now) || now != before)
            abort();
    }
    char path[32];
    snprintf(path, sizeof(path), "/fuzz/%08x", h);
    if (ss_devicetree_setlabel(ss, path, sid ? sid : 1) || ss_devicetree_sid(ss, path, &now) ||
        now != (sid ? sid : 1) || ss_devicetree_setlabel(ss, path, 0) ||
        ss_devicetree_sid(ss, path, &now) || now != SS_SID_DEVICE ||
        ss_devicetree_setlabel(ss, path, 0) != -ENOENT)
        abort();
}

static void roundtrip(ss_ctx *ss, ss_sid sid)
{
    char a[1024], b[1024];
    size_t la, lb;
    if (ss_sid_to_context(ss, sid, a, sizeof(a), &la))
        return;
    if (la != strlen(a) + 1)
        abort();
    ss_sid again;
    if (ss_context_to_sid(ss, a, la - 1, &again))
        abort(); /* our own output must parse */
    if (ss_sid_to_context(ss, again, b, sizeof(b), &lb) || strcmp(a, b) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ss_ctx *ss;
    if (ss_create(&ss, NULL))
        return 0;
    if (ss_load_policy(ss, data, size)) {
        if (ss_policy_loaded(ss))
            abort(); /* a failed load must change nothing */
        ss_destroy(ss);
        return 0;
    }
    struct ss_policy_info info;
    if (ss_get_info(ss, &info))
        abort();

    /* SIDs: the initial ones plus what transitions among them produce. */
    ss_sid sids[MAXSIDS];
    unsigned n = 0;
    for (ss_sid s = 1; s <= info.ninitial_sids + 1 && n < MAXSIDS / 2; s++) {
        char buf[8];
        size_t len = 0;
        int rc = ss_sid_to_context(ss, s, buf, sizeof(buf), &len);
        if (rc == 0 || len > sizeof(buf))
            sids[n++] = s;
    }
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i += 61)
        h = (h ^ data[i]) * 16777619u;
    unsigned nclasses = info.nclasses;
    for (unsigned i = 0; i < n && n < MAXSIDS; i++) {
        ss_sid out;
        uint16_t c = (uint16_t)(nclasses ? 1 + (h + i) % nclasses : 1);
        if (ss_transition_sid(ss, sids[i], sids[(i + 1) % n], c, &out) == 0)
            sids[n++] = out;
        if (n < MAXSIDS && ss_member_sid(ss, sids[(i + 2) % n], sids[i], c, &out) == 0)
            sids[n++] = out;
        if (n < MAXSIDS && ss_change_sid(ss, sids[i], sids[i], c, &out) == 0)
            sids[n++] = out;
    }
    for (unsigned i = 0; i < n; i++)
        roundtrip(ss, sids[i]);

    /* compute_av over all pairs and classes, twice around a bool round trip */
    unsigned npairs = n * n < 64 ? n * n : 64;
    for (unsigned k = 0; k < npairs; k++) {
        ss_sid s = sids[k % n], t = sids[(k / n + h) % n];
        for (uint16_t c = 0; c <= nclasses + 1 && c < 70; c++) {
            struct ss_av_decision a, b;
            int r1 = ss_compute_av(ss, s, t, c, &a);
            int r2 = ss_compute_av(ss, s, t, c, &b);
            if (r1 != r2 || (r1 == 0 && (a.allowed != b.allowed || a.auditallow != b.auditallow ||
                                         a.auditdeny != b.auditdeny)))
                abort();
            ss_validate_transition(ss, s, t, sids[(k + 1) % n], c);
        }
    }
    unsigned nb = ss_bool_count(ss);
    if (nb && n) { /* n: a policy may have no SID that reads back */
        struct ss_av_decision before, after;
        ss_sid s = sids[h % n], t = sids[(h / 7) % n];
        uint16_t c = (uint16_t)(1 + h % (nclasses ? nclasses : 1));
        int r1 = ss_compute_av(ss, s, t, c, &before);
        unsigned idx = h % nb;
        int act, pend;
        if (ss_bool_get(ss, idx, &act, &pend))
            abort();
        ss_bool_set_pending(ss, idx, !act);
        ss_bool_commit(ss);
        struct ss_av_decision mid;
        ss_compute_av(ss, s, t, c, &mid);
        ss_bool_set_pending(ss, idx, act);
        ss_bool_commit(ss);
        int r2 = ss_compute_av(ss, s, t, c, &after);
        if (r1 != r2 || (r1 == 0 && before.allowed != after.allowed))
            abort();
        const char *name = ss_bool_name(ss, idx);
        if (!name || ss_bool_index(ss, name, strlen(name)) != (int)idx)
            abort();
    }
    /* Xen object contexts and the class/perm name tables */
    for (unsigned o = SS_OCON_PIRQ; o <= SS_OCON_DEVICE; o++) {
        ss_sid out;
        ss_ocontext_sid(ss, o, h, &out);
        ss_ocontext_sid(ss, o, 33, &out);
    }
    if (n)
        object_labels(ss, h, sids[h % n]);
    for (uint16_t c = 1; c <= nclasses && c < 200; c++) {
        /* value gaps are legal (no name); a named class must map back */
        const char *cn = ss_class_name(ss, c);
        if (cn && ss_class_value(ss, cn) != c)
            abort();
        for (unsigned bit = 0; bit < 32; bit++) {
            const char *pn = ss_perm_name(ss, c, bit);
            if (pn && ss_perm_bits(ss, c, pn) != (1u << bit))
                abort();
        }
    }
    ss_destroy(ss);
    return 0;
}
