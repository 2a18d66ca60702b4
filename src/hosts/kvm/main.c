/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsm-kvm-run: boot one guest kernel as a KVM VM whose hypercalls are
 * served by a hypervisor model of its own (docs/kvm.md).  The guest is a
 * domain created by dom0 with the given label, or (--dom0, the first
 * kernel) dom0 itself, the control domain a PVH dom0 kernel would be; the
 * console output (the model's console log, then each guest's PV console
 * ring as "(dN:pv)" lines) is printed when it stops, then one status line.
 *
 * Exit: 0 after the guest's sched_op shutdown(poweroff), 1 after any other
 * end (another shutdown reason, halt, crash, timeout), 2 for usage, 3 when
 * the host cannot run it (no /dev/kvm, a refused kernel image, ...).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm_op.h>

#include "kvmhost.h"

#define IMAGE_MAX (64U << 20)
#define LABEL_MAX 1024U
#define OP_SIZE   40U
#define MAX_VMS   8U

static const char *const shutdown_names[] = {"poweroff", "reboot",   "suspend",
                                             "crash",    "watchdog", "soft_reset"};

static void usage(FILE *f)
{
    fputs("usage: xsm-kvm-run [options] KERNEL...\n"
          "Boot Xen PVH kernels (ELF with XEN_ELFNOTE_PHYS32_ENTRY) on KVM, up to 8\n"
          "at once, each a guest domain with one vCPU thread; their hypercalls are\n"
          "served by one openxsm hypervisor model.\n"
          "  --xsm MODULES      dummy, silo, flask, silo,flask (default: dummy)\n"
          "  --flask-mode MODE  enforcing, permissive, disabled, late\n"
          "  --policy FILE      binary FLASK policy (default: the built-in one)\n"
          "  --label CONTEXT    the guests' security label (FLASK); repeated, the\n"
          "                     n-th applies to the n-th KERNEL, the last to the rest\n"
          "  --dom0             the first KERNEL is the control domain, domain 0,\n"
          "                     labelled by the policy; the others are domains it\n"
          "                     creates, and --label counts from the second KERNEL\n"
          "  --memory MB        memory of each guest, 2 to 3072 MiB (default 16)\n"
          "  --bits 32|64       the domain's word size (default: the ELF machine)\n"
          "  --cmdline STRING   the kernel command line (hvm_start_info); repeated,\n"
          "                     per KERNEL as --label\n"
          "  --name NAME        the guest's name in xenstore (several kernels: NAME-N;\n"
          "                     default guest-N, N the domain id)\n"
          "  --no-console-io    not a console domain: console_io needs privilege\n"
          "  --timeout SECONDS  stop the guests after this long (default 30)\n"
          "  -v, --verbose      print XSM log lines and host notes on stderr\n",
          f);
}

static void log_line(void *opaque, const char *line)
{
    (void)opaque;
    fprintf(stderr, "xsm-kvm-run: %s\n", line);
}

static int read_file(const char *path, uint8_t **out, size_t *len, size_t max)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    size_t n;

    if (!f)
        return -errno;
    buf = malloc(max + 1);
    if (!buf) {
        (void)fclose(f);
        return -ENOMEM;
    }
    n = fread(buf, 1, max + 1, f);
    if (ferror(f) || n > max) {
        (void)fclose(f);
        free(buf);
        return n > max ? -EFBIG : -EIO;
    }
    (void)fclose(f); /* read-only: nothing to lose */
    *out = buf;
    *len = n;
    return 0;
}

/* Memory of the toolstack's own request, for xsm_do_op (addresses are offsets). */
struct local {
    uint8_t *p;
    size_t len;
};

static int local_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    struct local *m = opaque;

    if (gaddr > m->len || len > m->len - gaddr)
        return -EFAULT;
    memcpy(dst, m->p + gaddr, len);
    return 0;
}

static int local_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    struct local *m = opaque;

    if (gaddr > m->len || len > m->len - gaddr)
        return -EFAULT;
    memcpy(m->p + gaddr, src, len);
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The label's SID, asked by dom0 as a toolstack asks (FLASK CONTEXT_TO_SID). */
static long label_sid(struct hv *h, const char *label, uint32_t *sid)
{
    size_t len = strlen(label);
    uint8_t buf[OP_SIZE + LABEL_MAX];
    struct local m = {buf, OP_SIZE + len};
    struct xsm_guest g = {local_from, local_to, &m, false};
    long rc;

    if (len > LABEL_MAX)
        return -E2BIG;
    memset(buf, 0, OP_SIZE);
    put32(buf, XSM_OP_CMD(XSM_MODULE_FLASK, FLASK_CONTEXT_TO_SID));
    put32(buf + 4, XEN_FLASK_INTERFACE_VERSION);
    put32(buf + 12, (uint32_t)len);
    put32(buf + 16, OP_SIZE); /* the handle: where the string is */
    /* Xen's handle points at the bytes, their count is in size: no NUL. */
    memcpy(buf + OP_SIZE, label, len); // NOLINT(bugprone-not-null-terminated-result)
    rc = xsm_do_op(hv_xsm(h), hv_domain_xsm(h, 0), &g, 0);
    if (rc >= 0)
        *sid = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 |
               (uint32_t)buf[11] << 24;
    return rc;
}

struct opts {
    struct hv_config hc;
    const char *policy, *name;
    /* Per kernel, in order; the last one given also applies to the rest. */
    const char *label[MAX_VMS], *cmdline[MAX_VMS];
    unsigned nr_labels, nr_cmdlines;
    const char *const *kernels;
    unsigned nr_kernels;
    unsigned long memory_mb, timeout;
    int bits;
    bool console, verbose, dom0;
};

static int parse(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        {"xsm", required_argument, NULL, 'x'},     {"flask-mode", required_argument, NULL, 'f'},
        {"policy", required_argument, NULL, 'p'},  {"label", required_argument, NULL, 'l'},
        {"memory", required_argument, NULL, 'm'},  {"bits", required_argument, NULL, 'b'},
        {"cmdline", required_argument, NULL, 'c'}, {"name", required_argument, NULL, 'N'},
        {"no-console-io", no_argument, NULL, 'n'}, {"timeout", required_argument, NULL, 't'},
        {"verbose", no_argument, NULL, 'v'},       {"help", no_argument, NULL, 'h'},
        {"dom0", no_argument, NULL, 'd'},          {NULL, 0, NULL, 0}};
    char *end;
    int c;

    o->memory_mb = 16;
    o->timeout = 30;
    o->console = true;
    while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
        switch (c) {
        case 'x':
            o->hc.modules = optarg;
            break;
        case 'f':
            o->hc.flask_mode = optarg;
            break;
        case 'p':
            o->policy = optarg;
            break;
        case 'l':
            if (o->nr_labels == MAX_VMS) {
                fprintf(stderr, "xsm-kvm-run: at most %u --label\n", MAX_VMS);
                return 2;
            }
            o->label[o->nr_labels++] = optarg;
            break;
        case 'm':
            errno = 0;
            o->memory_mb = strtoul(optarg, &end, 10);
            if (errno || *end || o->memory_mb < 2 || o->memory_mb > 3072) {
                fprintf(stderr, "xsm-kvm-run: --memory wants 2 to 3072 (MiB)\n");
                return 2;
            }
            break;
        case 'b':
            if (strcmp(optarg, "32") != 0 && strcmp(optarg, "64") != 0) {
                fprintf(stderr, "xsm-kvm-run: --bits wants 32 or 64\n");
                return 2;
            }
            o->bits = optarg[0] == '3' ? 32 : 64;
            break;
        case 'c':
            if (o->nr_cmdlines == MAX_VMS) {
                fprintf(stderr, "xsm-kvm-run: at most %u --cmdline\n", MAX_VMS);
                return 2;
            }
            o->cmdline[o->nr_cmdlines++] = optarg;
            break;
        case 'N':
            /* Room for "-N"; what xenstore's node names allow, so it prints as it is. */
            if (!*optarg || strlen(optarg) > 48 ||
                strspn(optarg,
                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
                    strlen(optarg)) {
                fprintf(stderr, "xsm-kvm-run: --name wants 1 to 48 of [A-Za-z0-9-_.]\n");
                return 2;
            }
            o->name = optarg;
            break;
        case 'd':
            o->dom0 = true;
            break;
        case 'n':
            o->console = false;
            break;
        case 't':
            errno = 0;
            o->timeout = strtoul(optarg, &end, 10);
            if (errno || *end || o->timeout == 0 || o->timeout > 86400) {
                fprintf(stderr, "xsm-kvm-run: --timeout wants 1 to 86400 (seconds)\n");
                return 2;
            }
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc || (unsigned)(argc - optind) > MAX_VMS) {
        usage(stderr);
        return 2;
    }
    if (o->dom0 && o->nr_labels >= (unsigned)(argc - optind)) {
        fprintf(stderr, "xsm-kvm-run: --dom0: a --label for each other KERNEL at most\n");
        return 2;
    }
    if (o->dom0 && !o->console) {
        fprintf(stderr, "xsm-kvm-run: --dom0 takes no --no-console-io\n");
        return 2;
    }
    o->kernels = (const char *const *)argv + optind;
    o->nr_kernels = (unsigned)(argc - optind);
    return 0;
}

/* Creates a VM and loads one kernel into it. */
static int load(const struct opts *o, struct kvmh *k, const char *path, struct kvmh_vm **out)
{
    uint8_t *img = NULL;
    size_t len = 0;
    char why[200] = "";
    bool is64 = false;
    long rc;

    if ((rc = read_file(path, &img, &len, IMAGE_MAX)) < 0) {
        fprintf(stderr, "xsm-kvm-run: %s: %s\n", path, strerror((int)-rc));
        return (int)rc;
    }
    rc = kvmh_vm_create(k, (uint64_t)o->memory_mb << 20, out);
    if (rc < 0) {
        fprintf(stderr, "xsm-kvm-run: cannot create a VM: %s\n", strerror((int)-rc));
    } else if ((rc = kvmh_elf_load(*out, img, len, &is64, why, sizeof(why))) < 0) {
        fprintf(stderr, "xsm-kvm-run: %s: %s\n", path, why);
        kvmh_vm_free(*out);
        *out = NULL;
    } else {
        (*out)->compat = o->bits ? o->bits == 32 : !is64;
        (*out)->guest.compat = (*out)->compat;
    }
    free(img);
    return (int)rc;
}

/* Kernel i's entry of a per-kernel option: its own, or the last one given. */
static const char *per_kernel(const char *const *v, unsigned n, unsigned i)
{
    return n == 0 ? NULL : v[i < n ? i : n - 1];
}

/*
 * The VM's domain (dom0 exists already), its vCPU state, its thread.
 * With --dom0 the first VM is dom0 and the others' labels count from 0.
 */
static int launch(const struct opts *o, struct hv *h, unsigned i, struct kvmh_vm *vm, bool *created)
{
    bool is_dom0 = o->dom0 && i == 0;
    const char *label = per_kernel(o->label, o->nr_labels, o->dom0 && i ? i - 1 : i);
    struct hv_domain_config dc;
    xsm_domid_t id = 0;
    long rc;

    if (!vm)
        return -EINVAL;
    if (!is_dom0) {
        memset(&dc, 0, sizeof(dc));
        if (label && (rc = label_sid(h, label, &dc.ssidref)) < 0) {
            fprintf(stderr, "xsm-kvm-run: label refused: %s\n", strerror((int)-rc));
            return (int)rc;
        }
        dc.flags = HV_CDF_hvm | HV_CDF_hap;
        dc.is_compat = vm->compat;
        dc.is_console = o->console;
        dc.mem_size = vm->mem_size;
        dc.guest = &vm->guest;
        dc.phys = &vm->phys;
        if ((rc = hv_domain_create(h, 0, &dc, &id)) < 0) {
            fprintf(stderr, "xsm-kvm-run: domain creation refused: %s\n", strerror((int)-rc));
            return (int)rc;
        }
        *created = true;
    }
    vm->domid = id;
    if (!is_dom0) {
        char name[KVMH_NAME_MAX] = "";

        if (o->name && o->nr_kernels > 1)
            snprintf(name, sizeof(name), "%s-%u", o->name, id);
        else if (o->name)
            snprintf(name, sizeof(name), "%s", o->name);
        if ((rc = kvmh_rings_setup(vm, o->name ? name : NULL)) < 0) {
            fprintf(stderr, "xsm-kvm-run: cannot set the rings up: %s\n", strerror((int)-rc));
            return (int)rc;
        }
    }
    if ((rc = kvmh_cpuid_setup(vm)) < 0 || (rc = kvmh_hcall_setup(vm)) < 0 ||
        (rc = kvmh_boot_setup(vm, per_kernel(o->cmdline, o->nr_cmdlines, i))) < 0) {
        fprintf(stderr, "xsm-kvm-run: cannot set the vCPU up: %s\n", strerror((int)-rc));
        return (int)rc;
    }
    if (!is_dom0 && (rc = hv_domain_unpause(h, 0, id)) < 0) {
        fprintf(stderr, "xsm-kvm-run: unpause refused: %s\n", strerror((int)-rc));
        return (int)rc;
    }
    if ((rc = kvmh_vm_start(vm)) < 0)
        fprintf(stderr, "xsm-kvm-run: cannot start a vCPU thread: %s\n", strerror((int)-rc));
    return (int)rc;
}

/* Waits for a vCPU thread until the common deadline, then stops it. */
static void wait_guest(struct kvmh_vm *vm, const struct timespec *deadline)
{
    if (pthread_timedjoin_np(vm->thread, NULL, deadline) == 0)
        return;
    kvmh_vm_stop(vm);
    kvmh_vm_join(vm);
}

static int report(const struct kvmh_vm *vm)
{
    switch (vm->end) {
    case KVMH_SHUTDOWN:
        printf("xsm-kvm-run: d%u shutdown %s after %lu hypercalls\n", vm->domid,
               vm->shutdown_reason < 6 ? shutdown_names[vm->shutdown_reason] : "?", vm->nr_hcalls);
        return vm->shutdown_reason == 0 ? 0 : 1;
    case KVMH_STOPPED:
        printf("xsm-kvm-run: d%u timed out after %lu hypercalls\n", vm->domid, vm->nr_hcalls);
        return 1;
    default:
        printf("xsm-kvm-run: d%u %s: %s after %lu hypercalls\n", vm->domid,
               vm->end == KVMH_HALTED        ? "halted"
               : vm->end == KVMH_CRASHED     ? "crashed"
               : vm->end == KVMH_UNSUPPORTED ? "refused"
                                             : "host failure",
               vm->why, vm->nr_hcalls);
        return 1;
    }
}

int main(int argc, char **argv)
{
    struct opts o;
    struct kvmh k = {.kvm_fd = -1};
    struct kvmh_vm *vms[MAX_VMS] = {NULL};
    bool created[MAX_VMS] = {false}, started[MAX_VMS] = {false};
    struct hv *h = NULL;
    uint8_t *pol = NULL;
    size_t pol_len = 0, con_len = 0;
    struct timespec deadline;
    const char *con;
    long rc;
    int ret = 3;

    memset(&o, 0, sizeof(o));
    rc = parse(argc, argv, &o);
    if (rc)
        return (int)rc;
    if (o.policy && (rc = read_file(o.policy, &pol, &pol_len, IMAGE_MAX)) < 0) {
        fprintf(stderr, "xsm-kvm-run: %s: %s\n", o.policy, strerror((int)-rc));
        return 3;
    }
    o.hc.policy = pol;
    o.hc.policy_len = pol_len;
    if (o.verbose) {
        o.hc.log = log_line;
        k.log = log_line;
    }
    if ((rc = kvmh_init(&k)) < 0) {
        fprintf(stderr, "xsm-kvm-run: /dev/kvm: %s\n",
                rc == -ENOTSUP ? "lacks SYNC_REGS or user-space MSR exits" : strerror((int)-rc));
        goto out;
    }
    for (unsigned i = 0; i < o.nr_kernels; i++)
        if (load(&o, &k, o.kernels[i], &vms[i]) < 0 || !vms[i])
            goto out;
    if (o.dom0) {
        o.hc.dom0_guest = &vms[0]->guest; /* the model's dom0 is this VM */
        o.hc.dom0_phys = &vms[0]->phys;
        o.hc.dom0_mem_size = vms[0]->mem_size;
    }
    if ((rc = hv_create(&h, &o.hc)) < 0) {
        fprintf(stderr, "xsm-kvm-run: hypervisor model: %s\n", strerror((int)-rc));
        goto out;
    }
    k.h = h;
    /* Once a guest runs, the model is shared: the lock is taken from here on. */
    for (unsigned i = 0; i < o.nr_kernels; i++) {
        pthread_rwlock_wrlock(k.hv_lock);
        rc = launch(&o, h, i, vms[i], &created[i]);
        pthread_rwlock_unlock(k.hv_lock);
        if (rc < 0)
            break;
        started[i] = true;
    }
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)o.timeout;
    for (unsigned i = 0; i < o.nr_kernels; i++) {
        if (!started[i])
            continue;
        if (rc < 0)
            kvmh_vm_stop(vms[i]); /* a later guest failed to start: end them all */
        wait_guest(vms[i], &deadline);
    }
    if (rc < 0)
        goto out;
    con = hv_console_log(h, &con_len);
    if (con && con_len && fwrite(con, 1, con_len, stdout) != con_len)
        fprintf(stderr, "xsm-kvm-run: cannot write the console log\n");
    for (unsigned i = 0; i < o.nr_kernels; i++)
        kvmh_console_print(vms[i], stdout);
    ret = 0;
    for (unsigned i = 0; i < o.nr_kernels; i++)
        if (report(vms[i]) != 0)
            ret = 1;
out:
    /*
     * Every domain first, then the VMs: destroying a domain takes the other
     * VMs' grant maps of its pages away through their VMs (dom0's too).
     */
    for (unsigned i = 0; i < o.nr_kernels; i++) {
        if (created[i]) {
            kvmh_rings_fini(vms[i]);
            hv_domain_destroy(h, 0, vms[i]->domid);
        }
    }
    for (unsigned i = 0; i < o.nr_kernels; i++)
        kvmh_vm_free(vms[i]);
    kvmh_fini(&k);
    hv_destroy(h);
    free(pol);
    return ret;
}
