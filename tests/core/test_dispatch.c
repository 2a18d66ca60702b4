/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the common xsm_op dispatcher and the core (discovery)
 * module.  This program is built from src/core/xsm_op.c and discovery.c
 * only, with its own table of "built" modules, so every routing case can be
 * set up exactly: a FLASK-like module (id 0, 25 commands), and command-less
 * dummy (2) and SILO (3) stand-ins.  Expected values come from docs/abi.md.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/op_decode.h"
#include "guestmem.h"

struct tcount {
    unsigned calls;
    uint16_t last_sub;
    bool last_compat;
};

/* A FLASK-shaped module whose commands exercise every dispatcher path. */
static long tflask_op(struct xsm_instance *mi, struct xsm_domain *cur, const struct xsm_guest *g,
                      void *opbuf, bool *copyback)
{
    struct tcount *c = mi->priv;
    xen_flask_op_t *op = opbuf;
    struct xsm_op_sid_context sc;
    char s[64];

    (void)cur;
    c->calls++;
    c->last_sub = XSM_OP_SUBCMD(op->cmd);
    c->last_compat = g->compat;
    switch (XSM_OP_SUBCMD(op->cmd)) {
    case FLASK_USER:
    case FLASK_DISABLE:
        return -ENOSYS; /* holes in the module's own range */
    case FLASK_GETENFORCE:
        return 1;
    case FLASK_POLICYVERS:
        return 30; /* the value the 2021 patch would have turned into 0 */
    case FLASK_ACCESS:
        op->u.access.allowed = op->u.access.ssid ^ op->u.access.tsid;
        op->u.access.seqno = 77;
        *copyback = true;
        return 0;
    case FLASK_SID_TO_CONTEXT:
        /* Output staged, then an error: must not reach the guest. */
        op->u.sid_context.size = 999;
        *copyback = true;
        return -ERANGE;
    case FLASK_GETBOOL:
        op->u.boolean.enforcing = 1;
        *copyback = true;
        return 7;
    case FLASK_CONTEXT_TO_SID:
        /* Reads a string through the decoded handle, either layout. */
        xsm_op_get_sid_context(op, g->compat, &sc);
        if (sc.size >= sizeof(s))
            return -ENOBUFS;
        if (g->copy_from(g->opaque, s, sc.context, sc.size) != 0)
            return -EFAULT;
        s[sc.size] = '\0';
        sc.sid = 1000 + (uint32_t)strlen(s);
        xsm_op_put_sid_context(op, g->compat, &sc);
        *copyback = true;
        return 0;
    default:
        return 0;
    }
}

static const struct xsm_module tflask = {
    .id = XSM_MODULE_FLASK,
    .name = "tflask",
    .flags = XSM_MODF_AUTHORITATIVE,
    .interface_version = XEN_FLASK_INTERFACE_VERSION,
    .nr_cmds = FLASK_NR_CMDS,
    .op = tflask_op,
};
static const struct xsm_module tdummy = {
    .id = XSM_MODULE_DUMMY,
    .name = "dummy",
    .flags = XSM_MODF_AUTHORITATIVE,
    .interface_version = 1,
};
static const struct xsm_module tsilo = {
    .id = XSM_MODULE_SILO,
    .name = "silo",
    .interface_version = 1,
};

/*
 * A module from the private id range (0x8000..0xfffe, docs/abi.md §4.2): not
 * in this build's table, but stacked by its host.  Command 1 returns 42.
 */
#define PRIV_ID 0x8001
static long tpriv_op(struct xsm_instance *mi, struct xsm_domain *cur, const struct xsm_guest *g,
                     void *opbuf, bool *copyback)
{
    (void)mi;
    (void)cur;
    (void)g;
    (void)opbuf;
    (void)copyback;
    return 42;
}
static const struct xsm_module tpriv = {
    .id = PRIV_ID,
    .name = "private",
    .interface_version = 3,
    .nr_cmds = 1,
    .op = tpriv_op,
};

/* What the dispatcher knows as "this build". */
const struct xsm_module *const xsm_builtin_modules[] = {&tflask, &tdummy, &tsilo, NULL};

static struct tcount cnt;

/* Stack "silo,flask": dummy is built but not active. */
static void make_ctx(xsm_ctx *x)
{
    memset(x, 0, sizeof(*x));
    x->nr = 2;
    x->inst[0] = (struct xsm_instance){x, &tsilo, 0, NULL};
    x->inst[1] = (struct xsm_instance){x, &tflask, 1, &cnt};
}

#define OP_ADDR (GM_BASE + 64)

static void put_op(struct gm *m, uint32_t cmd, uint32_t ver, const void *payload, size_t len)
{
    memset(m->mem, 0xa5, sizeof(m->mem));
    memcpy(m->mem + 64, &cmd, 4);
    memcpy(m->mem + 68, &ver, 4);
    memset(m->mem + 72, 0, 32);
    if (payload)
        memcpy(m->mem + 72, payload, len);
    m->nr_from = m->nr_to = 0;
    m->bytes_to = 0;
    m->fail_from = m->fail_to = false;
}

static long call(xsm_ctx *x, struct gm *m, bool compat)
{
    struct xsm_guest g = gm_guest(m, compat);
    return xsm_do_op(x, NULL, &g, OP_ADDR);
}

/* Does guest memory still hold exactly what put_op() wrote? */
static bool unchanged(const struct gm *m, const unsigned char *before)
{
    return memcmp(m->mem, before, GM_SIZE) == 0 && m->nr_to == 0;
}

static void test_errors(bool compat)
{
    static struct gm m;
    unsigned char before[GM_SIZE];
    xsm_ctx x;
    unsigned calls;

    make_ctx(&x);

    /* Copy-in fault: -EFAULT, nothing called, nothing written. */
    put_op(&m, XSM_OP_CMD(0, FLASK_ACCESS), 1, NULL, 0);
    memcpy(before, m.mem, GM_SIZE);
    m.fail_from = true;
    calls = cnt.calls;
    CHECK_EQ(call(&x, &m, compat), -EFAULT);
    CHECK(unchanged(&m, before));
    CHECK_EQ(cnt.calls, calls);

    /* Unknown ids: -ENODEV. */
    const uint16_t unknown[] = {4, 5, 0x100, 0x7fff, 0xfffe, 0xffff};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        put_op(&m, XSM_OP_CMD(unknown[i], 1), 1, NULL, 0);
        memcpy(before, m.mem, GM_SIZE);
        CHECK_EQ(call(&x, &m, compat), -ENODEV);
        CHECK(unchanged(&m, before));
    }

    /* Built, not active. */
    put_op(&m, XSM_OP_CMD(XSM_MODULE_DUMMY, 1), 1, NULL, 0);
    memcpy(before, m.mem, GM_SIZE);
    CHECK_EQ(call(&x, &m, compat), -EOPNOTSUPP);
    CHECK(unchanged(&m, before));

    /* Unknown module beats a bad version: the order is fixed. */
    put_op(&m, XSM_OP_CMD(9, 0), 77, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -ENODEV);
    put_op(&m, XSM_OP_CMD(XSM_MODULE_DUMMY, 0), 77, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -EOPNOTSUPP);

    /* Wrong interface version, before the subcommand range: FLASK says -ENOSYS as Xen. */
    calls = cnt.calls;
    const uint32_t badver[] = {0, 2, 0xffffffffU};
    for (size_t i = 0; i < 3; i++) {
        put_op(&m, XSM_OP_CMD(0, FLASK_ACCESS), badver[i], NULL, 0);
        memcpy(before, m.mem, GM_SIZE);
        CHECK_EQ(call(&x, &m, compat), -ENOSYS);
        CHECK(unchanged(&m, before));
        put_op(&m, XSM_OP_CMD(0, 0), badver[i], NULL, 0);
        CHECK_EQ(call(&x, &m, compat), -ENOSYS);
        put_op(&m, XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_VERSION), badver[i] + 1, NULL, 0);
        CHECK_EQ(call(&x, &m, compat), badver[i] + 1 == 1 ? XSM_ABI_VERSION : -EBADMSG);
    }
    CHECK_EQ(cnt.calls, calls);

    /* Subcommand out of range: the module is not called. */
    const uint16_t badsub[] = {0, FLASK_NR_CMDS + 1, 100, 0xffff};
    for (size_t i = 0; i < 4; i++) {
        put_op(&m, XSM_OP_CMD(0, badsub[i]), 1, NULL, 0);
        memcpy(before, m.mem, GM_SIZE);
        CHECK_EQ(call(&x, &m, compat), -ENOSYS);
        CHECK(unchanged(&m, before));
    }
    CHECK_EQ(cnt.calls, calls);

    /* Holes inside the range: the module's own -ENOSYS. */
    put_op(&m, XSM_OP_CMD(0, FLASK_USER), 1, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -ENOSYS);
    CHECK_EQ(cnt.calls, calls + 1);
    CHECK_EQ(cnt.last_sub, FLASK_USER);
    CHECK_EQ(cnt.last_compat, compat);
    put_op(&m, XSM_OP_CMD(0, FLASK_DISABLE), 1, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -ENOSYS);

    /* An active module without commands: every subcommand is -ENOSYS. */
    for (uint32_t sub = 0; sub < 4; sub++) {
        put_op(&m, XSM_OP_CMD(XSM_MODULE_SILO, sub), 1, NULL, 0);
        CHECK_EQ(call(&x, &m, compat), -ENOSYS);
        CHECK_EQ(m.nr_to, 0);
    }
    put_op(&m, XSM_OP_CMD(XSM_MODULE_SILO, 1), 0, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -EBADMSG);

    /*
     * Empty stack: FLASK built but inactive.  Every FLASK command word, any
     * version, is -ENOSYS as in Xen without FLASK (libxl reads it as "XSM
     * disabled"); the dummy is still -EOPNOTSUPP; the core still answers.
     */
    xsm_ctx empty;
    memset(&empty, 0, sizeof(empty));
    for (uint32_t sub = 0; sub <= FLASK_NR_CMDS + 1; sub++) {
        put_op(&m, XSM_OP_CMD(0, sub), 1, NULL, 0);
        memcpy(before, m.mem, GM_SIZE);
        CHECK_EQ(call(&empty, &m, compat), -ENOSYS);
        CHECK(unchanged(&m, before));
        put_op(&m, XSM_OP_CMD(0, sub), 7, NULL, 0);
        CHECK_EQ(call(&empty, &m, compat), -ENOSYS);
    }
    put_op(&m, XSM_OP_CMD(XSM_MODULE_DUMMY, 1), 1, NULL, 0);
    CHECK_EQ(call(&empty, &m, compat), -EOPNOTSUPP);
    put_op(&m, XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_VERSION), 1, NULL, 0);
    CHECK_EQ(call(&empty, &m, compat), XSM_ABI_VERSION);

    /* Host errors. */
    struct xsm_guest g = gm_guest(&m, compat);
    CHECK_EQ(xsm_do_op(NULL, NULL, &g, OP_ADDR), -EINVAL);
    CHECK_EQ(xsm_do_op(&x, NULL, NULL, OP_ADDR), -EINVAL);
}

static void test_results(bool compat)
{
    static struct gm m;
    unsigned char before[GM_SIZE];
    xsm_ctx x;
    xen_flask_access_t acc = {.ssid = 0x1234, .tsid = 0x0ff0, .tclass = 3, .req = 1};

    make_ctx(&x);

    /* Positive results are returned unchanged and copy nothing. */
    put_op(&m, XSM_OP_CMD(0, FLASK_POLICYVERS), 1, NULL, 0);
    memcpy(before, m.mem, GM_SIZE);
    CHECK_EQ(call(&x, &m, compat), 30);
    CHECK(unchanged(&m, before));
    put_op(&m, XSM_OP_CMD(0, FLASK_GETENFORCE), 1, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), 1);
    CHECK_EQ(m.nr_to, 0);

    /* Copy-back: exactly 40 bytes at the op address, nothing around it. */
    put_op(&m, XSM_OP_CMD(0, FLASK_ACCESS), 1, &acc, sizeof(acc));
    memcpy(before, m.mem, GM_SIZE);
    CHECK_EQ(call(&x, &m, compat), 0);
    CHECK_EQ(m.nr_to, 1);
    CHECK_EQ(m.last_to_addr, OP_ADDR);
    CHECK_EQ(m.last_to_len, 40);
    CHECK(memcmp(m.mem, before, 64) == 0);
    CHECK(memcmp(m.mem + 104, before + 104, GM_SIZE - 104) == 0);
    xen_flask_access_t out;
    memcpy(&out, m.mem + 72, sizeof(out));
    CHECK_EQ(out.allowed, 0x1234 ^ 0x0ff0);
    CHECK_EQ(out.seqno, 77);
    CHECK_EQ(out.ssid, 0x1234);
    CHECK(memcmp(m.mem + 64, before + 64, 8) == 0); /* cmd, version echoed */

    /* Negative result with output staged: nothing copied back. */
    put_op(&m, XSM_OP_CMD(0, FLASK_SID_TO_CONTEXT), 1, NULL, 0);
    memcpy(before, m.mem, GM_SIZE);
    CHECK_EQ(call(&x, &m, compat), -ERANGE);
    CHECK(unchanged(&m, before));

    /* Positive result with copy-back: both. */
    put_op(&m, XSM_OP_CMD(0, FLASK_GETBOOL), 1, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), 7);
    CHECK_EQ(m.nr_to, 1);
    CHECK_EQ(m.mem[72 + 4], 1); /* boolean.enforcing, same offset in both ABIs */

    /* Copy-back fault. */
    put_op(&m, XSM_OP_CMD(0, FLASK_ACCESS), 1, &acc, sizeof(acc));
    m.fail_to = true;
    CHECK_EQ(call(&x, &m, compat), -EFAULT);
    put_op(&m, XSM_OP_CMD(0, FLASK_GETBOOL), 1, NULL, 0);
    m.fail_to = true;
    CHECK_EQ(call(&x, &m, compat), -EFAULT);
    /* ...but no copy-back wanted means no fault. */
    put_op(&m, XSM_OP_CMD(0, FLASK_POLICYVERS), 1, NULL, 0);
    m.fail_to = true;
    CHECK_EQ(call(&x, &m, compat), 30);

    /* A handle-carrying command, decoded per layout. */
    static const char ctxstr[] = "system_u:system_r:dom0_t";
    put_op(&m, XSM_OP_CMD(0, FLASK_CONTEXT_TO_SID), 1, NULL, 0);
    memcpy(m.mem + 1024, ctxstr, sizeof(ctxstr) - 1);
    uint32_t size = sizeof(ctxstr) - 1, addr32 = (uint32_t)(GM_BASE + 1024);
    uint64_t addr64 = GM_BASE + 1024;
    memcpy(m.mem + 72 + 4, &size, 4);
    if (compat)
        memcpy(m.mem + 72 + 8, &addr32, 4); /* compat: 4-byte handle at 8 */
    else
        memcpy(m.mem + 72 + 8, &addr64, sizeof(void *)); /* native: pointer-sized */
    CHECK_EQ(call(&x, &m, compat), 0);
    uint32_t sid;
    memcpy(&sid, m.mem + 72, 4);
    CHECK_EQ(sid, 1000 + strlen(ctxstr));
}

static void test_core(bool compat)
{
    static struct gm m;
    unsigned char before[GM_SIZE];
    xsm_ctx x;
    struct xsm_core_list_modules list = {0};
    struct xsm_module_info info;
    struct xsm_core_module_query q = {0};

    make_ctx(&x);

    put_op(&m, XSM_OP_CMD(1, XSM_CORE_VERSION), 1, NULL, 0);
    memcpy(before, m.mem, GM_SIZE);
    CHECK_EQ(call(&x, &m, compat), XSM_ABI_VERSION);
    CHECK(unchanged(&m, before));

    /* LIST_MODULES: silo then flask. */
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_LIST_MODULES), 1, &list, sizeof(list));
    memset(m.mem + 72 + 4, 0x5a, 12); /* flags = 0, OUT fields junk */
    CHECK_EQ(call(&x, &m, compat), 0);
    CHECK_EQ(m.last_to_len, 40);
    memcpy(&list, m.mem + 72, sizeof(list));
    CHECK_EQ(list.flags, 0);
    CHECK_EQ(list.count, 2);
    CHECK_EQ(list.ids[0], XSM_MODULE_SILO);
    CHECK_EQ(list.ids[1], XSM_MODULE_FLASK);
    for (int i = 2; i < XSM_CORE_LIST_MAX; i++)
        CHECK_EQ(list.ids[i], 0xffff);

    list.flags = 1;
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_LIST_MODULES), 1, &list, sizeof(list));
    memcpy(before, m.mem, GM_SIZE);
    CHECK_EQ(call(&x, &m, compat), -EINVAL);
    CHECK(unchanged(&m, before));

    /* MODULE_INFO for an active, a built-inactive, the core, unknown. */
    q.id = XSM_MODULE_FLASK;
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_MODULE_INFO), 1, &q, sizeof(q));
    memset(m.mem + 76, 0x5a, 28); /* junk after the query */
    CHECK_EQ(call(&x, &m, compat), 0);
    memcpy(&info, m.mem + 72, sizeof(info));
    CHECK_EQ(info.id, 0);
    CHECK_EQ(info.flags, XSM_MODINFO_BUILT | XSM_MODINFO_ACTIVE | XSM_MODINFO_AUTHORITATIVE);
    CHECK_EQ(info.slot, 1);
    CHECK_EQ(info.interface_version, 1);
    CHECK_EQ(info.first_cmd, 1);
    CHECK_EQ(info.last_cmd, 25);
    CHECK(memcmp(info.name, "tflask\0\0\0\0\0\0\0\0\0\0", 16) == 0);

    q.id = XSM_MODULE_DUMMY;
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_MODULE_INFO), 1, &q, sizeof(q));
    CHECK_EQ(call(&x, &m, compat), 0);
    memcpy(&info, m.mem + 72, sizeof(info));
    CHECK_EQ(info.id, 2);
    CHECK_EQ(info.flags, XSM_MODINFO_BUILT | XSM_MODINFO_AUTHORITATIVE);
    CHECK_EQ(info.slot, 0xff);
    CHECK_EQ(info.first_cmd, 0x20001);
    CHECK_EQ(info.last_cmd, 0x20000); /* empty range */

    q.id = XSM_MODULE_SILO;
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_MODULE_INFO), 1, &q, sizeof(q));
    CHECK_EQ(call(&x, &m, compat), 0);
    memcpy(&info, m.mem + 72, sizeof(info));
    CHECK_EQ(info.flags, XSM_MODINFO_BUILT | XSM_MODINFO_ACTIVE);
    CHECK_EQ(info.slot, 0);
    CHECK_EQ(strcmp(info.name, "silo"), 0);

    q.id = XSM_MODULE_CORE;
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_MODULE_INFO), 1, &q, sizeof(q));
    CHECK_EQ(call(&x, &m, compat), 0);
    memcpy(&info, m.mem + 72, sizeof(info));
    CHECK_EQ(info.flags, XSM_MODINFO_BUILT | XSM_MODINFO_ACTIVE | XSM_MODINFO_CORE);
    CHECK_EQ(info.first_cmd, 0x10001);
    CHECK_EQ(info.last_cmd, 0x10003);
    CHECK_EQ(strcmp(info.name, "core"), 0);

    const uint16_t unknown[] = {4, 0x100, 0xffff};
    for (int i = 0; i < 3; i++) {
        q.id = unknown[i];
        put_op(&m, XSM_OP_CMD(1, XSM_CORE_MODULE_INFO), 1, &q, sizeof(q));
        memcpy(before, m.mem, GM_SIZE);
        CHECK_EQ(call(&x, &m, compat), -ENODEV);
        CHECK(unchanged(&m, before));
    }
    q.id = 0;
    q.pad = 1;
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_MODULE_INFO), 1, &q, sizeof(q));
    CHECK_EQ(call(&x, &m, compat), -EINVAL);
    CHECK_EQ(m.nr_to, 0);

    /* Core's own routing checks. */
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_VERSION), 0, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -EBADMSG);
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_NR_CMDS + 1), 1, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -ENOSYS);
    put_op(&m, XSM_OP_CMD(1, 0), 1, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -ENOSYS);
}

/*
 * Reserved bytes of the core's commands (docs/abi.md §3.5, §5): a payload byte
 * that is neither an IN nor an OUT field must be zero, else -EINVAL and
 * nothing is copied back.  OUT-only fields are ignored on input.
 */
static void test_reserved(bool compat)
{
    static struct gm m;
    unsigned char before[GM_SIZE];
    xsm_ctx x;

    make_ctx(&x);

    /* VERSION: the whole payload is reserved. */
    for (int i = 0; i < 32; i++) {
        put_op(&m, XSM_OP_CMD(1, XSM_CORE_VERSION), 1, NULL, 0);
        m.mem[72 + i] = (unsigned char)(1U << (i % 8));
        memcpy(before, m.mem, GM_SIZE);
        CHECK_EQ(call(&x, &m, compat), -EINVAL);
        CHECK(unchanged(&m, before));
    }

    /* LIST_MODULES: flags IN, count and ids OUT, payload bytes 16..31 reserved. */
    for (int i = 16; i < 32; i++) {
        put_op(&m, XSM_OP_CMD(1, XSM_CORE_LIST_MODULES), 1, NULL, 0);
        m.mem[72 + i] = 0x80;
        memcpy(before, m.mem, GM_SIZE);
        CHECK_EQ(call(&x, &m, compat), -EINVAL);
        CHECK(unchanged(&m, before));
    }
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_LIST_MODULES), 1, NULL, 0);
    memset(m.mem + 72 + 4, 0x5a, 12); /* junk in the OUT fields only */
    CHECK_EQ(call(&x, &m, compat), 0);
    for (int i = 16; i < 32; i++)
        CHECK_EQ(m.mem[72 + i], 0);

    /* MODULE_INFO: id and pad IN, the rest OUT; pad must be zero. */
    for (int i = 2; i < 4; i++) {
        put_op(&m, XSM_OP_CMD(1, XSM_CORE_MODULE_INFO), 1, NULL, 0);
        m.mem[72 + i] = 0x01;
        CHECK_EQ(call(&x, &m, compat), -EINVAL);
        CHECK_EQ(m.nr_to, 0);
    }

    /* Reserved-byte checks come after routing: a bad version still wins. */
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_VERSION), 2, NULL, 0);
    m.mem[72] = 1;
    CHECK_EQ(call(&x, &m, compat), -EBADMSG);
}

/*
 * One limit (docs/abi.md §5.4): the stack holds XSM_MAX_STACK modules, and
 * LIST_MODULES and the sysctl have room for exactly that many ids.  A full
 * stack, with a module from the private id range in it, is reported
 * completely and the same way by all three interfaces.
 */
static void test_one_limit(bool compat)
{
    static struct gm m;
    struct xsm_core_list_modules list;
    struct xen_sysctl_xsm_info si;
    struct xsm_module_info info;
    struct xsm_core_module_query q = {.id = PRIV_ID};
    const uint16_t want[] = {XSM_MODULE_SILO, XSM_MODULE_FLASK, XSM_MODULE_DUMMY, PRIV_ID};
    uint16_t ids[XSM_MAX_STACK + 1];
    xsm_ctx x;

    CHECK_EQ(sizeof(list.ids) / sizeof(list.ids[0]), XSM_MAX_STACK);
    CHECK_EQ(sizeof(si.active) / sizeof(si.active[0]), XSM_MAX_STACK);
    CHECK_EQ(sizeof(want) / sizeof(want[0]), XSM_MAX_STACK);

    make_ctx(&x);
    x.nr = 4;
    x.inst[2] = (struct xsm_instance){&x, &tdummy, 2, NULL};
    x.inst[3] = (struct xsm_instance){&x, &tpriv, 3, NULL};

    put_op(&m, XSM_OP_CMD(1, XSM_CORE_LIST_MODULES), 1, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), 0);
    memcpy(&list, m.mem + 72, sizeof(list));
    CHECK_EQ(list.count, XSM_MAX_STACK);
    for (int i = 0; i < XSM_MAX_STACK; i++)
        CHECK_EQ(list.ids[i], want[i]);

    memset(&si, 0, sizeof(si));
    si.query_id = XSM_MODULE_NONE;
    CHECK_EQ(xsm_sysctl_xsm_info(&x, &si), 0);
    CHECK_EQ(si.nr_active, XSM_MAX_STACK);
    for (int i = 0; i < XSM_MAX_STACK; i++)
        CHECK_EQ(si.active[i], want[i]);
    CHECK_EQ(xsm_list_modules(&x, ids, XSM_MAX_STACK + 1), XSM_MAX_STACK);
    for (int i = 0; i < XSM_MAX_STACK; i++)
        CHECK_EQ(ids[i], want[i]);

    /* Every listed id is described and routed, the private one included. */
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_MODULE_INFO), 1, &q, sizeof(q));
    CHECK_EQ(call(&x, &m, compat), 0);
    memcpy(&info, m.mem + 72, sizeof(info));
    CHECK_EQ(info.id, PRIV_ID);
    CHECK_EQ(info.flags, XSM_MODINFO_BUILT | XSM_MODINFO_ACTIVE);
    CHECK_EQ(info.slot, 3);
    CHECK_EQ(info.interface_version, 3);
    CHECK_EQ(info.first_cmd, 0x80010001U);
    CHECK_EQ(info.last_cmd, 0x80010001U);
    CHECK_EQ(strcmp(info.name, "private"), 0);
    put_op(&m, XSM_OP_CMD(PRIV_ID, 1), 3, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), 42);
    CHECK_EQ(m.nr_to, 0);
    put_op(&m, XSM_OP_CMD(PRIV_ID, 1), 1, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -EBADMSG);
    put_op(&m, XSM_OP_CMD(PRIV_ID, 2), 3, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -ENOSYS);

    /* Not stacked and not in the build: unknown. */
    make_ctx(&x);
    put_op(&m, XSM_OP_CMD(PRIV_ID, 1), 3, NULL, 0);
    CHECK_EQ(call(&x, &m, compat), -ENODEV);
    put_op(&m, XSM_OP_CMD(1, XSM_CORE_MODULE_INFO), 1, &q, sizeof(q));
    CHECK_EQ(call(&x, &m, compat), -ENODEV);
}

/* Native and compat callers of the core see byte-identical answers. */
static void test_core_abi_identical(void)
{
    static struct gm a, b;
    xsm_ctx x;
    struct xsm_core_module_query q = {.id = XSM_MODULE_FLASK};

    make_ctx(&x);
    for (uint32_t sub = 0; sub <= XSM_CORE_NR_CMDS + 1; sub++) {
        put_op(&a, XSM_OP_CMD(1, sub), 1, &q, sizeof(q));
        put_op(&b, XSM_OP_CMD(1, sub), 1, &q, sizeof(q));
        CHECK_EQ(call(&x, &a, false), call(&x, &b, true));
        CHECK(memcmp(a.mem, b.mem, GM_SIZE) == 0);
    }
}

static void test_c_api(void)
{
    xsm_ctx x, empty;
    uint16_t ids[4] = {9, 9, 9, 9};
    struct xsm_module_info info, keep;
    struct xen_sysctl_xsm_info si;

    make_ctx(&x);
    memset(&empty, 0, sizeof(empty));

    CHECK_EQ(xsm_list_modules(&x, ids, 4), 2);
    CHECK_EQ(ids[0], 3);
    CHECK_EQ(ids[1], 0);
    CHECK_EQ(ids[2], 9); /* untouched past count */
    ids[0] = 9;
    CHECK_EQ(xsm_list_modules(&x, ids, 0), 2);
    CHECK_EQ(ids[0], 9);
    CHECK_EQ(xsm_list_modules(&x, ids, 1), 2);
    CHECK_EQ(ids[0], 3);
    CHECK_EQ(ids[1], 0); /* still from the max=4 call */
    CHECK_EQ(xsm_list_modules(&x, NULL, 0), 2);
    CHECK_EQ(xsm_list_modules(&x, NULL, 1), -EINVAL);
    CHECK_EQ(xsm_list_modules(NULL, ids, 4), -EINVAL);
    CHECK_EQ(xsm_list_modules(&empty, ids, 4), 0);

    memset(&keep, 0x11, sizeof(keep));
    info = keep;
    CHECK_EQ(xsm_get_module_info(&x, 4, &info), -ENODEV);
    CHECK(memcmp(&info, &keep, sizeof(info)) == 0);
    CHECK_EQ(xsm_get_module_info(&x, 0, NULL), -EINVAL);
    CHECK_EQ(xsm_get_module_info(NULL, 0, &info), -EINVAL);
    CHECK_EQ(xsm_get_module_info(&x, 0, &info), 0);
    CHECK_EQ(info.slot, 1);
    CHECK_EQ(xsm_get_module_info(&empty, 0, &info), 0);
    CHECK_EQ(info.flags, XSM_MODINFO_BUILT | XSM_MODINFO_AUTHORITATIVE);

    /* Built, selected, declined (flask=disabled): DECLINED says why it is absent. */
    xsm_ctx declined;
    memset(&declined, 0, sizeof(declined));
    declined.nr = 1;
    declined.inst[0] = (struct xsm_instance){&declined, &tdummy, 0, NULL};
    declined.declined[declined.nr_declined++] = XSM_MODULE_FLASK;
    CHECK_EQ(xsm_get_module_info(&declined, 0, &info), 0);
    CHECK_EQ(info.flags, XSM_MODINFO_BUILT | XSM_MODINFO_AUTHORITATIVE | XSM_MODINFO_DECLINED);
    CHECK_EQ(info.slot, 0xff);
    CHECK_EQ(xsm_get_module_info(&declined, XSM_MODULE_DUMMY, &info), 0);
    CHECK_EQ(info.flags, XSM_MODINFO_BUILT | XSM_MODINFO_AUTHORITATIVE | XSM_MODINFO_ACTIVE);
    CHECK_EQ(xsm_get_module_info(&declined, XSM_MODULE_SILO, &info), 0);
    CHECK_EQ(info.flags, XSM_MODINFO_BUILT);

    memset(&si, 0, sizeof(si));
    si.query_id = XSM_MODULE_SILO;
    CHECK_EQ(xsm_sysctl_xsm_info(&x, &si), 0);
    CHECK_EQ(si.abi_version, 1);
    CHECK_EQ(si.nr_active, 2);
    CHECK_EQ(si.active[0], 3);
    CHECK_EQ(si.active[1], 0);
    CHECK_EQ(si.active[2], 0xffff);
    CHECK_EQ(si.active[XSM_SYSCTL_ACTIVE_MAX - 1], 0xffff);
    CHECK_EQ(si.info.id, 3);
    CHECK_EQ(si.info.slot, 0);
    si.query_id = XSM_MODULE_NONE;
    CHECK_EQ(xsm_sysctl_xsm_info(&x, &si), 0);
    CHECK_EQ(si.info.id, 0);
    CHECK_EQ(si.info.flags, 0);
    si.query_id = 77;
    si.nr_active = 1234;
    CHECK_EQ(xsm_sysctl_xsm_info(&x, &si), -ENODEV);
    CHECK_EQ(si.nr_active, 1234);
    si.query_id = 0;
    si.pad = 1;
    CHECK_EQ(xsm_sysctl_xsm_info(&x, &si), -EINVAL);
    CHECK_EQ(si.nr_active, 1234);
}

int main(void)
{
    for (int compat = 0; compat < 2; compat++) {
        test_errors(compat);
        test_results(compat);
        test_core(compat);
        test_reserved(compat);
        test_one_limit(compat);
    }
    test_core_abi_identical();
    test_c_api();
    if (t_failures) {
        fprintf(stderr, "%d checks failed\n", t_failures);
        return 1;
    }
    printf("dispatcher: all checks passed\n");
    return 0;
}
