#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write the seed inputs of fuzz-hooks (fuzz/hv/seeds/).

The input format is described at the top of fuzz-hooks.c: two header
bytes, then 10-byte records (kind, caller, 8 parameter bytes).  Run this
after changing that format; the seeds are committed.
"""
import os
import struct
import sys

(CREATE, DESTROY, PAUSE, UNPAUSE, GETINFO, SET_TARGET, EVT_ALLOC, EVT_BIND, EVT_SEND,
 EVT_STATUS, EVT_CLOSE, EVT_RESET, GNT_WRITE, GNT_MAP, GNT_UNMAP, GNT_SETUP, GNT_QUERY,
 GNT_COPY, GNT_TRANSFER, ARGO_REG, ARGO_UNREG, ARGO_SEND, XENVER, CONSOLE, SYSCTL,
 SETENFORCE, BOOL, COMMIT, THRESHOLD, RELABEL, LOAD, HOOK, SWEEP, RAW) = range(34)

DOM0, DOMU, DM = 0, 1, 2
# Policies: fuzz-policies.h (3 = the default one as well).
DEFAULT, OPS, HOOKS = 0, 1, 2
# Domain picks (pick_domid): 0..7 are those domids, then these.
SELF, XEN, IO, INVALID, NONE = 8, 9, 10, 11, 12


def header(policy=HOOKS, permissive=False, stack=0, compat=False, threshold=0x80):
    b = int(permissive) | policy << 1 | stack << 3 | int(compat) << 5
    return bytes([b, threshold])


def rec(kind, caller, *p):
    p = bytes(p) + bytes(8 - len(p))
    return bytes([kind, caller]) + p


def raw(caller, which, p1, p2, data):
    return rec(RAW, caller, which, p1, p2) + bytes([len(data)]) + data


def sweep(caller, hook, first, d1, d2, count):
    return rec(SWEEP, caller, hook, first & 0xff, first >> 8, d1, d2, count & 0xff, count >> 8)


def every_kind(caller):
    return b"".join(rec(k, caller, 1, 2, 3, 4, 5, 6, 7, 8) for k in range(RAW))


LIFE = (rec(CREATE, DOM0, 3, 1, 1) + rec(GETINFO, DOM0, 3) + rec(PAUSE, DOM0, 3) +
        rec(UNPAUSE, DOM0, 3) + rec(SET_TARGET, DOM0, 2, 3) + rec(DESTROY, DOM0, 3) +
        rec(DESTROY, DOMU, 0) + rec(GETINFO, DOMU, 0))
EVTCHN = (rec(EVT_ALLOC, DOMU, SELF, 2) + rec(EVT_BIND, DM, 1, 1) + rec(EVT_SEND, DM, 1) +
          rec(EVT_STATUS, DOMU, SELF, 1) + rec(EVT_CLOSE, DOMU, 1) + rec(EVT_RESET, DOM0, 1))
GRANTS = (rec(GNT_WRITE, DOMU, 1, 1, 2, 0) + rec(GNT_MAP, DM, 1, 1, 2) + rec(GNT_UNMAP, DM, 0) +
          rec(GNT_SETUP, DOMU, SELF, 2) + rec(GNT_QUERY, DOM0, 1) +
          rec(GNT_WRITE, DM, 2, 3, 1, 0) + rec(GNT_TRANSFER, DOMU, 0, 2, 2) +
          rec(GNT_COPY, DOMU, 0x41, 1, 0, 0x42, 2, 3))
ARGO = (rec(ARGO_REG, DOMU, 7, 2, 1, 0) + rec(ARGO_SEND, DM, 9, 1, 7, 5, 0, 40) +
        rec(ARGO_UNREG, DOMU, 7, 2) + rec(ARGO_REG, DOMU, 8, 0x80, 1, 0))
POLICY = (rec(LOAD, DOM0, 0) + rec(BOOL, DOM0, 0, 1) + rec(BOOL, DOM0, 1, 3) + rec(COMMIT, DOM0) +
          rec(SETENFORCE, DOM0, 0) + rec(RELABEL, DOM0, 1, 4) + rec(SETENFORCE, DOM0, 1) +
          rec(RELABEL, DOMU, SELF, 3) + rec(LOAD, DOM0, 2, 230) + rec(THRESHOLD, DOM0, 5) +
          rec(LOAD, DOM0, 1) + rec(LOAD, DOMU, 1))
HOOKCALLS = b"".join(rec(HOOK, c, h, 1, 2, 1, 2, 3, 4, 5) for h in range(34) for c in (DOM0, DOMU))

SEEDS = {
    "life-enforcing-default": header(policy=DEFAULT) + LIFE + EVTCHN + GRANTS + ARGO,
    "life-permissive-hooks": header(permissive=True, threshold=0) + LIFE + EVTCHN + GRANTS + ARGO,
    "life-enforcing-ops-compat": header(policy=OPS, compat=True) + LIFE + EVTCHN + GRANTS,
    "every-kind-dom0": header(threshold=2) + every_kind(DOM0),
    "every-kind-domU-permissive": header(permissive=True, threshold=1) + every_kind(DOMU),
    "every-kind-dm-silo": header(stack=2) + every_kind(DM),
    "policy-reload-bools-relabel": header(threshold=0) + POLICY + EVTCHN + POLICY,
    "hooks-direct-enforcing": header(threshold=3) + HOOKCALLS,
    "hooks-direct-permissive": header(permissive=True, policy=DEFAULT, threshold=0) + HOOKCALLS,
    "sweep-permissive-getdomaininfo": header(permissive=True, threshold=0x90) +
    sweep(DOM0, 0, 1, 1, 2, 0x5aff),
    "sweep-enforcing-grant": header(threshold=0xff) + sweep(DOM0, 3, 14, 1, 2, 0x5aab) +
    rec(SETENFORCE, DOM0, 0) + sweep(DOMU, 27, 100, 2, 1, 7),
    "raw-hypercalls": header(policy=DEFAULT) +
    raw(DOM0, 7, 0, 0, struct.pack("<II", 2, 1) + bytes(32)) +
    raw(DOMU, 3, 6, 0, struct.pack("<HHI", 0x7ff0, 0, 0)) +
    raw(DOM0, 6, 0, 0, struct.pack("<IIH", 5, 0x15, 1) + bytes(134)) +
    raw(DOMU, 0, 0, 0, b"") + raw(DOMU, 1, 0, 0, b"hello\n") +
    raw(DOMU, 8, 0, 0, struct.pack("<HHIQ", 0x7ff0, 0, 0, 0xf3)) +
    raw(DOMU, 8, 1, 0, struct.pack("<HHIQ", 0x7ff0, 0, 1, 0)) +
    raw(DOMU, 9, 7, 0, struct.pack("<HHIQQ", 0x7ff0, 0, 0, 0, 0x1000)) +
    raw(DM, 9, 3, 0, struct.pack("<H", DOMU)),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "seeds")
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        os.unlink(os.path.join(out, name))
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
