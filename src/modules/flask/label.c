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
 *
 * Ownership.  A label belongs to the instance that allocated it: the blob
 * records that instance, and the instance keeps every blob it hands out
 * on a list.  Two consequences, both decided here:
 *
 *  - A domain labelled by another instance (a host that shares one struct
 *    xsm_domain between two contexts, or keeps a domain across a context
 *    it destroyed and re-created) is not accepted.  That label's SIDs are
 *    another policy's numbers; reading them here would hand the domain
 *    whatever this policy gives the same number (dom0_t in one is dom0_t
 *    in the other, for the initial SIDs).  Decisions treat it as
 *    unlabeled, which fails closed, and the first such domain is logged;
 *    the hooks that set labels refuse it (-EINVAL); freeing it is left to
 *    its owner.
 *  - xsm_destroy releases what the instance still holds: each blob is
 *    freed and its domain's slot cleared, so a host that destroys the
 *    instance before its domains leaks nothing and keeps no dangling
 *    pointer.  Its domains must still be valid memory then (a domain the
 *    host freed without free_security_domain is the host's bug, as a leak
 *    would be).
 */
#include <errno.h>
#include <stdlib.h>

#include "flask.h"

void flask_foreign_label(struct xsm_instance *mi, const struct xsm_domain *d)
{
    struct flask_state *st = flask_state(mi);

    if (st == NULL || atomic_exchange(&st->foreign_logged, true))
        return;
    xsm_log(mi->ctx,
            "Flask: d%u carries a label of another XSM instance; treated as unlabeled "
            "(a domain belongs to the instance that labelled it)",
            d->domid);
}

int flask_label_attach(struct xsm_instance *mi, struct xsm_domain *d, uint32_t sid)
{
    struct flask_state *st = flask_state(mi);
    struct flask_domain_sec *dsec = d->security[mi->slot];

    if (dsec != NULL)
        return dsec->owner == st ? -EEXIST : -EINVAL;
    dsec = calloc(1, sizeof(*dsec));
    if (dsec == NULL)
        return -ENOMEM;
    dsec->sid = sid;
    dsec->self_sid = sid;
    dsec->target_sid = SECINITSID_UNLABELED;
    dsec->owner = st;
    dsec->dom = d;
    pthread_mutex_lock(&st->labels_lock);
    dsec->next = st->labels;
    if (st->labels != NULL)
        st->labels->prev = dsec;
    st->labels = dsec;
    pthread_mutex_unlock(&st->labels_lock);
    d->security[mi->slot] = dsec;
    return 0;
}

void flask_label_detach(struct xsm_instance *mi, struct xsm_domain *d)
{
    struct flask_state *st = flask_state(mi);
    struct flask_domain_sec *dsec = flask_dsec(mi, d);

    if (dsec == NULL)
        return;
    pthread_mutex_lock(&st->labels_lock);
    if (dsec->prev != NULL)
        dsec->prev->next = dsec->next;
    else
        st->labels = dsec->next;
    if (dsec->next != NULL)
        dsec->next->prev = dsec->prev;
    pthread_mutex_unlock(&st->labels_lock);
    d->security[mi->slot] = NULL;
    free(dsec);
}

unsigned flask_labels_release(struct xsm_instance *mi)
{
    struct flask_state *st = flask_state(mi);
    unsigned n = 0;

    pthread_mutex_lock(&st->labels_lock);
    while (st->labels != NULL) {
        struct flask_domain_sec *dsec = st->labels;

        st->labels = dsec->next;
        dsec->dom->security[mi->slot] = NULL;
        free(dsec);
        n++;
    }
    pthread_mutex_unlock(&st->labels_lock);
    return n;
}

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
