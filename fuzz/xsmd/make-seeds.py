#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write the seed and regression inputs of fuzz-xsmd-request (fuzz/xsmd/).

The input format is described at the top of fuzz-xsmd-request.c: one
selector byte, then the message.  Run this from anywhere after changing that
format; the inputs are committed.
"""
import os
import struct

TRUNC, FDS, OWNER, CONTROL, REPLY, FDS2, PRIV = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40
HYPERCALL, CREATE, DESTROY, WHOAMI = 1, 2, 3, 4
EXPLAIN, CLASSES, LABEL, DOMAINS, PRIVCMD, PRIVCMD_FOR = 5, 6, 7, 8, 9, 10
CONSOLE = 11
MAGIC = 0x444d5358


def req(typ, nr=0, flags=0, args=(0,) * 6, version=1, magic=MAGIC):
    return struct.pack("<IHHII6Q", magic, version, typ, nr, flags, *args)


def rep(status=0, result=0, value=0, reserved=0, version=1, magic=MAGIC):
    return struct.pack("<IHHqQQ", magic, version, status, result, value, reserved)


OK = OWNER | CONTROL
SEEDS = {
    "hypercall-xsm-op-control": bytes([OK]) + req(HYPERCALL, 27, args=(0x7ffc0000, 0, 0, 0, 0, 0)),
    "hypercall-guest": bytes([OWNER]) + req(HYPERCALL, 17, args=(0, 0, 0, 0, 0, 0)),
    "create-32bit-labelled": bytes([OK]) + req(CREATE, flags=1, args=(0x1000, 23, 5, 0, 0, 0)),
    "create-on-guest": bytes([OWNER]) + req(CREATE),
    "create-kernel": bytes([OK]) + req(CREATE, flags=2, args=(0x1000, 23, 0, 0x10000, 4096, 64)),
    "create-kernel-flag-4": bytes([OK]) + req(CREATE, flags=6, args=(0, 0, 0, 0x10000, 4096, 64)),
    "create-kernel-cmdline": bytes([OK]) + req(CREATE, nr=4, flags=6,
                                                 args=(0x1000, 23, 0, 0x10000, 4096, 64)),
    "create-cmdline-no-kernel": bytes([OK]) + req(CREATE, nr=4, flags=4, args=(0x1000, 23, 0, 0, 0, 0)),
    "create-cmdline-too-long": bytes([OK]) + req(CREATE, nr=1025, flags=6,
                                                   args=(0x1000, 23, 0, 0x10000, 4096, 64)),
    "destroy": bytes([OK]) + req(DESTROY, args=(3, 0, 0, 0, 0, 0)),
    "whoami": bytes([OWNER]) + req(WHOAMI),
    "privcmd": bytes([OWNER]) + req(PRIVCMD, args=(27, 0x7ffc0000, 0, 0, 0, 0)),
    "privcmd-nr-set": bytes([OK]) + req(PRIVCMD, nr=27, args=(27, 0, 0, 0, 0, 0)),
    "explain": bytes([OK]) + req(EXPLAIN, args=(2, 3, 1, 0, 0x2000, 4096)),
    "explain-on-guest": bytes([OWNER]) + req(EXPLAIN, args=(2, 3, 1, 0, 0x2000, 4096)),
    "classes-by-name": bytes([OK]) + req(CLASSES, args=(0x1000, 6, 0, 0, 0x2000, 4096)),
    "label-pirq": bytes([OK]) + req(LABEL, nr=1, args=(33, 0, 0, 0, 0, 0)),
    "label-unused-arg": bytes([OK]) + req(LABEL, nr=5, args=(0x1000, 9, 0, 0, 1, 0)),
    "domains": bytes([OK]) + req(DOMAINS, args=(0, 0, 0, 0, 0x2000, 4096)),
    "domains-on-guest": bytes([OWNER]) + req(DOMAINS, args=(0, 0, 0, 0, 0x2000, 4096)),
    "console": bytes([OK]) + req(CONSOLE, args=(1, 0, 0, 0, 0x2000, 4096)),
    "console-on-guest": bytes([OWNER]) + req(CONSOLE, args=(1, 0, 0, 0, 0x2000, 4096)),
    "console-unused-arg": bytes([OK]) + req(CONSOLE, args=(1, 0, 0, 1, 0x2000, 4096)),
    "wrong-process": bytes([CONTROL]) + req(WHOAMI),
    "bad-version": bytes([OK]) + req(WHOAMI, version=2),
    "bad-magic": bytes([OK]) + req(WHOAMI, magic=0x444d5359),
    "unknown-type": bytes([OK]) + req(99),
    "truncated": bytes([OK]) + req(WHOAMI)[:40],
    "oversized": bytes([OK | TRUNC]) + req(WHOAMI) + b"\0",
    "fds": bytes([OK | FDS]) + req(WHOAMI),
    "empty": bytes([OK]),
    "privcmd-for": bytes([OK | FDS | PRIV]) + req(PRIVCMD_FOR, args=(0x7ffc0000, 0, 0, 0, 0, 0)),
    "privcmd-for-guest": bytes([OWNER | FDS | PRIV]) + req(PRIVCMD_FOR, args=(0x1000, 0, 0, 0, 0, 0)),
    "privcmd-for-unprivileged": bytes([OK | FDS]) + req(PRIVCMD_FOR, args=(0x1000, 0, 0, 0, 0, 0)),
    "privcmd-for-no-fd": bytes([OK | PRIV]) + req(PRIVCMD_FOR, args=(0x1000, 0, 0, 0, 0, 0)),
    "privcmd-for-two-fds": bytes([OK | FDS2 | PRIV]) + req(PRIVCMD_FOR, args=(0x1000, 0, 0, 0, 0, 0)),
    "privcmd-for-unused-arg": bytes([OK | FDS | PRIV]) + req(PRIVCMD_FOR, args=(0x1000, 1, 0, 0, 0, 0)),
    "privcmd-for-wrong-process": bytes([CONTROL | FDS | PRIV]) + req(PRIVCMD_FOR, args=(0x1000, 0, 0, 0, 0, 0)),
    "privcmd-for-bad-version": bytes([OK | FDS | PRIV]) + req(PRIVCMD_FOR, version=2),
    "whoami-fd-privileged": bytes([OK | FDS | PRIV]) + req(WHOAMI),
    "reply-ok": bytes([REPLY]) + rep(0, -13, 0),
    "reply-value": bytes([REPLY]) + rep(0, 1, 0x10005),
    "reply-not-privileged": bytes([REPLY]) + rep(6, 0, 0),
    "reply-reserved-set": bytes([REPLY]) + rep(0, 0, 0, reserved=1),
}

# Inputs for what the decoder once got wrong (fixed in the commit that made
# request.c): each was let through the header check and refused later, by
# the request's handler, without being logged or counted; an empty message
# with descriptors was taken as the end of the stream and its descriptors kept.
REGRESS = {
    "empty-with-descriptors": bytes([OK | FDS]),
    "hypercall-flags-set": bytes([OK]) + req(HYPERCALL, 17, flags=1),
    "whoami-unused-arg": bytes([OK]) + req(WHOAMI, args=(0, 0, 0, 0, 0, 1)),
    "create-unused-arg-on-guest": bytes([OWNER]) + req(CREATE, args=(0, 0, 0, 1, 0, 0)),
    "wrong-process-unknown-type": bytes([CONTROL]) + req(99),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for sub, inputs in (("seeds", SEEDS), ("regress", REGRESS)):
        d = os.path.join(here, sub)
        os.makedirs(d, exist_ok=True)
        for name, data in inputs.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
