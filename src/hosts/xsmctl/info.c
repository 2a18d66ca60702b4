/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Discovery: the core module's commands (docs/abi.md §5), which any domain
 * may call: the ABI version, the active stack, and each module's
 * description; for the modules with known ids that are built but not
 * active, their description too.  When FLASK is active, its mode, policy
 * version and MLS flag (FLASK's own commands: a domain without the right
 * sees "denied").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm_op.h>

#include "xsmctl.h"

struct modinfo {
    uint16_t id;
    uint8_t flags, slot;
    uint32_t iface, first, last;
    char name[XSM_MODINFO_NAME_LEN + 1];
};

static long core(struct ctl *c, struct op *o, uint16_t sub)
{
    op_init(c, o, XSM_OP_CMD(XSM_MODULE_CORE, sub), XSM_CORE_INTERFACE_VERSION);
    return op_call(c, o);
}

static long module_info(struct ctl *c, uint16_t id, struct modinfo *m)
{
    struct op o;
    long r;

    op_init(c, &o, XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_MODULE_INFO), XSM_CORE_INTERFACE_VERSION);
    op_put16(&o, 0, id);
    r = op_call(c, &o);
    if (r >= 0) {
        m->id = op_get16(&o, 0);
        m->flags = o.b[8 + 2];
        m->slot = o.b[8 + 3];
        m->iface = op_get32(&o, 4);
        m->first = op_get32(&o, 8);
        m->last = op_get32(&o, 12);
        memcpy(m->name, o.b + 8 + 16, XSM_MODINFO_NAME_LEN);
        m->name[XSM_MODINFO_NAME_LEN] = '\0';
        /* printable only: the name comes from the hypervisor */
        for (char *p = m->name; *p; p++)
            if (*p < 0x21 || *p > 0x7e)
                *p = '?';
    }
    op_done(c, &o);
    return r;
}

static void flag_list(struct ctl *c, uint8_t f)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{XSM_MODINFO_BUILT, "built"},
                 {XSM_MODINFO_ACTIVE, "active"},
                 {XSM_MODINFO_AUTHORITATIVE, "authoritative"},
                 {XSM_MODINFO_CORE, "core"},
                 {XSM_MODINFO_DECLINED, "declined"}};
    bool first = true;

    if (c->json)
        js_array(&c->j, "flags");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!(f & names[i].bit))
            continue;
        if (c->json)
            js_str(&c->j, NULL, names[i].name);
        else
            printf("%s%s", first ? "" : ",", names[i].name);
        first = false;
    }
    if (c->json)
        js_array_end(&c->j);
}

static void print_module(struct ctl *c, const struct modinfo *m)
{
    if (c->json) {
        js_begin(&c->j, NULL);
        js_uint(&c->j, "id", m->id);
        js_str(&c->j, "name", m->name);
        flag_list(c, m->flags);
        if (m->slot == XSM_MODINFO_NO_SLOT)
            js_null(&c->j, "slot");
        else
            js_uint(&c->j, "slot", m->slot);
        js_uint(&c->j, "interface_version", m->iface);
        js_uint(&c->j, "first_cmd", m->first);
        js_uint(&c->j, "last_cmd", m->last);
        js_end(&c->j);
        return;
    }
    printf("  %-8s id %-5u ", m->name, m->id);
    if (m->slot != XSM_MODINFO_NO_SLOT)
        printf("slot %u  ", m->slot);
    flag_list(c, m->flags);
    printf("  interface %u", m->iface);
    if (m->last >= m->first)
        printf("  commands 0x%08x-0x%08x", m->first, m->last);
    else
        printf("  no commands");
    putchar('\n');
}

int cmd_info(struct ctl *c, int argc, char **argv)
{
    struct modinfo act[XSM_CORE_LIST_MAX], other[4];
    unsigned nact = 0, nother = 0, count;
    struct op o;
    long abi, r;

    (void)argv;
    if (argc)
        return usage_error(c, "no arguments expected");
    abi = core(c, &o, XSM_CORE_VERSION);
    op_done(c, &o);
    if (abi < 0)
        return fail(c, abi, "XSM_CORE_VERSION (a hypervisor without openxsm's common xsm_op?)");
    r = core(c, &o, XSM_CORE_LIST_MODULES);
    count = op_get32(&o, 4);
    uint16_t ids[XSM_CORE_LIST_MAX];
    for (unsigned i = 0; i < XSM_CORE_LIST_MAX; i++)
        ids[i] = op_get16(&o, 8 + 2 * i);
    op_done(c, &o);
    if (r < 0)
        return fail(c, r, "XSM_CORE_LIST_MODULES");
    for (unsigned i = 0; i < count && i < XSM_CORE_LIST_MAX; i++)
        if (module_info(c, ids[i], &act[nact]) >= 0)
            nact++;
    /* The registry's modules that this build may have without running them. */
    static const uint16_t known[] = {XSM_MODULE_FLASK, XSM_MODULE_DUMMY, XSM_MODULE_SILO};
    bool flask = false;
    for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
        bool active = false;

        for (unsigned i = 0; i < nact; i++)
            active |= act[i].id == known[k];
        flask |= active && known[k] == XSM_MODULE_FLASK;
        if (!active && module_info(c, known[k], &other[nother]) >= 0)
            nother++;
    }
    long enforcing = 0, vers = 0, mls = 0;
    if (flask) {
        struct op f;

        op_init(c, &f, FLASK_GETENFORCE, XEN_FLASK_INTERFACE_VERSION);
        enforcing = op_call(c, &f);
        op_done(c, &f);
        op_init(c, &f, FLASK_POLICYVERS, XEN_FLASK_INTERFACE_VERSION);
        vers = op_call(c, &f);
        op_done(c, &f);
        op_init(c, &f, FLASK_MLS, XEN_FLASK_INTERFACE_VERSION);
        mls = op_call(c, &f);
        op_done(c, &f);
    }

    if (c->json) {
        ok_begin(c);
        js_int(&c->j, "abi_version", abi);
        js_array(&c->j, "active");
        for (unsigned i = 0; i < nact; i++)
            print_module(c, &act[i]);
        js_array_end(&c->j);
        js_array(&c->j, "inactive");
        for (unsigned i = 0; i < nother; i++)
            print_module(c, &other[i]);
        js_array_end(&c->j);
        if (flask) {
            js_begin(&c->j, "flask");
            if (enforcing >= 0)
                js_bool(&c->j, "enforcing", enforcing == 1);
            else
                js_str(&c->j, "enforcing", strerror((int)-enforcing));
            js_int(&c->j, "policyvers", vers);
            js_int(&c->j, "mls", mls);
            js_end(&c->j);
        } else {
            js_null(&c->j, "flask");
        }
        ok_end(c);
        return XC_EXIT_OK;
    }
    printf("XSM ABI version %ld (domain %d%s)\n", abi, c->domain, c->compat ? ", 32-bit" : "");
    printf("active modules, in stacking order:\n");
    for (unsigned i = 0; i < nact; i++)
        print_module(c, &act[i]);
    if (!nact)
        printf("  (none)\n");
    if (nother) {
        printf("built, not active:\n");
        for (unsigned i = 0; i < nother; i++)
            print_module(c, &other[i]);
    }
    if (flask) {
        printf("FLASK: ");
        if (enforcing < 0)
            printf("mode %s", strerror((int)-enforcing));
        else
            printf("%s", enforcing == 1 ? "enforcing" : "permissive");
        if (vers >= 0)
            printf(", policy version %ld", vers);
        if (mls >= 0)
            printf(", MLS %s", mls ? "on" : "off");
        putchar('\n');
    }
    return XC_EXIT_OK;
}
