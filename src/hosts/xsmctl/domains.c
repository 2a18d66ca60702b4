/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and the console.
 *
 * create / destroy are the daemon's CREATE and DESTROY requests (a process
 * domain gets its socket); list walks the domains with domctl
 * getdomaininfo (hypercall 36), which in 4.17 answers for the next domain
 * at or above the id asked, labels each with FLASK's SID_TO_CONTEXT, and
 * adds from the daemon (DOMAINS) which have a socket and their word size.
 * The console ring is sysctl readconsole (hypercall 35), as xl dmesg reads
 * it.  A KVM guest's PV console ("console DOMID", as xl console) is the
 * daemon's CONSOLE request: no hypercall reads a console ring's backend.  Layouts: Xen 4.17's
 * struct xen_domctl (144 bytes, payload at 16) and struct xen_sysctl (136 bytes, payload at 8).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openxsm/hv.h>

#include "xsmctl.h"
#include "xsmd_wire.h"

#define DOMCTL_SIZE 144
#define SYSCTL_SIZE 136
#define CONSOLE_MAX (1U << 20)
#define GUEST_CHUNK (64U << 10)

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static bool domid_arg(const char *s, long *v)
{
    char *end;

    errno = 0;
    *v = strtol(s, &end, 10);
    return !errno && end != s && !*end && *v >= 0 && *v < 0x7ff0;
}

/* Reads a kernel image into guest-visible memory (gmem); 0 or -errno. */
static int read_kernel(struct ctl *c, const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long size;
    uint8_t *buf;

    if (!f)
        return -errno;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        (void)fclose(f);
        return -EIO;
    }
    if (size == 0 || (unsigned long)size > XSMD_KERNEL_MAX) {
        (void)fclose(f);
        return -EFBIG;
    }
    buf = gmem(c, (size_t)size);
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        gmem_free(c, buf, (size_t)size);
        (void)fclose(f);
        return -EIO;
    }
    (void)fclose(f);
    *out = buf;
    *len = (size_t)size;
    return 0;
}

#define CREATE_USAGE                                                                               \
    "usage: domain create [--label CONTEXT] [--32] [--domid N] [--kernel FILE [--memory MB] "      \
    "[--cmdline STRING]]"

static int create(struct ctl *c, int argc, char **argv)
{
    const char *label = NULL, *kernel = NULL, *cmdline = NULL;
    bool bits32 = false;
    long domid = 0, memory = 0;
    uint64_t a[6] = {0}, value = 0;
    uint8_t *img = NULL;
    size_t img_len = 0;
    char *buf = NULL, *end;
    size_t len = 0, cl = 0;
    uint32_t flags;
    long r;

    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--label") && i + 1 < argc) {
            label = argv[++i];
        } else if (!strcmp(argv[i], "--32")) {
            bits32 = true;
        } else if (!strcmp(argv[i], "--domid") && i + 1 < argc && domid_arg(argv[i + 1], &domid) &&
                   domid > 0) {
            i++;
        } else if (!strcmp(argv[i], "--kernel") && i + 1 < argc) {
            kernel = argv[++i];
        } else if (!strcmp(argv[i], "--cmdline") && i + 1 < argc) {
            cmdline = argv[++i];
            cl = strlen(cmdline);
            if (cl == 0 || cl > XSMD_CMDLINE_MAX)
                return usage_error(c, "--cmdline wants 1 to %u bytes", XSMD_CMDLINE_MAX);
        } else if (!strcmp(argv[i], "--memory") && i + 1 < argc) {
            errno = 0;
            memory = strtol(argv[++i], &end, 10);
            if (errno || *end || memory < 2 || memory > 3072)
                return usage_error(c, "--memory wants 2 to 3072 (MiB)");
        } else {
            return usage_error(c, CREATE_USAGE);
        }
    }
    if ((memory || cmdline) && !kernel)
        return usage_error(c, "--memory and --cmdline go with --kernel");
    if (kernel) {
        r = read_kernel(c, kernel, &img, &img_len);
        if (r < 0) {
            fprintf(stderr, "xsmctl: %s: %s\n", kernel, strerror((int)-r));
            return XC_EXIT_FAILED;
        }
        a[3] = gaddr(img);
        a[4] = img_len;
        a[5] = (uint64_t)memory;
    }
    if (label || cmdline) {
        /* The label, then the command line right after it (xsmd_wire.h). */
        len = label ? strlen(label) : 0;
        if (len > XSMD_LABEL_MAX)
            return usage_error(c, "a label is at most %u bytes", XSMD_LABEL_MAX);
        buf = gmem(c, len + cl + 1);
        if (label)
            memcpy(buf, label, len);
        if (cmdline)
            memcpy(buf + len, cmdline, cl);
        a[0] = gaddr(buf);
        a[1] = len;
    }
    a[2] = (uint64_t)domid;
    flags = (bits32 ? XSMD_CREATE_32BIT : 0) | (kernel ? XSMD_CREATE_KERNEL : 0) |
            (cmdline ? XSMD_CREATE_CMDLINE : 0);
    r = ctl_request(c, XSMD_T_CREATE, (uint32_t)cl, flags, a, &value);
    gmem_free(c, buf, len + cl + 1);
    gmem_free(c, img, img_len);
    if (r < 0)
        return fail(c, r, "domain create");
    if (c->json) {
        ok_begin(c);
        js_uint(&c->j, "domid", (unsigned long long)r);
        js_str(&c->j, "label", label);
        if (kernel) {
            js_str(&c->j, "kernel", kernel);
        } else {
            char sock[32];

            snprintf(sock, sizeof(sock), "dom%ld", r);
            js_uint(&c->j, "bits", bits32 ? 32 : 64);
            js_str(&c->j, "socket", sock);
        }
        ok_end(c);
    } else if (kernel) {
        printf("domain %ld created: KVM guest from %s%s%s\n", r, kernel, label ? ", label " : "",
               label ? label : "");
    } else {
        char *t = ctl_text(label);

        printf("domain %ld created (%s%s%s), socket %s/dom%ld\n", r, bits32 ? "32-bit" : "64-bit",
               label ? ", label " : "", t ? t : "", c->dir, r);
        free(t);
    }
    return XC_EXIT_OK;
}

static int destroy(struct ctl *c, const char *arg)
{
    uint64_t a[6] = {0};
    long id, r;

    if (!domid_arg(arg, &id))
        return usage_error(c, "'%s' is not a domain id", arg);
    a[0] = (uint64_t)id;
    r = ctl_request(c, XSMD_T_DESTROY, 0, 0, a, NULL);
    if (r < 0)
        return fail(c, r, "domain destroy");
    if (c->json) {
        ok_begin(c);
        js_uint(&c->j, "domid", (unsigned long long)id);
        ok_end(c);
    } else {
        printf("domain %ld destroyed\n", id);
    }
    return XC_EXIT_OK;
}

struct dom {
    unsigned id, flags, ssidref, bits, conns;
    uint64_t pages;
    char *label, *socket;
};

/*
 * One "domain\tID\tBITS\tCONNS\tSOCKET" line, split in place: the three
 * numbers (decimal, taken whole) and the socket's name.  0, or -1 for a
 * line that is not one.
 */
static int domain_line(char *line, unsigned num[3], const char **sock)
{
    char *f[5];
    int n = 0;

    while (line && n < 5) {
        f[n++] = line;
        line = strchr(line, '\t');
        if (line)
            *line++ = '\0';
    }
    if (n != 5 || strcmp(f[0], "domain") != 0 || !*f[4])
        return -1;
    for (int i = 0; i < 3; i++) {
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(f[1 + i], &end, 10);
        if (end == f[1 + i] || *end != '\0' || errno != 0 || v > UINT_MAX)
            return -1;
        num[i] = (unsigned)v;
    }
    *sock = f[4];
    return 0;
}

/* What the daemon says of its process domains: "domain ID BITS CONNS SOCKET" lines. */
static void daemon_view(struct ctl *c, struct dom *v, size_t n)
{
    uint64_t a[4] = {0};
    char *text = NULL;

    if (c->domain != 0 || ctl_answer(c, XSMD_T_DOMAINS, 0, a, &text) < 0)
        return;
    for (char *line = text, *next; line && *line; line = next) {
        unsigned num[3]; /* id, bits, conns */
        const char *sock;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (domain_line(line, num, &sock) != 0)
            continue;
        for (size_t i = 0; i < n; i++)
            if (v[i].id == num[0]) {
                v[i].bits = num[1];
                v[i].conns = num[2];
                v[i].socket = strdup(sock);
            }
    }
    free(text);
}

static int list(struct ctl *c)
{
    uint8_t *b = gmem(c, DOMCTL_SIZE);
    struct dom *v = NULL;
    size_t n = 0;
    unsigned next = 0;
    long r = 0;

    while (next < XSM_DOMID_FIRST_RESERVED) {
        struct dom *nv;

        memset(b, 0, DOMCTL_SIZE);
        put32(b, HV_DOMCTL_getdomaininfo);
        put32(b + 4, HV_DOMCTL_INTERFACE_VERSION);
        b[8] = (uint8_t)next;
        b[9] = (uint8_t)(next >> 8);
        r = ctl_hypercall(c, HV_HYPERCALL_domctl, gaddr(b), 0, 0);
        if (r == -ESRCH) /* no domain at or above 'next' */
            break;
        if (r < 0)
            break;
        nv = realloc(v, (n + 1) * sizeof(*v));
        if (!nv) {
            r = -ENOMEM;
            break;
        }
        v = nv;
        memset(&v[n], 0, sizeof(v[n]));
        v[n].id = b[16] | (unsigned)b[17] << 8;
        v[n].flags = get32(b + 16 + 4);
        v[n].pages = get64(b + 16 + 8);
        v[n].ssidref = get32(b + 16 + 72);
        if (v[n].id < next) { /* cannot happen; do not loop forever on it */
            r = -EPROTO;
            break;
        }
        next = v[n].id + 1;
        n++;
    }
    gmem_free(c, b, DOMCTL_SIZE);
    if (r < 0 && r != -ESRCH) {
        for (size_t i = 0; i < n; i++)
            free(v[i].label);
        free(v);
        return fail(c, r, "domain list (getdomaininfo)");
    }
    for (size_t i = 0; i < n; i++)
        if (sid_to_context(c, v[i].ssidref, &v[i].label) < 0)
            v[i].label = NULL; /* no FLASK, or not allowed to ask */
    daemon_view(c, v, n);
    if (c->json) {
        ok_begin(c);
        js_array(&c->j, "domains");
    } else {
        printf("%-6s %-5s %-8s %-8s %-8s %s\n", "domid", "bits", "state", "socket", "ssidref",
               "label");
    }
    for (size_t i = 0; i < n; i++) {
        const struct dom *d = &v[i];
        char state[32];

        snprintf(state, sizeof(state), "%s%s%s", (d->flags & HV_DOMINF_dying) ? "dying" : "",
                 (d->flags & HV_DOMINF_paused) ? "paused" : "",
                 (d->flags & (HV_DOMINF_dying | HV_DOMINF_paused)) ? "" : "running");
        if (c->json) {
            js_begin(&c->j, NULL);
            js_uint(&c->j, "domid", d->id);
            js_uint(&c->j, "ssidref", d->ssidref);
            js_str(&c->j, "label", d->label);
            js_str(&c->j, "state", state);
            js_bool(&c->j, "xenstore", (d->flags & HV_DOMINF_xs_domain) != 0);
            if (d->bits)
                js_uint(&c->j, "bits", d->bits);
            else
                js_null(&c->j, "bits");
            js_str(&c->j, "socket", d->socket);
            if (d->socket)
                js_uint(&c->j, "connections", d->conns);
            js_end(&c->j);
        } else {
            char bits[8];

            char *t = ctl_text(d->label);

            snprintf(bits, sizeof(bits), "%u", d->bits);
            printf("%-6u %-5s %-8s %-8s %-8u %s\n", d->id, d->bits ? bits : "-", state,
                   d->socket ? d->socket : "-", d->ssidref, t ? t : "-");
            free(t);
        }
        free(d->label);
        free(d->socket);
    }
    if (c->json) {
        js_array_end(&c->j);
        ok_end(c);
    }
    free(v);
    return XC_EXIT_OK;
}

/* The top-level spellings of issue 8: create, destroy N, list. */
int cmd_create(struct ctl *c, int argc, char **argv)
{
    if (argc == 1 && !strcmp(argv[0], "--help")) {
        puts(CREATE_USAGE "\n(also: xsmctl domain create)");
        return XC_EXIT_OK;
    }
    return create(c, argc, argv);
}

int cmd_destroy(struct ctl *c, int argc, char **argv)
{
    if (argc == 1 && !strcmp(argv[0], "--help")) {
        puts("usage: destroy N\n(also: xsmctl domain destroy N)");
        return XC_EXIT_OK;
    }
    if (argc != 1)
        return usage_error(c, "usage: destroy N");
    return destroy(c, argv[0]);
}

int cmd_list(struct ctl *c, int argc, char **argv)
{
    if (argc == 1 && !strcmp(argv[0], "--help")) {
        puts("usage: list\n(also: xsmctl domain list)");
        return XC_EXIT_OK;
    }
    if (argc != 0)
        return usage_error(c, "usage: list");
    return list(c);
}

int cmd_domain(struct ctl *c, int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "create"))
        return create(c, argc - 1, argv + 1);
    if (argc == 2 && !strcmp(argv[0], "destroy"))
        return destroy(c, argv[1]);
    if (argc == 1 && !strcmp(argv[0], "list"))
        return list(c);
    return usage_error(c, CREATE_USAGE " | destroy N | list");
}

/* sysctl readconsole: the bytes read (into buf), or -errno. */
static long readconsole(struct ctl *c, char *buf, uint32_t cap, bool clear)
{
    uint8_t *b = gmem(c, SYSCTL_SIZE);
    long r;

    put32(b, HV_SYSCTL_readconsole);
    put32(b + 4, HV_SYSCTL_INTERFACE_VERSION);
    b[8] = clear;               /* clear */
    b[9] = 0;                   /* incremental: from the start */
    for (int i = 0; i < 8; i++) /* buffer: a 64-bit handle in both ABIs */
        b[16 + i] = (uint8_t)(gaddr(buf) >> (8 * i));
    put32(b + 24, cap); /* count */
    r = ctl_hypercall(c, HV_HYPERCALL_sysctl, gaddr(b), 0, 0);
    if (r >= 0)
        r = get32(b + 24);
    gmem_free(c, b, SYSCTL_SIZE);
    return r;
}

/* What domains wrote reaches the terminal without control sequences. */
static void print_escaped(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)buf[i];

        if ((ch >= 0x20 && ch < 0x7f) || ch == '\n' || ch == '\t')
            putchar(ch);
        else
            printf("\\x%02x", ch);
    }
}

#define GUEST_USAGE "usage: console DOMID [--follow] | console read [--clear] | console clear"
#define FOLLOW_US   200000 /* how often --follow asks */

/*
 * A KVM guest's PV console output: the daemon's CONSOLE request from
 * offset 0 until it has nothing more; with --follow, again every 200 ms
 * until the domain goes (then exit 0) or the command is killed.
 */
static int guest_console(struct ctl *c, const char *arg, bool follow)
{
    uint64_t a[6] = {0}, at = 0, next = 0;
    char what[48];
    char *buf;
    long id, r;
    struct {
        char *s;
        size_t len;
    } all = {NULL, 0}; /* --json: the whole text, for one object */

    if (!domid_arg(arg, &id))
        return usage_error(c, "'%s' is not a domain id", arg);
    if (follow && c->json)
        return usage_error(c, "--follow does not go with --json");
    snprintf(what, sizeof(what), "console %ld", id);
    buf = gmem(c, GUEST_CHUNK);
    for (;;) {
        a[0] = (uint64_t)id;
        a[1] = at;
        a[4] = gaddr(buf);
        a[5] = GUEST_CHUNK;
        r = ctl_request(c, XSMD_T_CONSOLE, 0, 0, a, &next);
        if (r < 0)
            break;
        if (r > 0 && c->json) {
            char *ns = realloc(all.s, all.len + (size_t)r);

            if (!ns) {
                r = -ENOMEM;
                break;
            }
            all.s = ns;
            memcpy(all.s + all.len, buf, (size_t)r);
            all.len += (size_t)r;
        } else if (r > 0) {
            print_escaped(buf, (size_t)r);
            if (follow)
                (void)fflush(stdout);
        }
        at = next;
        if (r == 0 && !follow)
            break;
        if (r == 0)
            usleep(FOLLOW_US);
    }
    gmem_free(c, buf, GUEST_CHUNK);
    if (follow && at > 0 && (r == -ESRCH || r == -ENOENT))
        r = 0; /* the domain went: the end of what it wrote */
    if (r < 0) {
        free(all.s);
        return fail(c, r, what);
    }
    if (c->json) {
        ok_begin(c);
        js_uint(&c->j, "domid", (unsigned long long)id);
        js_strn(&c->j, "text", all.s ? all.s : "", all.len);
        ok_end(c);
    }
    free(all.s);
    return XC_EXIT_OK;
}

int cmd_console(struct ctl *c, int argc, char **argv)
{
    bool clear = false, read = true;
    long r;

    if (argc == 1 && !strcmp(argv[0], "--help")) {
        puts(GUEST_USAGE "\n"
                         "  console DOMID    a KVM guest's PV console output so far (escaped);\n"
                         "                   --follow: then keep printing until the domain goes\n"
                         "  console read     the hypervisor's console ring (console_io, xl dmesg)");
        return XC_EXIT_OK;
    }
    if ((argc == 1 || (argc == 2 && !strcmp(argv[1], "--follow"))) && argv[0][0] >= '0' &&
        argv[0][0] <= '9')
        return guest_console(c, argv[0], argc == 2);
    if (argc == 1 && !strcmp(argv[0], "read"))
        ;
    else if (argc == 2 && !strcmp(argv[0], "read") && !strcmp(argv[1], "--clear"))
        clear = true;
    else if (argc == 1 && !strcmp(argv[0], "clear"))
        clear = true, read = false;
    else
        return usage_error(c, GUEST_USAGE);

    char *buf = gmem(c, CONSOLE_MAX + 1);
    r = readconsole(c, buf, read ? CONSOLE_MAX : 0, clear);
    if (r < 0) {
        gmem_free(c, buf, CONSOLE_MAX + 1);
        return fail(c, r, clear && !read ? "console clear" : "console read");
    }
    if (c->json) {
        ok_begin(c);
        if (read)
            js_strn(&c->j, "text", buf, (size_t)r);
        js_bool(&c->j, "cleared", clear);
        ok_end(c);
    } else if (read) {
        print_escaped(buf, (size_t)r);
        if (r > 0 && buf[r - 1] != '\n')
            putchar('\n');
    } else {
        puts("console ring cleared");
    }
    gmem_free(c, buf, CONSOLE_MAX + 1);
    return XC_EXIT_OK;
}
