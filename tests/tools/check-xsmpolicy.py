#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""xsmpolicy prints nothing from a policy or a request raw, and caps requests.

  - A policy whose type name holds a newline and an escape sequence (the
    default policy with "domU_t_channel" rewritten in the binary, same
    length): `query` answers a transition to that type on exactly one line,
    the bytes written \\xHH; `info` and a refused load print no such byte.
  - A request line longer than the cap is answered with one ERR line that
    says so, and the next request is answered normally; so is a request
    holding a NUL byte.

  - `info` says how much of the hypervisor the policy knows: all of it for
    the default policy; for Debian's SELinux policy.33 (when installed)
    one class of 13, and that FLASK refuses it.  Counts from
    policy/abi/access_vectors.

usage: check-xsmpolicy.py XSMPOLICY DEFAULT-POLICY.bin ACCESS_VECTORS
"""
import os
import subprocess
import sys
import tempfile

CAP = 16384  # xsmpolicy's documented request limit, in bytes (docs/xsmpolicy.md)

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL: " + what)


def printable(data):
    return all(0x20 <= b <= 0x7e or b == 0x0a for b in data)


def run(xsmpolicy, args, stdin=b""):
    return subprocess.run([xsmpolicy] + args, input=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)


def xen_perm_count(path):
    """Xen 4.17's permissions, counted from policy/abi/access_vectors."""
    words = " ".join(l.split("#")[0] for l in open(path)).replace("{", " { ").replace("}", " } ")
    n, inside = 0, False
    for w in words.split():
        if w == "{":
            inside = True
        elif w == "}":
            inside = False
        elif inside:
            n += 1
    return n


def info_lines(out):
    return dict(l.split(": ", 1) for l in out.decode().splitlines() if ": " in l)


def check_info_coverage(xsmpolicy, policy, nperms):
    p = run(xsmpolicy, ["info", policy])
    i = info_lines(p.stdout)
    check(i.get("hypervisor classes") == "13 of 13", "default: classes %r" % i)
    check(i.get("hypervisor permissions") == "%d of %d" % (nperms, nperms),
          "default: permissions %r" % i.get("hypervisor permissions"))
    check(i.get("hypervisor") == "complete", "default: %r" % i.get("hypervisor"))
    debian = "/etc/selinux/default/policy/policy.33"
    if not os.path.exists(debian):
        print("note: %s not installed (selinux-policy-default): its info not checked" % debian)
        return
    p = run(xsmpolicy, ["info", debian])
    i = info_lines(p.stdout)
    # security, and 9 of its 11 permissions (Linux has no add_ocontext, del_ocontext).
    check(i.get("hypervisor classes") == "1 of 13", "debian: classes %r" % i.get("hypervisor classes"))
    check(i.get("hypervisor permissions") == "9 of %d" % nperms,
          "debian: permissions %r" % i.get("hypervisor permissions"))
    check(i.get("hypervisor", "").startswith("REFUSED by FLASK"), "debian: %r" % i.get("hypervisor"))


def main():
    xsmpolicy, policy = sys.argv[1], sys.argv[2]
    check_info_coverage(xsmpolicy, policy, xen_perm_count(sys.argv[3]))
    image = open(policy, "rb").read()
    evil = b"domU_t_c\nh\x1b[1m"
    assert len(evil) == len(b"domU_t_channel")
    crafted = image.replace(b"domU_t_channel", evil)
    check(crafted.count(evil) >= 1, "the default policy names domU_t_channel")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "crafted.bin")
        open(path, "wb").write(crafted)

        # The transition domU_t -> dom0_t in class event gives domU_t's channel type.
        req = b"tr system_u:system_r:domU_t system_u:system_r:dom0_t event\n" \
              b"av system_u:system_r:dom0_t system_u:system_r:domU_t domain\n"
        p = run(xsmpolicy, ["query", path], req)
        check(p.returncode == 0, "query exits 0 (%d: %r)" % (p.returncode, p.stderr))
        lines = p.stdout.split(b"\n")
        check(len(lines) == 3 and lines[2] == b"", "two answers, two lines: %r" % p.stdout)
        check(printable(p.stdout), "answers printable: %r" % p.stdout)
        check(lines[0] == b"system_u:object_r:domU_t_c\\x0ah\\x1b[1m",
              "the context escaped: %r" % lines[0])

        p = run(xsmpolicy, ["info", path])
        check(p.returncode == 0, "info exits 0")
        check(printable(p.stdout) and printable(p.stderr), "info printable")

        # Two types with one crafted name: refused, the name quoted escaped.
        dup = image.replace(b"dom0_t_channel", evil).replace(b"domU_t_channel", evil)
        bad = os.path.join(tmp, "dup.bin")
        open(bad, "wb").write(dup)
        p = run(xsmpolicy, ["info", bad])
        check(p.returncode == 1, "a duplicate type name is refused (%d)" % p.returncode)
        check(printable(p.stderr), "the refusal printable: %r" % p.stderr)
        check(b"\\x0a" in p.stderr, "the name is quoted escaped: %r" % p.stderr)

    # The request cap: one ERR for the long line, the next request answered.
    good = b"av system_u:system_r:dom0_t system_u:system_r:domU_t domain\n"
    for n in (CAP + 1, 10 * CAP, 1 << 22):
        req = b"av " + b"a" * n + b"\n" + good
        p = run(xsmpolicy, ["query", policy], req)
        lines = p.stdout.split(b"\n")
        check(len(lines) == 3, "%d bytes: two answers (%r)" % (n, p.stdout[:200]))
        check(lines[0] == b"ERR request line longer than %d bytes" % CAP,
              "%d bytes: %r" % (n, lines[0][:200]))
        check(len(lines) > 1 and len(lines[1]) == 26 and not lines[1].startswith(b"ERR"),
              "%d bytes: the next request answered (%r)" % (n, lines[1:2]))
    # A line of exactly the cap (newline not counted) is still read.
    pad = CAP - len(good) + 1
    p = run(xsmpolicy, ["query", policy], b" " * pad + good)
    check(len(p.stdout.split(b"\n")) == 2 and not p.stdout.startswith(b"ERR"),
          "a request of %d bytes is answered (%r)" % (CAP, p.stdout[:100]))
    # A request holding a NUL byte: one ERR that says so, the next request answered
    # (a C string would otherwise end at the NUL and the rest pass unseen).
    p = run(xsmpolicy, ["query", policy], good[:-1] + b"\0 extra\n" + good)
    lines = p.stdout.split(b"\n")
    check(len(lines) == 3 and lines[0] == b"ERR NUL byte in request" and len(lines[1]) == 26,
          "a request with a NUL: ERR, then the next answered (%r)" % p.stdout[:200])
    # A last line without a newline, too long: still one ERR.
    p = run(xsmpolicy, ["query", policy], b"x" * (CAP + 5))
    check(p.stdout == b"ERR request line longer than %d bytes\n" % CAP,
          "unterminated long line: %r" % p.stdout[:100])

    print("xsmpolicy-untrusted: %s" % ("FAILED" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
