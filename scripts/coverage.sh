#!/bin/sh
# Line and branch coverage of the library by the test suite (`make coverage`).
#   build-cov              unoptimised build with gcov instrumentation
#   build-cov/coverage/    coverage.json (gcovr's), index.html (per line)
# Prints gcovr's line table, its branch table and a summary per layer, and
# fails when src/core, src/modules or src/ss has less than 90 % of its lines
# covered (docs/testing.md lists what is left uncovered and why).
set -u
cd "$(dirname "$0")/.." || exit 1
jobs=${COVERAGE_JOBS:-2}
out=build-cov/coverage
filter='src/(core|modules|ss|util|hv)/'

if [ ! -f build-cov/build.ninja ]; then
    # -O0: lines and branches as written.  Fewer random differential
    # queries than the default: coverage does not grow with them.
    meson setup build-cov -Db_coverage=true -Dbuildtype=debug -Dbench=false \
        -Ddiff_queries=20000 >build-cov.setup.log 2>&1 || {
        cat build-cov.setup.log
        exit 1
    }
fi
ninja -C build-cov -j "$jobs" >build-cov.build.log 2>&1 || {
    tail -50 build-cov.build.log
    exit 1
}
# Counts from an earlier run would add up with this one's.
find build-cov -name '*.gcda' -delete
echo "== coverage: running the test suite"
status=0
# Not the install suite: programs built outside the tree against the
# instrumented library would need libgcov too, and it adds no coverage.
meson test -C build-cov --num-processes "$jobs" --no-suite install --print-errorlogs \
    >build-cov/test.log 2>&1 || {
    grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT)' build-cov/test.log
    echo "coverage: some tests failed (build-cov/test.log); the numbers below are still theirs"
    status=1
}

mkdir -p "$out"
gcovr -r . --object-directory build-cov --filter "$filter" -j "$jobs" build-cov \
    --exclude-unreachable-branches --json "$out/coverage.json" || exit 1
echo "== coverage: lines"
gcovr -r . -a "$out/coverage.json" --txt
echo "== coverage: branches"
gcovr -r . -a "$out/coverage.json" --txt --branches
gcovr -r . -a "$out/coverage.json" --html-details "$out/index.html" || exit 1

python3 - "$out/coverage.json" <<'EOF' || status=1
import json, sys
data = json.load(open(sys.argv[1]))
layers = ['src/core', 'src/modules', 'src/ss', 'src/util', 'src/hv']
target = {'src/core': 90.0, 'src/modules': 90.0, 'src/ss': 90.0}
tot = {l: [0, 0, 0, 0] for l in layers}
for f in data['files']:
    layer = next((l for l in layers if f['file'].startswith(l + '/')), None)
    if layer is None:
        continue
    for line in f['lines']:
        if line.get('gcovr/noncode'):
            continue
        t = tot[layer]
        t[0] += 1
        t[1] += line['count'] > 0
        for b in line['branches']:
            t[2] += 1
            t[3] += b['count'] > 0
print('== coverage: per layer (target: 90 % of lines in src/core, src/modules, src/ss)')
print('%-12s %15s %8s %17s %8s' % ('layer', 'lines', '', 'branches', ''))
short = []
for l in layers:
    n, hit, bn, bhit = tot[l]
    lp = 100.0 * hit / n if n else 100.0
    bp = 100.0 * bhit / bn if bn else 100.0
    mark = ''
    if l in target and lp < target[l]:
        mark = '  below target'
        short.append(l)
    print('%-12s %7d / %-7d %6.1f %% %8d / %-8d %6.1f %%%s' % (l, hit, n, lp, bhit, bn, bp, mark))
print('report: build-cov/coverage/index.html')
sys.exit(1 if short else 0)
EOF
exit $status
