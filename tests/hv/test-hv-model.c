/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the hypervisor model: life cycle, event delivery, grants,
 * Argo, xen_version/console/sysctl, the hypercall layouts (native and
 * compat), guest-memory faults, and several instances side by side.
 * Expected values are Xen's documented behaviour, written out here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hv.h>
#include <openxsm/xsm_op.h>

#include "check.h"
#include "../lib/le.h"

/* Xen errno values, stated independently of the host's errno.h. */
enum {
    X_EPERM = 1,
    X_ESRCH = 3,
    X_EFAULT = 14,
    X_EEXIST = 17,
    X_EINVAL = 22,
    X_ENOSPC = 28,
    X_ENOSYS = 38,
    X_ENODATA = 61,
    X_EOPNOTSUPP = 95,
    X_ECONNREFUSED = 111,
};

static struct hv *mk(const char *xsm)
{
    return hvt_model((struct hv_config){.modules = xsm, .argo_mac_permissive = true});
}

static xsm_domid_t mkdom(struct hv *h, uint32_t flags)
{
    return hvt_domain(h, (struct hv_domain_config){.flags = flags}, false);
}

static long hc(struct hv *h, xsm_domid_t caller, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2,
               uint64_t a3, uint64_t a4)
{
    uint64_t a[6] = {a0, a1, a2, a3, a4, 0};

    return hv_hypercall(h, caller, nr, a);
}

static void test_lifecycle(void)
{
    struct hv *h = mk("dummy");
    struct hv_dominfo di;
    struct hv_domain_config c = {0};
    xsm_domid_t g;

    CHECK(hv_domain_exists(h, 0));
    CHECK(hv_domain_xsm(h, 0)->is_privileged);
    CHECK_EQ(hv_domain_count(h), 1);
    g = mkdom(h, HV_CDF_hvm);
    CHECK(g != 0);
    CHECK(!hv_domain_xsm(h, g)->is_privileged);
    CHECK_EQ(hv_domain_count(h), 2);

    /* New domains start paused; the toolstack unpauses them. */
    CHECK_EQ(hv_domain_getinfo(h, 0, g, &di), 0);
    CHECK_EQ(di.domid, g);
    CHECK(di.flags & HV_DOMINF_paused);
    CHECK(di.flags & HV_DOMINF_hvm_guest);
    CHECK_EQ(hv_domain_unpause(h, 0, g), 0);
    CHECK_EQ(hv_domain_getinfo(h, 0, g, &di), 0);
    CHECK(!(di.flags & HV_DOMINF_paused));
    CHECK_EQ(hv_domain_unpause(h, 0, g), -X_EINVAL); /* below zero */
    CHECK_EQ(hv_domain_pause(h, 0, g), 0);
    CHECK_EQ(hv_domain_pause(h, 0, 0), -X_EINVAL); /* not oneself */

    /* Explicit ids, and the 4.17 "next domain at or above" getdomaininfo. */
    c.domid = 7;
    CHECK_EQ(hv_domain_create(h, 0, &c, NULL), 0);
    CHECK_EQ(hv_domain_create(h, 0, &c, NULL), -X_EEXIST);
    CHECK_EQ(hv_domain_getinfo(h, 0, 5, &di), 0);
    CHECK_EQ(di.domid, 7);
    CHECK_EQ(hv_domain_getinfo(h, 0, 8, &di), -X_ESRCH);
    c.domid = 0;
    c.flags = 0x8000; /* unknown CDF bit */
    CHECK_EQ(hv_domain_create(h, 0, &c, NULL), -X_EINVAL);
    CHECK_EQ(hv_domain_count(h), 3);

    /* A guest may not create or destroy (PRIV under the dummy rules). */
    c.flags = 0;
    CHECK_EQ(hv_domain_create(h, g, &c, NULL), -X_EPERM);
    CHECK_EQ(hv_domain_destroy(h, g, 7), -X_EPERM);
    CHECK_EQ(hv_domain_destroy(h, 0, 0), -X_EINVAL);
    CHECK_EQ(hv_domain_destroy(h, 0, 7), 0);
    CHECK(!hv_domain_exists(h, 7));
    CHECK_EQ(hv_domain_destroy(h, 0, 7), -X_ESRCH);

    /* set_target: HVM targets only, once. */
    {
        xsm_domid_t dm = mkdom(h, 0), pv = mkdom(h, 0);

        CHECK_EQ(hv_domain_set_target(h, 0, dm, pv), -X_EOPNOTSUPP);
        CHECK_EQ(hv_domain_set_target(h, 0, dm, dm), -X_EINVAL);
        CHECK_EQ(hv_domain_set_target(h, g, dm, g), -X_EPERM);
        CHECK_EQ(hv_domain_set_target(h, 0, dm, g), 0);
        CHECK(hv_domain_xsm(h, dm)->target == hv_domain_xsm(h, g));
        CHECK_EQ(hv_domain_set_target(h, 0, dm, g), -X_EINVAL);
        CHECK_EQ(hv_domain_getinfo(h, 0, dm, &di), 0);
        CHECK_EQ(di.target, g);
        /* Destroying the target drops the relation. */
        CHECK_EQ(hv_domain_destroy(h, 0, g), 0);
        CHECK(hv_domain_xsm(h, dm)->target == NULL);
    }
    hv_destroy(h);
}

static void test_evtchn(void)
{
    struct hv *h = mk("dummy");
    xsm_domid_t a = mkdom(h, 0), b = mkdom(h, 0);
    struct hv_evtchn_status st;
    uint32_t pa = 0, pb = 0, p2;

    /* a offers a port to b; b binds; the new local port starts pending. */
    CHECK_EQ(hv_evtchn_alloc_unbound(h, a, XSM_DOMID_SELF, b, &pa), 0);
    CHECK(pa != 0); /* port 0 is reserved */
    CHECK_EQ(hv_evtchn_status(h, a, XSM_DOMID_SELF, pa, &st), 0);
    CHECK_EQ(st.status, HV_EVTCHNSTAT_unbound);
    CHECK_EQ(st.dom, b);
    CHECK_EQ(hv_evtchn_bind_interdomain(h, a, a, pa, &p2), -X_EINVAL); /* offered to b only */
    CHECK_EQ(hv_evtchn_bind_interdomain(h, b, a, pa, &pb), 0);
    CHECK_EQ(hv_evtchn_pending(h, b, pb), 1);
    CHECK_EQ(hv_evtchn_consume(h, b, pb), 1);
    CHECK_EQ(hv_evtchn_pending(h, b, pb), 0);
    CHECK_EQ(hv_evtchn_pending(h, a, pa), 0);

    /* Events travel both ways. */
    CHECK_EQ(hv_evtchn_send(h, b, pb), 0);
    CHECK_EQ(hv_evtchn_pending(h, a, pa), 1);
    CHECK_EQ(hv_evtchn_pending(h, b, pb), 0);
    CHECK_EQ(hv_evtchn_send(h, a, pa), 0);
    CHECK_EQ(hv_evtchn_pending(h, b, pb), 1);
    CHECK_EQ(hv_evtchn_status(h, 0, b, pb, &st), 0);
    CHECK_EQ(st.status, HV_EVTCHNSTAT_interdomain);
    CHECK_EQ(st.dom, a);
    CHECK_EQ(st.port, pa);

    /* A plain guest may not look at another's channels (TARGET). */
    CHECK_EQ(hv_evtchn_status(h, a, b, pb, &st), -X_EPERM);
    CHECK_EQ(hv_evtchn_send(h, a, 999), -X_EINVAL);
    CHECK_EQ(hv_evtchn_send(h, a, 5), -X_EINVAL); /* free port */

    /* Closing one end leaves the other unbound, waiting for the closer. */
    CHECK_EQ(hv_evtchn_close(h, a, pa), 0);
    CHECK_EQ(hv_evtchn_status(h, b, XSM_DOMID_SELF, pb, &st), 0);
    CHECK_EQ(st.status, HV_EVTCHNSTAT_unbound);
    CHECK_EQ(st.dom, a);
    CHECK_EQ(hv_evtchn_close(h, a, pa), -X_EINVAL);
    CHECK_EQ(hv_evtchn_close(h, a, 0), -X_EINVAL);

    /* Reset: of oneself any time; of another domain only while it is paused. */
    CHECK_EQ(hv_evtchn_alloc_unbound(h, 0, a, 0, &p2), 0);
    CHECK_EQ(hv_domain_unpause(h, 0, a), 0);
    CHECK_EQ(hv_evtchn_reset(h, 0, a), -X_EINVAL);
    CHECK_EQ(hv_evtchn_reset(h, b, a), -X_EPERM);
    CHECK_EQ(hv_domain_pause(h, 0, a), 0);
    CHECK_EQ(hv_evtchn_reset(h, 0, a), 0);
    CHECK_EQ(hv_evtchn_status(h, 0, a, p2, &st), 0);
    CHECK_EQ(st.status, HV_EVTCHNSTAT_closed);
    CHECK_EQ(hv_evtchn_reset(h, b, XSM_DOMID_SELF), 0);
    CHECK_EQ(hv_evtchn_status(h, 0, b, pb, &st), 0);
    CHECK_EQ(st.status, HV_EVTCHNSTAT_closed);

    /* The port table fills up. */
    {
        struct hv_domain_config c = {0};
        xsm_domid_t s;
        uint32_t p;
        int n = 0;

        c.max_evtchn_port = 3;
        CHECK_EQ(hv_domain_create(h, 0, &c, &s), 0);
        while (hv_evtchn_alloc_unbound(h, s, XSM_DOMID_SELF, 0, &p) == 0)
            n++;
        CHECK_EQ(n, 3); /* ports 1..3 */
        CHECK_EQ(hv_evtchn_alloc_unbound(h, s, XSM_DOMID_SELF, 0, &p), -X_ENOSPC);
    }

    /* Destroying a domain unbinds its peers. */
    CHECK_EQ(hv_evtchn_alloc_unbound(h, a, XSM_DOMID_SELF, b, &pa), 0);
    CHECK_EQ(hv_evtchn_bind_interdomain(h, b, a, pa, &pb), 0);
    CHECK_EQ(hv_domain_destroy(h, 0, a), 0);
    CHECK_EQ(hv_evtchn_status(h, 0, b, pb, &st), 0);
    CHECK_EQ(st.status, HV_EVTCHNSTAT_unbound);
    CHECK_EQ(st.dom, a);
    hv_destroy(h);
}

static void test_grants(void)
{
    struct hv *h = mk("dummy");
    xsm_domid_t a = mkdom(h, 0), b = mkdom(h, 0), c = mkdom(h, 0);
    uint32_t hd = 0, nr = 0, max = 0;
    uint16_t fl;
    char buf[32];
    struct hv_gnttab_copy_ptr s, d;

    /* a grants b read-write access to its page 3. */
    CHECK_EQ(hv_guest_write(h, a, 3 * 4096 + 100, "granted!", 8), 0);
    CHECK_EQ(hv_gnttab_write_entry(h, a, 5, HV_GTF_permit_access, b, 3), 0);
    CHECK_EQ(hv_gnttab_map(h, c, a, 5, HV_GNTMAP_host_map, &hd), HV_GNTST_general_error);
    CHECK_EQ(hv_gnttab_map(h, b, a, 5, 0, &hd), HV_GNTST_bad_gntref); /* no map kind */
    CHECK_EQ(hv_gnttab_map(h, b, a, 600, HV_GNTMAP_host_map, &hd), HV_GNTST_bad_gntref);
    CHECK_EQ(hv_gnttab_map(h, b, 999, 5, HV_GNTMAP_host_map, &hd), HV_GNTST_bad_domain);
    CHECK_EQ(hv_gnttab_map(h, b, a, 5, HV_GNTMAP_host_map, &hd), HV_GNTST_okay);
    CHECK_EQ(hv_gnttab_read_entry(h, a, 5, &fl, NULL, NULL), 0);
    CHECK(fl & HV_GTF_reading);
    CHECK(fl & HV_GTF_writing);
    CHECK_EQ(hv_gnttab_write_entry(h, a, 5, HV_GTF_invalid, 0, 0), -16); /* EBUSY while mapped */
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(hv_gnttab_access(h, b, hd, 100, buf, 8, false), 0);
    CHECK(memcmp(buf, "granted!", 8) == 0);
    CHECK_EQ(hv_gnttab_access(h, b, hd, 200, "reply", 5, true), 0);
    CHECK_EQ(hv_guest_read(h, a, 3 * 4096 + 200, buf, 5), 0);
    CHECK(memcmp(buf, "reply", 5) == 0);
    CHECK_EQ(hv_gnttab_unmap(h, c, hd), HV_GNTST_bad_handle);
    CHECK_EQ(hv_gnttab_unmap(h, b, hd), HV_GNTST_okay);
    CHECK_EQ(hv_gnttab_unmap(h, b, hd), HV_GNTST_bad_handle);
    CHECK_EQ(hv_gnttab_read_entry(h, a, 5, &fl, NULL, NULL), 0);
    CHECK(!(fl & (HV_GTF_reading | HV_GTF_writing)));

    /* Read-only grants: only read-only maps. */
    CHECK_EQ(hv_gnttab_write_entry(h, a, 6, HV_GTF_permit_access | HV_GTF_readonly, b, 3), 0);
    CHECK_EQ(hv_gnttab_map(h, b, a, 6, HV_GNTMAP_host_map, &hd), HV_GNTST_general_error);
    CHECK_EQ(hv_gnttab_map(h, b, a, 6, HV_GNTMAP_host_map | HV_GNTMAP_readonly, &hd),
             HV_GNTST_okay);
    CHECK_EQ(hv_gnttab_access(h, b, hd, 0, "x", 1, true), -13);

    /* Table size: one frame at first, grows by setup_table up to the maximum. */
    CHECK_EQ(hv_gnttab_query_size(h, a, XSM_DOMID_SELF, &nr, &max), HV_GNTST_okay);
    CHECK_EQ(nr, 1);
    CHECK_EQ(max, 4);
    CHECK_EQ(hv_gnttab_write_entry(h, a, 600, HV_GTF_permit_access, b, 3), -X_EINVAL);
    CHECK_EQ(hv_gnttab_setup(h, a, XSM_DOMID_SELF, 5, NULL), HV_GNTST_general_error);
    CHECK_EQ(hv_gnttab_setup(h, b, a, 2, NULL), HV_GNTST_permission_denied);
    CHECK_EQ(hv_gnttab_setup(h, a, XSM_DOMID_SELF, 2, NULL), HV_GNTST_okay);
    CHECK_EQ(hv_gnttab_query_size(h, a, XSM_DOMID_SELF, &nr, &max), HV_GNTST_okay);
    CHECK_EQ(nr, 2);
    CHECK_EQ(hv_gnttab_write_entry(h, a, 600, HV_GTF_permit_access, b, 3), 0);

    /* Copy: b writes into a's granted page through the grant. */
    CHECK_EQ(hv_guest_write(h, b, 1 * 4096 + 10, "copied", 6), 0);
    s = (struct hv_gnttab_copy_ptr){.ref_or_gfn = 1, .domid = XSM_DOMID_SELF, .offset = 10};
    d = (struct hv_gnttab_copy_ptr){.ref_or_gfn = 600, .domid = a, .offset = 300};
    CHECK_EQ(hv_gnttab_copy(h, b, &s, &d, 6, HV_GNTCOPY_dest_gref), HV_GNTST_okay);
    CHECK_EQ(hv_guest_read(h, a, 3 * 4096 + 300, buf, 6), 0);
    CHECK(memcmp(buf, "copied", 6) == 0);
    d.offset = 4094;
    CHECK_EQ(hv_gnttab_copy(h, b, &s, &d, 6, HV_GNTCOPY_dest_gref), HV_GNTST_bad_copy_arg);
    d.offset = 0;
    CHECK_EQ(hv_gnttab_copy(h, c, &s, &d, 6, HV_GNTCOPY_dest_gref), HV_GNTST_general_error);
    /* Copy by frame number is for one's own memory only. */
    CHECK_EQ(hv_gnttab_copy(h, b, &s, &d, 6, 0), HV_GNTST_permission_denied);
    d.ref_or_gfn = 6; /* read-only grant: not a destination */
    CHECK_EQ(hv_gnttab_copy(h, b, &s, &d, 6, HV_GNTCOPY_dest_gref), HV_GNTST_general_error);

    /* Transfer: c offers page 2 to receive from b. */
    CHECK_EQ(hv_guest_write(h, b, 4 * 4096, "page-of-b", 9), 0);
    CHECK_EQ(hv_gnttab_write_entry(h, c, 1, HV_GTF_accept_transfer, b, 2), 0);
    CHECK_EQ(hv_gnttab_transfer(h, a, 4, c, 1), HV_GNTST_general_error); /* offered to b */
    CHECK_EQ(hv_gnttab_transfer(h, b, 4, c, 1), HV_GNTST_okay);
    CHECK_EQ(hv_guest_read(h, c, 2 * 4096, buf, 9), 0);
    CHECK(memcmp(buf, "page-of-b", 9) == 0);
    CHECK_EQ(hv_guest_read(h, b, 4 * 4096, buf, 9), 0);
    CHECK(buf[0] == 0); /* the page left b */
    CHECK_EQ(hv_gnttab_read_entry(h, c, 1, &fl, NULL, NULL), 0);
    CHECK(fl & HV_GTF_transfer_completed);
    CHECK_EQ(hv_gnttab_transfer(h, b, 4, c, 1), HV_GNTST_general_error); /* used up */

    /* Destroying the granter drops mappings of its grants. */
    CHECK_EQ(hv_domain_destroy(h, 0, a), 0);
    CHECK_EQ(hv_gnttab_access(h, b, hd, 0, buf, 1, false), -X_EINVAL);
    hv_destroy(h);
}

static void test_argo(void)
{
    struct hv *h = mk("dummy");
    xsm_domid_t a = mkdom(h, 0), b = mkdom(h, 0), c = mkdom(h, 0);
    struct hv_argo_msg m;
    char buf[64];

    CHECK_EQ(hv_argo_send(h, a, 1, b, 80, 7, "hi", 2), -X_ECONNREFUSED);
    CHECK_EQ(hv_argo_register_ring(h, b, 80, a, 4096, 0), 0);
    CHECK_EQ(hv_argo_register_ring(h, b, 80, a, 4096, HV_ARGO_REGISTER_FLAG_FAIL_EXIST), -X_EEXIST);
    CHECK_EQ(hv_argo_register_ring(h, b, 80, a, 4096, 0), 0);        /* re-register: fine */
    CHECK_EQ(hv_argo_register_ring(h, b, 81, a, 100, 0), -X_EINVAL); /* not 16-aligned */
    CHECK_EQ(hv_argo_register_ring(h, b, 81, 999, 4096, 0), -X_ESRCH);
    CHECK_EQ(hv_argo_send(h, a, 1, b, 80, 7, "hello", 5), 5);
    CHECK_EQ(hv_argo_send(h, a, 1, b, 80, 8, "world!", 6), 6);
    CHECK_EQ(hv_argo_send(h, c, 1, b, 80, 7, "hi", 2), -X_ECONNREFUSED); /* single-source */
    CHECK_EQ(hv_argo_send(h, a, 1, 999, 80, 7, "hi", 2), -X_ESRCH);
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(hv_argo_recv(h, b, 80, a, &m, buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(m.src_domid, a);
    CHECK_EQ(m.src_aport, 1);
    CHECK_EQ(m.message_type, 7);
    CHECK_EQ(hv_argo_recv(h, b, 80, a, &m, buf, sizeof(buf)), 6);
    CHECK_EQ(m.message_type, 8);
    CHECK_EQ(hv_argo_recv(h, b, 80, a, &m, buf, sizeof(buf)), -X_ENODATA);

    /* Any-source ring; a full ring answers -EAGAIN; too big -EMSGSIZE. */
    CHECK_EQ(hv_argo_register_ring(h, c, 90, HV_ARGO_DOMID_ANY, 64, 0), 0);
    CHECK_EQ(hv_argo_send(h, a, 2, c, 90, 0, "0123456789abcdef", 16), 16);
    CHECK_EQ(hv_argo_send(h, b, 2, c, 90, 0, "x", 1), -11);
    CHECK_EQ(hv_argo_send(h, b, 2, c, 90, 0, buf, 60), -90);
    CHECK_EQ(hv_argo_recv(h, c, 90, HV_ARGO_DOMID_ANY, &m, buf, sizeof(buf)), 16);
    CHECK_EQ(m.src_domid, a);
    CHECK_EQ(hv_argo_send(h, b, 2, c, 90, 0, "x", 1), 1);
    CHECK_EQ(hv_argo_unregister_ring(h, c, 90, HV_ARGO_DOMID_ANY), 0);
    CHECK_EQ(hv_argo_unregister_ring(h, c, 90, HV_ARGO_DOMID_ANY), -2);
    hv_destroy(h);

    /* Xen's defaults: any-source rings need argo=mac-permissive; argo=0 disables. */
    {
        struct hv_config cfg = {0};

        CHECK_EQ(hv_create(&h, &cfg), 0);
        a = mkdom(h, 0);
        CHECK_EQ(hv_argo_register_ring(h, a, 1, HV_ARGO_DOMID_ANY, 4096, 0), -X_EPERM);
        CHECK_EQ(hv_argo_register_ring(h, a, 1, 0, 4096, 0), 0);
        hv_destroy(h);
        cfg.argo_disabled = true;
        CHECK_EQ(hv_create(&h, &cfg), 0);
        CHECK_EQ(hv_argo_register_ring(h, 0, 1, 0, 4096, 0), -X_EOPNOTSUPP);
        hv_destroy(h);
    }
}

static void test_version_console_sysctl(void)
{
    struct hv *h = mk("dummy");
    xsm_domid_t g = mkdom(h, 0);
    char out[1024];
    struct hv_physinfo pi;
    size_t len;

    CHECK_EQ(hv_xen_version(h, g, HV_XENVER_version, NULL, 0), (4 << 16) | 17);
    CHECK_EQ(hv_xen_version(h, g, HV_XENVER_commandline, out, sizeof(out)), 0);
    CHECK(strcmp(out, "<denied>") == 0); /* PRIV sub-op: Xen answers "<denied>" */
    CHECK_EQ(hv_xen_version(h, 0, HV_XENVER_commandline, out, sizeof(out)), 0);
    CHECK(strcmp(out, "<denied>") != 0 && out[0] != 0);
    CHECK_EQ(hv_xen_version(h, g, HV_XENVER_extraversion, out, 16), 0);
    CHECK(strcmp(out, "<denied>") != 0);
    CHECK_EQ(hv_xen_version(h, g, HV_XENVER_build_id, NULL, 0), -X_EPERM);
    CHECK(hv_xen_version(h, 0, HV_XENVER_build_id, NULL, 0) > 0);
    CHECK_EQ(hv_xen_version(h, g, HV_XENVER_pagesize, NULL, 0), 4096);
    CHECK_EQ(hv_xen_version(h, g, 99, NULL, 0), -X_ENOSYS);

    /* Console: guests need privilege (or is_console); dom0 writes raw. */
    CHECK_EQ(hv_console_write(h, g, "hello\n", 6), -X_EPERM);
    CHECK_EQ(hv_console_write(h, 0, "dom0 says hi\n", 13), 0);
    CHECK(strcmp(hv_console_log(h, &len), "dom0 says hi\n") == 0);
    {
        struct hv_domain_config c = {0};
        xsm_domid_t con;

        c.is_console = true;
        CHECK_EQ(hv_domain_create(h, 0, &c, &con), 0);
        CHECK_EQ(hv_console_write(h, con,
                                  "a\001"
                                  "b\nc",
                                  5),
                 0);
        snprintf(out, sizeof(out), "dom0 says hi\n(d%u) ab\n(d%u) c", con, con);
        CHECK(strcmp(hv_console_log(h, &len), out) == 0);
    }
    CHECK_EQ(hv_console_input(h, "typed", 5), 0);
    CHECK_EQ(hv_console_read(h, g, out, sizeof(out)), -X_EPERM);
    CHECK_EQ(hv_console_read(h, 0, out, 3), 3);
    CHECK(memcmp(out, "typ", 3) == 0);
    CHECK_EQ(hv_console_read(h, 0, out, sizeof(out)), 2);

    CHECK_EQ(hv_sysctl_readconsole(h, g, out, sizeof(out), false), -X_EPERM);
    CHECK_EQ(hv_sysctl_readconsole(h, 0, out, 4, false), 4);
    CHECK(memcmp(out, "dom0", 4) == 0);
    CHECK(hv_sysctl_readconsole(h, 0, out, sizeof(out), true) > 13);
    CHECK_EQ(hv_sysctl_readconsole(h, 0, out, sizeof(out), false), 0);
    CHECK_EQ(hv_sysctl_physinfo(h, g, &pi), -X_EPERM);
    CHECK_EQ(hv_sysctl_physinfo(h, 0, &pi), 0);
    CHECK(pi.nr_cpus > 0 && pi.free_pages < pi.total_pages);
    hv_destroy(h);
}

/* Guest addresses the hypercall tests use. */
#define OP  0x1000U
#define BUF 0x2000U

static void test_hypercalls(void)
{
    struct hv *h = mk("dummy");
    xsm_domid_t a = mkdom(h, 0), b = mkdom(h, 0);
    uint8_t op[144], back[144];
    struct hv_evtchn_status st;
    uint32_t pa;

    /* EVTCHNOP_alloc_unbound { dom, remote_dom, OUT port } */
    memset(op, 0, sizeof(op));
    put16(op, XSM_DOMID_SELF);
    put16(op + 2, b);
    CHECK_EQ(hv_guest_write(h, a, OP, op, 8), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_alloc_unbound, OP, 0, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, a, OP, back, 8), 0);
    pa = get32(back + 4);
    CHECK(pa > 0);
    /* EVTCHNOP_bind_interdomain { remote_dom, remote_port, OUT local_port } */
    memset(op, 0, sizeof(op));
    put16(op, a);
    put32(op + 4, pa);
    CHECK_EQ(hv_guest_write(h, b, OP, op, 12), 0);
    CHECK_EQ(hc(h, b, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_bind_interdomain, OP, 0, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, b, OP, back, 12), 0);
    CHECK(get32(back + 8) > 0);
    /* EVTCHNOP_send { port } */
    put32(op, get32(back + 8));
    CHECK_EQ(hv_guest_write(h, b, OP, op, 4), 0);
    CHECK_EQ(hc(h, b, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_send, OP, 0, 0, 0), 0);
    CHECK_EQ(hv_evtchn_pending(h, a, pa), 1);
    /* EVTCHNOP_status { dom, port, OUT status, vcpu, u } */
    memset(op, 0, 24);
    put16(op, XSM_DOMID_SELF);
    put32(op + 4, pa);
    CHECK_EQ(hv_guest_write(h, a, OP, op, 24), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_status, OP, 0, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, a, OP, back, 24), 0);
    CHECK_EQ(get32(back + 8), HV_EVTCHNSTAT_interdomain);
    CHECK_EQ(get16(back + 16), b);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_event_channel_op, 77, OP, 0, 0, 0), -X_ENOSYS);
    CHECK_EQ(hc(h, a, 99, 0, 0, 0, 0, 0), -X_ENOSYS);
    CHECK_EQ(hc(h, 999, HV_HYPERCALL_xen_version, 0, 0, 0, 0, 0), -X_ESRCH);

    /* Grant map { host_addr, flags, ref, dom, OUT status, handle, dev_bus_addr } */
    CHECK_EQ(hv_gnttab_write_entry(h, a, 3, HV_GTF_permit_access, b, 2), 0);
    memset(op, 0, 32);
    put32(op + 8, HV_GNTMAP_host_map);
    put32(op + 12, 3);
    put16(op + 16, a);
    CHECK_EQ(hv_guest_write(h, b, OP, op, 32), 0);
    CHECK_EQ(hc(h, b, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_map_grant_ref, OP, 1, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, b, OP, back, 32), 0);
    CHECK_EQ((int16_t)get16(back + 18), HV_GNTST_okay);
    CHECK_EQ(hv_gnttab_access(h, b, get32(back + 20), 0, back, 1, false), 0);
    /* query_size { dom, OUT nr_frames, max_nr_frames, status }: count must be 1 */
    memset(op, 0, 16);
    put16(op, XSM_DOMID_SELF);
    CHECK_EQ(hv_guest_write(h, a, OP, op, 16), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_query_size, OP, 2, 0, 0), -X_EINVAL);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_query_size, OP, 1, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, a, OP, back, 16), 0);
    CHECK_EQ(get32(back + 4), 1);
    CHECK_EQ(get32(back + 8), 4);

    /* setup_table, native { dom, nr_frames, OUT status, pad, frame_list @16 } */
    memset(op, 0, 24);
    put16(op, XSM_DOMID_SELF);
    put32(op + 4, 2);
    put64(op + 16, BUF);
    CHECK_EQ(hv_guest_write(h, a, OP, op, 24), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_setup_table, OP, 1, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, a, OP, back, 24), 0);
    CHECK_EQ((int16_t)get16(back + 8), HV_GNTST_okay);
    CHECK_EQ(hv_guest_read(h, a, BUF, back, 16), 0);
    CHECK(get32(back) != 0 && get32(back + 8) == get32(back) + 1);

    /* xen_version(XENVER_extraversion, buf) and console_io from dom0 */
    CHECK_EQ(hc(h, a, HV_HYPERCALL_xen_version, HV_XENVER_extraversion, BUF, 0, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, a, BUF, back, 16), 0);
    CHECK(back[0] == '.');
    CHECK_EQ(hv_guest_write(h, 0, BUF, "via hypercall\n", 14), 0);
    CHECK_EQ(hc(h, 0, HV_HYPERCALL_console_io, HV_CONSOLEIO_write, 14, BUF, 0, 0), 0);
    CHECK(strstr(hv_console_log(h, NULL), "via hypercall\n") != NULL);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_console_io, HV_CONSOLEIO_write, 14, BUF, 0, 0), -X_EPERM);

    /* domctl: createdomain, getdomaininfo; bad interface version -> -EACCES */
    {
        unsigned before = hv_domain_count(h);
        xsm_domid_t nd;

        memset(op, 0, sizeof(op));
        put32(op, HV_DOMCTL_createdomain);
        put32(op + 4, HV_DOMCTL_INTERFACE_VERSION);
        put32(op + 16 + 20, HV_CDF_hvm);
        CHECK_EQ(hv_guest_write(h, 0, OP, op, 144), 0);
        CHECK_EQ(hc(h, 0, HV_HYPERCALL_domctl, OP, 0, 0, 0, 0), 0);
        CHECK_EQ(hv_guest_read(h, 0, OP, back, 144), 0);
        nd = get16(back + 8);
        CHECK(hv_domain_exists(h, nd));
        CHECK_EQ(hv_domain_count(h), before + 1);
        CHECK_EQ(hv_guest_write(h, a, OP, op, 144), 0);
        CHECK_EQ(hc(h, a, HV_HYPERCALL_domctl, OP, 0, 0, 0, 0), -X_EPERM);
        put32(op + 4, 0x14);
        CHECK_EQ(hv_guest_write(h, 0, OP, op, 144), 0);
        CHECK_EQ(hc(h, 0, HV_HYPERCALL_domctl, OP, 0, 0, 0, 0), -13);

        memset(op, 0, sizeof(op));
        put32(op, HV_DOMCTL_getdomaininfo);
        put32(op + 4, HV_DOMCTL_INTERFACE_VERSION);
        put16(op + 8, nd);
        CHECK_EQ(hv_guest_write(h, 0, OP, op, 144), 0);
        CHECK_EQ(hc(h, 0, HV_HYPERCALL_domctl, OP, 0, 0, 0, 0), 0);
        CHECK_EQ(hv_guest_read(h, 0, OP, back, 144), 0);
        CHECK_EQ(get16(back + 16), nd);
        CHECK(get32(back + 20) & HV_DOMINF_paused);
        CHECK(get32(back + 20) & HV_DOMINF_hvm_guest);
    }

    /* sysctl physinfo (PRIV) and the unprivileged XSM discovery sub-op. */
    memset(op, 0, sizeof(op));
    put32(op, HV_SYSCTL_physinfo);
    put32(op + 4, HV_SYSCTL_INTERFACE_VERSION);
    CHECK_EQ(hv_guest_write(h, a, OP, op, 136), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_sysctl, OP, 0, 0, 0, 0), -X_EPERM);
    CHECK_EQ(hv_guest_write(h, 0, OP, op, 136), 0);
    CHECK_EQ(hc(h, 0, HV_HYPERCALL_sysctl, OP, 0, 0, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, 0, OP, back, 136), 0);
    CHECK(get32(back + 8 + 8) > 0); /* nr_cpus */
    memset(op, 0, sizeof(op));
    put32(op, XEN_SYSCTL_xsm_info);
    put32(op + 4, HV_SYSCTL_INTERFACE_VERSION);
    put16(op + 8, XSM_MODULE_NONE);
    CHECK_EQ(hv_guest_write(h, a, OP, op, 136), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_sysctl, OP, 0, 0, 0, 0), -X_EPERM); /* a sysctl */
    CHECK_EQ(hv_guest_write(h, 0, OP, op, 136), 0);
    CHECK_EQ(hc(h, 0, HV_HYPERCALL_sysctl, OP, 0, 0, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, 0, OP, back, 136), 0);
    CHECK_EQ(get32(back + 8 + 8), 1); /* nr_active */
    CHECK_EQ(get16(back + 8 + 12), XSM_MODULE_DUMMY);

    /* xsm_op core LIST_MODULES from a guest's memory */
    memset(op, 0, 40);
    put32(op, XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_LIST_MODULES));
    put32(op + 4, XSM_CORE_INTERFACE_VERSION);
    CHECK_EQ(hv_guest_write(h, a, OP, op, 40), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_xsm_op, OP, 0, 0, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, a, OP, back, 40), 0);
    CHECK_EQ(get32(back + 12), 1);
    CHECK_EQ(get16(back + 16), XSM_MODULE_DUMMY);

    /* argo: register (reg, gfn list, npages, flags) and sendv (addr, iovs, niov, type) */
    memset(op, 0, 16);
    put32(op, 50);
    put16(op + 4, a);
    put32(op + 8, 4096 - 64);
    CHECK_EQ(hv_guest_write(h, b, OP, op, 12), 0);
    CHECK_EQ(hc(h, b, HV_HYPERCALL_argo_op, HV_ARGO_OP_register_ring, OP, BUF, 2, 0), -X_EINVAL);
    CHECK_EQ(hc(h, b, HV_HYPERCALL_argo_op, HV_ARGO_OP_register_ring, OP, BUF, 1, 0), 0);
    memset(op, 0, 64);
    put32(op, 9);      /* src aport */
    put16(op + 4, a);  /* src domid */
    put32(op + 8, 50); /* dst aport */
    put16(op + 12, b);
    put64(op + 16, BUF); /* iov[0].iov_hnd */
    put32(op + 24, 5);   /* iov[0].iov_len */
    put64(op + 32, BUF + 5);
    put32(op + 40, 3);
    CHECK_EQ(hv_guest_write(h, a, OP, op, 64), 0);
    CHECK_EQ(hv_guest_write(h, a, BUF, "abcdeXYZ", 8), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_argo_op, HV_ARGO_OP_sendv, OP, OP + 16, 2, 42), 8);
    {
        struct hv_argo_msg m;
        char got[16] = {0};

        CHECK_EQ(hv_argo_recv(h, b, 50, a, &m, got, sizeof(got)), 8);
        CHECK(memcmp(got, "abcdeXYZ", 8) == 0);
        CHECK_EQ(m.message_type, 42);
        CHECK_EQ(m.src_aport, 9);
    }
    (void)st;
    hv_destroy(h);
}

/* A 32-bit guest uses the compat layouts where they differ. */
static void test_compat(void)
{
    struct hv *h = mk("dummy");
    struct hv_domain_config c = {0};
    xsm_domid_t g32, other = mkdom(h, 0);
    uint8_t op[64], back[64];
    char buf[8];

    c.is_compat = true;
    CHECK_EQ(hv_domain_create(h, 0, &c, &g32), 0);
    CHECK(hv_guest(h, g32)->compat);
    CHECK_EQ(hv_gnttab_write_entry(h, other, 4, HV_GTF_permit_access, g32, 5), 0);

    /* compat gnttab_copy: source {u32, domid, offset} dest {...} len flags status: 24 bytes */
    CHECK_EQ(hv_guest_write(h, g32, 3 * 4096 + 8, "compat", 6), 0);
    memset(op, 0, sizeof(op));
    put32(op, 3);
    put16(op + 4, XSM_DOMID_SELF);
    put16(op + 6, 8);
    put32(op + 8, 4);
    put16(op + 12, other);
    put16(op + 14, 16);
    put16(op + 16, 6);
    put16(op + 18, HV_GNTCOPY_dest_gref);
    put16(op + 20, 0x7777);
    CHECK_EQ(hv_guest_write(h, g32, OP, op, 24), 0);
    CHECK_EQ(hc(h, g32, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_copy, OP, 1, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, g32, OP, back, 24), 0);
    CHECK_EQ((int16_t)get16(back + 20), HV_GNTST_okay);
    CHECK_EQ(hv_guest_read(h, other, 5 * 4096 + 16, buf, 6), 0);
    CHECK(memcmp(buf, "compat", 6) == 0);

    /* compat setup_table: frame_list at 12, 4-byte frames. */
    memset(op, 0, sizeof(op));
    put16(op, XSM_DOMID_SELF);
    put32(op + 4, 1);
    put32(op + 12, BUF);
    CHECK_EQ(hv_guest_write(h, g32, OP, op, 16), 0);
    CHECK_EQ(hv_guest_write(h, g32, BUF, "\xff\xff\xff\xff\xee\xee\xee\xee", 8), 0);
    CHECK_EQ(hc(h, g32, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_setup_table, OP, 1, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, g32, BUF, back, 8), 0);
    CHECK(get32(back) != 0xffffffffU);
    CHECK_EQ(get32(back + 4), 0xeeeeeeeeU); /* only one 4-byte frame written */

    /* compat argo sendv: 12-byte iovecs { u32 handle, len, pad } */
    CHECK_EQ(hv_argo_register_ring(h, other, 60, g32, 4096 - 64, 0), 0);
    memset(op, 0, sizeof(op));
    put32(op, 1);
    put16(op + 4, g32);
    put32(op + 8, 60);
    put16(op + 12, other);
    put32(op + 16, BUF);
    put32(op + 20, 3);
    put32(op + 28, BUF + 3);
    put32(op + 32, 2);
    CHECK_EQ(hv_guest_write(h, g32, OP, op, 40), 0);
    CHECK_EQ(hv_guest_write(h, g32, BUF, "abcde", 5), 0);
    CHECK_EQ(hc(h, g32, HV_HYPERCALL_argo_op, HV_ARGO_OP_sendv, OP, OP + 16, 2, 0), 5);
    {
        char got[8] = {0};

        CHECK_EQ(hv_argo_recv(h, other, 60, g32, NULL, got, sizeof(got)), 5);
        CHECK(memcmp(got, "abcde", 5) == 0);
    }

    /* compat transfer { u32 mfn, domid, ref, status }: 16 bytes */
    CHECK_EQ(hv_gnttab_write_entry(h, other, 9, HV_GTF_accept_transfer, g32, 7), 0);
    CHECK_EQ(hv_guest_write(h, g32, 6 * 4096, "moved", 5), 0);
    memset(op, 0, sizeof(op));
    put32(op, 6);
    put16(op + 4, other);
    put32(op + 8, 9);
    put16(op + 12, 0x5555);
    CHECK_EQ(hv_guest_write(h, g32, OP, op, 16), 0);
    CHECK_EQ(hc(h, g32, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_transfer, OP, 1, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, g32, OP, back, 16), 0);
    CHECK_EQ((int16_t)get16(back + 12), HV_GNTST_okay);
    CHECK_EQ(hv_guest_read(h, other, 7 * 4096, buf, 5), 0);
    CHECK(memcmp(buf, "moved", 5) == 0);

    /* XENVER_platform_parameters: 4 bytes for compat. */
    CHECK_EQ(hv_guest_write(h, g32, BUF, "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa", 8), 0);
    CHECK_EQ(hc(h, g32, HV_HYPERCALL_xen_version, HV_XENVER_platform_parameters, BUF, 0, 0, 0), 0);
    CHECK_EQ(hv_guest_read(h, g32, BUF, back, 8), 0);
    CHECK_EQ(get32(back + 4), 0xaaaaaaaaU);
    hv_destroy(h);
}

/* Host-supplied guest memory: hypercalls go through the host's callbacks. */
static uint8_t host_mem[3 * 4096];
static int host_reads;

static int host_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    (void)opaque;
    host_reads++;
    if (gaddr > sizeof(host_mem) || len > sizeof(host_mem) - gaddr)
        return -X_EFAULT;
    memcpy(dst, host_mem + gaddr, len);
    return 0;
}

static int host_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    (void)opaque;
    if (gaddr > sizeof(host_mem) || len > sizeof(host_mem) - gaddr)
        return -X_EFAULT;
    memcpy(host_mem + gaddr, src, len);
    return 0;
}

static void test_host_memory(void)
{
    struct hv *h = mk("dummy");
    struct xsm_guest g = {host_from, host_to, NULL, false};
    struct hv_domain_config c = {0};
    xsm_domid_t d;

    c.guest = &g;
    c.mem_size = sizeof(host_mem);
    CHECK_EQ(hv_domain_create(h, 0, &c, &d), 0);
    CHECK_EQ(hv_guest_set_fault(h, d, 0, 16, true, true), -X_EINVAL);
    put16(host_mem + OP, XSM_DOMID_SELF);
    put16(host_mem + OP + 2, 0);
    CHECK_EQ(hc(h, d, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_alloc_unbound, OP, 0, 0, 0), 0);
    CHECK(host_reads > 0);
    CHECK(get32(host_mem + OP + 4) > 0);
    CHECK_EQ(hc(h, d, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_alloc_unbound, 5 * 4096, 0, 0, 0),
             -X_EFAULT);
    hv_destroy(h);
}

/* Faults in guest memory give -EFAULT and change nothing. */
static void test_faults(void)
{
    struct hv *h = mk("dummy");
    xsm_domid_t a = mkdom(h, 0), b = mkdom(h, 0);
    struct hv_evtchn_status st;
    uint8_t op[144];
    unsigned n;

    /* Beyond the end of guest memory. */
    CHECK_EQ(hc(h, a, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_alloc_unbound, 1U << 30, 0, 0, 0),
             -X_EFAULT);
    /* Readable but not writable: the allocation must not happen. */
    memset(op, 0, sizeof(op));
    put16(op, XSM_DOMID_SELF);
    put16(op + 2, b);
    CHECK_EQ(hv_guest_write(h, a, OP, op, 8), 0);
    CHECK_EQ(hv_guest_set_fault(h, a, OP + 4, 4, false, true), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_alloc_unbound, OP, 0, 0, 0),
             -X_EFAULT);
    for (uint32_t p = 1; p < 8; p++) {
        CHECK_EQ(hv_evtchn_status(h, 0, a, p, &st), 0);
        CHECK_EQ(st.status, HV_EVTCHNSTAT_closed);
    }
    CHECK_EQ(hv_guest_set_fault(h, a, 0, 0, false, false), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_alloc_unbound, OP, 0, 0, 0), 0);

    /* createdomain whose result cannot be written back: no new domain. */
    memset(op, 0, sizeof(op));
    put32(op, HV_DOMCTL_createdomain);
    put32(op + 4, HV_DOMCTL_INTERFACE_VERSION);
    CHECK_EQ(hv_guest_write(h, 0, OP, op, 144), 0);
    CHECK_EQ(hv_guest_set_fault(h, 0, OP + 100, 1, false, true), 0);
    n = hv_domain_count(h);
    CHECK_EQ(hc(h, 0, HV_HYPERCALL_domctl, OP, 0, 0, 0, 0), -X_EFAULT);
    CHECK_EQ(hv_domain_count(h), n);
    /* A guest is refused by the hook before any fault on the way out matters. */
    CHECK_EQ(hv_guest_write(h, a, OP, op, 144), 0);
    CHECK_EQ(hv_guest_set_fault(h, a, OP + 100, 1, false, true), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_domctl, OP, 0, 0, 0, 0), -X_EPERM);
    CHECK_EQ(hv_guest_set_fault(h, a, 0, 0, false, false), 0);
    /* Unreadable request. */
    CHECK_EQ(hv_guest_set_fault(h, 0, OP + 100, 1, true, false), 0);
    CHECK_EQ(hc(h, 0, HV_HYPERCALL_domctl, OP, 0, 0, 0, 0), -X_EFAULT);
    CHECK_EQ(hv_domain_count(h), n);
    CHECK_EQ(hv_guest_set_fault(h, 0, 0, 0, false, false), 0);

    /* Grant map batch whose second entry faults: neither is mapped. */
    CHECK_EQ(hv_gnttab_write_entry(h, a, 1, HV_GTF_permit_access, b, 1), 0);
    memset(op, 0, sizeof(op));
    put32(op + 8, HV_GNTMAP_host_map);
    put32(op + 12, 1);
    put16(op + 16, a);
    memcpy(op + 32, op, 32);
    CHECK_EQ(hv_guest_write(h, b, OP, op, 64), 0);
    CHECK_EQ(hv_guest_set_fault(h, b, OP + 32 + 20, 4, false, true), 0);
    CHECK_EQ(hc(h, b, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_map_grant_ref, OP, 2, 0, 0),
             -X_EFAULT);
    {
        uint16_t fl;

        CHECK_EQ(hv_gnttab_read_entry(h, a, 1, &fl, NULL, NULL), 0);
        CHECK(!(fl & HV_GTF_reading));
    }
    /* Console write from unreadable memory writes nothing. */
    CHECK_EQ(hv_guest_set_fault(h, 0, BUF + 2, 1, true, false), 0);
    {
        size_t before, after;

        hv_console_log(h, &before);
        CHECK_EQ(hc(h, 0, HV_HYPERCALL_console_io, HV_CONSOLEIO_write, 8, BUF, 0, 0), -X_EFAULT);
        hv_console_log(h, &after);
        CHECK_EQ(after, before);
    }
    /* Argo register with an unreadable gfn list: no ring. */
    memset(op, 0, 16);
    put32(op, 5);
    put16(op + 4, 0);
    put32(op + 8, 4096 - 64);
    CHECK_EQ(hv_guest_write(h, a, OP, op, 12), 0);
    CHECK_EQ(hv_guest_set_fault(h, a, BUF, 8, true, false), 0);
    CHECK_EQ(hc(h, a, HV_HYPERCALL_argo_op, HV_ARGO_OP_register_ring, OP, BUF, 1, 0), -X_EFAULT);
    CHECK_EQ(hv_argo_send(h, 0, 1, a, 5, 0, "x", 1), -X_ECONNREFUSED);
    hv_destroy(h);
}

/* Several instances side by side, different modules, independent state. */
static void test_instances(void)
{
    struct hv *d = mk("dummy"), *s = mk("silo"), *d2 = mk("dummy");
    xsm_domid_t da = mkdom(d, 0), db = mkdom(d, 0);
    xsm_domid_t sa = mkdom(s, 0), sb = mkdom(s, 0);
    uint32_t p;

    CHECK_EQ(da, sa);
    CHECK_EQ(db, sb);
    /* Guest-to-guest channel: dummy allows, SILO refuses. */
    CHECK_EQ(hv_evtchn_alloc_unbound(d, da, XSM_DOMID_SELF, db, &p), 0);
    CHECK_EQ(hv_evtchn_alloc_unbound(s, sa, XSM_DOMID_SELF, sb, &p), -X_EPERM);
    {
        /* The refused allocation left every port closed. */
        struct hv_evtchn_status st;

        for (uint32_t q = 1; q < 8; q++) {
            CHECK_EQ(hv_evtchn_status(s, 0, sa, q, &st), 0);
            CHECK_EQ(st.status, HV_EVTCHNSTAT_closed);
        }
    }
    /* Guest-to-dom0 is fine under SILO. */
    CHECK_EQ(hv_evtchn_alloc_unbound(s, sa, XSM_DOMID_SELF, 0, &p), 0);
    CHECK_EQ(hv_domain_count(d2), 1);
    CHECK_EQ(hv_domain_count(d), 3);
    CHECK_EQ(xsm_active_count(hv_xsm(s)), 1);
    CHECK_EQ(xsm_active_id(hv_xsm(s), 0), XSM_MODULE_SILO);
    CHECK_EQ(xsm_active_id(hv_xsm(d), 0), XSM_MODULE_DUMMY);
    hv_destroy(d);
    /* The others still work after one is gone. */
    CHECK_EQ(hv_evtchn_bind_interdomain(s, 0, sa, p, &p), 0);
    CHECK_EQ(hv_domain_count(d2), 1);
    hv_destroy(s);
    hv_destroy(d2);

    /* A malformed module list fails creation cleanly (an unknown name would boot the default). */
    {
        struct hv_config c = {0};
        struct hv *x = (struct hv *)&c;

        c.modules = "silo,silo";
        CHECK_EQ(hv_create(&x, &c), -X_EINVAL);
        CHECK(x == NULL);
    }
}

/* xsm=flask reaches the FLASK module with its mode (when FLASK is built). */
static void test_flask_passthrough(void)
{
    struct hv_config c = {0};
    struct hv_domain_config dc = {0};
    struct hv *h = NULL;
    int rc;

    c.modules = "flask";
    c.flask_mode = "permissive";
    rc = hv_create(&h, &c);
    if (rc == -X_EINVAL) {
        printf("note: FLASK not built, pass-through not checked\n");
        return;
    }
    CHECK_EQ(rc, 0);
    if (rc)
        return;
    CHECK_EQ(xsm_active_id(hv_xsm(h), 0), XSM_MODULE_FLASK);
    CHECK_EQ(hv_domain_create(h, 0, &dc, NULL), 0); /* permissive: logged, allowed */
    hv_destroy(h);

    c.flask_mode = "enforcing";
    CHECK_EQ(hv_create(&h, &c), 0);
    /* An unlabeled guest (ssidref 0) may not be created under the policy. */
    CHECK_EQ(hv_domain_create(h, 0, &dc, NULL), -13);
    CHECK_EQ(hv_domain_count(h), 1);
    hv_destroy(h);
}

/*
 * Guests the hypervisor builds at boot (Xen's dom0less): created by the idle
 * domain before set_system_active, running once the system is live.  Under
 * FLASK such a guest starts unlabeled (Xen 4.17 outside the PV shim), so
 * the default policy refuses it unless it asks for a label xenboot_t may
 * create (domU, initial SID 12).
 */
static void test_boot_domains(void)
{
    struct hv_domain_config boot[2] = {{.domid = 5}, {0}};
    struct hv_config c = {0};
    struct hv_dominfo info;
    struct hv *h = NULL;
    int rc;

    c.boot_domains = boot;
    c.nr_boot_domains = 2;
    CHECK_EQ(hv_create(&h, &c), 0);
    if (h == NULL)
        return;
    CHECK_EQ(hv_domain_count(h), 3);
    CHECK(hv_domain_exists(h, 5));
    CHECK(hv_domain_exists(h, 6)); /* allocated after the last id handed out */
    CHECK_EQ(hv_domain_getinfo(h, 0, 5, &info), 0);
    CHECK_EQ(info.domid, 5);
    CHECK_EQ(info.flags & HV_DOMINF_paused, 0); /* unpaused when the system goes live */
    /* Built by the hypervisor, not by dom0: no domctl ran, dom0 can still manage it. */
    CHECK_EQ(hv_domain_pause(h, 0, 5), 0);
    hv_destroy(h);

    /* A bad boot domain fails the boot and leaves nothing behind. */
    boot[1].flags = 0x80000000U;
    h = NULL;
    CHECK_EQ(hv_create(&h, &c), -X_EINVAL);
    CHECK(h == NULL);
    boot[1].flags = 0;
    boot[1].domid = 5; /* the same id twice */
    CHECK_EQ(hv_create(&h, &c), -X_EEXIST);
    CHECK(h == NULL);
    boot[1].domid = 0;

    c.modules = "flask";
    c.flask_mode = "enforcing";
    rc = hv_create(&h, &c);
    if (rc == -X_EINVAL) {
        printf("note: FLASK not built, boot-time labels not checked\n");
        return;
    }
    CHECK_EQ(rc, -13); /* xenboot_t may not create unlabeled_t */
    CHECK(h == NULL);
    boot[0].ssidref = boot[1].ssidref = 12; /* domU */
    CHECK_EQ(hv_create(&h, &c), 0);
    if (h != NULL) {
        CHECK_EQ(hv_domain_getinfo(h, 0, 5, &info), 0);
        CHECK_EQ(info.ssidref, 12);
        hv_destroy(h);
    }
    boot[0].ssidref = boot[1].ssidref = 0;
    c.flask_mode = "permissive";
    h = NULL;
    CHECK_EQ(hv_create(&h, &c), 0);
    if (h != NULL) {
        CHECK_EQ(hv_domain_getinfo(h, 0, 5, &info), 0);
        CHECK_EQ(info.ssidref, 6); /* unlabeled */
        hv_destroy(h);
    }
}

int main(void)
{
    test_lifecycle();
    test_evtchn();
    test_grants();
    test_argo();
    test_version_console_sysctl();
    test_hypercalls();
    test_compat();
    test_faults();
    test_host_memory();
    test_instances();
    test_flask_passthrough();
    test_boot_domains();
    return check_report("hv-model");
}
