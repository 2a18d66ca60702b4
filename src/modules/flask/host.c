/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What FLASK lends its host: the security server itself, for questions
 * a host answers for its users (why a request was denied, the label of a
 * device).  Handing out the server rather than one wrapper per question
 * keeps the library's surface to one function; the header says that only
 * questions go through it, changes through xsm_do_op.
 */
#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

#include "core/module.h"
#include "flask.h"

struct ss_ctx *xsm_flask_ss(xsm_ctx *x)
{
    struct xsm_instance *mi;

    if (x == NULL)
        return NULL;
    mi = xsm_find_active(x, XSM_MODULE_FLASK);
    return mi != NULL ? flask_ss(mi) : NULL;
}
