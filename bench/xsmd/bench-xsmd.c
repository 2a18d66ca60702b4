/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench-xsmd: the xsmd round trip as an unmodified Xen tool makes it, against
 * the bare equivalent of what the daemon does, side by side in one run.
 *
 *   xsmd       ioctl(IOCTL_PRIVCMD_HYPERCALL) on the fake privcmd descriptor
 *              of libxsm-privcmd (preloaded), which sends the hypercall to
 *              a running xsmd: xsm_op FLASK_GETENFORCE (the daemon reads the
 *              40-byte op from the caller's memory) and FLASK_ACCESS (reads
 *              it, asks the security server, writes it back);
 *   raw        the same two calls over xsmd's wire protocol directly, no
 *              bridge (where the time goes: bridge or daemon);
 *   bare       a UNIX SOCK_SEQPACKET request of 64 bytes to a server that,
 *              per request, reads the 40 bytes at the address it names from
 *              the client's /proc/PID/mem (opened once, at accept, as xsmd
 *              does), for ACCESS also writes them back, and answers 32
 *              bytes; one thread per connection, as xsmd.
 *
 * Every latency figure is the median over ROUNDS (101) batches of CALLS
 * (2,000) calls of the time per call; in each round the six cases run one
 * after the other, and each ratio is the median over the rounds of the
 * ratio within a round, so that a busy moment of this shared machine, which
 * slows a few rounds, does not skew it.  The ratio xsmd / bare is the
 * target (at most 1.2).
 *
 * Throughput: N processes (1, 2, 8, 64), each with its own connection,
 * released together, making GETENFORCE calls through the bridge (xsmd) or
 * bare requests (bare): TOTAL calls (100,000, shared among them) over the
 * wall time from the release to the last one's end; five pairs of runs,
 * bare then xsmd, the median of each and of the ratio within a pair.
 *
 * The daemon runs with its built-in policy in a temporary directory and
 * is stopped at the end.  The measuring processes are this program again
 * (--worker), executed with LD_PRELOAD and XSM_SOCKET set.
 *
 *   bench-xsmd [-l] [-n CALLS] [-r ROUNDS] [-t TOTAL_CALLS_PER_THROUGHPUT_RUN]
 *   (-l: the round trip only; BENCH_XSMD and BENCH_PRIVCMD in the
 *   environment name another daemon or bridge to measure)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openxsm/xen/flask_op.h>

#include "../lib/timing.h"
#include "xsmd_client.h"

#define IOCTL_PRIVCMD_HYPERCALL 0x305000UL /* Linux's include/uapi/xen/privcmd.h */
#define BARE_WRITE              1U         /* request flag: write the 40 bytes back */
#define OP_BYTES                40
#define MAX_ROUNDS              101
#define TPUT_PAIRS              5

struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

extern char **environ;

static long calls = 2000;
static int rounds = 101;
static long tput_total = 100000;
static bool latency_only;

static void die(const char *what)
{
    fprintf(stderr, "bench-xsmd: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* ---- the bare server ---- */

static void *bare_conn(void *arg)
{
    int fd = (int)(intptr_t)arg, mem;
    struct ucred cr;
    socklen_t len = sizeof(cr);
    char path[64];
    uint8_t in[XSMD_REQ_SIZE + 1], op[OP_BYTES], out[XSMD_REP_SIZE];
    struct xsmd_rep rp = {0, 0, 0};

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len))
        goto out;
    snprintf(path, sizeof(path), "/proc/%ld/mem", (long)cr.pid);
    mem = open(path, O_RDWR | O_CLOEXEC);
    if (mem < 0)
        goto out;
    for (;;) {
        ssize_t n = recv(fd, in, sizeof(in), 0);
        uint64_t addr;

        if (n != XSMD_REQ_SIZE)
            break;
        addr = xsmd_get64(in + 16);
        rp.status = 0;
        if (pread(mem, op, OP_BYTES, (off_t)addr) != OP_BYTES ||
            ((xsmd_get32(in + 12) & BARE_WRITE) &&
             pwrite(mem, op, OP_BYTES, (off_t)addr) != OP_BYTES))
            rp.status = 1;
        xsmd_encode_rep(out, &rp);
        if (send(fd, out, sizeof(out), MSG_NOSIGNAL) != (ssize_t)sizeof(out))
            break;
    }
    close(mem);
out:
    close(fd);
    return NULL;
}

static void bare_server(int lfd)
{
    for (;;) {
        pthread_t t;
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            _exit(1);
        }
        if (pthread_create(&t, NULL, bare_conn, (void *)(intptr_t)fd)) {
            close(fd);
            continue;
        }
        pthread_detach(t);
    }
}

static int bare_listen(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        die(path);
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 128))
        die("bare socket");
    return fd;
}

/* ---- the measuring side (run with the bridge preloaded) ---- */

struct calls {
    int privcmd;   /* the bridge's fake privcmd descriptor */
    int raw, bare; /* connections: xsmd's control socket, the bare server */
    xen_flask_op_t get, access;
    struct privcmd_hypercall hc_get, hc_access;
};

static void bad_result(const char *what, long r)
{
    fprintf(stderr, "bench-xsmd: %s returned %ld\n", what, r);
    exit(1);
}

static void call_bridge(struct calls *c, struct privcmd_hypercall *hc, long want)
{
    long r = ioctl(c->privcmd, IOCTL_PRIVCMD_HYPERCALL, hc);

    if (r != want)
        bad_result("ioctl(IOCTL_PRIVCMD_HYPERCALL)", r < 0 ? -errno : r);
}

static void call_raw(struct calls *c, xen_flask_op_t *op, long want)
{
    uint64_t args[XSMD_NR_ARGS] = {(uint64_t)(uintptr_t)op};
    unsigned status = 0;
    int64_t r = 0;

    if (xsmd_client_hypercall(c->raw, 27, args, &r, &status) || status || r != want)
        bad_result("raw xsm_op", (long)r);
}

static void call_bare(struct calls *c, void *op, uint32_t flags)
{
    struct xsmd_req rq = {XSMD_T_HYPERCALL, 27, flags, {(uint64_t)(uintptr_t)op}};
    struct xsmd_rep rp = {0};

    if (xsmd_client_call(c->bare, &rq, &rp) || rp.status)
        bad_result("bare request", -1);
}

static void setup_calls(struct calls *c, const char *xsmd_sock, const char *bare_sock)
{
    xen_flask_op_t s2 = {0};
    const char *ctx[2] = {"system_u:system_r:dom0_t", "system_u:system_r:domU_t"};
    uint32_t sid[2];

    memset(c, 0, sizeof(*c));
    c->privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (c->privcmd < 0)
        die("open /dev/xen/privcmd (is libxsm-privcmd preloaded?)");
    c->raw = xsmd_client_connect(xsmd_sock);
    c->bare = xsmd_client_connect(bare_sock);
    if (c->raw < 0 || c->bare < 0) {
        errno = -(c->raw < 0 ? c->raw : c->bare);
        die("connect");
    }
    for (int i = 0; i < 2; i++) {
        memset(&s2, 0, sizeof(s2));
        s2.cmd = FLASK_CONTEXT_TO_SID;
        s2.interface_version = XEN_FLASK_INTERFACE_VERSION;
        s2.u.sid_context.context.p = (char *)ctx[i];
        s2.u.sid_context.size = (uint32_t)strlen(ctx[i]);
        call_raw(c, &s2, 0);
        sid[i] = s2.u.sid_context.sid;
    }
    c->get.cmd = FLASK_GETENFORCE;
    c->get.interface_version = XEN_FLASK_INTERFACE_VERSION;
    c->access.cmd = FLASK_ACCESS;
    c->access.interface_version = XEN_FLASK_INTERFACE_VERSION;
    c->access.u.access.ssid = sid[0];
    c->access.u.access.tsid = sid[1];
    c->access.u.access.tclass = 3;     /* domain */
    c->access.u.access.req = 1U << 11; /* getdomaininfo: allowed, not audited */
    c->hc_get.op = 27;
    c->hc_get.arg[0] = (uint64_t)(uintptr_t)&c->get;
    c->hc_access.op = 27;
    c->hc_access.arg[0] = (uint64_t)(uintptr_t)&c->access;
}

enum { C_BARE_GET, C_XSMD_GET, C_RAW_GET, C_BARE_RW, C_XSMD_ACCESS, C_RAW_ACCESS, NCASES };
enum { R_XSMD_GET, R_RAW_GET, R_XSMD_ACCESS, R_RAW_ACCESS, NRATIOS };
static const char *const case_names[NCASES] = {"bare-read", "xsmd-getenforce", "raw-getenforce",
                                               "bare-rw",   "xsmd-access",     "raw-access"};

static double batch(struct calls *c, int which)
{
    double t0 = now();

    for (long i = 0; i < calls; i++) {
        switch (which) {
        case C_BARE_GET:
            call_bare(c, &c->get, 0);
            break;
        case C_XSMD_GET:
            call_bridge(c, &c->hc_get, 1);
            break;
        case C_RAW_GET:
            call_raw(c, &c->get, 1);
            break;
        case C_BARE_RW:
            call_bare(c, &c->access, BARE_WRITE);
            break;
        case C_XSMD_ACCESS:
            call_bridge(c, &c->hc_access, 0);
            break;
        default:
            call_raw(c, &c->access, 0);
            break;
        }
    }
    return (now() - t0) / (double)calls;
}

/* The ratios reported: a case against its bare equivalent. */
static const int ratio_of[NRATIOS][2] = {{C_XSMD_GET, C_BARE_GET},
                                         {C_RAW_GET, C_BARE_GET},
                                         {C_XSMD_ACCESS, C_BARE_RW},
                                         {C_RAW_ACCESS, C_BARE_RW}};

/*
 * Prints "CASE NS" (the median time per call) for every case and
 * "ratio:I R" for every ratio: the median over the rounds of the ratio
 * within a round, whose batches ran one after the other, so that a busy
 * moment of this shared machine, which slows the batches of a few rounds,
 * does not skew it.
 */
static int worker_latency(const char *xsmd_sock, const char *bare_sock)
{
    static double t[NCASES][MAX_ROUNDS], q[NRATIOS][MAX_ROUNDS];
    struct calls c;

    setup_calls(&c, xsmd_sock, bare_sock);
    for (int k = 0; k < NCASES; k++) /* warm up every path once */
        batch(&c, k);
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < NCASES; k++)
            t[k][r] = batch(&c, k);
    for (int i = 0; i < NRATIOS; i++)
        for (int r = 0; r < rounds; r++)
            q[i][r] = t[ratio_of[i][0]][r] / t[ratio_of[i][1]][r];
    for (int k = 0; k < NCASES; k++)
        printf("%s %.1f\n", case_names[k], median(t[k], rounds) * 1e9);
    for (int i = 0; i < NRATIOS; i++)
        printf("ratio:%d %.4f\n", i, median(q[i], rounds));
    return 0;
}

/* One throughput client: ready on stdout, go on stdin, then n calls. */
static int worker_tput(const char *kind, long n, const char *xsmd_sock, const char *bare_sock)
{
    bool bare = !strcmp(kind, "bare");
    struct calls c;
    char b = 'r';

    setup_calls(&c, xsmd_sock, bare_sock);
    bare ? call_bare(&c, &c.get, 0) : call_bridge(&c, &c.hc_get, 1);
    if (write(1, &b, 1) != 1 || read(0, &b, 1) != 1)
        return 1;
    for (long i = 0; i < n; i++)
        bare ? call_bare(&c, &c.get, 0) : call_bridge(&c, &c.hc_get, 1);
    return 0;
}

/* ---- the orchestrator ---- */

static char self[4096], dir[64], xsmd_sock[128], bare_sock[128], preload[4200];

static pid_t spawn_worker(char *const argv[], int in, int out)
{
    char **env;
    size_t n = 0;
    pid_t pid;

    while (environ[n])
        n++;
    env = calloc(n + 3, sizeof(*env));
    if (!env)
        die("calloc");
    n = 0;
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "LD_PRELOAD=", 11) != 0 && strncmp(*e, "XSM_SOCKET=", 11) != 0)
            env[n++] = *e;
    env[n++] = preload;
    env[n++] = xsmd_sock;
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the benchmark */
        if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0))
            _exit(127);
        execve(self, argv, env);
        _exit(127);
    }
    free(env);
    return pid;
}

static const char *sock_path(void)
{
    return xsmd_sock + strlen("XSM_SOCKET=");
}

static double tput_once(const char *kind, int n)
{
    char count[32];
    char *argv[] = {self,  "--worker",          "tput",    (char *)kind,
                    count, (char *)sock_path(), bare_sock, NULL};
    int go[2], ready[2];
    pid_t *pids = calloc((size_t)n, sizeof(*pids));
    long each = tput_total / n < 2000 ? 2000 : tput_total / n;
    double t0, t;
    char b;

    if (!pids || pipe2(go, O_CLOEXEC) || pipe2(ready, O_CLOEXEC))
        die("pipe");
    snprintf(count, sizeof(count), "%ld", each);
    for (int i = 0; i < n; i++)
        pids[i] = spawn_worker(argv, go[0], ready[1]);
    close(go[0]);
    close(ready[1]);
    for (int i = 0; i < n; i++)
        if (read(ready[0], &b, 1) != 1) {
            fprintf(stderr, "bench-xsmd: a %s client did not start\n", kind);
            exit(1);
        }
    t0 = now();
    for (int i = 0; i < n; i++)
        if (write(go[1], "g", 1) != 1)
            die("write");
    for (int i = 0; i < n; i++) {
        int st;

        waitpid(pids[i], &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st)) {
            fprintf(stderr, "bench-xsmd: a %s client failed (status %#x)\n", kind, st);
            exit(1);
        }
    }
    t = now() - t0;
    close(go[1]);
    close(ready[0]);
    free(pids);
    return (double)(each * n) / t;
}

static pid_t start_daemon(const char *xsmd)
{
    char sdir[96], log[96];
    pid_t pid;

    snprintf(sdir, sizeof(sdir), "%s/s", dir);
    snprintf(log, sizeof(log), "%s/xsmd.log", dir);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        prctl(PR_SET_PDEATHSIG, SIGTERM); /* a clean stop if we die */
        if (fd < 0 || dup2(fd, 2) < 0)
            _exit(127);
        execl(xsmd, xsmd, "--dir", sdir, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        struct stat st;

        if (stat(sock_path(), &st) == 0 && S_ISSOCK(st.st_mode))
            return pid;
        if (waitpid(pid, NULL, WNOHANG) == pid)
            break;
        usleep(50000);
    }
    fprintf(stderr, "bench-xsmd: %s did not start (see %s)\n", xsmd, log);
    exit(1);
}

static pid_t daemon_pid, bare_pid;

/* At exit, however it comes: stop the server and the daemon, tidy up. */
static void stop_servers(void)
{
    char path[128];
    int st = 0;

    if (bare_pid > 0) {
        kill(bare_pid, SIGKILL);
        waitpid(bare_pid, NULL, 0);
    }
    if (daemon_pid > 0) {
        kill(daemon_pid, SIGTERM);
        waitpid(daemon_pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st)) {
            fprintf(stderr, "bench-xsmd: xsmd did not stop cleanly (status %#x; log in %s)\n", st,
                    dir);
            return;
        }
    }
    snprintf(path, sizeof(path), "%s/xsmd.log", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/s/xsmd.lock", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/s", dir);
    rmdir(path);
    unlink(bare_sock);
    rmdir(dir);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench-xsmd [-l] [-n CALLS_PER_BATCH] [-r ROUNDS] [-t TOTAL]\n"
                    "  -l  the round trip only, no throughput\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *xsmd = getenv("BENCH_XSMD");
    const char *lib = getenv("BENCH_PRIVCMD");
    static const int clients[] = {1, 2, 8, 64};
    double lat[NCASES] = {0}, ratio[NRATIOS] = {0};
    char *largv[] = {self,      "--worker", "latency", xsmd_sock + strlen("XSM_SOCKET="),
                     bare_sock, NULL};
    int out[2], opt, lfd;
    pid_t w;
    char line[128];
    FILE *f;

    if (argc >= 2 && !strcmp(argv[1], "--worker")) {
        if (argc == 5 && !strcmp(argv[2], "latency"))
            return worker_latency(argv[3], argv[4]);
        if (argc == 7 && !strcmp(argv[2], "tput"))
            return worker_tput(argv[3], atol(argv[4]), argv[5], argv[6]);
        usage();
    }
    while ((opt = getopt(argc, argv, "ln:r:t:")) != -1) {
        if (opt == 'l')
            latency_only = true;
        else if (opt == 'n')
            calls = atol(optarg);
        else if (opt == 'r')
            rounds = atoi(optarg);
        else if (opt == 't')
            tput_total = atol(optarg);
        else
            usage();
    }
    if (calls < 1 || rounds < 1 || rounds > MAX_ROUNDS || tput_total < 1)
        usage();
    if (!xsmd)
        xsmd = BENCH_XSMD;
    if (!lib)
        lib = BENCH_PRIVCMD;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (readlink("/proc/self/exe", self, sizeof(self) - 1) < 0)
        die("/proc/self/exe");
    if (access(lib, R_OK) || access(xsmd, X_OK)) {
        fprintf(stderr, "bench-xsmd: need %s and %s (build them first)\n", xsmd, lib);
        return 1;
    }
    snprintf(dir, sizeof(dir), "/tmp/bench-xsmd-XXXXXX");
    if (!mkdtemp(dir))
        die("mkdtemp");
    snprintf(xsmd_sock, sizeof(xsmd_sock), "XSM_SOCKET=%s/s/control", dir);
    snprintf(bare_sock, sizeof(bare_sock), "%s/bare", dir);
    snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", lib);

    atexit(stop_servers);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is a failed write, not a lost cleanup */
    daemon_pid = start_daemon(xsmd);
    lfd = bare_listen(bare_sock);
    bare_pid = fork();
    if (bare_pid < 0)
        die("fork");
    if (bare_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        bare_server(lfd);
    }
    close(lfd);

    printf("xsmd round trip through libxsm-privcmd against the bare equivalent\n"
           "(median over %d rounds of %ld calls; every case in every round)\n\n",
           rounds, calls);
    if (pipe2(out, O_CLOEXEC))
        die("pipe");
    w = spawn_worker(largv, -1, out[1]);
    close(out[1]);
    f = fdopen(out[0], "r");
    while (f && fgets(line, sizeof(line), f)) {
        char name[64];
        double ns;

        int i;

        if (sscanf(line, "ratio:%d %lf", &i, &ns) == 2 && i >= 0 && i < NRATIOS)
            ratio[i] = ns;
        else if (sscanf(line, "%63s %lf", name, &ns) == 2)
            for (int k = 0; k < NCASES; k++)
                if (!strcmp(name, case_names[k]))
                    lat[k] = ns;
    }
    if (f)
        fclose(f);
    waitpid(w, &opt, 0);
    if (!WIFEXITED(opt) || WEXITSTATUS(opt)) {
        fprintf(stderr, "bench-xsmd: the latency worker failed (status %#x)\n", opt);
        return 1;
    }
    printf("| call | bare ns | xsmd via bridge ns (x bare) | xsmd raw protocol ns (x bare) |\n"
           "|---|---|---|---|\n");
    printf("| xsm_op GETENFORCE | %.0f | %.0f (%.2f) | %.0f (%.2f) |\n", lat[C_BARE_GET],
           lat[C_XSMD_GET], ratio[R_XSMD_GET], lat[C_RAW_GET], ratio[R_RAW_GET]);
    printf("| xsm_op ACCESS | %.0f | %.0f (%.2f) | %.0f (%.2f) |\n", lat[C_BARE_RW],
           lat[C_XSMD_ACCESS], ratio[R_XSMD_ACCESS], lat[C_RAW_ACCESS], ratio[R_RAW_ACCESS]);
    printf("\n(x bare: the median over the rounds of the ratio within a round)\n"
           "round-trip ratio xsmd/bare: GETENFORCE %.2f, ACCESS %.2f (target <= 1.20: %s)\n\n",
           ratio[R_XSMD_GET], ratio[R_XSMD_ACCESS],
           ratio[R_XSMD_GET] <= 1.2 && ratio[R_XSMD_ACCESS] <= 1.2 ? "met" : "NOT met");

    if (latency_only)
        return 0;
    printf("throughput, GETENFORCE, one process and connection per client: %d pairs of runs "
           "(bare, then xsmd) of %ld calls;\nthe median of each, and of the ratio within a "
           "pair\n\n| clients | bare calls/s | xsmd calls/s (x bare) |\n|---|---|---|\n",
           TPUT_PAIRS, tput_total);
    for (int i = 0; i < 4; i++) {
        double v[2][TPUT_PAIRS], q[TPUT_PAIRS];

        for (int j = 0; j < TPUT_PAIRS; j++) {
            v[0][j] = tput_once("bare", clients[i]);
            v[1][j] = tput_once("xsmd", clients[i]);
            q[j] = v[1][j] / v[0][j];
        }
        printf("| %d | %.0f | %.0f (%.2f) |\n", clients[i], median(v[0], TPUT_PAIRS),
               median(v[1], TPUT_PAIRS), median(q, TPUT_PAIRS));
    }
    return 0;
}
