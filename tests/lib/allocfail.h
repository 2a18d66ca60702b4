/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Allocation-failure injection for the tests (suite 'allocfail').
 *
 * How allocations are intercepted: a test executable that uses allocfail_dep
 * is linked with -Wl,--wrap= for malloc, calloc, realloc, aligned_alloc,
 * strdup, strndup and free.  The linker then sends every call to them from
 * the objects of that executable, including the members of the static
 * libraries of src/, to __wrap_<name> in allocfail.c, which decides and then
 * calls the real function.  Calls made inside the C library and inside the
 * sanitizer runtimes are untouched, and the real functions are whatever the
 * process would have used (under ASan its allocator), so the same test runs
 * in the normal and in the ASan build.  Interposing malloc by symbol
 * definition (dlsym(RTLD_NEXT)) was not chosen: under ASan the runtime
 * already owns those symbols.
 *
 * What a test can do with it:
 *  - allocfail_arm(n): the n-th allocation the calling thread makes from
 *    now on fails (returns NULL, as the real function does when out of
 *    memory; realloc then leaves the old block alone); only that one;
 *  - allocfail_live(): blocks handed out by the wrapped allocators and not
 *    yet freed, across all threads, so a test can see a leak without LSan;
 *  - allocfail_peak(): the largest single request made since
 *    allocfail_peak_reset(), so a test can show that a size taken from a
 *    guest was refused before anything of that size was allocated;
 *  - allocfail_run(): the whole loop of one operation, below.
 */
#ifndef OPENXSM_TESTS_ALLOCFAIL_H
#define OPENXSM_TESTS_ALLOCFAIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Fail the n-th allocation of the calling thread from now on (1: the next); 0 disarms. */
void allocfail_arm(unsigned long n);
/* Disarm; true if the armed allocation was reached (and failed). */
bool allocfail_disarm(void);
/* Allocations the calling thread has made (attempted) so far. */
unsigned long allocfail_count(void);
/* Blocks from the wrapped allocators not yet freed, all threads. */
long allocfail_live(void);
/* true once an allocation went through the wrappers: the --wrap link works. */
bool allocfail_active(void);
/* The largest size one allocation asked for since the last reset, all threads. */
size_t allocfail_peak(void);
void allocfail_peak_reset(void);

/* A growing text: what an observer saw, compared as a whole. */
struct af_text {
    char *s;
    size_t n, cap;
};
void af_printf(struct af_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void af_text_free(struct af_text *t);

/*
 * One operation under injection.  For n = 1, 2, ...: a fresh thread builds a
 * fresh fixture (setup, nothing failing), records what a caller can observe
 * (observe), arms "the n-th allocation fails", runs the operation, disarms
 * and looks again.  The operation's result must then be either
 *  - the reference's, with the reference's observation: the armed
 *    allocation was not reached (then the loop ends), or its failure was
 *    absorbed (a cache or a log line lost it);
 *  - or 'fail_rc' (-ENOMEM if 0), with the observation from before; then
 *    the operation runs again with nothing failing and must give the
 *    reference's result and observation (the state was intact enough to
 *    work as before).
 * The fixture is then torn down and the thread ends; the live block count
 * must be what it was before the thread started (no leak, in any build).
 * The reference is one run of the same steps with nothing failing.
 */
struct af_op {
    const char *name;
    void *arg;
    void *(*setup)(void *arg); /* NULL: the fixture is NULL */
    int (*run)(void *fx, void *arg);
    void (*observe)(void *fx, void *arg, struct af_text *t); /* may be NULL */
    void (*teardown)(void *fx, void *arg);                   /* may be NULL */
    int fail_rc;                                             /* 0: -ENOMEM */
    /*
     * Run the operation in a new thread of its own (armed there), so that
     * it is that thread's first call: its per-thread set-up is tested too.
     */
    bool new_thread;
    unsigned long max_n; /* 0: 100000 */
    /*
     * Called in the operation's thread at the moment the armed allocation
     * fails, to look at what other threads could see half-way (lock-free
     * reads only: the operation may hold locks).  May be NULL.
     */
    void (*at_failure)(void *fx, void *arg);
};

struct af_result {
    unsigned long attempts; /* allocations the operation makes, plus one */
    unsigned long failed;   /* attempts that failed as they should */
    unsigned long absorbed; /* attempts that succeeded over a failed allocation */
    unsigned long bad;      /* attempts that broke a rule (each one reported) */
};

struct af_result allocfail_run(const struct af_op *op);

#endif
