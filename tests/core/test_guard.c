/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guard-page test of xsm_do_op with the real library (xsm_create, real
 * modules).  The 40-byte op is placed so that its last byte is the last
 * byte before a PROT_NONE page, and, separately, at the start of a page
 * that follows a PROT_NONE page.  The guest-memory callbacks memcpy straight
 * to and from those addresses, so reading or writing even one byte outside
 * the op faults the process.  Every module id this build knows, the core,
 * and unknown ids are driven through every subcommand 0..nr_cmds+2, with the
 * right and a wrong interface version, native and compat, for several
 * module stacks.  Results are checked against docs/abi.md's rules.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/op_decode.h"

static int failures;
#define CHECK(c, ...)                                                                              \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #c);                                \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Guest memory: the two-page mapping; gaddr == host address. */
struct gmem {
    unsigned char *map; /* two pages */
    size_t page;
    uint64_t op; /* where the op is */
    unsigned op_reads, op_writes, bad_len;
};

static bool in_map(const struct gmem *m, uint64_t a, size_t len)
{
    uint64_t lo = (uint64_t)(uintptr_t)m->map, hi = lo + 2 * m->page;
    return a >= lo && a <= hi && len <= hi - a;
}

/* Copies that overlap the op must be exactly the op: 40 bytes at its address. */
static void note(struct gmem *m, uint64_t a, size_t len, unsigned *ctr)
{
    if (a < m->op + XSM_OP_SIZE && a + len > m->op) {
        if (a != m->op || len != XSM_OP_SIZE)
            m->bad_len++;
        (*ctr)++;
    }
}

static int g_from(void *opaque, void *dst, uint64_t a, size_t len)
{
    struct gmem *m = opaque;

    if (!in_map(m, a, len))
        return -EFAULT; /* e.g. a zero handle: not guest memory */
    note(m, a, len, &m->op_reads);
    memcpy(dst, (const void *)(uintptr_t)a, len); /* faults past the op */
    return 0;
}

static int g_to(void *opaque, uint64_t a, const void *src, size_t len)
{
    struct gmem *m = opaque;

    if (!in_map(m, a, len))
        return -EFAULT;
    note(m, a, len, &m->op_writes);
    memcpy((void *)(uintptr_t)a, src, len);
    return 0;
}

static const struct xsm_module *builtin(uint16_t id)
{
    return xsm_core_builtin(id);
}

/*
 * The documented result of a routing decision, or 1 when the module decides
 * (then only the generic invariants are checked).
 */
static long expected(const xsm_ctx *x, uint16_t id, uint16_t sub, uint32_t ver)
{
    const struct xsm_module *mod = builtin(id);
    /* FLASK's words get Xen's -ENOSYS for every routing failure (docs/abi.md §3.2). */
    bool flask = id == XSM_MODULE_FLASK;

    if (mod == NULL)
        return flask ? -ENOSYS : -ENODEV;
    if (id != XSM_MODULE_CORE && xsm_core_active(x, id) == NULL)
        return flask ? -ENOSYS : -EOPNOTSUPP;
    if (ver != mod->interface_version)
        return flask ? -ENOSYS : -EBADMSG;
    if (sub == 0 || sub > mod->nr_cmds)
        return -ENOSYS;
    if (id == XSM_MODULE_CORE) {
        switch (sub) {
        case XSM_CORE_LIST_MODULES:
            return 0;
        case XSM_CORE_MODULE_INFO: /* zero payload asks about module 0 */
            return builtin(XSM_MODULE_FLASK) != NULL ? 0 : -ENODEV;
        case XSM_CORE_VERSION:
            return XSM_ABI_VERSION;
        }
    }
    if (id == XSM_MODULE_FLASK && (sub == FLASK_USER || sub == FLASK_DISABLE))
        return -ENOSYS;
    return 1;
}

static unsigned run_one(xsm_ctx *x, struct gmem *m, bool compat, uint16_t id, uint16_t sub,
                        uint32_t ver)
{
    struct xsm_guest g = {g_from, g_to, m, compat};
    struct xsm_domain cur = {.domid = 0, .is_privileged = true, .is_compat = compat};
    unsigned char *op = (unsigned char *)(uintptr_t)m->op;
    unsigned char before[XSM_OP_SIZE];
    uint32_t cmd = XSM_OP_CMD(id, sub);
    long rc, want;

    memset(op, 0, XSM_OP_SIZE);
    memcpy(op, &cmd, 4);
    memcpy(op + 4, &ver, 4);
    memcpy(before, op, XSM_OP_SIZE);
    m->op_reads = m->op_writes = m->bad_len = 0;

    rc = xsm_do_op(x, &cur, &g, m->op);
    want = expected(x, id, sub, ver);

    if (want != 1)
        CHECK(rc == want, "id %u sub %u ver %u compat %d: got %ld, want %ld", id, sub, ver, compat,
              rc, want);
    CHECK(m->op_reads == 1, "id %u sub %u: %u reads of the op", id, sub, m->op_reads);
    CHECK(m->op_writes <= 1, "id %u sub %u: %u writes of the op", id, sub, m->op_writes);
    CHECK(m->bad_len == 0, "id %u sub %u: a copy touched the op other than as 40 bytes", id, sub);
    if (rc < 0)
        CHECK(m->op_writes == 0 && memcmp(op, before, XSM_OP_SIZE) == 0,
              "id %u sub %u: error %ld but the op was written", id, sub, rc);
    if (id == XSM_MODULE_CORE && sub == XSM_CORE_VERSION)
        CHECK(m->op_writes == 0, "VERSION copied back");
    if (id == XSM_MODULE_CORE && rc == 0)
        CHECK(m->op_writes == 1, "core sub %u: no copy-back", sub);
    return 1;
}

static unsigned sweep(xsm_ctx *x, struct gmem *m)
{
    /* 0 is FLASK's id: swept here too when this build lacks FLASK. */
    static const uint16_t unknown[] = {0, 4, 5, 0xff, 0x100, 0x7fff, 0xfffe, 0xffff};
    unsigned n = 0;

    for (int compat = 0; compat < 2; compat++) {
        /* Every built module, the core included. */
        for (unsigned id = 0; id < 0x10; id++) {
            const struct xsm_module *mod = builtin((uint16_t)id);
            if (mod == NULL)
                continue;
            for (unsigned sub = 0; sub <= (unsigned)mod->nr_cmds + 2; sub++) {
                n += run_one(x, m, compat, (uint16_t)id, (uint16_t)sub, mod->interface_version);
                n += run_one(x, m, compat, (uint16_t)id, (uint16_t)sub, mod->interface_version + 1);
            }
        }
        for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
            for (unsigned sub = 0; sub < 4 && builtin(unknown[i]) == NULL; sub++)
                n += run_one(x, m, compat, unknown[i], (uint16_t)sub, 1);
    }
    return n;
}

int main(void)
{
    const char *stacks[] = {"dummy", "silo", "dummy,silo", "flask", "silo,flask", "flask,silo"};
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *map =
        mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned calls = 0, tried = 0;

    if (map == MAP_FAILED) {
        printf("skipped: mmap failed\n");
        return 77;
    }

    for (size_t s = 0; s < sizeof(stacks) / sizeof(stacks[0]); s++) {
        struct xsm_config cfg = {.modules = stacks[s]};
        xsm_ctx *x;
        int rc = xsm_create(&x, &cfg);

        /* A stack naming a module this build lacks boots the default module instead. */
        CHECK(rc == 0, "xsm_create(\"%s\") = %d", stacks[s], rc);
        if (rc != 0)
            continue;
        tried++;

        /* Op flush against the end of page 1; page 2 inaccessible. */
        struct gmem m = {map, page, (uint64_t)(uintptr_t)(map + page - XSM_OP_SIZE), 0, 0, 0};
        mprotect(map, page, PROT_READ | PROT_WRITE);
        mprotect(map + page, page, PROT_NONE);
        calls += sweep(x, &m);

        /* Op at the start of page 2; page 1 inaccessible. */
        m.op = (uint64_t)(uintptr_t)(map + page);
        mprotect(map + page, page, PROT_READ | PROT_WRITE);
        mprotect(map, page, PROT_NONE);
        calls += sweep(x, &m);

        xsm_destroy(x);
    }
    munmap(map, 2 * page);

    CHECK(tried >= 3, "only %u stacks could be created", tried);
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("guard: %u calls over %u stacks, no fault\n", calls, tried);
    return 0;
}
