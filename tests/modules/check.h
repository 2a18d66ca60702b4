/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal assertion helpers for the module tests: count, report, go on. */
#ifndef OPENXSM_TESTS_MODULES_CHECK_H
#define OPENXSM_TESTS_MODULES_CHECK_H

#include <stdio.h>

static unsigned check_failures;
static unsigned check_count;
/* What the test is doing now (a mode, a case), printed with a failure; NULL: nothing. */
static const char *check_what;

/* The " [what]" of a failure line, or nothing. */
#define CHECK_WHAT_FMT "%s%s%s"
#define CHECK_WHAT_ARGS                                                                            \
    check_what != NULL ? " [" : "", check_what != NULL ? check_what : "",                          \
        check_what != NULL ? "]" : ""

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d" CHECK_WHAT_FMT ": CHECK failed: %s\n", __FILE__, __LINE__,     \
                    CHECK_WHAT_ARGS, #cond);                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(got, want)                                                                        \
    do {                                                                                           \
        long long g_ = (long long)(got), w_ = (long long)(want);                                   \
        check_count++;                                                                             \
        if (g_ != w_) {                                                                            \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d" CHECK_WHAT_FMT ": %s = %lld, expected %lld\n", __FILE__,       \
                    __LINE__, CHECK_WHAT_ARGS, #got, g_, w_);                                      \
        }                                                                                          \
    } while (0)

static int check_report(const char *name)
{
    printf("%s: %u checks, %u failed\n", name, check_count, check_failures);
    return check_failures == 0 && check_count > 0 ? 0 : 1;
}

#endif
