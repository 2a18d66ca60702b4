/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal: decoding the 40-byte xsm_op for modules, and the core module.
 *
 * The dispatcher copies the same 40 bytes for native and compat callers and
 * leaves the layout to the module (g->compat says which).  In the FLASK ABI
 * only four union members differ between the two layouts, all because they
 * carry a guest handle: load, sid_context, boolean, devicetree_label.  The
 * helpers below convert those four, from either layout, into one form whose
 * handles are plain 64-bit guest addresses, and back.  A module therefore
 * has one code path per command; every other member is layout-identical and
 * can be read straight from the xen_flask_op_t view.
 *
 * 'op' is the buffer the dispatcher handed to the module's op(): 40 bytes,
 * 8-byte aligned.  The put_* helpers write every field of the member,
 * handles included; a compat handle keeps its low 32 bits, which is all a
 * compat guest could have passed in the first place.
 */
#ifndef OPENXSM_CORE_OP_DECODE_H
#define OPENXSM_CORE_OP_DECODE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include "module.h"

struct xsm_op_load {
    uint64_t buffer;
    uint32_t size;
};

struct xsm_op_sid_context {
    uint32_t sid;
    uint32_t size;
    uint64_t context;
};

struct xsm_op_boolean {
    uint32_t bool_id;
    uint8_t enforcing;
    uint8_t pending;
    uint8_t new_value;
    uint8_t commit;
    uint32_t size;
    uint64_t name;
};

struct xsm_op_devicetree_label {
    uint32_t sid;
    uint32_t length;
    uint64_t path;
};

static inline uint64_t xsm_op_handle_get(const xen_flask_handle_char_t *h)
{
    return (uint64_t)(uintptr_t)h->p;
}

static inline void xsm_op_handle_set(xen_flask_handle_char_t *h, uint64_t gaddr)
{
    /*
     * A native handle is pointer-sized; the value is a guest address that
     * the host never dereferences itself, only passes to its copy callbacks.
     * (Not a pointer the optimiser could lose track of: the lint's
     * performance-no-int-to-ptr does not apply.)
     */
    h->p = (char *)(uintptr_t)gaddr; /* NOLINT(performance-no-int-to-ptr) */
}

static inline void xsm_op_get_load(const void *op, bool compat, struct xsm_op_load *out)
{
    if (compat) {
        const struct compat_flask_load *c = &((const compat_flask_op_t *)op)->u.load;
        out->buffer = c->buffer.c;
        out->size = c->size;
    } else {
        const xen_flask_load_t *n = &((const xen_flask_op_t *)op)->u.load;
        out->buffer = xsm_op_handle_get(&n->buffer);
        out->size = n->size;
    }
}

static inline void xsm_op_put_load(void *op, bool compat, const struct xsm_op_load *in)
{
    if (compat) {
        struct compat_flask_load *c = &((compat_flask_op_t *)op)->u.load;
        c->buffer.c = (compat_ptr_t)in->buffer;
        c->size = in->size;
    } else {
        xen_flask_load_t *n = &((xen_flask_op_t *)op)->u.load;
        xsm_op_handle_set(&n->buffer, in->buffer);
        n->size = in->size;
    }
}

static inline void xsm_op_get_sid_context(const void *op, bool compat,
                                          struct xsm_op_sid_context *out)
{
    if (compat) {
        const struct compat_flask_sid_context *c = &((const compat_flask_op_t *)op)->u.sid_context;
        out->sid = c->sid;
        out->size = c->size;
        out->context = c->context.c;
    } else {
        const xen_flask_sid_context_t *n = &((const xen_flask_op_t *)op)->u.sid_context;
        out->sid = n->sid;
        out->size = n->size;
        out->context = xsm_op_handle_get(&n->context);
    }
}

static inline void xsm_op_put_sid_context(void *op, bool compat,
                                          const struct xsm_op_sid_context *in)
{
    if (compat) {
        struct compat_flask_sid_context *c = &((compat_flask_op_t *)op)->u.sid_context;
        c->sid = in->sid;
        c->size = in->size;
        c->context.c = (compat_ptr_t)in->context;
    } else {
        xen_flask_sid_context_t *n = &((xen_flask_op_t *)op)->u.sid_context;
        n->sid = in->sid;
        n->size = in->size;
        xsm_op_handle_set(&n->context, in->context);
    }
}

static inline void xsm_op_get_boolean(const void *op, bool compat, struct xsm_op_boolean *out)
{
    if (compat) {
        const struct compat_flask_boolean *c = &((const compat_flask_op_t *)op)->u.boolean;
        out->bool_id = c->bool_id;
        out->enforcing = c->enforcing;
        out->pending = c->pending;
        out->new_value = c->new_value;
        out->commit = c->commit;
        out->size = c->size;
        out->name = c->name.c;
    } else {
        const xen_flask_boolean_t *n = &((const xen_flask_op_t *)op)->u.boolean;
        out->bool_id = n->bool_id;
        out->enforcing = n->enforcing;
        out->pending = n->pending;
        out->new_value = n->new_value;
        out->commit = n->commit;
        out->size = n->size;
        out->name = xsm_op_handle_get(&n->name);
    }
}

static inline void xsm_op_put_boolean(void *op, bool compat, const struct xsm_op_boolean *in)
{
    if (compat) {
        struct compat_flask_boolean *c = &((compat_flask_op_t *)op)->u.boolean;
        c->bool_id = in->bool_id;
        c->enforcing = in->enforcing;
        c->pending = in->pending;
        c->new_value = in->new_value;
        c->commit = in->commit;
        c->size = in->size;
        c->name.c = (compat_ptr_t)in->name;
    } else {
        xen_flask_boolean_t *n = &((xen_flask_op_t *)op)->u.boolean;
        n->bool_id = in->bool_id;
        n->enforcing = in->enforcing;
        n->pending = in->pending;
        n->new_value = in->new_value;
        n->commit = in->commit;
        n->size = in->size;
        xsm_op_handle_set(&n->name, in->name);
    }
}

static inline void xsm_op_get_devicetree_label(const void *op, bool compat,
                                               struct xsm_op_devicetree_label *out)
{
    if (compat) {
        const struct compat_flask_devicetree_label *c =
            &((const compat_flask_op_t *)op)->u.devicetree_label;
        out->sid = c->sid;
        out->length = c->length;
        out->path = c->path.c;
    } else {
        const xen_flask_devicetree_label_t *n = &((const xen_flask_op_t *)op)->u.devicetree_label;
        out->sid = n->sid;
        out->length = n->length;
        out->path = xsm_op_handle_get(&n->path);
    }
}

static inline void xsm_op_put_devicetree_label(void *op, bool compat,
                                               const struct xsm_op_devicetree_label *in)
{
    if (compat) {
        struct compat_flask_devicetree_label *c = &((compat_flask_op_t *)op)->u.devicetree_label;
        c->sid = in->sid;
        c->length = in->length;
        c->path.c = (compat_ptr_t)in->path;
    } else {
        xen_flask_devicetree_label_t *n = &((xen_flask_op_t *)op)->u.devicetree_label;
        n->sid = in->sid;
        n->length = in->length;
        xsm_op_handle_set(&n->path, in->path);
    }
}

/*
 * ocontext has the same offsets in both layouts; only its alignment differs,
 * and the op buffer is 8-byte aligned, so the native view reads both.
 */

/* The core module (discovery.c).  Always present, never in the stack. */
extern const struct xsm_module xsm_module_core;

/* The descriptor of module 'id' in this build (core included), or NULL. */
const struct xsm_module *xsm_core_builtin(uint16_t id);

/* The instance of module 'id' active in x, or NULL.  Never the core. */
const struct xsm_instance *xsm_core_active(const xsm_ctx *x, uint16_t id);

/* The descriptor of 'id' in x: active module, else built-in (core included), else NULL. */
const struct xsm_module *xsm_core_module(const xsm_ctx *x, uint16_t id);

/* Was module 'id' selected at boot but declined by its init? */
bool xsm_core_declined(const xsm_ctx *x, uint16_t id);

#endif /* OPENXSM_CORE_OP_DECODE_H */
