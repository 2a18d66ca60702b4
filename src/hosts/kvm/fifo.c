/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FIFO event-channel ABI in guest memory (docs/kvm.md, "Event
 * channels and upcalls"): what Xen 4.17's event_fifo.c does to the
 * guest's event words and control block when a port is raised or
 * unmasked, for a domain that set it up with EVTCHNOP_init_control and
 * expand_array (the model validates those and gives us the frames).
 *
 * Each port has a 32-bit event word: PENDING (bit 31), MASKED (30), LINKED
 * (29), BUSY (28) and the link to the next port of its queue (bits 16:0).
 * There are 16 queues, one per priority; the control block holds their
 * heads and a READY bit per queue.  Raising a port sets PENDING; if the port
 * is neither masked nor linked yet, it is linked at the tail of its
 * priority's queue (or becomes the head of an empty queue), and a queue
 * that became non-empty sets its READY bit and makes an upcall pending.
 * The tails are ours, as they are Xen's: the guest consumes from the head.
 * The guest changes words at the same time (it clears LINKED and PENDING,
 * sets MASKED), so the words are changed with atomics only, and linking
 * uses compare-and-exchange on the tail's word, giving up (like Xen) after
 * a few tries if the guest keeps changing it.
 *
 * Called with the model lock held exclusively (the model's notification).
 */
#include <string.h>

#include "kvmhost.h"

#define W_PENDING  31U
#define W_MASKED   30U
#define W_LINKED   29U
#define W_BUSY     28U
#define LINK_MASK  ((1U << HV_EVTCHN_FIFO_LINK_BITS) - 1)
#define WORDS_PAGE (HV_PAGE_SIZE / 4U)
#define CTL_HEAD   8U /* evtchn_fifo_control_block: ready, _rsvd, head[16] */

/* Host address of the guest frame gfn, or NULL if it is not guest memory. */
static uint8_t *frame(struct kvmh_vm *vm, uint64_t gfn)
{
    return gfn < vm->mem_size / HV_PAGE_SIZE ? vm->mem + gfn * HV_PAGE_SIZE : NULL;
}

/*
 * Is vm's domain on the FIFO ABI?  Then fills f and points *ctl at its
 * control block; queues restart when the control block moves (a reset and
 * a new init_control).
 */
bool kvmh_fifo_on(struct kvmh_vm *vm, uint8_t **ctl)
{
    struct hv_evtchn_fifo f;
    uint8_t *pg;

    if (hv_evtchn_fifo(vm->host->h, vm->domid, &f) != 0)
        return false;
    pg = frame(vm, f.control_gfn);
    if (!pg)
        return false;
    *ctl = pg + f.control_offset;
    if (*ctl != vm->fifo.ctl) {
        memset(&vm->fifo, 0, sizeof(vm->fifo));
        vm->fifo.ctl = *ctl;
    }
    return true;
}

/* The event word of port, or NULL while its array page is missing. */
uint32_t *kvmh_fifo_word(struct kvmh_vm *vm, uint32_t port)
{
    uint64_t gfn = 0;
    uint8_t *pg;

    if (hv_evtchn_fifo_page(vm->host->h, vm->domid, port / WORDS_PAGE, &gfn) != 0)
        return NULL;
    pg = frame(vm, gfn);
    return pg ? (uint32_t *)(void *)(pg + (size_t)(port % WORDS_PAGE) * 4U) : NULL;
}

static bool test_and_set(uint32_t *w, unsigned bit)
{
    return (__atomic_fetch_or(w, 1U << bit, __ATOMIC_SEQ_CST) >> bit) & 1U;
}

static bool test(const uint32_t *w, unsigned bit)
{
    return (__atomic_load_n(w, __ATOMIC_ACQUIRE) >> bit) & 1U;
}

/* Xen's try_set_link: 1 linked, 0 the tail is no longer linked, -1 changed under us. */
static int try_link(uint32_t *tail, uint32_t *seen, uint32_t port)
{
    uint32_t want;

    if (!((*seen >> W_LINKED) & 1U))
        return 0;
    want = (*seen & ~((1U << W_BUSY) | LINK_MASK)) | port;
    if (__atomic_compare_exchange_n(tail, seen, want, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return 1;
    return -1;
}

/* Link port after the tail's word; false if the tail was consumed meanwhile. */
static bool set_link(uint32_t *tail, uint32_t port)
{
    uint32_t seen = __atomic_load_n(tail, __ATOMIC_ACQUIRE);
    int r = try_link(tail, &seen, port);

    if (r >= 0)
        return r == 1;
    /* BUSY keeps the guest from unmasking (and relinking) while we retry. */
    __atomic_fetch_or(tail, 1U << W_BUSY, __ATOMIC_SEQ_CST);
    seen = __atomic_load_n(tail, __ATOMIC_ACQUIRE);
    for (int i = 0; i < 4; i++) {
        r = try_link(tail, &seen, port);
        if (r == 1)
            return true;
        if (r == 0)
            break;
    }
    __atomic_fetch_and(tail, ~(1U << W_BUSY), __ATOMIC_SEQ_CST);
    return r != 0; /* Xen gives up as if linked */
}

int kvmh_fifo_raise(struct kvmh_vm *vm, uint8_t *ctl, uint32_t port, bool *raised)
{
    uint32_t *word = kvmh_fifo_word(vm, port), *head, *tail_word;
    int prio = hv_evtchn_priority(vm->host->h, vm->domid, port);
    unsigned q, oldq;
    bool linked = true;

    *raised = false;
    if (!word || prio < 0 || port >= KVMH_FIFO_PORTS)
        return 0; /* the model keeps it pending until the page comes */
    q = (unsigned)prio;
    oldq = vm->fifo.lastq[port];
    *raised = !test_and_set(word, W_PENDING);
    if (!test(word, W_MASKED) && !test_and_set(word, W_LINKED)) {
        if (vm->fifo.tail[oldq] == port)
            vm->fifo.tail[oldq] = 0; /* it left that queue empty */
        vm->fifo.lastq[port] = (uint8_t)q;
        linked = false;
        if (vm->fifo.tail[q]) {
            tail_word = kvmh_fifo_word(vm, vm->fifo.tail[q]);
            linked = tail_word && set_link(tail_word, port);
        }
        if (!linked) {
            head = (uint32_t *)(void *)(ctl + CTL_HEAD + (size_t)q * 4U);
            __atomic_store_n(head, port, __ATOMIC_SEQ_CST);
        }
        vm->fifo.tail[q] = port;
    }
    if (linked)
        return 0;
    /* A queue that was empty: its READY bit, then an upcall. */
    return !test_and_set((uint32_t *)(void *)ctl, q);
}

int kvmh_fifo_unmask(struct kvmh_vm *vm, uint8_t *ctl, uint32_t port)
{
    uint32_t *word = kvmh_fifo_word(vm, port);
    bool raised;

    if (!word)
        return 0;
    __atomic_fetch_and(word, ~(1U << W_MASKED), __ATOMIC_SEQ_CST);
    if (!test(word, W_PENDING))
        return 0;
    return kvmh_fifo_raise(vm, ctl, port, &raised); /* relinks it */
}
