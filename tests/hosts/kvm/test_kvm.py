#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The KVM host end to end: our own guests (guest/) booted by xsm-kvm-run.
One group per meson test:

  boot    both guests boot under dummy: PVH entry and start info, the Xen
          CPUID signature, the hypercall page, console output (and none
          without console privilege), a pointer through the guest's page
          tables, xen_version, shutdown(poweroff);
          images that are not PVH kernels are refused
  flask   xsm_op from inside a 64-bit guest gets what FLASK decides for its
          label: domU_t is refused setenforce and check_context, dom0 may;
          under dummy xsm_op is -ENOSYS
  compat  the 32-bit guest (compat layout: 4-byte handles, the boolean name
          handle at another offset) gets the 64-bit guest's answers and the
          same SID
  faults  unmapped pointers give -EFAULT and unknown hypercalls -ENOSYS
          (64- and 32-bit); MMIO past RAM reads all ones; a spinning guest is stopped at its timeout; a
          hypercall from user mode (CPL 3, 64-bit) gets -EPERM; a 32-bit
          guest that enables paging is refused with a clear message here
  several three guests (64, 32, 64-bit) at once on one model, each on its
          own vCPU thread: each gets its own domid and decisions
  xsmd    KVM guests under xsmd: xsmctl domain create --kernel (and
          --cmdline), the console,
          domain list and destroy (also while booting), a refused image,
          and a clean daemon stop with a guest still there

The guests print "name: value" for every call; the values are judged here
against Xen's and the policy's decisions.  Exit 0, 1 (failures listed), or
77 after "skipped: <why>".
"""
import argparse
import errno
import os
import shutil
import subprocess
import tempfile
import time

from kvmtest import Xsmd, add_common_args, check, finish, need, require_kvm, ctl

XEN_VERSION = (4 << 16) | 17  # the model claims Xen 4.17
DOMU = "system_u:system_r:domU_t"


class Run:
    """One xsm-kvm-run: exit status, output, and the guest's values."""

    def __init__(self, args, kernel, *opts, timeout=30):
        p = subprocess.run([args.run, "--timeout", str(timeout), *opts, kernel],
                           capture_output=True, text=True, timeout=timeout + 30)
        self.rc, self.out, self.err = p.returncode, p.stdout, p.stderr
        self.values = {}
        for line in self.out.splitlines():
            if line.startswith("(d"):
                line = line.split(") ", 1)[1] if ") " in line else line
            key, sep, val = line.rpartition(": ")
            if sep and key and val.lstrip("-").isdigit():
                self.values[key] = int(val)

    def get(self, key):
        return self.values.get(key)

    def show(self):
        return "rc=%d out=%r err=%r" % (self.rc, self.out[-600:], self.err[-300:])


def booted(r, domid, bits, what):
    check(r.rc == 0, what + ": exit 0 after poweroff", r.show())
    check("xsm-kvm-run: d%d shutdown poweroff" % domid in r.out, what + ": shutdown(poweroff) seen",
          r.show())
    check(r.get("start_info magic ok") == 1, what + ": hvm_start_info magic and version", r.show())
    check(r.get("domid") == domid, what + ": CPUID 0x40000004 gives the domid", r.show())


def elf32_x86_64(args, g64):
    """64-bit code in an ELF32 file (EM_X86_64 in ELFCLASS32), as the Xen
    Test Framework links its hvm64 kernels: Xen loads it by the 32-bit
    headers and the guest runs 64-bit."""
    objcopy = shutil.which("objcopy")
    if not objcopy:
        print("skip ELF32 x86-64 image: no objcopy to make one")
        return
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "guest64-elf32")
        subprocess.run([objcopy, "-O", "elf32-x86-64", g64, img], check=True)
        r = Run(args, img, "--xsm", "dummy")
    booted(r, 1, "64", "ELF32 x86-64 image")
    check("(d1) hello from the 64-bit guest\n" in r.out,
          "ELF32 x86-64 image: the 64-bit guest runs", r.show())


def t_boot(args):
    for bits in ("64", "32"):
        g = need(args, bits)
        r = Run(args, g, "--xsm", "dummy")
        booted(r, 1, bits, bits + "-bit")
        check("(d1) hello from the %s-bit guest\n" % bits in r.out,
              bits + "-bit: console_io output arrives, prefixed with the domain", r.show())
        check(r.get("xen_version") == XEN_VERSION, bits + "-bit: xen_version is 4.17", r.show())
        if bits == "64":
            elf32_x86_64(args, g)
        # More RAM than the model would allocate itself: the VM's is the host's.
        r = Run(args, g, "--xsm", "dummy", "--memory", "256")
        booted(r, 1, bits, bits + "-bit with 256 MiB")
        # 64-bit: a buffer at a virtual address 512 GiB away from its physical one.
        check(r.get("alias console") == 0 and "(d1) printed through the alias mapping\n" in r.out,
              bits + "-bit: a pointer is translated through the guest's page tables", r.show())
        # Not a console domain: dummy's console_io is privileged (Xen: XSM_PRIV).
        r = Run(args, g, "--xsm", "dummy", "--no-console-io")
        check(r.rc == 0 and "shutdown poweroff" in r.out, bits + "-bit without console: still runs",
              r.show())
        check("(d1)" not in r.out, bits + "-bit without console: no output gets out", r.show())
    # Images that are not PVH kernels: refused before anything runs.
    with tempfile.TemporaryDirectory() as tmp:
        junk = os.path.join(tmp, "junk")
        with open(junk, "wb") as f:
            f.write(b"\x7fELF" + b"\x00" * 200)
        r = Run(args, junk)
        check(r.rc == 3 and "not a little-endian x86 ELF" in r.err, "a broken ELF is refused", r.show())
        with open(need(args, "64"), "rb") as f:
            img = f.read()
        cut = os.path.join(tmp, "cut")
        with open(cut, "wb") as f:
            f.write(img[:70])
        r = Run(args, cut)
        check(r.rc == 3 and "program header" in r.err, "a truncated ELF is refused", r.show())
        # The guest with its note's type changed from PHYS32_ENTRY (18) to 19.
        note = b"\x04\x00\x00\x00\x04\x00\x00\x00\x12\x00\x00\x00Xen\x00"
        check(img.count(note) == 1, "the 64-bit guest has one PVH note")
        nonote = os.path.join(tmp, "nonote")
        with open(nonote, "wb") as f:
            f.write(img.replace(note, note[:8] + b"\x13" + note[9:]))
        r = Run(args, nonote)
        check(r.rc == 3 and "PHYS32_ENTRY" in r.err, "an ELF without the PVH note is refused",
              r.show())


def flask_checks(args, bits):
    g = need(args, bits)
    r = Run(args, g, "--xsm", "flask", "--label", DOMU)
    booted(r, 1, bits, bits + "-bit domU_t")
    check(r.get("getenforce") == 1, bits + "-bit domU_t: getenforce 1 (enforcing)", r.show())
    check(r.get("setenforce 0") == -errno.EACCES, bits + "-bit domU_t: setenforce 0 -EACCES",
          r.show())
    check(r.get("context_to_sid") == -errno.EACCES,
          bits + "-bit domU_t: context_to_sid -EACCES (no check_context)", r.show())
    # guest_writeconsole is true in the default policy; no permission is asked.
    check(r.get("getbool") == 0 and r.get("getbool value") == 1,
          bits + "-bit domU_t: getbool by name reads guest_writeconsole = 1", r.show())
    check("getenforce after" not in r.values, bits + "-bit domU_t: enforcing unchanged", r.show())
    r = Run(args, g, "--xsm", "flask", "--dom0")
    booted(r, 0, bits, bits + "-bit dom0")
    check(r.get("setenforce 0") == 0, bits + "-bit dom0: setenforce 0 allowed", r.show())
    check(r.get("getenforce after") == 0, bits + "-bit dom0: then permissive", r.show())
    check(r.get("setenforce 1") == 0, bits + "-bit dom0: setenforce 1 allowed", r.show())
    check(r.get("context_to_sid") == 0 and (r.get("sid") or 0) > 0,
          bits + "-bit dom0: context_to_sid gives a SID", r.show())
    return r.get("sid")


def t_flask(args):
    flask_checks(args, "64")
    r = Run(args, need(args, "64"), "--xsm", "dummy")
    check(r.get("getenforce") == -errno.ENOSYS, "dummy: xsm_op -ENOSYS", r.show())


def t_compat(args):
    sid32 = flask_checks(args, "32")
    r = Run(args, need(args, "64"), "--xsm", "flask", "--dom0")
    check(sid32 is not None and sid32 == r.get("sid"),
          "32-bit and 64-bit guests get the same SID for the same context",
          "%r vs %r" % (sid32, r.get("sid")))


def t_faults(args):
    for bits in ("64", "32"):
        g = need(args, bits)
        r = Run(args, g, "--xsm", "flask", "--label", DOMU)
        check(r.get("bad op pointer") == -errno.EFAULT, bits + "-bit: unmapped op pointer -EFAULT",
              r.show())
        check(r.get("unknown hypercall") == -errno.ENOSYS, bits + "-bit: unknown hypercall -ENOSYS",
              r.show())
        check(r.rc == 0, bits + "-bit: the host survives and the guest powers off", r.show())
        r = Run(args, g, "--cmdline", "spin", timeout=2)
        check(r.rc == 1 and "(d1) spinning" in r.out and "d1 timed out" in r.out,
              bits + "-bit: a spinning guest is stopped at its timeout", r.show())
        # Unbacked guest-physical addresses, as Xen treats them for an HVM
        # guest: writes are dropped, reads see all ones (XTF probes so).
        r = Run(args, g, "--cmdline", "mmio", timeout=5)
        check(r.rc == 0 and r.get("mmio read all ones") == 1,
              bits + "-bit: MMIO outside RAM reads all ones, writes vanish", r.show())
    # The hypercall-page MSR: a value with low bits set, a page past RAM,
    # and a read are each #GP (the guest has no IDT then: a triple fault).
    for how in ("low", "far", "read"):
        r = Run(args, need(args, "64"), "--cmdline", "badmsr badmsr-" + how, "--verbose", timeout=5)
        check(r.rc != 0 and "triple fault" in r.out + r.err and r.get("badmsr taken") is None,
              "hypercall-page MSR (%s): #GP" % how, r.show())
    # 32-bit paging: kvm-pvm cannot enable it, and the host must say so; a
    # KVM that can runs the rest of the guest through the 2-level walk.
    r = Run(args, need(args, "32"), "--cmdline", "paging", timeout=5)
    if "(d1) paging on" in r.out:
        check(r.rc == 0 and r.get("bad op pointer") == -errno.EFAULT,
              "32-bit paging works here: the guest runs on through the 2-level walk", r.show())
    else:
        check(r.rc == 1 and "d1 refused: this KVM cannot enable 32-bit paging" in r.out,
              "32-bit paging: refused with a clear message", r.show())
    # CPL 3: the 64-bit guest drops to user mode and calls xen_version there.
    r = Run(args, need(args, "64"), "--cmdline", "user", "--verbose", timeout=5)
    check("d1: hypercall 17 from CPL 3" in r.err and "-EPERM" in r.err,
          "64-bit: a hypercall from user mode gets -EPERM", r.show())
    check("user-mode hypercall: " not in r.out,
          "64-bit: nothing at CPL 3 reaches the console either", r.show())


def t_several(args):
    g64, g32 = need(args, "64"), need(args, "32")
    # Run puts its kernel argument last: d1 = g64, d2 = g32, d3 = g64.
    r = Run(args, g64, "--xsm", "flask", "--label", DOMU, g64, g32)
    check(r.rc == 0, "three guests at once: all power off", r.show())
    for d, bits in ((1, "64"), (2, "32"), (3, "64")):
        check("(d%d) hello from the %s-bit guest\n" % (d, bits) in r.out,
              "d%d (%s-bit) prints on the shared console" % (d, bits), r.show())
        check("(d%d) setenforce 0: -%d\n" % (d, errno.EACCES) in r.out,
              "d%d: its own xsm_op is decided for it" % d, r.show())
        check("(d%d) domid: %d\n" % (d, d) in r.out, "d%d: CPUID gives its own domid" % d,
              r.show())
        check("xsm-kvm-run: d%d shutdown poweroff" % d in r.out, "d%d: powered off" % d, r.show())


def t_xsmd(args):
    g64, g32 = need(args, "64"), need(args, "32")
    d = Xsmd(args)
    with d:
        run_xsmd(args, d.dir, g64, g32)
    check(d.rc == 0 and "stopped after" in d.log,
          "xsmd stops cleanly with a KVM guest still there", "rc=%r log=%r" % (d.rc, d.log[-800:]))
    check("kernel refused: not a little-endian x86 ELF" in d.log,
          "xsmd logs why it refused a kernel", d.log[-800:])


def run_xsmd(args, tmp, g64, g32):
    rc, out, err = ctl(args, tmp, "domain", "create", "--kernel", g64, "--label", DOMU)
    check(rc == 0 and out.startswith("domain 1 created: KVM guest"),
          "xsmctl domain create --kernel (64-bit): domain 1", out + err)
    rc, out, err = ctl(args, tmp, "domain", "create", "--kernel", g32, "--label", DOMU,
                       "--memory", "8")
    check(rc == 0 and out.startswith("domain 2 created"), "a 32-bit guest beside it: domain 2",
          out + err)
    con = ""
    for _ in range(200):
        rc, con, err = ctl(args, tmp, "console", "read")
        if "(d1) bye" in con and "(d2) bye" in con:
            break
        time.sleep(0.05)
    check("(d1) hello from the 64-bit guest" in con and "(d2) hello from the 32-bit guest" in con,
          "both guests' console output is in xsmd's console", con[-500:])
    for d in (1, 2):
        check("(d%d) setenforce 0: -%d" % (d, errno.EACCES) in con,
              "d%d: its xsm_op is decided by FLASK for domU_t" % d, con[-500:])
    check("(d2) getbool: 0" in con and "(d2) getbool value: 1" in con,
          "d2: the compat layout under xsmd", con[-500:])
    rc, out, err = ctl(args, tmp, "domain", "list")
    rows = [l.split() for l in out.splitlines()[1:]]
    check(any(r[0] == "1" and r[-1] == DOMU for r in rows) and any(r[0] == "2" for r in rows),
          "domain list shows both guests with their label", out)
    rc, out, err = ctl(args, tmp, "domain", "destroy", "1")
    check(rc == 0, "domain destroy 1", out + err)
    rc, out, err = ctl(args, tmp, "domain", "list")
    rows = [l.split() for l in out.splitlines()[1:]]
    check(not any(r[0] == "1" for r in rows) and any(r[0] == "2" for r in rows),
          "d1 is gone, d2 stays", out)
    # A command line for the guest (it picks its program from it).
    rc, out, err = ctl(args, tmp, "create", "--kernel", g64, "--label", DOMU, "--cmdline", "mmio")
    dom = out.split()[1] if rc == 0 and out.startswith("domain ") else "?"
    con = ""
    for _ in range(200):
        rc2, con, err2 = ctl(args, tmp, "console", "read")
        if "(d%s) bye" % dom in con:
            break
        time.sleep(0.05)
    check(rc == 0 and "(d%s) mmio read all ones: 1" % dom in con,
          "xsmctl create --cmdline: the guest gets its command line", out + err + con[-300:])
    rc, out, err = ctl(args, tmp, "domain", "destroy", dom)
    rc, out, err = ctl(args, tmp, "create", "--cmdline", "mmio")
    check(rc == 2, "--cmdline without --kernel is a usage error", out + err)
    # Created and destroyed at once: its vCPU may be anywhere.
    rc, out, err = ctl(args, tmp, "domain", "create", "--kernel", g64, "--label", DOMU)
    rc2, out2, err2 = ctl(args, tmp, "domain", "destroy", out.split()[1] if rc == 0 else "99")
    check(rc == 0 and rc2 == 0, "a guest destroyed while it boots", out + err + out2 + err2)
    # Not a kernel: refused, nothing created.
    with open(os.path.join(tmp, "junk"), "wb") as f:
        f.write(b"\x7fELF" + b"\x00" * 100)
    rc, out, err = ctl(args, tmp, "domain", "create", "--kernel", os.path.join(tmp, "junk"))
    check(rc != 0 and "domain create" in err, "a broken image is refused", out + err)
    rc, out, err = ctl(args, tmp, "domain", "list")
    check(len(out.splitlines()) == 3, "and no domain is left over from it", out)


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap)
    ap.add_argument("group", choices=["boot", "flask", "compat", "faults", "several", "xsmd"])
    args = ap.parse_args()
    require_kvm()
    globals()["t_" + args.group](args)
    finish()


if __name__ == "__main__":
    main()
