/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, versions 1 and 2, as Xen 4.17's xen/common/grant_table.c
 * serves them to an HVM guest, with the decoder of grant_table_op (20).
 *
 * Where the entries live.  Xen's grant frames are hypervisor pages; an HVM
 * guest places them in its physical address space with add_to_physmap
 * (XENMAPSPACE_grant_table) and from then on writes its entries into the
 * frames it placed.  Here each shared frame (and, for v2, each status
 * frame) is kept in Xen's byte layout, either in the model (not placed, or
 * placed outside the guest's RAM, where a host has nothing to show) or in
 * the guest's own memory at the frame the guest chose (placed): placing
 * a frame moves its bytes there, and every read or write of an entry goes
 * to wherever its frame is, by guest-physical address (hv_gphys_*).  So a
 * real guest's writes into its table are what map and copy see, and the
 * reading/writing bits the model sets appear in the guest's frame.
 * hv_gnttab_write_entry() stands for the guest writing an entry (it writes
 * where the frame is).  The pins (Xen's active entries) stay in the model.
 *
 * Layouts: v1 entries are 8 bytes (flags, domid, 32-bit frame), 512 a
 * frame; v2 entries are 16 bytes (flags, domid, then a 64-bit frame at 8),
 * 256 a frame, with GTF_reading/writing in separate 2-byte status entries
 * (2048 a frame).  set_version clears the table except the 8 reserved
 * entries, which it converts, as Xen does.
 *
 * GNTMAP_host_map from an HVM domain: host_addr is a guest-physical
 * address of the mapper where the granted frame must appear.  The model
 * asks the host to do that (hv_guest_phys.map_foreign) and to undo it at
 * unmap and when either domain goes away; unmap with a host_addr other
 * than the mapping's gives general_error (Xen's replace_grant_p2m_mapping).
 */
#include <stdlib.h>
#include <string.h>

#include "hv_priv.h"

#define PG              HV_PAGE_SIZE
#define V2_PER_FRAME    256U  /* 16-byte entries */
#define STATUS_PER_PAGE 2048U /* 2-byte status entries */
#define NR_RESERVED     8U    /* GNTTAB_NR_RESERVED_ENTRIES */
#define GTF_transitive  0x3U
#define ERANGE_XEN      34

static uint32_t status_frames(uint32_t grant_frames)
{
    return (grant_frames * V2_PER_FRAME + STATUS_PER_PAGE - 1) / STATUS_PER_PAGE;
}

int hv_gnttab_init(struct hv_dom *d, uint32_t max_frames)
{
    size_t sf = status_frames(max_frames);

    d->gnt_version = 1; /* Xen starts every table at version 1 ... */
    d->gnt_max_version = 2;
    d->gnt_max_frames = max_frames;
    d->gnt_frames = 1; /* ... with one frame */
    d->gnt_shared = calloc((size_t)max_frames + 1, PG);
    d->gnt_status = calloc(sf + 1, PG);
    d->gnt_shared_gfn = malloc(((size_t)max_frames + 1) * sizeof(uint64_t));
    d->gnt_status_gfn = malloc((sf + 1) * sizeof(uint64_t));
    d->gnt_act = calloc((size_t)max_frames * HV_GRANTS_PER_FRAME + 1, sizeof(*d->gnt_act));
    if (!d->gnt_shared || !d->gnt_status || !d->gnt_shared_gfn || !d->gnt_status_gfn || !d->gnt_act)
        return -ENOMEM;
    for (size_t i = 0; i < max_frames; i++)
        d->gnt_shared_gfn[i] = HV_INVALID_GFN;
    for (size_t i = 0; i < sf; i++)
        d->gnt_status_gfn[i] = HV_INVALID_GFN;
    return 0;
}

void hv_gnttab_free(struct hv_dom *d)
{
    free(d->gnt_shared);
    free(d->gnt_status);
    free(d->gnt_shared_gfn);
    free(d->gnt_status_gfn);
    free(d->gnt_act);
}

static uint32_t per_frame(const struct hv_dom *d)
{
    return d->gnt_version == 2 ? V2_PER_FRAME : HV_GRANTS_PER_FRAME;
}

static uint32_t nr_entries(const struct hv_dom *d)
{
    return d->gnt_frames * per_frame(d);
}

static uint32_t nr_status(const struct hv_dom *d)
{
    return d->gnt_version == 2 ? status_frames(d->gnt_frames) : 0;
}

static bool frame_ok(const struct hv_dom *d, uint64_t frame)
{
    return frame < d->mem_size / HV_PAGE_SIZE;
}

/*
 * Reads (into rbuf) or writes (wbuf, rbuf NULL) 'len' bytes at byte 'off'
 * of the shared (or status) frames, wherever the frame is.  Never crosses a frame: entries are
 * aligned and no wider than 16 bytes.
 */
static int tbl_io(struct hv_dom *d, bool status, uint64_t off, void *rbuf, const void *wbuf,
                  size_t len)
{
    uint64_t idx = off / PG, gfn = (status ? d->gnt_status_gfn : d->gnt_shared_gfn)[idx];
    uint8_t *local = (status ? d->gnt_status : d->gnt_shared) + off;

    /* Not placed, or placed where the guest has no memory: the model's copy. */
    if (gfn == HV_INVALID_GFN || !frame_ok(d, gfn)) {
        if (rbuf)
            memcpy(rbuf, local, len);
        else
            memcpy(local, wbuf, len);
        return 0;
    }
    gfn = gfn * PG + off % PG;
    return rbuf ? hv_gphys_from(d, rbuf, gfn, len) : hv_gphys_to(d, gfn, wbuf, len);
}

static int tbl_read(struct hv_dom *d, bool status, uint64_t off, void *buf, size_t len)
{
    return tbl_io(d, status, off, buf, NULL, len);
}

static int tbl_write(struct hv_dom *d, bool status, uint64_t off, const void *buf, size_t len)
{
    return tbl_io(d, status, off, NULL, buf, len);
}

/* An entry as the current version lays it out (the status bits merged). */
struct ent {
    uint16_t flags;
    xsm_domid_t domid;
    uint64_t frame;
};

static int ent_get(struct hv_dom *d, uint32_t ref, struct ent *e)
{
    uint8_t b[16];

    if (d->gnt_version == 2) {
        if (tbl_read(d, false, (uint64_t)ref * 16, b, 16))
            return -EFAULT;
        e->frame = hv_ld64(b + 8);
    } else {
        if (tbl_read(d, false, (uint64_t)ref * 8, b, 8))
            return -EFAULT;
        e->frame = hv_ld32(b + 4);
    }
    e->flags = hv_ld16(b);
    e->domid = hv_ld16(b + 2);
    return 0;
}

static int ent_put(struct hv_dom *d, uint32_t ref, const struct ent *e)
{
    uint8_t b[16] = {0};

    hv_st16(b, e->flags);
    hv_st16(b + 2, e->domid);
    if (d->gnt_version == 2) {
        hv_st64(b + 8, e->frame);
        return tbl_write(d, false, (uint64_t)ref * 16, b, 16);
    }
    hv_st32(b + 4, (uint32_t)e->frame);
    return tbl_write(d, false, (uint64_t)ref * 8, b, 8);
}

/* The in-use bits: in the entry's flags (v1) or its status entry (v2). */
static uint16_t use_get(struct hv_dom *d, uint32_t ref)
{
    uint8_t b[2] = {0};

    if (d->gnt_version == 2)
        (void)tbl_read(d, true, (uint64_t)ref * 2, b, 2);
    else
        (void)tbl_read(d, false, (uint64_t)ref * 8, b, 2);
    return hv_ld16(b) & (HV_GTF_reading | HV_GTF_writing);
}

static void use_set(struct hv_dom *d, uint32_t ref, uint16_t bits)
{
    uint64_t off = d->gnt_version == 2 ? (uint64_t)ref * 2 : (uint64_t)ref * 8;
    bool st = d->gnt_version == 2;
    uint8_t b[2] = {0};

    if (tbl_read(d, st, off, b, 2))
        return; /* the guest's frame is gone: nothing to mark */
    hv_st16(b, (uint16_t)((hv_ld16(b) & ~(HV_GTF_reading | HV_GTF_writing)) | bits));
    (void)tbl_write(d, st, off, b, 2);
}

static void pin_bits(struct hv_dom *rd, uint32_t ref)
{
    const struct hv_active *a = &rd->gnt_act[ref];
    uint16_t bits = 0;

    if (a->pin_rw)
        bits |= HV_GTF_writing;
    if (a->pin_rw || a->pin_ro)
        bits |= HV_GTF_reading;
    use_set(rd, ref, bits);
}

static void unpin(struct hv_dom *rd, uint32_t ref, bool readonly)
{
    struct hv_active *a = &rd->gnt_act[ref];

    if (readonly)
        a->pin_ro--;
    else
        a->pin_rw--;
    pin_bits(rd, ref);
}

/* Takes the host's mapping of m away (if it made one). */
static void host_unmap(struct hv_dom *ld, struct hv_map *m)
{
    if (m->host_mapped && !ld->h->ending && ld->has_phys && ld->phys.unmap_foreign)
        ld->phys.unmap_foreign(&ld->phys, m->host_gpa);
    m->host_mapped = false;
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
        host_unmap(d, m);
        rd = hv_dom_get(h, m->granter);
        if (rd && rd != d && !h->ending) /* hv_destroy: the granter goes too */
            unpin(rd, m->ref, m->readonly);
        m->used = false;
    }
    for (struct hv_dom *o = h->doms; o; o = o->next)
        for (unsigned i = 0; i < HV_MAPTRACK_SIZE; i++)
            if (o->maptrack[i].used && o->maptrack[i].granter == d->x.domid) {
                host_unmap(o, &o->maptrack[i]);
                o->maptrack[i].used = false;
            }
}

/* Grows the table to n frames (v2: its status frames follow); never shrinks. */
static void grow(struct hv_dom *d, uint32_t n)
{
    if (n > d->gnt_frames && n <= d->gnt_max_frames)
        d->gnt_frames = n;
}

/*
 * Which of d's frames is placed at 'gpfn', if any: true with its kind and
 * index in status and idx.
 */
static bool placed_at(const struct hv_dom *d, uint64_t gpfn, bool *status, uint32_t *idx)
{
    for (uint32_t i = 0; i < d->gnt_max_frames; i++)
        if (d->gnt_shared_gfn[i] == gpfn) {
            *status = false, *idx = i;
            return true;
        }
    for (uint32_t i = 0; i < status_frames(d->gnt_max_frames); i++)
        if (d->gnt_status_gfn[i] == gpfn) {
            *status = true, *idx = i;
            return true;
        }
    return false;
}

int hv_gnttab_place(struct hv_dom *d, uint64_t idx64, uint64_t gpfn)
{
    bool status = d->gnt_version == 2 && (idx64 & HV_XENMAPIDX_grant_table_status);
    uint32_t idx = (uint32_t)(status ? idx64 & ~(uint64_t)HV_XENMAPIDX_grant_table_status : idx64);
    uint8_t page[PG];
    uint64_t *gfns, old;
    bool other_st;
    uint32_t other;

    /* Xen's gnttab_get_{shared,status}_frame_mfn: grow to make idx valid. */
    if (status) {
        uint64_t need = ((uint64_t)idx + 1) * (STATUS_PER_PAGE / V2_PER_FRAME);

        if (need <= d->gnt_max_frames)
            grow(d, (uint32_t)need);
        if (idx >= nr_status(d))
            return -EINVAL;
    } else {
        if ((uint64_t)idx + 1 <= d->gnt_max_frames)
            grow(d, idx + 1);
        if (idx >= d->gnt_frames)
            return -EINVAL;
    }
    gfns = status ? d->gnt_status_gfn : d->gnt_shared_gfn;
    if (gfns[idx] == gpfn)
        return 0;
    /* The frame's bytes move with it. */
    if (tbl_read(d, status, (uint64_t)idx * PG, page, PG))
        return -EFAULT;
    /* A grant frame already at gpfn leaves it: its bytes go back to the model. */
    if (placed_at(d, gpfn, &other_st, &other)) {
        uint8_t *keep = (other_st ? d->gnt_status : d->gnt_shared) + (uint64_t)other * PG;

        if (frame_ok(d, gpfn) && hv_gphys_from(d, keep, gpfn * PG, PG))
            return -EFAULT;
        (other_st ? d->gnt_status_gfn : d->gnt_shared_gfn)[other] = HV_INVALID_GFN;
    }
    old = gfns[idx];
    gfns[idx] = gpfn;
    if (tbl_write(d, status, (uint64_t)idx * PG, page, PG)) {
        gfns[idx] = old;
        return -EFAULT;
    }
    return 0;
}

int hv_gnttab_write_entry(struct hv *h, xsm_domid_t domid, uint32_t ref, uint16_t flags,
                          xsm_domid_t grantee, uint32_t frame)
{
    struct hv_dom *d = hv_dom_get(h, domid);
    uint16_t type = flags & HV_GTF_type_mask;
    struct ent e;

    if (!d)
        return -ESRCH;
    if (ref >= nr_entries(d))
        return -EINVAL;
    if (type == 3 || (flags & ~(uint16_t)(HV_GTF_type_mask | HV_GTF_readonly)) ||
        (type != HV_GTF_permit_access && (flags & HV_GTF_readonly)))
        return -EINVAL;
    if (d->gnt_act[ref].pin_ro || d->gnt_act[ref].pin_rw)
        return -EBUSY;
    e.flags = flags;
    e.domid = grantee;
    e.frame = frame;
    return ent_put(d, ref, &e) ? -EFAULT : 0;
}

int hv_gnttab_read_entry(const struct hv *h, xsm_domid_t domid, uint32_t ref, uint16_t *flags,
                         xsm_domid_t *grantee, uint32_t *frame)
{
    struct hv_dom *d = hv_dom_get(h, domid);
    struct ent e;

    if (!d)
        return -ESRCH;
    if (ref >= nr_entries(d))
        return -EINVAL;
    if (ent_get(d, ref, &e))
        return -EFAULT;
    if (flags)
        *flags = d->gnt_version == 2 ? (uint16_t)(e.flags | use_get(d, ref)) : e.flags;
    if (grantee)
        *grantee = e.domid;
    if (frame)
        *frame = (uint32_t)e.frame;
    return 0;
}

/* Checks an entry 'cur' may use; *frame gets its frame. */
static int check_entry(struct hv_dom *rd, uint32_t ref, const struct hv_dom *cur, bool write,
                       uint64_t *frame)
{
    struct ent e;

    if (ref >= nr_entries(rd))
        return HV_GNTST_bad_gntref;
    if (ent_get(rd, ref, &e))
        return HV_GNTST_general_error;
    if ((e.flags & HV_GTF_type_mask) != HV_GTF_permit_access || e.domid != cur->x.domid ||
        (e.flags & HV_GTF_sub_page))
        return HV_GNTST_general_error;
    if (write && (e.flags & HV_GTF_readonly))
        return HV_GNTST_general_error;
    if (!frame_ok(rd, e.frame))
        return HV_GNTST_bad_page;
    *frame = e.frame;
    return HV_GNTST_okay;
}

static int map_ref(struct hv *h, xsm_domid_t caller, uint64_t host_addr, xsm_domid_t granter,
                   uint32_t ref, uint32_t flags, uint32_t *handle)
{
    struct hv_dom *ld = hv_dom_get(h, caller), *rd;
    bool ro = (flags & HV_GNTMAP_readonly) != 0, host = (flags & HV_GNTMAP_host_map) != 0;
    bool foreign = host && ld && (ld->cdf & HV_CDF_hvm) && ld->has_phys && ld->phys.map_foreign;
    struct hv_active *a;
    uint64_t frame = 0;
    unsigned slot;
    int st;

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
    st = check_entry(rd, ref, ld, !ro, &frame);
    if (st)
        return st;
    /* An HVM mapper's p2m takes exactly host_map (create_grant_p2m_mapping). */
    if (foreign && (flags & ~HV_GNTMAP_readonly) != HV_GNTMAP_host_map)
        return HV_GNTST_general_error;
    if (foreign && ld->phys.map_foreign(&ld->phys, host_addr & ~(uint64_t)(PG - 1),
                                        rd->has_phys ? &rd->phys : NULL, frame, ro))
        return HV_GNTST_general_error; /* the last fallible step: nothing to undo */

    ld->maptrack[slot] = (struct hv_map){.used = true,
                                         .readonly = ro,
                                         .host_map = host,
                                         .host_mapped = foreign,
                                         .granter = granter,
                                         .ref = ref,
                                         .frame = frame,
                                         .host_gpa = host_addr & ~(uint64_t)(PG - 1)};
    a = &rd->gnt_act[ref];
    if (ro)
        a->pin_ro++;
    else
        a->pin_rw++;
    pin_bits(rd, ref);
    if (handle)
        *handle = slot;
    return HV_GNTST_okay;
}

int hv_gnttab_map(struct hv *h, xsm_domid_t caller, xsm_domid_t granter, uint32_t ref,
                  uint32_t flags, uint32_t *handle)
{
    return map_ref(h, caller, 0, granter, ref, flags, handle);
}

static int unmap_ref(struct hv *h, xsm_domid_t caller, uint64_t host_addr, uint32_t handle)
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
    /* Not where it was mapped: replace_grant_p2m_mapping's general_error. */
    if (host_addr && m->host_map && host_addr / PG != m->host_gpa / PG)
        return HV_GNTST_general_error;
    /*
     * Xen leaves the p2m alone for host_addr 0; the model always takes the
     * host's mapping away with the pin, so no access outlives the grant.
     */
    host_unmap(ld, m);
    unpin(rd, m->ref, m->readonly);
    m->used = false;
    return HV_GNTST_okay;
}

int hv_gnttab_unmap(struct hv *h, xsm_domid_t caller, uint32_t handle)
{
    return unmap_ref(h, caller, 0, handle);
}

/* Frame numbers the model reports for a PV domain's shared frames. */
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

/*
 * Grows the table and reports its frames: for an HVM domain the frame
 * where the guest placed each one, or HV_INVALID_GFN (Xen's mfn_to_gfn of
 * a frame not in the p2m); for a PV domain, model frame numbers.
 */
void hv_gnttab_setup_do(struct hv_dom *d, uint32_t nr_frames, uint64_t *frames)
{
    grow(d, nr_frames);
    for (uint32_t i = 0; frames && i < nr_frames; i++)
        frames[i] = (d->cdf & HV_CDF_hvm) ? d->gnt_shared_gfn[i] : table_frame(d, i);
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

/* GNTTABOP_get_version: the query_size hook on the domain, as Xen. */
static long get_version(struct hv *h, struct hv_dom *cur, xsm_domid_t dom, uint32_t *version)
{
    struct hv_dom *d = hv_dom_any(h, cur, dom);
    int rc;

    if (!d)
        return -ESRCH;
    rc = xsm_grant_query_size(h->xsm, &cur->x, &cur->x, &d->x);
    if (rc)
        return rc;
    *version = d->gnt_version;
    return 0;
}

/*
 * GNTTABOP_set_version on the caller's own table (no hook, as Xen): only
 * when no grant past the 8 reserved ones is mapped; the table is cleared
 * except those 8, converted to the new layout.
 */
static long set_version(struct hv_dom *d, uint32_t version)
{
    struct ent keep[NR_RESERVED];
    static const uint8_t zero[PG];

    if (version != 1 && version != 2)
        return -EINVAL;
    if (version == 2 && d->gnt_max_version == 1)
        return -ENOSYS;
    if (d->gnt_version == version)
        return 0;
    for (uint32_t i = NR_RESERVED; i < nr_entries(d); i++)
        if (d->gnt_act[i].pin_ro || d->gnt_act[i].pin_rw)
            return -EBUSY;
    for (uint32_t i = 0; i < NR_RESERVED; i++) {
        if (ent_get(d, i, &keep[i]))
            memset(&keep[i], 0, sizeof(keep[i]));
        if (d->gnt_version != 2)
            continue;
        if ((keep[i].flags & HV_GTF_type_mask) == GTF_transitive ||
            ((keep[i].flags & HV_GTF_type_mask) == HV_GTF_permit_access && keep[i].frame >> 32))
            return -ERANGE_XEN; /* not representable in v1 */
    }
    for (uint32_t i = 0; i < NR_RESERVED; i++) {
        if (d->gnt_version != 2)
            continue;
        if ((keep[i].flags & HV_GTF_type_mask) == HV_GTF_permit_access)
            keep[i].flags |= use_get(d, i); /* v1 keeps the status bits in the flags */
        else
            memset(&keep[i], 0, sizeof(keep[i]));
    }
    if (d->gnt_version == 2) {
        /* The status frames go (out of the guest's physmap as well). */
        for (uint32_t i = 0; i < status_frames(d->gnt_max_frames); i++)
            d->gnt_status_gfn[i] = HV_INVALID_GFN;
        memset(d->gnt_status, 0, (size_t)status_frames(d->gnt_max_frames) * PG);
    }
    for (uint32_t i = 0; i < d->gnt_frames; i++)
        (void)tbl_write(d, false, (uint64_t)i * PG, zero, PG);
    d->gnt_version = version;
    for (uint32_t i = 0; i < NR_RESERVED; i++) {
        struct ent e = keep[i];

        if (version == 2) {
            use_set(d, i, e.flags & (HV_GTF_reading | HV_GTF_writing));
            e.flags &= (uint16_t) ~(HV_GTF_reading | HV_GTF_writing);
        }
        (void)ent_put(d, i, &e);
    }
    return 0;
}

/* Resolve one side of a copy to a guest-physical address in *gpa. */
static int copy_side(struct hv_dom *cur, struct hv_dom *d, const struct hv_gnttab_copy_ptr *p,
                     bool gref, bool write, uint64_t *gpa)
{
    uint64_t frame = p->ref_or_gfn;

    if (gref) {
        int st = check_entry(d, p->ref_or_gfn, cur, write, &frame);

        if (st)
            return st;
    }
    if (!frame_ok(d, frame))
        return HV_GNTST_bad_page;
    *gpa = frame * HV_PAGE_SIZE + p->offset;
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
    st = copy_side(cur, sd, src, sg, false, &sa);
    if (st)
        return st;
    st = copy_side(cur, dd, dst, dg, true, &da);
    if (st)
        return st;
    /* Frames are guest-physical on both sides, whoever is in a hypercall. */
    if (hv_gphys_from(sd, buf, sa, len) || hv_gphys_to(dd, da, buf, len))
        return HV_GNTST_bad_page; /* the write is the last step: nothing half-done */
    return HV_GNTST_okay;
}

int hv_gnttab_transfer(struct hv *h, xsm_domid_t caller, uint64_t gfn, xsm_domid_t domid,
                       uint32_t ref)
{
    static const uint8_t zero[HV_PAGE_SIZE];
    struct hv_dom *cur = hv_dom_get(h, caller), *e;
    struct ent g;
    uint8_t page[HV_PAGE_SIZE], probe[HV_PAGE_SIZE];
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
    if (ent_get(e, ref, &g))
        return HV_GNTST_general_error;
    if ((g.flags & HV_GTF_type_mask) != HV_GTF_accept_transfer || g.domid != cur->x.domid ||
        (g.flags & HV_GTF_transfer_completed))
        return HV_GNTST_general_error;
    if (!frame_ok(e, g.frame))
        return HV_GNTST_bad_page;
    src = gfn * HV_PAGE_SIZE;
    dst = g.frame * HV_PAGE_SIZE;
    /* Read, and check both writes can land, before anything moves. */
    if (hv_gphys_from(cur, page, src, sizeof(page)) || hv_gphys_from(e, probe, dst, PG) ||
        hv_gphys_to(e, dst, probe, PG) || hv_gphys_to(cur, src, page, sizeof(page)))
        return HV_GNTST_bad_page;
    if (hv_gphys_to(e, dst, page, sizeof(page)))
        return HV_GNTST_bad_page;
    (void)hv_gphys_to(cur, src, zero, sizeof(zero)); /* the page has left the sender */
    g.flags |= HV_GTF_transfer_committed | HV_GTF_transfer_completed;
    (void)ent_put(e, ref, &g);
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
    ga = m->frame * HV_PAGE_SIZE + offset;
    return write ? hv_gphys_to(rd, ga, buf, len) : hv_gphys_from(rd, buf, ga, len);
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

        st = map_ref(h, id, hv_ld64(op), hv_ld16(op + 16), hv_ld32(op + 12), hv_ld32(op + 8),
                     &handle);
        hv_st16(op + 18, (uint16_t)(int16_t)st);
        hv_st32(op + 20, st ? 0xffffffffU : handle);
        hv_st64(op + 24, 0);
        return 0;
    }
    case HV_GNTTABOP_unmap_grant_ref:
        st = unmap_ref(h, id, hv_ld64(op), hv_ld32(op + 16));
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
    case HV_GNTTABOP_set_version: {
        long rc;

        if (hv_gcopy_from(cur, b, uop, 4))
            return -EFAULT;
        rc = set_version(cur, hv_ld32(b));
        hv_st32(b, cur->gnt_version); /* written back whatever the outcome */
        return hv_gcopy_to(cur, uop, b, 4) ? -EFAULT : rc;
    }
    case HV_GNTTABOP_get_version: {
        uint32_t v = 0;
        long rc;

        if (hv_gcopy_from(cur, b, uop, 8))
            return -EFAULT;
        rc = get_version(h, cur, hv_ld16(b), &v);
        if (rc)
            return rc;
        hv_st32(b + 4, v);
        return hv_gcopy_to(cur, uop + 4, b + 4, 4) ? -EFAULT : 0;
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
