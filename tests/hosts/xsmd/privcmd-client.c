/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A caller of the privcmd bridge as the Xen tools are: it opens
 * /dev/xen/privcmd and issues ioctl(IOCTL_PRIVCMD_HYPERCALL) with a
 * struct privcmd_hypercall, run through xsm-run (libxsm-privcmd preloaded).
 * Each command prints one line: the ioctl's result, and errno if it failed.
 *
 *   getenforce        xsm_op FLASK_GETENFORCE
 *   dup               the same on a dup of the descriptor
 *   efault-struct     the struct pointer is not mapped (the driver: EFAULT)
 *   efault-op         the struct is fine, the op it points to is not mapped
 *   big-op            op above 32 bits (ENOSYS)
 *   other-ioctl       IOCTL_PRIVCMD_UNIMPLEMENTED (ENOTTY)
 *   reused-fd         the privcmd descriptor closed and its number reused by
 *                     another memfd: not forwarded (the kernel's ENOTTY)
 *   regular-file      /dev/null: not forwarded
 *   fork              the child's call through the inherited descriptor
 *   clone             the same in a child made by the raw clone system call
 *                     (no fork handlers run in it)
 *   exec              a new image using the inherited descriptor
 *   fd:N              use descriptor N from now on (after exec)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openxsm/xen/flask_op.h>

/* Linux's include/uapi/xen/privcmd.h, by value. */
#define IOCTL_PRIVCMD_HYPERCALL     0x305000UL
#define IOCTL_PRIVCMD_UNIMPLEMENTED 0x50ffUL

struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

static int pfd = -1;

static void *hole(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    munmap(p, 4096);
    return p;
}

static void report(const char *what, long r)
{
    if (r < 0)
        printf("%s: %ld errno %d\n", what, r, errno);
    else
        printf("%s: %ld\n", what, r);
}

static long getenforce_on(int fd, xen_flask_op_t *op, struct privcmd_hypercall *hc)
{
    memset(op, 0, sizeof(*op));
    op->cmd = FLASK_GETENFORCE;
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    memset(hc, 0, sizeof(*hc));
    hc->op = 27;
    hc->arg[0] = (uint64_t)(uintptr_t)op;
    errno = 0;
    return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, hc);
}

static int privcmd(void)
{
    if (pfd < 0) {
        pfd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
        if (pfd < 0) {
            printf("FATAL open /dev/xen/privcmd: %s\n", strerror(errno));
            exit(1);
        }
    }
    return pfd;
}

int main(int argc, char **argv)
{
    xen_flask_op_t op;
    struct privcmd_hypercall hc;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *c = argv[i];

        if (!strncmp(c, "fd:", 3)) {
            pfd = atoi(c + 3);
        } else if (!strcmp(c, "getenforce")) {
            report(c, getenforce_on(privcmd(), &op, &hc));
        } else if (!strcmp(c, "dup")) {
            int d = dup(privcmd());

            report(c, getenforce_on(d, &op, &hc));
            close(d);
        } else if (!strcmp(c, "efault-struct")) {
            errno = 0;
            report(c, ioctl(privcmd(), IOCTL_PRIVCMD_HYPERCALL, hole()));
        } else if (!strcmp(c, "efault-op")) {
            memset(&hc, 0, sizeof(hc));
            hc.op = 27;
            hc.arg[0] = (uint64_t)(uintptr_t)hole();
            errno = 0;
            report(c, ioctl(privcmd(), IOCTL_PRIVCMD_HYPERCALL, &hc));
        } else if (!strcmp(c, "big-op")) {
            getenforce_on(privcmd(), &op, &hc);
            hc.op = 1ULL << 32 | 27;
            errno = 0;
            report(c, ioctl(privcmd(), IOCTL_PRIVCMD_HYPERCALL, &hc));
        } else if (!strcmp(c, "other-ioctl")) {
            errno = 0;
            report(c, ioctl(privcmd(), IOCTL_PRIVCMD_UNIMPLEMENTED, 0));
        } else if (!strcmp(c, "reused-fd")) {
            int old = privcmd(), fd;

            getenforce_on(old, &op, &hc); /* the bridge has seen it */
            close(old);
            pfd = -1;
            fd = memfd_create("other", MFD_CLOEXEC);
            printf("reused-fd: same number %s\n", fd == old ? "yes" : "no");
            report(c, getenforce_on(fd, &op, &hc));
            close(fd);
        } else if (!strcmp(c, "regular-file")) {
            int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

            report(c, getenforce_on(fd, &op, &hc));
            close(fd);
        } else if (!strcmp(c, "fork")) {
            int fd = privcmd(), st;
            pid_t pid;

            getenforce_on(fd, &op, &hc);
            pid = fork();
            if (pid == 0) {
                report("fork: child", getenforce_on(fd, &op, &hc));
                _exit(0);
            }
            waitpid(pid, &st, 0);
            report("fork: parent", getenforce_on(fd, &op, &hc));
        } else if (!strcmp(c, "clone")) {
            /* A child made without fork(), so no fork handler ran in it. */
            int fd = privcmd(), st;
            long pid;

            getenforce_on(fd, &op, &hc);
            pid = syscall(SYS_clone, (unsigned long)SIGCHLD, NULL, NULL, NULL, NULL);
            if (pid == 0) {
                report("clone: child", getenforce_on(fd, &op, &hc));
                syscall(SYS_exit, 0);
            }
            waitpid((pid_t)pid, &st, 0);
            report("clone: parent", getenforce_on(fd, &op, &hc));
        } else if (!strcmp(c, "exec")) {
            /* The rest of the commands run in a new image on this descriptor. */
            char fdarg[16], **nargv = calloc((size_t)argc + 1, sizeof(*nargv));
            int fd = privcmd();

            if (!nargv) {
                printf("FATAL calloc\n");
                return 1;
            }
            getenforce_on(fd, &op, &hc);
            snprintf(fdarg, sizeof(fdarg), "fd:%d", fd);
            nargv[0] = argv[0];
            nargv[1] = fdarg;
            for (int k = i + 1; k < argc; k++)
                nargv[k - i + 1] = argv[k];
            fcntl(fd, F_SETFD, 0);
            execv("/proc/self/exe", nargv);
            printf("FATAL exec: %s\n", strerror(errno));
            free(nargv);
            return 1;
        } else {
            printf("FATAL unknown command %s\n", c);
            return 1;
        }
    }
    return 0;
}
