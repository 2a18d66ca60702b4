#!/usr/bin/env python3
"""Fold meson testlog.json files into one line: N passed, N failed, N skipped."""
import json
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        f = open(path)
    except OSError:
        failed += 1
        print(f"missing test log {path}")
        continue
    with f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            res = r.get("result")
            # Tests may publish headline figures as "report: ..." lines.
            for l in (r.get("stdout") or "").splitlines():
                if l.startswith(("report:", "diff:")):
                    print(f"{r.get('name')} ({path.split('/')[0]}): {l}")
            if res in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif res == "SKIP":
                skipped += 1
                why = ""
                for l in (r.get("stdout") or "").splitlines():
                    if l.startswith("skipped:"):
                        why = l
                print(f"skip: {r.get('name')} {why}")
            else:
                failed += 1
                print(f"FAIL: {r.get('name')} ({res}) in {path}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
