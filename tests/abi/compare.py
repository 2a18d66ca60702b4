#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""FLASK xsm_op layout test: our header against Xen's (libxen-dev).

Builds probe.c five ways with the project's C compiler (no sanitizers, so
it works in every build flavour) and compares the canonical outputs:
  ours -m64 == Xen -m64,  ours -m32 == Xen -m32,
  ours compat types built -m64 == Xen -m32 (what a 32-bit guest passes).
Exit 0 pass, 1 fail, 77 skipped (libxen-dev missing, or -m32 cannot link:
then the -m64 comparison still runs and must pass first).
"""
import os
import subprocess
import sys
import tempfile

SKIP = 77


def main():
    args = sys.argv[1:]
    sep = args.index('--')
    probe, include = args[0], args[1]
    cc = args[sep + 1:]
    tmp = tempfile.mkdtemp(prefix='xsm-abi-')

    def build(name, flags):
        exe = os.path.join(tmp, name)
        cmd = cc + flags + ['-Wall', '-Wextra', '-Werror', '-O0', '-I', include,
                            probe, '-o', exe]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return None, r.stderr
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
        return out, ''

    xen = ['-std=gnu11', '-D__XEN_TOOLS__', '-DPROBE_XEN']
    ours = ['-std=c11']
    compat = ['-std=c11', '-DPROBE_COMPAT']

    x64, err = build('xen64', ['-m64'] + xen)
    if x64 is None:
        if 'xsm/flask_op.h' in err or 'xen/xen.h' in err:
            print('skipped: libxen-dev headers (<xen/xsm/flask_op.h>) not installed')
            return SKIP
        print(err)
        return 1
    o64, err = build('ours64', ['-m64'] + ours)
    c64, err2 = build('compat64', ['-m64'] + compat)
    if o64 is None or c64 is None:
        print(err, err2)
        return 1

    fails = 0

    def same(label, a, b):
        nonlocal fails
        if a == b:
            print('ok   %s (%d lines)' % (label, a.count('\n')))
            return
        fails += 1
        print('FAIL %s' % label)
        al, bl = a.splitlines(), b.splitlines()
        for i in range(max(len(al), len(bl))):
            la = al[i] if i < len(al) else '<missing>'
            lb = bl[i] if i < len(bl) else '<missing>'
            if la != lb:
                print('   ours: %s\n   xen:  %s' % (la, lb))

    def expect(label, text, lines):
        # Independent anchors (Xen 4.17 facts), so two equally wrong
        # outputs cannot pass together.
        nonlocal fails
        have = set(text.splitlines())
        for ln in lines:
            if ln not in have:
                fails += 1
                print('FAIL %s: missing "%s"' % (label, ln))

    # Every line is present: 4 op lines, 13 union members, 13 types,
    # 48 struct fields, 26 constants, end.
    for label, t in (('xen -m64', x64), ('ours -m64', o64), ('compat -m64', c64)):
        if t.count('\n') != 105 or not t.endswith('end\n'):
            fails += 1
            print('FAIL %s: %d lines of output, expected 105' % (label, t.count('\n')))

    expect('xen -m64', x64, ['type op size=40 align=8', 'field op.u off=8 size=32 align=8',
                             'type boolean size=24 align=8', 'field boolean.name off=16 size=8 align=8',
                             'const FLASK_DEVICETREE_LABEL=25'])
    same('native x86_64: ours == Xen', o64, x64)

    x32, err = build('xen32', ['-m32'] + xen)
    if x32 is None:
        if fails:
            return 1
        print('skipped: -m32 cannot build/link here (%s)' % err.strip().splitlines()[-1:])
        return SKIP
    o32, err = build('ours32', ['-m32'] + ours)
    if o32 is None:
        print(err)
        return 1
    expect('xen -m32', x32, ['type op size=40 align=4', 'type boolean size=16 align=4',
                             'field boolean.name off=12 size=4 align=4',
                             'type ocontext size=24 align=4', 'type load size=8 align=4'])
    same('native i386: ours == Xen', o32, x32)
    same('compat types (built -m64) == Xen i386', c64, x32)
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
