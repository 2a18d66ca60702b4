/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Allocation-failure injection: the --wrap allocator shims and the loop
 * that fails every allocation of one operation in turn (allocfail.h has
 * the design).
 */
#include <errno.h>
#include <limits.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocfail.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void __real_free(void *p);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void __wrap_free(void *p);

/* Per thread: a test's injection never hits another thread's allocations. */
static _Thread_local unsigned long tl_count, tl_fail_at;
static _Thread_local bool tl_fired;
/* The operation's look at the moment of failure (allocfail.h, at_failure). */
static _Thread_local void (*tl_probe)(void *fx, void *arg);
static _Thread_local void *tl_probe_fx, *tl_probe_arg;
static _Atomic long live;
static _Atomic bool seen;

/* Count this allocation; true if it is the one to fail. */
static bool fail_this(void)
{
    atomic_store_explicit(&seen, true, memory_order_relaxed);
    if (++tl_count != tl_fail_at || tl_fail_at == 0)
        return false;
    tl_fired = true;
    errno = ENOMEM;
    if (getenv("ALLOCFAIL_TRACE") != NULL) {
        /* Where the failing allocation was made, to read with addr2line. */
        void *pc[16];

        backtrace_symbols_fd(pc, backtrace(pc, 16), 2);
        fputs("--\n", stderr);
    }
    if (tl_probe != NULL)
        tl_probe(tl_probe_fx, tl_probe_arg);
    return true;
}

static void *got(void *p)
{
    if (p != NULL)
        atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
    return p;
}

void *__wrap_malloc(size_t n)
{
    return fail_this() ? NULL : got(__real_malloc(n));
}

void *__wrap_calloc(size_t n, size_t m)
{
    return fail_this() ? NULL : got(__real_calloc(n, m));
}

void *__wrap_realloc(void *p, size_t n)
{
    void *q;

    /* A failed realloc leaves the old block as it was. */
    if (fail_this())
        return NULL;
    q = __real_realloc(p, n);
    if (p == NULL)
        return got(q);
    if (q == NULL && n == 0)
        atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed); /* freed */
    return q;
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
    return fail_this() ? NULL : got(__real_aligned_alloc(align, n));
}

char *__wrap_strdup(const char *s)
{
    return fail_this() ? NULL : got(__real_strdup(s));
}

char *__wrap_strndup(const char *s, size_t n)
{
    return fail_this() ? NULL : got(__real_strndup(s, n));
}

void __wrap_free(void *p)
{
    if (p != NULL)
        atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed);
    __real_free(p);
}

void allocfail_arm(unsigned long n)
{
    tl_fail_at = n != 0 ? tl_count + n : 0;
    tl_fired = false;
}

bool allocfail_disarm(void)
{
    bool fired = tl_fired;

    tl_fail_at = 0;
    tl_fired = false;
    return fired;
}

unsigned long allocfail_count(void)
{
    return tl_count;
}

long allocfail_live(void)
{
    return atomic_load(&live);
}

bool allocfail_active(void)
{
    return atomic_load(&seen);
}

/* ---- observations ---- */

void af_printf(struct af_text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    /* started on the line above; clang 14's valist checker misses it */
    n = vsnprintf(NULL, 0, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
    va_end(ap);
    if (n < 0)
        abort();
    if (t->n + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        char *s;

        while (cap < t->n + (size_t)n + 1)
            cap *= 2;
        s = realloc(t->s, cap);
        if (s == NULL)
            abort(); /* never armed while observing */
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->n += (size_t)n;
}

void af_text_free(struct af_text *t)
{
    free(t->s);
    *t = (struct af_text){0};
}

static const char *text(const struct af_text *t)
{
    return t->s != NULL ? t->s : "";
}

/* ---- the loop ---- */

struct attempt {
    const struct af_op *op;
    unsigned long n; /* 0: the reference, nothing fails */
    struct af_text pre, post, again;
    int rc, rc_again;
    int ref_rc; /* what the reference returned (attempts after the reference) */
    bool fired;
    unsigned long allocs;
};

/* The operation alone, in a thread that has made no call before. */
struct op_thread {
    const struct af_op *op;
    void *fx;
    unsigned long n;
    int rc;
    bool fired;
    unsigned long allocs;
};

/* Arm the n-th allocation of this thread, with the operation's probe (n 0: neither). */
static void arm(const struct af_op *op, void *fx, unsigned long n)
{
    tl_probe = n != 0 ? op->at_failure : NULL;
    tl_probe_fx = fx;
    tl_probe_arg = op->arg;
    allocfail_arm(n);
}

static bool disarm(void)
{
    tl_probe = NULL;
    return allocfail_disarm();
}

static void *op_thread_main(void *p)
{
    struct op_thread *o = p;
    unsigned long before = allocfail_count();

    arm(o->op, o->fx, o->n);
    o->rc = o->op->run(o->fx, o->op->arg);
    o->fired = disarm();
    o->allocs = allocfail_count() - before;
    return NULL;
}

static int run_op(const struct af_op *op, void *fx, unsigned long n, bool *fired,
                  unsigned long *allocs)
{
    struct op_thread o = {.op = op, .fx = fx, .n = n};
    unsigned long before;
    pthread_t t;

    if (op->new_thread) {
        if (pthread_create(&t, NULL, op_thread_main, &o) != 0 || pthread_join(t, NULL) != 0) {
            fprintf(stderr, "allocfail: cannot run a thread\n");
            exit(1);
        }
        *fired = o.fired;
        *allocs = o.allocs;
        return o.rc;
    }
    before = allocfail_count();
    arm(op, fx, n);
    o.rc = op->run(fx, op->arg);
    *fired = disarm();
    *allocs = allocfail_count() - before;
    return o.rc;
}

static void *attempt_main(void *p)
{
    struct attempt *a = p;
    const struct af_op *op = a->op;
    void *fx = op->setup != NULL ? op->setup(op->arg) : NULL;
    unsigned long allocs;
    bool fired;

    if (op->observe != NULL)
        op->observe(fx, op->arg, &a->pre);
    a->rc = run_op(op, fx, a->n, &a->fired, &a->allocs);
    if (op->observe != NULL)
        op->observe(fx, op->arg, &a->post);
    if (a->fired && a->rc != a->ref_rc) {
        a->rc_again = run_op(op, fx, 0, &fired, &allocs);
        if (op->observe != NULL)
            op->observe(fx, op->arg, &a->again);
    }
    if (op->teardown != NULL)
        op->teardown(fx, op->arg);
    return NULL;
}

/* Run one attempt in its own thread; false if it leaked. */
static bool attempt_run(struct attempt *a, long *leaked)
{
    long live0 = allocfail_live();
    pthread_t t;

    if (pthread_create(&t, NULL, attempt_main, a) != 0 || pthread_join(t, NULL) != 0) {
        fprintf(stderr, "allocfail: cannot run a thread\n");
        exit(1);
    }
    /* All the thread allocated is freed (its reader slots at its exit) but the observations. */
    *leaked = allocfail_live() - live0 - (long)(a->pre.s != NULL) - (long)(a->post.s != NULL) -
              (long)(a->again.s != NULL);
    return *leaked == 0;
}

/* The first line where two observations differ, for the report. */
static void show_diff(const char *what, const char *got, const char *want)
{
    size_t line = 1, i = 0, start = 0;

    while (got[i] != '\0' && got[i] == want[i]) {
        if (got[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    fprintf(stderr, "    %s differs at line %zu:\n      got:  %.*s\n      want: %.*s\n", what, line,
            (int)strcspn(got + start, "\n"), got + start, (int)strcspn(want + start, "\n"),
            want + start);
}

struct af_result allocfail_run(const struct af_op *op)
{
    struct af_result res = {0};
    struct attempt ref = {.op = op, .ref_rc = INT_MIN};
    int fail_rc = op->fail_rc != 0 ? op->fail_rc : -ENOMEM;
    unsigned long max_n = op->max_n != 0 ? op->max_n : 100000;
    bool finished = false;
    long leaked;

    if (!attempt_run(&ref, &leaked)) {
        fprintf(stderr, "%s: the reference run leaks %ld blocks\n", op->name, leaked);
        res.bad++;
    }
    for (unsigned long n = 1; n <= max_n; n++) {
        struct attempt a = {.op = op, .n = n, .ref_rc = ref.rc};
        bool ok = true, done;

        ok = attempt_run(&a, &leaked);
        if (!ok)
            fprintf(stderr, "%s: allocation %lu failing: %ld blocks leaked\n", op->name, n, leaked);
        done = !a.fired;
        if (strcmp(text(&a.pre), text(&ref.pre)) != 0) {
            fprintf(stderr, "%s: allocation %lu failing: the fixture is not the reference's\n",
                    op->name, n);
            show_diff("before", text(&a.pre), text(&ref.pre));
            ok = false;
        }
        if (a.rc == ref.rc) {
            /* Done, or a failure absorbed: the operation's full effect. */
            if (strcmp(text(&a.post), text(&ref.post)) != 0) {
                fprintf(stderr, "%s: allocation %lu failing: succeeded, but not as the reference\n",
                        op->name, n);
                show_diff("after", text(&a.post), text(&ref.post));
                ok = false;
            }
            if (a.fired && ok)
                res.absorbed++;
            if (a.fired && getenv("ALLOCFAIL_TRACE") != NULL)
                fprintf(stderr, "%s: allocation %lu failing: absorbed\n", op->name, n);
        } else if (!a.fired || a.rc != fail_rc) {
            fprintf(stderr, "%s: allocation %lu failing%s: returned %d, expected %d or %d\n",
                    op->name, n, a.fired ? "" : " (not reached)", a.rc, ref.rc, fail_rc);
            ok = false;
        } else {
            if (strcmp(text(&a.post), text(&a.pre)) != 0) {
                fprintf(stderr, "%s: allocation %lu failing: failed, and the state changed\n",
                        op->name, n);
                show_diff("after", text(&a.post), text(&a.pre));
                ok = false;
            }
            if (a.rc_again != ref.rc || strcmp(text(&a.again), text(&ref.post)) != 0) {
                fprintf(stderr,
                        "%s: allocation %lu failing: the retry returned %d (reference %d)%s\n",
                        op->name, n, a.rc_again, ref.rc,
                        strcmp(text(&a.again), text(&ref.post)) != 0 ? " and differs" : "");
                if (strcmp(text(&a.again), text(&ref.post)) != 0)
                    show_diff("after the retry", text(&a.again), text(&ref.post));
                ok = false;
            }
            if (ok)
                res.failed++;
        }
        if (!ok)
            res.bad++;
        af_text_free(&a.pre);
        af_text_free(&a.post);
        af_text_free(&a.again);
        res.attempts = n;
        if (done) {
            finished = true;
            break;
        }
    }
    if (!finished) {
        fprintf(stderr, "%s: still failing after %lu attempts\n", op->name, max_n);
        res.bad++;
    }
    printf("%s: %lu allocations in the reference run; %lu attempts: %lu failed cleanly, %lu "
           "absorbed, %lu wrong\n",
           op->name, ref.allocs, res.attempts, res.failed, res.absorbed, res.bad);
    af_text_free(&ref.pre);
    af_text_free(&ref.post);
    af_text_free(&ref.again);
    return res;
}
