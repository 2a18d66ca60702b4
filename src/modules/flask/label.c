/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK domain labels: which SID a domain presents as a subject, and which
 * one it presents as the object of another domain's request.
 *
 * A domain carries three SIDs (struct flask_domain_sec): its label, the
 * label it is seen with when it acts on itself (self_sid, usually a
 * type_transition such as domU_t -> domU_t_self), and the label its target
 * is seen with when it acts as that target's device model (target_sid).
 * Splitting them lets a policy grant a domain rights over itself or over
 * the one guest it serves without granting them over every domain of the
 * same type.
 *
 * A domain without a FLASK blob (the host never ran alloc_security_domain
 * for this instance) is treated as unlabeled rather than dereferenced.
 */
#include "flask.h"

uint32_t flask_domain_sid(struct xsm_instance *mi, const struct xsm_domain *d)
{
    const struct flask_domain_sec *dsec = flask_dsec(mi, d);

    return dsec != NULL ? dsec->sid : SECINITSID_UNLABELED;
}

uint32_t flask_domain_target_sid(struct xsm_instance *mi, const struct xsm_domain *src,
                                 const struct xsm_domain *dst)
{
    const struct flask_domain_sec *ssec = flask_dsec(mi, src);

    if (src != NULL && src == dst)
        return ssec != NULL ? ssec->self_sid : SECINITSID_UNLABELED;
    if (src != NULL && dst != NULL && src->target == dst)
        return ssec != NULL ? ssec->target_sid : SECINITSID_UNLABELED;
    return flask_domain_sid(mi, dst);
}
