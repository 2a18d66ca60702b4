/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grants between VMs: the host's side of the model's hv_guest_phys.
 *
 * Guest-physical copies.  The model reaches into a domain's memory by frame
 * number (grant frames the guest placed, granted pages, argo rings); these
 * copies go straight to the VM's RAM with a bounds check, whatever its vCPU
 * is doing (walk.c's callbacks take addresses as virtual during a call).
 *
 * GNTMAP_host_map.  An HVM guest's host_addr is a guest-physical address
 * of the mapper where the granted frame must appear.  Each VM's RAM is one
 * anonymous host mapping, so the granter's page is already host memory:
 * the mapper gets one extra KVM memory slot of one page at host_addr,
 * backed by that page (KVM_MEM_READONLY for a read-only map).  Both VMs
 * then share the page, as under Xen.  KVM refuses overlapping slots, so
 * host_addr must lie outside the mapper's RAM (a hole above it, as Linux's
 * unpopulated-alloc uses); inside RAM the map fails (general_error).
 *
 * Teardown.  unmap, and the model's destroy of either domain, remove the
 * slot.  kvmh_grant_vm_gone() runs first when a VM is freed and removes
 * every slot that still points into its memory, so no mapper keeps access
 * to pages that are about to be unmapped from the host (and reused).  The
 * slots are listed in k->gmaps under k->grant_lock, which is taken last
 * (inside the model lock, never around it).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvmhost.h"

#define PG 4096U

static bool phys_ok(const struct kvmh_vm *vm, uint64_t gpa, size_t len)
{
    return gpa <= vm->mem_size && len <= vm->mem_size - gpa;
}

static int phys_from(void *opaque, void *dst, uint64_t gpa, size_t len)
{
    const struct kvmh_vm *vm = opaque;

    if (!phys_ok(vm, gpa, len))
        return -EFAULT;
    if (len)
        memcpy(dst, vm->mem + gpa, len);
    return 0;
}

static int phys_to(void *opaque, uint64_t gpa, const void *src, size_t len)
{
    struct kvmh_vm *vm = opaque;

    if (!phys_ok(vm, gpa, len))
        return -EFAULT;
    if (len)
        memcpy(vm->mem + gpa, src, len);
    return 0;
}

/* Sets (size PG) or deletes (size 0) a grant slot of the mapper. */
static int set_slot(struct kvmh_vm *mapper, uint32_t slot, uint64_t gpa, void *host, bool ro)
{
    struct kvm_userspace_memory_region r = {0};

    r.slot = slot;
    r.flags = ro ? KVM_MEM_READONLY : 0;
    r.guest_phys_addr = gpa;
    r.memory_size = host ? PG : 0;
    r.userspace_addr = (uint64_t)(uintptr_t)host;
    return ioctl(mapper->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0 ? -errno : 0;
}

static int map_foreign(const struct hv_guest_phys *self, uint64_t gpa,
                       const struct hv_guest_phys *granter, uint64_t gfn, bool ro)
{
    struct kvmh_vm *m = self->mem.opaque, *g;
    struct kvmh *k = m->host;
    struct kvmh_gmap *free_e = NULL;
    uint32_t slot = 1;
    bool taken;
    int rc;

    /* The granter must be one of ours: its opaque is then a VM. */
    if (!granter || granter->map_foreign != map_foreign)
        return -EINVAL;
    g = granter->mem.opaque;
    if (g->host != k || gfn >= g->mem_size / PG || gpa < m->mem_size || gpa >= KVMH_GRANT_GPA_END)
        return -EINVAL;
    if (ro && ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) <= 0)
        return -ENOTSUP;
    pthread_mutex_lock(&k->grant_lock);
    /* A free entry, and the lowest slot number this mapper does not use. */
    do {
        taken = false;
        for (unsigned i = 0; i < KVMH_MAX_GMAPS; i++) {
            struct kvmh_gmap *e = &k->gmaps[i];

            if (!e->used) {
                if (!free_e)
                    free_e = e;
                continue;
            }
            if (e->mapper == m && e->gpa == gpa) {
                pthread_mutex_unlock(&k->grant_lock);
                return -EEXIST;
            }
            if (e->mapper == m && e->slot == slot) {
                taken = true;
                slot++;
            }
        }
    } while (taken);
    rc = free_e ? set_slot(m, slot, gpa, g->mem + gfn * PG, ro) : -ENOSPC;
    if (rc == 0)
        *free_e =
            (struct kvmh_gmap){.used = true, .mapper = m, .granter = g, .slot = slot, .gpa = gpa};
    pthread_mutex_unlock(&k->grant_lock);
    if (rc)
        kvmh_note(k, "d%u: grant map at 0x%llx: %s", m->domid, (unsigned long long)gpa,
                  strerror(-rc));
    return rc;
}

static void drop(struct kvmh_gmap *e)
{
    /* Deleting a slot cannot fail for a slot that exists. */
    (void)set_slot(e->mapper, e->slot, e->gpa, NULL, false);
    e->used = false;
}

static void unmap_foreign(const struct hv_guest_phys *self, uint64_t gpa)
{
    struct kvmh_vm *m = self->mem.opaque;
    struct kvmh *k = m->host;

    pthread_mutex_lock(&k->grant_lock);
    for (unsigned i = 0; i < KVMH_MAX_GMAPS; i++)
        if (k->gmaps[i].used && k->gmaps[i].mapper == m && k->gmaps[i].gpa == gpa)
            drop(&k->gmaps[i]);
    pthread_mutex_unlock(&k->grant_lock);
}

void kvmh_grant_vm_init(struct kvmh_vm *vm)
{
    vm->phys.mem.copy_from = phys_from;
    vm->phys.mem.copy_to = phys_to;
    vm->phys.mem.opaque = vm;
    vm->phys.map_foreign = map_foreign;
    vm->phys.unmap_foreign = unmap_foreign;
}

void kvmh_grant_vm_gone(struct kvmh_vm *vm)
{
    struct kvmh *k = vm->host;

    pthread_mutex_lock(&k->grant_lock);
    for (unsigned i = 0; i < KVMH_MAX_GMAPS; i++)
        if (k->gmaps[i].used && (k->gmaps[i].granter == vm || k->gmaps[i].mapper == vm))
            drop(&k->gmaps[i]);
    pthread_mutex_unlock(&k->grant_lock);
}

unsigned kvmh_grant_count(struct kvmh *k)
{
    unsigned n = 0;

    pthread_mutex_lock(&k->grant_lock);
    for (unsigned i = 0; i < KVMH_MAX_GMAPS; i++)
        n += k->gmaps[i].used;
    pthread_mutex_unlock(&k->grant_lock);
    return n;
}
