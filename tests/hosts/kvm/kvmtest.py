# SPDX-License-Identifier: GPL-2.0-only
"""What every test script of the KVM host (test_kvm*.py) shares: one result
line per check, skipping with exit 77, the arguments meson passes them
(tests/hosts/kvm/meson.build: the runner, the guests or why they are
missing, xsmd and xsmctl), the /dev/kvm gate, and the final status."""
import os
import sys

FAILS = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else ": " + detail))
    if not cond:
        FAILS.append(what)


def skip(why):
    print("skipped: " + why)
    sys.exit(77)


def add_common_args(ap):
    ap.add_argument("--run", required=True)
    for b in ("64", "32"):
        ap.add_argument("--guest" + b)
        ap.add_argument("--why" + b)
    ap.add_argument("--xsmd")
    ap.add_argument("--xsmctl")


def need(args, bits):
    """The guest of that word size, or a skip saying why there is none."""
    path = getattr(args, "guest" + bits)
    if not path:
        skip("no %s-bit test guest: %s" % (bits, getattr(args, "why" + bits) or "not built"))
    return path


def require_kvm():
    if not os.path.exists("/dev/kvm"):
        skip("no /dev/kvm")
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        skip("/dev/kvm is not usable by this user (it is usually root or group kvm only)")


def finish():
    """Exit 1 with the failed checks listed, if any."""
    if FAILS:
        print("%d failed: %s" % (len(FAILS), ", ".join(FAILS)))
        sys.exit(1)
