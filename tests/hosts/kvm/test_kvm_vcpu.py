#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""vcpu_op and the per-vCPU upcall vector in a real guest (guest/vcpu.c).

The "vcpu" guest, 64-bit and 32-bit, under dummy and under FLASK (domU_t:
Xen has no XSM hook on either): vcpu_op is_up, a vCPU that does not exist
(-ENOENT), an unknown sub-op (-ENOSYS), the runstate (48 bytes, 44 for a
32-bit caller); VCPUOP_register_vcpu_info with Xen 4.17's errors (-ENXIO
for an offset past the page or misaligned, -EINVAL for a frame the guest
does not have and for a second registration), then at a page of the
guest's, where the host must copy the vcpu_info and mark every selector bit
and the upcall pending (Xen's map_vcpu_info); HVMOP_set_evtchn_upcall_vector
(-EINVAL below 0x10, -ENOENT for another vCPU), after which every event
upcall comes through that vector and not the HVM_PARAM_CALLBACK_IRQ one,
with the pending state in the registered vcpu_info and none in
shared_info's slot 0; VCPUOP_down of the only vCPU powers the domain off.
The same again over the FIFO ABI ("vcpu-fifo": the control block's queues,
the upcall flag still in the registered vcpu_info), under dummy.

Exit 0, 1 (failures listed), or 77 after "skipped: <why>".
"""
import argparse
import errno
import subprocess
import sys

from kvmtest import add_common_args, check, finish, need, require_kvm

ROUNDS = 20  # guest/vcpu.c
DOMU = "system_u:system_r:domU_t"


def run(args, path, opts=(), words="vcpu"):
    cmd = [args.run, "--timeout", "20", *opts, "--cmdline", words, path]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    v = {}
    for line in p.stdout.splitlines():
        if line.startswith("(d1) "):
            key, sep, val = line[5:].rpartition(": ")
            if sep and val.lstrip("-").isdigit():
                v[key] = int(val)
    return p, v, "rc=%d out=%r err=%r" % (p.returncode, p.stdout[-1500:], p.stderr[-300:])


def one(args, bits, opts=(), tag="", fifo=False):
    what = bits + "-bit" + tag
    p, v, show = run(args, need(args, bits), opts, "vcpu vcpu-fifo" if fifo else "vcpu")
    if fifo:
        check(v.get("vcpu fifo init_control") == 0 and v.get("vcpu fifo expand_array") == 0,
              what + ": the guest switched to the FIFO ABI", show)
    expect = [
        ("vcpu cpuid upcall vector flag", 1,
         "CPUID 0x40000004 says per-vCPU upcall vectors work (XEN_HVM_CPUID_UPCALL_VECTOR)"),
        ("vcpu add_to_physmap", 0, "shared_info placed"),
        ("vcpu is_up 0", 1, "VCPUOP_is_up of vCPU 0 is 1"),
        ("vcpu is_up 1", -errno.ENOENT, "a vCPU the domain does not have: -ENOENT"),
        ("vcpu unknown sub-op", -errno.ENOSYS, "an unknown sub-op: -ENOSYS"),
        ("vcpu get_runstate_info", 0, "VCPUOP_get_runstate_info 0"),
        ("vcpu runstate running", 1, "the runstate says running"),
        ("vcpu runstate size ok", 1, "the runstate is 48 bytes (32-bit: 44)"),
        ("vcpu register_runstate", 0, "VCPUOP_register_runstate_memory_area 0"),
        ("vcpu runstate area written", 1, "the runstate area is written at once"),
        ("vcpu_info offset past the page", -errno.ENXIO,
         "vcpu_info offset past 4096 - 64: -ENXIO"),
        ("vcpu_info offset misaligned", -errno.ENXIO, "a misaligned vcpu_info offset: -ENXIO"),
        ("vcpu_info frame absent", -errno.EINVAL, "a frame the guest does not have: -EINVAL"),
        ("vcpu_info register", 0, "VCPUOP_register_vcpu_info 0"),
        ("vcpu_info upcall pending", 1, "the new vcpu_info has its upcall pending"),
        ("vcpu_info selector all ones", 1, "the new vcpu_info's selector is all ones"),
        ("vcpu_info register again", -errno.EINVAL, "registering twice: -EINVAL"),
        ("vcpu callback via", 0, "HVM_PARAM_CALLBACK_IRQ set too"),
        ("upcall vector too low", -errno.EINVAL, "an upcall vector below 0x10: -EINVAL"),
        ("upcall vector vcpu 1", -errno.ENOENT, "the upcall vector of another vCPU: -ENOENT"),
        ("upcall vector", 0, "HVMOP_set_evtchn_upcall_vector 0"),
        ("vcpu first upcall", 1, "the registration's pending upcall arrives by the vector"),
        ("vcpu alloc_unbound", 0, "a port for ourselves"),
        ("vcpu bind_interdomain", 0, "a port bound to it"),
        ("vcpu sent", ROUNDS, "%d sends" % ROUNDS),
        ("vcpu received", ROUNDS, "%d events taken by the handler" % ROUNDS),
        ("vcpu upcalls by our vector", 1, "the upcalls came by the per-vCPU vector"),
        ("vcpu upcalls by the callback via", 0, "none by the callback-via vector"),
        ("vcpu shared_info slot 0 untouched", 1,
         "shared_info's vcpu_info slot is no longer written"),
        ("vcpu down", None, "VCPUOP_down does not return"),
    ]
    for key, val, desc in expect:
        check(v.get(key) == val, "%s: %s" % (what, desc), show)
    check("vcpu still running" not in p.stdout and p.returncode == 0 and
          "xsm-kvm-run: d1 shutdown poweroff" in p.stdout,
          what + ": VCPUOP_down of the last vCPU powers the domain off", show)


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap)
    ap.add_argument("group", choices=["vcpu", "vcpu-flask"])
    args = ap.parse_args()
    require_kvm()
    opts = ("--xsm", "flask", "--label", DOMU) if args.group == "vcpu-flask" else ()
    tag = " (flask)" if opts else ""
    one(args, "64", opts, tag)
    if not opts:
        one(args, "64", opts, " FIFO", fifo=True)
    if args.guest32:
        one(args, "32", opts, tag)
        if not opts:
            one(args, "32", opts, " FIFO", fifo=True)
    else:
        print("note: no 32-bit guest (%s): the 32-bit run is left out" %
              (args.why32 or "not built"))
    finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
