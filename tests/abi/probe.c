/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Layout probe for the FLASK xsm_op ABI.  Compiled several ways by
 * compare.py:
 *   -DPROBE_XEN      against Xen's <xen/xsm/flask_op.h> (libxen-dev)
 *   (default)        against <openxsm/xen/flask_op.h>, native types
 *   -DPROBE_COMPAT   against ours, the explicit compat_* types
 * each with -m64 or -m32.  It prints, in one canonical text form, the size,
 * alignment and member offsets of the op and of every union member's type
 * (reached through the union, so native and compat print the same names),
 * and every command number.  Two builds describe the same ABI exactly when
 * their outputs are identical.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#if defined(PROBE_XEN)
#include <xen/xen.h>
#include <xen/xsm/flask_op.h>
typedef xen_flask_op_t probe_op;
#elif defined(PROBE_COMPAT)
#include <openxsm/xen/flask_op.h>
typedef compat_flask_op_t probe_op;
#else
#include <openxsm/xen/flask_op.h>
typedef xen_flask_op_t probe_op;
#endif

#define MT(m) __typeof__(((probe_op *)0)->u.m)

#define TYPE(m)                                                                                    \
    printf("type %s size=%zu align=%zu\n", #m, sizeof(MT(m)), (size_t) __alignof__(MT(m)))
#define FIELD(m, f)                                                                                \
    printf("field %s.%s off=%zu size=%zu align=%zu\n", #m, #f, offsetof(MT(m), f),                 \
           sizeof(((MT(m) *)0)->f), (size_t) __alignof__(((MT(m) *)0)->f))
#define UMEM(m)                                                                                    \
    printf("field op.u.%s off=%zu size=%zu\n", #m, offsetof(probe_op, u.m),                        \
           sizeof(((probe_op *)0)->u.m))
#define NUM(n) printf("const %s=%ld\n", #n, (long)(n))

int main(void)
{
    printf("type op size=%zu align=%zu\n", sizeof(probe_op), (size_t) __alignof__(probe_op));
    printf("field op.cmd off=%zu size=%zu\n", offsetof(probe_op, cmd),
           sizeof(((probe_op *)0)->cmd));
    printf("field op.interface_version off=%zu size=%zu\n", offsetof(probe_op, interface_version),
           sizeof(((probe_op *)0)->interface_version));
    printf("field op.u off=%zu size=%zu align=%zu\n", offsetof(probe_op, u),
           sizeof(((probe_op *)0)->u), (size_t) __alignof__(((probe_op *)0)->u));

    UMEM(load);
    TYPE(load);
    FIELD(load, buffer);
    FIELD(load, size);

    UMEM(enforce);
    TYPE(enforce);
    FIELD(enforce, enforcing);

    UMEM(sid_context);
    TYPE(sid_context);
    FIELD(sid_context, sid);
    FIELD(sid_context, size);
    FIELD(sid_context, context);

    UMEM(access);
    TYPE(access);
    FIELD(access, ssid);
    FIELD(access, tsid);
    FIELD(access, tclass);
    FIELD(access, req);
    FIELD(access, allowed);
    FIELD(access, audit_allow);
    FIELD(access, audit_deny);
    FIELD(access, seqno);

    UMEM(transition);
    TYPE(transition);
    FIELD(transition, ssid);
    FIELD(transition, tsid);
    FIELD(transition, tclass);
    FIELD(transition, newsid);

    UMEM(boolean);
    TYPE(boolean);
    FIELD(boolean, bool_id);
    FIELD(boolean, enforcing);
    FIELD(boolean, pending);
    FIELD(boolean, new_value);
    FIELD(boolean, commit);
    FIELD(boolean, size);
    FIELD(boolean, name);

    UMEM(setavc_threshold);
    TYPE(setavc_threshold);
    FIELD(setavc_threshold, threshold);

    UMEM(hash_stats);
    TYPE(hash_stats);
    FIELD(hash_stats, entries);
    FIELD(hash_stats, buckets_used);
    FIELD(hash_stats, buckets_total);
    FIELD(hash_stats, max_chain_len);

    UMEM(cache_stats);
    TYPE(cache_stats);
    FIELD(cache_stats, cpu);
    FIELD(cache_stats, lookups);
    FIELD(cache_stats, hits);
    FIELD(cache_stats, misses);
    FIELD(cache_stats, allocations);
    FIELD(cache_stats, reclaims);
    FIELD(cache_stats, frees);

    UMEM(ocontext);
    TYPE(ocontext);
    FIELD(ocontext, ocon);
    FIELD(ocontext, sid);
    FIELD(ocontext, low);
    FIELD(ocontext, high);

    UMEM(peersid);
    TYPE(peersid);
    FIELD(peersid, evtchn);
    FIELD(peersid, sid);

    UMEM(relabel);
    TYPE(relabel);
    FIELD(relabel, domid);
    FIELD(relabel, sid);

    UMEM(devicetree_label);
    TYPE(devicetree_label);
    FIELD(devicetree_label, sid);
    FIELD(devicetree_label, length);
    FIELD(devicetree_label, path);

    NUM(XEN_FLASK_INTERFACE_VERSION);
    NUM(FLASK_LOAD);
    NUM(FLASK_GETENFORCE);
    NUM(FLASK_SETENFORCE);
    NUM(FLASK_CONTEXT_TO_SID);
    NUM(FLASK_SID_TO_CONTEXT);
    NUM(FLASK_ACCESS);
    NUM(FLASK_CREATE);
    NUM(FLASK_RELABEL);
    NUM(FLASK_USER);
    NUM(FLASK_POLICYVERS);
    NUM(FLASK_GETBOOL);
    NUM(FLASK_SETBOOL);
    NUM(FLASK_COMMITBOOLS);
    NUM(FLASK_MLS);
    NUM(FLASK_DISABLE);
    NUM(FLASK_GETAVC_THRESHOLD);
    NUM(FLASK_SETAVC_THRESHOLD);
    NUM(FLASK_AVC_HASHSTATS);
    NUM(FLASK_AVC_CACHESTATS);
    NUM(FLASK_MEMBER);
    NUM(FLASK_ADD_OCONTEXT);
    NUM(FLASK_DEL_OCONTEXT);
    NUM(FLASK_GET_PEER_SID);
    NUM(FLASK_RELABEL_DOMAIN);
    NUM(FLASK_DEVICETREE_LABEL);
    printf("end\n");
    return 0;
}
