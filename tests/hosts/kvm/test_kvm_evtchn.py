#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Event channels between two real guests (guest/evtchn.c) on the KVM host.

  evtchn        d1 ("evtchn-server peer=2") allocates an unbound port for d2,
                d2 ("evtchn-client peer=1") binds to it, and they ping-pong
                100 events: 64-bit with upcalls (the HVM_PARAM_CALLBACK_IRQ
                vector into an IDT handler; the server sleeps in
                SCHEDOP_block, the client in sti;hlt), 64-bit, 32-bit and a
                64-bit server with a 32-bit client, and the same with
                SCHEDOP_poll;
                the server's port is masked until the first event (no upcall
                for it; poll still sees it) and then EVTCHNOP_unmask'ed;
                the same over the FIFO ABI (init_control, expand_array: the
                control block's queues), by upcall and by poll,
                and a FIFO server with a 2-level client;
                SCHEDOP_poll's errors (Xen's: more than 128 ports or a bad
                port -EINVAL, bad pointers -EFAULT), a poll whose timeout
                has passed, and a SCHEDOP_block that only the host's stop
                ends (at xsm-kvm-run's timeout, not later)
  evtchn-flask  the same pair under FLASK's default policy: domU_t with
                domU_t talks; a dm_dom_t client (a device model that is not
                paired with the server) is refused the bind, -EACCES, and the
                server's first poll ends at its timeout ("no peer")

Exit 0, 1 (failures listed), or 77 after "skipped: <why>".
"""
import argparse
import errno
import os
import subprocess
import sys
import time

from kvmtest import add_common_args, check, finish, require_kvm, skip

ROUNDS = 100  # guest/evtchn.c
DOMU = "system_u:system_r:domU_t"
DM = "system_u:system_r:dm_dom_t"


def run_pair(args, server, client, words="", opts=(), timeout=12, cwords=None):
    """xsm-kvm-run with the server as d1 and the client as d2; their values."""
    cmd = [args.run, "--timeout", str(timeout), *opts,
           "--cmdline", ("evtchn-server peer=2 " + words).strip(),
           "--cmdline", ("evtchn-client peer=1 " + (words if cwords is None else cwords)).strip(),
           server, client]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 30)
    vals = {1: {}, 2: {}}
    for line in p.stdout.splitlines():
        for d in (1, 2):
            tag = "(d%d) " % d
            if line.startswith(tag):
                key, sep, val = line[len(tag):].rpartition(": ")
                if sep and val.lstrip("-").isdigit():
                    vals[d][key] = int(val)
    show = "rc=%d out=%r err=%r" % (p.returncode, p.stdout[-900:], p.stderr[-300:])
    return p, vals, show


def both_off(p, show, what):
    check(p.returncode == 0, what + ": both guests power off (exit 0)", show)
    for d in (1, 2):
        check("xsm-kvm-run: d%d shutdown poweroff" % d in p.stdout,
              what + ": d%d shut down" % d, show)


def pingpong(args, server, client, words, what, upcalls, cwords=None):
    p, v, show = run_pair(args, server, client, words, cwords=cwords)
    s, c = v[1], v[2]
    both_off(p, show, what)
    check(s.get("evtchn add_to_physmap") == 0 and c.get("evtchn add_to_physmap") == 0,
          what + ": shared_info placed (XENMEM_add_to_physmap)", show)
    # Ports 1 and 2 are the console and xenstore rings' (the host's, at creation).
    check(s.get("evtchn alloc_unbound") == 0 and s.get("evtchn port") == 3,
          what + ": the server's unbound port is its first free one, 3", show)
    check(c.get("evtchn bind") == 0, what + ": the client binds to it", show)
    check(s.get("evtchn upcalls while masked") == 0,
          what + ": a masked port's event makes no upcall", show)
    check(s.get("evtchn unmask") == 0, what + ": EVTCHNOP_unmask 0", show)
    for d, name in ((s, "server"), (c, "client")):
        check(d.get("evtchn sent") == ROUNDS and d.get("evtchn received") == ROUNDS,
              "%s: the %s sent and received %d events" % (what, name, ROUNDS), show)
        check(d.get("evtchn stray") == 0, "%s: the %s saw no other port" % (what, name), show)
    for d, name, w in ((s, "server", words), (c, "client", words if cwords is None else cwords)):
        if "evtchn-fifo" in w:
            check(d.get("evtchn init_control") == 0 and d.get("evtchn link_bits") == 17 and
                  d.get("evtchn expand_array") == 0,
                  "%s: the %s switched to the FIFO ABI" % (what, name), show)
        else:
            check(d.get("evtchn init_control") is None, "%s: the %s stays 2-level" % (what, name),
                  show)
    if upcalls:
        check(s.get("evtchn callback") == 0 and c.get("evtchn callback") == 0,
              what + ": HVM_PARAM_CALLBACK_IRQ set (vector)", show)
        # Every event after the server's first (polled) one ends a sleep
        # that only the handler can end.
        check((s.get("evtchn upcalls") or 0) >= ROUNDS - 1,
              what + ": the server took its events as upcalls", show)
        check((c.get("evtchn upcalls") or 0) >= ROUNDS,
              what + ": the client took its events as upcalls", show)
    else:
        check(s.get("evtchn upcalls") == 0 and c.get("evtchn upcalls") == 0,
              what + ": no callback set, no upcall", show)


def guests(args):
    g = {}
    for b in ("64", "32"):
        path = getattr(args, "guest" + b)
        if path and os.path.exists(path):
            g[b] = path
    if "64" not in g:
        skip("no 64-bit test guest: %s" % (args.why64 or "not built"))
    return g


def poll_errors(args, bits, path):
    what = bits + "-bit"
    t0 = time.monotonic()
    p = subprocess.run([args.run, "--timeout", "2", "--cmdline", "evtchn-errors", path],
                       capture_output=True, text=True, timeout=30)
    took = time.monotonic() - t0
    v = {}
    for line in p.stdout.splitlines():
        if line.startswith("(d1) "):
            key, sep, val = line[5:].rpartition(": ")
            if sep and val.lstrip("-").isdigit():
                v[key] = int(val)
    show = "rc=%d out=%r" % (p.returncode, p.stdout[-700:])
    check(v.get("evtchn alloc_unbound") == 0, what + ": a port to poll", show)
    check(v.get("poll 129 ports") == -errno.EINVAL, what + ": poll of 129 ports -EINVAL", show)
    check(v.get("poll 128 ports, timeout passed") == 0,
          what + ": poll of 128 ports with a past timeout returns 0", show)
    check(v.get("poll a bad port") == -errno.EINVAL, what + ": poll of a bad port -EINVAL", show)
    check(v.get("poll bad ports pointer") == -errno.EFAULT,
          what + ": unmapped port list -EFAULT", show)
    check(v.get("poll bad argument") == -errno.EFAULT, what + ": unmapped sched_poll -EFAULT",
          show)
    check(v.get("poll no ports, timeout passed") == 0, what + ": poll of no ports times out",
          show)
    check("(d1) blocking" in p.stdout and "block returned" not in p.stdout and p.returncode == 1 and
          "d1 timed out" in p.stdout, what + ": block sleeps until the VM is stopped", show)
    check(took < 10, what + ": the stop wakes the blocked vCPU (%.1f s)" % took, show)


def t_evtchn(args):
    g = guests(args)
    for bits, path in sorted(g.items()):
        poll_errors(args, bits, path)
    pingpong(args, g["64"], g["64"], "", "64-bit upcalls", True)
    pingpong(args, g["64"], g["64"], "evtchn-poll", "64-bit poll", False)
    pingpong(args, g["64"], g["64"], "evtchn-fifo", "64-bit FIFO upcalls", True)
    pingpong(args, g["64"], g["64"], "evtchn-fifo", "FIFO server, 2-level client", True, cwords="")
    if "32" in g:
        pingpong(args, g["32"], g["32"], "evtchn-poll evtchn-fifo", "32-bit FIFO poll", False)
        pingpong(args, g["32"], g["32"], "evtchn-poll", "32-bit poll", False)
        # Upcalls into 32-bit protected mode: the vector through the guest's
        # own GDT and IDT, its iret completed by the host (emulate.c).
        pingpong(args, g["32"], g["32"], "", "32-bit upcalls", True)
        pingpong(args, g["32"], g["32"], "evtchn-fifo", "32-bit FIFO upcalls", True)
        pingpong(args, g["64"], g["32"], "", "64-bit server, 32-bit client, upcalls", True)
        pingpong(args, g["64"], g["32"], "evtchn-poll", "64-bit server, 32-bit client", False)
    else:
        print("note: no 32-bit guest (%s): 32-bit runs left out" % (args.why32 or "not built"))


def t_flask(args):
    g = guests(args)
    p, v, show = run_pair(args, g["64"], g["64"], "", ("--xsm", "flask", "--label", DOMU))
    both_off(p, show, "flask domU_t pair")
    check(v[2].get("evtchn bind") == 0 and v[1].get("evtchn received") == ROUNDS and
          v[2].get("evtchn received") == ROUNDS, "flask: domU_t and domU_t ping-pong", show)
    for words, what in (("", "upcalls"), ("evtchn-poll", "poll")):
        p, v, show = run_pair(args, g["64"], g["64"], words,
                              ("--xsm", "flask", "--label", DOMU, "--label", DM))
        both_off(p, show, "flask dm_dom_t client (%s)" % what)
        check(v[1].get("evtchn alloc_unbound") == 0,
              "flask: domU_t may offer dm_dom_t a port (%s)" % what, show)
        check(v[2].get("evtchn bind") == -errno.EACCES,
              "flask: an unpaired dm_dom_t is refused the bind, -EACCES (%s)" % what, show)
        check("(d1) evtchn no peer" in p.stdout and v[1].get("evtchn received") == 0,
              "flask: the server's poll ends at its timeout (%s)" % what, show)


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap)
    ap.add_argument("group", choices=["evtchn", "evtchn-flask"])
    args = ap.parse_args()
    require_kvm()
    if args.group == "evtchn":
        t_evtchn(args)
    else:
        t_flask(args)
    finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
