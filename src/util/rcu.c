/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xrcu: reader registration, grace periods and deferred frees (rcu.h has
 * the design).
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/membarrier.h>
#include <sys/syscall.h>
#endif

#include "rcu.h"

_Thread_local struct xrcu_tls_ent xrcu_tls[XRCU_TLS_WAYS]
    __attribute__((tls_model("initial-exec")));

/* Every slot a thread holds, so its exit can give them back. */
struct xrcu_thread {
    unsigned n, cap;
    struct xrcu_tls_ent *ent;
};

static _Atomic uint64_t next_uid = 1;
static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static bool thread_key_ok;

/* Retired objects wait in a batch this large before a reap is tried. */
#define XRCU_REAP_BATCH 128

static void slot_put(struct xrcu_reader *r)
{
    if (atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1)
        free(r);
}

static void thread_exit(void *p)
{
    struct xrcu_thread *t = p;

    for (unsigned i = 0; i < t->n; i++) {
        atomic_store_explicit(&t->ent[i].r->owned, 0, memory_order_release);
        slot_put(t->ent[i].r);
    }
    free(t->ent);
    free(t);
    memset(xrcu_tls, 0, sizeof(xrcu_tls));
}

static void thread_key_init(void)
{
    thread_key_ok = pthread_key_create(&thread_key, thread_exit) == 0;
}

static bool have_membarrier(void)
{
#if defined(__linux__) && defined(__NR_membarrier) && !defined(XRCU_TSAN)
    long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

    if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED))
        return false;
    return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
#else
    return false;
#endif
}

/* The writer's half of the Dekker pairing with xrcu_read_lock. */
static void writer_barrier(struct xrcu *d)
{
#if defined(__linux__) && defined(__NR_membarrier)
    if (d->membarrier) {
        /* Registered at init; its documented errors cannot happen after that. */
        if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
            abort();
        return;
    }
#endif
#ifdef XRCU_TSAN
    atomic_fetch_add_explicit(&d->fence, 1, memory_order_seq_cst);
#else
    atomic_thread_fence(memory_order_seq_cst);
#endif
}

int xrcu_init(struct xrcu *d)
{
    memset(d, 0, sizeof(*d));
    if (pthread_mutex_init(&d->gp_lock, NULL) != 0)
        return -ENOMEM;
    if (pthread_mutex_init(&d->retire_lock, NULL) != 0) {
        pthread_mutex_destroy(&d->gp_lock);
        return -ENOMEM;
    }
    d->uid = atomic_fetch_add(&next_uid, 1);
    atomic_init(&d->epoch, 1);
    d->retired_tail = &d->retired;
    d->reap_at = XRCU_REAP_BATCH;
    d->membarrier = have_membarrier();
    return 0;
}

static void run_retired(struct xrcu_head *h)
{
    while (h != NULL) {
        struct xrcu_head *next = h->next;

        h->fn(h);
        h = next;
    }
}

void xrcu_fini(struct xrcu *d)
{
    struct xrcu_reader *r = atomic_load(&d->readers);

    run_retired(d->retired);
    while (r != NULL) {
        struct xrcu_reader *next = r->next;

        atomic_store(&r->dead, true);
        slot_put(r);
        r = next;
    }
    pthread_mutex_destroy(&d->gp_lock);
    pthread_mutex_destroy(&d->retire_lock);
}

/* Give back the calling thread's slots of destroyed domains. */
static void thread_prune(struct xrcu_thread *t)
{
    unsigned k = 0;

    for (unsigned i = 0; i < t->n; i++) {
        if (atomic_load_explicit(&t->ent[i].r->dead, memory_order_acquire)) {
            for (unsigned w = 0; w < XRCU_TLS_WAYS; w++)
                if (xrcu_tls[w].r == t->ent[i].r)
                    xrcu_tls[w] = (struct xrcu_tls_ent){0, NULL};
            atomic_store(&t->ent[i].r->owned, 0);
            slot_put(t->ent[i].r);
        } else {
            t->ent[k++] = t->ent[i];
        }
    }
    t->n = k;
}

/* A free slot of d, or a new one linked into d; owned by the caller, with its reference. */
static struct xrcu_reader *slot_claim(struct xrcu *d)
{
    struct xrcu_reader *r;

    for (r = atomic_load_explicit(&d->readers, memory_order_acquire); r != NULL; r = r->next) {
        int free_slot = 0;

        if (atomic_compare_exchange_strong(&r->owned, &free_slot, 1)) {
            atomic_fetch_add(&r->refs, 1);
            r->nest = 0;
            return r;
        }
    }
    r = aligned_alloc(64, sizeof(*r));
    if (r == NULL)
        return NULL;
    memset(r, 0, sizeof(*r));
    atomic_init(&r->owned, 1);
    atomic_init(&r->refs, 2);
    r->next = atomic_load_explicit(&d->readers, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&d->readers, &r->next, r, memory_order_release,
                                                  memory_order_relaxed))
        ;
    return r;
}

struct xrcu_reader *xrcu_reader_slow(struct xrcu *d)
{
    struct xrcu_thread *t;
    struct xrcu_reader *r = NULL;
    unsigned w;

    /* Another way of the cache: move it to the front. */
    for (w = 1; w < XRCU_TLS_WAYS; w++) {
        if (xrcu_tls[w].uid == d->uid) {
            struct xrcu_tls_ent hit = xrcu_tls[w];

            memmove(&xrcu_tls[1], &xrcu_tls[0], w * sizeof(xrcu_tls[0]));
            xrcu_tls[0] = hit;
            return hit.r;
        }
    }

    pthread_once(&thread_key_once, thread_key_init);
    if (!thread_key_ok)
        return NULL;
    t = pthread_getspecific(thread_key);
    if (t == NULL) {
        t = calloc(1, sizeof(*t));
        if (t == NULL || pthread_setspecific(thread_key, t) != 0) {
            free(t);
            return NULL;
        }
    }
    thread_prune(t);
    for (unsigned i = 0; i < t->n; i++)
        if (t->ent[i].uid == d->uid)
            r = t->ent[i].r;
    if (r == NULL) {
        if (t->n == t->cap) {
            unsigned cap = t->cap ? t->cap * 2 : 4;
            struct xrcu_tls_ent *ent = realloc(t->ent, cap * sizeof(*ent));

            if (ent == NULL)
                return NULL;
            t->ent = ent;
            t->cap = cap;
        }
        r = slot_claim(d);
        if (r == NULL)
            return NULL;
        t->ent[t->n++] = (struct xrcu_tls_ent){d->uid, r};
    }
    memmove(&xrcu_tls[1], &xrcu_tls[0], (XRCU_TLS_WAYS - 1) * sizeof(xrcu_tls[0]));
    xrcu_tls[0] = (struct xrcu_tls_ent){d->uid, r};
    return r;
}

/* The oldest epoch a reader still holds, or UINT64_MAX if none reads. */
static uint64_t oldest_reader(struct xrcu *d)
{
    uint64_t oldest = UINT64_MAX;

    for (struct xrcu_reader *r = atomic_load_explicit(&d->readers, memory_order_acquire); r != NULL;
         r = r->next) {
        uint64_t e = atomic_load_explicit(&r->epoch, memory_order_acquire);

        if (e != 0 && e < oldest)
            oldest = e;
    }
    return oldest;
}

void xrcu_synchronize(struct xrcu *d)
{
    uint64_t target;

    pthread_mutex_lock(&d->gp_lock);
    writer_barrier(d);
    target = atomic_fetch_add(&d->epoch, 1) + 1;
    for (unsigned spins = 0; oldest_reader(d) < target; spins++) {
        if (spins > 64)
            sched_yield();
    }
    pthread_mutex_unlock(&d->gp_lock);
    xrcu_reap(d);
}

void xrcu_retire(struct xrcu *d, struct xrcu_head *h, void (*fn)(struct xrcu_head *h))
{
    bool reap;

    h->fn = fn;
    h->next = NULL;
    pthread_mutex_lock(&d->retire_lock);
    /* Readers that start from now on hold a later epoch and cannot see h. */
    h->epoch = atomic_fetch_add(&d->epoch, 1) + 1;
    *d->retired_tail = h;
    d->retired_tail = &h->next;
    reap = ++d->nretired >= d->reap_at;
    pthread_mutex_unlock(&d->retire_lock);
    if (reap)
        xrcu_reap(d);
}

void xrcu_reap(struct xrcu *d)
{
    struct xrcu_head *done = NULL, **tail = &done;
    uint64_t oldest;

    pthread_mutex_lock(&d->retire_lock);
    if (d->retired == NULL) {
        pthread_mutex_unlock(&d->retire_lock);
        return;
    }
    writer_barrier(d);
    oldest = oldest_reader(d);
    /* The list is in epoch order: cut it after the last object nobody can hold. */
    while (d->retired != NULL && d->retired->epoch <= oldest) {
        struct xrcu_head *h = d->retired;

        d->retired = h->next;
        h->next = NULL;
        *tail = h;
        tail = &h->next;
        d->nretired--;
    }
    if (d->retired == NULL)
        d->retired_tail = &d->retired;
    /* Objects a long reader still pins wait for the next batch, not every retire. */
    d->reap_at = d->nretired + XRCU_REAP_BATCH;
    pthread_mutex_unlock(&d->retire_lock);
    run_retired(done);
}
