/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Policies the FLASK fuzz targets run under, compiled by checkpolicy at
 * build time and embedded (fuzz/common/meson.build), so a crashing input
 * replays anywhere without a policy file:
 *   0  the embedded default policy (policy/): no permissive type;
 *   1  tests/modules/flask/ops/test-policy.conf: booleans, ocontexts and a
 *      permissive type perm_t;
 *   2  tests/modules/flask/hooks/hooks-policy.conf: rules for most hooks,
 *      channel and target labels, perm_t permissive too.
 * Every one labels dom0_t, domU_t and dm_dom_t as system_u:system_r:*.
 */
#ifndef OPENXSM_FUZZ_POLICIES_H
#define OPENXSM_FUZZ_POLICIES_H

#include <stddef.h>

extern const unsigned char flask_default_policy[];
extern const size_t flask_default_policy_len;
extern const unsigned char fuzz_ops_policy[];
extern const size_t fuzz_ops_policy_len;
extern const unsigned char fuzz_hooks_policy[];
extern const size_t fuzz_hooks_policy_len;

#define FUZZ_NPOLICIES 3

static inline const unsigned char *fuzz_policy(unsigned i, size_t *len)
{
    switch (i % FUZZ_NPOLICIES) {
    case 1:
        *len = fuzz_ops_policy_len;
        return fuzz_ops_policy;
    case 2:
        *len = fuzz_hooks_policy_len;
        return fuzz_hooks_policy;
    default:
        *len = flask_default_policy_len;
        return flask_default_policy;
    }
}

#endif /* OPENXSM_FUZZ_POLICIES_H */
