#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Software interrupts at CPL 0 in real guests (issue 8, point 4): the guest
(guest/intr.c, word "intr") installs a GDT and an IDT, runs "int $0x80" and
"int3" with interrupts enabled, and returns from the handlers with iret;
64-bit and 32-bit.  Where KVM's emulator cannot do these (kvm-pvm), the host
completes them (src/hosts/kvm/emulate.c); either way the guest must see an
x86 interrupt: the vector, the return address after the instruction, its CS,
EFLAGS with IF saved and cleared by the interrupt gate and restored by iret,
its registers untouched and its stack pointer back.  An iret to user mode
(completed by the host in 32-bit mode) reaches CPL 3, where a hypercall
gets -EPERM and "int $0x80" arrives as #UD (this KVM's gap 4; the guest's
handler runs at CPL 0).  An instruction that
neither KVM nor the host completes ("icebp"), or an int through a vector
without a gate (a fault the host does not deliver), ends the guest as a
crash whose message says which and why.

Exit 0, 1 (failures listed), or 77 after "skipped: <why>".
"""
import argparse
import subprocess

from kvmtest import add_common_args, check, finish, require_kvm, skip



def values(out):
    v = {}
    for line in out.splitlines():
        if line.startswith("(d") and ") " in line:
            line = line.split(") ", 1)[1]
        k, sep, val = line.rpartition(": ")
        if sep and val.lstrip("-").isdigit():
            v[k] = int(val)
    return v


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap)
    args = ap.parse_args()
    require_kvm()
    guests = [(b, getattr(args, "guest" + b)) for b in ("64", "32") if getattr(args, "guest" + b)]
    if not guests:
        skip("no test guest built: " + (args.why64 or args.why32 or "?"))
    for bits, g in guests:
        p = subprocess.run([args.run, "--timeout", "20", "--cmdline", "intr", g],
                           capture_output=True, text=True, timeout=60)
        show = "rc=%d out=%r err=%r" % (p.returncode, p.stdout[-500:], p.stderr[-200:])
        v = values(p.stdout)
        check(p.returncode == 0 and "d1 shutdown poweroff" in p.stdout,
              bits + "-bit: the guest runs through both interrupts and powers off", show)
        for name, vec in (("int80", 0x80), ("int3", 3)):
            w = "%s-bit %s: " % (bits, name)
            check(v.get(name + " count") == 1, w + "the handler ran once", show)
            check(v.get(name + " vector") == vec, w + "through IDT vector %d" % vec, show)
            check(v.get(name + " saved ip is the next instruction") == 1,
                  w + "the saved return address is the instruction after it", show)
            check(v.get(name + " saved cs") == 8, w + "the saved CS is the guest's 0x08", show)
            check(v.get(name + " saved flags IF") == 1, w + "the saved EFLAGS has IF set", show)
            check(v.get(name + " IF in handler") == 0, w + "the interrupt gate cleared IF", show)
            check(v.get(name + " register passed") == 1, w + "registers reach the handler", show)
            check(v.get(name + " stack pointer back") == 1, w + "iret restored the stack pointer",
                  show)
            check(v.get(name + " IF after iret") == 1, w + "iret restored EFLAGS (IF)", show)
        p = subprocess.run([args.run, "--timeout", "20", "--cmdline", "intr icebp", g],
                           capture_output=True, text=True, timeout=60)
        show = "rc=%d out=%r err=%r" % (p.returncode, p.stdout[-500:], p.stderr[-200:])
        check(p.returncode == 1 and "icebp next: 1" in p.stdout and
              "icebp survived" not in p.stdout and "crashed" in p.stdout,
              bits + "-bit: icebp, which nobody completes, ends the guest as a crash", show)
        check("(f1" in p.stdout and "icebp" in p.stdout.split("crashed", 1)[-1],
              bits + "-bit: the crash message names the instruction", show)
        # iret to CPL 3 (32-bit: completed by the host), a hypercall there
        # (-EPERM), then int $0x80 from user mode: #UD on this KVM (gap 4),
        # whose handler runs at CPL 0 again on the TSS's stack.
        p = subprocess.run([args.run, "--timeout", "20", "--cmdline", "intr user", g],
                           capture_output=True, text=True, timeout=60)
        show = "rc=%d out=%r err=%r" % (p.returncode, p.stdout[-500:], p.stderr[-200:])
        v = values(p.stdout)
        check(p.returncode == 0 and v.get("user hypercall") == -1,
              bits + "-bit: iret to user mode; a hypercall there gets -EPERM", show)
        check(v.get("user int80 arrived as #UD from cs") == (0x23 if bits == "64" else 0x1b),
              bits + "-bit: user-mode int $0x80 arrives as #UD from the user CS", show)
        p = subprocess.run([args.run, "--timeout", "20", "--cmdline", "intr nogate", g],
                           capture_output=True, text=True, timeout=60)
        show = "rc=%d out=%r err=%r" % (p.returncode, p.stdout[-500:], p.stderr[-200:])
        check(p.returncode == 1 and "nogate next: 1" in p.stdout and
              "nogate survived" not in p.stdout and "(cd 81" in p.stdout and
              "not present" in p.stdout,
              bits + "-bit: int through a vector without a gate crashes, saying why", show)
    finish()


if __name__ == "__main__":
    main()
