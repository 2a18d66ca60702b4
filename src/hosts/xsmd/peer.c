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
#include <sys/syscall.h>
#include <unistd.h>

#include "peer.h"

/* Linux 6.5 (asm-generic value; the architectures this builds on use it). */
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

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
static int same_creds(pid_t pid, uid_t uid, gid_t gid)
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
    return 0;
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
    rc = same_creds(cr.pid, cr.uid, cr.gid);
    if (rc)
        goto fail;
    /* Still alive now, so the pid named it when the file was opened. */
    if (!xsmd_peer_alive(p)) {
        rc = -ESRCH;
        goto fail;
    }
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
