#!/bin/sh
# xsmd under load and faults at full size (docs/xsmd.md, "Load and faults"):
# 64 client processes x 100,000 hypercalls each through one daemon, with
# policy reloads and boolean commits interleaved, 1,000 clients killed
# mid-call and 10,000 malformed messages.  `make check` runs the same test
# (xsmd-load) at a size for CI.
#
#   scripts/xsmd-load.sh [BUILD-DIR] [-- EXTRA test_xsmd.py OPTIONS]
#   e.g. scripts/xsmd-load.sh build -- --clients 8 --calls 1000000 --seed 42
#
# Builds what it needs in BUILD-DIR (default: build), prints the driver's
# summary and one "ok"/"FAIL" line per check; exit 0 only if all passed.
set -eu
cd "$(dirname "$0")/.."
b=build
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    b=$1
    shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
ninja -C "$b" src/hosts/xsmd/xsmd tests/hosts/xsmd/xsmd-client tests/hosts/xsmd/xsmd-load \
    tests/hosts/xsmd/load-a.bin tests/hosts/xsmd/load-b.bin src/hosts/privcmd/xsm-run \
    policy/xenpolicy.bin >/dev/null
t=$b/tests/hosts/xsmd
exec python3 tests/hosts/xsmd/test_xsmd.py load \
    --xsmd "$b/src/hosts/xsmd/xsmd" --client "$t/xsmd-client" \
    --xsm-run "$b/src/hosts/privcmd/xsm-run" --policy "$b/policy/xenpolicy.bin" \
    --load "$t/xsmd-load" --load-a "$t/load-a.bin" --load-b "$t/load-b.bin" \
    --clients 64 --calls 100000 --kills 1000 --malformed 10000 --load-timeout 3600 "$@"
