/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels for real guests: the pending state in guest memory, the
 * upcall into the vCPU, and sched_op block and poll (docs/kvm.md, "Event
 * channels and upcalls").
 *
 * The model decides (ports, peers, XSM) and tells us, through the
 * domain's notification callback, which port of this VM was raised or
 * unmasked (hv_evtchn_set_notify); for a domain on the FIFO ABI fifo.c
 * does what Xen does to its event words and queues, otherwise we do what
 * Xen's 2-level ABI does to the guest's shared_info page:
 *
 *   raise:  set the port's bit in evtchn_pending; if it was clear and the
 *           port's bit in evtchn_mask is clear, set the word's bit in vCPU
 *           0's evtchn_pending_sel; if that was clear, set
 *           evtchn_upcall_pending; if that was clear, kick the vCPU;
 *   unmask: clear the mask bit; if it was set and the port is pending, the
 *           same selector / upcall_pending / kick steps.
 *
 * The guest changes these words concurrently from its own vCPU (it clears
 * pending bits and its selector with locked instructions), so every
 * read-modify-write here is an atomic on the host mapping of guest memory.
 * shared_info is where the guest put it with XENMEM_add_to_physmap; until
 * then it is a host page of ours, copied into the guest's frame when it
 * appears there (Xen's page moves into the guest's physmap, content and
 * all).  Its layout (32- or 64-bit words) is latched from the vCPU's mode
 * when the guest installs the hypercall page, as Xen latches it.
 *
 * The upcall: with HVM_PARAM_CALLBACK_IRQ of type 2 (a vector), Xen
 * injects the vector whenever vCPU 0's evtchn_upcall_pending is set and the
 * vCPU can take an interrupt.  This VM has no in-kernel irqchip, so before
 * every KVM_RUN the vCPU thread looks at evtchn_upcall_pending and, if set,
 * injects the vector with KVM_INTERRUPT when KVM says the vCPU is ready, or
 * asks for an exit as soon as it is (request_interrupt_window).  A kick
 * from another thread makes a running KVM_RUN return (immediate_exit and
 * SIGUSR1, as kvmh_vm_stop does, without stopping the VM), so the check
 * runs at once.  The other callback types (GSI, PCI INTx) need an
 * emulated interrupt controller: not delivered.
 *
 * Waiting: sched_op block, poll and a hlt with interrupts on sleep on this
 * VM's condition variable, never holding the model lock; raises and kicks
 * (counted under ev.lock) and kvmh_vm_stop wake them.  Lock order: the
 * model lock, then ev.lock.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "kvmhost.h"

#define SCHEDOP_block    1
#define SCHEDOP_poll     3
#define POLL_MAX_PORTS   128U  /* Xen's "fairly arbitrary limit" */
#define VIA_TYPE_VECTOR  2U    /* HVM_PARAM_CALLBACK_IRQ bits 63:56 */
#define SHINFO_PENDING   2048U /* after vcpu_info[32], 64 bytes each */
#define SHINFO_MASK64    2560U
#define SHINFO_MASK32    2176U
#define VCPU_UPCALL      0U /* vcpu_info: evtchn_upcall_pending */
#define VCPU_UPCALL_MASK 1U
#define NS_PER_SEC       1000000000ULL
#define WAIT_SLICE_NS    100000000ULL /* re-check vm->stop at least this often */

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

void kvmh_evtchn_init(struct kvmh_vm *vm)
{
    pthread_condattr_t ca;

    pthread_mutex_init(&vm->ev.lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&vm->ev.cv, &ca);
    pthread_condattr_destroy(&ca);
    vm->ev.t0 = now_ns();
}

void kvmh_evtchn_fini(struct kvmh_vm *vm)
{
    pthread_mutex_destroy(&vm->ev.lock);
    pthread_cond_destroy(&vm->ev.cv);
}

/*
 * kvmh_vm_stop's flags, set under ev.lock so that prerun's clearing of a
 * kick's immediate_exit cannot undo a stop's; then every waiter wakes.
 */
void kvmh_evtchn_stop(struct kvmh_vm *vm)
{
    pthread_mutex_lock(&vm->ev.lock);
    vm->stop = 1;
    __atomic_store_n(&vm->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    pthread_cond_broadcast(&vm->ev.cv);
    pthread_mutex_unlock(&vm->ev.lock);
}

void kvmh_evtchn_end(struct kvmh_vm *vm)
{
    pthread_mutex_lock(&vm->ev.lock);
    vm->ev.ended = true; /* no more signals to this thread */
    pthread_mutex_unlock(&vm->ev.lock);
}

/* The vCPU thread, without the model lock: an atomic store, read under it. */
void kvmh_evtchn_latch(struct kvmh_vm *vm, bool lm)
{
    __atomic_store_n(&vm->ev.si32, !lm, __ATOMIC_RELEASE);
}

static bool si32(const struct kvmh_vm *vm)
{
    return __atomic_load_n(&vm->ev.si32, __ATOMIC_ACQUIRE);
}

/*
 * The shared_info page in use (model lock held): the guest's frame once it
 * placed one there, else our own page.  A move carries the content.
 */
static uint8_t *shinfo(struct kvmh_vm *vm)
{
    uint8_t *was = vm->ev.si, *now = vm->ev.priv;
    uint64_t gpfn = 0;

    if (hv_memory_shared_info_gpfn(vm->host->h, vm->domid, &gpfn) == 0 &&
        gpfn < vm->mem_size / HV_PAGE_SIZE)
        now = vm->mem + gpfn * HV_PAGE_SIZE;
    if (now != was) {
        if (was)
            memcpy(now, was, HV_PAGE_SIZE);
        __atomic_store_n(&vm->ev.si, now, __ATOMIC_RELEASE);
    }
    (void)kvmh_vinfo(vm, now, si32(vm)); /* vCPU 0's vcpu_info may be elsewhere (vcpuinfo.c) */
    return now;
}

/*
 * Right after every memory_op and vcpu_op of the guest (model lock held):
 * the page (and a registered vcpu_info) must be in place before the
 * guest's next instruction writes to it.
 */
void kvmh_evtchn_moved(struct kvmh_vm *vm)
{
    (void)shinfo(vm);
}

/* Bit 'bit' of the 32- or 64-bit word at w: atomic test-and-set / -clear, test. */
static bool bit_set(uint8_t *w, bool w32, unsigned bit)
{
    if (w32) {
        uint32_t m = 1U << bit;

        return (__atomic_fetch_or((uint32_t *)(void *)w, m, __ATOMIC_SEQ_CST) & m) != 0;
    }
    return (__atomic_fetch_or((uint64_t *)(void *)w, 1ULL << bit, __ATOMIC_SEQ_CST) &
            (1ULL << bit)) != 0;
}

static bool bit_clear(uint8_t *w, bool w32, unsigned bit)
{
    if (w32) {
        uint32_t m = 1U << bit;

        return (__atomic_fetch_and((uint32_t *)(void *)w, ~m, __ATOMIC_SEQ_CST) & m) != 0;
    }
    return (__atomic_fetch_and((uint64_t *)(void *)w, ~(1ULL << bit), __ATOMIC_SEQ_CST) &
            (1ULL << bit)) != 0;
}

static bool bit_test(const uint8_t *w, bool w32, unsigned bit)
{
    if (w32)
        return ((__atomic_load_n((const uint32_t *)(const void *)w, __ATOMIC_ACQUIRE) >> bit) &
                1U) != 0;
    return ((__atomic_load_n((const uint64_t *)(const void *)w, __ATOMIC_ACQUIRE) >> bit) & 1U) !=
           0;
}

/* Where port's bit lives: the array at 'base', its word there and the bit in it. */
struct bitref {
    uint8_t *w;
    unsigned bit;
};

static struct bitref bit_of(uint8_t *si, bool w32, unsigned base, uint32_t port)
{
    unsigned bits = w32 ? 32U : 64U;
    struct bitref r = {si + base + (size_t)(port / bits) * (bits / 8), port % bits};

    return r;
}

/* 2-level: is port pending in si?  Ports beyond the bitmap never are. */
static bool port_pending(uint8_t *si, bool w32, uint32_t port)
{
    struct bitref p;

    if (port >= (w32 ? 32U * 32U : 64U * 64U))
        return false;
    p = bit_of(si, w32, SHINFO_PENDING, port);
    return bit_test(p.w, w32, p.bit);
}

/* The selector and upcall steps in vcpu_info vi; true if evtchn_upcall_pending went 0 -> 1. */
static bool mark_selector(uint8_t *vi, bool w32, uint32_t port)
{
    unsigned bits = w32 ? 32U : 64U;

    if (bit_set(vi + (w32 ? 4U : 8U), w32, port / bits))
        return false;
    return __atomic_exchange_n(vi + VCPU_UPCALL, (uint8_t)1, __ATOMIC_SEQ_CST) == 0;
}

/* Interrupts a running KVM_RUN of another thread (ev.lock held). */
static void kick(struct kvmh_vm *vm)
{
    if (vm->ev.ended || !vm->ev.in_run || pthread_equal(pthread_self(), vm->thread))
        return; /* the run loop looks before its next entry anyway */
    /*
     * With an interrupt just queued, no immediate_exit: a KVM_RUN that
     * returns before entering loses it on kvm-pvm.  A signal only
     * interrupts a KVM_RUN that has entered.
     */
    if (vm->ev.queued)
        return;
    __atomic_store_n(&vm->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    pthread_kill(vm->thread, SIGUSR1);
}

/* The model's notification (model lock held, exclusively). */
static void on_event(void *opaque, xsm_domid_t domid, uint32_t port, unsigned vcpu, unsigned what)
{
    struct kvmh_vm *vm = opaque;
    bool w32 = si32(vm), raised = false, upcall = false;
    uint8_t *si = shinfo(vm), *vi = kvmh_vinfo_now(vm), *ctl = NULL;
    struct bitref p, m;

    (void)domid;
    (void)vcpu; /* one vCPU */
    if (kvmh_fifo_on(vm, &ctl)) {
        if (what == HV_EVTCHN_NOTIFY_RAISE)
            upcall = kvmh_fifo_raise(vm, ctl, port, &raised) == 1;
        else if (what == HV_EVTCHN_NOTIFY_UNMASK)
            upcall = kvmh_fifo_unmask(vm, ctl, port) == 1;
        /* Xen's vcpu_mark_events_pending. */
        if (upcall)
            upcall = __atomic_exchange_n(vi + VCPU_UPCALL, (uint8_t)1, __ATOMIC_SEQ_CST) == 0;
    } else if (port < (w32 ? 32U * 32U : 64U * 64U)) { /* beyond: not in the bitmap */
        p = bit_of(si, w32, SHINFO_PENDING, port);
        m = bit_of(si, w32, w32 ? SHINFO_MASK32 : SHINFO_MASK64, port);
        if (what == HV_EVTCHN_NOTIFY_RAISE) {
            raised = !bit_set(p.w, w32, p.bit);
            if (raised && !bit_test(m.w, w32, m.bit))
                upcall = mark_selector(vi, w32, port);
        } else if (what == HV_EVTCHN_NOTIFY_UNMASK) {
            if (bit_clear(m.w, w32, m.bit) && bit_test(p.w, w32, p.bit))
                upcall = mark_selector(vi, w32, port);
        }
    }
    if (!raised && !upcall)
        return;
    pthread_mutex_lock(&vm->ev.lock);
    vm->ev.raises += raised;
    vm->ev.kicks += upcall;
    pthread_cond_broadcast(&vm->ev.cv);
    if (upcall)
        kick(vm);
    pthread_mutex_unlock(&vm->ev.lock);
}

int kvmh_evtchn_setup(struct kvmh_vm *vm)
{
    kvmh_evtchn_latch(vm, !vm->compat);
    (void)shinfo(vm);
    return hv_evtchn_set_notify(vm->host->h, vm->domid, on_event, vm);
}

/*
 * The vCPU's own upcall vector if it set one, else the callback vector, or
 * -1 if the guest asked for none (model lock held).
 */
static int upcall_vector(struct kvmh_vm *vm)
{
    uint64_t via = 0;
    int own = kvmh_vinfo_vector(vm);

    if (own >= 0 && !vm->stop)
        return own;
    if (vm->stop || hv_evtchn_upcall_via(vm->host->h, vm->domid, &via) != 0 ||
        (via >> 56) != VIA_TYPE_VECTOR)
        return -1;
    return (int)(via & 0xff);
}

static bool upcall_pending(struct kvmh_vm *vm)
{
    const uint8_t *vi = kvmh_vinfo_now(vm);

    return vi && __atomic_load_n(vi + VCPU_UPCALL, __ATOMIC_ACQUIRE) != 0;
}

static void set_in_run(struct kvmh_vm *vm, bool in, bool queued)
{
    pthread_mutex_lock(&vm->ev.lock);
    vm->ev.in_run = in;
    vm->ev.queued = queued;
    pthread_mutex_unlock(&vm->ev.lock);
}

void kvmh_evtchn_postrun(struct kvmh_vm *vm)
{
    set_in_run(vm, false, false);
}

/*
 * Is the vCPU's next instruction hlt?  Then the interrupt goes in after
 * it, as when a real CPU's hlt is woken.  This KVM can stop a vCPU
 * between "sti" and "hlt" (a kick) and report it ready for an interrupt:
 * delivered there, the handler would return into the hlt and the vCPU
 * would sleep on an event it has already taken.
 */
static void skip_hlt(struct kvmh_vm *vm)
{
    struct kvm_regs *r = &vm->run->s.regs.regs;
    const struct kvm_sregs *s = &vm->run->s.regs.sregs;
    uint64_t at = r->rip, gpa = 0;

    const struct kvmh_gmem g = {vm->mem, vm->mem_size, s};

    if (!kvmh_long_mode(s))
        at = (s->cs.base + r->rip) & 0xffffffffU; /* not 64-bit code: CS base counts */
    if (kvmh_gva_to_gpa(&g, at, false, &gpa) != 0 || gpa >= vm->mem_size || vm->mem[gpa] != 0xf4)
        return;
    r->rip++;
    vm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

void kvmh_evtchn_prerun(struct kvmh_vm *vm)
{
    struct kvm_run *run = vm->run;
    struct kvm_interrupt irq;
    int vec;

    /* From here a raise kicks: nothing between this look and KVM_RUN is missed. */
    set_in_run(vm, true, false);
    run->request_interrupt_window = 0;
    if (!upcall_pending(vm))
        return;
    pthread_rwlock_rdlock(vm->host->hv_lock);
    vec = upcall_vector(vm);
    pthread_rwlock_unlock(vm->host->hv_lock);
    if (vec < 0)
        return;
    if (!run->ready_for_interrupt_injection) {
        run->request_interrupt_window = 1; /* exit as soon as it can take one */
        return;
    }
    /*
     * Queued from here on: kicks send only the signal, and a kick that came
     * since the look above has done its job (we are about to enter with
     * the interrupt), so its immediate_exit goes - unless the VM is being
     * stopped, whose immediate_exit must stay.
     */
    pthread_mutex_lock(&vm->ev.lock);
    vm->ev.queued = true;
    if (!vm->stop)
        __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&vm->ev.lock);
    skip_hlt(vm);
    irq.irq = (uint32_t)vec;
    if (ioctl(vm->vcpu_fd, KVM_INTERRUPT, &irq) < 0) {
        kvmh_note(vm->host, "d%u: KVM_INTERRUPT %d failed: errno %d", vm->domid, vec, errno);
        set_in_run(vm, true, false);
    }
}

/*
 * Sleep until cond(vm, arg) holds, the kicks count moves past k0, the
 * deadline (0: none) passes, or the VM is stopped.  Never under the model
 * lock; wakes at least every WAIT_SLICE_NS to look at vm->stop.
 */
typedef bool (*wait_cond)(struct kvmh_vm *vm, const void *arg);

static void wait_for(struct kvmh_vm *vm, unsigned long k0, uint64_t deadline, wait_cond cond,
                     const void *arg)
{
    pthread_mutex_lock(&vm->ev.lock);
    for (;;) {
        uint64_t t = now_ns(), until = t + WAIT_SLICE_NS;
        struct timespec ts;

        if (vm->stop || vm->ev.kicks != k0 || (cond && cond(vm, arg)) ||
            (deadline && t >= deadline))
            break;
        if (deadline && deadline < until)
            until = deadline;
        ts.tv_sec = (time_t)(until / NS_PER_SEC);
        ts.tv_nsec = (long)(until % NS_PER_SEC);
        (void)pthread_cond_timedwait(&vm->ev.cv, &vm->ev.lock, &ts);
    }
    pthread_mutex_unlock(&vm->ev.lock);
}

static unsigned long kicks_now(struct kvmh_vm *vm)
{
    unsigned long k;

    pthread_mutex_lock(&vm->ev.lock);
    k = vm->ev.kicks;
    pthread_mutex_unlock(&vm->ev.lock);
    return k;
}

int kvmh_evtchn_halt(struct kvmh_vm *vm)
{
    unsigned long k0;
    int vec;

    if (!vm->run->if_flag)
        return 1; /* interrupts off: nothing can wake it */
    pthread_rwlock_rdlock(vm->host->hv_lock);
    vec = upcall_vector(vm);
    k0 = kicks_now(vm);
    pthread_rwlock_unlock(vm->host->hv_lock);
    if (vec < 0)
        return 1; /* no upcall: no interrupt source */
    if (!upcall_pending(vm))
        wait_for(vm, k0, 0, NULL, NULL);
    return 0;
}

bool kvmh_evtchn_sched_waits(uint64_t cmd)
{
    return (uint32_t)cmd == SCHEDOP_block || (uint32_t)cmd == SCHEDOP_poll;
}

/*
 * An event is due: vCPU 0's evtchn_upcall_pending is set.  Xen's HVM
 * local_events_need_delivery also wants the vector deliverable (interrupts
 * on); a vCPU blocking with interrupts off would then sleep through an
 * upcall already pending, and on this KVM an interrupt goes in only at an
 * exit, so a guest that closes the check-then-block race with cli must be
 * woken by the flag alone.  Returning early is a wakeup Xen's callers
 * already expect (block and poll may return at any time).
 */
static bool need_delivery(struct kvmh_vm *vm, int vec)
{
    (void)vec;
    return upcall_pending(vm);
}

/* The polled ports: 2-level bits, or (FIFO) their event words if they have one. */
struct poll_set {
    uint32_t n;
    bool w32, fifo;
    uint32_t port[POLL_MAX_PORTS];
    const uint32_t *word[POLL_MAX_PORTS];
};

static bool polled_pending(uint8_t *si, const struct poll_set *ps, uint32_t i)
{
    if (!ps->fifo)
        return port_pending(si, ps->w32, ps->port[i]);
    return ps->word[i] && ((__atomic_load_n(ps->word[i], __ATOMIC_ACQUIRE) >> 31) & 1U);
}

static bool any_pending(struct kvmh_vm *vm, const void *arg)
{
    const struct poll_set *ps = arg;
    uint8_t *si = __atomic_load_n(&vm->ev.si, __ATOMIC_ACQUIRE);

    for (uint32_t i = 0; i < ps->n; i++)
        if (polled_pending(si, ps, i))
            return true;
    return false;
}

/* SCHEDOP_poll's checks and first look (model lock held). */
static long poll_check(struct kvmh_vm *vm, uint64_t arg, bool lm, struct poll_set *ps,
                       uint64_t *timeout, int vec)
{
    uint8_t b[24];
    uint64_t ports;
    uint8_t *si = shinfo(vm), *ctl = NULL;

    if (vm->guest.copy_from(vm, b, arg, lm ? 24 : 16))
        return -EFAULT;
    /* struct sched_poll: ports handle, nr_ports, timeout (compat: 4-byte handle). */
    memcpy(&ps->n, b + (lm ? 8 : 4), 4);
    if (lm) {
        memcpy(&ports, b, 8);
        memcpy(timeout, b + 16, 8);
    } else {
        uint32_t p32;

        memcpy(&p32, b, 4);
        ports = p32;
        memcpy(timeout, b + 8, 8);
    }
    if (ps->n > POLL_MAX_PORTS)
        return -EINVAL;
    if (need_delivery(vm, vec))
        return 1;
    ps->w32 = si32(vm);
    ps->fifo = kvmh_fifo_on(vm, &ctl);
    for (uint32_t i = 0; i < ps->n; i++) {
        if (vm->guest.copy_from(vm, &ps->port[i], ports + 4ULL * i, 4))
            return -EFAULT;
        if (hv_evtchn_pending(vm->host->h, vm->domid, ps->port[i]) < 0)
            return -EINVAL; /* not a valid port of this domain */
        ps->word[i] = ps->fifo ? kvmh_fifo_word(vm, ps->port[i]) : NULL;
        if (polled_pending(si, ps, i))
            return 1;
    }
    return 0;
}

long kvmh_evtchn_sched(struct kvmh_vm *vm, uint64_t cmd, uint64_t arg, bool lm)
{
    struct kvmh *k = vm->host;
    struct poll_set ps;
    uint64_t timeout = 0, deadline = 0;
    unsigned long k0 = 0;
    long rc = 0;
    int vec;

    pthread_rwlock_rdlock(k->hv_lock);
    vm->in_call = true; /* arg and the port list are virtual addresses */
    if (vm->stop) {
        rc = -ESRCH;
    } else {
        vec = upcall_vector(vm);
        if ((uint32_t)cmd == SCHEDOP_block) {
            uint8_t *vi = kvmh_vinfo(vm, shinfo(vm), si32(vm));

            /* Xen enables event delivery first (evtchn_upcall_mask = 0). */
            __atomic_store_n(vi + VCPU_UPCALL_MASK, (uint8_t)0, __ATOMIC_SEQ_CST);
            rc = need_delivery(vm, vec) ? 1 : 0;
        } else {
            rc = poll_check(vm, arg, lm, &ps, &timeout, vec);
        }
        k0 = kicks_now(vm); /* raises after this point are seen */
    }
    vm->in_call = false;
    pthread_rwlock_unlock(k->hv_lock);
    if (rc != 0)
        return rc > 0 ? 0 : rc;
    if (timeout) {
        /* Xen system time: nanoseconds since this VM was made. */
        deadline = vm->ev.t0 + timeout;
        if (deadline < timeout)
            deadline = UINT64_MAX;
        if (now_ns() >= deadline)
            return 0;
    }
    if ((uint32_t)cmd == SCHEDOP_block)
        wait_for(vm, k0, 0, NULL, NULL);
    else
        wait_for(vm, k0, deadline, any_pending, &ps);
    return 0;
}
