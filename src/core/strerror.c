/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsm_strerror: one line of text for each error the library returns.
 *
 * The library's errors are Xen's errno values, which a guest sees too, so
 * the C library's strerror() would do for the number, but its words are
 * about files and sockets.  These say what the value means at this
 * interface (-EACCES: the policy denied it; -EPERM: a privilege rule did),
 * which is what a VMM author reading a log needs.  The strings are
 * constants: no buffer, no locale, safe from any thread.
 */
#include <errno.h>
#include <limits.h>

#include <openxsm/xsm.h>

const char *xsm_strerror(int err)
{
    /* INT_MIN has no positive counterpart; it is no errno either. */
    if (err == INT_MIN)
        return "unknown error";
    if (err < 0)
        err = -err;

    switch (err) {
    case 0:
        return "success";
    case EPERM:
        return "operation not permitted: a privilege rule refused it (not the control domain, "
               "not the target's device model)";
    case ENOENT:
        return "no such entry (boolean, object label, CPU index)";
    case ESRCH:
        return "no such domain";
    case E2BIG:
        return "argument too large";
    case EAGAIN:
        return "resource temporarily unavailable, try again";
    case ENOMEM:
        return "out of memory; nothing was changed";
    case EACCES:
        return "permission denied by the security policy (FLASK), or the caller has no label";
    case EFAULT:
        return "bad guest address: a copy from or to guest memory failed";
    case EBUSY:
        return "resource busy";
    case EEXIST:
        return "already exists (or the domain is already labelled)";
    case ENODEV:
        return "no such module in this build";
    case EINVAL:
        return "invalid argument, configuration or policy";
    case ENOSPC:
        return "no space left (ports, ring, console input)";
    case ERANGE:
        return "result does not fit the buffer given";
    case ENOSYS:
        return "function not implemented: unknown command, or the module is not running";
    case ENODATA:
        return "no policy loaded";
    case EBADMSG:
        return "wrong interface version for this module";
    case EOVERFLOW:
        return "value too large for its field";
    case EMSGSIZE:
        return "message too long";
    case EOPNOTSUPP:
        return "operation not supported: the module is built but not active here, or not for this "
               "kind of domain";
    case ENOBUFS:
        return "string too long";
    case ECONNREFUSED:
        return "connection refused: no matching ring";
    default:
        return "unknown error";
    }
}
