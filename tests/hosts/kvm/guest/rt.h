/* SPDX-License-Identifier: GPL-2.0-only */
/* The test guests' runtime: no libc, built -m32 or -m64 (guest/rt.c). */
#ifndef GUEST_RT_H
#define GUEST_RT_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long ulong;

#define HC_xen_version      17
#define HC_console_io       18
#define HC_xsm_op           27
#define HC_sched_op         29
#define HC_event_channel_op 32

/* start64.S maps the first GiB at 0 and again at 512 GiB. */
#define ALIAS (sizeof(long) == 8 ? (ulong)1 << 39 : 0)

/* start*.S: call stub 'nr' of the hypercall page. */
long hypercall(unsigned nr, ulong a1, ulong a2, ulong a3);
extern u8 hypercall_page[4096];

void *memset(void *d, int c, ulong n);
void *memcpy(void *d, const void *s, ulong n);
ulong strlen(const char *s);

/* The command line (hvm_start_info's, 0 for none): is 'word' anywhere in it? */
int cmdline_has(const char *cl, const char *word);
/* The decimal number right after the first 'key' ("peer=") in it, 0 if none. */
ulong cmdline_num(const char *cl, const char *key);

/* A hypercall with five arguments, in Xen's registers for this mode. */
long hypercall5(unsigned nr, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5);
/*
 * EVTCHNOP_bind_interdomain to the first of remote_dom's ports 1-15 that
 * answers anything but -EINVAL (a port that is not unbound for us is
 * -EINVAL before any XSM check, as in Xen): that answer, and on success the
 * new local port in *local (unless local is 0).
 */
long evtchn_bind_first(u32 remote_dom, u32 *local);

/*
 * FIFO event channels: a control block (READY word, then the 16 queue
 * heads from word 2) and one page of event words: PENDING 31, MASKED 30,
 * LINKED 29, the link in 16:0.
 */
#define F_PENDING (1u << 31)
#define F_MASKED  (1u << 30)
#define F_LINKED  (1u << 29)
#define F_LINK    ((1u << 17) - 1)
struct fifo_queues {
    u32 *ctl;     /* the control block */
    u32 *words;   /* the page of event words (ports 0-1023) */
    u32 head[16]; /* where each queue goes on, as far as the guest knows */
};
/*
 * What a Xen HVM kernel's FIFO handler does: take each ready queue from its
 * head, unlinking as it goes, and call event() for each port that was
 * pending and not masked (a masked one stays pending, for a poll or the
 * unmask), until no queue is ready.
 */
void fifo_drain(struct fifo_queues *f, void (*event)(u32 port));

#ifndef __x86_64__
/*
 * PVH enters a 32-bit kernel with a GDTR that means nothing; an interrupt
 * gate's selector needs a GDT behind it.  Loads a flat one (code 0x08,
 * data 0x10) and reloads the segments.
 */
void gdt32_load(void);
#endif
void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d);
/* Checks the Xen signature and installs the hypercall page: 0 or -1. */
int xen_setup(u32 *domid);
/* One line "what: value" through console_io; returns console_io's result. */
long say(const char *what, long value);
long puts_(const char *s);
void poweroff(void);
/* guest/evtchn.c: the event-channel ping-pong ("evtchn-server" / "evtchn-client"). */
void evtchn_main(const char *cmdline, u32 domid);
#ifdef __x86_64__
/* start64.S: run fn at CPL 3; its "syscall" continues in user_done(). */
void to_user(void (*fn)(void)) __attribute__((noreturn));
#endif

#endif
