/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsmd: one openxsm hypervisor model served over UNIX sockets.
 *
 * Threads and locks.  The main thread accepts connections and handles
 * signals; every connection has a thread of its own.  The hypervisor model
 * is not internally locked, so 'hv_lock' serialises it: every hypercall
 * and every domain change takes it for writing.  xsm_op (hypercall 27) is
 * the exception: the XSM library may be entered from any number of threads,
 * so an xsm_op goes straight to xsm_do_op() with only a read hold of
 * hv_lock, which keeps the domain list (which FLASK looks domains up in)
 * from changing under it.  Concurrent FLASK requests therefore run in
 * parallel; everything else runs one at a time.  'lock' guards the tables
 * (domain records, connections) and is taken inside hv_lock, never around.
 *
 * Domains.  Each hv domain a process can act as has a record here: its
 * socket, word size and the connection whose hypercall is running on it
 * ('cur', written and read only under the write hold of hv_lock), which the
 * domain's guest-memory callbacks use: the memory of a domain is that of
 * the process calling, and of nobody else (for PRIVCMD_FOR, the process its
 * pidfd names: peer.h).
 */
#ifndef XSMD_H
#define XSMD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <openxsm/hv.h>

#include "peer.h"

#define XSMD_MAX_CONNS 1024

struct xsmd;
struct xsmd_conn;
struct xsmd_hooks;
struct xsmd_req;
struct xsmd_rep;
struct kvmh;
struct kvmh_vm;

struct xsmd_dom {
    struct xsmd *d;
    struct xsmd_dom *next;
    xsm_domid_t id;
    bool compat;            /* 32-bit: hypercalls use the compat layouts */
    bool dead;              /* destroyed in the model; its socket is gone */
    int listen_fd;          /* -1 once closed; only the main thread closes it */
    unsigned refs;          /* the model's (until dead), listen_fd's, one per connection */
    struct xsmd_peer *cur;  /* memory of the hypercall in progress (hv_lock held) */
    struct xsm_guest guest; /* what the model calls for this domain's memory */
    struct kvmh_vm *vm;     /* a KVM guest's VM (vm.c), or NULL; hv_lock */
    char path[108];         /* SOCKETDIR/control or SOCKETDIR/dom<N> (sun_path) */
};

struct xsmd_conn {
    struct xsmd *d;
    struct xsmd_conn *next;
    struct xsmd_dom *dom;
    struct xsmd_peer peer;
    int fd;
    bool warned_privilege; /* a NOT_PRIVILEGED refusal was logged */
};

/* Counters, updated with relaxed atomics. */
struct xsmd_stats {
    unsigned long requests, protocol_errors, wrong_process;
};

struct xsmd {
    struct hv *h;
    pthread_rwlock_t hv_lock;

    pthread_mutex_t lock; /* the fields below */
    pthread_cond_t idle;  /* signalled when nconns drops */
    struct xsmd_dom *doms;
    struct xsmd_conn *conns;
    unsigned nconns;
    bool stopping;

    struct xsmd_stats stats;

    const char *dir;
    int dirfd;
    int wake_fd; /* eventfd: the set of listening sockets changed */

    struct kvmh *kvm; /* the KVM host, opened at the first VM (vm.c); hv_lock */

    /* NULL in xsmd; a test build (xsmd-allocfail) watches each request. */
    const struct xsmd_hooks *hooks;
};

/*
 * Around each valid request, on its connection's thread: before() just
 * before it is performed, after() once its reply is made (not yet sent).
 */
struct xsmd_hooks {
    void (*before)(const struct xsmd_req *rq);
    void (*after)(const struct xsmd_req *rq, const struct xsmd_rep *rp);
};

/* The daemon (main.c is its main()); hooks may be NULL. */
int xsmd_main(int argc, char **argv, const struct xsmd_hooks *hooks);

/* log.c: one line to stderr, "xsmd: " first.  Strings from clients go
 * through xsmd_escape() first. */
void xsmd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printable ASCII copy of (s, len) into out (size cap), \xHH for the rest. */
const char *xsmd_escape(char *out, size_t cap, const char *s, size_t len);

/* domains.c */
/* A record, one reference; path and id set by the caller (path < 108 bytes). */
struct xsmd_dom *xsmd_dom_new(struct xsmd *d, bool compat);
void xsmd_dom_set_name(struct xsmd_dom *dom, xsm_domid_t id, const char *name);
/* Bind and listen on the record's socket (mode 0600), taking the listening
 * reference; 0 or -errno. */
int xsmd_dom_listen(struct xsmd_dom *dom);
/* Drop a reference (d->lock held); unlinks and frees the record at zero. */
void xsmd_dom_put_locked(struct xsmd_dom *dom);
/*
 * Mark the records whose domain the model no longer has as dead and remove
 * their sockets' names (hv_lock held for writing).
 */
void xsmd_dom_reconcile(struct xsmd *d);
/* Make the main thread look at the listening sockets again. */
void xsmd_wake(struct xsmd *d);

/* ops.c: run one request of 'c' that xsmd_parse() found valid; fills the
 * reply.  'fd' is the descriptor of a PRIVCMD_FOR (else -1), closed here.
 * Returns true if the connection must be closed after the reply. */
bool xsmd_handle(struct xsmd_conn *c, const struct xsmd_req *rq, int fd, struct xsmd_rep *rp);
/* The SID of a label, as dom0 asks for it (FLASK CONTEXT_TO_SID); hv_lock held. */
long xsmd_label_to_sid(struct xsmd *d, const char *label, size_t len, uint32_t *sid);

/* vm.c: KVM guests as domains (CREATE with XSMD_CREATE_KERNEL). */
long xsmd_create_vm(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp);
/* Hand a destroyed domain's VM to its thread (hv_lock held for writing). */
void xsmd_vm_release(struct xsmd_dom *dom);
/* At exit: stop every VM and wait for their threads. */
void xsmd_vms_stop(struct xsmd *d);
/* XSMD_T_CONSOLE: a KVM guest's PV console output (xsmd_wire.h). */
long xsmd_console(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp);

/* query.c: the control domain's questions (xsmd_wire.h XSMD_T_EXPLAIN ...);
 * the result, rp->value as the protocol says. */
long xsmd_explain(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp);
long xsmd_classes(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp);
long xsmd_label(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp);
long xsmd_domains(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp);

/* conn.c: the connection's thread (owns c from here on). */
int xsmd_conn_start(struct xsmd *d, struct xsmd_dom *dom, int fd);

#endif /* XSMD_H */
