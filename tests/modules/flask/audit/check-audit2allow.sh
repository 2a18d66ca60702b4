#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The audit2allow round trip: run audit-scenario under the base policy
# (audit-policy.conf), feed its denial lines, as a Xen console shows them,
# to Debian's audit2allow, put the rules it writes into the policy source at
# the line "# audit2allow: rules go here", compile that policy and run the
# scenario again: every operation must then succeed with no denial.
#
#   check-audit2allow.sh SCENARIO POLICY.conf
set -u
scenario=${1:?usage: check-audit2allow.sh SCENARIO POLICY.conf}
conf=${2:?usage: check-audit2allow.sh SCENARIO POLICY.conf}

for tool in audit2allow checkpolicy; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skipped: $tool not installed (packages policycoreutils-python-utils, checkpolicy)"
        exit 77
    fi
done

work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*"
    for f in denials.log rules.te after.log scenario.err; do
        [ -s "$work/$f" ] && { echo "--- $f"; cat "$work/$f"; }
    done
    exit 1
}

checkpolicy -t Xen -c 30 -o "$work/base.bin" "$conf" >/dev/null || fail "base policy does not compile"

# Round 1: the base policy denies; the scenario says so and the log shows why.
"$scenario" "$work/base.bin" >"$work/denials.log" 2>"$work/scenario.err"
rc=$?
[ "$rc" = 1 ] || fail "scenario under the base policy: exit $rc, expected 1 (denials)"
n=$(grep -c '^(XEN) avc:  denied  {' "$work/denials.log")
[ "$n" -gt 0 ] || fail "no denial lines under the base policy"
echo "round 1: $n denial lines"

# audit2allow reads Xen's lines as they are, given the binary policy (-p).
audit2allow -p "$work/base.bin" -i "$work/denials.log" >"$work/rules.te" 2>"$work/a2a.err" ||
    fail "audit2allow failed: $(cat "$work/a2a.err")"
rules=$(grep -c '^allow ' "$work/rules.te")
[ "$rules" -gt 0 ] || fail "audit2allow wrote no allow rule"
echo "audit2allow: $rules allow rules"
grep '^allow ' "$work/rules.te"

grep -q '^# audit2allow: rules go here$' "$conf" || fail "no insertion line in $conf"
sed "/^# audit2allow: rules go here\$/r $work/rules.te" "$conf" >"$work/fixed.conf"
checkpolicy -t Xen -c 30 -o "$work/fixed.bin" "$work/fixed.conf" >"$work/cp.log" 2>&1 ||
    fail "policy with audit2allow's rules does not compile: $(cat "$work/cp.log")"

# Round 2: the same scenario passes, with no denial logged.
"$scenario" "$work/fixed.bin" >"$work/after.log" 2>"$work/scenario.err"
rc=$?
[ "$rc" = 0 ] || fail "scenario under the completed policy: exit $rc, expected 0"
if grep -q 'avc:  denied' "$work/after.log"; then
    fail "denials remain under the completed policy"
fi
echo "round 2: no denial, every operation succeeded"
