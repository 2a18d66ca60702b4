/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables and argo rings that live in the guest's own memory, as an
 * HVM guest of Xen 4.17 sees them:
 *  - GNTTABOP_set_version / get_version (v1 and v2, Xen's errnos);
 *  - grant frames placed with XENMEM_add_to_physmap: the guest writes its
 *    entries into the frames it placed, the model reads them from there
 *    (v1 8-byte entries, v2 16-byte entries with separate status frames);
 *  - setup_table answers the frame numbers where the table is placed, and
 *    INVALID_GFN where it is not (mfn_to_gfn of an unmapped frame);
 *  - set_version keeps the 8 reserved entries and refuses a table in use;
 *  - argo rings registered with a frame list: sendv writes the message into
 *    the receiver's ring in its memory, with Xen's header and pointers.
 * The numbers and layouts are Xen 4.17's public headers, written out here.
 */
#include <stdint.h>
#include <string.h>

#include <openxsm/hv.h>

#include "check.h"
#include "../lib/le.h"

enum {
    X_EPERM = 1,
    X_ESRCH = 3,
    X_EAGAIN = 11,
    X_EBUSY = 16,
    X_EINVAL = 22,
    NR_MEMORY_OP = 12,
    NR_GRANT_TABLE_OP = 20,
    NR_ARGO_OP = 39,
    G_map = 0,
    G_unmap = 1,
    G_setup_table = 2,
    G_copy = 5,
    G_set_version = 8,
    G_get_version = 10,
    GNTMAP_host_map = 2,
    GTF_permit_access = 1,
    GTF_reading = 8,
    GTF_writing = 16,
    GNTCOPY_dest_gref = 2,
    M_add_to_physmap = 7,
    S_grant_table = 1,
    A_register_ring = 1,
    A_sendv = 3,
    DOMID_SELF = 0x7ff0,
};

#define IDX_STATUS 0x80000000U /* XENMAPIDX_grant_table_status */
#define PG         4096U
#define ARG        0x1000U /* hypercall argument area in each guest */
#define ARG2       0x1800U
#define MEM        (128U * 1024) /* 32 frames per guest */

static struct hv *mk(void)
{
    return hvt_model((struct hv_config){.modules = "dummy"});
}

static xsm_domid_t mkdom(struct hv *h, bool compat)
{
    return hvt_domain(h,
                      (struct hv_domain_config){.flags = HV_CDF_hvm | HV_CDF_hap,
                                                .is_compat = compat,
                                                .mem_size = MEM,
                                                .max_grant_frames = 4},
                      true);
}

static long call(struct hv *h, xsm_domid_t d, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t a[6] = {a0, a1, a2, 0, 0, 0};

    return hv_hypercall(h, d, nr, a);
}

static void wr(struct hv *h, xsm_domid_t d, uint64_t ga, const void *p, size_t n)
{
    CHECK_EQ(hv_guest_write(h, d, ga, p, n), 0);
}

static uint32_t rd32(struct hv *h, xsm_domid_t d, uint64_t ga)
{
    uint8_t b[4] = {0};

    CHECK_EQ(hv_guest_read(h, d, ga, b, 4), 0);
    return get32(b);
}

static uint16_t rd16(struct hv *h, xsm_domid_t d, uint64_t ga)
{
    uint8_t b[2] = {0};

    CHECK_EQ(hv_guest_read(h, d, ga, b, 2), 0);
    return get16(b);
}

/* GNTTABOP_set_version: returns rc, *after = the version written back. */
static long set_version(struct hv *h, xsm_domid_t d, uint32_t v, uint32_t *after)
{
    uint8_t b[4];
    long rc;

    put32(b, v);
    wr(h, d, ARG, b, 4);
    rc = call(h, d, NR_GRANT_TABLE_OP, G_set_version, ARG, 1);
    *after = rd32(h, d, ARG);
    return rc;
}

static long get_version(struct hv *h, xsm_domid_t d, uint16_t dom, uint32_t *v)
{
    uint8_t b[8] = {0};
    long rc;

    put16(b, dom);
    put32(b + 4, 0xdead);
    wr(h, d, ARG, b, 8);
    rc = call(h, d, NR_GRANT_TABLE_OP, G_get_version, ARG, 1);
    *v = rd32(h, d, ARG + 4);
    return rc;
}

static long place(struct hv *h, xsm_domid_t d, bool compat, uint32_t idx, uint64_t gpfn)
{
    uint8_t b[24] = {0};

    put16(b, DOMID_SELF);
    put32(b + 4, S_grant_table);
    if (compat) {
        put32(b + 8, idx);
        put32(b + 12, (uint32_t)gpfn);
    } else {
        put64(b + 8, idx);
        put64(b + 16, gpfn);
    }
    wr(h, d, ARG, b, sizeof(b));
    return call(h, d, NR_MEMORY_OP, M_add_to_physmap, ARG, 0);
}

/* map_grant_ref with host_map; returns the status, *handle the handle. */
static int map(struct hv *h, xsm_domid_t d, uint16_t granter, uint32_t ref, uint64_t host_addr,
               uint32_t *handle)
{
    uint8_t b[32] = {0};

    put64(b, host_addr);
    put32(b + 8, GNTMAP_host_map);
    put32(b + 12, ref);
    put16(b + 16, granter);
    wr(h, d, ARG, b, sizeof(b));
    CHECK_EQ(call(h, d, NR_GRANT_TABLE_OP, G_map, ARG, 1), 0);
    *handle = rd32(h, d, ARG + 20);
    return (int16_t)rd16(h, d, ARG + 18);
}

static int unmap(struct hv *h, xsm_domid_t d, uint64_t host_addr, uint32_t handle)
{
    uint8_t b[24] = {0};

    put64(b, host_addr);
    put32(b + 16, handle);
    wr(h, d, ARG, b, sizeof(b));
    CHECK_EQ(call(h, d, NR_GRANT_TABLE_OP, G_unmap, ARG, 1), 0);
    return (int16_t)rd16(h, d, ARG + 20);
}

/* Native copy: from the caller's frame 'gfn' into granter's 'ref'. */
static int copy_to_gref(struct hv *h, xsm_domid_t d, uint64_t gfn, uint16_t soff, uint16_t granter,
                        uint32_t ref, uint16_t doff, uint16_t len)
{
    uint8_t b[40] = {0};

    put64(b, gfn);
    put16(b + 8, DOMID_SELF);
    put16(b + 10, soff);
    put64(b + 16, ref);
    put16(b + 24, granter);
    put16(b + 26, doff);
    put16(b + 32, len);
    put16(b + 34, GNTCOPY_dest_gref);
    wr(h, d, ARG, b, sizeof(b));
    CHECK_EQ(call(h, d, NR_GRANT_TABLE_OP, G_copy, ARG, 1), 0);
    return (int16_t)rd16(h, d, ARG + 36);
}

static void v1_entry(struct hv *h, xsm_domid_t d, uint64_t table, uint32_t ref, uint16_t flags,
                     uint16_t dom, uint32_t frame)
{
    uint8_t e[8];

    put16(e, flags);
    put16(e + 2, dom);
    put32(e + 4, frame);
    wr(h, d, table + ref * 8ULL, e, 8);
}

static void v2_entry(struct hv *h, xsm_domid_t d, uint64_t table, uint32_t ref, uint16_t flags,
                     uint16_t dom, uint64_t frame)
{
    uint8_t e[16] = {0};

    put16(e, flags);
    put16(e + 2, dom);
    put64(e + 8, frame);
    wr(h, d, table + ref * 16ULL, e, 16);
}

static void test_versions(void)
{
    struct hv *h = mk();
    xsm_domid_t g1 = mkdom(h, false), g2 = mkdom(h, false);
    uint32_t v = 0;

    CHECK_EQ(get_version(h, g1, DOMID_SELF, &v), 0);
    CHECK_EQ(v, 1); /* every table starts at version 1 */
    CHECK_EQ(set_version(h, g1, 3, &v), -X_EINVAL);
    CHECK_EQ(v, 1); /* the current version is written back */
    CHECK_EQ(set_version(h, g1, 0, &v), -X_EINVAL);
    CHECK_EQ(set_version(h, g1, 2, &v), 0);
    CHECK_EQ(v, 2);
    CHECK_EQ(get_version(h, g1, DOMID_SELF, &v), 0);
    CHECK_EQ(v, 2);
    CHECK_EQ(get_version(h, g1, g1, &v), 0);
    CHECK_EQ(v, 2);
    /* Another guest's version: the query_size hook (XSM_TARGET) refuses. */
    CHECK_EQ(get_version(h, g2, g1, &v), -X_EPERM);
    CHECK_EQ(get_version(h, 0, g1, &v), 0);
    CHECK_EQ(v, 2);
    CHECK_EQ(get_version(h, g1, 999, &v), -X_ESRCH);
    CHECK_EQ(set_version(h, g1, 2, &v), 0); /* same version: nothing to do */
    CHECK_EQ(set_version(h, g1, 1, &v), 0);
    CHECK_EQ(v, 1);
    hv_destroy(h);
}

/* setup_table: where each frame is placed, INVALID_GFN where it is not. */
static void test_setup_frames(bool compat)
{
    struct hv *h = mk();
    xsm_domid_t g = mkdom(h, compat);
    uint8_t b[24] = {0};

    CHECK_EQ(place(h, g, compat, 0, 3), 0);
    put16(b, DOMID_SELF);
    put32(b + 4, 2);
    if (compat)
        put32(b + 12, ARG2);
    else
        put64(b + 16, ARG2);
    wr(h, g, ARG, b, sizeof(b));
    CHECK_EQ(call(h, g, NR_GRANT_TABLE_OP, G_setup_table, ARG, 1), 0);
    CHECK_EQ((int16_t)rd16(h, g, ARG + 8), 0);
    if (compat) {
        CHECK_EQ(rd32(h, g, ARG2), 3);
        CHECK_EQ(rd32(h, g, ARG2 + 4), 0xffffffffU);
    } else {
        uint8_t f[16] = {0};

        CHECK_EQ(hv_guest_read(h, g, ARG2, f, 16), 0);
        CHECK_EQ(get64(f), 3);
        CHECK(get64(f + 8) == ~0ULL);
    }
    hv_destroy(h);
}

/* dom0's memory for test_dom0_compat: MEM bytes, guest address = offset. */
static uint8_t dom0_mem[MEM];

static int dom0_from(void *opaque, void *dst, uint64_t ga, size_t len)
{
    (void)opaque;
    if (ga > MEM || len > MEM - ga)
        return -14;
    memcpy(dst, dom0_mem + ga, len);
    return 0;
}

static int dom0_to(void *opaque, uint64_t ga, const void *src, size_t len)
{
    (void)opaque;
    if (ga > MEM || len > MEM - ga)
        return -14;
    memcpy(dom0_mem + ga, src, len);
    return 0;
}

/*
 * A 32-bit dom0 (its xsm_guest's compat flag, as xsm-kvm-run's --dom0 with
 * a 32-bit kernel gives it) gets the compat layouts: add_to_physmap with
 * 32-bit idx and gpfn, setup_table's handle at 12 and 4-byte frames.
 */
static void test_dom0_compat(void)
{
    struct xsm_guest g = {dom0_from, dom0_to, NULL, true};
    struct hv_config c = {0};
    struct hv *h = NULL;
    uint8_t b[24] = {0};

    c.modules = "dummy";
    c.dom0_guest = &g;
    c.dom0_mem_size = MEM;
    CHECK_EQ(hv_create(&h, &c), 0);
    CHECK_EQ(place(h, 0, true, 0, 3), 0);
    put16(b, DOMID_SELF);
    put32(b + 4, 2);
    put32(b + 12, ARG2);
    wr(h, 0, ARG, b, sizeof(b));
    CHECK_EQ(call(h, 0, NR_GRANT_TABLE_OP, G_setup_table, ARG, 1), 0);
    CHECK_EQ((int16_t)rd16(h, 0, ARG + 8), 0);
    CHECK_EQ(rd32(h, 0, ARG2), 3);
    CHECK_EQ(rd32(h, 0, ARG2 + 4), 0xffffffffU);
    hv_destroy(h);
}

static void test_v1_in_guest_memory(void)
{
    struct hv *h = mk();
    xsm_domid_t g1 = mkdom(h, false), g2 = mkdom(h, false);
    const uint64_t table = 3ULL * PG, page = 7ULL * PG;
    uint32_t handle = 99, v = 0;
    char buf[8] = {0};

    CHECK_EQ(place(h, g1, false, 0, 3), 0);
    /* v1 has no status frames: the status bit only makes the index too big. */
    CHECK_EQ(place(h, g1, false, IDX_STATUS, 4), -X_EINVAL);
    wr(h, g1, page, "hello", 5);
    v1_entry(h, g1, table, 9, GTF_permit_access, g2, 7);
    CHECK_EQ(map(h, g2, g1, 9, 0x100000, &handle), 0);
    /* The model marks the entry in use in the guest's own frame. */
    CHECK_EQ(rd16(h, g1, table + 72), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(hv_gnttab_access(h, g2, handle, 0, buf, 5, false), 0);
    CHECK(memcmp(buf, "hello", 5) == 0);
    /* In use past the 8 reserved entries: no version change. */
    CHECK_EQ(set_version(h, g1, 2, &v), -X_EBUSY);
    CHECK_EQ(v, 1);
    wr(h, g2, 2ULL * PG, "world", 5);
    CHECK_EQ(copy_to_gref(h, g2, 2, 0, g1, 9, 16, 5), 0);
    CHECK_EQ(hv_guest_read(h, g1, page + 16, buf, 5), 0);
    CHECK(memcmp(buf, "world", 5) == 0);
    /* A host address that is not the mapping's: general_error. */
    CHECK_EQ(unmap(h, g2, 0x200000, handle), -1);
    CHECK_EQ(unmap(h, g2, 0x100000, handle), 0);
    CHECK_EQ(rd16(h, g1, table + 72), GTF_permit_access);
    /* An entry the guest has not granted (zeroed frame): general_error. */
    CHECK_EQ(map(h, g2, g1, 10, 0x100000, &handle), -1);
    hv_destroy(h);
}

static void test_v2_in_guest_memory(void)
{
    struct hv *h = mk();
    xsm_domid_t g1 = mkdom(h, false), g2 = mkdom(h, false);
    const uint64_t table = 3ULL * PG, status = 4ULL * PG, page = 7ULL * PG;
    uint32_t handle = 99, v = 0;
    char buf[8] = {0};

    CHECK_EQ(place(h, g1, false, 0, 3), 0);
    v1_entry(h, g1, table, 2, GTF_permit_access, g2, 7);  /* reserved: kept */
    v1_entry(h, g1, table, 12, GTF_permit_access, g2, 7); /* not kept */
    CHECK_EQ(set_version(h, g1, 2, &v), 0);
    CHECK_EQ(v, 2);
    CHECK_EQ(rd16(h, g1, table + 2 * 16), GTF_permit_access);
    CHECK_EQ(rd16(h, g1, table + 2 * 16 + 2), g2);
    CHECK_EQ(rd32(h, g1, table + 2 * 16 + 8), 7);
    CHECK_EQ(rd16(h, g1, table + 12 * 8), 0);
    CHECK_EQ(place(h, g1, false, IDX_STATUS | 0, 4), 0);
    CHECK_EQ(place(h, g1, false, IDX_STATUS | 1, 5), -X_EINVAL); /* 4 frames: 1 status frame */
    wr(h, g1, page, "hello", 5);
    v2_entry(h, g1, table, 10, GTF_permit_access, g2, 7);
    CHECK_EQ(map(h, g2, g1, 10, 0x100000, &handle), 0);
    /* v2: the flags stay as the guest wrote them, the status frame says "in use". */
    CHECK_EQ(rd16(h, g1, table + 160), GTF_permit_access);
    CHECK_EQ(rd16(h, g1, status + 20), GTF_reading | GTF_writing);
    CHECK_EQ(hv_gnttab_access(h, g2, handle, 0, buf, 5, false), 0);
    CHECK(memcmp(buf, "hello", 5) == 0);
    wr(h, g2, 2ULL * PG, "world", 5);
    CHECK_EQ(copy_to_gref(h, g2, 2, 0, g1, 10, 100, 5), 0);
    CHECK_EQ(hv_guest_read(h, g1, page + 100, buf, 5), 0);
    CHECK(memcmp(buf, "world", 5) == 0);
    CHECK_EQ(unmap(h, g2, 0x100000, handle), 0);
    CHECK_EQ(rd16(h, g1, status + 20), 0);
    /* A v2 frame number is 64 bits: one beyond the granter's memory is bad_page. */
    v2_entry(h, g1, table, 11, GTF_permit_access, g2, 0x100000007ULL);
    CHECK_EQ(map(h, g2, g1, 11, 0x100000, &handle), -9);
    hv_destroy(h);
}

/* argo_op register_ring with a frame list, sendv into the ring. */
static long reg_ring(struct hv *h, xsm_domid_t d, uint32_t aport, uint16_t partner, uint32_t len,
                     uint64_t gfn)
{
    uint8_t b[12] = {0}, g[8];
    uint64_t a[6] = {A_register_ring, ARG, ARG2, 1, 0, 0};

    put32(b, aport);
    put16(b + 4, partner);
    put32(b + 8, len);
    wr(h, d, ARG, b, sizeof(b));
    put64(g, gfn);
    wr(h, d, ARG2, g, 8);
    return hv_hypercall(h, d, NR_ARGO_OP, a);
}

static long sendv(struct hv *h, xsm_domid_t d, uint16_t dst, uint32_t aport, const void *p,
                  uint32_t len)
{
    uint8_t b[16] = {0}, iov[16] = {0};
    uint64_t a[6] = {A_sendv, ARG, ARG2, 1, 7, 0};

    put32(b, 0x99); /* our own port */
    put16(b + 4, d);
    put32(b + 8, aport);
    put16(b + 12, dst);
    wr(h, d, ARG, b, sizeof(b));
    put64(iov, 0x3000);
    put32(iov + 8, len);
    wr(h, d, ARG2, iov, sizeof(iov));
    wr(h, d, 0x3000, p, len);
    return hv_hypercall(h, d, NR_ARGO_OP, a);
}

static void test_argo_ring_in_guest_memory(void)
{
    struct hv *h = mk();
    xsm_domid_t g1 = mkdom(h, false), g2 = mkdom(h, false);
    const uint64_t ring = 8ULL * PG, data = ring + 64;
    uint8_t big[200], got[40], rx[4];

    memset(big, 'b', sizeof(big));
    CHECK_EQ(reg_ring(h, g1, 5, g2, 256, MEM / PG), -X_EINVAL); /* frame outside memory */
    CHECK_EQ(reg_ring(h, g1, 5, g2, 256, 8), 0);
    CHECK_EQ(sendv(h, g2, g1, 5, "hello", 5), 5);
    CHECK_EQ(rd32(h, g1, ring + 4), 32); /* tx_ptr: 16-byte header + 16-byte slot */
    CHECK_EQ(rd32(h, g1, data), 21);     /* len counts the header */
    CHECK_EQ(rd32(h, g1, data + 4), 0x99);
    CHECK_EQ(rd16(h, g1, data + 8), g2);
    CHECK_EQ(rd32(h, g1, data + 12), 7);
    CHECK_EQ(hv_guest_read(h, g1, data + 16, got, 5), 0);
    CHECK(memcmp(got, "hello", 5) == 0);
    /* 224 bytes free; a message may not fill them (one slot stays free). */
    CHECK_EQ(sendv(h, g2, g1, 5, big, 200), -X_EAGAIN);
    CHECK_EQ(sendv(h, g2, g1, 5, big, 190), 190);
    CHECK_EQ(rd32(h, g1, ring + 4), 240);
    /* The receiver consumed everything; the next message wraps. */
    put32(rx, 240);
    wr(h, g1, ring, rx, 4);
    CHECK_EQ(sendv(h, g2, g1, 5, "0123456789abcdefXYZ", 19), 19);
    CHECK_EQ(rd32(h, g1, data + 240), 35);
    CHECK_EQ(hv_guest_read(h, g1, data, got, 19), 0);
    CHECK(memcmp(got, "0123456789abcdefXYZ", 19) == 0);
    CHECK_EQ(rd32(h, g1, ring + 4), 32);
    hv_destroy(h);
}

/*
 * A host whose guest addresses are virtual (VOFF above the physical ones,
 * like a vCPU's page tables) and whose frames are physical: the model must
 * use the phys callbacks for frames, and tell the host about host_map
 * mappings and their end.
 */
#define VOFF 0x100000U

struct fake {
    uint8_t mem[MEM];
    int maps, unmaps, fail_map;
    bool gone; /* the host's memory is gone: any call now is a late one */
    int late;
    uint64_t gpa, gfn, unmap_gpa;
    const void *granter;
};

static int fk_io(uint64_t a, size_t n)
{
    return a > MEM || n > MEM - a ? -14 : 0;
}

static int v_from(void *o, void *dst, uint64_t ga, size_t n)
{
    struct fake *f = o;

    f->late += f->gone;
    if (ga < VOFF || fk_io(ga - VOFF, n))
        return -14;
    memcpy(dst, f->mem + (ga - VOFF), n);
    return 0;
}

static int v_to(void *o, uint64_t ga, const void *src, size_t n)
{
    struct fake *f = o;

    f->late += f->gone;
    if (ga < VOFF || fk_io(ga - VOFF, n))
        return -14;
    memcpy(f->mem + (ga - VOFF), src, n);
    return 0;
}

static int p_from(void *o, void *dst, uint64_t pa, size_t n)
{
    struct fake *f = o;

    f->late += f->gone;
    if (fk_io(pa, n))
        return -14;
    memcpy(dst, f->mem + pa, n);
    return 0;
}

static int p_to(void *o, uint64_t pa, const void *src, size_t n)
{
    struct fake *f = o;

    f->late += f->gone;
    if (fk_io(pa, n))
        return -14;
    memcpy(f->mem + pa, src, n);
    return 0;
}

static int fk_map(const struct hv_guest_phys *self, uint64_t gpa,
                  const struct hv_guest_phys *granter, uint64_t gfn, bool ro)
{
    struct fake *f = self->mem.opaque;

    f->late += f->gone;
    if (f->fail_map)
        return -1;
    f->maps++;
    f->gpa = gpa;
    f->gfn = gfn;
    f->granter = granter ? granter->mem.opaque : NULL;
    (void)ro;
    return 0;
}

static void fk_unmap(const struct hv_guest_phys *self, uint64_t gpa)
{
    struct fake *f = self->mem.opaque;

    f->late += f->gone;
    f->unmaps++;
    f->unmap_gpa = gpa;
}

static xsm_domid_t mkfake(struct hv *h, struct fake *f)
{
    struct xsm_guest g = {v_from, v_to, f, false};
    struct hv_guest_phys p = {{p_from, p_to, f, false}, fk_map, fk_unmap};
    struct hv_domain_config c = {0};
    xsm_domid_t id = 0;

    c.flags = HV_CDF_hvm | HV_CDF_hap;
    c.mem_size = MEM;
    c.max_grant_frames = 4;
    c.guest = &g;
    c.phys = &p;
    CHECK_EQ(hv_domain_create(h, 0, &c, &id), 0);
    CHECK_EQ(hv_domain_unpause(h, 0, id), 0);
    return id;
}

static long vcall(struct hv *h, xsm_domid_t d, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t a[6] = {a0, a1 + VOFF, a2, 0, 0, 0};

    return hv_hypercall(h, d, nr, a);
}

static int fmap(struct hv *h, xsm_domid_t d, struct fake *f, uint16_t granter, uint64_t host_addr,
                uint32_t *handle)
{
    uint8_t b[32] = {0};

    put64(b, host_addr);
    put32(b + 8, GNTMAP_host_map);
    put32(b + 12, 9);
    put16(b + 16, granter);
    memcpy(f->mem + ARG, b, sizeof(b));
    CHECK_EQ(vcall(h, d, NR_GRANT_TABLE_OP, G_map, ARG, 1), 0);
    *handle = get32(f->mem + ARG + 20);
    return (int16_t)get16(f->mem + ARG + 18);
}

static void test_host_phys(void)
{
    static struct fake f1, f2, f3;
    struct hv *h = mk();
    xsm_domid_t g1, g2, g3;
    uint8_t b[40] = {0};
    uint32_t handle = 0;

    memset(&f1, 0, sizeof(f1));
    memset(&f2, 0, sizeof(f2));
    memset(&f3, 0, sizeof(f3));
    g1 = mkfake(h, &f1), g2 = mkfake(h, &f2), g3 = mkfake(h, &f3);
    /* add_to_physmap: the argument virtual, the frame physical. */
    put16(b, DOMID_SELF);
    put32(b + 4, S_grant_table);
    put64(b + 8, 0);
    put64(b + 16, 3);
    memcpy(f1.mem + ARG, b, 24);
    CHECK_EQ(vcall(h, g1, NR_MEMORY_OP, M_add_to_physmap, ARG, 0), 0);
    put16(f1.mem + 3 * PG + 72 + 2, g2);
    put32(f1.mem + 3 * PG + 72 + 4, 7);
    put16(f1.mem + 3 * PG + 72, GTF_permit_access);
    memcpy(f1.mem + 7 * PG, "phys", 4);

    /* The host refuses: general_error, and the grant is not in use. */
    f2.fail_map = 1;
    CHECK_EQ(fmap(h, g2, &f2, g1, 0x40000123, &handle), -1);
    CHECK_EQ(get16(f1.mem + 3 * PG + 72), GTF_permit_access);
    f2.fail_map = 0;
    CHECK_EQ(fmap(h, g2, &f2, g1, 0x40000123, &handle), 0);
    CHECK_EQ(f2.maps, 1);
    CHECK_EQ(f2.gpa, 0x40000000);
    CHECK_EQ(f2.gfn, 7);
    CHECK(f2.granter == &f1);
    CHECK_EQ(get16(f1.mem + 3 * PG + 72), GTF_permit_access | GTF_reading | GTF_writing);

    /* Copy: g2's own frame 2 (physical) into the grant. */
    memcpy(f2.mem + 2 * PG, "copy", 4);
    memset(b, 0, sizeof(b));
    put64(b, 2);
    put16(b + 8, DOMID_SELF);
    put64(b + 16, 9);
    put16(b + 24, g1);
    put16(b + 26, 8);
    put16(b + 32, 4);
    put16(b + 34, GNTCOPY_dest_gref);
    memcpy(f2.mem + ARG, b, 40);
    CHECK_EQ(vcall(h, g2, NR_GRANT_TABLE_OP, G_copy, ARG, 1), 0);
    CHECK_EQ((int16_t)get16(f2.mem + ARG + 36), 0);
    CHECK(memcmp(f1.mem + 7 * PG + 8, "copy", 4) == 0);

    /* unmap tells the host; so does the granter's destruction. */
    memset(b, 0, sizeof(b));
    put64(b, 0x40000000);
    put32(b + 16, handle);
    memcpy(f2.mem + ARG, b, 24);
    CHECK_EQ(vcall(h, g2, NR_GRANT_TABLE_OP, G_unmap, ARG, 1), 0);
    CHECK_EQ((int16_t)get16(f2.mem + ARG + 20), 0);
    CHECK_EQ(f2.unmaps, 1);
    CHECK_EQ(f2.unmap_gpa, 0x40000000);
    CHECK_EQ(fmap(h, g2, &f2, g1, 0x50000000, &handle), 0);
    CHECK_EQ(hv_domain_destroy(h, 0, g1), 0);
    CHECK_EQ(f2.unmaps, 2);
    CHECK_EQ(f2.unmap_gpa, 0x50000000);

    /* ... and the mapper's own. */
    CHECK_EQ(hv_gnttab_write_entry(h, g3, 9, GTF_permit_access, g2, 5), 0);
    CHECK_EQ(fmap(h, g2, &f2, g3, 0x60000000, &handle), 0);
    CHECK_EQ(f2.maps, 3);
    CHECK_EQ(hv_domain_destroy(h, 0, g2), 0);
    CHECK_EQ(f2.unmaps, 3);
    CHECK_EQ(f2.unmap_gpa, 0x60000000);
    CHECK_EQ(f3.unmaps + f3.maps, 0);
    hv_destroy(h);
}

/*
 * hv_destroy ends the model after the host's memory may be gone (xsmd frees
 * its VMs first): it calls no host callback, neither to unmap nor to clear
 * the in-use bits in a granter's placed frame.
 */
static void test_destroy_quiet(void)
{
    static struct fake f1, f2;
    struct hv *h = mk();
    xsm_domid_t g1, g2;
    uint8_t b[24] = {0};
    uint32_t handle = 0;

    memset(&f1, 0, sizeof(f1));
    memset(&f2, 0, sizeof(f2));
    g1 = mkfake(h, &f1), g2 = mkfake(h, &f2);
    put16(b, DOMID_SELF);
    put32(b + 4, S_grant_table);
    put64(b + 16, 3);
    memcpy(f1.mem + ARG, b, 24);
    CHECK_EQ(vcall(h, g1, NR_MEMORY_OP, M_add_to_physmap, ARG, 0), 0);
    put16(f1.mem + 3 * PG + 72 + 2, g2);
    put32(f1.mem + 3 * PG + 72 + 4, 7);
    put16(f1.mem + 3 * PG + 72, GTF_permit_access);
    CHECK_EQ(fmap(h, g2, &f2, g1, 0x40000000, &handle), 0);
    f1.gone = f2.gone = true;
    hv_destroy(h);
    CHECK_EQ(f1.late, 0);
    CHECK_EQ(f2.late, 0);
}

int main(void)
{
    test_versions();
    test_setup_frames(false);
    test_setup_frames(true);
    test_dom0_compat();
    test_v1_in_guest_memory();
    test_v2_in_guest_memory();
    test_argo_ring_in_guest_memory();
    test_host_phys();
    test_destroy_quiet();
    return check_report("test-hv-gnttab");
}
