/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A scripted xsmd client for the tests: connects to one socket and runs
 * the commands given on the command line in order, on that connection,
 * printing one line per command.  It builds as a 64-bit and as a 32-bit
 * (-m32) program from this one file: the FLASK ops are laid out by the
 * compiler for the word size it runs at, as a real caller's would be, so
 * the two builds' outputs can be compared line for line.
 *
 *   whoami | getenforce | setenforce N | c2s CTX | s2c SID | getbool NAME
 *   getbool# ID | setbool NAME V | load FILE | dtlabel PATH CTX
 *   delpci SBDF | delocon OCON LO HI | access SSID TSID CLASS REQ | policyvers
 *   getthreshold | ssidref DOMID | efault-op | efault-handle | create LABEL|- 32|64
 *   destroy N | raw:KIND | fork-share | loop N | loop-hv N | load-and-wait FILE
 *   hypercall NR [A0..A5] | privcmd OP [A0..A4] | privcmd-getenforce | exec-self COMMAND...
 *   for KIND [ARG]: a PRIVCMD_FOR request naming another process (for_process())
 * SOCKET "fd:N" uses an inherited connection (exec-self).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm_op.h>

#include "xsmd_client.h"

#define OCON_PCIDEVICE 4

static int conn = -1;

static void die(const char *what, int err)
{
    printf("FATAL %s: %s\n", what, strerror(err));
    exit(1);
}

/* The hypercall as a privcmd caller sees it; status problems end the run. */
static int64_t hcall(uint32_t nr, uint64_t a0, uint64_t a1)
{
    uint64_t args[XSMD_NR_ARGS] = {a0, a1, 0, 0, 0, 0};
    unsigned status = 0;
    int64_t r = 0;
    int rc = xsmd_client_hypercall(conn, nr, args, &r, &status);

    if (rc)
        die("transport", -rc);
    if (status != XSMD_ST_OK) {
        printf("STATUS %u\n", status);
        exit(1);
    }
    return r;
}

static int64_t flask(xen_flask_op_t *op, uint32_t cmd)
{
    op->cmd = cmd;
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    return hcall(27, (uint64_t)(uintptr_t)op, 0);
}

static uint32_t sid_of(const char *ctx, int64_t *r)
{
    xen_flask_op_t op;

    memset(&op, 0, sizeof(op));
    op.u.sid_context.size = (uint32_t)strlen(ctx);
    op.u.sid_context.context.p = (char *)ctx;
    *r = flask(&op, FLASK_CONTEXT_TO_SID);
    return op.u.sid_context.sid;
}

/* A page that is certainly not mapped. */
static void *hole(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        die("mmap", errno);
    munmap(p, 4096);
    return p;
}

static char *slurp(const char *path, size_t *len)
{
    struct stat st;
    char *buf;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st))
        die(path, errno);
    buf = malloc((size_t)st.st_size + 1);
    if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size)
        die(path, errno);
    close(fd);
    *len = (size_t)st.st_size;
    return buf;
}

/* After a malformed message: what came back, and is the connection gone? */
static void raw(const char *kind)
{
    uint8_t msg[XSMD_REQ_SIZE + 8], in[64];
    struct xsmd_req rq = {XSMD_T_WHOAMI, 0, 0, {0}};
    size_t len = XSMD_REQ_SIZE;
    unsigned nfds = 0;
    struct msghdr mh = {0};
    struct iovec iov;
    union {
        struct cmsghdr align;
        char b[CMSG_SPACE(2 * sizeof(int))];
    } ctl;
    ssize_t n;

    xsmd_encode_req(msg, &rq);
    if (!strncmp(kind, "for-", 4))
        nfds = 1;
    if (!strcmp(kind, "short")) {
        len = XSMD_REQ_SIZE - 1;
    } else if (!strcmp(kind, "long")) {
        len = XSMD_REQ_SIZE + 8;
        memset(msg + XSMD_REQ_SIZE, 0, 8);
    } else if (!strcmp(kind, "empty") || !strcmp(kind, "empty-fds")) {
        len = 0;
    } else if (!strcmp(kind, "magic")) {
        msg[0] ^= 1;
    } else if (!strcmp(kind, "version")) {
        xsmd_put16(msg + 4, 2);
    } else if (!strcmp(kind, "type")) {
        xsmd_put16(msg + 6, 99);
    } else if (!strcmp(kind, "flags")) {
        xsmd_put32(msg + 12, 1);
    } else if (!strcmp(kind, "whoami-arg")) {
        xsmd_put64(msg + 16, 1);
    } else if (!strcmp(kind, "privcmd-nr")) {
        xsmd_put16(msg + 6, XSMD_T_PRIVCMD);
        xsmd_put32(msg + 8, 27);
        xsmd_put64(msg + 16, 17);
    } else if (!strcmp(kind, "privcmd-flags")) {
        xsmd_put16(msg + 6, XSMD_T_PRIVCMD);
        xsmd_put32(msg + 12, 1);
        xsmd_put64(msg + 16, 17);
    } else if (!strcmp(kind, "hypercall-flags")) {
        xsmd_put16(msg + 6, XSMD_T_HYPERCALL);
        xsmd_put32(msg + 8, 17);
        xsmd_put32(msg + 12, 1);
    } else if (!strncmp(kind, "for-", 4)) {
        /* PRIVCMD_FOR framing: no descriptor, two, or an unused field set. */
        xsmd_put16(msg + 6, XSMD_T_PRIVCMD_FOR);
        xsmd_put64(msg + 16, 4096);
        if (!strcmp(kind, "for-nofd"))
            nfds = 0;
        else if (!strcmp(kind, "for-2fds"))
            nfds = 2;
        else if (!strcmp(kind, "for-unused"))
            xsmd_put64(msg + 24, 1);
        else if (!strcmp(kind, "for-nr"))
            xsmd_put32(msg + 8, 27);
        else
            die("unknown raw kind", EINVAL);
    } else if (strcmp(kind, "fds") != 0) {
        die("unknown raw kind", EINVAL);
    }
    /* An empty message can carry descriptors too. */
    if (!strcmp(kind, "fds") || !strcmp(kind, "empty-fds"))
        nfds = 1;
    iov.iov_base = msg;
    iov.iov_len = len;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (nfds) {
        struct cmsghdr *cm;
        int fds[2] = {open("/dev/null", O_RDONLY | O_CLOEXEC),
                      open("/dev/null", O_RDONLY | O_CLOEXEC)};

        mh.msg_control = ctl.b;
        mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
    }
    if (sendmsg(conn, &mh, MSG_NOSIGNAL) < 0)
        die("sendmsg", errno);
    n = recv(conn, in, sizeof(in), 0);
    if (n == (ssize_t)XSMD_REP_SIZE) {
        struct xsmd_rep rp = {0};
        struct timeval tv = {5, 0};

        if (xsmd_decode_rep(in, &rp))
            die("bad reply", EPROTO);
        printf("raw:%s: status %u", kind, rp.status);
        /* A connection left open would block here: give up after a while. */
        setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        n = recv(conn, in, sizeof(in), 0);
    } else {
        printf("raw:%s: no reply", kind);
    }
    printf(", then %s\n", n == 0 ? "closed" : "open");
}

static void fork_share(void)
{
    struct xsmd_req rq = {XSMD_T_WHOAMI, 0, 0, {0}};
    struct xsmd_rep rp = {0};
    int st, rc;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork", errno);
    if (pid == 0) {
        /* The child uses the connection its parent made. */
        rc = xsmd_client_call(conn, &rq, &rp);
        printf("fork-share: child %s status %u\n", rc ? strerror(-rc) : "reply",
               rc ? 0U : (unsigned)rp.status);
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    rc = xsmd_client_call(conn, &rq, &rp);
    printf("fork-share: parent %s status %u\n", rc ? strerror(-rc) : "reply",
           rc ? 0U : (unsigned)rp.status);
}

/* One PRIVCMD_FOR request: arg0 = addr, 'fd' attached (not closed here). */
static struct xsmd_rep call_for(uint64_t addr, int fd)
{
    uint8_t out[XSMD_REQ_SIZE], in[XSMD_REP_SIZE + 1];
    struct xsmd_req rq = {XSMD_T_PRIVCMD_FOR, 0, 0, {addr, 0, 0, 0, 0, 0}};
    struct xsmd_rep rp = {0};
    struct iovec iov = {out, sizeof(out)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    union {
        struct cmsghdr align;
        char b[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct cmsghdr *cm;
    ssize_t n;

    xsmd_encode_req(out, &rq);
    mh.msg_control = ctl.b;
    mh.msg_controllen = sizeof(ctl.b);
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
    if (sendmsg(conn, &mh, MSG_NOSIGNAL) != (ssize_t)sizeof(out))
        die("sendmsg", errno);
    n = recv(conn, in, sizeof(in), 0);
    if (n != (ssize_t)XSMD_REP_SIZE || xsmd_decode_rep(in, &rp))
        die("PRIVCMD_FOR reply", n == 0 ? ECONNRESET : EPROTO);
    return rp;
}

/*
 * PRIVCMD_FOR, as xsm-run --fuse sends it: the privcmd_hypercall is at an
 * address in the memory of the process the attached pidfd names.
 *
 *   getenforce | c2s CTX | efault   a forked child holds
 *       the struct and the op at the same addresses as we do; our own copies
 *       are spoiled after the fork, so only a daemon that reads the child's
 *       memory gets the child's answer.  The child prints what it sees in its
 *       own op afterwards (c2s: the SID the daemon wrote there).
 *   exited       the child named has exited and been reaped
 *   notpidfd     /dev/null instead of a pidfd
 *   pid PID      the process PID, with our struct's address
 */
static void for_process(const char *kind, const char *arg)
{
    struct {
        uint64_t op, arg[5];
    } hc = {27, {0, 0, 0, 0, 0}};
    xen_flask_op_t op;
    struct xsmd_rep rp;
    int go[2], st, fd = -1;
    pid_t pid = -1;
    uint8_t b = 0;

    memset(&op, 0, sizeof(op));
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    op.cmd = FLASK_GETENFORCE;
    hc.arg[0] = (uint64_t)(uintptr_t)&op;
    if (!strcmp(kind, "c2s")) {
        op.cmd = FLASK_CONTEXT_TO_SID;
        op.u.sid_context.size = (uint32_t)strlen(arg);
        op.u.sid_context.context.p = (char *)arg;
    } else if (!strcmp(kind, "efault")) {
        hc.arg[0] = (uint64_t)(uintptr_t)hole();
    }
    if (!strcmp(kind, "notpidfd")) {
        fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    } else if (!strcmp(kind, "pid")) {
        fd = (int)syscall(SYS_pidfd_open, (pid_t)atoi(arg), 0);
    } else {
        if (pipe(go))
            die("pipe", errno);
        fflush(stdout);
        pid = fork();
        if (pid < 0)
            die("fork", errno);
        if (pid == 0) {
            close(go[1]);
            /* Wait until the parent's request is answered (or the pipe closes). */
            if (read(go[0], &b, 1) == 1 && !strcmp(kind, "c2s"))
                printf("for c2s: the child's op has sid %u\n", op.u.sid_context.sid);
            fflush(stdout);
            _exit(0);
        }
        close(go[0]);
        fd = (int)syscall(SYS_pidfd_open, pid, 0);
        /* Our copies differ from the child's from here on. */
        op.cmd = 0;
        op.interface_version = 0;
        hc.op = 17;
        hc.arg[0] = (uint64_t)(uintptr_t)hole();
        if (!strcmp(kind, "exited")) {
            close(go[1]);
            waitpid(pid, &st, 0);
            pid = -1;
        }
    }
    if (fd < 0)
        die("pidfd_open", errno);
    rp = call_for((uint64_t)(uintptr_t)&hc, fd);
    printf("for %s: status %u result %" PRId64 "\n", kind, rp.status, rp.result);
    if (!strcmp(kind, "c2s"))
        printf("for c2s: our own op has sid %u\n", op.u.sid_context.sid);
    close(fd);
    if (pid > 0) {
        if (write(go[1], "g", 1) != 1)
            die("write", errno);
        close(go[1]);
        waitpid(pid, &st, 0);
    }
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    xen_flask_op_t op;
    int64_t r;

    if (argc < 3) {
        fprintf(stderr, "usage: xsmd-client SOCKET COMMAND [ARGS]...\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!strncmp(argv[1], "fd:", 3))
        conn = atoi(argv[1] + 3); /* inherited across exec-self */
    else
        conn = xsmd_client_connect(argv[1]);
    if (conn < 0)
        die(argv[1], -conn);

    for (int i = 2; i < argc; i++) {
        const char *c = argv[i];

#define NEED(n)                                                                                    \
    do {                                                                                           \
        if (i + (n) >= argc)                                                                       \
            die(c, EINVAL);                                                                        \
    } while (0)
        memset(&op, 0, sizeof(op));
        if (!strcmp(c, "whoami")) {
            struct xsmd_req rq = {XSMD_T_WHOAMI, 0, 0, {0}};
            struct xsmd_rep rp = {0};
            int rc = xsmd_client_call(conn, &rq, &rp);

            if (rc)
                die("whoami", -rc);
            printf("whoami: status %u domid %u%s\n", rp.status, (unsigned)(rp.value & 0xffff),
                   rp.value & XSMD_WHOAMI_COMPAT ? " 32-bit" : "");
        } else if (!strcmp(c, "getenforce")) {
            printf("getenforce: %" PRId64 "\n", flask(&op, FLASK_GETENFORCE));
        } else if (!strcmp(c, "setenforce")) {
            NEED(1);
            op.u.enforce.enforcing = (uint32_t)atoi(argv[++i]);
            printf("setenforce %s: %" PRId64 "\n", argv[i], flask(&op, FLASK_SETENFORCE));
        } else if (!strcmp(c, "c2s")) {
            uint32_t sid;

            NEED(1);
            sid = sid_of(argv[++i], &r);
            printf("c2s %s: %" PRId64 " sid %u\n", argv[i], r, r ? 0 : sid);
        } else if (!strcmp(c, "s2c")) {
            char buf[256] = "";

            NEED(1);
            op.u.sid_context.sid = (uint32_t)strtoul(argv[++i], NULL, 0);
            op.u.sid_context.size = sizeof(buf);
            op.u.sid_context.context.p = buf;
            r = flask(&op, FLASK_SID_TO_CONTEXT);
            printf("s2c %s: %" PRId64 " size %u ctx '%s'\n", argv[i], r, op.u.sid_context.size,
                   r ? "" : buf);
        } else if (!strcmp(c, "getbool")) {
            NEED(1);
            op.u.boolean.bool_id = (uint32_t)-1;
            op.u.boolean.size = (uint32_t)strlen(argv[++i]);
            op.u.boolean.name.p = argv[i];
            r = flask(&op, FLASK_GETBOOL);
            printf("getbool %s: %" PRId64 " cur %u pend %u id %u\n", argv[i], r,
                   op.u.boolean.enforcing, op.u.boolean.pending, op.u.boolean.bool_id);
        } else if (!strcmp(c, "getbool#")) {
            char name[256] = "";

            NEED(1);
            op.u.boolean.bool_id = (uint32_t)atoi(argv[++i]);
            op.u.boolean.size = sizeof(name);
            op.u.boolean.name.p = name;
            r = flask(&op, FLASK_GETBOOL);
            printf("getbool# %s: %" PRId64 " name '%s' cur %u size %u\n", argv[i], r, r ? "" : name,
                   op.u.boolean.enforcing, op.u.boolean.size);
        } else if (!strcmp(c, "setbool")) {
            NEED(2);
            op.u.boolean.bool_id = (uint32_t)-1;
            op.u.boolean.size = (uint32_t)strlen(argv[++i]);
            op.u.boolean.name.p = argv[i];
            op.u.boolean.new_value = (uint8_t)atoi(argv[++i]);
            op.u.boolean.commit = 1;
            r = flask(&op, FLASK_SETBOOL);
            printf("setbool %s %s: %" PRId64 "\n", argv[i - 1], argv[i], r);
        } else if (!strcmp(c, "load")) {
            size_t len;
            char *pol;

            NEED(1);
            pol = slurp(argv[++i], &len);
            op.u.load.buffer.p = pol;
            op.u.load.size = (uint32_t)len;
            printf("load: %" PRId64 "\n", flask(&op, FLASK_LOAD));
            free(pol);
        } else if (!strcmp(c, "dtlabel")) {
            uint32_t sid;

            NEED(2);
            sid = sid_of(argv[i + 2], &r);
            if (r == 0) {
                op.u.devicetree_label.sid = sid;
                op.u.devicetree_label.length = (uint32_t)strlen(argv[i + 1]);
                op.u.devicetree_label.path.p = argv[i + 1];
                r = flask(&op, FLASK_DEVICETREE_LABEL);
            }
            printf("dtlabel %s %s: %" PRId64 "\n", argv[i + 1], argv[i + 2], r);
            i += 2;
        } else if (!strcmp(c, "delpci")) {
            NEED(1);
            op.u.ocontext.ocon = OCON_PCIDEVICE;
            op.u.ocontext.low = op.u.ocontext.high = strtoull(argv[++i], NULL, 0);
            printf("delpci %s: %" PRId64 "\n", argv[i], flask(&op, FLASK_DEL_OCONTEXT));
        } else if (!strcmp(c, "delocon")) {
            NEED(3);
            op.u.ocontext.ocon = (uint32_t)strtoul(argv[++i], NULL, 0);
            op.u.ocontext.low = strtoull(argv[++i], NULL, 0);
            op.u.ocontext.high = strtoull(argv[++i], NULL, 0);
            printf("delocon %s %s %s: %" PRId64 "\n", argv[i - 2], argv[i - 1], argv[i],
                   flask(&op, FLASK_DEL_OCONTEXT));
        } else if (!strcmp(c, "access")) {
            NEED(4);
            op.u.access.ssid = (uint32_t)strtoul(argv[++i], NULL, 0);
            op.u.access.tsid = (uint32_t)strtoul(argv[++i], NULL, 0);
            op.u.access.tclass = (uint32_t)strtoul(argv[++i], NULL, 0);
            op.u.access.req = (uint32_t)strtoul(argv[++i], NULL, 0);
            r = flask(&op, FLASK_ACCESS);
            printf("access: %" PRId64 " allowed %#x auditallow %#x auditdeny %#x seqno %u\n", r,
                   op.u.access.allowed, op.u.access.audit_allow, op.u.access.audit_deny,
                   op.u.access.seqno);
        } else if (!strcmp(c, "policyvers")) {
            printf("policyvers: %" PRId64 "\n", flask(&op, FLASK_POLICYVERS));
        } else if (!strcmp(c, "getthreshold")) {
            printf("getthreshold: %" PRId64 "\n", flask(&op, FLASK_GETAVC_THRESHOLD));
        } else if (!strcmp(c, "ssidref")) {
            /* domctl getdomaininfo: the ssidref the security_domaininfo hook reports. */
            uint8_t dc[144];

            NEED(1);
            memset(dc, 0, sizeof(dc));
            xsmd_put32(dc, 5);
            xsmd_put32(dc + 4, 0x15);
            xsmd_put16(dc + 8, (uint16_t)atoi(argv[++i]));
            r = hcall(36, (uint64_t)(uintptr_t)dc, 0);
            printf("ssidref %s: %" PRId64 " ssidref %u\n", argv[i], r, r ? 0 : xsmd_get32(dc + 88));
        } else if (!strcmp(c, "efault-op")) {
            printf("efault-op: %" PRId64 "\n", hcall(27, (uint64_t)(uintptr_t)hole(), 0));
        } else if (!strcmp(c, "efault-handle")) {
            op.u.sid_context.size = 20;
            op.u.sid_context.context.p = hole();
            printf("efault-handle: %" PRId64 "\n", flask(&op, FLASK_CONTEXT_TO_SID));
        } else if (!strcmp(c, "create")) {
            struct xsmd_req rq = {XSMD_T_CREATE, 0, 0, {0}};
            struct xsmd_rep rp = {0};
            int rc;

            NEED(2);
            if (strcmp(argv[i + 1], "-") != 0) {
                rq.arg[0] = (uint64_t)(uintptr_t)argv[i + 1];
                rq.arg[1] = strlen(argv[i + 1]);
            }
            rq.flags = !strcmp(argv[i + 2], "32") ? XSMD_CREATE_32BIT : 0;
            rc = xsmd_client_call(conn, &rq, &rp);
            if (rc)
                die("create", -rc);
            printf("create: status %u result %" PRId64 "\n", rp.status, rp.result);
            i += 2;
        } else if (!strcmp(c, "destroy")) {
            struct xsmd_req rq = {XSMD_T_DESTROY, 0, 0, {0}};
            struct xsmd_rep rp = {0};
            int rc;

            NEED(1);
            rq.arg[0] = strtoull(argv[++i], NULL, 0);
            rc = xsmd_client_call(conn, &rq, &rp);
            if (rc)
                die("destroy", -rc);
            printf("destroy %s: status %u result %" PRId64 "\n", argv[i], rp.status, rp.result);
        } else if (!strncmp(c, "raw:", 4)) {
            raw(c + 4);
        } else if (!strcmp(c, "for")) {
            NEED(1);
            c = argv[++i];
            if (!strcmp(c, "c2s") || !strcmp(c, "pid")) {
                NEED(1);
                for_process(c, argv[++i]);
            } else {
                for_process(c, "");
            }
        } else if (!strcmp(c, "fork-share")) {
            fork_share();
        } else if (!strcmp(c, "loop") || !strcmp(c, "loop-hv")) {
            /* xsm_op GETENFORCE (concurrent in the daemon) or xen_version (serialised). */
            bool hv = !strcmp(c, "loop-hv");
            long n;
            double t0;

            NEED(1);
            n = atol(argv[++i]);
            t0 = now();
            for (long k = 0; k < n; k++) {
                memset(&op, 0, sizeof(op));
                r = hv ? hcall(17, 0, 0) : flask(&op, FLASK_GETENFORCE);
                if (r < 0)
                    die(c, (int)-r);
            }
            printf("%s %ld: %.0f ops/s\n", c, n, (double)n / (now() - t0));
        } else if (!strcmp(c, "load-and-wait")) {
            /* Send a load and never read the answer: the test kills us. */
            uint8_t out[XSMD_REQ_SIZE];
            struct xsmd_req rq = {XSMD_T_HYPERCALL, 27, 0, {0}};
            size_t len;
            char *pol;

            NEED(1);
            pol = slurp(argv[++i], &len);
            op.cmd = FLASK_LOAD;
            op.interface_version = XEN_FLASK_INTERFACE_VERSION;
            op.u.load.buffer.p = pol;
            op.u.load.size = (uint32_t)len;
            rq.arg[0] = (uint64_t)(uintptr_t)&op;
            xsmd_encode_req(out, &rq);
            if (send(conn, out, sizeof(out), MSG_NOSIGNAL) != (ssize_t)sizeof(out))
                die("send", errno);
            printf("sent\n");
            fflush(stdout);
            for (;;)
                pause();
        } else if (!strcmp(c, "exec-self")) {
            /*
             * Run the rest of the commands in a new image, same pid, same
             * socket.  One round trip first: the daemon has then taken hold
             * of this image's memory (it does so when it accepts).
             */
            struct xsmd_req rq = {XSMD_T_WHOAMI, 0, 0, {0}};
            struct xsmd_rep rp = {0};
            char fdarg[16];
            char **nargv = calloc((size_t)argc, sizeof(*nargv));

            if (!nargv || xsmd_client_call(conn, &rq, &rp))
                die("exec-self", ENOMEM);
            snprintf(fdarg, sizeof(fdarg), "fd:%d", conn);
            nargv[0] = argv[0];
            nargv[1] = fdarg;
            for (int k = i + 1; k < argc; k++)
                nargv[k - i + 1] = argv[k];
            fcntl(conn, F_SETFD, 0);
            execv("/proc/self/exe", nargv);
            die("execv", errno);
        } else if (!strcmp(c, "privcmd") || !strcmp(c, "privcmd-getenforce")) {
            /* A privcmd_hypercall as the bridge sends it: op, then five arguments. */
            struct xsmd_req rq = {XSMD_T_PRIVCMD, 0, 0, {0}};
            struct xsmd_rep rp = {0};
            unsigned k = 0;
            int rc;

            if (!strcmp(c, "privcmd-getenforce")) {
                op.cmd = FLASK_GETENFORCE;
                op.interface_version = XEN_FLASK_INTERFACE_VERSION;
                rq.arg[0] = 27;
                rq.arg[1] = (uint64_t)(uintptr_t)&op;
            } else {
                while (k < XSMD_NR_ARGS && i + 1 < argc && argv[i + 1][0] >= '0' &&
                       argv[i + 1][0] <= '9')
                    rq.arg[k++] = strtoull(argv[++i], NULL, 0);
            }
            rc = xsmd_client_call(conn, &rq, &rp);
            if (rc)
                die(c, -rc);
            printf("%s: status %u result %" PRId64 "\n", c, rp.status, rp.result);
        } else if (!strcmp(c, "hypercall")) {
            uint64_t a[XSMD_NR_ARGS] = {0};
            unsigned nr, status = 0, k = 0;
            int rc;

            NEED(1);
            nr = (unsigned)strtoul(argv[++i], NULL, 0);
            while (k < XSMD_NR_ARGS && i + 1 < argc && argv[i + 1][0] >= '0' &&
                   argv[i + 1][0] <= '9')
                a[k++] = strtoull(argv[++i], NULL, 0);
            rc = xsmd_client_hypercall(conn, nr, a, &r, &status);
            if (rc)
                die("hypercall", -rc);
            printf("hypercall %u: status %u result %" PRId64 "\n", nr, status, r);
        } else {
            die(c, EINVAL);
        }
    }
    return 0;
}
