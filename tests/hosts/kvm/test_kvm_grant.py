#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Grants and argo between two real guests on KVM (docs/kvm.md, "Grants and
argo between VMs").

Two guests of the same word size run the programs of guest/grant.c and
guest/argo.c: d1 grants a page of its memory to d2 (ref 8, its table
placed in its own memory), d2 maps it with GNTMAP_host_map at a
guest-physical address above its RAM (a KVM memory slot backed by d1's
page), reads and writes it, grant-copies into it and unmaps; then each
registers an argo ring in its memory and sends the other a message.
64-bit and 32-bit, grant table v1 and v2; under FLASK (default policy), a
pair labelled isolated_domU_t is refused the map and the copy
(GNTST_permission_denied, -8: Xen turns the hook's -EACCES into that
status for both) while domU_t pairs succeed.

Exit 0, 1 (failures listed), or 77 after "skipped: <why>".
"""
import argparse
import subprocess

from kvmtest import add_common_args, check, finish, require_kvm, skip

GNTST_permission_denied = -8
ISOLATED = "system_u:system_r:isolated_domU_t"
DOMU = "system_u:system_r:domU_t"


class Pair:
    """One xsm-kvm-run of two guests: exit status, output, values per domain."""

    def __init__(self, args, kernel, cmdline, *opts, timeout=40):
        cmd = [args.run, "--timeout", str(timeout), "--cmdline", cmdline, *opts, kernel, kernel]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 30)
        self.rc, self.out, self.err = p.returncode, p.stdout, p.stderr
        self.values = {}
        for line in self.out.splitlines():
            if not line.startswith("(d") or ") " not in line:
                continue
            dom, line = line[2:].split(") ", 1)
            key, sep, val = line.rpartition(": ")
            if sep and dom.isdigit() and val.lstrip("-").isdigit():
                self.values[(int(dom), key)] = int(val)

    def get(self, dom, key):
        return self.values.get((dom, key))

    def show(self):
        return "rc=%d out=%r err=%r" % (self.rc, self.out[-900:], self.err[-300:])


def grant_ok(r, what):
    check(r.rc == 0, what + ": both guests power off", r.show())
    check(r.get(2, "map status") == 0, what + ": d2 maps d1's grant", r.show())
    check(r.get(2, "mapper reads the grant") == 1,
          what + ": d2 reads d1's page at its own guest-physical address", r.show())
    check(r.get(1, "granter sees the mapper's write") == 1,
          what + ": d1 sees d2's write through the mapping", r.show())
    check(r.get(2, "copy rc") == 0 and r.get(2, "copy status") == 0,
          what + ": grant copy into d1's page", r.show())
    check(r.get(1, "granter sees the copy") == 1 and r.get(2, "mapper sees the copy") == 1,
          what + ": both see the copied bytes", r.show())
    check(r.get(2, "unmap status") == 0 and r.get(1, "granter sees the unmap") == 1,
          what + ": unmap, and d1's entry is no longer in use", r.show())


def t_grant(args):
    ran = False
    for bits in ("64", "32"):
        g = getattr(args, "guest" + bits)
        if not g:
            print("note: no %s-bit guest: %s" % (bits, getattr(args, "why" + bits)))
            continue
        ran = True
        r = Pair(args, g, "grant")
        check(r.get(1, "place table") == 0, bits + "-bit: the table is placed in d1's memory",
              r.show())
        grant_ok(r, bits + "-bit v1")
        r = Pair(args, g, "grant gntv2")
        check(r.get(1, "set_version 2") == 0 and r.get(1, "place status") == 0,
              bits + "-bit v2: set_version and the status frame", r.show())
        grant_ok(r, bits + "-bit v2")
        r = Pair(args, g, "argo")
        check(r.rc == 0, bits + "-bit argo: both guests power off", r.show())
        for d, peer in ((1, 2), (2, 1)):
            check(r.get(d, "argo register") == 0 and r.get(d, "argo sendv") == 12,
                  "%s-bit argo: d%d registers its ring and sends" % (bits, d), r.show())
            check(r.get(d, "argo received len") == 12 and r.get(d, "argo from domain") == peer and
                  r.get(d, "argo message type") == 0x42 and r.get(d, "argo message ok") == 1,
                  "%s-bit argo: d%d finds d%d's message in its ring" % (bits, d, peer), r.show())
    if not ran:
        skip("no test guest built")


def t_flask(args):
    g = args.guest64 or args.guest32
    if not g:
        skip("no test guest built")
    r = Pair(args, g, "grant", "--xsm", "flask", "--label", DOMU)
    grant_ok(r, "flask domU_t pair")
    r = Pair(args, g, "grant", "-v", "--xsm", "flask", "--label", ISOLATED)
    check(r.get(2, "map status") == GNTST_permission_denied,
          "flask isolated_domU_t pair: map refused (permission_denied)", r.show())
    check(r.get(2, "copy status") == GNTST_permission_denied,
          "flask isolated_domU_t pair: copy refused (permission_denied)", r.show())
    check(r.get(1, "granter sees the mapper's write") == 0 and r.rc == 0,
          "flask isolated_domU_t pair: d1's page untouched, both power off", r.show())
    for perms in ("{ map_read map_write }", "{ copy }"):
        check(any("avc:  denied  " + perms + " for source=d2 target=d1" in l and
                  "tclass=grant" in l for l in r.err.splitlines()),
              "flask isolated_domU_t pair: the AVC denial %s is logged" % perms, r.err[-600:])


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap)
    ap.add_argument("group", choices=["grant", "grant-flask"])
    args = ap.parse_args()
    require_kvm()
    (t_grant if args.group == "grant" else t_flask)(args)
    finish()


main()
