#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the policy corpus of the differential test, the fuzzer seeds and the
# benchmarks into OUTDIR:
#
#   gen.sh OUTDIR [STAMP]
#
# OUTDIR/corpus.txt lists one policy a line: "NAME FILE XENCMP", where XENCMP
# is 1 when Xen semantics must give the same answers as libsepol (no
# default_* rules, no role_transition on a class other than domain, no
# commons).  Parts whose tools or inputs are missing are skipped with a note.
# Outputs newer than their sources are kept, so a second run is cheap.
set -u
out=${1:?usage: gen.sh OUTDIR [STAMP]}
stamp=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
list="$out/corpus.txt.new"
: >"$list"
fail=0

have() { command -v "$1" >/dev/null 2>&1; }

# up_to_date OUT SRC...: OUT exists and is newer than every SRC and this script
up_to_date() {
    o=$1
    shift
    [ -s "$o" ] || return 1
    for s in "$@" "$here/gen.sh"; do
        [ -n "$(find "$s" -newer "$o" 2>/dev/null)" ] && return 1
    done
    return 0
}

# m4pol NAME SRC TARGET MLS VERSIONS XENCMP M4FLAGS...  (CP_EXTRA: checkpolicy flags)
m4pol() {
    _name=$1 _src=$2 _target=$3 _mls=$4 _vers=$5 _xencmp=$6
    shift 6
    _conf="$out/$_name.conf"
    if ! up_to_date "$_conf" "$_src"; then
        if ! m4 "$@" "$_src" >"$_conf.tmp"; then
            echo "gen.sh: m4 failed for $_name" >&2
            fail=1
            return
        fi
        mv "$_conf.tmp" "$_conf"
    fi
    for _v in $_vers; do
        _f="$out/$_name.$_v"
        if ! up_to_date "$_f" "$_conf"; then
            _mflag=""
            [ "$_mls" = 1 ] && _mflag=-M
            _tflag=${CP_EXTRA:-}
            [ "$_target" = xen ] && _tflag="$_tflag -t xen"
            # shellcheck disable=SC2086
            if ! checkpolicy $_tflag $_mflag -c "$_v" -o "$_f.tmp" "$_conf" >"$_f.log" 2>&1; then
                echo "gen.sh: checkpolicy failed for $_name.$_v (see $_f.log)" >&2
                rm -f "$_f.tmp"
                fail=1
                continue
            fi
            mv "$_f.tmp" "$_f"
        fi
        _x=$_xencmp
        # v24 drops every role_transition of a Xen policy (no class process)
        [ "$_x" = v24 ] && { [ "$_v" = 24 ] && _x=1 || _x=0; }
        echo "$_name.$_v $_f $_x" >>"$list"
    done
}

# cilpol NAME FROM TARGET MLS VERSIONS XENCMP: the policy.conf m4pol made for
# FROM, turned into CIL by checkpolicy and compiled by secilc, so the corpus
# also holds binaries written by the CIL compiler.
cilpol() {
    _name=$1 _from="$out/$2.conf" _target=$3 _mls=$4 _vers=$5 _x=$6
    [ -s "$_from" ] || return
    _cil="$out/$_name.cil"
    _mflag="" _sflag=""
    [ "$_mls" = 1 ] && _mflag=-M && _sflag="-M true"
    _tflag=""
    [ "$_target" = xen ] && _tflag="-t xen"
    if ! up_to_date "$_cil" "$_from"; then
        # shellcheck disable=SC2086
        if ! checkpolicy -C $_mflag $_tflag -o "$_cil.tmp" "$_from" >"$_cil.log" 2>&1; then
            echo "gen.sh: checkpolicy -C failed for $_name (see $_cil.log)" >&2
            fail=1
            return
        fi
        mv "$_cil.tmp" "$_cil"
    fi
    for _v in $_vers; do
        _f="$out/$_name.$_v"
        if ! up_to_date "$_f" "$_cil"; then
            # shellcheck disable=SC2086
            if ! secilc $_tflag $_sflag -c "$_v" -f /dev/null -o "$_f.tmp" "$_cil" >"$_f.log" 2>&1; then
                echo "gen.sh: secilc failed for $_name.$_v (see $_f.log)" >&2
                rm -f "$_f.tmp"
                fail=1
                continue
            fi
            mv "$_f.tmp" "$_f"
        fi
        echo "$_name.$_v $_f $_x" >>"$list"
    done
}

if have m4 && have checkpolicy; then
    x=$here/xen/xen417.m4
    m4pol xen417 "$x" xen 0 "24 30" 1
    m4pol xen417-mls "$x" xen 1 "24 30" 1 -D enable_mls
    f=$here/xen/features.m4
    m4pol features "$f" xen 0 "24 30" 0
    m4pol features-mls "$f" xen 1 "24 30" 0 -D enable_mls
    m4pol features-full "$f" xen 0 "24 30" 0 -D with_defaults -D with_dtree
    m4pol features-mls-full "$f" xen 1 "24 30" 0 -D enable_mls -D with_defaults -D with_dtree
    # handle_unknown allow, for the intended-difference test
    CP_EXTRA="-U allow" m4pol features-allow "$f" xen 0 "30" 0
    m4pol features-nocommon "$f" xen 0 "24 30" v24 -D no_common
    m4pol features-nocommon-mls "$f" xen 1 "24 30" v24 -D no_common -D enable_mls
    l=$here/linux/small.m4
    all="24 25 26 27 28 29 30 31 32 33"
    m4pol small-linux "$l" selinux 0 "$all" 0
    m4pol small-linux-mls "$l" selinux 1 "$all" 0 -D enable_mls
    m4pol small-linux-xperms "$l" selinux 0 "30 33" 0 -D with_xperms
    m4pol small-linux-glblub "$l" selinux 1 "32 33" 0 -D enable_mls -D with_glblub
    if have secilc; then
        cilpol xen417-cil xen417 xen 0 "30" 1
        cilpol xen417-mls-cil xen417-mls xen 1 "24 30" 1
        cilpol features-mls-full-cil features-mls-full xen 1 "30" 0
        cilpol small-linux-mls-cil small-linux-mls selinux 1 "33" 0
    else
        echo "gen.sh: skipped the CIL route (need secilc)" >&2
    fi
else
    echo "gen.sh: skipped our policy sources (need m4 and checkpolicy)" >&2
fi

for flavour in default mls; do
    p=/etc/selinux/$flavour/policy/policy.33
    if [ -r "$p" ]; then
        echo "debian-$flavour.33 $p 0" >>"$list"
    else
        echo "gen.sh: skipped $p (install selinux-policy-$flavour)" >&2
    fi
done

p=/etc/selinux/default/policy/policy.33
if [ -r "$p" ] && have checkpolicy; then
    for v in 24 25 26 27 28 29 30 31 32 33; do
        f="$out/debian-default.$v"
        if ! up_to_date "$f" "$p"; then
            if ! checkpolicy -b -M -c "$v" -o "$f.tmp" "$p" >"$f.log" 2>&1; then
                echo "gen.sh: checkpolicy could not rewrite $p at v$v" >&2
                rm -f "$f.tmp"
                fail=1
                continue
            fi
            mv "$f.tmp" "$f"
        fi
        echo "debian-default-rw.$v $f 0" >>"$list"
    done
fi

mv "$list" "$out/corpus.txt"
n=$(wc -l <"$out/corpus.txt")
echo "gen.sh: $n policies in $out/corpus.txt"
[ $fail -eq 0 ] && [ -n "$stamp" ] && : >"$stamp"
exit $fail
