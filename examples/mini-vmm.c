/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini-vmm: the smallest host of openxsm, walked through in
 * docs/embedding.md.
 *
 * A VMM that runs FLASK with the library's default policy: Xen's idle
 * domain, a control domain (dom0_t) and two guests, "web" (domU_t) and
 * "vault" (isolated_domU_t, which may talk to dom0 only).  It asks the
 * hooks what a hypervisor would ask before pausing a domain, mapping a
 * grant or running kexec, lets the guests issue xsm_op hypercalls from
 * their own memory, and prints every answer.  It checks each answer
 * against what docs/policy.md says the default policy decides, and exits
 * 1 if any differs, so `make check` can run it.
 *
 * Build it against an installed openxsm:
 *     cc -std=c11 mini-vmm.c $(pkg-config --cflags --libs openxsm)
 * It uses nothing but the public headers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>

/* Xen's public numbers this host passes to the hooks (xen/include/public/domctl.h). */
#define XEN_DOMCTL_pausedomain 3

/* ---- The VMM's domains -------------------------------------------------- */

#define GUEST_MEM 8192   /* each guest's memory: guest addresses 0..GUEST_MEM-1 */
#define OP_ADDR   0x1000 /* where a guest puts its 40-byte xsm_op */
#define STR_ADDR  0x1100 /* and the strings the op points to */

struct vm {
    struct xsm_domain xd; /* what XSM sees of the domain; modules keep labels in it */
    const char *name;
    uint8_t mem[GUEST_MEM];
};

struct vmm {
    xsm_ctx *xsm;
    struct vm idle, dom0, web, vault;
    unsigned wrong; /* answers that differ from the policy's documentation */
};

static struct vm *vm_by_id(struct vmm *v, xsm_domid_t id)
{
    struct vm *all[] = {&v->dom0, &v->web, &v->vault};

    for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (all[i]->xd.domid == id)
            return all[i];
    return NULL;
}

/* ---- The host interface: look-ups and the log ---------------------------- */

/* XSM asks for a domain by id (an xsm_op naming one, an event channel's peer). */
static struct xsm_domain *host_domain_get(void *host, xsm_domid_t domid)
{
    struct vm *vm = vm_by_id(host, domid);

    return vm != NULL ? &vm->xd : NULL;
}

/* One log line (audit lines, boot messages): printable, no newline. */
static void host_log(void *host, const char *line)
{
    (void)host;
    printf("    xsm| %s\n", line);
}

static const struct xsm_host_ops host_ops = {
    .domain_get = host_domain_get,
    .log = host_log,
};

/* ---- Guest memory: how XSM reads a hypercall's arguments ----------------- */

/*
 * A copy outside the guest's memory is a fault: -EFAULT, nothing written.
 * The checks are written so that gaddr + len cannot overflow.
 */
static int guest_copy_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    struct vm *vm = opaque;

    if (gaddr > GUEST_MEM || len > GUEST_MEM - gaddr)
        return -EFAULT;
    memcpy(dst, vm->mem + gaddr, len);
    return 0;
}

static int guest_copy_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    struct vm *vm = opaque;

    if (gaddr > GUEST_MEM || len > GUEST_MEM - gaddr)
        return -EFAULT;
    memcpy(vm->mem + gaddr, src, len);
    return 0;
}

/* Hypercall 27 from vm, its argument at guest address gaddr. */
static long hypercall_xsm_op(struct vmm *v, struct vm *vm, uint64_t gaddr)
{
    const struct xsm_guest g = {
        .copy_from = guest_copy_from,
        .copy_to = guest_copy_to,
        .opaque = vm,
        .compat = false, /* a 64-bit guest */
    };

    return xsm_do_op(v->xsm, &vm->xd, &g, gaddr);
}

/* What a guest kernel does: write the op into its memory, trap, read it back. */
static long guest_flask_op(struct vmm *v, struct vm *vm, xen_flask_op_t *op)
{
    long rc;

    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    memcpy(vm->mem + OP_ADDR, op, sizeof(*op));
    rc = hypercall_xsm_op(v, vm, OP_ADDR);
    memcpy(op, vm->mem + OP_ADDR, sizeof(*op));
    return rc;
}

/* FLASK_CONTEXT_TO_SID from vm's memory: the toolstack's way to name a label. */
static long context_to_sid(struct vmm *v, struct vm *vm, const char *context, uint32_t *sid)
{
    xen_flask_op_t op;
    size_t len = strlen(context);
    long rc;

    memcpy(vm->mem + STR_ADDR, context, len);
    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_CONTEXT_TO_SID;
    op.u.sid_context.size = (uint32_t)len;
    /* A guest address in the handle, as a guest kernel passes it; never dereferenced here. */
    // NOLINTNEXTLINE(performance-no-int-to-ptr)
    op.u.sid_context.context.p = (char *)(uintptr_t)STR_ADDR;
    rc = guest_flask_op(v, vm, &op);
    *sid = rc == 0 ? op.u.sid_context.sid : 0;
    return rc;
}

/* ---- Reporting ------------------------------------------------------------ */

static void expect(struct vmm *v, const char *what, long got, long want)
{
    const char *mark = got == want ? "" : "   <-- expected differently";

    if (got < 0)
        printf("  %-48s %ld (%s)%s\n", what, got, xsm_strerror((int)got), mark);
    else
        printf("  %-48s %ld%s\n", what, got, mark);
    if (got != want)
        v->wrong++;
}

/* ---- The VMM's life ------------------------------------------------------- */

static int boot(struct vmm *v)
{
    struct xsm_config cfg = {
        .modules = "flask",
        .flask_mode = "enforcing",
        /* .policy = NULL: the default policy built into the library */
        .host_ops = &host_ops,
        .host = v,
    };
    int rc;

    printf("boot: xsm_create with FLASK, enforcing, the default policy\n");
    rc = xsm_create(&v->xsm, &cfg);
    if (rc != 0) {
        fprintf(stderr, "xsm_create: %s\n", xsm_strerror(rc));
        return rc;
    }

    /*
     * Xen's boot order.  The idle domain is labelled first: FLASK knows it
     * as xenboot_t, the label that may build the control domain.
     */
    v->idle.xd.domid = XSM_DOMID_IDLE;
    v->idle.xd.is_privileged = true;
    v->dom0.xd.domid = 0;
    v->dom0.xd.is_privileged = true;
    rc = xsm_alloc_security_domain(v->xsm, NULL, &v->idle.xd);
    if (rc == 0)
        rc = xsm_alloc_security_domain(v->xsm, &v->idle.xd, &v->dom0.xd);
    if (rc == 0) /* ssidref 0: keep the label alloc chose, dom0_t */
        rc = xsm_domain_create(v->xsm, &v->idle.xd, &v->dom0.xd, 0);
    if (rc == 0) /* Xen is up: the idle domain becomes xen_t */
        rc = xsm_set_system_active(v->xsm, &v->idle.xd);
    if (rc != 0)
        fprintf(stderr, "labelling dom0: %s\n", xsm_strerror(rc));
    return rc;
}

/* dom0's toolstack builds a guest with the label named in its configuration. */
static int create_guest(struct vmm *v, struct vm *vm, xsm_domid_t id, const char *name,
                        const char *label)
{
    uint32_t sid;
    long rc;

    vm->xd.domid = id;
    vm->name = name;
    rc = context_to_sid(v, &v->dom0, label, &sid);
    if (rc == 0)
        rc = xsm_alloc_security_domain(v->xsm, &v->dom0.xd, &vm->xd);
    if (rc == 0) {
        rc = xsm_domain_create(v->xsm, &v->dom0.xd, &vm->xd, sid);
        if (rc != 0) /* not created: its label goes again */
            xsm_free_security_domain(v->xsm, &v->dom0.xd, &vm->xd);
    }
    printf("create d%u \"%s\" as %s: %s\n", (unsigned)id, name, label, xsm_strerror((int)rc));
    return (int)rc;
}

static void shutdown(struct vmm *v)
{
    /* Each label goes with its domain; then the instance. */
    xsm_free_security_domain(v->xsm, &v->dom0.xd, &v->vault.xd);
    xsm_free_security_domain(v->xsm, &v->dom0.xd, &v->web.xd);
    xsm_free_security_domain(v->xsm, NULL, &v->dom0.xd);
    xsm_free_security_domain(v->xsm, NULL, &v->idle.xd);
    xsm_destroy(v->xsm);
}

static struct vmm machine; /* zeroed, and at one address for the instance's whole life */

int main(void)
{
    struct vmm *v = &machine;
    xen_flask_op_t op;
    uint32_t sid;

    if (boot(v) != 0)
        return 1;

    printf("\nan unlabelled caller (the VMM forgot alloc_security_domain for it):\n");
    v->web.xd.domid = 1;
    expect(v, "web: FLASK_CONTEXT_TO_SID",
           context_to_sid(v, &v->web, "system_u:system_r:domU_t", &sid), -EACCES);

    printf("\nthe toolstack in dom0 creates two guests:\n");
    if (create_guest(v, &v->web, 1, "web", "system_u:system_r:domU_t") != 0 ||
        create_guest(v, &v->vault, 2, "vault", "system_u:system_r:isolated_domU_t") != 0) {
        shutdown(v);
        return 1;
    }

    printf("\nhooks, as the hypervisor asks them:\n");
    expect(v, "dom0 pauses web (domctl)",
           xsm_domctl(v->xsm, &v->dom0.xd, &v->web.xd, XEN_DOMCTL_pausedomain), 0);
    expect(v, "web pauses dom0 (domctl)",
           xsm_domctl(v->xsm, &v->web.xd, &v->dom0.xd, XEN_DOMCTL_pausedomain), -EACCES);
    expect(v, "web maps a grant of dom0",
           xsm_grant_mapref(v->xsm, &v->web.xd, &v->web.xd, &v->dom0.xd, 0), 0);
    expect(v, "web maps a grant of vault",
           xsm_grant_mapref(v->xsm, &v->web.xd, &v->web.xd, &v->vault.xd, 0), -EACCES);
    expect(v, "vault maps a grant of dom0",
           xsm_grant_mapref(v->xsm, &v->vault.xd, &v->vault.xd, &v->dom0.xd, 0), 0);
    expect(v, "dom0 runs kexec", xsm_kexec(v->xsm, &v->dom0.xd), 0);
    expect(v, "web runs kexec", xsm_kexec(v->xsm, &v->web.xd), -EACCES);

    printf("\nxsm_op hypercalls from the guests' own memory:\n");
    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_GETENFORCE;
    expect(v, "web: FLASK_GETENFORCE", guest_flask_op(v, &v->web, &op), 1);
    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_SETENFORCE;
    op.u.enforce.enforcing = 0;
    expect(v, "web: FLASK_SETENFORCE 0", guest_flask_op(v, &v->web, &op), -EACCES);
    expect(v, "web: an op at an address it does not have",
           hypercall_xsm_op(v, &v->web, GUEST_MEM - 8), -EFAULT);
    expect(v, "dom0: FLASK_CONTEXT_TO_SID of a label",
           context_to_sid(v, &v->dom0, "system_u:system_r:domU_t", &sid), 0);
    expect(v, "dom0: FLASK_CONTEXT_TO_SID of no valid label",
           context_to_sid(v, &v->dom0, "system_u:system_r:no_such_t", &sid), -EINVAL);

    shutdown(v);
    printf("\n%s\n", v->wrong == 0 ? "every answer is the documented one"
                                   : "SOME ANSWERS DIFFER FROM THE DOCUMENTATION");
    return v->wrong == 0 ? 0 : 1;
}
