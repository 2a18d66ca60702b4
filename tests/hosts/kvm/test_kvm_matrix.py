#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The privilege matrix with real guests (issue 8, point 6), and xsm_op from
inside a guest (point 3), 64-bit and 32-bit.  One group per meson test:

  matrix  every operation of the in-process matrix (tests/hv/test-hv-matrix.c)
          issued from inside KVM guests (guest/matrix.c), under dummy, silo,
          flask (default policy) and silo,flask, in three roles: dom0
          (--dom0), a domU on another domU (two VMs), a domU on itself.
          Where T must first grant a page or register a ring itself
          (PEER_T), T is a VM of its own in every role (for dom0: a
          second kernel, a domU that xsm-kvm-run creates for dom0).  A
          domU's console cells run with --no-console-io (PV_CONSOLE).
          Expected: the cell of `test-hv-matrix --cells`, which runs the
          same operation in-process with the same cast: the same verdict and
          the same return code.  One boot per cell, as the in-process matrix
          uses a fresh hypervisor per cell.
  xsmops  xsm_op discovery (LIST_MODULES, MODULE_INFO) and FLASK queries
          (GETENFORCE, POLICYVERS, CONTEXT_TO_SID, SID_TO_CONTEXT, ACCESS,
          GETBOOL) from the
          64-bit and the 32-bit guest (compat layouts): the stack that was
          booted, FLASK's answers for the guest's label, and the same answers
          from both word sizes

Exit 0, 1 (failures listed), or 77 after "skipped: <why>".
"""
import argparse
import concurrent.futures
import errno
import re
import subprocess

from kvmtest import add_common_args, check, finish, require_kvm, skip

DOMU = "system_u:system_r:domU_t"
STACKS = ("dummy", "silo", "flask", "silo,flask")
ROLES = ("control", "plain", "target")
GNT_DENY = -8  # GNTST_permission_denied

# Cells a real guest cannot reproduce, and why (they are listed, not compared).
NOT_COMPARED = {
    # The in-process cell queues one byte of console input first; a guest
    # has no way to type on the host's console.
    ("control", "console_io_read"): "no console input to read from inside a guest",
}

# The console cells of a domU: the in-process cast's domUs are not console
# domains, so these guests run with --no-console-io and print their result
# lines into their PV console ring instead (command line "console=pv").
PV_CONSOLE = [(r, "console_io_" + k) for r in ("plain", "target") for k in ("write", "read")]

# Operations whose set-up T does itself, as the in-process cell does it
# through the library in T's name: T grants the caller a page through its
# own grant table (placed in its memory), or registers the argo ring the
# caller sends to.  T is then a VM of its own in every role: d2 (plain),
# the caller itself (target), or, for dom0, d1 (a second kernel).
PEER_T = ["gnttab_" + k for k in ("map_T_s_grant", "unmap", "copy_into_T", "transfer_to_T")]
PEER_T.append("argo_sendv_to_T")

def run(args, kernels, *opts):
    p = subprocess.run([args.run, "--timeout", "20", *opts, *kernels], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def verdict(key, rc, status):
    """The in-process matrix's rule (test-hv-matrix.c: verdict, gnt_verdict)."""
    if key.startswith("gnttab_"):
        if rc:
            return "E", rc
        return ("A" if status == 0 else "D" if status == GNT_DENY else "E"), status
    if key in ("xen_version_extraversion", "xen_version_commandline") and rc >= 0:
        return ("D" if status else "A"), rc
    return ("A" if rc >= 0 else "D" if rc == -errno.EPERM else "E"), rc


def expected_cells(args):
    p = subprocess.run([args.cells, "--cells"], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        check(False, "test-hv-matrix --cells runs", p.stderr[-300:])
        return {}
    cells = {}
    for line in p.stdout.splitlines():
        w = line.split()
        if len(w) == 6 and w[0] == "cell":
            cells[(w[1], w[2], w[3])] = (w[4], int(w[5]))
    return cells


def guest_cell(args, stack, role, key, kernel):
    """Boots the cell; returns (verdict, rc) or a string saying why not."""
    pv = (role, key) in PV_CONSOLE
    opts = ["--xsm", stack, "--cmdline",
            "matrix role=%s op=%s%s" % (role, key, " console=pv" if pv else "")]
    opts += ["--no-console-io"] if pv else []
    kernels = [kernel]
    if role == "control":
        opts.append("--dom0")
    if "flask" in stack and (role != "control" or key in PEER_T):
        opts += ["--label", DOMU]  # the domUs' label (dom0's comes from the policy)
    if role != "control" or key in PEER_T:
        kernels.append(kernel)  # plain, control: T; target: set_target's other domain
    rc, out, err = run(args, kernels, *opts)
    if rc != 0:
        return "guest did not power off (exit %d): %r %r" % (rc, out[-300:], err[-200:])
    peer = re.search(r"matrix-peer \S+ (-?\d+)$", out, re.M)
    m = re.search(r"^(?:\(d\d+(?::pv)?\) )?matrix (\S+) (.*)$", out, re.M)
    if not m or m.group(1) != key:
        return "no result line: %r" % out[-300:]
    w = m.group(2).split()
    if w[0] == "unsupported":
        return "unsupported"
    if w[0] == "N" or (peer and int(peer.group(1)) < 0):
        return ("N", int(w[1]) if w[0] == "N" else int(peer.group(1)))
    return verdict(key, int(w[0]), int(w[1]))


def t_matrix(args):
    cells = expected_cells(args)
    keys = sorted({k for (_, _, k) in cells}, key=lambda k: list(cells).index(("dummy", "control",
                                                                                k)))
    check(len(keys) >= 30 and all((s, r, k) in cells for s in STACKS for r in ROLES for k in keys),
          "test-hv-matrix --cells gives every stack, role and operation (%d operations)" % len(keys))
    if args.only:
        keys = [k for k in keys if re.search(args.only, k)]  # by hand: a part of the matrix
    kernels = [(b, getattr(args, "guest" + b)) for b in ("64", "32") if getattr(args, "guest" + b)]
    for b in ("64", "32"):
        if not getattr(args, "guest" + b):
            print("note: no %s-bit guest: %s" % (b, getattr(args, "why" + b) or "not built"))
    if not kernels:
        skip("no test guest built")
    compared = same = peer_t = 0
    unsupported = set()
    jobs = [(stack, role, key, bits, kernel) for stack in STACKS for role in ROLES for key in keys
            for bits, kernel in kernels if (role, key) not in NOT_COMPARED]
    # One boot per cell, two at a time (each is a process of its own).
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda j: guest_cell(args, j[0], j[1], j[2], j[4]), jobs))
    for (stack, role, key, bits, _), got in zip(jobs, results):
        exp = cells[(stack, role, key)]
        what = "%s %s %s-bit %s" % (stack, role, bits, key)
        if got == "unsupported":
            unsupported.add((role, key))
            continue
        if args.show:
            print("cell %s: guest %s, in-process %s" % (what, got, exp))
        if isinstance(got, str):
            check(False, what, got)
            continue
        if got[0] == "N" and exp[0] != "N":
            # The guest's own set-up was refused where the in-process
            # cell's (done by dom0) was not: listed.
            print("note %s: set-up refused inside the guest (%d); in-process %s %d" %
                  (what, got[1], exp[0], exp[1]))
            continue
        compared += 1
        peer_t += key in PEER_T
        ok = got[0] == exp[0] and (got[0] == "N" or got[1] == exp[1])
        same += ok
        if not ok:
            check(False, what, "guest %s %d, in-process %s %d" % (got + exp))
    for (role, key), why in sorted(NOT_COMPARED.items()):
        print("not compared: %s %s: %s" % (role, key, why))
    check(compared > 0 and compared == same,
          "real guests agree with the in-process matrix: %d of %d cells" % (same, compared))
    want = sum(1 for j in jobs if j[2] in PEER_T)
    check(peer_t == want, "every cell whose set-up T does itself is compared: %d of %d" %
          (peer_t, want))
    # Drift guard: an operation added to the in-process matrix that the guest
    # program does not know fails here until it does (or is listed above).
    check(not unsupported, "the guest program knows every other operation of the matrix",
          " ".join("%s/%s" % rk for rk in sorted(unsupported)))


def xsmops(args, bits, stack, dom0):
    opts = ["--xsm", stack, "--cmdline", "xsmops"]
    opts += ["--dom0"] if dom0 else (["--label", DOMU] if "flask" in stack else [])
    rc, out, err = run(args, [getattr(args, "guest" + bits)], *opts)
    vals = {}
    for m in re.finditer(r"xsmop (\S+) (-?\d+)(?: (-?\d+))?$", out, re.M):
        vals.setdefault(m.group(1), []).append((int(m.group(2)),
                                                int(m.group(3)) if m.group(3) else None))
    return rc, vals, out + err


def t_xsmops(args):
    ids = {"flask": 0, "dummy": 2, "silo": 3}
    bits_all = [b for b in ("64", "32") if getattr(args, "guest" + b)]
    if not bits_all:
        skip("no test guest built")
    for stack in STACKS:
        for dom0 in (False, True):
            seen = {}
            for bits in bits_all:
                who = "%s %s %s-bit" % (stack, "dom0" if dom0 else "domU", bits)
                rc, v, show = xsmops(args, bits, stack, dom0)
                seen[bits] = v
                check(rc == 0 and v.get("list_modules") == [(0, None)], who + ": LIST_MODULES 0",
                      show[-400:])
                mods = [ids[s] for s in stack.split(",")]
                check([x for x, _ in v.get("module", [])] == mods and
                      v.get("count") == [(len(mods), None)],
                      who + ": LIST_MODULES names the booted stack in order", show[-400:])
                for name, mid in (("info_flask", 0), ("info_dummy", 2), ("info_silo", 3)):
                    rcx, fl = v.get(name, [(None, None)])[0]
                    active = mid in mods
                    check(rcx == 0 and bool(fl & 2) == active and
                          ((fl >> 8) == mods.index(mid) if active else (fl >> 8) == 0xff),
                          who + ": MODULE_INFO(%d) ACTIVE and slot as booted" % mid, show[-400:])
                flask = "flask" in stack
                ge = v.get("getenforce", [(None,)])[0][0]
                check(ge == (1 if flask else -errno.ENOSYS), who + ": GETENFORCE", show[-400:])
                check(v.get("policyvers", [(None,)])[0][0] == (30 if flask else -errno.ENOSYS) or
                      (flask and v["policyvers"][0][0] > 0), who + ": POLICYVERS", show[-400:])
                # dom0 (dom0_t) may compute SIDs and access vectors; domU_t may not.
                want = 0 if dom0 else -errno.EACCES
                for q in ("context_to_sid", "access"):
                    check(v.get(q, [(None,)])[0][0] == (want if flask else -errno.ENOSYS),
                          who + ": " + q.upper(), show[-400:])
                # SID_TO_CONTEXT writes the string back through the handle of
                # this word size's layout (and its size, NUL included).
                check(v.get("sid_to_context", [(None, None)])[0] ==
                      ((0, 1) if dom0 else (-errno.EACCES, 0)) if flask else
                      v.get("sid_to_context", [(None, None)])[0] == (-errno.ENOSYS, 0),
                      who + ": SID_TO_CONTEXT gives the context back", show[-400:])
                # guest_writeconsole is true in the default policy; the name
                # handle sits where this word size's layout has it.
                check(v.get("getbool", [(None, None)])[0] == ((0, 1) if flask else
                                                             (-errno.ENOSYS, -1)),
                      who + ": GETBOOL by name", show[-400:])
            if len(seen) == 2:
                check(seen["64"] == seen["32"],
                      "%s %s: the 32-bit guest (compat) gets the 64-bit guest's answers" %
                      (stack, "dom0" if dom0 else "domU"))


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap)
    ap.add_argument("--cells", required=True, help="test-hv-matrix")
    ap.add_argument("--only", metavar="REGEX", help="matrix: only the operations whose key matches")
    ap.add_argument("--show", action="store_true", help="matrix: print every compared cell")
    ap.add_argument("group", choices=["matrix", "xsmops"])
    args = ap.parse_args()
    require_kvm()
    {"matrix": t_matrix, "xsmops": t_xsmops}[args.group](args)
    finish()


if __name__ == "__main__":
    main()
