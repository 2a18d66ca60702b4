# SPDX-License-Identifier: GPL-2.0-only
"""What every test script of the KVM host (test_kvm*.py) shares: one result
line per check, skipping with exit 77, the arguments meson passes them
(tests/hosts/kvm/meson.build: the runner, the guests or why they are
missing, xsmd and xsmctl), the /dev/kvm gate, the final status, and an
xsmd to run guests under."""
import os
import subprocess
import sys
import tempfile
import time

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


def ctl(args, sockdir, *cmd, timeout=30):
    """xsmctl against the xsmd in sockdir: (status, stdout, stderr), bytes
    decoded as latin-1 so that whatever a guest printed comes through."""
    p = subprocess.run([args.xsmctl, "--dir", sockdir, *cmd], capture_output=True,
                       timeout=timeout)
    return p.returncode, p.stdout.decode("latin-1"), p.stderr.decode("latin-1")


class Xsmd:
    """xsmd in a temporary directory, for a `with` block: the block starts
    once its control socket is there; at the end the daemon gets SIGTERM
    and its exit status and log are kept in .rc (None: it had to be
    killed) and .log."""

    def __init__(self, args, stop_timeout=20):
        if not args.xsmd or not args.xsmctl:
            skip("xsmd or xsmctl not built")
        self.args, self.stop_timeout = args, stop_timeout
        self.rc, self.log = None, ""

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.logf = open(os.path.join(self.dir, "log"), "w+")
        self.daemon = subprocess.Popen([self.args.xsmd, "--dir", self.dir], stderr=self.logf)
        for _ in range(200):
            if os.path.exists(os.path.join(self.dir, "control")) or self.daemon.poll() is not None:
                break
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.daemon.terminate()
        try:
            self.rc = self.daemon.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
            self.daemon.wait()
        self.logf.seek(0)
        self.log = self.logf.read()
        self.logf.close()
        self.tmp.cleanup()
        return False
