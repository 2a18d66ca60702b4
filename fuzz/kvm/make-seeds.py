#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write the seed inputs of fuzz-kvm-hcall (fuzz/kvm/seeds/).

The input format is described at the top of fuzz-kvm-hcall.c: a 23-byte
header (configuration, mode and memory size, CR3, raw control registers,
number of calls), 74-byte call records, then the guest memory.  Each seed
builds page tables for its paging mode inside that memory, so the fuzzer
starts from addresses that translate.  Run this after changing the format;
the seeds are committed.
"""
import os
import struct
import sys

PAGES = 8
FLASK, COMPAT, CONSOLE, RAW, WP = 1, 2, 4, 8, 0x40
REAL, PROT, TWO, TWO_PSE, PAE, LONG, LONG_COMPAT, LA57 = range(8)
# In page 0, past the entries the seeds use (its entries there stay not present).
OP, BUF = 0xc00, 0xd00
UNMAPPED = 0x10000000


def call(nr, a1=0, a2=0, a3=0, caller=0):
    # rdi rsi rdx r10 r8 r9, then rbx rcx rbp: each argument is put where
    # both conventions look for it (a3 is rdx in both).
    return bytes([caller, nr]) + struct.pack("<9Q", a1, a2, a3, 0, 0, 0, a1, a2, 0)


def memory(tables):
    mem = bytearray(PAGES * 4096)
    for off, val, size in tables:
        mem[off:off + size] = val.to_bytes(size, "little")
    # xsm_op at OP: FLASK getenforce (cmd 2, interface version 1).
    mem[OP:OP + 8] = struct.pack("<II", 2, 1)
    mem[BUF:BUF + 5] = b"hello"
    return bytes(mem)


def tables_for(mode):
    t = []
    if mode in (TWO, TWO_PSE):
        t.append((0, 0x1000 | 7, 4))                    # PD[0] -> PT at page 1
        t.append((4, 0x83, 4))                          # PD[1]: 4 MiB page at 0 (PSE only)
        t += [(0x1000 + 4 * i, (i << 12) | (1 if i == 5 else 3), 4) for i in range(PAGES)]
    elif mode == PAE:
        t.append((0, 0x1000 | 1, 8))                    # PDPT[0] -> PD at page 1
        t.append((0x1000, 0x2000 | 7, 8))               # PD[0] -> PT at page 2
        t.append((0x1008, 0x83, 8))                     # PD[1]: 2 MiB page at 0
        t += [(0x2000 + 8 * i, (i << 12) | (1 if i == 5 else 3), 8) for i in range(PAGES)]
    elif mode in (LONG, LONG_COMPAT, LA57):
        t.append((0, 0x1000 | 7, 8))                    # PML4[0] -> PDPT
        t.append((256 * 8, 0x1000 | 7, 8))              # PML4[256]: the upper half too
        t.append((0x1000, 0x2000 | 7, 8))               # PDPT[0] -> PD
        t.append((0x1008, 0x83, 8))                     # PDPT[1]: 1 GiB page at 0
        t.append((0x2000, 0x3000 | 7, 8))               # PD[0] -> PT
        t.append((0x2008, 0x83, 8))                     # PD[1]: 2 MiB page at 0
        t += [(0x3000 + 8 * i, (i << 12) | (1 if i == 5 else 3), 8) for i in range(PAGES)]
    return t


def seed(conf, mode, calls, cr3=0, raw=(0, 0, 0)):
    hdr = bytes([conf, mode | (PAGES - 1) << 3]) + struct.pack("<Q3I", cr3, *raw)
    hdr += bytes([len(calls) - 1])
    # The harness reads zeros past the end: the memory's zero tail is left off.
    return hdr + b"".join(calls) + memory(tables_for(mode)).rstrip(b"\0")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "seeds")
    os.makedirs(out, exist_ok=True)
    basic = [call(27, OP), call(17, 1, BUF), call(18, 0, 5, BUF), call(27, UNMAPPED)]
    model = [call(32, 6, BUF), call(20, 6, BUF, 1), call(34, 1, BUF), call(12, 2, 0, caller=1)]
    seeds = {}
    for name, mode in (("real", REAL), ("prot", PROT), ("2level", TWO), ("2level-pse", TWO_PSE),
                       ("pae", PAE), ("long", LONG), ("long-compat", LONG_COMPAT), ("la57", LA57)):
        seeds["flask-" + name] = seed(FLASK | CONSOLE | WP, mode, basic)
        seeds["dummy-" + name] = seed(CONSOLE | COMPAT, mode, model)
    # Through the aliases: a 2 MiB / 4 MiB / 1 GiB page and the upper half.
    seeds["long-aliases"] = seed(FLASK | WP, LONG, [call(27, 0x200000 + OP),
                                                     call(27, 0x40000000 + OP),
                                                     call(27, 0xffff800000000000 + OP),
                                                     call(17, 1, 0x5000)])
    seeds["pse-alias"] = seed(FLASK | WP, TWO_PSE, [call(27, 0x400000 + OP), call(17, 1, 0x5000)])
    seeds["long-user"] = seed(FLASK | 0x30, LONG, [call(27, OP), call(17, 0)])
    seeds["raw-cr"] = seed(RAW | FLASK, LONG, [call(27, OP)], raw=(0x80000001, 0x1020, 0x80000500))
    seeds["noncanonical"] = seed(FLASK, LONG, [call(27, 0x0000800000000000),
                                               call(17, 1, 0xdeadbeefdeadbeef)])
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
