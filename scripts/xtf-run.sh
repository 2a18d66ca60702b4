#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs the Xen Test Framework's HVM kernels, unmodified, as KVM guests of
# xsm-kvm-run, and prints one line per kernel with XTF's own verdict
# (SUCCESS, SKIP, FAILURE, ERROR) or how the run ended without one.
# XTF is not a Debian package, so this is a tool to run by hand, not part
# of make check (docs/guests.md says how to get and build XTF).
#
#   scripts/xtf-run.sh [-r XSM-KVM-RUN] [-e ENVS] XTF-DIR [-- xsm-kvm-run options]
#
#   -r  the runner (default: build/src/hosts/kvm/xsm-kvm-run)
#   -e  XTF environments, space-separated (default: "hvm64 hvm32")
#
# Exit status: 0 if no kernel ended in FAILURE, ERROR or without a verdict.
set -eu

run=build/src/hosts/kvm/xsm-kvm-run
envs="hvm64 hvm32"
while getopts r:e:h opt; do
    case $opt in
    r) run=$OPTARG ;;
    e) envs=$OPTARG ;;
    *) sed -n '3,16p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '3,16p' "$0"; exit 2; }
xtf=$1
shift
[ "${1:-}" = "--" ] && shift
[ -x "$run" ] || { echo "xtf-run: no runner at $run (build first)" >&2; exit 2; }
[ -d "$xtf/tests" ] || { echo "xtf-run: $xtf is not a built XTF tree" >&2; exit 2; }

bad=0 n=0 ok=0 skip=0
for env in $envs; do
    for k in "$xtf"/tests/*/test-"$env"-*; do
        case $k in *.cfg) continue ;; esac
        [ -f "$k" ] || continue
        n=$((n + 1))
        out=$(timeout 60 "$run" --timeout 20 "$@" "$k" 2>&1 | grep -v '^(d[0-9]*:pv)' || true)
        verdict=$(printf '%s\n' "$out" | sed -n 's/^(d[0-9]*) Test result: \([A-Z]*\).*/\1/p' | tail -n 1)
        end=$(printf '%s\n' "$out" | grep '^xsm-kvm-run: d[0-9]' | tail -n 1 | cut -c14-100)
        case $verdict in
        SUCCESS) ok=$((ok + 1)) ;;
        SKIP) skip=$((skip + 1)) ;;
        *) bad=$((bad + 1)) ;;
        esac
        printf '%-44s %-8s %s\n' "$(basename "$k")" "${verdict:--}" "$end"
    done
done
echo "$n kernels: $ok SUCCESS, $skip SKIP, $bad other"
[ "$bad" -eq 0 ]
