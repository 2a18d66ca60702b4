/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsmd-load: load and faults against a running xsmd (docs/xsmd.md, "Load
 * and faults").  The daemon must have been started with load policy A
 * (load-policy-a.sed) and the guest sockets given must be domains labelled
 * system_u:system_r:domU_t.
 *
 *   usage: xsmd-load [OPTIONS] CONTROL-SOCKET [GUEST-SOCKET]...
 *     --clients N     client processes (default 16), spread over dom0 and
 *                     the guests in turn
 *     --calls M       hypercalls each (default 4000)
 *     --policy-a F, --policy-b F   the two load policies (required)
 *     --kills K       clients killed with SIGKILL at random times (default 20)
 *     --malformed K   malformed, truncated and oversized messages (default 100)
 *     --seed S        random seed (default: from the clock; printed)
 *
 * All of these run at once, each in its own process on its own connection:
 *
 *  - the clients: a random mix of xsm_op GETENFORCE, ACCESS, CONTEXT_TO_SID
 *    and GETBOOL.  Every answer is checked.  ACCESS asks about (domU_t,
 *    xsmd_load_t, domain2), on which policy A allows {gettsc} plus {settsc}
 *    while the boolean xsmd_load_b is on, and policy B {setscheduler} plus
 *    {setclaim}; nothing else in either policy allows domU_t anything on
 *    xsmd_load_t.  So each allowed vector must be exactly one of the four
 *    that one policy with one boolean value gives; any other (a mix of the
 *    two policies, or of a policy and a stale boolean) is a decision from a
 *    half-applied state.  CONTEXT_TO_SID of xsmd_load_t, present in both
 *    policies, must always give the SID it had at the start (a SID
 *    survives every reload).  GETENFORCE must stay 1; GETBOOL of
 *    xsmd_load_b must succeed with values 0 or 1;
 *  - a reloader (dom0) loading B, A, B, ... and a committer (dom0) setting
 *    and committing xsmd_load_b to 0, 1, 0, ...: every call must succeed;
 *  - a killer: processes that loop on calls (dom0 ones also load a 4 MiB
 *    policy image that is not one, so the daemon spends time reading their
 *    memory) are SIGKILLed after a random 0-4 ms;
 *  - a malformer: on fresh connections, truncated, oversized and empty
 *    messages, bad magic, version and type, unused fields set, random
 *    bytes, descriptors attached.  Each must be answered with the status
 *    docs/xsmd.md gives (none for an empty one) and the connection closed.
 *
 * The run must also show that the reloads and commits really interleaved
 * with the decisions: every one of the four states must have been seen.
 * Prints a summary; exit 0 if there was no error, 1 otherwise, 2 for bad
 * usage.  Whether the daemon survived is the caller's check.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openxsm/xen/flask_op.h>

#include "modules/flask/classes.h"
#include "xsmd_client.h"

#define LOAD_TYPE  "system_u:system_r:xsmd_load_t"
#define GUEST_TYPE "system_u:system_r:domU_t"
#define LOAD_BOOL  "xsmd_load_b"
#define BIG_LOAD   (4U << 20)
#define MAX_SOCKS  16

/* The four allowed vectors, one per (policy, boolean) state. */
static const uint32_t states[4] = {
    DOMAIN2__GETTSC,                          /* A, off */
    DOMAIN2__GETTSC | DOMAIN2__SETTSC,        /* A, on */
    DOMAIN2__SETSCHEDULER,                    /* B, off */
    DOMAIN2__SETSCHEDULER | DOMAIN2__SETCLAIM /* B, on */
};
static const char *const state_names[4] = {"A/off", "A/on", "B/off", "B/on"};

/* One per process, in memory shared by all of them. */
struct slot {
    unsigned long calls, errors, seen[4];
    unsigned long reloads, commits, kills, malformed;
    char err[240]; /* the first error */
};

struct shared {
    _Atomic int stop;
    struct slot slot[];
};

static struct {
    const char *socks[MAX_SOCKS];
    unsigned nsocks;
    unsigned clients;
    unsigned long calls;
    unsigned kills, malformed;
    uint64_t seed;
    char *pol[2];
    size_t pol_len[2];
    uint32_t sid_guest, sid_load;
    struct shared *sh;
} cfg = {.clients = 16, .calls = 4000, .kills = 20, .malformed = 100};

static void fail(struct slot *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct slot *s, const char *fmt, ...)
{
    va_list ap;

    if (s->errors++ == 0) {
        va_start(ap, fmt);
        vsnprintf(s->err, sizeof(s->err), fmt, ap);
        va_end(ap);
    }
}

static uint64_t rnd(uint64_t *st)
{
    /* xorshift64*: reproducible from --seed. */
    *st ^= *st >> 12;
    *st ^= *st << 25;
    *st ^= *st >> 27;
    return *st * 0x2545f4914f6cdd1dULL;
}

static bool stopping(void)
{
    return atomic_load_explicit(&cfg.sh->stop, memory_order_relaxed);
}

/*
 * One FLASK op as this process's domain.  Returns false (with the error
 * recorded) if the call did not come back as an ordinary hypercall result.
 */
static bool flask(struct slot *s, int fd, xen_flask_op_t *op, uint32_t cmd, int64_t *r)
{
    uint64_t args[XSMD_NR_ARGS] = {(uint64_t)(uintptr_t)op};
    unsigned status = 0;
    int rc;

    op->cmd = cmd;
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    rc = xsmd_client_hypercall(fd, 27, args, r, &status);
    if (rc) {
        fail(s, "op %u: transport: %s", cmd, strerror(-rc));
        return false;
    }
    if (status != XSMD_ST_OK) {
        fail(s, "op %u: status %u", cmd, status);
        return false;
    }
    return true;
}

static int connect_or_die(const char *path)
{
    int fd = xsmd_client_connect(path);

    if (fd < 0) {
        fprintf(stderr, "xsmd-load: %s: %s\n", path, strerror(-fd));
        exit(1);
    }
    return fd;
}

/* ---- the checked calls ---- */

static bool do_getenforce(struct slot *s, int fd)
{
    xen_flask_op_t op = {0};
    int64_t r;

    if (!flask(s, fd, &op, FLASK_GETENFORCE, &r))
        return false;
    if (r != 1)
        fail(s, "GETENFORCE: %" PRId64 ", not 1", r);
    return true;
}

static bool do_access(struct slot *s, int fd)
{
    xen_flask_op_t op = {0};
    int64_t r;

    op.u.access.ssid = cfg.sid_guest;
    op.u.access.tsid = cfg.sid_load;
    op.u.access.tclass = SECCLASS_DOMAIN2;
    op.u.access.req = DOMAIN2__CACHEFLUSH; /* neither policy grants it */
    if (!flask(s, fd, &op, FLASK_ACCESS, &r))
        return false;
    if (r != 0) {
        fail(s, "ACCESS: %" PRId64, r);
        return true;
    }
    for (unsigned i = 0; i < 4; i++)
        if (op.u.access.allowed == states[i]) {
            s->seen[i]++;
            return true;
        }
    fail(s, "ACCESS: allowed %#x is no single policy and boolean state", op.u.access.allowed);
    return true;
}

static bool do_c2s(struct slot *s, int fd)
{
    xen_flask_op_t op = {0};
    int64_t r;

    op.u.sid_context.context.p = (char *)LOAD_TYPE;
    op.u.sid_context.size = (uint32_t)strlen(LOAD_TYPE);
    if (!flask(s, fd, &op, FLASK_CONTEXT_TO_SID, &r))
        return false;
    if (r != 0 || op.u.sid_context.sid != cfg.sid_load)
        fail(s, "CONTEXT_TO_SID: %" PRId64 " sid %u, not 0 sid %u", r, op.u.sid_context.sid,
             cfg.sid_load);
    return true;
}

static bool do_getbool(struct slot *s, int fd)
{
    xen_flask_op_t op = {0};
    int64_t r;

    op.u.boolean.bool_id = UINT32_MAX;
    op.u.boolean.name.p = (char *)LOAD_BOOL;
    op.u.boolean.size = (uint32_t)strlen(LOAD_BOOL);
    if (!flask(s, fd, &op, FLASK_GETBOOL, &r))
        return false;
    if (r != 0 || op.u.boolean.enforcing > 1 || op.u.boolean.pending > 1)
        fail(s, "GETBOOL: %" PRId64 " cur %u pend %u", r, op.u.boolean.enforcing,
             op.u.boolean.pending);
    return true;
}

static bool do_mixed(struct slot *s, int fd, uint64_t *rs)
{
    switch (rnd(rs) % 4) {
    case 0:
        return do_getenforce(s, fd);
    case 1:
        return do_access(s, fd);
    case 2:
        return do_c2s(s, fd);
    default:
        return do_getbool(s, fd);
    }
}

/* ---- the processes ---- */

static void client(unsigned idx, struct slot *s)
{
    const char *sock = cfg.socks[idx % cfg.nsocks];
    int fd = connect_or_die(sock);
    uint64_t rs = cfg.seed ^ (0x9e3779b97f4a7c15ULL * (idx + 1));

    for (unsigned long k = 0; k < cfg.calls; k++) {
        s->calls++;
        if (!do_mixed(s, fd, &rs))
            break; /* the connection is gone: nothing more to learn from it */
    }
    close(fd);
}

static void reloader(struct slot *s)
{
    int fd = connect_or_die(cfg.socks[0]);

    for (unsigned k = 1; !stopping(); k++) {
        xen_flask_op_t op = {0};
        int64_t r;

        op.u.load.buffer.p = cfg.pol[k & 1]; /* B first: the daemon booted with A */
        op.u.load.size = (uint32_t)cfg.pol_len[k & 1];
        if (!flask(s, fd, &op, FLASK_LOAD, &r))
            break;
        if (r != 0)
            fail(s, "LOAD of policy %c: %" PRId64, k & 1 ? 'B' : 'A', r);
        s->reloads++;
        usleep(500);
    }
    close(fd);
}

static void committer(struct slot *s)
{
    int fd = connect_or_die(cfg.socks[0]);

    for (unsigned k = 0; !stopping(); k++) {
        xen_flask_op_t op = {0};
        int64_t r;

        op.u.boolean.bool_id = UINT32_MAX;
        op.u.boolean.name.p = (char *)LOAD_BOOL;
        op.u.boolean.size = (uint32_t)strlen(LOAD_BOOL);
        op.u.boolean.new_value = (uint8_t)(k & 1);
        op.u.boolean.commit = 1;
        if (!flask(s, fd, &op, FLASK_SETBOOL, &r))
            break;
        if (r != 0)
            fail(s, "SETBOOL %u: %" PRId64, k & 1, r);
        s->commits++;
        usleep(200);
    }
    close(fd);
}

/* Runs until killed; exit status 3 on a wrong answer or a lost connection. */
static void victim(unsigned v, char *big)
{
    struct slot s = {0};
    bool dom0 = v % 2 == 0 || cfg.nsocks == 1;
    int fd = connect_or_die(dom0 ? cfg.socks[0] : cfg.socks[1 + v / 2 % (cfg.nsocks - 1)]);
    uint64_t rs = cfg.seed ^ (0xc2b2ae3d27d4eb4fULL * (v + 1));

    for (;;) {
        if (dom0 && rnd(&rs) % 2) {
            xen_flask_op_t op = {0};
            int64_t r;

            /* Not a policy: refused once read, after a long read. */
            op.u.load.buffer.p = big;
            op.u.load.size = BIG_LOAD;
            if (!flask(&s, fd, &op, FLASK_LOAD, &r) || r >= 0)
                _exit(3);
        } else if (!do_mixed(&s, fd, &rs) || s.errors) {
            _exit(3);
        }
    }
}

static void killer(struct slot *s)
{
    char *big = calloc(1, BIG_LOAD);
    uint64_t rs = cfg.seed ^ 0x165667b19e3779f9ULL;

    if (!big) {
        fail(s, "killer: out of memory");
        return;
    }
    big[0] = (char)0x8c; /* FLASK's policy magic, little-endian; the rest is zeros */
    big[1] = (char)0xff;
    big[2] = (char)0x7c;
    big[3] = (char)0xf9;
    for (unsigned v = 0; v < cfg.kills; v++) {
        int st;
        pid_t pid = fork();

        if (pid < 0) {
            fail(s, "fork: %s", strerror(errno));
            break;
        }
        if (pid == 0)
            victim(v, big);
        usleep((useconds_t)(rnd(&rs) % 4000));
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        if (!WIFSIGNALED(st))
            fail(s, "victim %u ended before it was killed (status %#x)", v, st);
        s->kills++;
    }
    free(big);
}

enum mal {
    M_TRUNC,
    M_OVER,
    M_EMPTY,
    M_MAGIC,
    M_VERSION,
    M_TYPE,
    M_FIELD,
    M_RANDOM,
    M_FDS,
    M_KINDS
};
static const char *const mal_names[M_KINDS] = {"truncated",        "oversized",   "empty",
                                               "bad magic",        "bad version", "unknown type",
                                               "unused field set", "random",      "descriptors"};

/* A well-formed request of a random type with one field it does not use set. */
static void unused_field(uint8_t *m, uint64_t *rs)
{
    static const uint16_t types[] = {XSMD_T_HYPERCALL, XSMD_T_CREATE, XSMD_T_DESTROY,
                                     XSMD_T_WHOAMI};
    struct xsmd_req rq = {types[rnd(rs) % 4], 0, 0, {0}};
    uint64_t v = rnd(rs) | 1;

    switch (rq.type) {
    case XSMD_T_HYPERCALL:
        rq.nr = 27;
        rq.flags = (uint32_t)v; /* flags must be 0 */
        break;
    case XSMD_T_CREATE:
        if (rnd(rs) % 2)
            rq.flags = (uint32_t)v << 1 ? (uint32_t)v << 1 : 2; /* only bit 0 is defined */
        else
            rq.arg[3 + rnd(rs) % 3] = v;
        break;
    case XSMD_T_DESTROY:
        if (rnd(rs) % 2)
            rq.nr = (uint32_t)v;
        else
            rq.arg[1 + rnd(rs) % 5] = v;
        break;
    default:
        rq.arg[rnd(rs) % 6] = v;
        break;
    }
    xsmd_encode_req(m, &rq);
}

/* Send one malformed message on a fresh connection; check answer and close. */
static void malform(struct slot *s, unsigned i, uint64_t *rs)
{
    static uint8_t m[60000];
    struct xsmd_req who = {XSMD_T_WHOAMI, 0, 0, {0}};
    enum mal kind = (enum mal)(rnd(rs) % M_KINDS);
    const char *sock = cfg.socks[i % cfg.nsocks];
    unsigned want = XSMD_ST_BAD_REQUEST;
    size_t len = XSMD_REQ_SIZE;
    struct msghdr mh = {0};
    struct cmsghdr *cm;
    struct iovec iov;
    union {
        struct cmsghdr align;
        char b[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct timeval tv = {5, 0};
    uint8_t in[64];
    ssize_t n;
    int fd = connect_or_die(sock), nul = -1;

    xsmd_encode_req(m, &who);
    switch (kind) {
    case M_TRUNC:
        len = 1 + rnd(rs) % (XSMD_REQ_SIZE - 1);
        break;
    case M_OVER:
        len = XSMD_REQ_SIZE + 1 + rnd(rs) % (sizeof(m) - XSMD_REQ_SIZE);
        for (size_t k = XSMD_REQ_SIZE; k < len; k++)
            m[k] = (uint8_t)rnd(rs);
        break;
    case M_EMPTY:
        len = 0;
        break;
    case M_MAGIC:
        xsmd_put32(m, (uint32_t)rnd(rs) | 0x80000000U); /* never "XSMD" */
        break;
    case M_VERSION:
        xsmd_put16(m + 4, (uint16_t)(rnd(rs) % 0xfffe + 2));
        want = XSMD_ST_BAD_VERSION;
        break;
    case M_TYPE:
        xsmd_put16(m + 6, (uint16_t)(rnd(rs) % 0xfff5 + 11)); /* 11..0xffff */
        break;
    case M_FIELD:
        unused_field(m, rs);
        break;
    case M_RANDOM:
        for (size_t k = 0; k < XSMD_REQ_SIZE; k++)
            m[k] = (uint8_t)rnd(rs);
        if (xsmd_get32(m) == XSMD_MAGIC)
            m[0] ^= 1;
        break;
    default: /* M_FDS: a well-formed request, with a descriptor */
        nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
        mh.msg_control = ctl.b;
        mh.msg_controllen = sizeof(ctl.b);
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &nul, sizeof(nul));
        break;
    }
    iov.iov_base = m;
    iov.iov_len = len;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (sendmsg(fd, &mh, MSG_NOSIGNAL) != (ssize_t)len) {
        fail(s, "malformed (%s, %zu bytes): send: %s", mal_names[kind], len, strerror(errno));
        goto out;
    }
    n = recv(fd, in, sizeof(in), 0);
    if (kind != M_EMPTY) {
        struct xsmd_rep rp;

        if (n != (ssize_t)XSMD_REP_SIZE || xsmd_decode_rep(in, &rp) || rp.status != want) {
            fail(s, "malformed (%s, %zu bytes): reply of %zd bytes, status %u; wanted status %u",
                 mal_names[kind], len, n, n == (ssize_t)XSMD_REP_SIZE ? xsmd_get16(in + 6) : 0,
                 want);
            goto out;
        }
        n = recv(fd, in, sizeof(in), 0);
    }
    if (n != 0)
        fail(s, "malformed (%s, %zu bytes): connection %s", mal_names[kind], len,
             n < 0 ? "left open" : "answered again");
    s->malformed++;
out:
    if (nul >= 0)
        close(nul);
    close(fd);
}

static void malformer(struct slot *s)
{
    uint64_t rs = cfg.seed ^ 0x27d4eb2f165667c5ULL;

    /* After one wrong answer the rest would only wait out their timeouts. */
    for (unsigned i = 0; i < cfg.malformed && !s->errors; i++) {
        malform(s, i, &rs);
        usleep((useconds_t)(rnd(&rs) % 1000));
    }
}

/* ---- set-up and summary ---- */

static void slurp(const char *path, char **buf, size_t *len)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) || !(*buf = malloc((size_t)st.st_size + 1)) ||
        read(fd, *buf, (size_t)st.st_size) != st.st_size) {
        fprintf(stderr, "xsmd-load: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    close(fd);
    *len = (size_t)st.st_size;
}

static uint32_t sid_of(int fd, const char *ctx)
{
    struct slot s = {0};
    xen_flask_op_t op = {0};
    int64_t r;

    op.u.sid_context.context.p = (char *)ctx;
    op.u.sid_context.size = (uint32_t)strlen(ctx);
    if (!flask(&s, fd, &op, FLASK_CONTEXT_TO_SID, &r) || r != 0) {
        fprintf(stderr, "xsmd-load: CONTEXT_TO_SID %s: %s (is load policy A in force?)\n", ctx,
                s.errors ? s.err : strerror((int)-r));
        exit(1);
    }
    return op.u.sid_context.sid;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t spawn(void (*fn)(struct slot *), struct slot *s)
{
    pid_t pid = fork();

    if (pid < 0) {
        perror("xsmd-load: fork");
        exit(1);
    }
    if (pid == 0) {
        fn(s);
        _exit(0);
    }
    return pid;
}

static void usage(void)
{
    fprintf(stderr, "usage: xsmd-load --policy-a FILE --policy-b FILE [--clients N] [--calls M]\n"
                    "                 [--kills K] [--malformed K] [--seed S]\n"
                    "                 CONTROL-SOCKET [GUEST-SOCKET]...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"clients", required_argument, NULL, 'n'},  {"calls", required_argument, NULL, 'm'},
        {"policy-a", required_argument, NULL, 'a'}, {"policy-b", required_argument, NULL, 'b'},
        {"kills", required_argument, NULL, 'k'},    {"malformed", required_argument, NULL, 'x'},
        {"seed", required_argument, NULL, 's'},     {NULL, 0, NULL, 0}};
    const char *pa = NULL, *pb = NULL;
    enum { AUX = 4 }; /* reloader, committer, killer, malformer */
    pid_t aux[AUX], *pids;
    struct slot total = {0};
    unsigned nslots, bad = 0;
    size_t shsize;
    double t0, t;
    int c, fd;

    cfg.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            cfg.clients = (unsigned)strtoul(optarg, NULL, 0);
            break;
        case 'm':
            cfg.calls = strtoul(optarg, NULL, 0);
            break;
        case 'a':
            pa = optarg;
            break;
        case 'b':
            pb = optarg;
            break;
        case 'k':
            cfg.kills = (unsigned)strtoul(optarg, NULL, 0);
            break;
        case 'x':
            cfg.malformed = (unsigned)strtoul(optarg, NULL, 0);
            break;
        case 's':
            cfg.seed = strtoull(optarg, NULL, 0);
            break;
        default:
            usage();
        }
    }
    if (!pa || !pb || optind >= argc || argc - optind > MAX_SOCKS || cfg.clients == 0)
        usage();
    for (int i = optind; i < argc; i++)
        cfg.socks[cfg.nsocks++] = argv[i];
    if (cfg.seed == 0)
        cfg.seed = 1; /* xorshift's one fixed point */
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("seed %" PRIu64 "\n", cfg.seed);
    slurp(pa, &cfg.pol[0], &cfg.pol_len[0]);
    slurp(pb, &cfg.pol[1], &cfg.pol_len[1]);

    fd = connect_or_die(cfg.socks[0]);
    cfg.sid_guest = sid_of(fd, GUEST_TYPE);
    cfg.sid_load = sid_of(fd, LOAD_TYPE);
    close(fd);

    nslots = AUX + cfg.clients;
    shsize = sizeof(struct shared) + nslots * sizeof(struct slot);
    cfg.sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pids = calloc(cfg.clients, sizeof(*pids));
    if (cfg.sh == MAP_FAILED || !pids) {
        perror("xsmd-load");
        free(pids);
        return 1;
    }

    t0 = now();
    aux[0] = spawn(reloader, &cfg.sh->slot[0]);
    aux[1] = spawn(committer, &cfg.sh->slot[1]);
    aux[2] = spawn(killer, &cfg.sh->slot[2]);
    aux[3] = spawn(malformer, &cfg.sh->slot[3]);
    for (unsigned i = 0; i < cfg.clients; i++) {
        pids[i] = fork();
        if (pids[i] < 0) {
            perror("xsmd-load: fork");
            atomic_store(&cfg.sh->stop, 1);
            free(pids);
            return 1;
        }
        if (pids[i] == 0) {
            client(i, &cfg.sh->slot[AUX + i]);
            _exit(0);
        }
    }
    for (unsigned i = 0; i < cfg.clients; i++) {
        int st;

        waitpid(pids[i], &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st))
            fail(&cfg.sh->slot[AUX + i], "client %u died (status %#x)", i, st);
    }
    t = now() - t0;
    /* The killer and the malformer do all they were asked; then the others stop. */
    for (unsigned j = 0; j < AUX; j++) {
        unsigned i = (j + 2) % AUX;
        int st;

        if (i == 0)
            atomic_store(&cfg.sh->stop, 1);
        waitpid(aux[i], &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st))
            fail(&cfg.sh->slot[i], "helper %u died (status %#x)", i, st);
    }

    for (unsigned i = 0; i < nslots; i++) {
        struct slot *s = &cfg.sh->slot[i];

        total.calls += s->calls;
        total.errors += s->errors;
        for (unsigned k = 0; k < 4; k++)
            total.seen[k] += s->seen[k];
        total.reloads += s->reloads;
        total.commits += s->commits;
        total.kills += s->kills;
        total.malformed += s->malformed;
        if (s->errors && bad++ < 10)
            printf("error: %s %u: %s (%lu errors)\n",
                   i == 0   ? "reloader"
                   : i == 1 ? "committer"
                   : i == 2 ? "killer"
                   : i == 3 ? "malformer"
                            : "client",
                   i < AUX ? 0 : i - AUX, s->err, s->errors);
    }
    printf("clients %u x calls %lu: %lu calls in %.2f s (%.0f/s), errors %lu\n", cfg.clients,
           cfg.calls, total.calls, t, (double)total.calls / t, total.errors);
    printf("access states:");
    for (unsigned k = 0; k < 4; k++)
        printf(" %s %lu", state_names[k], total.seen[k]);
    printf("\nreloads %lu commits %lu kills %lu malformed %lu\n", total.reloads, total.commits,
           total.kills, total.malformed);
    free(pids);
    free(cfg.pol[0]);
    free(cfg.pol[1]);
    munmap(cfg.sh, shsize);
    if (total.errors) {
        printf("result: FAIL (%lu errors)\n", total.errors);
        return 1;
    }
    for (unsigned k = 0; k < 4; k++)
        if (!total.seen[k]) {
            printf("result: FAIL (state %s never seen: the reloads and commits did not interleave "
                   "with the decisions)\n",
                   state_names[k]);
            return 1;
        }
    if (total.kills < cfg.kills || total.malformed < cfg.malformed) {
        printf("result: FAIL (the run ended before every kill and malformed message was done)\n");
        return 1;
    }
    printf("result: ok\n");
    return 0;
}
