#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xsmpolicy's answers are its result: when they cannot be written (here to
# /dev/full, which refuses every write) it says so on stderr and exits 1,
# for info and for query, instead of reporting success.
#   test-xsmpolicy-output.sh XSMPOLICY POLICY
set -u
xp=$1
pol=$2
if ! [ -c /dev/full ] || ! [ -w /dev/full ]; then
    echo "skipped: no writable /dev/full"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

expect() { # what, wanted exit status, got exit status, stderr file, pattern
    if [ "$3" != "$2" ]; then
        echo "FAIL $1: exit $3, want $2"
        fail=1
    fi
    if [ -n "$5" ] && ! grep -q "$5" "$4"; then
        echo "FAIL $1: stderr lacks '$5':"
        cat "$4"
        fail=1
    fi
}

# The same commands succeed when the output has somewhere to go.
"$xp" info "$pol" >"$tmp/out" 2>"$tmp/err"
expect "info to a file" 0 $? "$tmp/err" ""
grep -q '^target: XenFlask$' "$tmp/out" || { echo "FAIL info to a file: no target line"; fail=1; }
printf 'errors\nbool nosuchbool 1\n' | "$xp" query "$pol" >"$tmp/out" 2>"$tmp/err"
expect "query to a file" 0 $? "$tmp/err" ""
[ "$(wc -l <"$tmp/out")" -eq 2 ] || { echo "FAIL query to a file: want 2 answer lines"; fail=1; }

"$xp" info "$pol" >/dev/full 2>"$tmp/err"
expect "info to /dev/full" 1 $? "$tmp/err" "xsmpolicy: cannot write"
printf 'errors\nbool nosuchbool 1\n' | "$xp" query "$pol" >/dev/full 2>"$tmp/err"
expect "query to /dev/full" 1 $? "$tmp/err" "xsmpolicy: cannot write"
"$xp" --help >/dev/full 2>"$tmp/err"
expect "--help to /dev/full" 1 $? "$tmp/err" "xsmpolicy: cannot write"

[ $fail = 0 ] && echo ok
exit $fail
