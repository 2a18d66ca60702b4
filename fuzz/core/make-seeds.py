#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write the seed inputs of fuzz-xsm-op (fuzz/core/seeds/).

The input format is described at the top of fuzz_xsm_op.c.  Run this from
anywhere after changing that format; the seeds are committed.
"""
import os
import struct
import sys

OP_SIZE = 40
DATA_BASE = 0x100000

# Callers (tag bits 0-1).
DOM0, DOMU, DM, UNL = 0, 1, 2, 3
# Stacks (config bits 4-6), the order of stacks[] in the harness.
FLASK, SILO_FLASK, FLASK_SILO, DUMMY_SILO, DUMMY, SILO = 0, 2, 3, 4, 5, 6
# Policies (config bits 2-3): fuzz-policies.h.
DEFAULT, OPS, HOOKS = 0, 1, 2

# FLASK subcommands (Xen's numbers).
LOAD, GETENFORCE, SETENFORCE, CTX2SID, SID2CTX, ACCESS, CREATE = 1, 2, 3, 4, 5, 6, 7
GETBOOL, SETBOOL, COMMITBOOLS, SETAVC, HASHSTATS, CACHESTATS = 11, 12, 13, 17, 18, 19
ADD_OCON, DEL_OCON, PEER_SID, RELABEL_DOMAIN, DT_LABEL = 21, 22, 23, 24, 25


def config(policy=OPS, permissive=False, compat=False, stack=FLASK, threshold=0x80):
    """The two header bytes; threshold is the selector byte (0x80: 0)."""
    b = int(compat) | int(permissive) << 1 | policy << 2 | stack << 4
    return bytes([b, threshold])


def op(cmd, payload=b"", version=1):
    body = struct.pack("<II", cmd, version) + payload
    return body + bytes(OP_SIZE - len(body))


def raw(caller, the_op, extra=b"", fault_from=0, fault_to=0, partial=0):
    return (bytes([caller, fault_from << 4 | fault_to, partial]) + the_op +
            bytes([len(extra)]) + extra)


def built(caller, sub, args=(0, 0, 0, 0)):
    return bytes([caller | 2 << 2, sub - 1]) + bytes(args)


def op_sweep(caller, sub, args, count):
    return bytes([caller | 5 << 2, sub - 1]) + bytes(args) + struct.pack("<H", count)


def avc_sweep(caller, count, first, target=0, tclass=3, bit=0):
    return bytes([caller | 6 << 2]) + struct.pack("<HH", count, first) + bytes([target, tclass, bit])


def core(sub, payload=b""):
    return op(1 << 16 | sub, payload)


SEEDS = {
    # The dispatcher and the core commands (raw ops, as the first version's seeds).
    "core-list": config(stack=DUMMY) + raw(DOM0, core(1)),
    "core-list-copyback-fault": config(stack=DUMMY) + raw(DOM0, core(1), fault_to=1, partial=8),
    "core-version": config(stack=SILO) + raw(DOM0, core(3)),
    "core-info-flask-compat": config(compat=True) + raw(DOMU, core(2, struct.pack("<HH", 0, 0))),
    "unknown-module": config() + raw(DOM0, op(5 << 16 | 1)),
    "silo-cmd": config(stack=SILO) + raw(DOM0, op(3 << 16 | 1)),
    "flask-ctx2sid": config() + raw(
        DOM0, op(CTX2SID, struct.pack("<IIQ", 0, 24, DATA_BASE)), b"system_u:system_r:domU_t"),
    "flask-ctx2sid-compat": config(compat=True) + raw(
        DOM0, op(CTX2SID, struct.pack("<III", 0, 24, DATA_BASE)), b"system_u:system_r:domU_t"),
    "flask-getbool-name": config() + raw(
        DOMU, op(GETBOOL, struct.pack("<IBBBBIIQ", 0xffffffff, 0, 0, 0, 0, 4, 0, DATA_BASE)),
        b"b_on"),
    "flask-load-fault": config() + raw(
        DOM0, op(LOAD, struct.pack("<QI", 0x10000000 + 0x1000000, 4096)), fault_from=2, partial=3),
    # Built ops from each labelled caller, both modes.
    "flask-every-op-dom0": config() + b"".join(built(DOM0, s, (1, 1, 1, 1)) for s in range(1, 26)),
    "flask-every-op-domU-permissive": config(permissive=True, threshold=0) +
    b"".join(built(DOMU, s, (2, 0x41, 3, 5)) for s in range(1, 26)),
    "flask-every-op-dm-compat": config(compat=True, policy=HOOKS) +
    b"".join(built(DM, s, (0x82, 0x40, 2, 1)) for s in range(1, 26)),
    "flask-bools": config() + built(DOM0, SETBOOL, (0, 1, 0, 0)) + built(DOM0, SETBOOL, (1, 0, 0, 0)) +
    built(DOM0, GETBOOL, (0, 0, 16, 0)) + built(DOM0, COMMITBOOLS) +
    built(DOM0, SETBOOL, (0x80, 3, 1, 0)) + built(DOMU, SETBOOL, (0, 3, 0, 0)),
    "flask-ocontexts": config() + built(DOM0, ADD_OCON, (1, 0x45, 3, 0x42)) +
    built(DOM0, ADD_OCON, (2, 0x41, 7, 0x48)) + built(DOM0, DEL_OCON, (1, 0x45, 3, 0)) +
    built(DOMU, ADD_OCON, (3, 1, 0, 0)) + built(DOM0, DT_LABEL, (0, 0x42, 2, 0)),
    "flask-load-reload": config() + built(DOM0, LOAD, (2, 0, 0, 0)) + built(DOM0, LOAD, (1, 230, 0, 0)) +
    built(DOM0, SETENFORCE, (0, 0, 0, 0)) + built(DOMU, LOAD, (0, 0, 0, 0)),
    # Sweeps: thousands of distinct subjects.
    "sweep-ctx2sid-then-relabel": config(permissive=True, threshold=4) +
    b"".join(built(DOM0, CTX2SID, (t, 0, 0, 0)) for t in range(20)) +
    op_sweep(DOMU, RELABEL_DOMAIN, (0x80, 0x80, 0, 0), 0x0007),
    "sweep-relabel-enforcing-perm-t": config(threshold=0) + built(DOM0, CTX2SID, (3, 0, 0, 0)) +
    op_sweep(DOM0, RELABEL_DOMAIN, (1, 0x80, 0, 0), 7),
    "sweep-access": config(policy=HOOKS) + op_sweep(DOM0, ACCESS, (0x40, 0x41, 3, 0), 0x0007),
    "sweep-avc-permissive-small": config(permissive=True, threshold=3) + avc_sweep(DOM0, 7, 1),
    "sweep-avc-enforcing-default": config(threshold=254) + avc_sweep(DOM0, 0x5aff, 20, 1, 7, 2) +
    built(DOM0, HASHSTATS) + built(DOM0, CACHESTATS),
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
