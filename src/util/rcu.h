/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xrcu: read-copy-update for the library's shared state.
 *
 * A VMM calls XSM hooks from many vCPU threads at once, while a control
 * thread loads policies, commits booleans and relabels.  Decisions must not
 * serialise on a lock, and nothing a decision may still be reading can be
 * freed.  Xen solves this with RCU inside the hypervisor; this is the same
 * idea for a library that does not own its threads.
 *
 * Design
 *  - A domain (struct xrcu) is one reclamation scope: an XSM context has
 *    one, the security server has its own.  Nothing is process-global but
 *    the unique-id counter and one pthread key for thread-exit clean-up.
 *  - Each thread that reads gets its own reader slot in the domain, made
 *    on its first read section and found again through a small thread-local
 *    cache keyed by the domain's unique id (ids are never reused, so a stale
 *    cache entry can never match a new domain).  A slot is one cache line
 *    that only its thread writes.
 *  - Entering a read section stores the domain's epoch into the slot;
 *    leaving stores 0.  A writer unpublishes an object, advances the epoch
 *    and waits (synchronize) or records the object with that epoch
 *    (retire); the object is freed once every slot is 0 or holds a later
 *    epoch.
 *  - The store-then-load order a reader needs (its slot before the shared
 *    pointer) is the expensive part.  Where Linux offers
 *    membarrier(PRIVATE_EXPEDITED), readers use only a compiler barrier and
 *    writers pay with one membarrier per grace period; elsewhere readers
 *    issue a full fence.  Both are the classic Dekker argument: either the
 *    writer sees the reader's slot, or the reader sees the new pointer.
 *  - Sections nest; the epoch is taken by the outermost one only.
 *  - A thread's slots are released when it exits (pthread key destructor);
 *    a free slot is reused by the next new thread, so a domain holds as many
 *    slots as it ever had threads at once.  Slot memory is shared by the
 *    domain and the owning thread and freed by whichever lets go last.
 *
 * Rules for users: never call xrcu_synchronize() inside a read section of
 * the same domain (it would wait for itself); xrcu_retire() is fine there.
 * Destroy a domain only when no thread is inside one of its read sections.
 */
#ifndef OPENXSM_UTIL_RCU_H
#define OPENXSM_UTIL_RCU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * ThreadSanitizer does not model fences; its builds order the reader with a
 * sequentially consistent exchange instead (the same guarantee, slower).
 */
#if defined(__SANITIZE_THREAD__)
#define XRCU_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define XRCU_TSAN 1
#endif
#endif

struct xrcu_reader {
    _Atomic uint64_t epoch; /* 0: not in a read section */
    unsigned nest;          /* owner thread only */
    _Atomic int owned;      /* a live thread holds this slot */
    _Atomic int refs;       /* the domain's, plus the owning thread's */
    _Atomic bool dead;      /* the domain is gone */
    struct xrcu_reader *next;
} __attribute__((aligned(64)));

/* Something to free after a grace period; embed it in the object. */
struct xrcu_head {
    struct xrcu_head *next;
    uint64_t epoch;
    void (*fn)(struct xrcu_head *h);
};

struct xrcu {
    uint64_t uid;
    _Atomic uint64_t epoch;
    _Atomic uint64_t fence; /* ThreadSanitizer builds: the writer's barrier */
    bool membarrier;
    _Atomic(struct xrcu_reader *) readers; /* push-only list */
    pthread_mutex_t gp_lock;               /* one writer scan at a time */
    pthread_mutex_t retire_lock;
    struct xrcu_head *retired, **retired_tail;
    unsigned nretired, reap_at; /* a retire tries a reap once nretired reaches reap_at */
};

int xrcu_init(struct xrcu *d);
/* Runs every pending retire callback; no thread may be reading. */
void xrcu_fini(struct xrcu *d);

struct xrcu_tls_ent {
    uint64_t uid;
    struct xrcu_reader *r;
};
#define XRCU_TLS_WAYS 4
extern _Thread_local struct xrcu_tls_ent xrcu_tls[XRCU_TLS_WAYS]
    __attribute__((tls_model("initial-exec")));

/* The calling thread's slot, registering it; NULL only when out of memory. */
struct xrcu_reader *xrcu_reader_slow(struct xrcu *d);

/*
 * Enter a read section.  Returns the thread's slot, to pass to
 * xrcu_read_unlock, or NULL when the slot could not be allocated (out of
 * memory on a thread's first read): the caller must then not read.
 */
static inline struct xrcu_reader *xrcu_read_lock(struct xrcu *d)
{
    struct xrcu_reader *r = xrcu_tls[0].uid == d->uid ? xrcu_tls[0].r : xrcu_reader_slow(d);

    if (r != NULL && r->nest++ == 0) {
        uint64_t e = atomic_load_explicit(&d->epoch, memory_order_acquire);
#ifdef XRCU_TSAN
        atomic_exchange_explicit(&r->epoch, e, memory_order_seq_cst);
#else
        /* Release: orders this thread's earlier sections before the new epoch. */
        atomic_store_explicit(&r->epoch, e, memory_order_release);
        if (d->membarrier)
            atomic_signal_fence(memory_order_seq_cst);
        else
            atomic_thread_fence(memory_order_seq_cst);
#endif
    }
    return r;
}

static inline void xrcu_read_unlock(struct xrcu_reader *r)
{
    if (--r->nest == 0)
        atomic_store_explicit(&r->epoch, 0, memory_order_release);
}

/* Wait until every read section that began before the call has ended. */
void xrcu_synchronize(struct xrcu *d);

/*
 * Free h (through fn) once every read section that began before the call
 * has ended.  h must already be unreachable for new readers.  Never blocks.
 */
void xrcu_retire(struct xrcu *d, struct xrcu_head *h, void (*fn)(struct xrcu_head *h));

/* Run the callbacks of retired objects no reader can hold any more. */
void xrcu_reap(struct xrcu *d);

#endif
