/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The process at the other end of a connection, and its memory.
 *
 * Guest memory of a domain is the memory of the process that made the
 * request.  The daemon names that memory by address space, never by pid:
 * at accept it takes the peer's pidfd (SO_PEERPIDFD: the process that
 * called connect(), not whoever holds that pid now), opens
 * /proc/<pid>/mem, and then checks that the pidfd's process is still
 * alive, which proves the pid still named it when the file was opened.
 * The open file holds the address space itself: once that process exits
 * (or execs) every access fails, and a process that later gets the same
 * pid can never be read or written through it.  process_vm_readv/writev
 * are not used because they look the pid up again on every call.
 *
 * What the file holds is the address space the process has when the daemon
 * accepts; if it exec'd after connect() and before that, the new image's.
 * So the process must then still have the credentials it connected with
 * (SO_PEERCRED): all its uids and gids equal to those, and no capabilities
 * unless it is root.  A process that gained privilege by exec (setuid,
 * setgid, file capabilities) is refused; one that connected as such too.
 *
 * A process named for it.  PRIVCMD_FOR (xsm-run --fuse) asks for a
 * hypercall on the memory of another process, named by a pidfd the sender
 * attaches.  The pidfd pins that process: whatever later holds its pid is
 * not it, and xsmd_peer_named() opens /proc/<pid>/mem and then checks that
 * the pidfd's process is still alive, the same proof as above.  Who may
 * name processes is decided at accept: 'privileged' is set for a peer that
 * could read and write any process's memory itself (uid 0 with
 * CAP_SYS_PTRACE, in the daemon's user namespace), and request.c refuses
 * PRIVCMD_FOR from anyone else (docs/xsmd.md, "The FUSE node").
 */
#ifndef XSMD_PEER_H
#define XSMD_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct xsmd_peer {
    pid_t pid; /* in the daemon's pid namespace, at connect time */
    uid_t uid;
    int pidfd;       /* the connecting process */
    int memfd;       /* /proc/<pid>/mem of that process, opened once */
    bool pinned;     /* pidfd from SO_PEERPIDFD (else pidfd_open on the pid) */
    bool gone;       /* its address space is no more (exit or exec) */
    bool privileged; /* may touch any process's memory: may send PRIVCMD_FOR */
};

/*
 * Identify the peer of a connected UNIX socket.  0, or a negative errno
 * (-ESRCH: the peer exited or is outside our pid namespace; -EPERM/-EACCES:
 * its memory is not ours to touch, or its credentials changed or are
 * mixed).  Nothing to release on failure.
 */
int xsmd_peer_attach(struct xsmd_peer *p, int sock);
void xsmd_peer_release(struct xsmd_peer *p);

/*
 * The process (or thread) 'pidfd' names, as a peer whose memory can be
 * read and written; the pidfd is taken over (closed on failure, or by
 * xsmd_peer_release()).  0, or -EBADF (not a pidfd), -ESRCH (exited, or
 * outside our pid namespace), -EPERM (the daemon itself), or the error of
 * opening its memory.
 */
int xsmd_peer_named(struct xsmd_peer *p, int pidfd);

/* True while the connecting process has not exited. */
bool xsmd_peer_alive(const struct xsmd_peer *p);

/*
 * Copy from / to the peer's address space: 0 or -EFAULT (an address range
 * the process has not mapped, or the process is gone; then p->gone).
 * A failed write may have written a prefix of the bytes.
 */
int xsmd_peer_read(struct xsmd_peer *p, void *dst, uint64_t addr, size_t len);
int xsmd_peer_write(struct xsmd_peer *p, uint64_t addr, const void *src, size_t len);

#endif /* XSMD_PEER_H */
