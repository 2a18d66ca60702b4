/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal assertion helpers for the hv tests: count failures, keep going. */
#ifndef HV_TEST_CHECK_H
#define HV_TEST_CHECK_H

#include <stdio.h>

#include <openxsm/hv.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        check_count++;                                                                             \
        if (check_a_ != check_b_) {                                                                \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, expected %s == %lld\n", __FILE__, \
                    __LINE__, #a, check_a_, #b, check_b_);                                         \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* A model from c (modules, flags), its creation checked; NULL if it failed. */
static inline struct hv *hvt_model(struct hv_config c)
{
    struct hv *h = NULL;

    CHECK_EQ(hv_create(&h, &c), 0);
    return h;
}

/* A domain dom0 makes from c, its creation (and unpause, if asked) checked. */
static inline xsm_domid_t hvt_domain(struct hv *h, struct hv_domain_config c, bool unpause)
{
    xsm_domid_t id = 0;

    CHECK_EQ(hv_domain_create(h, 0, &c, &id), 0);
    if (unpause)
        CHECK_EQ(hv_domain_unpause(h, 0, id), 0);
    return id;
}

static inline int check_report(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif
