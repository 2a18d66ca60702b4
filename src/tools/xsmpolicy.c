/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsmpolicy: inspect and query binary FLASK policies with the openxsm
 * security server.  See docs/xsmpolicy.md for the query protocol.
 *
 * Exit codes: 0 success, 1 policy unreadable or rejected or the output not
 * written, 2 usage error.
 *
 * What it prints may come from the policy (context strings, the reader's
 * messages quoting names) or from the command line (the file name): every
 * byte outside printable ASCII is written \xHH, so one answer stays one
 * line and nothing reaches the terminal as an escape sequence.  Requests
 * are read into a buffer of at most MAX_REQUEST bytes; a longer line is
 * skipped to its end and answered with one ERR line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/ss.h>
#include <openxsm/xsm.h>

/* The longest request line read (without its newline): five contexts of 3 KiB fit. */
#define MAX_REQUEST 16384

/* s with every byte outside printable ASCII as \xHH (no newline added). */
static void put_escaped(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p <= 0x7e)
            putc(*p, f);
        else
            fprintf(f, "\\x%02x", *p);
    }
}

static void usage(FILE *f)
{
    fprintf(f, "usage: xsmpolicy info FILE\n"
               "       xsmpolicy query [--sem=auto|xen|selinux] FILE  (requests on stdin)\n"
               "       xsmpolicy --help\n"
               "query requests, one per line, one answer line each:\n"
               "  av SCON TCON CLASS          -> ALLOWED AUDITALLOW AUDITDENY (hex)\n"
               "  why SCON TCON CLASS         -> ALLOWED R0 R1 ... (hex): per permission, what\n"
               "                                 denies it first: 1 TE, 2 constraint, 4 role,\n"
               "                                 8 bounds; 0 granted, - no such bit\n"
               "  tr|mb|ch SCON TCON CLASS    -> new context\n"
               "  vt OLDCON NEWCON TASKCON CLASS -> 0 or -1\n"
               "  bool NAME 0|1               -> OK\n"
               "  errors                      -> ERR <reason>\n"
               "requests are at most 16384 bytes; bytes of answers outside printable ASCII are\n"
               "written \\xHH\n"
               "exit: 0 ok, 1 policy unreadable or rejected or output not written, 2 usage\n");
}

static void *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (n < cap)
            break;
        char *nb = realloc(b, cap * 2);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    (void)fclose(f); /* read only: nothing is lost if closing fails */
    *len = n;
    return b;
}

/*
 * What FLASK makes of the policy with flask_classes = "name": how many of
 * the hypervisor's classes and permissions it defines, and the verdict.
 */
static void print_coverage(const void *img, size_t len)
{
    struct xsm_flask_coverage c;

    if (xsm_flask_coverage(img, len, &c) != 0)
        return;
    printf("hypervisor classes: %u of %u\nhypervisor permissions: %u of %u\n",
           c.classes - c.classes_missing, c.classes, c.perms - c.perms_missing, c.perms);
    if (c.refused)
        puts("hypervisor: REFUSED by FLASK: it defines none of the hypervisor's classes but "
             "security");
    else if (c.perms_missing == 0)
        puts("hypervisor: complete");
    else if (c.handle_unknown == SS_UNKNOWN_REJECT)
        puts("hypervisor: REFUSED by FLASK: what it does not define, handle_unknown=reject refuses "
             "to load");
    else if (c.handle_unknown == SS_UNKNOWN_ALLOW)
        puts("hypervisor: WARNING: what it does not define is GRANTED to every domain "
             "(handle_unknown=allow)");
    else
        puts("hypervisor: what it does not define is denied (handle_unknown=deny)");
}

/* The policy in path, loaded; *keep (if keep) gets the image, for the caller to free. */
static ss_ctx *load(const char *path, enum ss_semantics sem, void **keep, size_t *keep_len)
{
    size_t len;
    void *img = read_file(path, &len);
    if (!img) {
        int err = errno;
        fputs("xsmpolicy: cannot read ", stderr);
        put_escaped(stderr, path);
        fprintf(stderr, ": %s\n", strerror(err));
        return NULL;
    }
    struct ss_config cfg = {.semantics = sem};
    ss_ctx *ss;
    if (ss_create(&ss, &cfg)) {
        free(img);
        return NULL;
    }
    int rc = ss_load_policy(ss, img, len);
    if (rc == 0 && keep) {
        *keep = img;
        *keep_len = len;
    } else {
        free(img);
    }
    if (rc) {
        fputs("xsmpolicy: ", stderr);
        put_escaped(stderr, path);
        fputs(": ", stderr);
        put_escaped(stderr, ss_last_error(ss));
        putc('\n', stderr);
        ss_destroy(ss);
        return NULL;
    }
    return ss;
}

static int cmd_info(const char *path)
{
    void *img;
    size_t len;
    ss_ctx *ss = load(path, SS_SEM_AUTO, &img, &len);
    if (!ss)
        return 1;
    struct ss_policy_info i;
    ss_get_info(ss, &i);
    static const char *const hu[] = {"deny", "reject", "allow"};
    printf("target: %s\nversion: %u\nmls: %s\nhandle_unknown: %s\n",
           i.target == SS_TARGET_XEN ? "XenFlask" : "SE Linux", i.version, i.mls ? "yes" : "no",
           hu[i.handle_unknown]);
    printf("classes: %u\npermissions: %u\ntypes: %u\nattributes: %u\nroles: %u\nusers: %u\n"
           "booleans: %u\nsensitivities: %u\ncategories: %u\navtab rules: %u\n"
           "cond rules: %u\nconstraints: %u\nrole transitions: %u\nrole allows: %u\n"
           "range transitions: %u\nfilename transitions: %u\ninitial SIDs: %u\n"
           "ocontexts: %u\npolicy capabilities: %u\n",
           i.nclasses, i.nperms, i.ntypes, i.nattributes, i.nroles, i.nusers, i.nbools, i.nsens,
           i.ncats, i.navtab, i.ncond_rules, i.nconstraints, i.nrole_trans, i.nrole_allow,
           i.nrange_trans, i.nfilename_trans, i.ninitial_sids, i.nocontexts, i.npolicycaps);
    print_coverage(img, len);
    free(img);
    ss_destroy(ss);
    return 0;
}

/* Per permission bit, the flags of its first reason (libsepol's SEPOL_COMPUTEAV_*). */
struct why_flags {
    unsigned flags[32];
};

static int why_collect(void *opaque, const struct ss_why_reason *r)
{
    struct why_flags *w = opaque;
    static const unsigned stage[] = {
        [SS_WHY_ALLOWED] = 0, [SS_WHY_TE] = 1,   [SS_WHY_BOOLEAN] = 1, [SS_WHY_CONSTRAINT] = 2,
        [SS_WHY_MLS] = 2,     [SS_WHY_ROLE] = 4, [SS_WHY_BOUNDS] = 8,
    };

    if (!(r->flags & SS_WHY_F_SECONDARY) && (unsigned)r->kind < sizeof(stage) / sizeof(stage[0]))
        w->flags[__builtin_ctz(r->perm)] |= stage[r->kind];
    return 0;
}

static void answer_why(ss_ctx *ss, ss_sid s, ss_sid t, uint16_t cls)
{
    struct why_flags w;
    struct ss_av_decision d;
    unsigned top = 0;

    memset(&w, 0, sizeof(w));
    int rc = ss_explain(ss, s, t, cls, 0, why_collect, &w, &d);
    if (rc) {
        printf("ERR explain failed (%d)\n", rc);
        return;
    }
    for (unsigned bit = 0; bit < 32; bit++)
        if (ss_perm_name(ss, cls, bit))
            top = bit + 1;
    printf("%08x", d.allowed);
    for (unsigned bit = 0; bit < top; bit++) {
        if (ss_perm_name(ss, cls, bit))
            printf(" %x", w.flags[bit]);
        else
            printf(" -");
    }
    putchar('\n');
}

static int sid_of(ss_ctx *ss, const char *s, ss_sid *sid)
{
    return ss_context_to_sid(ss, s, strlen(s), sid);
}

static void answer(ss_ctx *ss, char *line)
{
    char *tok[6];
    int n = 0;
    for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
        if (n == 6) {
            puts("ERR too many fields");
            return;
        }
        tok[n++] = p;
    }
    if (n == 0) {
        puts("ERR empty request");
        return;
    }
    if (strcmp(tok[0], "bool") == 0) {
        if (n != 3 || (strcmp(tok[2], "0") != 0 && strcmp(tok[2], "1") != 0)) {
            puts("ERR usage: bool NAME 0|1");
            return;
        }
        int idx = ss_bool_index(ss, tok[1], strlen(tok[1]));
        if (idx < 0) {
            puts("ERR unknown boolean");
            return;
        }
        ss_bool_set_pending(ss, (unsigned)idx, tok[2][0] == '1');
        ss_bool_commit(ss);
        puts("OK");
        return;
    }
    bool vt = strcmp(tok[0], "vt") == 0;
    int want = vt ? 5 : 4;
    if (n != want) {
        puts("ERR wrong number of fields");
        return;
    }
    uint16_t cls = ss_class_value(ss, tok[want - 1]);
    if (!cls) {
        puts("ERR unknown class");
        return;
    }
    ss_sid sid[3];
    for (int i = 0; i < want - 2; i++)
        if (sid_of(ss, tok[1 + i], &sid[i])) {
            puts("ERR invalid context");
            return;
        }
    int rc;
    if (strcmp(tok[0], "av") == 0) {
        struct ss_av_decision d;
        rc = ss_compute_av(ss, sid[0], sid[1], cls, &d);
        if (rc)
            printf("ERR compute_av failed (%d)\n", rc);
        else
            printf("%08x %08x %08x\n", d.allowed, d.auditallow, d.auditdeny);
        return;
    }
    if (strcmp(tok[0], "why") == 0) {
        answer_why(ss, sid[0], sid[1], cls);
        return;
    }
    if (vt) {
        rc = ss_validate_transition(ss, sid[0], sid[1], sid[2], cls);
        if (rc && rc != -EPERM)
            printf("ERR validate_transition failed (%d)\n", rc);
        else
            puts(rc ? "-1" : "0");
        return;
    }
    ss_sid out;
    if (strcmp(tok[0], "tr") == 0)
        rc = ss_transition_sid(ss, sid[0], sid[1], cls, &out);
    else if (strcmp(tok[0], "mb") == 0)
        rc = ss_member_sid(ss, sid[0], sid[1], cls, &out);
    else if (strcmp(tok[0], "ch") == 0)
        rc = ss_change_sid(ss, sid[0], sid[1], cls, &out);
    else {
        puts("ERR unknown request");
        return;
    }
    if (rc) {
        printf("ERR compute_sid failed (%d)\n", rc);
        return;
    }
    char buf[4096];
    size_t len;
    rc = ss_sid_to_context(ss, out, buf, sizeof(buf), &len);
    if (rc) {
        printf("ERR sid_to_context failed (%d)\n", rc);
    } else {
        put_escaped(stdout, buf);
        putchar('\n');
    }
}

/*
 * One request line into buf (NUL-terminated, without the newline): its
 * length, -1 at end of input, -2 if it was longer than MAX_REQUEST (the
 * rest of it has been read and dropped).  *nul tells whether it held a NUL.
 */
static long read_request(char *buf, bool *nul)
{
    long n = 0;
    bool over = false;
    int c;

    *nul = false;
    while ((c = getc_unlocked(stdin)) != EOF && c != '\n') {
        if (n == MAX_REQUEST) {
            over = true;
            continue;
        }
        *nul |= c == 0;
        buf[n++] = (char)c;
    }
    if (c == EOF && n == 0 && !over)
        return -1;
    buf[n] = '\0';
    return over ? -2 : n;
}

static int cmd_query(const char *path, enum ss_semantics sem)
{
    ss_ctx *ss = load(path, sem, NULL, NULL);
    if (!ss)
        return 1;
    char *line = malloc(MAX_REQUEST + 1);
    long r;
    bool nul;
    if (!line) {
        ss_destroy(ss);
        fputs("xsmpolicy: out of memory\n", stderr);
        return 1;
    }
    while ((r = read_request(line, &nul)) != -1) {
        if (r == -2)
            printf("ERR request line longer than %d bytes\n", MAX_REQUEST);
        else if (nul)
            puts("ERR NUL byte in request");
        else
            answer(ss, line);
        if (fflush(stdout) != 0)
            break; /* the answers go nowhere: main reports it */
    }
    free(line);
    ss_destroy(ss);
    return 0;
}

/*
 * The answers are the result: output that could not be written is a
 * failure (exit 1), whatever the command made of its input.
 */
static int flushed(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    fprintf(stderr, "xsmpolicy: cannot write the output: %s\n", strerror(errno));
    return rc ? rc : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return flushed(0);
    }
    if (argc == 3 && strcmp(argv[1], "info") == 0)
        return flushed(cmd_info(argv[2]));
    if (argc >= 3 && strcmp(argv[1], "query") == 0) {
        enum ss_semantics sem = SS_SEM_AUTO;
        int i = 2;
        if (strncmp(argv[i], "--sem=", 6) == 0) {
            const char *s = argv[i] + 6;
            if (strcmp(s, "auto") == 0)
                sem = SS_SEM_AUTO;
            else if (strcmp(s, "xen") == 0)
                sem = SS_SEM_XEN;
            else if (strcmp(s, "selinux") == 0)
                sem = SS_SEM_SELINUX;
            else {
                usage(stderr);
                return 2;
            }
            i++;
        }
        if (i + 1 != argc) {
            usage(stderr);
            return 2;
        }
        return flushed(cmd_query(argv[i], sem));
    }
    usage(stderr);
    return 2;
}
