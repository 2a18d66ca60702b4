#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Faults (issue 8, point 7): a hostile guest beside a well-behaved one.

The hostile program (guest/hostile.c) calls every hypercall 0-63 and every
sub-operation with garbage, unmapped, huge and non-canonical arguments;
its variants then loop in hypercalls forever or crash.  One meson test per
group:

  runner  xsm-kvm-run with the default guest as d1 and a hostile one as d2
          (64- and 32-bit; sweep, loop, crash): d1's console lines and end
          are those of a run without d2, the runner does not crash, and
          under the ASan build (this test runs in build-asan too) nothing
          is reported or leaked
  xsmd    under xsmd: a hostile guest looping in hypercalls is destroyed
          mid-call, several times, beside a well-behaved guest; the daemon
          stays up, the other guest finishes, and the daemon stops cleanly
          (under ASan: no report, no leak)

Exit 0, 1 (failures listed), or 77 after "skipped: <why>".
"""
import argparse
import os
import re
import subprocess
import time

from kvmtest import Xsmd, add_common_args, check, finish, need, require_kvm, ctl

DOMU = "system_u:system_r:domU_t"
SANITIZER = re.compile(r"(Address|Leak|UndefinedBehavior)Sanitizer|runtime error:")
# The words hostile.c looks for in a copy of the image (xsmd passes no command line).
BUILTIN = b"hostile-cmdline:"


def run(args, kernels, cmdline=None, timeout=30):
    cmd = [args.run, "--timeout", str(timeout), "--xsm", "flask", "--label", DOMU]
    if cmdline:
        cmd += ["--cmdline", cmdline]
    p = subprocess.run(cmd + kernels, capture_output=True, timeout=timeout + 120)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    return p.returncode, out, err


def lines_of(out, dom):
    """Domain dom's console lines and its end, in order."""
    pre = "(d%d) " % dom
    end = "xsm-kvm-run: d%d " % dom
    return [l for l in out.splitlines() if l.startswith(pre) or l.startswith(end)]


def show(rc, out, err):
    return "rc=%r out=%r err=%r" % (rc, out[-700:], err[-700:])


def no_sanitizer(what, err):
    m = SANITIZER.search(err)
    check(m is None, what + ": no sanitizer report",
          err[max(0, m.start() - 200):m.start() + 1500] if m else "")


def t_runner(args):
    g64 = need(args, "64")
    rc, out, err = run(args, [g64])
    ref = lines_of(out, 1)
    check(rc == 0 and ref and ref[-1].startswith("xsm-kvm-run: d1 shutdown poweroff"),
          "reference: the default guest alone powers off", show(rc, out, err))
    for bits in ("64", "32"):
        g = need(args, bits)
        what = "%s-bit hostile d2" % bits
        rc, out, err = run(args, [g64, g], "d2=hostile")
        check(lines_of(out, 1) == ref, what + ": d1's console and end are unchanged",
              "%r vs %r" % (lines_of(out, 1), ref))
        m = re.search(r"hostile calls: (\d+)", out)
        check(m is not None and int(m.group(1)) > 64 * 6 and "(d2) hostile: survived" in out and
              "xsm-kvm-run: d2 shutdown poweroff" in out,
              what + ": every call came back to it, and it powered off", show(rc, out, err))
        check(rc == 0, what + ": the runner exits 0", show(rc, out, err))
        if bits == "64":
            # Xen answers this memory_op with its start extent, 0x123456789.
            check("(d2) memory_op large result: %d\n" % 0x123456789 in out,
                  what + ": a result wider than 32 bits reaches it whole", show(rc, out, err))
        no_sanitizer(what, err)

        what = "%s-bit looping d2" % bits
        rc, out, err = run(args, [g64, g], "d2=hostile:loop", timeout=4)
        check(lines_of(out, 1) == ref, what + ": d1's console and end are unchanged",
              "%r vs %r" % (lines_of(out, 1), ref))
        m = re.search(r"xsm-kvm-run: d2 timed out after (\d+) hypercalls", out)
        check("(d2) hostile: looping" in out and m is not None and int(m.group(1)) > 1000,
              what + ": it looped in hypercalls until its timeout", show(rc, out, err))
        check(rc == 1, what + ": the runner exits 1 (a guest timed out), not a crash",
              show(rc, out, err))
        no_sanitizer(what, err)

        what = "%s-bit crashing d2" % bits
        rc, out, err = run(args, [g, g64], "d1=hostile:crash")
        # d2 is the good one here: compare it with the reference, domain id aside.
        good = [l.replace("(d2) ", "(d1) ").replace("d2 shutdown", "d1 shutdown")
                for l in lines_of(out, 2)]
        good = [l.replace("domid: 2", "domid: 1") for l in good]
        check(good == ref, what + ": the other guest's console and end are unchanged",
              "%r vs %r" % (good, ref))
        check("(d1) hostile: crashing" in out and "xsm-kvm-run: d1 crashed" in out,
              what + ": it crashed, and the runner says so", show(rc, out, err))
        check(rc == 1, what + ": the runner exits 1, not a crash", show(rc, out, err))
        no_sanitizer(what, err)


def patched(g, words, tmp):
    """A copy of guest image g whose built-in command line is words."""
    with open(g, "rb") as f:
        img = f.read()
    at = img.find(BUILTIN)
    check(at >= 0 and img.count(BUILTIN) == 1, "the guest has one built-in command line")
    new = BUILTIN + words.encode() + b"\0"
    path = os.path.join(tmp, "hostile-" + os.path.basename(g))
    with open(path, "wb") as f:
        f.write(img[:at] + new + img[at + len(new):])
    return path


def console(args, tmp):
    return ctl(args, tmp, "console", "read")[1]


def wait_for(args, tmp, text, seconds=20):
    for _ in range(int(seconds * 20)):
        con = console(args, tmp)
        if text in con:
            return con
        time.sleep(0.05)
    return console(args, tmp)


def t_xsmd(args):
    g64 = need(args, "64")
    d = Xsmd(args, stop_timeout=60)
    with d:
        xsmd_faults(args, d.dir, g64)
    check(d.rc == 0 and "stopped after" in d.log,
          "xsmd stops cleanly after the destroyed guests", "rc=%r log=%r" % (d.rc, d.log[-800:]))
    no_sanitizer("xsmd", d.log)


def xsmd_faults(args, tmp, g64):
    kernels = [patched(need(args, b), "hostile:loop", tmp)
               for b in ("64", "32") if getattr(args, "guest" + b)]
    rounds = 0
    for i in range(3):
        for k in kernels:
            rc, out, err = ctl(args, tmp, "domain", "create", "--kernel", k, "--label", DOMU)
            if rc != 0:
                check(False, "a hostile guest is created", out + err)
                return
            dom = int(out.split()[1])
            con = wait_for(args, tmp, "(d%d) hostile: looping" % dom)
            check("(d%d) hostile: looping" % dom in con,
                  "d%d loops in hypercalls" % dom, con[-300:])
            if i == 0 and rounds == 0:
                # The good guest starts while the hostile one loops.
                rc, out, err = ctl(args, tmp, "domain", "create", "--kernel", g64, "--label", DOMU)
                check(rc == 0, "a well-behaved guest beside it", out + err)
                good = int(out.split()[1]) if rc == 0 else -1
            # Let it run a little, so the destroy lands mid-call or between calls.
            time.sleep(0.05 * (rounds % 4))
            rc, out, err = ctl(args, tmp, "domain", "destroy", str(dom))
            check(rc == 0, "d%d destroyed while it loops in hypercalls" % dom, out + err)
            rounds += 1
    con = wait_for(args, tmp, "(d%d) bye" % good)
    check("(d%d) bye" % good in con and "(d%d) setenforce 0: -13" % good in con,
          "the well-behaved guest ran to its end, decided as usual", con[-500:])
    rc, out, err = ctl(args, tmp, "domain", "list")
    rows = [l.split() for l in out.splitlines()[1:]]
    check(rc == 0 and [r[0] for r in rows] == ["0", str(good)],
          "only dom0 and the well-behaved guest are left", out + err)


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap)
    ap.add_argument("group", choices=["runner", "xsmd"])
    args = ap.parse_args()
    require_kvm()
    globals()["t_" + args.group](args)
    finish()


if __name__ == "__main__":
    main()
