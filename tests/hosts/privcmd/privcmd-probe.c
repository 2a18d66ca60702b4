/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the privcmd bridge (libxsm-privcmd) does with what a tool hands it,
 * run through xsm-run against a live xsmd (test_privcmd.py).  Expectations
 * are docs/xsmd.md's table ("The privcmd bridge") and Xen 4.17's results:
 *
 *  - a privcmd descriptor forwards IOCTL_PRIVCMD_HYPERCALL, also after dup
 *    and in a forked child; results >= 0 come back as they are, -errno as
 *    -1 with errno;
 *  - the hypercall structure is read like copy_from_user reads it: a NULL
 *    or partly unmapped pointer is EFAULT, never a crash;
 *  - every other privcmd ioctl is ENOTTY; /dev/xen/hypercall is ENOENT;
 *  - a descriptor that is not the bridge's is not forwarded, even with the
 *    hypercall ioctl and a valid structure;
 *  - "eio": once the daemon is gone a call is EIO.
 *
 * usage: privcmd-probe          (the checks above)
 *        privcmd-probe eio      (print "ready", wait for a line, call once)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Linux's include/uapi/xen/privcmd.h, by value. */
#define IOCTL_PRIVCMD_HYPERCALL     0x305000UL
#define IOCTL_PRIVCMD_UNIMPLEMENTED 0x50ffUL
#define IOCTL_PRIVCMD_DM_OP         0x105005UL

struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

#define XEN_417 ((4 << 16) | 17) /* xen_version(XENVER_version) */

static int fails, checks;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(c)) {                                                                                \
            fails++;                                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s (errno %d)\n", __FILE__, __LINE__, #c,        \
                    errno);                                                                        \
        }                                                                                          \
    } while (0)

/* ioctl's result, and errno (0 on success). */
static int call(int fd, unsigned long req, void *arg, int *err)
{
    int r;

    errno = 0;
    r = ioctl(fd, req, arg);
    *err = r < 0 ? errno : 0;
    return r;
}

static int eio_mode(void)
{
    struct privcmd_hypercall h = {17, {0}};
    char line[16];
    int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC), err = 0, r;

    if (fd < 0 || call(fd, IOCTL_PRIVCMD_HYPERCALL, &h, &err) != XEN_417) {
        printf("setup failed\n");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    if (fgets(line, sizeof(line), stdin) == NULL)
        return 1;
    r = call(fd, IOCTL_PRIVCMD_HYPERCALL, &h, &err);
    printf("after the daemon: %d errno %d\n", r, err);
    return r == -1 && err == EIO ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct privcmd_hypercall h = {17, {0}};
    long page = sysconf(_SC_PAGESIZE);
    unsigned char *two;
    int fd, fd2, other, err = 0;
    pid_t pid;

    if (argc > 1 && strcmp(argv[1], "eio") == 0)
        return eio_mode();

    fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    CHECK(fd >= 0);
    if (fd < 0)
        return 1;
    CHECK(call(fd, IOCTL_PRIVCMD_HYPERCALL, &h, &err) == XEN_417);

    /* -errno results: -1 and errno, as the kernel's driver returns them. */
    h.op = 99; /* no such hypercall */
    CHECK(call(fd, IOCTL_PRIVCMD_HYPERCALL, &h, &err) == -1 && err == ENOSYS);
    {
        static uint8_t domctl[144];

        domctl[0] = 2;    /* destroydomain */
        domctl[4] = 0x14; /* not 4.17's interface version: -EACCES */
        h.op = 36;
        h.arg[0] = (uint64_t)(uintptr_t)domctl;
        CHECK(call(fd, IOCTL_PRIVCMD_HYPERCALL, &h, &err) == -1 && err == EACCES);
    }
    h.op = 27; /* xsm_op with its op at an address this process has not mapped */
    h.arg[0] = 16;
    CHECK(call(fd, IOCTL_PRIVCMD_HYPERCALL, &h, &err) == -1 && err == EFAULT);

    /* The structure itself: NULL, and straddling into an unmapped page. */
    CHECK(call(fd, IOCTL_PRIVCMD_HYPERCALL, NULL, &err) == -1 && err == EFAULT);
    two = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(two != MAP_FAILED);
    if (two != MAP_FAILED) {
        CHECK(mprotect(two + page, (size_t)page, PROT_NONE) == 0);
        memset(two + page - 8, 0, 8);
        two[page - 8] = 17;
        CHECK(call(fd, IOCTL_PRIVCMD_HYPERCALL, two + page - 8, &err) == -1 && err == EFAULT);
        /* the same 48 bytes wholly inside the page: fine */
        memset(two + page - 48, 0, 48);
        two[page - 48] = 17;
        CHECK(call(fd, IOCTL_PRIVCMD_HYPERCALL, two + page - 48, &err) == XEN_417);
        munmap(two, (size_t)page * 2);
    }

    /* Other privcmd ioctls: ENOTTY. */
    CHECK(call(fd, IOCTL_PRIVCMD_UNIMPLEMENTED, NULL, &err) == -1 && err == ENOTTY);
    CHECK(call(fd, IOCTL_PRIVCMD_DM_OP, &h, &err) == -1 && err == ENOTTY);

    /* dup'ed: still the bridge's. */
    h = (struct privcmd_hypercall){17, {0}};
    fd2 = dup(fd);
    CHECK(fd2 >= 0 && call(fd2, IOCTL_PRIVCMD_HYPERCALL, &h, &err) == XEN_417);

    /* Not the bridge's descriptor: the call goes to the kernel, not to the daemon. */
    other = open("/dev/null", O_RDWR);
    CHECK(other >= 0 && call(other, IOCTL_PRIVCMD_HYPERCALL, &h, &err) == -1 && err == ENOTTY);
    other = memfd_create("not-privcmd", 0);
    CHECK(other >= 0 && call(other, IOCTL_PRIVCMD_HYPERCALL, &h, &err) == -1 && err == ENOTTY);

    /* /dev/xen/hypercall: ENOENT, so libxencall uses ordinary memory. */
    errno = 0;
    CHECK(open("/dev/xen/hypercall", O_RDWR) == -1 && errno == ENOENT);

    /* A forked child makes its own connection and is served. */
    fflush(stdout);
    pid = fork();
    if (pid == 0)
        _exit(call(fd, IOCTL_PRIVCMD_HYPERCALL, &h, &err) == XEN_417 ? 0 : 1);
    CHECK(pid > 0);
    if (pid > 0) {
        int st = 0;

        CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    /* ... and the parent still is. */
    CHECK(call(fd, IOCTL_PRIVCMD_HYPERCALL, &h, &err) == XEN_417);

    printf("privcmd-probe: %d checks, %d failed\n", checks, fails);
    return fails == 0 ? 0 : 1;
}
