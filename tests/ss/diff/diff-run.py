#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Differential test: our security server against libsepol 3.4.

For every policy of the corpus list (written by tests/policies/gen.sh) the
libsepol oracle generates random requests; the same request file is answered
by `xsmpolicy query --sem=selinux` and by `sepol-oracle query`, and the two
answer files must be equal line by line.  An "ERR ..." answer matches any
other "ERR ..." answer (the reasons are free text).  Policies marked XENCMP=1
are also answered with `--sem=auto` (Xen semantics), which must agree too.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

SHOW = 5  # mismatching lines printed per policy


def run_to_file(argv, stdin_path, stdout_path, env):
    with open(stdin_path, "rb") as fin, open(stdout_path, "wb") as fout:
        return subprocess.Popen(argv, stdin=fin, stdout=fout, stderr=subprocess.PIPE, env=env)


def same(a, b):
    if a == b:
        return True
    return a.startswith("ERR") and b.startswith("ERR")


def compare(qpath, refpath, ourpath):
    with open(qpath) as f:
        q = f.read().splitlines()
    with open(refpath) as f:
        ref = f.read().splitlines()
    with open(ourpath) as f:
        ours = f.read().splitlines()
    bad = []
    for i, req in enumerate(q):
        r = ref[i] if i < len(ref) else "<missing>"
        o = ours[i] if i < len(ours) else "<missing>"
        if not same(r, o):
            bad.append((i + 1, req, r, o))
    if len(ours) > len(q):
        bad.append((len(q) + 1, "<none>", "<none>", "%d extra lines" % (len(ours) - len(q))))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oracle", required=True)
    ap.add_argument("--ours", default="")
    ap.add_argument("--corpus", required=True, help="corpus.txt written by gen.sh")
    ap.add_argument("--queries", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=0x5eed)
    ap.add_argument("--only", default="", help="substring filter on policy names")
    ap.add_argument("--cache", default="", help="keep libsepol's requests and answers here")
    args = ap.parse_args()

    if not args.ours or not os.path.exists(args.ours):
        print("skipped: xsmpolicy is not built yet")
        return 77
    if not os.path.exists(args.corpus):
        print("skipped: no policy corpus (%s)" % args.corpus)
        return 77
    pols = []
    with open(args.corpus) as f:
        for line in f:
            w = line.split()
            if len(w) == 3 and args.only in w[0]:
                pols.append((w[0], w[1], w[2] == "1"))
    if not pols:
        print("skipped: empty policy corpus")
        return 77

    if args.cache:
        os.makedirs(args.cache, exist_ok=True)
    # libsepol is not built with the sanitizers and keeps its policy in
    # globals until exit; its leaks are not ours to report.
    oenv = dict(os.environ)
    oenv["ASAN_OPTIONS"] = oenv.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    t0 = time.time()
    total_q = total_bad = 0
    failed = []
    with tempfile.TemporaryDirectory(prefix="ss-diff-") as tmp:
        for idx, (name, path, xencmp) in enumerate(pols):
            tp = time.time()
            # The oracle's side depends only on (policy, oracle, count, seed):
            # cache it so re-runs cost only our side.
            seed = args.seed + idx
            key = "%s %d %d %d %d %d" % (path, os.path.getsize(path), os.path.getmtime(path),
                                         os.path.getmtime(args.oracle), args.queries, seed)
            base = os.path.join(args.cache or tmp, "%s.%d.%d" % (name, args.queries, seed))
            qf, ref, keyf = base + ".q", base + ".ref", base + ".key"
            cached = False
            if args.cache and os.path.exists(keyf):
                with open(keyf) as fk:
                    cached = fk.read() == key
            if not cached:
                with open(qf, "wb") as fq:
                    g = subprocess.run([args.oracle, "gen", path, str(args.queries), str(seed)],
                                       stdout=fq, stderr=subprocess.PIPE, env=oenv)
                if g.returncode != 0:
                    print("%-26s oracle cannot generate: %s" % (name, g.stderr.decode().strip()))
                    failed.append(name)
                    continue
            with open(qf) as fq:
                nq = sum(1 for _ in fq)
            runs = [("selinux", os.path.join(tmp, "sel"))]
            if xencmp:
                runs.append(("auto", os.path.join(tmp, "auto")))
            procs = []
            if not cached:
                procs.append(run_to_file([args.oracle, "query", "--sem=selinux", path], qf, ref,
                                         oenv))
            for sem, out in runs:
                procs.append(run_to_file([args.ours, "query", "--sem=" + sem, path], qf, out,
                                         os.environ))
            errs = [p.communicate()[1].decode(errors="replace").strip() for p in procs]
            if not cached:
                if procs[0].returncode != 0:
                    print("%-26s oracle failed: %s" % (name, errs[0]))
                    failed.append(name)
                    continue
                procs.pop(0)
                errs.pop(0)
                if args.cache:
                    with open(keyf, "w") as fk:
                        fk.write(key)
            for k, (sem, out) in enumerate(runs):
                p = procs[k]
                bad = compare(qf, ref, out)
                total_q += nq
                total_bad += len(bad)
                status = "ok" if not bad and p.returncode == 0 else "FAIL"
                print("%-26s sem=%-7s queries %7d  mismatches %6d  %5.1fs  %s" %
                      (name, sem, nq, len(bad), time.time() - tp, status))
                if p.returncode != 0:
                    print("    xsmpolicy exit %d: %s" % (p.returncode, errs[k][:500]))
                for (ln, req, r, o) in bad[:SHOW]:
                    print("    line %d: %s\n      libsepol: %s\n      ours:     %s" %
                          (ln, req, r, o))
                if status != "ok":
                    failed.append("%s/%s" % (name, sem))
            sys.stdout.flush()
    print("diff: %d policies, %d queries, %d mismatches, %.0f s" %
          (len(pols), total_q, total_bad, time.time() - t0))
    if failed:
        print("failed: " + " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
