/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM host's grant mappings end with the grant (src/hosts/kvm/grant.c):
 * a page d2 maps from another VM with GNTMAP_host_map is a KVM memory slot
 * of d2, and it must be gone - so d2 can no longer reach the page - after
 * the unmap, after the granter's domain is destroyed, after the granter's
 * VM is freed without its domain going first, and after the mapper's own
 * domain is destroyed.  Whether a slot is still there is asked of KVM
 * itself: a new slot over the same guest-physical page is refused (EEXIST)
 * while the old one exists.  No vCPU runs: the hypercalls are issued from
 * here with guest-physical arguments (no vCPU is in a call).
 *
 * Exit 0, 1, or 77 after "skipped: <why>" without a usable /dev/kvm.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvmhost.h"

#define MEM      (2ULL << 20)
#define MAP_GPA  0x20000000ULL
#define ARG      0x10000ULL
#define REF      9U
#define NR_GNT   20U
#define PROBE    200U /* a slot number the host does not use */
#define GTF_PA   1U
#define HOST_MAP 2U
#define READONLY 4U

static int failures;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Is something mapped at MAP_GPA in vm?  (A probe slot there: EEXIST.) */
static bool slot_there(struct kvmh_vm *vm)
{
    static uint8_t page[4096] __attribute__((aligned(4096)));
    struct kvm_userspace_memory_region r = {0};

    r.slot = PROBE;
    r.guest_phys_addr = MAP_GPA;
    r.memory_size = sizeof(page);
    r.userspace_addr = (uint64_t)(uintptr_t)page;
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
        return errno == EEXIST;
    r.memory_size = 0;
    (void)ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
    return false;
}

static struct kvmh_vm *mkvm(struct kvmh *k, struct hv *h)
{
    struct hv_domain_config dc;
    struct kvmh_vm *vm = NULL;
    xsm_domid_t id = 0;

    if (kvmh_vm_create(k, MEM, &vm) < 0)
        return NULL;
    memset(&dc, 0, sizeof(dc));
    dc.flags = HV_CDF_hvm | HV_CDF_hap;
    dc.mem_size = vm->mem_size;
    dc.guest = &vm->guest;
    dc.phys = &vm->phys;
    if (hv_domain_create(h, 0, &dc, &id) < 0) {
        kvmh_vm_free(vm);
        return NULL;
    }
    vm->domid = id;
    return vm;
}

/* granter's grant REF for mapper, then mapper maps it at MAP_GPA: the status. */
static int grant_and_map_flags(struct hv *h, struct kvmh_vm *granter, struct kvmh_vm *mapper,
                               uint32_t flags)
{
    uint8_t op[32] = {0};
    uint64_t a[6] = {0, ARG, 1, 0, 0, 0};
    int16_t st;

    if (hv_gnttab_write_entry(h, granter->domid, REF, GTF_PA, mapper->domid, 5) < 0)
        return -100;
    memcpy(op, &(uint64_t){MAP_GPA}, 8);
    memcpy(op + 8, &flags, 4);
    memcpy(op + 12, &(uint32_t){REF}, 4);
    memcpy(op + 16, &granter->domid, 2);
    memcpy(mapper->mem + ARG, op, sizeof(op));
    if (hv_hypercall(h, mapper->domid, NR_GNT, a) != 0)
        return -101;
    memcpy(&st, mapper->mem + ARG + 18, 2);
    return st;
}

static int grant_and_map(struct hv *h, struct kvmh_vm *granter, struct kvmh_vm *mapper)
{
    return grant_and_map_flags(h, granter, mapper, HOST_MAP);
}

int main(void)
{
    struct kvmh k;
    struct hv_config hc;
    struct hv *h = NULL;
    struct kvmh_vm *d1, *d2, *d3, *d4;
    uint8_t unmap[24] = {0};
    uint64_t a[6] = {1, ARG, 1, 0, 0, 0};

    memset(&k, 0, sizeof(k));
    if (access("/dev/kvm", R_OK | W_OK) != 0 || kvmh_init(&k) < 0) {
        printf("skipped: no usable /dev/kvm\n");
        return 77;
    }
    memset(&hc, 0, sizeof(hc));
    hc.modules = "dummy";
    if (hv_create(&h, &hc) < 0) {
        kvmh_fini(&k);
        return 1;
    }
    k.h = h;
    d1 = mkvm(&k, h);
    d2 = mkvm(&k, h);
    d3 = mkvm(&k, h);
    d4 = mkvm(&k, h);
    if (!d1 || !d2 || !d3 || !d4) {
        kvmh_vm_free(d1);
        kvmh_vm_free(d2);
        kvmh_vm_free(d3);
        kvmh_vm_free(d4);
        hv_destroy(h);
        kvmh_fini(&k);
        printf("skipped: cannot create 4 VMs here\n");
        return 77;
    }

    /* Mapped, then unmapped. */
    CHECK(grant_and_map(h, d1, d2) == 0);
    CHECK(kvmh_grant_count(&k) == 1 && slot_there(d2));
    memcpy(unmap, &(uint64_t){MAP_GPA}, 8);
    memcpy(d2->mem + ARG, unmap, sizeof(unmap)); /* handle 0 at 16 */
    CHECK(hv_hypercall(h, d2->domid, NR_GNT, a) == 0);
    CHECK(kvmh_grant_count(&k) == 0 && !slot_there(d2));

    /* Read-only: a KVM_MEM_READONLY slot where KVM has them, else refused. */
    {
        bool ro = ioctl(k.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;

        CHECK(grant_and_map_flags(h, d1, d2, HOST_MAP | READONLY) == (ro ? 0 : -1));
        CHECK(slot_there(d2) == ro && kvmh_grant_count(&k) == (ro ? 1U : 0U));
        memcpy(d2->mem + ARG, unmap, sizeof(unmap));
        CHECK(hv_hypercall(h, d2->domid, NR_GNT, a) == 0);
        CHECK(kvmh_grant_count(&k) == 0 && !slot_there(d2));
        printf("read-only maps: %s\n",
               ro ? "KVM_MEM_READONLY" : "refused (no KVM_CAP_READONLY_MEM)");
    }

    /* Inside the mapper's RAM: KVM cannot overlay it, the map fails. */
    {
        uint8_t op[32] = {0};
        uint64_t m[6] = {0, ARG, 1, 0, 0, 0};
        int16_t st = 0;

        memcpy(op, &(uint64_t){0x1000}, 8);
        memcpy(op + 8, &(uint32_t){HOST_MAP}, 4);
        memcpy(op + 12, &(uint32_t){REF}, 4);
        memcpy(op + 16, &d1->domid, 2);
        memcpy(d2->mem + ARG, op, sizeof(op));
        CHECK(hv_hypercall(h, d2->domid, NR_GNT, m) == 0);
        memcpy(&st, d2->mem + ARG + 18, 2);
        CHECK(st == -1 && kvmh_grant_count(&k) == 0);
    }

    /* The granter's domain is destroyed: the mapper loses the page. */
    CHECK(grant_and_map(h, d1, d2) == 0);
    CHECK(slot_there(d2));
    CHECK(hv_domain_destroy(h, 0, d1->domid) == 0);
    CHECK(kvmh_grant_count(&k) == 0 && !slot_there(d2));
    kvmh_vm_free(d1);

    /* The granter's VM goes first (its memory is unmapped from the host). */
    CHECK(grant_and_map(h, d3, d2) == 0);
    CHECK(slot_there(d2));
    kvmh_vm_free(d3);
    CHECK(kvmh_grant_count(&k) == 0 && !slot_there(d2));

    /* The mapper's own domain is destroyed. */
    CHECK(grant_and_map(h, d4, d2) == 0);
    CHECK(kvmh_grant_count(&k) == 1);
    CHECK(hv_domain_destroy(h, 0, d2->domid) == 0);
    CHECK(kvmh_grant_count(&k) == 0 && !slot_there(d2));

    kvmh_vm_free(d2);
    kvmh_vm_free(d4);
    hv_destroy(h);
    kvmh_fini(&k);
    printf("test-kvm-grant-teardown: %d failed\n", failures);
    return failures ? 1 : 0;
}
