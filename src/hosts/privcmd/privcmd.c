/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxsm-privcmd: an LD_PRELOAD library that gives unmodified Xen tools
 * (libxencall and friends) a /dev/xen/privcmd that talks to xsmd.  It
 * needs no privilege.  Active only while XSM_SOCKET names an xsmd socket;
 * without it every call goes to libc unchanged.
 *
 *  open("/dev/xen/privcmd" or "/proc/xen/privcmd")  a memfd named
 *      "xsm-privcmd" (a real descriptor: close, dup, fcntl, fork and
 *      close-on-exec behave as usual); the process connects to XSM_SOCKET
 *      then, so a missing daemon shows as a failed open (ENOENT)
 *  open("/dev/xen/hypercall")                       ENOENT, so libxencall
 *      allocates its hypercall buffers as ordinary anonymous memory
 *  ioctl(IOCTL_PRIVCMD_HYPERCALL)                   sent to xsmd; the
 *      result comes back as the kernel's driver returns it: >= 0 as is,
 *      -errno as -1 with errno set
 *  any other privcmd ioctl (IOCTL_PRIVCMD_UNIMPLEMENTED, DM_OP, MMAP*,
 *      RESTRICT, ...)                               -1, ENOTTY
 *
 * A privcmd descriptor is recognised by what it is (its file: one the
 * bridge made, or whose /proc/self/fd link names the memfd), not by a table
 * of numbers, so close() needs no hook and a descriptor that was dup'ed,
 * inherited or passed along still works.
 *
 * The connection belongs to the process that opened it (xsmd refuses a
 * request from any other process), so a child after fork() opens its own
 * on its first hypercall.  Threads share it, one request at a time.
 *
 * State: a preload library is process-wide by nature; everything it keeps
 * is the one struct 'shim' below.
 */
/* We define open and open64 (etc.) ourselves: no header redirection, no
 * fortify wrappers in the way. */
#undef _FILE_OFFSET_BITS
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "xsmd_client.h"

/* The PRIVCMD request carries the caller's struct as it is: the wire is
 * little-endian, so the host must be too (x86 and Arm, where privcmd is). */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libxsm-privcmd sends struct privcmd_hypercall as it is: little-endian hosts only"
#endif

/* Linux's privcmd interface (include/uapi/xen/privcmd.h), by value. */
#define PRIVCMD_IOCTL_TYPE      'P'
#define IOCTL_PRIVCMD_HYPERCALL 0x305000UL /* _IOC(_IOC_NONE, 'P', 0, 48) */
#define PRIVCMD_HYPERCALL_SIZE  48         /* { u64 op; u64 arg[5]; } */

#define MEMFD_NAME "xsm-privcmd"
#define MEMFD_LINK "/memfd:" MEMFD_NAME " (deleted)"

/*
 * Recognising a privcmd descriptor on every ioctl by its /proc/self/fd link
 * costs a path walk in procfs (about 0.85 us here, a third of a round trip).
 * So the files the bridge knows to be privcmd memfds are remembered by
 * device and inode, and an ioctl's descriptor is checked with one fstat();
 * the link is read only for a descriptor not seen before (one inherited
 * across exec, say), and remembered if it is one.  The bridge keeps a
 * descriptor of each remembered file open ('pin', close-on-exec), so the
 * file cannot be freed and its inode number handed to another file while
 * it is remembered.  Readers take no lock: an entry is written before
 * 'nknown' is raised past it (release), and read after (acquire).
 */
#define KNOWN_MAX 16

struct known_file {
    _Atomic uint64_t dev, ino;
};

static struct {
    pthread_mutex_t lock;
    int fd; /* this process's connection to xsmd, -1 if none */
    _Atomic unsigned nknown;
    struct known_file known[KNOWN_MAX];
} shim = {.lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1};

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*open2_fn)(const char *, int);
typedef int (*openat2_fn)(int, const char *, int);
typedef int (*ioctl_fn)(int, unsigned long, ...);

static void *next_sym(const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);

    if (!p) {
        static const char msg[] = "libxsm-privcmd: a libc symbol is missing\n";

        if (write(2, msg, sizeof(msg) - 1) < 0) {
            /* nothing more to say */
        }
        abort();
    }
    return p;
}

static bool active(void)
{
    const char *s = getenv("XSM_SOCKET");

    return s && *s;
}

enum node { NODE_OTHER, NODE_PRIVCMD, NODE_HYPERCALL };

static enum node node_of(int dirfd, const char *path)
{
    if (!path || !active() || (path[0] != '/' && dirfd != AT_FDCWD))
        return NODE_OTHER;
    if (!strcmp(path, "/dev/xen/privcmd") || !strcmp(path, "/proc/xen/privcmd"))
        return NODE_PRIVCMD;
    if (!strcmp(path, "/dev/xen/hypercall"))
        return NODE_HYPERCALL;
    return NODE_OTHER;
}

/*
 * The connection of this process (shim.lock held); -errno if none.  A child
 * made by fork() drops the one it inherited in the fork handler below.  A
 * child made some other way (the raw clone system call) still holds its
 * parent's: xsmd answers WRONG_PROCESS without running the request, and
 * hypercall() then calls drop_connection_locked() and tries again once.
 */
static int connection_locked(void)
{
    int fd;

    if (shim.fd >= 0)
        return shim.fd;
    if (!active())
        return -ENOENT; /* unset since the descriptor was opened */
    fd = xsmd_client_connect(getenv("XSM_SOCKET"));
    if (fd < 0)
        return fd;
    shim.fd = fd;
    return fd;
}

static void drop_connection_locked(void)
{
    if (shim.fd >= 0)
        close(shim.fd);
    shim.fd = -1;
}

static bool known(const struct stat *st)
{
    unsigned n = atomic_load_explicit(&shim.nknown, memory_order_acquire);

    for (unsigned i = 0; i < n; i++)
        if (atomic_load_explicit(&shim.known[i].ino, memory_order_relaxed) == st->st_ino &&
            atomic_load_explicit(&shim.known[i].dev, memory_order_relaxed) == st->st_dev)
            return true;
    return false;
}

/* Remember fd's file as a privcmd one, if there is room (a pin is kept). */
static void remember(int fd, const struct stat *st)
{
    unsigned n;
    int pin;

    pthread_mutex_lock(&shim.lock);
    n = atomic_load_explicit(&shim.nknown, memory_order_relaxed);
    if (n < KNOWN_MAX && !known(st)) {
        pin = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (pin >= 0) {
            atomic_store_explicit(&shim.known[n].dev, st->st_dev, memory_order_relaxed);
            atomic_store_explicit(&shim.known[n].ino, st->st_ino, memory_order_relaxed);
            atomic_store_explicit(&shim.nknown, n + 1, memory_order_release);
        }
    }
    pthread_mutex_unlock(&shim.lock);
}

static bool is_privcmd_fd(int fd)
{
    char path[48], link[sizeof(MEMFD_LINK) + 1];
    struct stat st;
    ssize_t n;

    if (fstat(fd, &st) || !S_ISREG(st.st_mode))
        return false;
    if (known(&st))
        return true; /* made or seen by the bridge: XSM_SOCKET was set then */
    if (!active())
        return false;
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    n = readlink(path, link, sizeof(link));
    if (n != (ssize_t)sizeof(MEMFD_LINK) - 1 || memcmp(link, MEMFD_LINK, (size_t)n) != 0)
        return false;
    remember(fd, &st);
    return true;
}

static int open_privcmd(int flags)
{
    int fd, rc;

    pthread_mutex_lock(&shim.lock);
    rc = connection_locked();
    pthread_mutex_unlock(&shim.lock);
    if (rc < 0) {
        fprintf(stderr, "libxsm-privcmd: cannot connect to xsmd at %s: %s\n", getenv("XSM_SOCKET"),
                strerror(-rc));
        errno = ENOENT;
        return -1;
    }
    fd = memfd_create(MEMFD_NAME, (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
    if (fd >= 0) {
        struct stat st;

        if (fstat(fd, &st) == 0)
            remember(fd, &st);
    }
    return fd;
}

static int open_node(enum node n, int flags)
{
    if (n == NODE_HYPERCALL) {
        errno = ENOENT;
        return -1;
    }
    return open_privcmd(flags);
}

static mode_t mode_arg(int flags, va_list ap)
{
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
        return (mode_t)va_arg(ap, unsigned);
    return 0;
}

/*
 * Every open entry point below does the same: a path of ours opens the
 * node, any other goes to the next definition of the same symbol, looked up
 * once ('real'), called with the arguments that symbol takes ('kind').
 */
enum open_kind { OPEN_PATH, OPEN_AT, OPEN_PATH_2, OPEN_AT_2 };

static int open_any(void **real, const char *sym, enum open_kind kind, int dirfd, const char *path,
                    int flags, mode_t mode)
{
    enum node n = node_of(kind == OPEN_AT || kind == OPEN_AT_2 ? dirfd : AT_FDCWD, path);

    if (n != NODE_OTHER)
        return open_node(n, flags);
    if (!*real)
        *real = next_sym(sym);
    switch (kind) {
    case OPEN_PATH:
        return ((open_fn)*real)(path, flags, mode);
    case OPEN_AT:
        return ((openat_fn)*real)(dirfd, path, flags, mode);
    case OPEN_PATH_2:
        return ((open2_fn)*real)(path, flags);
    default:
        return ((openat2_fn)*real)(dirfd, path, flags);
    }
}

int open(const char *path, int flags, ...)
{
    static void *real;
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = mode_arg(flags, ap);
    va_end(ap);
    return open_any(&real, "open", OPEN_PATH, AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    static void *real;
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = mode_arg(flags, ap);
    va_end(ap);
    return open_any(&real, "open64", OPEN_PATH, AT_FDCWD, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    static void *real;
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = mode_arg(flags, ap);
    va_end(ap);
    return open_any(&real, "openat", OPEN_AT, dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    static void *real;
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = mode_arg(flags, ap);
    va_end(ap);
    return open_any(&real, "openat64", OPEN_AT, dirfd, path, flags, mode);
}

/*
 * The _FORTIFY_SOURCE entry points (no mode argument).  Their names are
 * glibc's, reserved: interposing them is the point.
 */
// NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
// NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)

int __open_2(const char *path, int flags)
{
    static void *real;
    return open_any(&real, "__open_2", OPEN_PATH_2, AT_FDCWD, path, flags, 0);
}

int __open64_2(const char *path, int flags)
{
    static void *real;
    return open_any(&real, "__open64_2", OPEN_PATH_2, AT_FDCWD, path, flags, 0);
}

int __openat_2(int dirfd, const char *path, int flags)
{
    static void *real;
    return open_any(&real, "__openat_2", OPEN_AT_2, dirfd, path, flags, 0);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
    static void *real;
    return open_any(&real, "__openat64_2", OPEN_AT_2, dirfd, path, flags, 0);
}

/* What the kernel's ioctl returns for a hypercall result. */
static int driver_result(int64_t r)
{
    if (r < 0 && r >= -4095) {
        errno = (int)-r;
        return -1;
    }
    return (int)r;
}

/*
 * One PRIVCMD round trip (docs/xsmd.md).  The request's bytes 16..63 are the
 * caller's struct privcmd_hypercall as it is, so the message is sent from
 * two pieces and the kernel copies the struct out of the caller's memory as
 * it sends: a bad pointer fails the send with EFAULT, as the driver's
 * copy_from_user fails, and nothing is sent (the connection is intact).
 * No separate read of the caller's memory, no copy.  0 with *rp filled,
 * -EFAULT, or another -errno if the connection failed.
 */
static int privcmd_call(int fd, void *arg, struct xsmd_rep *rp)
{
    uint8_t head[16] = {0}, in[XSMD_REP_SIZE + 1];
    struct iovec iov[2] = {{head, sizeof(head)}, {arg, PRIVCMD_HYPERCALL_SIZE}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
    ssize_t n;

    xsmd_put32(head, XSMD_MAGIC);
    xsmd_put16(head + 4, XSMD_VERSION);
    xsmd_put16(head + 6, XSMD_T_PRIVCMD);
    do
        n = sendmsg(fd, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if (n != XSMD_REQ_SIZE)
        return -EPROTO;
    do
        n = recv(fd, in, sizeof(in), 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if (n != (ssize_t)XSMD_REP_SIZE || xsmd_decode_rep(in, rp))
        return -EPROTO;
    return 0;
}

static int hypercall(void *arg)
{
    struct xsmd_rep rp = {0, 0, 0};
    int fd, rc;

    pthread_mutex_lock(&shim.lock);
    for (int tries = 0;; tries++) {
        fd = connection_locked();
        rc = fd < 0 ? fd : privcmd_call(fd, arg, &rp);
        if (rc == 0 && rp.status == XSMD_ST_WRONG_PROCESS && tries == 0) {
            drop_connection_locked(); /* our parent's (see connection_locked) */
            continue;
        }
        break;
    }
    if (rc < 0 && rc != -EFAULT)
        drop_connection_locked(); /* the daemon went away; the next call reconnects */
    pthread_mutex_unlock(&shim.lock);
    if (rc == -EFAULT) {
        errno = EFAULT;
        return -1;
    }
    if (rc < 0) {
        errno = EIO;
        return -1;
    }
    switch (rp.status) {
    case XSMD_ST_OK:
        return driver_result(rp.result);
    case XSMD_ST_NO_DOMAIN:
        errno = ESRCH; /* the domain this process was has been destroyed */
        return -1;
    default:
        errno = EIO;
        return -1;
    }
}

int ioctl(int fd, unsigned long request, ...)
{
    static ioctl_fn real;
    va_list ap;
    void *arg;

    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (((request >> 8) & 0xff) == PRIVCMD_IOCTL_TYPE && is_privcmd_fd(fd)) {
        if (request == IOCTL_PRIVCMD_HYPERCALL)
            return hypercall(arg);
        errno = ENOTTY;
        return -1;
    }
    if (!real)
        real = (ioctl_fn)next_sym("ioctl");
    return real(fd, request, arg);
}

/* A fork while another thread holds the lock must not leave it held. */
static void before_fork(void)
{
    pthread_mutex_lock(&shim.lock);
}

static void parent_after_fork(void)
{
    pthread_mutex_unlock(&shim.lock);
}

/* The inherited connection is the parent's: the child opens its own. */
static void child_after_fork(void)
{
    drop_connection_locked();
    pthread_mutex_unlock(&shim.lock);
}

__attribute__((constructor)) static void shim_init(void)
{
    pthread_atfork(before_fork, parent_after_fork, child_after_fork);
}
