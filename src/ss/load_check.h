/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal to the library (not installed, not exported): a veto on policy
 * loads for a caller that knows what the policy must cover.
 *
 * The security server maps the caller's classes (ss_config.map) by name
 * and leaves what the policy lacks to its handle_unknown.  Whether a
 * policy lacking some of them is still meant for the caller is the
 * caller's judgement (the FLASK module: does it know the hypervisor at
 * all?), but the answer must come before the policy is published, so that
 * a refused load changes nothing.  After the map is built, and before any
 * state changes, the check gets one entry per mapped class; a non-zero
 * result refuses the load with that error and the check's message (as
 * ss_last_error, escaped like every message).  The check is called with
 * the writers' lock held and must not call back into this ss_ctx.
 */
#ifndef OPENXSM_SS_LOAD_CHECK_H
#define OPENXSM_SS_LOAD_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openxsm/ss.h>

/* What the policy lacks of one class of ss_config.map, in map order. */
struct ss_map_gap {
    bool defined;     /* the policy defines the class */
    uint32_t missing; /* the caller's permission bits the policy does not define */
};

typedef int (*ss_load_check_fn)(void *opaque, const struct ss_map_gap *gaps, unsigned n,
                                enum ss_handle_unknown handle_unknown, char *msg, size_t msglen);

/* Install the check (NULL: none); before the first load, from one thread. */
void ss_set_load_check(ss_ctx *ss, ss_load_check_fn fn, void *opaque);

#endif /* OPENXSM_SS_LOAD_CHECK_H */
