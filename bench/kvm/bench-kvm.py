#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""bench-kvm: a guest's hypercall round trip against a bare port-I/O exit,
measured in the same run (docs/BENCHMARKS.md, "KVM guests").

    bench-kvm.py [--build DIR] [--runs N]

Latency: the test guest's "bench" program (tests/hosts/kvm/guest/bench.c),
64- and 32-bit, as dom0 under FLASK, times with the TSC, in rounds of 2,000
calls each: a bare exit (an "out" to a port with no device, which the host
answers by resuming the vCPU), xen_version(XENVER_version) and xsm_op
FLASK_ACCESS, all through the same call site and stubs of the same shape.
Its ratios are per round, the median over 31 rounds; this script prints the
median over N runs (default 5) and the range.

Throughput: runs of xsm-kvm-run with one and with two guests (domU_t) doing
B and then B + 20,000 calls each (xen_version, or bare exits); the rate is
the extra calls over the extra wall time, so booting and tearing down cost
nothing.  Median of N pairs.

Without a usable /dev/kvm or the test guests it says "skipped" and exits 0,
so that `make bench` goes on.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

DOMU = "system_u:system_r:domU_t"
BASE, EXTRA = 2000, 20000


def skip(why):
    print("bench-kvm: skipped: " + why)
    sys.exit(0)


def run(kvm, kernels, cmdline, *opts):
    t0 = time.monotonic()
    p = subprocess.run([kvm, "--timeout", "300", "--xsm", "flask", "--cmdline", cmdline, *opts,
                        *kernels], capture_output=True, text=True, timeout=400)
    dt = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit("bench-kvm: xsm-kvm-run failed (%d): %s %s" % (p.returncode, p.stdout[-500:],
                                                                p.stderr[-500:]))
    return p.stdout, dt


def latency(kvm, guest, runs):
    keys = ("bare cycles", "xen_version cycles", "xsm_op access cycles",
            "xen_version per mille of bare", "xsm_op access per mille of bare")
    got = {k: [] for k in keys}
    for _ in range(runs):
        out, _ = run(kvm, [guest], "bench", "--dom0")
        vals = dict(re.findall(r"^(?:\(d\d+\) )?bench ([a-z_ ]+): (-?\d+)$", out, re.M))
        if vals.get("errors") != "0" or vals.get("access") != "0":
            sys.exit("bench-kvm: the guest's calls failed: " + out[-500:])
        for k in keys:
            got[k].append(int(vals[k]))
    return got


def rate(kvm, guest, nvm, kind):
    rates = []
    suffix = ":bare" if kind == "bare" else ""
    for _ in range(3):
        _, t1 = run(kvm, [guest] * nvm, "bench=%d%s" % (BASE, suffix), "--label", DOMU)
        _, t2 = run(kvm, [guest] * nvm, "bench=%d%s" % (BASE + EXTRA, suffix), "--label", DOMU)
        if t2 > t1:
            rates.append(nvm * EXTRA / (t2 - t1))
    return statistics.median(rates) if rates else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    kvm = os.path.join(args.build, "src/hosts/kvm/xsm-kvm-run")
    guests = {b: os.path.join(args.build, "tests/hosts/kvm/guest" + b) for b in ("64", "32")}
    if not os.path.exists("/dev/kvm") or not os.access("/dev/kvm", os.R_OK | os.W_OK):
        skip("no usable /dev/kvm")
    if not os.path.exists(kvm):
        skip("xsm-kvm-run not built")
    guests = {b: g for b, g in guests.items() if os.path.exists(g)}
    if not guests:
        skip("no test guests (built with the test suite, -Dtests=true)")
    print("bench-kvm: round trip from inside a guest, TSC cycles per call (median of %d runs, "
          "each the median of 31 rounds of 2,000)" % args.runs)
    print("%-6s %10s %12s %14s %20s %20s" % ("guest", "bare exit", "xen_version", "xsm_op ACCESS",
                                             "xen_version x bare", "ACCESS x bare"))
    for b, g in sorted(guests.items(), reverse=True):
        got = latency(kvm, g, args.runs)
        med = {k: statistics.median(v) for k, v in got.items()}
        rx = [v / 1000 for v in got["xen_version per mille of bare"]]
        ra = [v / 1000 for v in got["xsm_op access per mille of bare"]]
        print("%-6s %10d %12d %14d %9.3f (%.3f-%.3f) %9.3f (%.3f-%.3f)" %
              (b + "-bit", med["bare cycles"], med["xen_version cycles"],
               med["xsm_op access cycles"], statistics.median(rx), min(rx), max(rx),
               statistics.median(ra), min(ra), max(ra)))
    g = guests.get("64") or next(iter(guests.values()))
    print("bench-kvm: calls per second, domU_t guests, one vCPU thread each (median of 3 pairs)")
    print("%-4s %12s %12s" % ("VMs", "bare exits", "xen_version"))
    for nvm in (1, 2):
        print("%-4d %12.0f %12.0f" % (nvm, rate(kvm, g, nvm, "bare"), rate(kvm, g, nvm, "xen")))


if __name__ == "__main__":
    main()
