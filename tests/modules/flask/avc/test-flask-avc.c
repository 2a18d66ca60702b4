/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FLASK access vector cache: regression tests for its memory safety
 * and its accounting, through the module's own AVC entry point.
 *
 * The use-after-free this guards against: a miss inserted the new node and
 * then reclaimed, which could free the node just added; a denial that was
 * then granted (permissive mode, or a permissive source type) widened the
 * freed node.  Under ASan (the ASan build of `make check`) the old code
 * fails here with heap-use-after-free; in the normal build the counters
 * checked below still catch a reclaim that ran out of order.
 *
 * usage: test-flask-avc TEST-POLICY.bin   (the flask-ops test policy)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xsm.h>

#include "core/module.h"
#include "modules/flask/flask.h"

#include "../../../lib/slurp.h"
#include "../../check.h"

static unsigned char *policy;
static size_t policy_len;

static void quiet(void *host, const char *line)
{
    (void)host;
    (void)line;
}

static const struct xsm_host_ops host_ops = {.log = quiet};

static xsm_ctx *make(const char *mode)
{
    struct xsm_config cfg = {.modules = "flask",
                             .flask_mode = mode,
                             .policy = policy,
                             .policy_len = policy_len,
                             .host_ops = &host_ops};
    xsm_ctx *x = NULL;

    CHECK_EQ(xsm_create(&x, &cfg), 0);
    return x;
}

static uint32_t sid_of(struct xsm_instance *mi, const char *ctx)
{
    uint32_t sid = 0;

    CHECK_EQ(ss_context_to_sid(flask_ss(mi), ctx, strlen(ctx), &sid), 0);
    return sid;
}

/*
 * n distinct subjects each ask for a permission the policy denies, twice
 * (miss, then hit on the widened node).  Every request must be granted
 * (permissive) and the cache must never hold more than threshold + 1 nodes
 * after a reclaim.
 */
static void denied_then_granted(struct xsm_instance *mi, uint32_t first_sid, unsigned n,
                                uint32_t tsid, uint32_t threshold)
{
    struct flask_avc *avc = flask_avc(mi);
    uint32_t entries, used, total, longest;
    unsigned granted = 0;

    flask_avc_set_threshold(avc, threshold);
    for (unsigned i = 0; i < n; i++) {
        uint32_t ssid = first_sid + i;

        /* domain:pause is allowed to nobody but dom0 on domU_t. */
        granted +=
            flask_avc_has_perm(mi, ssid, tsid, SECCLASS_DOMAIN, DOMAIN__SETDEBUGGING, NULL) == 0;
        granted +=
            flask_avc_has_perm(mi, ssid, tsid, SECCLASS_DOMAIN, DOMAIN__SETDEBUGGING, NULL) == 0;
    }
    CHECK_EQ(granted, 2 * n);
    flask_avc_hash_stats(avc, &entries, &used, &total, &longest);
    CHECK(entries <= threshold + 1);
}

int main(int argc, char **argv)
{
    xsm_ctx *x;
    struct xsm_instance *mi;

    if (argc < 2) {
        printf("skipped: no test policy (checkpolicy missing at configure time)\n");
        return 77;
    }
    policy = slurp_file(argv[1], &policy_len);
    if (policy == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }

    /* Permissive mode, threshold 0: every insert reclaims. */
    x = make("permissive");
    mi = xsm_find_active(x, XSM_MODULE_FLASK);
    denied_then_granted(mi, 1, 64, SECINITSID_DOMU, 0);
    /* The default threshold, many more distinct subjects than it. */
    denied_then_granted(mi, 1, 6000, SECINITSID_DOMU, 512);
    xsm_destroy(x);

    /* Enforcing, but the subject's type is permissive in the policy. */
    x = make("enforcing");
    mi = xsm_find_active(x, XSM_MODULE_FLASK);
    {
        uint32_t perm = sid_of(mi, "system_u:system_r:perm_t");

        CHECK(perm > SECINITSID_NUM);
        denied_then_granted(mi, perm, 1, SECINITSID_DOMU, 0);
        /* A non-permissive subject is still refused. */
        CHECK_EQ(flask_avc_has_perm(mi, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                    DOMAIN__SETDEBUGGING, NULL),
                 -EACCES);
    }
    xsm_destroy(x);

    free(policy);
    return check_report("flask-avc");
}
