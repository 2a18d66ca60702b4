#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The PV console ring and the minimal xenstore ring (docs/kvm.md, "PV
console and xenstore rings"), end to end with our own guests (guest/ring.c).

  run     xsm-kvm-run, 64- and 32-bit, command line "rings": the guest finds
          both rings through hvm_op get_param, their event channels bound to
          dom0; its console lines (more than the ring holds) come out of
          xsm-kvm-run with a "(dN:pv)" prefix, escaped; xenstore answers its
          own domid and name (relative and absolute), and Xen's error strings
          for the rest
  hostile garbage indices and lengths in both rings: the host flags the
          xenstore ring (error field) and stops serving it, escapes the
          console's bytes, and the guests beside it are unharmed
  xsmd    under xsmd: xsmctl create/list/destroy, and xsmctl console DOMID
          prints that guest's PV console output only

Exit 0, 1 (failures listed), or 77 after "skipped: <why>".
"""
import argparse
import json
import subprocess
import time

from kvmtest import Xsmd, add_common_args, check, finish, need, require_kvm, ctl

DOMU = "system_u:system_r:domU_t"


def run(args, kernels, *opts, timeout=30):
    p = subprocess.run([args.run, "--timeout", str(timeout), *opts, *kernels],
                       capture_output=True, timeout=timeout + 30)
    return p.returncode, p.stdout.decode("latin-1"), p.stderr.decode("latin-1")


def lines_of(out, prefix):
    """The text of the lines that start with prefix, prefix removed."""
    return [l[len(prefix):] for l in out.splitlines() if l.startswith(prefix)]


def values(out, prefix):
    v = {}
    for line in lines_of(out, prefix):
        key, sep, val = line.rpartition(": ")
        if sep:
            v[key] = val
    return v


def judge_rings(out, d, bits, name):
    """A "rings" guest's answers, as Xen, xenstored and the host should give them."""
    what = "%s-bit d%d" % (bits, d)
    v = values(out, "(d%d) " % d)
    show = out[-1500:]
    for k in ("get console pfn", "get console evtchn", "get store pfn", "get store evtchn"):
        check(v.get(k) == "0", what + ": hvm_op get_param " + k[4:] + " succeeds", show)
    check(v.get("console pfn set") == "1" and v.get("store pfn set") == "1"
          and v.get("pages differ") == "1", what + ": two different ring pages", show)
    # EVTCHNSTAT_interdomain (2) with dom0: the host side is the control domain.
    for r in ("console", "store"):
        check(v.get(r + " evtchn status") == "2" and v.get(r + " evtchn peer") == "0",
              what + ": the %s event channel is bound to dom0" % r, show)
    pv = lines_of(out, "(d%d:pv) " % d)
    check(pv[:1] == ["hello through the PV console ring"],
          what + ": the first PV console line comes out, prefixed (d%d:pv)" % d, show)
    want = ["ring line %03d of 150, padded out.." % i for i in range(150)]
    got = [l for l in pv if l.startswith("ring line ")]
    check(got == want, what + ": 150 lines (5 KiB through a 2 KiB ring) in order, none lost",
          "%d lines, first differing: %r" % (len(got), next(
              (g for g, w in zip(got, want) if g != w), None)))
    check("an escape \\x1b[2J and a bell \\x07 end" in pv and "\x1b" not in out,
          what + ": control characters come out escaped", show)
    check("a line ended as Xen kernels end them" in pv and "a lone \\x0d inside" in pv,
          what + ": a \\r\\n line ending prints as one newline, a lone \\r escaped", show)
    check(v.get("xs domid type") == "2" and v.get("xs domid") == str(d),
          what + ": xenstore XS_READ domid gives its domid", show)
    check(v.get("xs req_id echoed") == "1", what + ": the answer echoes req_id", show)
    check(v.get("xs name") == "R " + name, what + ": XS_READ name gives its name", show)
    check(v.get("xs abs name") == "R " + name and v.get("xs abs domid") == "R %d" % d,
          what + ": the absolute path /local/domain/%d/... gives the same" % d, show)
    # xenstored's answers: a missing node ENOENT, another domain's directory
    # (owned by dom0, readable by that domain only) EACCES, a bad path or a
    # payload without its NUL EINVAL, an unknown type ENOSYS.
    check(v.get("xs missing") == "E ENOENT", what + ": a missing node: ENOENT", show)
    check(v.get("xs other domain") == "E EACCES", what + ": dom0's name: EACCES", show)
    check(v.get("xs bad path") == "E EINVAL", what + ": a path with // : EINVAL", show)
    check(v.get("xs malformed") == "E EINVAL", what + ": a path without its NUL: EINVAL", show)
    check(v.get("xs unknown type") == "E ENOSYS", what + ": an unknown type: ENOSYS", show)
    check(v.get("xs write") == "E ENOSYS" and v.get("xs name after") == "R " + name,
          what + ": a write is not served (ENOSYS) and changes nothing", show)
    check(v.get("xs error field") == "0", what + ": the ring's error field stays 0", show)
    # The same answers also went through the PV console.
    check("xs name: R " + name in pv, what + ": the xenstore answer is on the PV console too",
          show)


def t_run(args):
    for bits in ("64", "32"):
        g = need(args, bits)
        rc, out, err = run(args, [g], "--cmdline", "rings", "--name", "ring-" + bits)
        check(rc == 0 and "xsm-kvm-run: d1 shutdown poweroff" in out,
              bits + "-bit: the rings guest powers off", "rc=%d %s %s" % (rc, out[-800:], err[-400:]))
        judge_rings(out, 1, bits, "ring-" + bits)
    # FLASK with the default policy: the toolstack's channels and params are allowed.
    g = need(args, "64")
    rc, out, err = run(args, [g], "--xsm", "flask", "--label", DOMU, "--cmdline", "rings",
                       "--name", "flasky")
    check(rc == 0, "64-bit domU_t under FLASK: powers off", out[-800:] + err[-400:])
    judge_rings(out, 1, "64 (flask)", "flasky")
    # Without --name each guest is "guest-N"; without "rings" one greeting line.
    rc, out, err = run(args, [g, need(args, "32")])
    check("(d1:pv) pv console: hello, I am guest-1" in out
          and "(d2:pv) pv console: hello, I am guest-2" in out,
          "default names guest-N, read from xenstore by every guest", out[-800:])


def t_hostile(args):
    g64, g32 = need(args, "64"), need(args, "32")
    for variant, err_field in (("ringidx", "2"), ("rsp", "2"), ("proto", "3"), ("random", "0")):
        for hostile, good in ((g64, g32), (g32, g64)):
            # "garbage": domain 1 misbehaves, d2 and d3 behave, all on one model.
            rc, out, err = run(args, [hostile, good, g64], "--cmdline",
                               "rings garbage " + variant, "--name", "h")
            what = "%s, %s-bit d1" % (variant, "64" if hostile == g64 else "32")
            show = out[-1500:] + err[-500:]
            check(rc == 0, what + ": every guest powers off, the host runs on", show)
            v = values(out, "(d1) ")
            pv = lines_of(out, "(d1:pv) ")
            check(v.get("xs error field") == err_field,
                  what + ": xenstore's error field says %s" % err_field, show)
            if variant == "random":
                # Each message framed right: each gets its one answer, and the ring goes on.
                check(v.get("random messages answered in step") == "2000",
                      what + ": 2000 random messages, each answered once with its req_id",
                      show)
                check(v.get("xs answers after the error") == "1",
                      what + ": and the ring is still served after them", show)
            else:
                check(v.get("xs answers after the error") == "0",
                      what + ": its xenstore ring is not served after that", show)
            check(v.get("console after wrap, out_cons") == "16",
                  what + ": a console index that wraps at 2^32 is drained", show)
            check("wrapped through 2^32 safely..." in pv, what + ": and its bytes come out",
                  show)
            joined = "\n".join(pv)
            check("\\x00\\x01\\x02" in joined and "\\xff" in joined and "\\x7f" in joined,
                  what + ": bytes 0..255 come out escaped", joined[-600:])
            raw = [c for c in out if (ord(c) < 0x20 and c not in "\n\t") or ord(c) >= 0x7f]
            check(not raw, what + ": no raw control byte reaches the output", repr(raw[:10]))
            for d, bits in ((2, "32" if hostile == g64 else "64"), (3, "64")):
                judge_rings(out, d, bits + " beside " + what, "h-%d" % d)


def t_xsmd(args):
    g64, g32 = need(args, "64"), need(args, "32")
    d = Xsmd(args)
    with d:
        xsmd_checks(args, d.dir, g64, g32)
    check(d.rc == 0, "xsmd stops cleanly", "rc=%r log=%r" % (d.rc, d.log[-800:]))


def xsmd_checks(args, tmp, g64, g32):
    rc, out, err = ctl(args, tmp, "create", "--kernel", g64, "--label", DOMU, "--memory", "8")
    check(rc == 0 and out.startswith("domain 1 created: KVM guest"),
          "xsmctl create --kernel (top-level spelling): domain 1", out + err)
    rc, out, err = ctl(args, tmp, "create", "--kernel", g32, "--label", DOMU)
    check(rc == 0 and out.startswith("domain 2 created"), "a 32-bit guest beside it: d2",
          out + err)
    con = {}
    for _ in range(200):
        for d in (1, 2):
            rc, con[d], err = ctl(args, tmp, "console", str(d))
        # The whole line: the guest may be caught between two ring writes.
        if all("hello, I am guest-%d\n" % d in con[d] for d in (1, 2)):
            break
        time.sleep(0.05)
    for d in (1, 2):
        check(rc == 0 and con[d] == "pv console: hello, I am guest-%d\n" % d,
              "xsmctl console %d: that guest's PV console output, nothing else" % d,
              repr(con[d]) + err)
    rc, out, err = ctl(args, tmp, "--json", "console", "1")
    try:
        j = json.loads(out)
    except ValueError:
        j = {}
    check(rc == 0 and j.get("ok") is True and j.get("domid") == 1
          and j.get("text") == "pv console: hello, I am guest-1\n", "xsmctl --json console 1",
          out + err)
    rc, out, err = ctl(args, tmp, "list")
    rows = [l.split() for l in out.splitlines()[1:]]
    check(rc == 0 and any(r[0] == "1" and r[-1] == DOMU for r in rows)
          and any(r[0] == "2" for r in rows), "xsmctl list shows both guests", out + err)
    rc, out, err = ctl(args, tmp, "console", "0")
    check(rc == 1 and "console 0" in err, "xsmctl console 0: dom0 has no PV console here",
          out + err)
    rc, out, err = ctl(args, tmp, "console", "9")
    check(rc == 1 and "No such process" in err, "xsmctl console 9: no such domain", out + err)
    rc, out, err = ctl(args, tmp, "console", "x1")
    check(rc == 2, "xsmctl console x1: usage error", out + err)
    # --follow prints what is there, then keeps going until stopped.
    p = subprocess.Popen([args.xsmctl, "--dir", tmp, "console", "2", "--follow"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)
    rc, out, err = ctl(args, tmp, "destroy", "2")
    check(rc == 0 and out == "domain 2 destroyed\n", "xsmctl destroy 2", out + err)
    try:
        fout, ferr = p.communicate(timeout=10)
        check(p.returncode == 0 and fout.decode() == "pv console: hello, I am guest-2\n",
              "console --follow printed the output and ended when the domain went",
              repr(fout) + repr(ferr))
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        check(False, "console --follow ends when its domain is destroyed")
    rc, out, err = ctl(args, tmp, "list")
    rows = [l.split() for l in out.splitlines()[1:]]
    check(not any(r[0] == "2" for r in rows), "d2 is gone from xsmctl list", out)
    for cmd in (["create", "--help"], ["destroy", "--help"], ["list", "--help"],
                ["console", "--help"]):
        rc, out, err = ctl(args, tmp, *cmd)
        check(rc == 0 and "usage:" in out, "xsmctl %s prints its usage" % " ".join(cmd),
              out + err)
    rc, out, err = ctl(args, tmp, "--help")
    for word in ("create --kernel FILE", "destroy N", "list ", "console DOMID [--follow]"):
        check(word in out, "xsmctl --help lists '%s'" % word, out[-400:])


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap)
    ap.add_argument("group", choices=["run", "hostile", "xsmd"])
    args = ap.parse_args()
    require_kvm()
    globals()["t_" + args.group](args)
    finish()


if __name__ == "__main__":
    main()
