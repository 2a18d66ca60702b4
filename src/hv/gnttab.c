/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables (v1).  The shared entries live in the model, not in guest
 * memory; hv_gnttab_write_entry() stands for the guest writing its own
 * entry.  Frames are page numbers in the granting domain's memory.
 */
#include <stdlib.h>
#include <string.h>

#include "hv_priv.h"

int hv_gnttab_init(struct hv_dom *d, uint32_t max_frames)
{
    d->gnt_max_frames = max_frames;
    d->gnt_frames = 1; /* Xen starts every table with one frame */
    d->gnt = calloc((size_t)max_frames * HV_GRANTS_PER_FRAME, sizeof(*d->gnt));
    return d->gnt ? 0 : -ENOMEM;
}

static uint32_t nr_entries(const struct hv_dom *d)
{
    return d->gnt_frames * HV_GRANTS_PER_FRAME;
}

static bool frame_ok(const struct hv_dom *d, uint64_t frame)
{
    return frame < d->mem_size / HV_PAGE_SIZE;
}

static void unpin(struct hv_dom *rd, uint32_t ref, bool readonly)
{
    struct hv_grant *e = &rd->gnt[ref];

    if (readonly)
        e->pin_ro--;
    else
        e->pin_rw--;
    if (!e->pin_rw)
        e->flags &= (uint16_t)~HV_GTF_writing;
    if (!e->pin_rw && !e->pin_ro)
        e->flags &= (uint16_t)~HV_GTF_reading;
}

void hv_gnttab_destroy(struct hv_dom *d)
{
    struct hv *h = d->h;

    /* Mappings d holds, then mappings others hold of d's grants. */
    for (unsigned i = 0; i < HV_MAPTRACK_SIZE; i++) {
        struct hv_map *m = &d->maptrack[i];
        struct hv_dom *rd;

        if (!m->used)
            continue;
        rd = hv_dom_get(h, m->granter);
        if (rd)
            unpin(rd, m->ref, m->readonly);
        m->used = false;
    }
    for (struct hv_dom *o = h->doms; o; o = o->next)
        for (unsigned i = 0; i < HV_MAPTRACK_SIZE; i++)
            if (o->maptrack[i].used && o->maptrack[i].granter == d->x.domid)
                o->maptrack[i].used = false;
}

int hv_gnttab_write_entry(struct hv *h, xsm_domid_t domid, uint32_t ref, uint16_t flags,
                          xsm_domid_t grantee, uint32_t frame)
{
    struct hv_dom *d = hv_dom_get(h, domid);
    struct hv_grant *e;
    uint16_t type = flags & HV_GTF_type_mask;

    if (!d)
        return -ESRCH;
    if (ref >= nr_entries(d))
        return -EINVAL;
    if (type == 3 || (flags & ~(uint16_t)(HV_GTF_type_mask | HV_GTF_readonly)) ||
        (type != HV_GTF_permit_access && (flags & HV_GTF_readonly)))
        return -EINVAL;
    e = &d->gnt[ref];
    if (e->pin_ro || e->pin_rw)
        return -EBUSY;
    e->flags = flags;
    e->domid = grantee;
    e->frame = frame;
    return 0;
}

int hv_gnttab_read_entry(const struct hv *h, xsm_domid_t domid, uint32_t ref, uint16_t *flags,
                         xsm_domid_t *grantee, uint32_t *frame)
{
    struct hv_dom *d = hv_dom_get(h, domid);

    if (!d)
        return -ESRCH;
    if (ref >= nr_entries(d))
        return -EINVAL;
    if (flags)
        *flags = d->gnt[ref].flags;
    if (grantee)
        *grantee = d->gnt[ref].domid;
    if (frame)
        *frame = d->gnt[ref].frame;
    return 0;
}

int hv_gnttab_map(struct hv *h, xsm_domid_t caller, xsm_domid_t granter, uint32_t ref,
                  uint32_t flags, uint32_t *handle)
{
    struct hv_dom *ld = hv_dom_get(h, caller), *rd;
    bool ro = (flags & HV_GNTMAP_readonly) != 0;
    struct hv_grant *e;
    unsigned slot;

    if (!ld)
        return HV_GNTST_general_error;
    if (!(flags & (HV_GNTMAP_device_map | HV_GNTMAP_host_map)))
        return HV_GNTST_bad_gntref;
    rd = hv_dom_get(h, granter);
    if (!rd)
        return HV_GNTST_bad_domain;
    if (xsm_grant_mapref(h->xsm, &ld->x, &ld->x, &rd->x, flags))
        return HV_GNTST_permission_denied;
    for (slot = 0; slot < HV_MAPTRACK_SIZE; slot++)
        if (!ld->maptrack[slot].used)
            break;
    if (slot == HV_MAPTRACK_SIZE)
        return HV_GNTST_no_space;
    if (ref >= nr_entries(rd))
        return HV_GNTST_bad_gntref;
    e = &rd->gnt[ref];
    if ((e->flags & HV_GTF_type_mask) != HV_GTF_permit_access || e->domid != ld->x.domid)
        return HV_GNTST_general_error;
    if ((e->flags & HV_GTF_readonly) && !ro)
        return HV_GNTST_general_error;
    if (!frame_ok(rd, e->frame))
        return HV_GNTST_bad_page;

    ld->maptrack[slot] =
        (struct hv_map){.used = true, .granter = granter, .ref = ref, .readonly = ro};
    if (ro) {
        e->pin_ro++;
    } else {
        e->pin_rw++;
        e->flags |= HV_GTF_writing;
    }
    e->flags |= HV_GTF_reading;
    if (handle)
        *handle = slot;
    return HV_GNTST_okay;
}

int hv_gnttab_unmap(struct hv *h, xsm_domid_t caller, uint32_t handle)
{
    struct hv_dom *ld = hv_dom_get(h, caller), *rd;
    struct hv_map *m;

    if (!ld)
        return HV_GNTST_general_error;
    if (handle >= HV_MAPTRACK_SIZE || !ld->maptrack[handle].used)
        return HV_GNTST_bad_handle;
    m = &ld->maptrack[handle];
    rd = hv_dom_get(h, m->granter);
    if (!rd)
        return HV_GNTST_bad_domain;
    if (xsm_grant_unmapref(h->xsm, &ld->x, &ld->x, &rd->x))
        return HV_GNTST_permission_denied;
    unpin(rd, m->ref, m->readonly);
    m->used = false;
    return HV_GNTST_okay;
}

/* Frame numbers the model reports for a table's shared frames. */
static uint64_t table_frame(const struct hv_dom *d, uint32_t i)
{
    return 0x80000ULL + (uint64_t)d->x.domid * HV_MAX_GNT_FRAMES + i;
}

/* Checks of setup_table; 'd' gets the domain on success. */
int hv_gnttab_setup_check(struct hv *h, struct hv_dom *cur, xsm_domid_t dom, uint32_t nr_frames,
                          struct hv_dom **d)
{
    *d = hv_dom_any(h, cur, dom);
    if (!*d)
        return HV_GNTST_bad_domain;
    if (xsm_grant_setup(h->xsm, &cur->x, &cur->x, &(*d)->x))
        return HV_GNTST_permission_denied;
    if (nr_frames > (*d)->gnt_max_frames)
        return HV_GNTST_general_error;
    return HV_GNTST_okay;
}

void hv_gnttab_setup_do(struct hv_dom *d, uint32_t nr_frames, uint64_t *frames)
{
    if (nr_frames > d->gnt_frames)
        d->gnt_frames = nr_frames; /* tables grow, never shrink */
    for (uint32_t i = 0; frames && i < nr_frames; i++)
        frames[i] = table_frame(d, i);
}

int hv_gnttab_setup(struct hv *h, xsm_domid_t caller, xsm_domid_t dom, uint32_t nr_frames,
                    uint64_t *frames)
{
    struct hv_dom *cur = hv_dom_get(h, caller), *d;
    int st;

    if (!cur)
        return HV_GNTST_general_error;
    st = hv_gnttab_setup_check(h, cur, dom, nr_frames, &d);
    if (st)
        return st;
    hv_gnttab_setup_do(d, nr_frames, frames);
    return HV_GNTST_okay;
}

int hv_gnttab_query_size(struct hv *h, xsm_domid_t caller, xsm_domid_t dom, uint32_t *nr_frames,
                         uint32_t *max_frames)
{
    struct hv_dom *cur = hv_dom_get(h, caller), *d;

    if (!cur)
        return HV_GNTST_general_error;
    d = hv_dom_any(h, cur, dom);
    if (!d)
        return HV_GNTST_bad_domain;
    if (xsm_grant_query_size(h->xsm, &cur->x, &cur->x, &d->x))
        return HV_GNTST_permission_denied;
    if (nr_frames)
        *nr_frames = d->gnt_frames;
    if (max_frames)
        *max_frames = d->gnt_max_frames;
    return HV_GNTST_okay;
}

/* Resolve one side of a copy to a guest address in *gaddr. */
static int copy_side(const struct hv_dom *cur, const struct hv_dom *d,
                     const struct hv_gnttab_copy_ptr *p, bool gref, bool write, uint16_t len,
                     uint64_t *gaddr)
{
    uint64_t frame = p->ref_or_gfn;

    if (gref) {
        const struct hv_grant *e;

        if (p->ref_or_gfn >= nr_entries(d))
            return HV_GNTST_bad_gntref;
        e = &d->gnt[p->ref_or_gfn];
        if ((e->flags & HV_GTF_type_mask) != HV_GTF_permit_access || e->domid != cur->x.domid)
            return HV_GNTST_general_error;
        if (write && (e->flags & HV_GTF_readonly))
            return HV_GNTST_general_error;
        frame = e->frame;
    }
    if (!frame_ok(d, frame))
        return HV_GNTST_bad_page;
    *gaddr = frame * HV_PAGE_SIZE + p->offset;
    (void)len;
    return HV_GNTST_okay;
}

int hv_gnttab_copy(struct hv *h, xsm_domid_t caller, const struct hv_gnttab_copy_ptr *src,
                   const struct hv_gnttab_copy_ptr *dst, uint16_t len, uint16_t flags)
{
    struct hv_dom *cur = hv_dom_get(h, caller), *sd, *dd;
    bool sg = flags & HV_GNTCOPY_source_gref, dg = flags & HV_GNTCOPY_dest_gref;
    uint64_t sa, da;
    uint8_t buf[HV_PAGE_SIZE];
    int st;

    if (!cur || !src || !dst)
        return HV_GNTST_general_error;
    sd = hv_dom_any(h, cur, src->domid);
    if (!sd)
        return HV_GNTST_bad_domain;
    if (!sg && sd != cur)
        return HV_GNTST_permission_denied; /* copy by frame: own memory only */
    dd = hv_dom_any(h, cur, dst->domid);
    if (!dd)
        return HV_GNTST_bad_domain;
    if (!dg && dd != cur)
        return HV_GNTST_permission_denied;
    if (xsm_grant_copy(h->xsm, &cur->x, &sd->x, &dd->x))
        return HV_GNTST_permission_denied;
    if ((uint32_t)src->offset + len > HV_PAGE_SIZE || (uint32_t)dst->offset + len > HV_PAGE_SIZE)
        return HV_GNTST_bad_copy_arg;
    st = copy_side(cur, sd, src, sg, false, len, &sa);
    if (st)
        return st;
    st = copy_side(cur, dd, dst, dg, true, len, &da);
    if (st)
        return st;
    if (hv_gcopy_from(sd, buf, sa, len) || hv_gcopy_to(dd, da, buf, len))
        return HV_GNTST_bad_page; /* the write is the last step: nothing half-done */
    return HV_GNTST_okay;
}

int hv_gnttab_transfer(struct hv *h, xsm_domid_t caller, uint64_t gfn, xsm_domid_t domid,
                       uint32_t ref)
{
    static const uint8_t zero[HV_PAGE_SIZE];
    struct hv_dom *cur = hv_dom_get(h, caller), *e;
    struct hv_grant *g;
    uint8_t page[HV_PAGE_SIZE];
    uint64_t src, dst;

    if (!cur)
        return HV_GNTST_general_error;
    if (!frame_ok(cur, gfn))
        return HV_GNTST_bad_page;
    e = hv_dom_get(h, domid);
    if (!e)
        return HV_GNTST_bad_domain;
    if (xsm_grant_transfer(h->xsm, &cur->x, &cur->x, &e->x))
        return HV_GNTST_permission_denied;
    if (ref >= nr_entries(e))
        return HV_GNTST_bad_gntref;
    g = &e->gnt[ref];
    if ((g->flags & HV_GTF_type_mask) != HV_GTF_accept_transfer || g->domid != cur->x.domid ||
        (g->flags & HV_GTF_transfer_completed))
        return HV_GNTST_general_error;
    if (!frame_ok(e, g->frame))
        return HV_GNTST_bad_page;
    src = gfn * HV_PAGE_SIZE;
    dst = (uint64_t)g->frame * HV_PAGE_SIZE;
    /* Read, and check both writes can land, before anything moves. */
    if (hv_gcopy_from(cur, page, src, sizeof(page)) || hv_gprobe_to(cur, src, sizeof(page)) ||
        hv_gprobe_to(e, dst, sizeof(page)))
        return HV_GNTST_bad_page;
    if (hv_gcopy_to(e, dst, page, sizeof(page)))
        return HV_GNTST_bad_page;
    (void)hv_gcopy_to(cur, src, zero, sizeof(zero)); /* the page has left the sender */
    g->flags |= HV_GTF_transfer_committed | HV_GTF_transfer_completed;
    return HV_GNTST_okay;
}

int hv_gnttab_access(struct hv *h, xsm_domid_t domid, uint32_t handle, uint32_t offset, void *buf,
                     size_t len, bool write)
{
    struct hv_dom *d = hv_dom_get(h, domid), *rd;
    struct hv_map *m;
    uint64_t ga;

    if (!d)
        return -ESRCH;
    if (handle >= HV_MAPTRACK_SIZE || !d->maptrack[handle].used)
        return -EINVAL;
    m = &d->maptrack[handle];
    if (offset > HV_PAGE_SIZE || len > HV_PAGE_SIZE - offset)
        return -EINVAL;
    if (write && m->readonly)
        return -EACCES;
    rd = hv_dom_get(h, m->granter);
    if (!rd)
        return -ESRCH;
    ga = (uint64_t)rd->gnt[m->ref].frame * HV_PAGE_SIZE + offset;
    return write ? hv_gcopy_to(rd, ga, buf, len) : hv_gcopy_from(rd, buf, ga, len);
}

/* ---- grant_table_op (20) ----------------------------------------------------------- */

#define GNT_BATCH 16U

static int gnt_one(struct hv *h, struct hv_dom *cur, unsigned cmd, bool compat, uint8_t *op)
{
    xsm_domid_t id = cur->x.domid;
    int st;

    switch (cmd) {
    case HV_GNTTABOP_map_grant_ref: {
        uint32_t handle = 0;

        st = hv_gnttab_map(h, id, hv_ld16(op + 16), hv_ld32(op + 12), hv_ld32(op + 8), &handle);
        hv_st16(op + 18, (uint16_t)(int16_t)st);
        hv_st32(op + 20, st ? 0xffffffffU : handle);
        hv_st64(op + 24, 0);
        return 0;
    }
    case HV_GNTTABOP_unmap_grant_ref:
        st = hv_gnttab_unmap(h, id, hv_ld32(op + 16));
        hv_st16(op + 20, (uint16_t)(int16_t)st);
        return 0;
    case HV_GNTTABOP_transfer:
        if (compat)
            st = hv_gnttab_transfer(h, id, hv_ld32(op), hv_ld16(op + 4), hv_ld32(op + 8));
        else
            st = hv_gnttab_transfer(h, id, hv_ld64(op), hv_ld16(op + 8), hv_ld32(op + 12));
        hv_st16(op + (compat ? 12 : 16), (uint16_t)(int16_t)st);
        return 0;
    case HV_GNTTABOP_copy: {
        struct hv_gnttab_copy_ptr s, d;
        size_t half = compat ? 8 : 16, lo = compat ? 16 : 32;
        uint16_t flags = hv_ld16(op + lo + 2);
        uint64_t su = compat ? hv_ld32(op) : hv_ld64(op);
        uint64_t du = compat ? hv_ld32(op + half) : hv_ld64(op + half);

        /* A gref is the low 32 bits of the union; frames must fit the model's 32 bits. */
        if (flags & HV_GNTCOPY_source_gref)
            su = (uint32_t)su;
        if (flags & HV_GNTCOPY_dest_gref)
            du = (uint32_t)du;
        s.ref_or_gfn = (uint32_t)su;
        d.ref_or_gfn = (uint32_t)du;
        s.domid = hv_ld16(op + half - (compat ? 4 : 8));
        s.offset = hv_ld16(op + half - (compat ? 2 : 6));
        d.domid = hv_ld16(op + 2 * half - (compat ? 4 : 8));
        d.offset = hv_ld16(op + 2 * half - (compat ? 2 : 6));
        if ((!(flags & HV_GNTCOPY_source_gref) && su > 0xffffffffULL) ||
            (!(flags & HV_GNTCOPY_dest_gref) && du > 0xffffffffULL))
            st = HV_GNTST_bad_page;
        else
            st = hv_gnttab_copy(h, id, &s, &d, hv_ld16(op + lo), flags);
        hv_st16(op + lo + 4, (uint16_t)(int16_t)st);
        return 0;
    }
    default:
        return -ENOSYS;
    }
}

long hv_do_grant_table_op(struct hv *h, struct hv_dom *cur, uint64_t cmd, uint64_t uop,
                          uint64_t count)
{
    bool compat = cur->guest.compat;
    uint8_t b[GNT_BATCH * 40];
    size_t sz;

    switch (cmd) {
    case HV_GNTTABOP_setup_table: {
        size_t osz = compat ? 16 : 24, esz = compat ? 4 : 8;
        uint64_t frames[HV_MAX_GNT_FRAMES], list;
        uint8_t fl[HV_MAX_GNT_FRAMES * 8];
        struct hv_dom *d;
        uint32_t nr;
        int st;

        if (count != 1)
            return -EINVAL;
        if (hv_gcopy_from(cur, b, uop, osz) || hv_gprobe_to(cur, uop, osz))
            return -EFAULT;
        nr = hv_ld32(b + 4);
        list = compat ? hv_ld32(b + 12) : hv_ld64(b + 16);
        st = hv_gnttab_setup_check(h, cur, hv_ld16(b), nr, &d);
        if (!st && hv_gprobe_to(cur, list, (size_t)nr * esz))
            st = HV_GNTST_bad_virt_addr;
        if (!st) {
            hv_gnttab_setup_do(d, nr, frames);
            for (size_t i = 0; i < nr; i++) {
                if (compat)
                    hv_st32(fl + 4 * i, (uint32_t)frames[i]);
                else
                    hv_st64(fl + 8 * i, frames[i]);
            }
            if (hv_gcopy_to(cur, list, fl, (size_t)nr * esz))
                st = HV_GNTST_bad_virt_addr;
        }
        hv_st16(b + 8, (uint16_t)(int16_t)st);
        return hv_gcopy_to(cur, uop, b, osz);
    }
    case HV_GNTTABOP_query_size: {
        uint32_t nr = 0, max = 0;
        int st;

        if (count != 1)
            return -EINVAL;
        if (hv_gcopy_from(cur, b, uop, 16) || hv_gprobe_to(cur, uop, 16))
            return -EFAULT;
        st = hv_gnttab_query_size(h, cur->x.domid, hv_ld16(b), &nr, &max);
        hv_st32(b + 4, st ? 0 : nr);
        hv_st32(b + 8, st ? 0 : max);
        hv_st16(b + 12, (uint16_t)(int16_t)st);
        return hv_gcopy_to(cur, uop, b, 16);
    }
    case HV_GNTTABOP_map_grant_ref:
        sz = 32;
        break;
    case HV_GNTTABOP_unmap_grant_ref:
        sz = 24;
        break;
    case HV_GNTTABOP_transfer:
        sz = compat ? 16 : 24;
        break;
    case HV_GNTTABOP_copy:
        sz = compat ? 24 : 40;
        break;
    default:
        return -ENOSYS;
    }
    /* No continuations in the model: a batch is bounded. */
    if (count > GNT_BATCH)
        return -EINVAL;
    if (!count)
        return 0;
    if (hv_gcopy_from(cur, b, uop, sz * count) || hv_gprobe_to(cur, uop, sz * count))
        return -EFAULT;
    for (uint64_t i = 0; i < count; i++)
        gnt_one(h, cur, (unsigned)cmd, compat, b + i * sz);
    return hv_gcopy_to(cur, uop, b, sz * count);
}
