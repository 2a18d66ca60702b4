#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The privcmd bridge against what a tool hands it (docs/security.md):
privcmd-probe runs through xsm-run against a real xsmd and checks the
bridge's answers itself (see its header); then, with the daemon stopped
under it, a call must be EIO.

usage: test_privcmd.py XSMD XSM-RUN PRIVCMD-PROBE
Exit 0, 1, or 77 after "skipped: <why>".
"""
import os
import signal
import subprocess
import sys
import tempfile
import time


def main():
    xsmd, xsm_run, probe = sys.argv[1:4]
    fails = 0
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "s")
        log = open(os.path.join(tmp, "log"), "w+")
        d = subprocess.Popen([xsmd, "--dir", sock], stdout=log, stderr=subprocess.STDOUT)
        try:
            t0 = time.time()
            while "ready:" not in open(log.name).read():
                if d.poll() is not None or time.time() - t0 > 20:
                    print(open(log.name).read())
                    print("FAIL xsmd did not start")
                    return 1
                time.sleep(0.02)
            p = subprocess.run([xsm_run, "--dir", sock, "--", probe], capture_output=True,
                               text=True, timeout=60)
            sys.stdout.write(p.stdout + p.stderr)
            if p.returncode != 0 or "0 failed" not in p.stdout:
                print("FAIL privcmd-probe (exit %d)" % p.returncode)
                fails += 1
            # A call after the daemon went away: EIO.
            e = subprocess.Popen([xsm_run, "--dir", sock, "--", probe, "eio"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            ready = e.stdout.readline()
            d.send_signal(signal.SIGTERM)
            d.wait(20)
            e.stdin.write("go\n")
            e.stdin.flush()
            out = e.stdout.read()
            e.wait(20)
            print(ready + out, end="")
            if ready.strip() != "ready" or e.returncode != 0:
                print("FAIL a call with the daemon gone is not EIO")
                fails += 1
        finally:
            if d.poll() is None:
                d.kill()
                d.wait()
    print("privcmd: %s" % ("FAILED" if fails else "ok"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
