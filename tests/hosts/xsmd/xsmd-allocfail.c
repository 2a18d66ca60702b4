/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsmd's request handling under allocation failure (suite 'allocfail').
 *
 * The daemon under test is xsmd-allocfail-daemon: xsmd's own code and the
 * library's, with every allocation routed through tests/lib/allocfail.c.
 * For each request below, for n = 1, 2, ...: the driver records what a
 * client can see (enforcing mode, a context's SID, a boolean, the domains
 * and the socket directory), asks the daemon to fail the n-th allocation
 * of the next request, sends the request, and then:
 *  - if the armed allocation was reached, the request must have failed
 *    (a negative result), the daemon must still answer, what a client can
 *    see must be exactly as before, and the blocks live in the daemon must
 *    come back to their number before the request (deferred frees may need
 *    a moment: the RCU grace period ends on another thread);
 *  - if not, every allocation of the request has been failed once: the
 *    request succeeded, and its effect is undone (unarmed) for the next.
 * At the end the daemon is stopped and must exit 0 (under ASan,
 * LeakSanitizer makes a leak at exit a failure).
 *
 *   xsmd-allocfail DAEMON POLICY_A POLICY_B TMPDIR
 * POLICY_A is in force at start (tests/hosts/xsmd/load-policy-a.sed: type
 * xsmd_load_t, boolean xsmd_load_b); POLICY_B is what LOAD loads.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openxsm/xen/flask_op.h>

#include "xsmd-allocfail.h"
#include "xsmd_client.h"

#define GUEST_CTX "system_u:system_r:domU_t"
#define NEW_CTX   "system_u:system_r:xsmd_load_t"
#define BOOL_NAME "xsmd_load_b"
#define MAX_N     5000

static struct xsmd_af_ctl *ctl;
static const char *sockdir;
static void *pol[2];
static size_t pol_len[2];
static int failures;

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("xsmd-allocfail: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("FAIL: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    failures++;
}

static void slurp(const char *path, int i)
{
    struct stat sb;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size <= 0)
        fatal("%s: %s", path, strerror(errno));
    pol_len[i] = (size_t)sb.st_size;
    pol[i] = malloc(pol_len[i]);
    if (!pol[i] || read(fd, pol[i], pol_len[i]) != (ssize_t)pol_len[i])
        fatal("%s: cannot read", path);
    close(fd);
}

/* A request: its result, dying on a transport error or a non-OK status. */
static int64_t call(int fd, const struct xsmd_req *rq)
{
    struct xsmd_rep rp = {0};
    int rc = xsmd_client_call(fd, rq, &rp);

    if (rc != 0)
        fatal("request type %u: %s (the daemon died?)", rq->type, strerror(-rc));
    if (rp.status != XSMD_ST_OK)
        fatal("request type %u: status %u", rq->type, rp.status);
    return rp.result;
}

static int64_t flask(int fd, xen_flask_op_t *op, uint32_t cmd)
{
    struct xsmd_req rq = {XSMD_T_HYPERCALL, 27, 0, {(uint64_t)(uintptr_t)op}};

    op->cmd = cmd;
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    return call(fd, &rq);
}

static int64_t create(int fd, uint32_t flags)
{
    static const char label[] = GUEST_CTX;
    struct xsmd_req rq = {XSMD_T_CREATE, 0, flags, {(uint64_t)(uintptr_t)label, sizeof(label) - 1}};

    return call(fd, &rq);
}

static int64_t destroy(int fd, int64_t dom)
{
    struct xsmd_req rq = {XSMD_T_DESTROY, 0, 0, {(uint64_t)dom}};

    return call(fd, &rq);
}

static int64_t question(int fd, uint16_t type, uint64_t a0, uint64_t a1, uint64_t a2, char *buf,
                        size_t cap)
{
    struct xsmd_req rq = {type, 0, 0, {a0, a1, a2, 0, (uint64_t)(uintptr_t)buf, cap}};

    return call(fd, &rq);
}

static uint32_t sid_of(int fd, const char *ctx)
{
    xen_flask_op_t op = {0};

    op.u.sid_context.context.p = (char *)ctx;
    op.u.sid_context.size = (uint32_t)strlen(ctx);
    if (flask(fd, &op, FLASK_CONTEXT_TO_SID) != 0)
        return 0;
    return op.u.sid_context.sid;
}

static int64_t setbool(int fd, int value, int commit)
{
    xen_flask_op_t op = {0};
    static char name[] = BOOL_NAME;

    op.u.boolean.bool_id = 0xffffffffU;
    op.u.boolean.size = sizeof(name) - 1;
    op.u.boolean.name.p = name;
    op.u.boolean.new_value = (uint8_t)value;
    op.u.boolean.commit = (uint8_t)commit;
    return flask(fd, &op, FLASK_SETBOOL);
}

static int64_t load(int fd, int which)
{
    xen_flask_op_t op = {0};

    op.u.load.buffer.p = pol[which];
    op.u.load.size = (uint32_t)pol_len[which];
    return flask(fd, &op, FLASK_LOAD);
}

/* What a client can see, as one text. */
static void observe(int fd, char *out, size_t cap)
{
    xen_flask_op_t op = {0}, b = {0};
    static char name[] = BOOL_NAME;
    char doms[4096] = "", names[1024] = "";
    int64_t enf = flask(fd, &op, FLASK_GETENFORCE), nd;
    DIR *dir;
    struct dirent *e;
    size_t used = 0;

    b.u.boolean.bool_id = 0xffffffffU;
    b.u.boolean.size = sizeof(name) - 1;
    b.u.boolean.name.p = name;
    flask(fd, &b, FLASK_GETBOOL);
    nd = question(fd, XSMD_T_DOMAINS, 0, 0, 0, doms, sizeof(doms) - 1);
    if (nd >= 0 && (size_t)nd < sizeof(doms))
        doms[nd] = '\0';
    dir = opendir(sockdir);
    while (dir && (e = readdir(dir)) != NULL) {
        int w = snprintf(names + used, sizeof(names) - used, "%s ", e->d_name);

        if (w < 0 || (size_t)w >= sizeof(names) - used)
            break;
        used += (size_t)w;
    }
    if (dir)
        closedir(dir);
    /* readdir's order is the directory's: stable while nothing changes. */
    snprintf(out, cap,
             "enforcing %" PRId64 "\nguest sid %u\nbool %u/%u (%u)\n"
             "domains (%" PRId64 "):\n%s\nfiles: %s\n",
             enf, sid_of(fd, GUEST_CTX), b.u.boolean.enforcing, b.u.boolean.pending,
             b.u.boolean.bool_id, nd, doms, names);
}

/* The blocks live in the daemon now, measured by a request that allocates nothing of its own. */
static long live_now(int fd)
{
    struct xsmd_req rq = {XSMD_T_WHOAMI, 0, 0, {0}};

    call(fd, &rq);
    return atomic_load(&ctl->live);
}

struct op {
    const char *name;
    int64_t (*run)(int fd, void *arg); /* the request under test */
    void (*undo)(int fd, int64_t result, void *arg);
    void (*setup)(int fd, void *arg); /* before each attempt, unarmed */
    int64_t want;                     /* its result when nothing fails; INT64_MIN: >= 0 */
};

static int64_t op_create64(int fd, void *arg)
{
    (void)arg;
    return create(fd, 0);
}

static int64_t op_create32(int fd, void *arg)
{
    (void)arg;
    return create(fd, XSMD_CREATE_32BIT);
}

static void undo_create(int fd, int64_t dom, void *arg)
{
    (void)arg;
    if (destroy(fd, dom) != 0)
        fatal("cannot destroy domain %" PRId64, dom);
}

static void setup_destroy(int fd, void *arg)
{
    int64_t *dom = arg;

    if (*dom <= 0)
        *dom = create(fd, 0);
    if (*dom <= 0)
        fatal("cannot create a domain to destroy: %" PRId64, *dom);
}

static int64_t op_destroy(int fd, void *arg)
{
    return destroy(fd, *(int64_t *)arg);
}

static void undo_destroy(int fd, int64_t r, void *arg)
{
    (void)fd;
    (void)r;
    *(int64_t *)arg = 0;
}

static int64_t op_load_b(int fd, void *arg)
{
    (void)arg;
    return load(fd, 1);
}

static void undo_load(int fd, int64_t r, void *arg)
{
    (void)r;
    (void)arg;
    if (load(fd, 0) != 0)
        fatal("cannot load policy A back");
}

static int64_t op_setbool_commit(int fd, void *arg)
{
    (void)arg;
    return setbool(fd, 0, 1);
}

static void undo_setbool(int fd, int64_t r, void *arg)
{
    (void)r;
    (void)arg;
    if (setbool(fd, 1, 1) != 0)
        fatal("cannot set the boolean back");
}

static int64_t op_setbool_pending(int fd, void *arg)
{
    (void)arg;
    return setbool(fd, 0, 0);
}

static void setup_commit(int fd, void *arg)
{
    (void)arg;
    if (setbool(fd, 0, 0) != 0)
        fatal("cannot set a pending value");
}

static int64_t op_commitbools(int fd, void *arg)
{
    xen_flask_op_t op = {0};

    (void)arg;
    return flask(fd, &op, FLASK_COMMITBOOLS);
}

static int64_t op_new_sid(int fd, void *arg)
{
    xen_flask_op_t op = {0};
    static char ctx[] = NEW_CTX;

    (void)arg;
    op.u.sid_context.context.p = ctx;
    op.u.sid_context.size = sizeof(ctx) - 1;
    return flask(fd, &op, FLASK_CONTEXT_TO_SID);
}

static int64_t op_access(int fd, void *arg)
{
    xen_flask_op_t op = {0};
    uint32_t *sids = arg;

    op.u.access.ssid = sids[0];
    op.u.access.tsid = sids[1];
    op.u.access.tclass = 4;    /* domain2: the class numbers are Xen's */
    op.u.access.req = 1U << 6; /* gettsc */
    return flask(fd, &op, FLASK_ACCESS);
}

static char answer[1 << 16];

static int64_t op_explain(int fd, void *arg)
{
    uint32_t *sids = arg;
    int64_t r = question(fd, XSMD_T_EXPLAIN, sids[0], sids[1], 4, answer, sizeof(answer));

    return r > 0 ? 0 : r;
}

static int64_t op_classes(int fd, void *arg)
{
    int64_t r;

    (void)arg;
    r = question(fd, XSMD_T_CLASSES, 0, 0, 0, answer, sizeof(answer));
    return r > 0 ? 0 : r;
}

static int64_t op_domains(int fd, void *arg)
{
    int64_t r;

    (void)arg;
    r = question(fd, XSMD_T_DOMAINS, 0, 0, 0, answer, sizeof(answer));
    return r > 0 ? 0 : r;
}

static int64_t op_privcmd(int fd, void *arg)
{
    xen_flask_op_t op = {0};
    struct xsmd_req rq = {XSMD_T_PRIVCMD, 0, 0, {27, (uint64_t)(uintptr_t)&op}};

    (void)arg;
    op.cmd = FLASK_GETENFORCE;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    return call(fd, &rq);
}

/*
 * PRIVCMD_FOR naming this very process (its pidfd attached), as xsm-run
 * --fuse names an ioctl's caller: the struct and the op are ours.
 */
static int64_t op_privcmd_for(int fd, void *arg)
{
    xen_flask_op_t op = {0};
    uint64_t hc[6] = {27, (uint64_t)(uintptr_t)&op};
    struct xsmd_req rq = {XSMD_T_PRIVCMD_FOR, 0, 0, {(uint64_t)(uintptr_t)hc}};
    uint8_t out[XSMD_REQ_SIZE], in[XSMD_REP_SIZE + 1];
    struct iovec iov = {out, sizeof(out)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    union {
        struct cmsghdr align;
        char b[CMSG_SPACE(sizeof(int))];
    } cbuf;
    struct cmsghdr *cm;
    struct xsmd_rep rp = {0};
    int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    ssize_t n;

    (void)arg;
    if (pidfd < 0)
        fatal("pidfd_open: %s", strerror(errno));
    op.cmd = FLASK_GETENFORCE;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    xsmd_encode_req(out, &rq);
    memset(&cbuf, 0, sizeof(cbuf));
    mh.msg_control = cbuf.b;
    mh.msg_controllen = sizeof(cbuf.b);
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &pidfd, sizeof(pidfd));
    if (sendmsg(fd, &mh, MSG_NOSIGNAL) != (ssize_t)sizeof(out))
        fatal("PRIVCMD_FOR: send: %s", strerror(errno));
    close(pidfd);
    n = recv(fd, in, sizeof(in), 0);
    if (n != (ssize_t)XSMD_REP_SIZE || xsmd_decode_rep(in, &rp))
        fatal("PRIVCMD_FOR: no reply (the daemon died?)");
    if (rp.status != XSMD_ST_OK)
        fatal("PRIVCMD_FOR: status %u", rp.status);
    return rp.result;
}

static void settle(int fd, long want)
{
    struct timespec ts = {0, 2000000};

    /* Deferred frees end with a grace period another thread observes. */
    for (int i = 0; i < 500 && live_now(fd) != want; i++)
        nanosleep(&ts, NULL);
}

/*
 * The count before an operation, once the previous one's deferred frees
 * (ended connections, grace periods) are done: three equal reads 2 ms
 * apart.  Measured too early, the "before" count still holds blocks that
 * go during the operation, and a correct failure path looks like a leak
 * in reverse (seen in CI: 67 live, 69 before).
 */
static long stable_live(int fd)
{
    struct timespec ts = {0, 2000000};
    long last = live_now(fd);

    for (int i = 0, same = 0; i < 500 && same < 3; i++) {
        long now;

        nanosleep(&ts, NULL);
        now = live_now(fd);
        same = now == last ? same + 1 : 0;
        last = now;
    }
    return last;
}

static void run_op(int fd, const struct op *o, void *arg)
{
    char before[8192], after[8192];
    unsigned long n;

    for (n = 1; n <= MAX_N; n++) {
        long live0;
        int64_t r;

        if (o->setup)
            o->setup(fd, arg);
        observe(fd, before, sizeof(before));
        live0 = stable_live(fd);
        atomic_store(&ctl->arm, n);
        r = o->run(fd, arg);
        if (!atomic_load(&ctl->reached)) {
            if (o->want == INT64_MIN ? r < 0 : r != o->want)
                fail("%s: with no allocation failing: %" PRId64, o->name, r);
            if (o->undo)
                o->undo(fd, r, arg);
            break;
        }
        if (r >= 0) {
            /* Degraded but right (an AVC entry not cached, say): the result
             * must be the one without failure; then undone as a success is. */
            if (o->want == INT64_MIN ? false : r != o->want)
                fail("%s: allocation %lu failed, yet the result is %" PRId64, o->name, n, r);
            if (o->undo)
                o->undo(fd, r, arg);
            continue;
        }
        observe(fd, after, sizeof(after));
        if (strcmp(before, after) != 0)
            fail("%s: allocation %lu failed (%" PRId64
                 "): state changed\n--- before\n%s--- after\n%s",
                 o->name, n, r, before, after);
        settle(fd, live0);
        if (live_now(fd) != live0)
            fail("%s: allocation %lu failed (%" PRId64 "): %ld blocks live, %ld before", o->name, n,
                 r, live_now(fd), live0);
    }
    if (n > MAX_N)
        fail("%s: still failing after %d allocations", o->name, MAX_N);
    else
        printf("ok: %s: each of its %lu allocations failed once in turn\n", o->name, n - 1);
}

int main(int argc, char **argv)
{
    char ctlpath[512], dir[512], ctrl[600];
    int64_t dom = 0;
    uint32_t sids[2];
    pid_t pid;
    int fd = -1, st;

    if (argc != 5) {
        fprintf(stderr, "usage: xsmd-allocfail DAEMON POLICY_A POLICY_B TMPDIR\n");
        return 2;
    }
    slurp(argv[2], 0);
    slurp(argv[3], 1);
    snprintf(ctlpath, sizeof(ctlpath), "%s/af-ctl", argv[4]);
    snprintf(dir, sizeof(dir), "%s/s", argv[4]);
    snprintf(ctrl, sizeof(ctrl), "%s/control", dir);
    sockdir = dir;
    {
        int cfd = open(ctlpath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        if (cfd < 0 || ftruncate(cfd, 4096) != 0)
            fatal("%s: %s", ctlpath, strerror(errno));
        ctl = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        close(cfd);
        if (ctl == MAP_FAILED)
            fatal("mmap: %s", strerror(errno));
    }
    pid = fork();
    if (pid < 0)
        fatal("fork: %s", strerror(errno));
    if (pid == 0) {
        setenv("XSMD_AF_CTL", ctlpath, 1);
        execl(argv[1], argv[1], "--dir", dir, "--policy", argv[2], (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 1000 && fd < 0; i++) {
        struct timespec ts = {0, 10000000};

        fd = xsmd_client_connect(ctrl);
        if (fd < 0)
            nanosleep(&ts, NULL);
    }
    if (fd < 0)
        fatal("the daemon did not start");

    sids[0] = sid_of(fd, GUEST_CTX);
    sids[1] = sid_of(fd, "system_u:system_r:dom0_t");
    {
        const struct op ops[] = {
            {"CREATE (64-bit, labelled)", op_create64, undo_create, NULL, INT64_MIN},
            {"CREATE (32-bit, labelled)", op_create32, undo_create, NULL, INT64_MIN},
            {"DESTROY", op_destroy, undo_destroy, setup_destroy, 0},
            {"xsm_op LOAD", op_load_b, undo_load, NULL, 0},
            {"xsm_op SETBOOL (commit)", op_setbool_commit, undo_setbool, NULL, 0},
            {"xsm_op SETBOOL (pending)", op_setbool_pending, NULL, NULL, 0},
            {"xsm_op COMMITBOOLS", op_commitbools, undo_setbool, setup_commit, 0},
            {"xsm_op CONTEXT_TO_SID (a new SID)", op_new_sid, NULL, NULL, 0},
            {"xsm_op ACCESS", op_access, NULL, NULL, 0},
            {"PRIVCMD xsm_op GETENFORCE", op_privcmd, NULL, NULL, 1},
            {"PRIVCMD_FOR xsm_op GETENFORCE", op_privcmd_for, NULL, NULL, 1},
            {"EXPLAIN", op_explain, NULL, NULL, 0},
            {"CLASSES", op_classes, NULL, NULL, 0},
            {"DOMAINS", op_domains, NULL, NULL, 0},
        };

        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
            /* Only a peer that may touch any process's memory may name one. */
            if (ops[i].run == op_privcmd_for && geteuid() != 0) {
                printf("skipped: %s (needs root)\n", ops[i].name);
                continue;
            }
            run_op(fd, &ops[i],
                   ops[i].run == op_destroy                              ? (void *)&dom
                   : ops[i].run == op_access || ops[i].run == op_explain ? (void *)sids
                                                                         : NULL);
        }
    }
    close(fd);
    kill(pid, SIGTERM);
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fail("the daemon's exit: status 0x%x (a leak at exit under LeakSanitizer, or a crash)", st);
    }
    free(pol[0]);
    free(pol[1]);
    if (failures) {
        printf("%d failures\n", failures);
        return 1;
    }
    printf("all requests survived every allocation failure\n");
    return 0;
}
