/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Peer identity and peer memory (see peer.h for why /proc/<pid>/mem).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "peer.h"

/* Linux 6.5 (asm-generic value; the architectures this builds on use it). */
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* Linux's capability number (include/uapi/linux/capability.h). */
#define CAP_SYS_PTRACE_BIT 19
/* The pidfd file system's magic (Linux 6.9; before, pidfds are anon inodes). */
#define PIDFS_MAGIC_NR 0x50494446

static int pidfd_of_pid(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* The pid a pidfd refers to, from /proc/self/fdinfo; -1 if unknown. */
static pid_t pidfd_pid(int pidfd)
{
    char path[64], line[128];
    pid_t pid = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
    f = fopen(path, "re");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        char *end;
        long v;

        if (strncmp(line, "Pid:", 4) != 0)
            continue;
        errno = 0;
        v = strtol(line + 4, &end, 10);
        if (errno == 0 && end != line + 4 && v > 0)
            pid = (pid_t)v;
        break;
    }
    (void)fclose(f); /* read-only */
    return pid;
}

/* n decimal numbers separated by blanks, the whole of s but its trailing newline. */
static bool parse_ulongs(const char *s, unsigned long *v, int n)
{
    for (int i = 0; i < n; i++) {
        char *end;

        errno = 0;
        v[i] = strtoul(s, &end, 10);
        if (errno != 0 || end == s)
            return false;
        s = end;
    }
    return *s == '\n' || *s == '\0';
}

static bool parse_hex(const char *s, unsigned long long *v)
{
    char *end;

    errno = 0;
    *v = strtoull(s, &end, 16);
    return errno == 0 && end != s && (*end == '\n' || *end == '\0');
}

/*
 * The credentials the process has now are the ones it connected with, and
 * it gained nothing by an exec in between (setuid, setgid, file
 * capabilities): every uid is the peer's, every gid too, and a non-root
 * peer holds no capability.  0, -EPERM, or -ESRCH if it is gone.
 */
static int same_creds(pid_t pid, uid_t uid, gid_t gid, unsigned long long *eff)
{
    char path[64], line[256];
    unsigned long u[4], g[4];
    unsigned long long capprm = ~0ULL, capeff = ~0ULL;
    int have = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
    f = fopen(path, "re");
    if (!f)
        return -ESRCH;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "Uid:", 4) == 0 && parse_ulongs(line + 4, u, 4))
            have |= 1;
        else if (strncmp(line, "Gid:", 4) == 0 && parse_ulongs(line + 4, g, 4))
            have |= 2;
        else if (strncmp(line, "CapPrm:", 7) == 0 && parse_hex(line + 7, &capprm))
            have |= 4;
        else if (strncmp(line, "CapEff:", 7) == 0 && parse_hex(line + 7, &capeff))
            have |= 8;
    }
    (void)fclose(f); /* read-only */
    if (have != 15)
        return -EPERM;
    for (int i = 0; i < 4; i++)
        if (u[i] != (unsigned long)uid || g[i] != (unsigned long)gid)
            return -EPERM;
    if (uid != 0 && (capprm || capeff))
        return -EPERM;
    *eff = capeff;
    return 0;
}

/* Is the process in the daemon's user namespace?  (Its capabilities count here.) */
static bool same_userns(pid_t pid)
{
    struct stat mine, theirs;
    char path[64];

    snprintf(path, sizeof(path), "/proc/%ld/ns/user", (long)pid);
    if (stat("/proc/self/ns/user", &mine) != 0 || stat(path, &theirs) != 0)
        return false;
    return mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
}

/* The thread group (process) of a pid, from /proc; -1 if unknown. */
static pid_t tgid_of(pid_t pid)
{
    char path[64], line[128];
    pid_t tgid = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
    f = fopen(path, "re");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        unsigned long v;

        if (strncmp(line, "Tgid:", 5) == 0) {
            if (parse_ulongs(line + 5, &v, 1) && v > 0 && v <= INT_MAX)
                tgid = (pid_t)v;
            break;
        }
    }
    (void)fclose(f); /* read-only */
    return tgid;
}

/* Is fd a pidfd?  A pidfs file (6.9 on), or the anon inode "[pidfd]" before. */
static bool is_pidfd(int fd)
{
    static const char anon[] = "anon_inode:[pidfd]";
    char path[64], link[sizeof(anon) + 1];
    struct statfs sfs;
    ssize_t n;

    if (fstatfs(fd, &sfs) == 0 && (unsigned long)sfs.f_type == PIDFS_MAGIC_NR)
        return true;
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    n = readlink(path, link, sizeof(link));
    return n == (ssize_t)sizeof(anon) - 1 && memcmp(link, anon, (size_t)n) == 0;
}

bool xsmd_peer_alive(const struct xsmd_peer *p)
{
    struct pollfd pfd = {.fd = p->pidfd, .events = POLLIN};

    /* A pidfd becomes readable when its process has exited. */
    for (;;) {
        int n = poll(&pfd, 1, 0);

        if (n >= 0)
            return n == 0;
        if (errno != EINTR)
            return false;
    }
}

int xsmd_peer_attach(struct xsmd_peer *p, int sock)
{
    struct ucred cr;
    socklen_t len = sizeof(cr);
    unsigned long long capeff = 0;
    char path[64];
    int rc;

    memset(p, 0, sizeof(*p));
    p->pidfd = p->memfd = -1;
    if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cr, &len) || len != sizeof(cr))
        return -errno ? -errno : -EINVAL;
    if (cr.pid <= 0)
        return -ESRCH; /* not visible in our pid namespace */
    p->pid = cr.pid;
    p->uid = cr.uid;

    len = sizeof(p->pidfd);
    if (getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, &p->pidfd, &len) == 0 &&
        len == sizeof(p->pidfd) && p->pidfd >= 0) {
        p->pinned = true;
        /* getsockopt gives a pidfd without close-on-exec. */
        fcntl(p->pidfd, F_SETFD, FD_CLOEXEC);
    } else {
        /*
         * Older kernels: the pid as it is now.  If the client died between
         * connect() and here and its pid was reused, this names another
         * process; docs/xsmd.md says so.
         */
        p->pidfd = pidfd_of_pid(cr.pid);
        if (p->pidfd < 0)
            return errno == ESRCH ? -ESRCH : -errno;
    }
    if (pidfd_pid(p->pidfd) != cr.pid) {
        rc = -ESRCH;
        goto fail;
    }

    snprintf(path, sizeof(path), "/proc/%ld/mem", (long)cr.pid);
    p->memfd = open(path, O_RDWR | O_CLOEXEC);
    if (p->memfd < 0) {
        rc = errno == ENOENT ? -ESRCH : -errno;
        goto fail;
    }
    /*
     * An exec between connect() and here is not seen by the pidfd, and the
     * file then holds the new image: that is only acceptable if the image
     * runs with the credentials the peer connected with.
     */
    rc = same_creds(cr.pid, cr.uid, cr.gid, &capeff);
    if (rc)
        goto fail;
    /*
     * Root with CAP_SYS_PTRACE here could read and write any process's
     * memory itself, so it may name processes (PRIVCMD_FOR).
     */
    p->privileged = cr.uid == 0 && ((capeff >> CAP_SYS_PTRACE_BIT) & 1) != 0 && same_userns(cr.pid);
    /* Still alive now, so the pid named it when the file was opened (and read). */
    if (!xsmd_peer_alive(p)) {
        rc = -ESRCH;
        goto fail;
    }
    return 0;

fail:
    xsmd_peer_release(p);
    return rc;
}

int xsmd_peer_named(struct xsmd_peer *p, int pidfd)
{
    char path[64];
    pid_t pid, tgid;
    int rc;

    memset(p, 0, sizeof(*p));
    p->pidfd = pidfd;
    p->memfd = -1;
    if (!is_pidfd(pidfd)) {
        rc = -EBADF;
        goto fail;
    }
    /* -1 once it has exited; 0 (refused here too) outside our pid namespace. */
    pid = pidfd_pid(pidfd);
    if (pid <= 0) {
        rc = -ESRCH;
        goto fail;
    }
    snprintf(path, sizeof(path), "/proc/%ld/mem", (long)pid);
    p->memfd = open(path, O_RDWR | O_CLOEXEC);
    if (p->memfd < 0) {
        rc = errno == ENOENT ? -ESRCH : -errno;
        goto fail;
    }
    tgid = tgid_of(pid);
    if (tgid < 0) {
        rc = -ESRCH;
        goto fail;
    }
    /* Our own memory is not a guest's: no request may write into the daemon. */
    if (tgid == getpid()) {
        rc = -EPERM;
        goto fail;
    }
    /* Still alive, so the pid named the pidfd's process when it was opened. */
    if (!xsmd_peer_alive(p)) {
        rc = -ESRCH;
        goto fail;
    }
    p->pid = pid;
    p->pinned = true;
    return 0;

fail:
    xsmd_peer_release(p);
    return rc;
}

void xsmd_peer_release(struct xsmd_peer *p)
{
    if (p->memfd >= 0)
        close(p->memfd);
    if (p->pidfd >= 0)
        close(p->pidfd);
    p->memfd = p->pidfd = -1;
}

/* pread/pwrite take a signed offset: addresses above INT64_MAX fault. */
static bool range_ok(uint64_t addr, size_t len)
{
    return addr <= (uint64_t)INT64_MAX && (uint64_t)len <= (uint64_t)INT64_MAX - addr;
}

int xsmd_peer_read(struct xsmd_peer *p, void *dst, uint64_t addr, size_t len)
{
    size_t done = 0;

    if (!range_ok(addr, len))
        return -EFAULT;
    while (done < len) {
        ssize_t n = pread(p->memfd, (char *)dst + done, len - done, (off_t)(addr + done));

        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            p->gone = true; /* no address space behind the file any more */
        if (n <= 0)
            return -EFAULT;
        done += (size_t)n;
    }
    return 0;
}

int xsmd_peer_write(struct xsmd_peer *p, uint64_t addr, const void *src, size_t len)
{
    size_t done = 0;

    if (!range_ok(addr, len))
        return -EFAULT;
    while (done < len) {
        ssize_t n = pwrite(p->memfd, (const char *)src + done, len - done, (off_t)(addr + done));

        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            p->gone = true;
        if (n <= 0)
            return -EFAULT;
        done += (size_t)n;
    }
    return 0;
}
