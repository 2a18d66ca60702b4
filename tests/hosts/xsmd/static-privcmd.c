/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A privcmd caller that no LD_PRELOAD library can reach: it is linked
 * statically (gcc -static) and makes its system calls with syscall(2)
 * itself, openat and ioctl by number, as a Go program or a static tool
 * would.  Only a real /dev/xen/privcmd (or xsm-run --fuse's FUSE node)
 * answers it.  Each command prints one line: the call's result, and errno
 * if it failed.
 *
 *   env             "preload: none" or the LD_PRELOAD it was given
 *   getenforce      xsm_op FLASK_GETENFORCE
 *   setenforce N    xsm_op FLASK_SETENFORCE
 *   c2s CONTEXT     xsm_op FLASK_CONTEXT_TO_SID (the context through a handle)
 *   efault-struct   the ioctl argument is not mapped
 *   efault-op       the struct is, the op it points to is not
 *   efault-handle   the op is, the context its handle points to is not
 *   big-op          a hypercall number above 32 bits (the driver: ENOSYS)
 *   hypercall-node  open /dev/xen/hypercall (libxencall's buffer device)
 *   other-ioctl     IOCTL_PRIVCMD_UNIMPLEMENTED
 *   loop N          N getenforce calls; prints calls a second
 *   thread          getenforce from a second thread (the FUSE server is told
 *                   that thread's id, not the process's)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <openxsm/xen/flask_op.h>

/* Linux's include/uapi/xen/privcmd.h, by value. */
#define IOCTL_PRIVCMD_HYPERCALL     0x305000UL
#define IOCTL_PRIVCMD_UNIMPLEMENTED 0x50ffUL

struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

static long sys_open(const char *path)
{
    return syscall(SYS_openat, AT_FDCWD, path, O_RDWR | O_CLOEXEC);
}

static long sys_ioctl(long fd, unsigned long cmd, void *arg)
{
    return syscall(SYS_ioctl, fd, cmd, arg);
}

static long privcmd(void)
{
    static long fd = -1;

    if (fd < 0) {
        fd = sys_open("/dev/xen/privcmd");
        if (fd < 0) {
            printf("open /dev/xen/privcmd: -1 errno %d\n", errno);
            exit(1);
        }
    }
    return fd;
}

/* A page that is certainly not mapped. */
static void *hole(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        printf("FATAL mmap: %s\n", strerror(errno));
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

static long flask(xen_flask_op_t *op, uint32_t cmd)
{
    struct privcmd_hypercall hc = {27, {(uint64_t)(uintptr_t)op, 0, 0, 0, 0}};

    op->cmd = cmd;
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    errno = 0;
    return sys_ioctl(privcmd(), IOCTL_PRIVCMD_HYPERCALL, &hc);
}

static void *thread_main(void *arg)
{
    xen_flask_op_t op;
    long *r = arg;

    memset(&op, 0, sizeof(op));
    *r = flask(&op, FLASK_GETENFORCE);
    r[1] = errno;
    return NULL;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *c = argv[i];
        xen_flask_op_t op;
        long r;

        memset(&op, 0, sizeof(op));
        if (strcmp(c, "env") == 0) {
            const char *pre = getenv("LD_PRELOAD");

            printf("preload: %s\n", pre && *pre ? pre : "none");
        } else if (strcmp(c, "getenforce") == 0) {
            report(c, flask(&op, FLASK_GETENFORCE));
        } else if (strcmp(c, "setenforce") == 0 && i + 1 < argc) {
            char what[64];

            op.u.enforce.enforcing = (uint32_t)atoi(argv[++i]);
            snprintf(what, sizeof(what), "setenforce %s", argv[i]);
            report(what, flask(&op, FLASK_SETENFORCE));
        } else if (strcmp(c, "c2s") == 0 && i + 1 < argc) {
            const char *ctx = argv[++i];

            op.u.sid_context.size = (uint32_t)strlen(ctx);
            op.u.sid_context.context.p = (char *)ctx;
            r = flask(&op, FLASK_CONTEXT_TO_SID);
            if (r < 0)
                printf("c2s %s: %ld errno %d\n", ctx, r, errno);
            else
                printf("c2s %s: %ld sid %u\n", ctx, r, op.u.sid_context.sid);
        } else if (strcmp(c, "efault-struct") == 0) {
            errno = 0;
            report(c, sys_ioctl(privcmd(), IOCTL_PRIVCMD_HYPERCALL, hole()));
        } else if (strcmp(c, "efault-op") == 0) {
            struct privcmd_hypercall hc = {27, {(uint64_t)(uintptr_t)hole(), 0, 0, 0, 0}};

            errno = 0;
            report(c, sys_ioctl(privcmd(), IOCTL_PRIVCMD_HYPERCALL, &hc));
        } else if (strcmp(c, "efault-handle") == 0) {
            op.u.sid_context.size = 20;
            op.u.sid_context.context.p = hole();
            report(c, flask(&op, FLASK_CONTEXT_TO_SID));
        } else if (strcmp(c, "big-op") == 0) {
            struct privcmd_hypercall hc = {1ULL << 32 | 27, {(uint64_t)(uintptr_t)&op, 0, 0, 0, 0}};

            op.cmd = FLASK_GETENFORCE;
            op.interface_version = XEN_FLASK_INTERFACE_VERSION;
            errno = 0;
            report(c, sys_ioctl(privcmd(), IOCTL_PRIVCMD_HYPERCALL, &hc));
        } else if (strcmp(c, "hypercall-node") == 0) {
            errno = 0;
            r = sys_open("/dev/xen/hypercall");
            report(c, r < 0 ? r : 0);
            if (r >= 0)
                close((int)r);
        } else if (strcmp(c, "loop") == 0 && i + 1 < argc) {
            long n = atol(argv[++i]);
            struct timespec t0, t1;
            double secs;

            clock_gettime(CLOCK_MONOTONIC, &t0);
            for (long k = 0; k < n; k++) {
                memset(&op, 0, sizeof(op));
                r = flask(&op, FLASK_GETENFORCE);
                if (r < 0) {
                    report(c, r);
                    return 1;
                }
            }
            clock_gettime(CLOCK_MONOTONIC, &t1);
            secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
            printf("loop %ld: %.0f calls/s\n", n, secs > 0 ? (double)n / secs : 0.0);
        } else if (strcmp(c, "thread") == 0) {
            long res[2] = {0, 0};
            pthread_t t;

            privcmd(); /* opened by the main thread, used by the other */
            if (pthread_create(&t, NULL, thread_main, res) != 0 || pthread_join(t, NULL) != 0) {
                printf("FATAL pthread\n");
                return 1;
            }
            errno = (int)res[1];
            report(c, res[0]);
        } else if (strcmp(c, "other-ioctl") == 0) {
            errno = 0;
            report(c, sys_ioctl(privcmd(), IOCTL_PRIVCMD_UNIMPLEMENTED, NULL));
        } else {
            printf("FATAL unknown command %s\n", c);
            return 1;
        }
    }
    return 0;
}
