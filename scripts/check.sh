#!/bin/sh
# Run the whole test suite three ways and print one summary line:
#   build       normal build, every suite
#   build-asan  the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   build-tsan  the concurrency tests (suite 'tsan') under ThreadSanitizer
#   build-fuzz  clang + libFuzzer, bounded fuzz runs (suite 'fuzz')
set -u
cd "$(dirname "$0")/.."
status=0
logs=""

run() { # name, meson options, test args, C compiler
    name=$1; opts=$2; targs=$3; ccomp=${4:-cc}
    echo "== $name: configuring"
    # shellcheck disable=SC2086
    CC=$ccomp scripts/configure.sh "$name" $opts >"$name.setup.log" 2>&1 || { cat "$name.setup.log"; status=1; return; }
    echo "== $name: building"
    ninja -C "$name" >"$name.build.log" 2>&1 || { tail -50 "$name.build.log"; status=1; return; }
    scripts/link-bins.sh "$name"
    echo "== $name: testing"
    # shellcheck disable=SC2086
    meson test -C "$name" --print-errorlogs --num-processes 2 $targs || status=1
    logs="$logs $name/meson-logs/testlog.json"
}

run build "" ""
run build-asan "-Db_sanitize=address,undefined -Dc_args=-fno-sanitize-recover=all -Db_lundef=false -Dbench=false -Ddiff_queries=20000" "--no-suite fuzz"
run build-tsan "-Db_sanitize=thread -Db_lundef=false -Dbench=false" "--suite tsan"
if command -v clang >/dev/null 2>&1; then
    run build-fuzz "-Dfuzz=true -Dtests=false -Dbench=false -Db_lundef=false" "--suite fuzz" clang
else
    echo "skipped: fuzz build (no clang)"
fi
python3 scripts/summary.py $logs
s=$?
[ $status -eq 0 ] && status=$s
exit $status
