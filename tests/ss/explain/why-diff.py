#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ss_explain against libsepol 3.4's reason flags.

For every policy of the corpus (and the crafted why policy, --extra) the
libsepol oracle generates random requests; each "av S T C" becomes
"why S T C" and is answered by `xsmpolicy query --sem=selinux` (ss_explain:
per permission, the first check that denies it) and by `sepol-oracle query`
(sepol_compute_av_reason for that permission alone).  The answers must be
equal line by line; an ERR answer matches any other ERR.  The same requests
are then answered by xsmpolicy with the policy's own semantics, "why" next to
"av", and the allowed word of each must be compute_av's.  For the crafted
policy a fixed list of requests is added, one denied by each check.  The
run fails too if some kind of reason (TE, constraint, role, bounds) never
came up: the comparison would then prove nothing about it.
"""
import argparse
import os
import subprocess
import sys

SHOW = 5

# One request per reason, on why.te (see its header).
FIXED = [
    "why system_u:system_r:domU_t:s0 system_u:system_r:security_t:s0 security",
    "why system_u:system_r:domU_t:s0 system_u:system_r:dom0_t:s0 domain",
    "why user_1:vm_r:domU_t:s0 system_u:system_r:domU_t:s0 domain",
    "why system_u:system_r:domU_t:s0 system_u:system_r:dom0_t:s1 domain",
    "why system_u:system_r:domU_t:s0 system_u:vm_r:trans_t:s0 domain",
    "why system_u:system_r:child_t:s0 system_u:system_r:domU_t:s0 domain",
    "why system_u:system_r:parent_t:s0 system_u:system_r:domU_t:s0 domain",
    "bool lock 1",
    "why system_u:system_r:domU_t:s0 system_u:system_r:dom0_t:s0 domain",
    "bool open_b 1",
    "why system_u:system_r:domU_t:s0 system_u:system_r:dom0_t:s0 domain",
]


def answers(argv, lines):
    p = subprocess.run(argv, input="\n".join(lines) + "\n", stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(argv), p.returncode, p.stderr[-500:]))
    return p.stdout.splitlines()


def same(a, b):
    return a == b or (a.startswith("ERR") and b.startswith("ERR"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oracle", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--extra", action="append", default=[])
    ap.add_argument("--queries", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=0x3779)
    args = ap.parse_args()

    pols = []
    if os.path.exists(args.corpus):
        with open(args.corpus) as f:
            for line in f:
                w = line.split()
                if len(w) == 3:
                    pols.append((w[0], w[1], False))
    for e in args.extra:
        pols.append((os.path.basename(e), e, True))
    if not pols:
        print("skipped: no policies (corpus %s)" % args.corpus)
        return 77

    fails = 0
    stages = {1: 0, 2: 0, 4: 0, 8: 0}
    total = 0
    for name, path, crafted in pols:
        gen = subprocess.run([args.oracle, "gen", path, str(args.queries), str(args.seed)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if gen.returncode != 0:
            print("FAIL %s: the oracle cannot generate requests: %s" % (name, gen.stderr.strip()))
            fails += 1
            continue
        req = []
        for line in gen.stdout.splitlines():
            if line.startswith("av "):
                req.append("why " + line[3:])
            elif line.startswith("bool "):
                req.append(line)
        if crafted:
            req += FIXED
        ref = answers([args.oracle, "query", "--sem=selinux", path], req)
        ours = answers([args.ours, "query", "--sem=selinux", path], req)
        bad = [(i, req[i], ref[i] if i < len(ref) else "<missing>",
                ours[i] if i < len(ours) else "<missing>")
               for i in range(len(req))
               if not same(ref[i] if i < len(ref) else "<missing>",
                           ours[i] if i < len(ours) else "<missing>")]
        for a in ours:
            if not a.startswith("ERR") and a != "OK":
                for w in a.split()[1:]:
                    if w != "-" and int(w, 16) in stages:
                        stages[int(w, 16)] += 1
        # Own semantics: explain's allowed word is compute_av's.
        pair = []
        for r in req:
            if r.startswith("why "):
                pair += ["av " + r[4:], r]
            else:
                pair.append(r)
        own = answers([args.ours, "query", path], pair)
        incons = 0
        for i in range(0, len(pair)):
            if pair[i].startswith("why ") and i < len(own):
                a, w = own[i - 1], own[i]
                if a.startswith("ERR") != w.startswith("ERR") or \
                        (not a.startswith("ERR") and a.split()[0] != w.split()[0]):
                    incons += 1
                    if incons <= SHOW:
                        print("  own semantics: %s\n    av  %s\n    why %s" % (pair[i], a, w))
        total += len(req)
        status = "ok  " if not bad and not incons else "FAIL"
        print("%s %s: %d requests, %d differ from libsepol, %d explain/compute_av disagree"
              % (status, name, len(req), len(bad), incons))
        for i, q, r, o in bad[:SHOW]:
            print("  line %d: %s\n    libsepol %s\n    ours     %s" % (i + 1, q, r, o))
        if bad or incons:
            fails += 1
    print("primary reasons seen: TE %d, constraint %d, role %d, bounds %d"
          % (stages[1], stages[2], stages[4], stages[8]))
    for k, v in stages.items():
        if v == 0:
            print("FAIL no request was denied by stage %d: nothing was compared for it" % k)
            fails += 1
    print("%d requests, %d policies failed" % (total, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
