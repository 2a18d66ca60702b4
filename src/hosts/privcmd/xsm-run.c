/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsm-run: run a command wired to a running xsmd (LD_PRELOAD of
 * libxsm-privcmd and XSM_SOCKET), as the control domain or as domain N.
 * With --fuse (root, libfuse3) no preload at all: the command runs in a
 * private mount namespace where /dev/xen/privcmd is a FUSE node xsm-run
 * serves (fusenode.c).  Also the control domain's two daemon requests:
 * create and destroy a domain.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xsmd_client.h"
#ifdef XSM_RUN_FUSE
#include "fusenode.h"
#endif

#ifndef XSM_PRIVCMD_INSTALLED
#define XSM_PRIVCMD_INSTALLED "libxsm-privcmd.so"
#endif

/* Exit codes, as env(1) and timeout(1) use them. */
#define EXIT_XSMRUN   125 /* xsm-run itself failed */
#define EXIT_NOEXEC   126
#define EXIT_NOTFOUND 127

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xsm-run [--dir DIR] [--domain N] [--fuse] [--] COMMAND [ARG]...\n"
            "       xsm-run [--dir DIR] --create [--label CONTEXT] [--32] [--domid N]\n"
            "       xsm-run [--dir DIR] --destroy N\n"
            "\n"
            "Runs COMMAND with libxsm-privcmd preloaded and XSM_SOCKET set, so that its\n"
            "/dev/xen/privcmd hypercalls go to the xsmd serving DIR: as the control\n"
            "domain (DIR/control), or with --domain N as domain N (DIR/domN).\n"
            "\n"
            "  --dir DIR        xsmd's socket directory (default: as xsmd's)\n"
            "  --domain N       act as domain N instead of the control domain\n"
            "  --fuse           no preload: run COMMAND in a private mount namespace\n"
            "                   whose /dev/xen/privcmd is a FUSE node served by xsm-run,\n"
            "                   so static programs and raw syscall(SYS_ioctl) callers\n"
            "                   work too; needs root, /dev/fuse and an xsmd running as\n"
            "                   root; the kernel's FUSE reports ENOSYS as ENOTTY\n%s"
            "  --create         ask xsmd (as the control domain) for a new domain and\n"
            "                   print its id; --label gives its security context\n"
            "                   (FLASK: the toolstack's seclabel), --32 makes it a 32-bit\n"
            "                   (compat ABI) domain, --domid asks for a given id\n"
            "  --destroy N      destroy domain N (as the control domain)\n"
            "  --help           this text\n"
            "\n"
            "Environment: XSM_PRIVCMD_LIB overrides the library's path.\n"
            "Exit status: COMMAND's; 125 if xsm-run failed (no daemon, no such domain,\n"
            "a refused request), 126/127 if COMMAND cannot be run or found; --create\n"
            "and --destroy exit 0 on success.\n",
#ifdef XSM_RUN_FUSE
            ""
#else
            "                   (not in this build: it was made without libfuse3)\n"
#endif
    );
}

/* The library next to this program (build tree), else the installed one. */
static const char *privcmd_lib(char *buf, size_t cap)
{
    const char *env = getenv("XSM_PRIVCMD_LIB");
    char exe[PATH_MAX];
    ssize_t n;

    if (env && *env)
        return env;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        char *slash;

        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, cap, "%s/libxsm-privcmd.so", exe);
            if (access(buf, R_OK) == 0)
                return buf;
        }
    }
    return XSM_PRIVCMD_INSTALLED;
}

static int parse_domid(const char *s, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v >= 0x7ff0)
        return -1;
    *out = v;
    return 0;
}

/* One daemon request on 'path'; returns the reply's result or exits. */
static long request(const char *path, struct xsmd_req *rq, struct xsmd_rep *rp)
{
    int fd = xsmd_client_connect(path);
    int rc;

    if (fd < 0) {
        fprintf(stderr, "xsm-run: no xsmd at %s: %s\n", path, strerror(-fd));
        exit(EXIT_XSMRUN);
    }
    rc = xsmd_client_call(fd, rq, rp);
    close(fd);
    if (rc < 0) {
        fprintf(stderr, "xsm-run: %s: %s\n", path, strerror(-rc));
        exit(EXIT_XSMRUN);
    }
    if (rp->status != XSMD_ST_OK) {
        fprintf(stderr, "xsm-run: %s: request refused (status %u)\n", path, rp->status);
        exit(EXIT_XSMRUN);
    }
    return (long)rp->result;
}

int main(int argc, char **argv)
{
    enum { O_LABEL = 256, O_32, O_DOMID, O_CREATE, O_DESTROY, O_FUSE };
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"domain", required_argument, NULL, 'n'},
        {"create", no_argument, NULL, O_CREATE},
        {"label", required_argument, NULL, O_LABEL},
        {"32", no_argument, NULL, O_32},
        {"domid", required_argument, NULL, O_DOMID},
        {"destroy", required_argument, NULL, O_DESTROY},
        {"fuse", no_argument, NULL, O_FUSE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char dir[512], sock[600], path[PATH_MAX + 32], lib[2 * PATH_MAX];
    const char *label = NULL, *preload, *mine;
    bool create = false, bits32 = false, have_dir = false, fuse = false;
    long domain = -1, domid = 0, destroy = -1;
    struct xsmd_req rq;
    struct xsmd_rep rp = {0};
    long r;
    int c;

    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            snprintf(dir, sizeof(dir), "%s", optarg);
            have_dir = true;
            break;
        case 'n':
            if (parse_domid(optarg, &domain)) {
                fprintf(stderr, "xsm-run: bad domain id '%s'\n", optarg);
                return 2;
            }
            break;
        case O_CREATE:
            create = true;
            break;
        case O_LABEL:
            label = optarg;
            break;
        case O_32:
            bits32 = true;
            break;
        case O_FUSE:
            fuse = true;
            break;
        case O_DOMID:
        case O_DESTROY:
            if (parse_domid(optarg, c == O_DOMID ? &domid : &destroy)) {
                fprintf(stderr, "xsm-run: bad domain id '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!have_dir)
        xsmd_default_dir(dir, sizeof(dir));

    memset(&rq, 0, sizeof(rq));
    if (create || destroy >= 0) {
        if (optind != argc || domain >= 0 || fuse || (create && destroy >= 0)) {
            usage(stderr);
            return 2;
        }
        snprintf(sock, sizeof(sock), "%s/control", dir);
        if (destroy >= 0) {
            rq.type = XSMD_T_DESTROY;
            rq.arg[0] = (uint64_t)destroy;
        } else {
            rq.type = XSMD_T_CREATE;
            rq.flags = bits32 ? XSMD_CREATE_32BIT : 0;
            rq.arg[0] = (uint64_t)(uintptr_t)label;
            rq.arg[1] = label ? strlen(label) : 0;
            rq.arg[2] = (uint64_t)domid;
        }
        r = request(sock, &rq, &rp);
        if (r < 0) {
            fprintf(stderr, "xsm-run: %s: %s\n", create ? "create" : "destroy", strerror((int)-r));
            return EXIT_XSMRUN;
        }
        if (create)
            printf("%ld\n", r);
        return 0;
    }
    if (optind == argc || label || bits32 || domid) {
        usage(stderr);
        return 2;
    }

#ifndef XSM_RUN_FUSE
    if (fuse) {
        fprintf(stderr, "xsm-run: --fuse: this xsm-run was built without libfuse3\n");
        return EXIT_XSMRUN;
    }
#endif
    if (domain > 0)
        snprintf(sock, sizeof(sock), "%s/dom%ld", dir, domain);
    else
        snprintf(sock, sizeof(sock), "%s/control", dir);
    /* Fail here, with a clear message, rather than inside COMMAND. */
    rq.type = XSMD_T_WHOAMI;
    request(sock, &rq, &rp);
#ifdef XSM_RUN_FUSE
    if (fuse)
        return xsm_run_fuse(sock, argv + optind);
#endif

    preload = getenv("LD_PRELOAD");
    mine = privcmd_lib(path, sizeof(path));
    if (preload && *preload)
        snprintf(lib, sizeof(lib), "%s:%s", mine, preload);
    else
        snprintf(lib, sizeof(lib), "%s", mine);
    if (setenv("LD_PRELOAD", lib, 1) || setenv("XSM_SOCKET", sock, 1)) {
        perror("xsm-run: setenv");
        return EXIT_XSMRUN;
    }
    execvp(argv[optind], argv + optind);
    fprintf(stderr, "xsm-run: %s: %s\n", argv[optind], strerror(errno));
    return errno == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC;
}
