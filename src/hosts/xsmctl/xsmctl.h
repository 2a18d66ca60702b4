/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsmctl: a command-line client of a running xsmd (man/xsmctl.1).
 *
 * It speaks the daemon's wire protocol (src/hosts/xsmd/xsmd_wire.h) and
 * nothing else: FLASK and discovery commands are xsm_op hypercalls (27)
 * with the op in this process's memory, exactly as a guest or a toolstack
 * issues them; the console and the domain list are sysctl (35) and domctl
 * (36) hypercalls; creating and destroying domains and the questions no
 * hypercall answers (why, class names, device labels) are the daemon's
 * control requests.  Layouts are Xen 4.17's public ones, from the headers
 * under include/openxsm; nothing of the library is linked.
 *
 * Everything a command needs hangs off struct ctl; there is no global
 * state.  Output is human text, or with --json exactly one JSON object on
 * stdout (errors included).
 */
#ifndef XSMCTL_H
#define XSMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit status (also in --help and xsmctl(1)). */
#define XC_EXIT_OK      0
#define XC_EXIT_FAILED  1 /* the hypervisor or the daemon refused or failed the request */
#define XC_EXIT_USAGE   2 /* bad command line, unknown name, unreadable file */
#define XC_EXIT_NODAEMN 3 /* no xsmd at the socket, or the connection broke */
#define XC_EXIT_DENIED  4 /* access: a permission asked about is not granted */

/* ---- JSON output (json.c) ---- */

struct json {
    int depth;
    bool need_comma[32];
};

void js_begin(struct json *j, const char *key);              /* an object ({), as a member if key */
void js_end(struct json *j);                                 /* } */
void js_array(struct json *j, const char *key);              /* [ */
void js_array_end(struct json *j);                           /* ] */
void js_str(struct json *j, const char *key, const char *v); /* NULL: null */
/* text.c: s for text output, bytes outside printable ASCII as \xHH;
 * malloc'd (NULL for NULL or out of memory). */
char *ctl_text(const char *s);
void js_strn(struct json *j, const char *key, const char *v, size_t n);
void js_int(struct json *j, const char *key, long long v);
void js_uint(struct json *j, const char *key, unsigned long long v);
void js_bool(struct json *j, const char *key, bool v);
void js_null(struct json *j, const char *key);

/* ---- the connection and guest memory (conn.c) ---- */

struct ctl {
    int fd;
    char sock[600];
    char dir[512];
    int domain;  /* the domain acted as; 0: the control domain */
    bool compat; /* a 32-bit domain: compat op layouts, memory below 4 GiB */
    bool json;
    bool nested;          /* errors go to stderr and last_error, not as a JSON object */
    char last_error[600]; /* the message of the last fail() or usage_error() */
    struct json j;
    const char *command; /* for messages and the JSON "command" member */
};

/*
 * Connect to DIR/control or DIR/domN and ask WHOAMI, unless connected;
 * exits 3 on failure.  Called on the first request (or guest memory), so
 * a command checks its arguments before anything is sent.
 */
void ctl_open(struct ctl *c);
void ctl_close(struct ctl *c);

/*
 * Memory the daemon may read and write as this domain's: ordinary memory
 * for a 64-bit domain, memory below 4 GiB for a 32-bit one (its handles
 * are 4 bytes).  Zeroed.  Exits 1 when none can be had.
 */
void *gmem(struct ctl *c, size_t len);
void gmem_free(struct ctl *c, void *p, size_t len);
uint64_t gaddr(const void *p);

/* A hypercall: its result (>= 0 or -errno).  Exits on transport failures. */
long ctl_hypercall(struct ctl *c, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2);
/*
 * A daemon request (xsmd_wire.h XSMD_T_*): its result, *value the reply's
 * value.  A request the daemon takes only on the control socket fails
 * with a message and exit 1 here.  Exits on transport failures.
 */
long ctl_request(struct ctl *c, unsigned type, unsigned nr, unsigned flags, const uint64_t arg[6],
                 uint64_t *value);
/* A daemon question with a text answer: the answer (malloc'd, NUL-terminated) or -errno. */
long ctl_answer(struct ctl *c, unsigned type, unsigned nr, const uint64_t arg[4], char **out);

/* ---- the 40-byte op (op.c); offsets below are payload offsets (op offset - 8) ---- */

struct op {
    uint8_t *b; /* 40 bytes of guest memory */
};

void op_init(struct ctl *c, struct op *o, uint32_t cmd, uint32_t interface_version);
void op_done(struct ctl *c, struct op *o);
long op_call(struct ctl *c, struct op *o);
void op_put16(struct op *o, unsigned off, uint16_t v);
void op_put32(struct op *o, unsigned off, uint32_t v);
void op_put64(struct op *o, unsigned off, uint64_t v);
uint16_t op_get16(const struct op *o, unsigned off);
uint32_t op_get32(const struct op *o, unsigned off);
uint64_t op_get64(const struct op *o, unsigned off);
/* A guest handle at payload offset native / compat (a 32-bit domain's is 4 bytes). */
void op_put_handle(struct ctl *c, struct op *o, unsigned native, unsigned compat, const void *p);

/* ---- reporting (main.c) ---- */

/* A failed request: message (and JSON error object); returns the exit status. */
int fail(struct ctl *c, long err, const char *what);
/* A bad argument: message; returns 2. */
int usage_error(struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Start the JSON object of a successful command (--json). */
void ok_begin(struct ctl *c);
void ok_end(struct ctl *c);

/* ---- policy names (names.c) ---- */

/* A class by name or number: its value, or 0 with a message (*rc the exit status). */
uint16_t class_value(struct ctl *c, const char *name, int *rc);
/* Permission names of a class into a bit mask; 0 with a message if one is unknown. */
uint32_t perm_bits(struct ctl *c, uint16_t cls, char **names, int n, int *rc);
/* The name of class cls / of bit in it, from the daemon (malloc'd), NULL if unknown. */
char *class_name(struct ctl *c, uint16_t cls);
char *perm_name(struct ctl *c, uint16_t cls, unsigned bit);
/* Context <-> SID through FLASK (xsm_op): 0 or -errno. */
long context_to_sid(struct ctl *c, const char *ctx, uint32_t *sid);
long sid_to_context(struct ctl *c, uint32_t sid, char **out);

/* ---- commands ---- */

int cmd_info(struct ctl *c, int argc, char **argv);       /* info.c */
int cmd_getenforce(struct ctl *c, int argc, char **argv); /* flask.c */
int cmd_setenforce(struct ctl *c, int argc, char **argv);
int cmd_load(struct ctl *c, int argc, char **argv);
int cmd_bool(struct ctl *c, int argc, char **argv);
int cmd_ctx2sid(struct ctl *c, int argc, char **argv);
int cmd_sid2ctx(struct ctl *c, int argc, char **argv);
int cmd_access(struct ctl *c, int argc, char **argv);
int cmd_label(struct ctl *c, int argc, char **argv);  /* label.c */
int cmd_avc(struct ctl *c, int argc, char **argv);    /* flask.c */
int cmd_domain(struct ctl *c, int argc, char **argv); /* domains.c */
int cmd_console(struct ctl *c, int argc, char **argv);
int cmd_create(struct ctl *c, int argc, char **argv); /* domains.c: top-level spellings */
int cmd_destroy(struct ctl *c, int argc, char **argv);
int cmd_list(struct ctl *c, int argc, char **argv);
int cmd_why(struct ctl *c, int argc, char **argv); /* why.c */

#endif /* XSMCTL_H */
