/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsmd: the daemon's life cycle.  Options, the socket directory (lock,
 * live-socket check, stale sockets), the hypervisor model, the accept loop
 * and a clean stop on SIGTERM/SIGINT.  docs/xsmd.md describes it all.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <openxsm/xsm_op.h>

#include "xsmd.h"
#include "xsmd_client.h"

#define POLICY_MAX (64U << 20)

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xsmd [--xsm LIST] [--flask MODE] [--policy FILE] [--dir DIR]\n"
            "\n"
            "Runs one openxsm hypervisor (the hypervisor model with its XSM modules)\n"
            "and serves hypercalls over UNIX sockets in DIR: 'control' for the control\n"
            "domain (d0), 'dom<N>' for each domain created through it.  A process that\n"
            "connects to a socket is that domain for every hypercall it makes; its own\n"
            "memory is the guest memory.  Logs go to stderr.  SIGTERM or SIGINT stops it.\n"
            "\n"
            "  --xsm LIST      dummy, silo, flask or silo,flask (default: flask)\n"
            "  --flask MODE    enforcing (default), permissive or late (no boot policy)\n"
            "  --policy FILE   boot policy for FLASK (default: the built-in policy)\n"
            "  --dir DIR       socket directory (default: /run/xsmd for root, else\n"
            "                  $XDG_RUNTIME_DIR/xsmd or /tmp/xsmd-UID); created 0700 if missing\n"
            "  --help          this text\n"
            "\n"
            "Exit status: 0 after a clean stop, 1 if it cannot start (another xsmd\n"
            "serves DIR, bad policy, ...), 2 for bad usage.\n");
}

static int read_file(const char *path, void **out, size_t *len)
{
    FILE *f = fopen(path, "rbe");
    size_t cap = 1 << 16, n = 0;
    char *buf = NULL;

    if (!f)
        return -errno;
    for (;;) {
        char *nb;
        size_t got;

        if (n == cap || !buf) {
            if (buf)
                cap *= 2;
            if (cap > POLICY_MAX + 1)
                cap = POLICY_MAX + 1;
            nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                (void)fclose(f);
                return -ENOMEM;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > POLICY_MAX) {
            free(buf);
            (void)fclose(f);
            return -EFBIG;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        (void)fclose(f);
        return -EIO;
    }
    (void)fclose(f); /* read-only: nothing to lose */
    *out = buf;
    *len = n;
    return 0;
}

/*
 * A socket name left in DIR: if something accepts on it, another daemon
 * is alive there and we must not start; if nothing does, it is stale and
 * is removed.  0 (free now), -EADDRINUSE (live), -EEXIST (not a socket).
 */
static int replace_stale(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct stat st;
    int fd, rc;

    if (lstat(path, &st))
        return errno == ENOENT ? 0 : -errno;
    if (!S_ISSOCK(st.st_mode))
        return -EEXIST;
    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    if (rc == 0 || errno == EPROTOTYPE)
        rc = -EADDRINUSE;
    else if (errno == ECONNREFUSED)
        rc = unlink(path) && errno != ENOENT ? -errno : 0;
    else
        rc = -errno;
    close(fd);
    return rc;
}

static bool is_dom_name(const char *s)
{
    size_t n = 0;

    if (strncmp(s, "dom", 3) != 0)
        return false;
    for (s += 3; *s; s++, n++)
        if (*s < '0' || *s > '9')
            return false;
    return n >= 1 && n <= 5;
}

/* Lock DIR, refuse a live daemon, clear stale sockets.  0 or a message. */
static const char *claim_dir(struct xsmd *d, int *lockfd, int *err)
{
    char path[4096 + 300];
    struct dirent *e;
    struct stat st;
    DIR *dir;
    int rc;

    if (mkdir(d->dir, 0700) && errno != EEXIST) {
        *err = errno;
        return "cannot create the socket directory";
    }
    /* Nobody else may be able to put or swap names in it (think /tmp/xsmd-UID). */
    if (lstat(d->dir, &st)) {
        *err = errno;
        return "cannot examine the socket directory";
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
        *err = EPERM;
        return "the socket directory must be a directory of ours, not writable by others";
    }
    /* The longest name we bind, "dom32751", must fit a sockaddr_un. */
    if (strlen(d->dir) + sizeof("/dom32751") > sizeof(((struct sockaddr_un *)0)->sun_path)) {
        *err = ENAMETOOLONG;
        return "socket directory path too long for a UNIX socket";
    }
    snprintf(path, sizeof(path), "%s/xsmd.lock", d->dir);
    *lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (*lockfd < 0) {
        *err = errno;
        return "cannot open the lock file";
    }
    if (flock(*lockfd, LOCK_EX | LOCK_NB)) {
        *err = errno;
        return errno == EWOULDBLOCK ? "another xsmd holds the socket directory" : "cannot lock";
    }
    dir = opendir(d->dir);
    if (!dir) {
        *err = errno;
        return "cannot read the socket directory";
    }
    while ((e = readdir(dir))) {
        if (strcmp(e->d_name, "control") != 0 && !is_dom_name(e->d_name))
            continue;
        snprintf(path, sizeof(path), "%s/%s", d->dir, e->d_name);
        rc = replace_stale(path);
        if (rc) {
            closedir(dir);
            *err = -rc;
            return rc == -EADDRINUSE ? "a live daemon answers on a socket in the directory"
                                     : "a name the daemon needs is taken";
        }
    }
    closedir(dir);
    return NULL;
}

static void hv_log_line(void *opaque, const char *line)
{
    (void)opaque;
    xsmd_log("%s", line); /* the library escapes what it logs */
}

static void log_modules(struct xsmd *d, const char *dir)
{
    xsm_ctx *x = hv_xsm(d->h);
    char list[128] = "";
    size_t o = 0;

    for (unsigned i = 0; i < xsm_active_count(x); i++) {
        struct xsm_module_info info;

        if (xsm_get_module_info(x, xsm_active_id(x, i), &info))
            continue;
        o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? "," : "", info.name);
        if (o >= sizeof(list))
            break;
    }
    xsmd_log("ready: xsm=%s, control socket %s/control", list[0] ? list : "(none)", dir);
}

/* Close listening sockets of dead domains; collect the others to poll. */
static unsigned poll_set(struct xsmd *d, struct pollfd *pfd, struct xsmd_dom **who, unsigned max)
{
    unsigned n = 0;

    pthread_mutex_lock(&d->lock);
    for (struct xsmd_dom *dom = d->doms, *next; dom; dom = next) {
        next = dom->next;
        if (dom->listen_fd < 0)
            continue;
        if (dom->dead || d->stopping) {
            if (!dom->dead)
                unlink(dom->path);
            close(dom->listen_fd);
            dom->listen_fd = -1;
            xsmd_dom_put_locked(dom);
            continue;
        }
        if (n < max) {
            pfd[n].fd = dom->listen_fd;
            pfd[n].events = POLLIN;
            pfd[n].revents = 0;
            who[n++] = dom;
        }
    }
    pthread_mutex_unlock(&d->lock);
    return n;
}

static void serve(struct xsmd *d, int sigfd)
{
    enum { FIXED = 2, MAXL = 512 };
    struct pollfd pfd[FIXED + MAXL];
    struct xsmd_dom *who[MAXL];

    for (;;) {
        unsigned n = poll_set(d, pfd + FIXED, who, MAXL);

        pfd[0] = (struct pollfd){.fd = sigfd, .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = d->wake_fd, .events = POLLIN};
        if (poll(pfd, FIXED + n, -1) < 0) {
            if (errno == EINTR)
                continue;
            xsmd_log("poll: %s", strerror(errno));
            return;
        }
        if (pfd[0].revents) {
            struct signalfd_siginfo si;

            if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                xsmd_log("signal %u: stopping", si.ssi_signo);
                return;
            }
        }
        if (pfd[1].revents) {
            uint64_t v;

            if (read(d->wake_fd, &v, sizeof(v)) < 0) {
                /* EAGAIN: someone else's wake-up was already taken */
            }
        }
        for (unsigned i = 0; i < n; i++) {
            int fd;

            if (!(pfd[FIXED + i].revents & POLLIN))
                continue;
            fd = accept4(pfd[FIXED + i].fd, NULL, NULL, SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                    xsmd_log("accept on %s: %s", who[i]->path, strerror(errno));
                continue;
            }
            xsmd_conn_start(d, who[i], fd);
        }
    }
}

/* Stop accepting, end every connection, wait for their threads. */
static void stop(struct xsmd *d)
{
    pthread_mutex_lock(&d->lock);
    d->stopping = true;
    pthread_mutex_unlock(&d->lock);
    poll_set(d, NULL, NULL, 0); /* closes and unlinks every listening socket */
    pthread_mutex_lock(&d->lock);
    for (struct xsmd_conn *c = d->conns; c; c = c->next)
        shutdown(c->fd, SHUT_RDWR);
    while (d->nconns)
        pthread_cond_wait(&d->idle, &d->lock);
    pthread_mutex_unlock(&d->lock);
}

int xsmd_main(int argc, char **argv, const struct xsmd_hooks *hooks)
{
    static const struct option opts[] = {
        {"xsm", required_argument, NULL, 'x'},    {"flask", required_argument, NULL, 'f'},
        {"policy", required_argument, NULL, 'p'}, {"dir", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *modules = "flask", *flask_mode = NULL, *policy_path = NULL, *why;
    struct hv_config cfg = {0};
    static char dir[512]; /* the socket directory; sun_path is shorter anyway */
    struct xsmd d = {.hooks = hooks};
    struct xsmd_dom *dom0;
    void *policy = NULL;
    size_t policy_len = 0;
    int c, rc, err = 0, lockfd = -1, sigfd;
    sigset_t sigs;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'x':
            modules = optarg;
            break;
        case 'f':
            flask_mode = optarg;
            break;
        case 'p':
            policy_path = optarg;
            break;
        case 'd':
            if (snprintf(dir, sizeof(dir), "%s", optarg) >= (int)sizeof(dir)) {
                fprintf(stderr, "xsmd: --dir is too long\n");
                return 2;
            }
            d.dir = dir;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (flask_mode && strcmp(flask_mode, "enforcing") != 0 &&
        strcmp(flask_mode, "permissive") != 0 && strcmp(flask_mode, "late") != 0) {
        fprintf(stderr, "xsmd: --flask must be enforcing, permissive or late\n");
        return 2;
    }
    if (!d.dir) {
        xsmd_default_dir(dir, sizeof(dir));
        d.dir = dir;
    }

    /* Signals arrive through signalfd only; every thread inherits the mask. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    (void)signal(SIGPIPE, SIG_IGN); /* a client gone mid-reply is EPIPE, not death */
    sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
    d.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (sigfd < 0 || d.wake_fd < 0) {
        xsmd_log("cannot set up signals: %s", strerror(errno));
        return 1;
    }
    pthread_mutex_init(&d.lock, NULL);
    pthread_cond_init(&d.idle, NULL);
    {
        pthread_rwlockattr_t ra;

        /* Writers (domain changes, other hypercalls) must not starve behind xsm_op readers. */
        pthread_rwlockattr_init(&ra);
        pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
        pthread_rwlock_init(&d.hv_lock, &ra);
        pthread_rwlockattr_destroy(&ra);
    }

    why = claim_dir(&d, &lockfd, &err);
    if (why) {
        xsmd_log("%s: %s (%s)", d.dir, why, strerror(err));
        return 1;
    }
    if (policy_path) {
        rc = read_file(policy_path, &policy, &policy_len);
        if (rc) {
            xsmd_log("cannot read the policy: %s", strerror(-rc));
            return 1;
        }
    }

    dom0 = xsmd_dom_new(&d, false);
    if (!dom0)
        return 1;
    xsmd_dom_set_name(dom0, 0, "control");
    cfg.modules = modules;
    cfg.flask_mode = flask_mode;
    cfg.policy = policy;
    cfg.policy_len = policy_len;
    cfg.dom0_guest = &dom0->guest;
    cfg.log = hv_log_line;
    rc = hv_create(&d.h, &cfg);
    free(policy);
    if (rc) {
        xsmd_log("the hypervisor did not start: %s", strerror(-rc));
        return 1;
    }
    rc = xsmd_dom_listen(dom0);
    if (rc) {
        xsmd_log("%s: %s", dom0->path, strerror(-rc));
        hv_destroy(d.h);
        return 1;
    }
    d.doms = dom0;
    log_modules(&d, d.dir);

    serve(&d, sigfd);

    stop(&d);
    xsmd_vms_stop(&d); /* KVM guests' vCPU threads call the model too */
    hv_destroy(d.h);
    pthread_mutex_lock(&d.lock);
    /* No connection and no socket is left: the model's references are the last. */
    while (d.doms)
        xsmd_dom_put_locked(d.doms);
    pthread_mutex_unlock(&d.lock);
    xsmd_log("stopped after %lu requests (%lu protocol errors, %lu from a wrong process)",
             d.stats.requests, d.stats.protocol_errors, d.stats.wrong_process);
    close(lockfd);
    close(sigfd);
    close(d.wake_fd);
    return 0;
}
