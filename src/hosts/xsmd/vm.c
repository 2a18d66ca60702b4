/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM guests as domains (docs/kvm.md, "Under xsmd").  CREATE with
 * XSMD_CREATE_KERNEL builds a domain whose memory is a KVM VM's and whose
 * hypercalls come from that VM's vCPU thread (the KVM host, ../kvm/),
 * which takes hv_lock as the connection threads do.  Such a domain has no
 * socket.  The image comes from the control client's own memory, not
 * from a path the daemon would open on its behalf.
 *
 * Lifetime: the vCPU thread is detached.  When the model no longer has
 * the domain (DESTROY, a domctl), reconcile hands the VM to
 * kvmh_vm_release(), which never blocks (hv_lock is held there); its
 * thread frees it.  At exit xsmd_vms_stop() releases every VM and waits
 * for their threads before the model goes.  A guest that shuts itself
 * down stops running; its domain stays until it is destroyed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsmd.h"
#include "xsmd_wire.h"

#ifdef XSMD_KVM
#include "kvmhost.h"

#define VM_MEM_DEFAULT_MB 16U

/* Opens /dev/kvm at the first VM (hv_lock held for writing). */
static long kvm_open(struct xsmd *d)
{
    struct kvmh *k;
    int rc;

    if (d->kvm)
        return 0;
    k = calloc(1, sizeof(*k));
    if (!k)
        return -ENOMEM;
    k->kvm_fd = -1;
    rc = kvmh_init(k);
    if (rc < 0) {
        xsmd_log("no KVM guests: /dev/kvm: %s",
                 rc == -ENOTSUP ? "lacks SYNC_REGS or user-space MSR exits" : strerror(-rc));
        free(k);
        return rc;
    }
    k->h = d->h;
    k->hv_lock = &d->hv_lock; /* vCPU threads lock the model as connections do */
    d->kvm = k;
    return 0;
}

/* Domain, vCPU state and thread for a loaded VM (hv_lock held for writing). */
static long start(struct xsmd *d, struct xsmd_dom *dom, struct kvmh_vm *vm, uint32_t ssidref,
                  xsm_domid_t want, const char *cmdline, xsm_domid_t *out)
{
    struct hv_domain_config cfg = {0};
    xsm_domid_t id;
    long r;

    cfg.domid = want;
    cfg.ssidref = ssidref;
    cfg.flags = HV_CDF_hvm | HV_CDF_hap;
    cfg.is_compat = vm->compat;
    cfg.is_console = true; /* its output reaches the console, as xsm-kvm-run's */
    cfg.mem_size = vm->mem_size;
    cfg.guest = &vm->guest;
    cfg.phys = &vm->phys;
    r = hv_domain_create(d->h, 0, &cfg, &id);
    if (r < 0)
        return r;
    vm->domid = id;
    if ((r = kvmh_rings_setup(vm, NULL)) < 0 || (r = kvmh_cpuid_setup(vm)) < 0 ||
        (r = kvmh_hcall_setup(vm)) < 0 || (r = kvmh_boot_setup(vm, cmdline)) < 0 ||
        (r = hv_domain_unpause(d->h, 0, id)) < 0 || (r = kvmh_vm_start_detached(vm)) < 0) {
        kvmh_rings_fini(vm);
        hv_domain_destroy(d->h, 0, id);
        return r;
    }
    dom->id = id;
    dom->vm = vm;
    *out = id;
    return 0;
}

long xsmd_create_vm(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    struct xsmd *d = c->d;
    size_t len = (size_t)rq->arg[1], img_len = (size_t)rq->arg[4];
    uint64_t mb = rq->arg[5] ? rq->arg[5] : VM_MEM_DEFAULT_MB;
    char label[XSMD_LABEL_MAX], cmdline[XSMD_CMDLINE_MAX + 1], esc[256], why[200] = "";
    size_t cl = (rq->flags & XSMD_CREATE_CMDLINE) ? rq->nr : 0;
    struct kvmh_vm *vm = NULL;
    struct xsmd_dom *dom = NULL;
    uint32_t ssidref = 0;
    uint8_t *img = NULL;
    bool is64 = false;
    xsm_domid_t id = 0;
    long r;

    if (rq->arg[1] > XSMD_LABEL_MAX || rq->arg[2] >= XSM_DOMID_FIRST_RESERVED || img_len == 0 ||
        rq->arg[4] > XSMD_KERNEL_MAX || mb < 2 || mb > 3072)
        return -EINVAL;
    /* Decode: the image and the label, copied in before anything changes. */
    img = malloc(img_len);
    if (!img)
        return -ENOMEM;
    r = xsmd_peer_read(&c->peer, img, rq->arg[3], img_len);
    if (r == 0 && len)
        r = xsmd_peer_read(&c->peer, label, rq->arg[0], len);
    /* The command line follows the label; the guest reads it as a C string. */
    if (r == 0 && cl)
        r = rq->arg[0] > UINT64_MAX - len ? -EFAULT
                                          : xsmd_peer_read(&c->peer, cmdline, rq->arg[0] + len, cl);
    if (r == 0 && memchr(cmdline, 0, cl))
        r = -EINVAL;
    cmdline[cl] = 0;
    if (r < 0)
        goto out;

    pthread_rwlock_wrlock(&d->hv_lock);
    r = kvm_open(d);
    if (r == 0)
        r = kvmh_vm_create(d->kvm, mb << 20, &vm);
    if (r == 0 && (r = kvmh_elf_load(vm, img, img_len, &is64, why, sizeof(why))) < 0)
        xsmd_log("kernel refused: %s", why);
    if (r == 0 && len)
        r = xsmd_label_to_sid(d, label, len, &ssidref);
    if (r == 0) {
        vm->compat = (rq->flags & XSMD_CREATE_32BIT) ? true : !is64;
        vm->guest.compat = vm->compat;
        dom = xsmd_dom_new(d, vm->compat);
        r = dom ? start(d, dom, vm, ssidref, (xsm_domid_t)rq->arg[2], cl ? cmdline : NULL, &id)
                : -ENOMEM;
    }
    if (r == 0) {
        pthread_mutex_lock(&d->lock);
        dom->next = d->doms;
        d->doms = dom;
        pthread_mutex_unlock(&d->lock);
        vm = NULL; /* its thread's now */
        dom = NULL;
    }
    pthread_rwlock_unlock(&d->hv_lock);
    if (r == 0)
        xsmd_log("d%u created (KVM guest, %s, %llu MiB%s%s)", id,
                 is64 ? "64-bit ELF" : "32-bit ELF", (unsigned long long)mb, len ? ", label " : "",
                 len ? xsmd_escape(esc, sizeof(esc), label, len) : "");
out:
    kvmh_vm_free(vm);
    free(dom);
    free(img);
    if (r < 0)
        return r;
    rp->value = id;
    return id;
}

void xsmd_vm_release(struct xsmd_dom *dom)
{
    if (dom->vm) {
        kvmh_rings_fini(dom->vm); /* dom0's ends of its ring channels */
        kvmh_vm_release(dom->vm);
    }
    dom->vm = NULL;
}

/*
 * The PV console output kept for a KVM guest (rings.con), copied out
 * under a read hold of hv_lock (its vCPU thread writes it under the write
 * hold), then written to the client with no lock held.
 */
long xsmd_console(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    struct xsmd *d = c->d;
    size_t cap = rq->arg[5] < KVMH_CON_KEEP ? (size_t)rq->arg[5] : KVMH_CON_KEEP, n = 0;
    uint64_t next = rq->arg[1];
    uint8_t *buf;
    long r = -ENOENT;

    if (rq->arg[0] >= XSM_DOMID_FIRST_RESERVED)
        return -EINVAL;
    buf = malloc(cap ? cap : 1);
    if (!buf)
        return -ENOMEM;
    pthread_rwlock_rdlock(&d->hv_lock);
    if (!hv_domain_exists(d->h, (xsm_domid_t)rq->arg[0])) {
        r = -ESRCH;
    } else {
        pthread_mutex_lock(&d->lock);
        for (struct xsmd_dom *dom = d->doms; dom; dom = dom->next)
            if (dom->id == rq->arg[0] && !dom->dead && dom->vm && dom->vm->rings.con) {
                n = kvmh_console_read(dom->vm, rq->arg[1], buf, cap, &next);
                r = 0;
            }
        pthread_mutex_unlock(&d->lock);
    }
    pthread_rwlock_unlock(&d->hv_lock);
    if (r == 0 && n && xsmd_peer_write(&c->peer, rq->arg[4], buf, n))
        r = -EFAULT;
    free(buf);
    if (r < 0)
        return r;
    rp->value = next;
    return (long)n;
}

void xsmd_vms_stop(struct xsmd *d)
{
    if (!d->kvm)
        return;
    pthread_rwlock_wrlock(&d->hv_lock);
    pthread_mutex_lock(&d->lock);
    for (struct xsmd_dom *dom = d->doms; dom; dom = dom->next)
        xsmd_vm_release(dom);
    pthread_mutex_unlock(&d->lock);
    pthread_rwlock_unlock(&d->hv_lock);
    kvmh_wait_threads(d->kvm);
    kvmh_fini(d->kvm);
    free(d->kvm);
    d->kvm = NULL;
}

#else /* no KVM host in this build */

long xsmd_create_vm(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    (void)c;
    (void)rq;
    (void)rp;
    return -EOPNOTSUPP;
}

void xsmd_vm_release(struct xsmd_dom *dom)
{
    (void)dom;
}

void xsmd_vms_stop(struct xsmd *d)
{
    (void)d;
}

long xsmd_console(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    (void)c;
    (void)rp;
    return rq->arg[0] >= XSM_DOMID_FIRST_RESERVED ? -EINVAL : -ENOENT;
}

#endif
