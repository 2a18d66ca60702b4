/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xrcu: grace periods, deferred frees and reader registration.
 *
 * The stress part is meant for the sanitizer builds: under ASan a reader
 * that touches a freed object fails, under TSan a free that is not ordered
 * after every reader that could see the object is reported as a race.  In
 * every build the readers also check that what they read was never
 * poisoned, and the counters check that every retired object was freed
 * exactly once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/rcu.h"

#include "../modules/check.h"

#define MAGIC  0x600dcafeU
#define POISON 0xdeadbeefU

struct obj {
    struct xrcu_head rcu;
    unsigned magic;
    unsigned value, twice; /* twice == 2 * value, written before publication */
};

static _Atomic unsigned freed;

static void obj_free(struct xrcu_head *h)
{
    struct obj *o = (struct obj *)h;

    o->magic = POISON;
    atomic_fetch_add(&freed, 1);
    free(o);
}

static struct obj *obj_new(unsigned v)
{
    struct obj *o = calloc(1, sizeof(*o));

    if (o == NULL)
        abort();
    o->magic = MAGIC;
    o->value = v;
    o->twice = 2 * v;
    return o;
}

static unsigned count_slots(struct xrcu *d)
{
    unsigned n = 0;

    for (struct xrcu_reader *r = atomic_load(&d->readers); r != NULL; r = r->next)
        n++;
    return n;
}

/* ---- a reader that holds its section until told to leave ---- */
struct holder {
    struct xrcu *d;
    _Atomic int entered, leave, left;
};

static void *hold(void *p)
{
    struct holder *h = p;
    struct xrcu_reader *r = xrcu_read_lock(h->d);

    atomic_store(&h->entered, 1);
    while (!atomic_load(&h->leave))
        usleep(1000);
    atomic_store(&h->left, 1);
    xrcu_read_unlock(r);
    return NULL;
}

static void test_basics(void)
{
    struct xrcu d;
    struct xrcu_reader *r, *r2;

    CHECK_EQ(xrcu_init(&d), 0);
    r = xrcu_read_lock(&d);
    CHECK(r != NULL);
    r2 = xrcu_read_lock(&d);
    CHECK(r2 == r); /* nested: same slot */
    CHECK(atomic_load(&r->epoch) != 0);
    xrcu_read_unlock(r2);
    CHECK(atomic_load(&r->epoch) != 0); /* still inside the outer section */
    xrcu_read_unlock(r);
    CHECK_EQ(atomic_load(&r->epoch), 0);
    xrcu_synchronize(&d); /* no reader: returns */

    /* A retire inside one's own read section is not freed until it ends. */
    atomic_store(&freed, 0);
    r = xrcu_read_lock(&d);
    xrcu_retire(&d, &obj_new(1)->rcu, obj_free);
    xrcu_reap(&d);
    CHECK_EQ(atomic_load(&freed), 0);
    xrcu_read_unlock(r);
    xrcu_reap(&d);
    CHECK_EQ(atomic_load(&freed), 1);

    /* Pending retires run at fini. */
    xrcu_retire(&d, &obj_new(2)->rcu, obj_free);
    xrcu_fini(&d);
    CHECK_EQ(atomic_load(&freed), 2);
}

static void test_other_thread_pins(void)
{
    struct xrcu d;
    struct holder h = {.d = &d};
    pthread_t t;

    CHECK_EQ(xrcu_init(&d), 0);
    atomic_store(&freed, 0);
    pthread_create(&t, NULL, hold, &h);
    while (!atomic_load(&h.entered))
        usleep(1000);
    xrcu_retire(&d, &obj_new(1)->rcu, obj_free);
    xrcu_reap(&d);
    CHECK_EQ(atomic_load(&freed), 0); /* the holder began before the retire */

    /* synchronize returns only after the holder has left. */
    atomic_store(&h.leave, 1);
    xrcu_synchronize(&d);
    CHECK_EQ(atomic_load(&h.left), 1);
    CHECK_EQ(atomic_load(&freed), 1);
    pthread_join(t, NULL);
    xrcu_fini(&d);
}

/* ---- slots are given back when threads exit ---- */
static void *read_once(void *p)
{
    struct xrcu_reader *r = xrcu_read_lock(p);

    if (r != NULL)
        xrcu_read_unlock(r);
    return r;
}

static void test_thread_exit(void)
{
    struct xrcu d;

    CHECK_EQ(xrcu_init(&d), 0);
    for (int i = 0; i < 200; i++) {
        pthread_t t;
        void *r;

        pthread_create(&t, NULL, read_once, &d);
        pthread_join(t, &r);
        CHECK(r != NULL);
    }
    /* One slot reused by every thread in turn. */
    CHECK_EQ(count_slots(&d), 1);
    xrcu_fini(&d);

    /* A thread outliving a domain it read keeps no dangling slot: many domains, one thread. */
    for (int i = 0; i < 2000; i++) {
        struct xrcu e;

        CHECK_EQ(xrcu_init(&e), 0);
        read_once(&e);
        xrcu_fini(&e);
    }
}

/* ---- stress: readers against a publisher that retires and synchronizes ---- */
struct world {
    struct xrcu d;
    _Atomic(struct obj *) cur;
    _Atomic int stop;
    _Atomic unsigned bad, reads;
};

static void *reader(void *p)
{
    struct world *w = p;
    unsigned n = 0;

    while (!atomic_load_explicit(&w->stop, memory_order_relaxed)) {
        struct xrcu_reader *r = xrcu_read_lock(&w->d);
        struct obj *o = atomic_load_explicit(&w->cur, memory_order_acquire);

        /* Stay a while, so a premature free lands inside the section. */
        for (int k = 0; k < 64; k++)
            if (o->magic != MAGIC || o->twice != 2 * o->value)
                atomic_fetch_add(&w->bad, 1);
        xrcu_read_unlock(r);
        n++;
    }
    atomic_fetch_add(&w->reads, n);
    return NULL;
}

static void *reader_once_world(void *p)
{
    struct world *w = p;
    struct xrcu_reader *r = xrcu_read_lock(&w->d);
    struct obj *o = atomic_load_explicit(&w->cur, memory_order_acquire);

    if (o->magic != MAGIC || o->twice != 2 * o->value)
        atomic_fetch_add(&w->bad, 1);
    xrcu_read_unlock(r);
    return NULL;
}

/* Short-lived readers, so slots are claimed and given back under load. */
static void *churn(void *p)
{
    struct world *w = p;

    while (!atomic_load(&w->stop)) {
        pthread_t t;

        pthread_create(&t, NULL, reader_once_world, w);
        pthread_join(t, NULL);
    }
    return NULL;
}

static void test_stress(unsigned updates)
{
    struct world w = {0};
    pthread_t rd[3], ch;
    unsigned published = 1;

    CHECK_EQ(xrcu_init(&w.d), 0);
    atomic_store(&freed, 0);
    atomic_store(&w.cur, obj_new(0));
    for (int i = 0; i < 3; i++)
        pthread_create(&rd[i], NULL, reader, &w);
    pthread_create(&ch, NULL, churn, &w);
    for (unsigned i = 1; i <= updates; i++) {
        struct obj *old = atomic_exchange_explicit(&w.cur, obj_new(i), memory_order_acq_rel);

        published++;
        if (i % 32 == 0) {
            /* The blocking way: wait, then free directly. */
            xrcu_synchronize(&w.d);
            obj_free(&old->rcu);
        } else {
            xrcu_retire(&w.d, &old->rcu, obj_free);
        }
    }
    atomic_store(&w.stop, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(rd[i], NULL);
    pthread_join(ch, NULL);
    obj_free(&atomic_load(&w.cur)->rcu);
    xrcu_fini(&w.d);
    CHECK_EQ(atomic_load(&w.bad), 0);
    CHECK(atomic_load(&w.reads) > 0);
    CHECK_EQ(atomic_load(&freed), published);
}

int main(int argc, char **argv)
{
    unsigned updates = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 5000;

    if (argc > 2 && strcmp(argv[2], "stress") == 0) {
        test_stress(updates);
        return check_report("rcu stress");
    }
    test_basics();
    test_other_thread_pins();
    test_thread_exit();
    test_stress(updates);
    return check_report("rcu");
}
