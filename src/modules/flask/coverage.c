/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Does a policy know the hypervisor?
 *
 * With flask_classes = "name" the security server looks up the
 * hypervisor's 13 classes and their permissions by name, and what a policy
 * lacks follows its handle_unknown.  That is what lets a policy for a
 * later Xen load; it also lets any SELinux policy load.  Debian's
 * policy.33 defines none of the hypervisor's classes except security
 * (SELinux has a class of that name) and says handle_unknown=allow: loaded
 * "in enforcing mode", it would let every guest pause any domain, kexec,
 * map interrupts, everything the dummy module denies.  So:
 *
 *  - a policy that defines none of the hypervisor's classes other than
 *    security is not a policy for this hypervisor: the load is refused
 *    (-EINVAL) before anything changes (the security server's load check,
 *    ss/load_check.h), so an enforcing boot fails and FLASK_LOAD keeps the
 *    policy in force;
 *  - a policy that defines some, but not all, of the hypervisor's classes
 *    or permissions is taken (a policy for an older or later Xen is
 *    legitimate), and every load says how much it leaves to handle_unknown,
 *    as a WARNING when that grants it.
 *
 * Where to draw the first line is a judgement: one defined class is
 * enough to show the policy was written for Xen, and anything less strict
 * would refuse policies Xen itself loads (its own validate_classes() is
 * the strict mode).  The counts are by name, the same way the security
 * server maps them; xsm_flask_coverage() gives them for an image without
 * loading it anywhere, for tools (xsmpolicy info) and hosts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openxsm/xsm.h>

#include "flask.h"
#include "ss/load_check.h"

static unsigned class_nperms(unsigned i)
{
    unsigned n = 0;

    while (flask_class_map[i].perms[n] != NULL)
        n++;
    return n;
}

static void assess(const struct ss_map_gap *gaps, unsigned n, enum ss_handle_unknown hu,
                   struct xsm_flask_coverage *out)
{
    unsigned own = 0; /* defined classes other than security */

    memset(out, 0, sizeof(*out));
    out->handle_unknown = (uint32_t)hu;
    for (unsigned i = 0; i < n && i < SECCLASS_NUM; i++) {
        unsigned np = class_nperms(i);
        uint32_t mask = np >= 32 ? UINT32_MAX : (1U << np) - 1;

        out->classes++;
        out->perms += np;
        if (!gaps[i].defined)
            out->classes_missing++;
        else if (i + 1 != SECCLASS_SECURITY)
            own++;
        out->perms_missing += (uint32_t)__builtin_popcount(gaps[i].missing & mask);
    }
    out->refused = own == 0;
}

/* The security server's load check: keeps the counts for the line after the load. */
static int load_check(void *opaque, const struct ss_map_gap *gaps, unsigned n,
                      enum ss_handle_unknown hu, char *msg, size_t msglen)
{
    struct xsm_instance *mi = opaque;
    struct flask_state *st = flask_state(mi);

    assess(gaps, n, hu, &st->coverage);
    if (!st->coverage.refused)
        return 0;
    snprintf(msg, msglen,
             "it defines none of the hypervisor's classes (xen, domain, event, grant, ...; "
             "security alone is SELinux's too): not a policy for Xen");
    return -EINVAL;
}

void flask_coverage_init(struct xsm_instance *mi)
{
    ss_set_load_check(flask_ss(mi), load_check, mi);
}

void flask_coverage_report(struct xsm_instance *mi)
{
    const struct xsm_flask_coverage *c = &flask_state(mi)->coverage;

    if (c->perms_missing == 0)
        return;
    if (c->handle_unknown == SS_UNKNOWN_ALLOW)
        xsm_log(mi->ctx,
                "Flask: WARNING: the policy does not define %u of the hypervisor's %u classes "
                "and %u of its %u permissions; handle_unknown=allow grants them to every domain",
                c->classes_missing, c->classes, c->perms_missing, c->perms);
    else
        xsm_log(mi->ctx,
                "Flask: the policy does not define %u of the hypervisor's %u classes and %u of "
                "its %u permissions; handle_unknown=deny refuses them",
                c->classes_missing, c->classes, c->perms_missing, c->perms);
}

int xsm_flask_coverage(const void *policy, size_t len, struct xsm_flask_coverage *out)
{
    struct ss_config sc = {.semantics = SS_SEM_AUTO};
    struct ss_map_gap gaps[SECCLASS_NUM];
    ss_ctx *ss;
    int rc;

    if (policy == NULL || out == NULL)
        return -EINVAL;
    rc = ss_create(&ss, &sc);
    if (rc != 0)
        return rc;
    /* No class map: a policy that rejects unknowns is read too, and looked at by name. */
    rc = ss_load_policy(ss, policy, len);
    if (rc == 0) {
        for (unsigned i = 0; i < SECCLASS_NUM; i++) {
            uint16_t cls = ss_class_value(ss, flask_class_map[i].name);

            gaps[i].defined = cls != 0;
            gaps[i].missing = 0;
            for (unsigned j = 0; flask_class_map[i].perms[j] != NULL; j++)
                if (ss_perm_bits(ss, cls, flask_class_map[i].perms[j]) == 0)
                    gaps[i].missing |= 1U << j;
        }
        assess(gaps, SECCLASS_NUM, ss_handle_unknown(ss), out);
    }
    ss_destroy(ss);
    return rc;
}
