#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The committed default policy must equal a fresh checkpolicy build of its source.
# usage: check-default-policy.sh SRCDIR-OF-POLICY OUTDIR
set -eu
if ! command -v checkpolicy >/dev/null 2>&1; then
    echo "skipped: checkpolicy not installed"
    exit 77
fi
out="$2/xenpolicy.fresh"
checkpolicy -t Xen -c 30 -o "$out" "$1/xenpolicy.conf" >/dev/null
if cmp "$out" "$1/xenpolicy.bin"; then
    echo "default policy: committed binary matches a fresh build"
else
    echo "default policy: xenpolicy.bin is stale; run src/modules/flask/policy/gen.sh"
    exit 1
fi
