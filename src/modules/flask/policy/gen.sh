#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Rebuild the committed default policy: gen.sh [OUT] (default: next to this script).
set -eu
dir=$(dirname "$0")
out=${1:-$dir/xenpolicy.bin}
checkpolicy -t Xen -c 30 -o "$out" "$dir/xenpolicy.conf" >/dev/null
