/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FUSE privcmd node of xsm-run --fuse (docs/xsmd.md, "The FUSE node").
 *
 * Why.  A statically linked program, or one that makes its system calls
 * itself, is out of LD_PRELOAD's reach: its open("/dev/xen/privcmd") and
 * ioctl() go to the kernel, so the kernel must find a file there.  Here it
 * is a FUSE file system on /dev/xen, in a private mount namespace
 * (fusens.c), holding one regular file, privcmd (root's, mode 0600, as
 * Linux's driver makes it; the kernel checks the mode: default_permissions).
 * /dev/xen/hypercall does not exist (ENOENT), so libxencall puts its
 * hypercall buffers in ordinary memory.
 *
 * The ioctl.  FUSE ioctls on a regular file are "restricted": the kernel
 * copies in and out what _IOC_DIR and _IOC_SIZE say.  IOCTL_PRIVCMD_HYPERCALL
 * is _IOC_NONE, so nothing is copied and the server gets the caller's raw
 * argument pointer, with the id of the calling thread in the request's
 * header.  Every other ioctl is ENOTTY, as with the LD_PRELOAD bridge.
 *
 * Whose memory.  The pointer is an address in the caller's memory, and so
 * are the handles nested in the hypercall's arguments, which only the
 * daemon knows how to follow.  So xsm-run reads nothing of the caller: it
 * sends xsmd the address and a pidfd of the calling thread (PRIVCMD_FOR),
 * and the daemon, which takes that request only from a peer that could
 * read and write any process's memory itself, reaches the memory through
 * the pidfd (src/hosts/xsmd/peer.h).  Turning the header's thread id into
 * a pidfd is safe because the kernel does not let a caller go once the
 * server has read its request, not even on SIGKILL, until the answer comes;
 * the id names the caller until we reply.  As a second check (against a
 * connection aborted by root, after which callers are let go), the pidfd's
 * thread must then still be inside this very ioctl, by
 * /proc/TID/syscall: the ioctl system call with this command and this
 * argument.
 *
 * One thread serves the node, one call at a time, until COMMAND exits; its
 * connection to xsmd was made before the namespace and is not inherited
 * by COMMAND.
 */
#define FUSE_USE_VERSION 35

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fusenode.h"
#include "xsmd_client.h"

/* Linux's privcmd interface (include/uapi/xen/privcmd.h), by value. */
#define IOCTL_PRIVCMD_HYPERCALL 0x305000U /* _IOC(_IOC_NONE, 'P', 0, 48) */

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9: a pidfd for a thread, not only a leader */
#endif

/* The ioctl system call's number for a 32-bit caller (i386's table). */
#if defined(__x86_64__)
#define COMPAT_SYS_ioctl 54
#endif

#define INO_PRIVCMD  2
#define ATTR_TIMEOUT 3600.0 /* the node never changes */

/* Exit codes, as xsm-run uses them. */
#define EXIT_XSMRUN   125
#define EXIT_NOEXEC   126
#define EXIT_NOTFOUND 127

struct node {
    const char *sock; /* xsmd's socket: control or domN */
    int xsmd;         /* our connection, -1 when lost (the next call reconnects) */
    bool said;        /* a refusal was reported on stderr */
};

static void node_attr(fuse_ino_t ino, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_ino = ino;
    if (ino == FUSE_ROOT_ID) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
    } else {
        st->st_mode = S_IFREG | 0600;
        st->st_nlink = 1;
    }
}

static void n_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct fuse_entry_param e;

    if (parent != FUSE_ROOT_ID || strcmp(name, "privcmd") != 0) {
        fuse_reply_err(req, ENOENT); /* hypercall, and everything else */
        return;
    }
    memset(&e, 0, sizeof(e));
    e.ino = INO_PRIVCMD;
    e.attr_timeout = e.entry_timeout = ATTR_TIMEOUT;
    node_attr(INO_PRIVCMD, &e.attr);
    fuse_reply_entry(req, &e);
}

static void n_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct stat st;

    (void)fi;
    if (ino != FUSE_ROOT_ID && ino != INO_PRIVCMD) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    node_attr(ino, &st);
    fuse_reply_attr(req, &st, ATTR_TIMEOUT);
}

static void n_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    if (ino != INO_PRIVCMD) {
        fuse_reply_err(req, EISDIR);
        return;
    }
    fi->nonseekable = 1;
    fuse_reply_open(req, fi);
}

/* ".", ".." and "privcmd", from offset 'off' on. */
static void n_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                      struct fuse_file_info *fi)
{
    static const char *const names[] = {".", "..", "privcmd"};
    static const fuse_ino_t inos[] = {FUSE_ROOT_ID, FUSE_ROOT_ID, INO_PRIVCMD};
    char buf[512];
    size_t used = 0;

    (void)fi;
    if (ino != FUSE_ROOT_ID) {
        fuse_reply_err(req, ENOTDIR);
        return;
    }
    for (off_t i = off < 0 ? 0 : off; i < 3; i++) {
        struct stat st;
        size_t need;

        node_attr(inos[i], &st);
        need = fuse_add_direntry(req, buf + used, sizeof(buf) - used, names[i], &st, i + 1);
        if (need > sizeof(buf) - used || used + need > size)
            break;
        used += need;
    }
    fuse_reply_buf(req, buf, used);
}

/* Hex numbers, as /proc/TID/syscall writes them. */
static bool parse_hex_words(const char *s, unsigned long long *v, int n)
{
    for (int i = 0; i < n; i++) {
        char *end;

        errno = 0;
        v[i] = strtoull(s, &end, 0);
        if (errno != 0 || end == s)
            return false;
        s = end;
    }
    return true;
}

/*
 * Is thread 'tid' inside ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, arg) now?
 * /proc/TID/syscall: "NR ARG1 ... ARG6 SP PC" while it is blocked in a
 * system call.
 */
static bool in_this_ioctl(pid_t tid, uint64_t arg, bool compat)
{
    unsigned long long w[4]; /* nr, fd, cmd, arg */
    char path[64], line[256];
    bool ok = false;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/syscall", (long)tid);
    f = fopen(path, "re");
    if (!f)
        return false;
    if (fgets(line, sizeof(line), f) && parse_hex_words(line, w, 4)) {
#ifdef COMPAT_SYS_ioctl
        unsigned long long nr = compat ? COMPAT_SYS_ioctl : SYS_ioctl;
#else
        unsigned long long nr = SYS_ioctl;

        (void)compat;
#endif
        /* The command is an int: compare its 32 bits. */
        ok = w[0] == nr && (uint32_t)w[2] == IOCTL_PRIVCMD_HYPERCALL && w[3] == arg;
    }
    (void)fclose(f); /* read-only */
    return ok;
}

/* The process a thread belongs to, from /proc; -1 if unknown. */
static pid_t tgid_of(pid_t tid)
{
    char path[64], line[128];
    pid_t tgid = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/status", (long)tid);
    f = fopen(path, "re");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "Tgid:", 5) == 0) {
            long v = strtol(line + 5, NULL, 10);

            tgid = v > 0 && v <= INT_MAX ? (pid_t)v : -1;
            break;
        }
    }
    (void)fclose(f); /* read-only */
    return tgid;
}

/* A pidfd becomes readable when its thread (or process) has exited. */
static bool alive(int pidfd)
{
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
    int n;

    do
        n = poll(&pfd, 1, 0);
    while (n < 0 && errno == EINTR);
    return n == 0;
}

/*
 * A pidfd of the calling thread, checked to be in this ioctl; -errno.
 * Kernels before 6.9 have no thread pidfds: then one of its process (the
 * memory is the same).
 */
static int caller_pidfd(pid_t tid, uint64_t arg, bool compat)
{
    int fd;

    if (tid <= 0)
        return -EIO; /* outside our pid namespace: it cannot be named */
    fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
    if (fd < 0 && errno == EINVAL) {
        pid_t tgid = tgid_of(tid);

        fd = tgid > 0 ? (int)syscall(SYS_pidfd_open, tgid, 0) : -1;
    }
    if (fd < 0)
        return -EIO;
    /*
     * The kernel holds the caller until we answer (see the top), so 'tid'
     * still names it.  Checked: it is in this ioctl, and the pidfd's thread
     * is still alive after that was read, so 'tid' was it when it was.
     */
    if (!in_this_ioctl(tid, arg, compat) || !alive(fd)) {
        close(fd);
        return -EIO;
    }
    return fd;
}

/* One PRIVCMD_FOR round trip on n->xsmd: 0 with *rp, or -errno (transport). */
static int call_for(struct node *n, uint64_t arg, int pidfd, struct xsmd_rep *rp)
{
    uint8_t out[XSMD_REQ_SIZE], in[XSMD_REP_SIZE + 1];
    struct xsmd_req rq = {XSMD_T_PRIVCMD_FOR, 0, 0, {arg, 0, 0, 0, 0, 0}};
    struct iovec iov = {out, sizeof(out)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    union {
        struct cmsghdr align;
        char b[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct cmsghdr *cm;
    ssize_t len;

    xsmd_encode_req(out, &rq);
    memset(&ctl, 0, sizeof(ctl));
    mh.msg_control = ctl.b;
    mh.msg_controllen = sizeof(ctl.b);
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &pidfd, sizeof(pidfd));
    do
        len = sendmsg(n->xsmd, &mh, MSG_NOSIGNAL);
    while (len < 0 && errno == EINTR);
    if (len < 0)
        return -errno;
    if (len != (ssize_t)sizeof(out))
        return -EPROTO;
    do
        len = recv(n->xsmd, in, sizeof(in), 0);
    while (len < 0 && errno == EINTR);
    if (len < 0)
        return -errno;
    if (len == 0)
        return -ECONNRESET;
    if (len != (ssize_t)XSMD_REP_SIZE || xsmd_decode_rep(in, rp))
        return -EPROTO;
    return 0;
}

/* The hypercall for 'pidfd''s thread: its result, or -errno for the caller. */
static int64_t forward(struct node *n, uint64_t arg, int pidfd)
{
    struct xsmd_rep rp = {0, 0, 0};
    int rc = -ENOTCONN;

    for (int tries = 0; tries < 2 && rc < 0; tries++) {
        if (n->xsmd < 0) {
            n->xsmd = xsmd_client_connect(n->sock);
            if (n->xsmd < 0) {
                rc = n->xsmd;
                break;
            }
        }
        rc = call_for(n, arg, pidfd, &rp);
        if (rc < 0) {
            close(n->xsmd); /* the daemon went away or restarted: once more */
            n->xsmd = -1;
        }
    }
    if (rc < 0) {
        if (!n->said)
            fprintf(stderr, "xsm-run: lost xsmd at %s: %s\n", n->sock, strerror(-rc));
        n->said = true;
        return -EIO;
    }
    if (rp.status == XSMD_ST_OK)
        return rp.result;
    if (rp.status == XSMD_ST_NO_DOMAIN)
        return -ESRCH; /* the domain was destroyed, as the bridge says it */
    if (!n->said)
        fprintf(stderr, "xsm-run: xsmd refused the hypercall (status %u)%s\n", rp.status,
                rp.status == XSMD_ST_NOT_PRIVILEGED ? ": xsm-run must run as root with "
                                                      "CAP_SYS_PTRACE"
                                                    : "");
    n->said = true;
    return -EIO;
}

/*
 * The driver's answer: the hypercall's result is the ioctl's return value,
 * -errno included (the C library turns it into -1 and errno).  It goes back
 * as the FUSE ioctl's result, which the kernel hands the caller as it is,
 * rather than as a FUSE error reply, which takes no errno of 512 or more.
 * One value cannot cross: the kernel's FUSE turns -ENOSYS, as a reply or as
 * a result, into -ENOTTY (fs/fuse/ioctl.c), so a hypercall that Xen would
 * answer ENOSYS is ENOTTY here (docs/xsmd.md says so).  FUSE's result is an
 * int: a result outside (none today) is EOVERFLOW.
 */
static void reply(fuse_req_t req, int64_t r)
{
    if (r < INT_MIN || r > INT_MAX)
        fuse_reply_err(req, EOVERFLOW);
    else
        fuse_reply_ioctl(req, (int)r, NULL, 0);
}

static void n_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
                    struct fuse_file_info *fi, unsigned flags, const void *in_buf, size_t in_bufsz,
                    size_t out_bufsz)
{
    struct node *n = fuse_req_userdata(req);
    const struct fuse_ctx *ctx = fuse_req_ctx(req);
    uint64_t addr = (uint64_t)(uintptr_t)arg;
    int pidfd;

    (void)fi, (void)in_buf, (void)in_bufsz, (void)out_bufsz;
    if (ino != INO_PRIVCMD || cmd != IOCTL_PRIVCMD_HYPERCALL) {
        fuse_reply_err(req, ENOTTY);
        return;
    }
    pidfd = caller_pidfd(ctx->pid, addr, (flags & FUSE_IOCTL_COMPAT) != 0);
    if (pidfd < 0) {
        fuse_reply_err(req, -pidfd);
        return;
    }
    reply(req, forward(n, addr, pidfd));
    close(pidfd);
}

static const struct fuse_lowlevel_ops node_ops = {
    .lookup = n_lookup,
    .getattr = n_getattr,
    .open = n_open,
    .readdir = n_readdir,
    .ioctl = n_ioctl,
};

/* Run COMMAND in the child; never returns. */
static void exec_command(char *const argv[], const sigset_t *mask)
{
    sigprocmask(SIG_SETMASK, mask, NULL);
    execvp(argv[0], argv);
    fprintf(stderr, "xsm-run: %s: %s\n", argv[0], strerror(errno));
    _exit(errno == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
}

/*
 * Serve the node until the child exits; signals that would stop xsm-run
 * go to the child instead (it decides).  Returns its wait status.
 */
static int serve(struct fuse_session *se, pid_t child, int sigfd)
{
    struct fuse_buf buf;
    struct pollfd pf[2];
    int status = 0;

    memset(&buf, 0, sizeof(buf));
    pf[0].fd = fuse_session_fd(se);
    pf[0].events = POLLIN;
    pf[1].fd = sigfd;
    pf[1].events = POLLIN;
    for (;;) {
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pf[1].revents & POLLIN) {
            struct signalfd_siginfo si;

            if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (si.ssi_signo == SIGCHLD) {
                    if (waitpid(child, &status, WNOHANG) == child)
                        break;
                } else {
                    kill(child, (int)si.ssi_signo);
                }
            }
        }
        if (pf[0].revents & (POLLIN | POLLERR | POLLHUP)) {
            int got = fuse_session_receive_buf(se, &buf);

            if (got == -EINTR || got == -EAGAIN)
                continue;
            if (got <= 0 || fuse_session_exited(se))
                break; /* unmounted or aborted under us */
            fuse_session_process_buf(se, &buf);
        }
    }
    free(buf.mem);
    /* If we stopped for another reason, the child still decides the status. */
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

int xsm_run_fuse(const char *sock, char *const argv[])
{
    char *fargv[] = {"xsm-run", "-o",
                     "allow_other,default_permissions,fsname=xsm-privcmd,subtype=xsm-privcmd",
                     NULL};
    struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
    struct node n = {sock, -1, false};
    struct fuse_session *se = NULL;
    sigset_t stop, old;
    char err[256];
    int sigfd = -1, rc = EXIT_XSMRUN, status;
    pid_t child;

    if (geteuid() != 0) {
        fprintf(stderr, "xsm-run: --fuse needs root (a mount namespace, /dev/fuse)\n");
        return EXIT_XSMRUN;
    }
    if (access("/dev/fuse", R_OK | W_OK) != 0) {
        fprintf(stderr, "xsm-run: --fuse: /dev/fuse: %s\n", strerror(errno));
        return EXIT_XSMRUN;
    }
    /* Connected now, from the namespace we were started in. */
    n.xsmd = xsmd_client_connect(sock);
    if (n.xsmd < 0) {
        fprintf(stderr, "xsm-run: no xsmd at %s: %s\n", sock, strerror(-n.xsmd));
        return EXIT_XSMRUN;
    }
    if (xsm_fuse_namespace(err, sizeof(err)) != 0) {
        fprintf(stderr, "xsm-run: --fuse: %s\n", err);
        goto out;
    }
    se = fuse_session_new(&args, &node_ops, sizeof(node_ops), &n);
    if (!se || fuse_session_mount(se, "/dev/xen") != 0) {
        fprintf(stderr, "xsm-run: --fuse: cannot mount the node on /dev/xen\n");
        goto out;
    }

    sigemptyset(&stop);
    sigaddset(&stop, SIGCHLD);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigaddset(&stop, SIGQUIT);
    if (sigprocmask(SIG_BLOCK, &stop, &old) != 0 ||
        (sigfd = signalfd(-1, &stop, SFD_CLOEXEC)) < 0) {
        perror("xsm-run: signals");
        goto unmount;
    }
    (void)fflush(NULL); /* nothing buffered is ours to lose, but do not duplicate it */
    child = fork();
    if (child < 0) {
        perror("xsm-run: fork");
        goto unmount;
    }
    if (child == 0)
        exec_command(argv, &old);
    status = serve(se, child, sigfd);
    rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    sigprocmask(SIG_SETMASK, &old, NULL);

unmount:
    fuse_session_unmount(se);
out:
    if (sigfd >= 0)
        close(sigfd);
    if (se)
        fuse_session_destroy(se);
    fuse_opt_free_args(&args);
    if (n.xsmd >= 0)
        close(n.xsmd);
    return rc;
}
