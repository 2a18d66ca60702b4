/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV console and xenstore rings of a guest, set up as Xen's toolstack
 * sets them up for an HVM/PVH guest, with this host as the backend that
 * xenconsoled and xenstored are in dom0 (docs/kvm.md, "PV console and
 * xenstore rings").
 *
 * Design decisions:
 *  - The two ring pages are the last two pages of guest RAM (console,
 *    then xenstore), marked reserved in hvm_start_info's memory map
 *    (boot.c), so the guest does not take them for RAM.  Xen's builder
 *    puts its special pages below 4 GiB in a hole; this VM has one memory
 *    slot and no holes, so the top of RAM is the place that costs nothing.
 *    A kernel image that reaches into them gets no rings.
 *  - The event channels are made as the toolstack makes them: dom0 asks
 *    for an unbound port in the guest with dom0 as its remote end
 *    (alloc_unbound), then binds its own end to it (bind_interdomain, as
 *    xenconsoled and xenstored do).  Both go through the XSM hooks on
 *    dom0's behalf, and so do the HVM_PARAM_{CONSOLE,STORE}_{PFN,EVTCHN}
 *    sets (hvm_param), so the guest reads them with hvm_op get_param.  If
 *    XSM refuses any of it, the guest gets no rings (the parameters stay
 *    0, which a Xen guest takes as "none"), not a failed creation.
 *  - The host learns of a notification after the VM's own event_channel_op
 *    returns: the guest's send marks dom0's end pending, kick() consumes
 *    that and serves the ring.  That runs on the VM's vCPU thread with the
 *    model lock held for writing; the guest is not running meanwhile (one
 *    vCPU), and nothing blocks.  The answer is signalled with a send from
 *    dom0's end, as the daemons do.
 *  - dom0's ends are closed at fini, so a host that creates guests for a
 *    long time (xsmd) does not run out of dom0's ports.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmhost.h"

#define XS_FEATURE_ERROR 2U /* XENSTORE_SERVER_FEATURE_ERROR */
#define XS_OFF_FEATURES  2064U
#define RINGS_SIZE       (2ULL * HV_PAGE_SIZE)

static void st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A channel from the guest to dom0: the guest's port and dom0's. */
static int channel(struct kvmh_vm *vm, uint32_t *gport, uint32_t *hport)
{
    struct hv *h = vm->host->h;
    int rc = hv_evtchn_alloc_unbound(h, 0, vm->domid, 0, gport);

    if (rc < 0)
        return rc;
    /* On failure the guest's unbound port stays: only the guest may close it. */
    rc = hv_evtchn_bind_interdomain(h, 0, vm->domid, *gport, hport);
    if (rc < 0)
        return rc;
    (void)hv_evtchn_consume(h, 0, *hport); /* bind marks dom0's end pending */
    return 0;
}

static int params(struct kvmh_vm *vm, uint32_t con_gport, uint32_t xs_gport)
{
    struct hv *h = vm->host->h;
    uint64_t pfn = vm->rings.gpa / HV_PAGE_SIZE;
    int rc;

    if ((rc = hv_hvm_set_param(h, 0, vm->domid, HV_HVM_PARAM_CONSOLE_PFN, pfn)) < 0 ||
        (rc = hv_hvm_set_param(h, 0, vm->domid, HV_HVM_PARAM_CONSOLE_EVTCHN, con_gport)) < 0 ||
        (rc = hv_hvm_set_param(h, 0, vm->domid, HV_HVM_PARAM_STORE_PFN, pfn + 1)) < 0 ||
        (rc = hv_hvm_set_param(h, 0, vm->domid, HV_HVM_PARAM_STORE_EVTCHN, xs_gport)) < 0)
        return rc;
    return 0;
}

int kvmh_rings_setup(struct kvmh_vm *vm, const char *name)
{
    struct kvmh_rings *r = &vm->rings;
    uint64_t gpa = vm->mem_size - RINGS_SIZE;
    uint32_t con_g = 0, xs_g = 0;
    int rc;

    if (name && (strlen(name) >= sizeof(r->name) || strlen(name) == 0))
        return -EINVAL;
    if (name)
        snprintf(r->name, sizeof(r->name), "%s", name);
    else
        snprintf(r->name, sizeof(r->name), "guest-%u", vm->domid);
    if (vm->img_end > gpa || gpa < KVMH_BOOT_END) {
        kvmh_note(vm->host, "d%u: no rings: the image reaches the last two pages of RAM",
                  vm->domid);
        return 0;
    }
    r->con = calloc(1, KVMH_CON_KEEP);
    if (!r->con)
        return -ENOMEM;
    r->gpa = gpa;
    memset(vm->mem + gpa, 0, RINGS_SIZE);
    st32(vm->mem + gpa + HV_PAGE_SIZE + XS_OFF_FEATURES, XS_FEATURE_ERROR);
    rc = channel(vm, &con_g, &r->con_port);
    if (rc == 0) {
        rc = channel(vm, &xs_g, &r->xs_port);
        if (rc < 0) {
            (void)hv_evtchn_close(vm->host->h, 0, r->con_port);
            r->con_port = 0;
        }
    }
    if (rc == 0 && (rc = params(vm, con_g, xs_g)) < 0)
        kvmh_rings_fini(vm);
    if (rc < 0) {
        kvmh_note(vm->host, "d%u: no rings: %s", vm->domid, strerror(-rc));
        r->gpa = 0;
        free(r->con);
        r->con = NULL;
    }
    return 0;
}

void kvmh_rings_kick(struct kvmh_vm *vm)
{
    struct kvmh_rings *r = &vm->rings;
    struct hv *h = vm->host->h;

    if (!r->gpa)
        return;
    if (hv_evtchn_consume(h, 0, r->con_port) > 0 && kvmh_console_drain(vm))
        (void)hv_evtchn_send(h, 0, r->con_port);
    if (hv_evtchn_consume(h, 0, r->xs_port) > 0 && kvmh_xenstore_serve(vm))
        (void)hv_evtchn_send(h, 0, r->xs_port);
}

void kvmh_rings_fini(struct kvmh_vm *vm)
{
    struct kvmh_rings *r = &vm->rings;

    if (r->con_port)
        (void)hv_evtchn_close(vm->host->h, 0, r->con_port);
    if (r->xs_port)
        (void)hv_evtchn_close(vm->host->h, 0, r->xs_port);
    r->con_port = r->xs_port = 0;
    r->xs_ignored = true; /* nothing is served once the ends are gone */
}

void kvmh_rings_free(struct kvmh_vm *vm)
{
    free(vm->rings.con);
    vm->rings.con = NULL;
}
