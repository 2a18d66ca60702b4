#!/bin/sh
# Static analysis of the whole tree (`make lint`, called by .ci/run).  Any
# finding fails.  Three tools, each seeing every C file that is compiled:
#   clang-tidy  checks in .clang-tidy (src/); tests/, fuzz/ and bench/ have
#               a looser .clang-tidy of their own.  Compile commands come
#               from build-lint, a clang build of everything (which is also
#               a check: clang's -Wall -Wextra -Werror differs from gcc's).
#   cppcheck    warning, performance and portability classes, on the same
#               compile commands.  Its style class is left out: opinion
#               (variable scope, const parameters) and false positives on
#               the generated hooks.  Silence a finding inline with
#               "cppcheck-suppress id" and a comment saying why.
#   scan-build  clang's static analyzer (default checkers) over a full
#               build in build-scan; HTML reports in build-scan-report.
# docs/testing.md describes the suppression rules.
set -u
cd "$(dirname "$0")/.." || exit 1
status=0
jobs=${LINT_JOBS:-2}

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "lint: $1 not found (scripts/deps.sh lint installs it)" >&2
    exit 1
}
tidy=$(command -v run-clang-tidy-14 || command -v run-clang-tidy || echo run-clang-tidy)
scan=$(command -v scan-build-14 || command -v scan-build || echo scan-build)
need clang
need "$tidy"
need cppcheck
need "$scan"

echo "== lint: clang build (build-lint)"
if [ ! -f build-lint/build.ninja ]; then
    CC=clang meson setup build-lint >build-lint.setup.log 2>&1 || {
        cat build-lint.setup.log
        exit 1
    }
fi
# Generated sources must exist before clang-tidy reads the files using them.
ninja -C build-lint -j "$jobs" >build-lint.build.log 2>&1 || {
    tail -50 build-lint.build.log
    exit 1
}

# Every C file of the repository that the build compiles (tests/abi/probe.c
# and tests/install/consumer.c are compiled by their own tests instead).
files=$(python3 - <<'EOF'
import json, os, subprocess
db = json.load(open('build-lint/compile_commands.json'))
built = {os.path.realpath(os.path.join(e['directory'], e['file'])) for e in db}
tracked = subprocess.run(['git', 'ls-files', '*.c'], capture_output=True, text=True,
                         check=True).stdout.split()
print('\n'.join(f for f in tracked if os.path.realpath(f) in built))
EOF
) || exit 1

echo "== lint: clang-tidy ($(echo "$files" | wc -l) files)"
# shellcheck disable=SC2086
"$tidy" -p build-lint -j "$jobs" -quiet $files >build-lint/clang-tidy.log 2>&1
rc=$?
sed -i 's/\x1b\[[0-9;]*m//g' build-lint/clang-tidy.log # it always asks for colours
if [ $rc -ne 0 ] || grep -q -E '(warning|error): ' build-lint/clang-tidy.log; then
    grep -E -A3 '(warning|error): ' build-lint/clang-tidy.log | grep -v '^--$'
    echo "lint: clang-tidy found the above (log: build-lint/clang-tidy.log)"
    status=1
fi

echo "== lint: cppcheck"
# __GNUC__: the ABI headers require a GCC-compatible compiler, which
# cppcheck does not pretend to be unless told.
cppcheck --project=build-lint/compile_commands.json -i build-lint \
    -D__GNUC__=12 -D__x86_64__ --std=c11 \
    --enable=warning,performance,portability --inline-suppr \
    --error-exitcode=1 -q -j "$jobs" \
    --template='{file}:{line}: {severity}: {message} [{id}]' || {
    echo "lint: cppcheck found the above"
    status=1
}

echo "== lint: scan-build (build-scan)"
rm -rf build-scan
"$scan" -o build-scan-report meson setup build-scan >build-scan.setup.log 2>&1 || {
    cat build-scan.setup.log
    exit 1
}
"$scan" -o build-scan-report --status-bugs ninja -C build-scan -j "$jobs" \
    >build-scan/scan-build.log 2>&1 || {
    grep -E -A3 'warning: ' build-scan/scan-build.log | grep -v '^--$'
    tail -3 build-scan/scan-build.log
    echo "lint: scan-build found the above (reports: build-scan-report)"
    status=1
}

if [ $status -eq 0 ]; then
    echo "lint: clean (clang build, clang-tidy, cppcheck, scan-build)"
fi
exit $status
