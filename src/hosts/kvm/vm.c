/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM side of a guest: /dev/kvm, one VM with its memory in one slot at
 * guest-physical 0, one vCPU with its kvm_run area, and the thread that
 * runs it.
 *
 * Memory is anonymous host memory mapped at GPA 0 (one slot, no holes);
 * everything the host reads or writes for the guest goes through
 * vm->mem with a bounds check (walk.c), never through a guest pointer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvmhost.h"

void kvmh_note(struct kvmh *k, const char *fmt, ...)
{
    char line[256];
    va_list ap;

    if (!k->log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    k->log(k->log_opaque, line);
}

/* KVM_GET_SUPPORTED_CPUID: grow the array until KVM stops saying E2BIG. */
static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
    for (unsigned n = 64; n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

        if (!c)
            return NULL;
        c->nent = n;
        if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
            return c;
        free(c);
        if (errno != E2BIG)
            return NULL;
    }
    return NULL;
}

int kvmh_init(struct kvmh *k)
{
    pthread_rwlockattr_t ra;
    int rc;

    k->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (k->kvm_fd < 0)
        return -errno;
    rc = ioctl(k->kvm_fd, KVM_GET_API_VERSION, 0);
    if (rc != KVM_API_VERSION)
        goto bad;
    /* What the transport needs (docs/kvm.md): SYNC_REGS and MSR exits. */
    if (ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) <= 0 ||
        ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_USER_SPACE_MSR) <= 0 ||
        ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_MSR_FILTER) <= 0)
        goto bad;
    k->run_size = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (k->run_size <= 0)
        goto bad;
    k->cpuid = supported_cpuid(k->kvm_fd);
    if (!k->cpuid)
        goto bad;
    pthread_rwlockattr_init(&ra);
    pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    rc = pthread_rwlock_init(&k->own_lock, &ra);
    pthread_rwlockattr_destroy(&ra);
    if (rc != 0) {
        free(k->cpuid);
        goto bad;
    }
    k->hv_lock = &k->own_lock;
    kvmh_emul_init(k);
    k->live = 0;
    pthread_mutex_init(&k->live_lock, NULL);
    pthread_mutex_init(&k->grant_lock, NULL);
    pthread_cond_init(&k->live_cv, NULL);
    return 0;
bad:
    close(k->kvm_fd);
    k->kvm_fd = -1;
    return -ENOTSUP;
}

void kvmh_fini(struct kvmh *k)
{
    if (k->kvm_fd < 0)
        return;
    pthread_rwlock_destroy(&k->own_lock);
    pthread_mutex_destroy(&k->live_lock);
    pthread_mutex_destroy(&k->grant_lock);
    pthread_cond_destroy(&k->live_cv);
    free(k->cpuid);
    close(k->kvm_fd);
    k->kvm_fd = -1;
}

int kvmh_vm_create(struct kvmh *k, uint64_t mem_size, struct kvmh_vm **out)
{
    struct kvm_userspace_memory_region slot = {0};
    struct kvmh_vm *vm;
    int rc;

    if (mem_size < 2U << 20 || mem_size > 3ULL << 30 || (mem_size & 0xfff) != 0)
        return -EINVAL;
    vm = calloc(1, sizeof(*vm));
    if (!vm)
        return -ENOMEM;
    if (pthread_mutex_init(&vm->life, NULL) != 0) {
        free(vm);
        return -ENOMEM;
    }
    vm->host = k;
    vm->vm_fd = vm->vcpu_fd = -1;
    vm->mem_size = mem_size;
    vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (vm->mem == MAP_FAILED) {
        vm->mem = NULL;
        rc = -ENOMEM;
        goto fail;
    }
    vm->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0)
        goto fail_errno;
    slot.slot = 0;
    slot.guest_phys_addr = 0;
    slot.memory_size = mem_size;
    slot.userspace_addr = (uint64_t)(uintptr_t)vm->mem;
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
        goto fail_errno;
    vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
    if (vm->vcpu_fd < 0)
        goto fail_errno;
    vm->run = mmap(NULL, (size_t)k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
    if (vm->run == MAP_FAILED) {
        vm->run = NULL;
        goto fail_errno;
    }
    kvmh_guest_init(vm);
    kvmh_grant_vm_init(vm);
    kvmh_evtchn_init(vm);
    *out = vm;
    return 0;
fail_errno:
    rc = -errno;
fail:
    kvmh_vm_free(vm);
    return rc;
}

void kvmh_vm_free(struct kvmh_vm *vm)
{
    if (!vm)
        return;
    kvmh_grant_vm_gone(vm); /* before its memory goes: no mapper keeps it */
    if (vm->run)
        munmap(vm->run, (size_t)vm->host->run_size);
    if (vm->vcpu_fd >= 0)
        close(vm->vcpu_fd);
    if (vm->vm_fd >= 0)
        close(vm->vm_fd);
    if (vm->mem)
        munmap(vm->mem, vm->mem_size);
    kvmh_rings_free(vm);
    if (vm->ev.t0)
        kvmh_evtchn_fini(vm);
    pthread_mutex_destroy(&vm->life);
    free(vm);
}

/* SIGUSR1 only interrupts KVM_RUN (EINTR); the flag says why. */
static void kick_handler(int sig)
{
    (void)sig;
}

static int kick_setup(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = kick_handler;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGUSR1, &sa, NULL) < 0 ? -errno : 0;
}

static void live_add(struct kvmh *k, int n)
{
    pthread_mutex_lock(&k->live_lock);
    k->live = (unsigned)((int)k->live + n);
    if (k->live == 0)
        pthread_cond_broadcast(&k->live_cv);
    pthread_mutex_unlock(&k->live_lock);
}

void kvmh_wait_threads(struct kvmh *k)
{
    pthread_mutex_lock(&k->live_lock);
    while (k->live)
        pthread_cond_wait(&k->live_cv, &k->live_lock);
    pthread_mutex_unlock(&k->live_lock);
}

int kvmh_vm_start(struct kvmh_vm *vm)
{
    int rc = kick_setup();

    if (rc < 0)
        return rc;
    live_add(vm->host, 1);
    rc = pthread_create(&vm->thread, NULL, kvmh_vcpu_thread, vm);
    if (rc != 0)
        live_add(vm->host, -1);
    return -rc;
}

int kvmh_vm_start_detached(struct kvmh_vm *vm)
{
    pthread_attr_t a;
    int rc = kick_setup();

    if (rc < 0)
        return rc;
    if (pthread_attr_init(&a) != 0)
        return -ENOMEM;
    vm->detached = true;
    live_add(vm->host, 1);
    rc = pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    if (rc == 0)
        rc = pthread_create(&vm->thread, &a, kvmh_vcpu_thread, vm);
    pthread_attr_destroy(&a);
    if (rc != 0) {
        vm->detached = false;
        live_add(vm->host, -1);
    }
    return -rc;
}

void kvmh_vm_release(struct kvmh_vm *vm)
{
    bool now;

    pthread_mutex_lock(&vm->life);
    now = vm->exited;
    if (!now) {
        vm->reap = true; /* the thread frees it on its way out */
        kvmh_vm_stop(vm);
    }
    pthread_mutex_unlock(&vm->life);
    if (now)
        kvmh_vm_free(vm);
}

/* The end of a detached vCPU thread: free the VM if it was released. */
void kvmh_vcpu_exit(struct kvmh_vm *vm)
{
    struct kvmh *k = vm->host;
    bool reap = false;

    if (vm->detached) {
        pthread_mutex_lock(&vm->life);
        reap = vm->reap;
        vm->exited = true;
        pthread_mutex_unlock(&vm->life);
    }
    if (reap)
        kvmh_vm_free(vm);
    live_add(k, -1); /* last: k may go once this reaches 0 */
}

void kvmh_vm_stop(struct kvmh_vm *vm)
{
    kvmh_evtchn_stop(vm); /* stop, immediate_exit; out of block, poll or hlt */
    pthread_kill(vm->thread, SIGUSR1);
}

int kvmh_vm_join(struct kvmh_vm *vm)
{
    return -pthread_join(vm->thread, NULL);
}
