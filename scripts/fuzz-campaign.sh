#!/bin/sh
# A fuzzing campaign: every libFuzzer target for a fixed number of
# executions, its corpus minimized into the tree, and the library's line
# coverage from replaying the committed corpora (docs/fuzzing.md).
#
#   scripts/fuzz-campaign.sh [-n EXECS] [-T SECONDS] [-r] [-c | -N] [TARGET...]
#
#   TARGET      fuzz-xsm-op, fuzz-hooks, fuzz-ss-policy (alias fuzz-policy),
#               fuzz-xsmd-request, fuzz-kvm-hcall; all five by default, in
#               that order (fuzz-kvm-hcall only where the KVM host builds)
#   -n EXECS    executions per target (default 10000000)
#   -T SECONDS  stop a target after this long even if it has not reached
#               EXECS (default: no limit); the numbers say how far it got
#   -r          resume: keep each target's work corpus and count toward
#               EXECS what its earlier runs executed (TARGET/total); a run
#               that was killed counts the last execution number its log
#               shows.  Without -r a target starts again from zero.
#   -c          coverage only: no fuzzing, measure the committed corpora
#   -N          fuzzing only, no coverage step (to run targets in parallel,
#               one script each, then -c once)
#
# Directories (all under build-campaign/, outside git):
#   build-campaign/           clang, libFuzzer, ASan + UBSan, -O2 -g
#   build-campaign/campaign/TARGET/{corpus,artifacts,fuzz.log,merge.log}
#                             the work corpus (everything the run kept),
#                             crash-/leak-/timeout-/oom- files, the logs
#   build-campaign/campaign/TARGET/total  executions of all runs so far
#   build-campaign/campaign/results.txt   one line per target run
#   build-campaign-cov/       gcc --coverage, the harnesses without
#                             libFuzzer (fuzz/replay, tests/ss/diff)
#
# Each run starts from an empty work corpus plus seeds/, corpus/ and
# regress/ of its target.  Afterwards the work corpus is merged
# (libFuzzer -merge=1) over seeds/ and regress/: what adds coverage to
# those replaces fuzz/DIR/corpus/, which is committed.  A finding stops
# that target's run (libFuzzer stops at the first); the others still run,
# and the script exits 1.  Runs under nice -n 19, one target at a time.
set -u
cd "$(dirname "$0")/.." || exit 1

execs=10000000
tmax=0
covonly=0
nocov=0
resume=0
while getopts n:T:rcN opt; do
    case $opt in
    n) execs=$OPTARG ;;
    r) resume=1 ;;
    T) tmax=$OPTARG ;;
    c) covonly=1 ;;
    N) nocov=1 ;;
    *)
        sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 2
        ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- fuzz-xsm-op fuzz-hooks fuzz-ss-policy fuzz-xsmd-request fuzz-kvm-hcall

bdir=${CAMPAIGN_BUILD:-build-campaign}
cdir=${CAMPAIGN_COV_BUILD:-build-campaign-cov}
camp=$bdir/campaign
jobs=${CAMPAIGN_JOBS:-1}
status=0

# target -> source directory, binary in the build, libFuzzer limits.  The
# limits are those of the bounded runs in fuzz/*/meson.build.
describe() {
    case $1 in
    fuzz-xsm-op) dir=core opts="-max_len=4096 -timeout=20 -rss_limit_mb=2048" ;;
    fuzz-hooks) dir=hv opts="-max_len=4096 -timeout=20 -rss_limit_mb=2048" ;;
    fuzz-ss-policy | fuzz-policy) dir=ss opts="-timeout=20 -rss_limit_mb=2048" ;;
    fuzz-xsmd-request) dir=xsmd opts="-max_len=256 -timeout=10 -rss_limit_mb=1024" ;;
    fuzz-kvm-hcall) dir=kvm opts="-max_len=33100 -timeout=10 -rss_limit_mb=1024" ;;
    *)
        echo "fuzz-campaign: unknown target $1" >&2
        return 1
        ;;
    esac
    name=$1
    [ "$name" = fuzz-policy ] && name=fuzz-ss-policy
    bin=$bdir/fuzz/$dir/$name
    src=fuzz/$dir
    return 0
}

for t in "$@"; do describe "$t" || exit 2; done

# The last "cov: N ft: M" libFuzzer printed before the given pattern's line
# (or the last one at all): "N M".
features() { # log, status word (INITED, DONE) or "" for the last status line
    if [ -n "$2" ]; then
        grep -E "^#[0-9]+[[:space:]]+$2 " "$1" | tail -1
    else
        grep -E '^#[0-9]+[[:space:]].* cov: [0-9]+ ft: [0-9]+' "$1" | tail -1
    fi | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \2/p'
}
stat() { # log, stat name
    sed -n "s/^stat::$2: *\([0-9]*\).*/\1/p" "$1" | tail -1
}

minimize() { # extra libFuzzer flags; the new inputs' names in $work/new.list
    rm -rf "$work/merge"
    mkdir -p "$work/merge"
    cp "$src/seeds/"* "$src/regress/"* "$work/merge/" 2>/dev/null
    for f in "$work/merge"/*; do echo "${f##*/}"; done >"$work/baseline.list"
    # shellcheck disable=SC2086
    nice -n 19 "$bin" -merge=1 $opts $1 -detect_leaks=1 -artifact_prefix="$work/artifacts/" \
        "$work/merge" "$src/corpus" "$work/corpus" >"$work/merge.log" 2>&1 || {
        echo "$name: merge failed (see $work/merge.log)"
        status=1
        return 1
    }
    for f in "$work/merge"/*; do
        f=${f##*/}
        grep -qxF "$f" "$work/baseline.list" || echo "$f"
    done >"$work/new.list"
    return 0
}

# The last execution number a libFuzzer log shows (a killed run's count,
# a lower bound: libFuzzer prints a line on new coverage and at powers of 2).
last_exec() {
    sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$1" | tail -1
}

fuzz_one() {
    work=$camp/$name
    [ $resume -eq 1 ] || rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts" "$src/corpus"
    total=$(cat "$work/total" 2>/dev/null || echo 0)
    if [ -f "$work/fuzz.log" ]; then
        # The previous run: counted already when it ended, else killed.
        if [ ! -f "$work/counted" ]; then
            k=$(last_exec "$work/fuzz.log")
            total=$((total + ${k:-0}))
            echo "$total" >"$work/total"
            echo "$(date -u +%Y-%m-%dT%H:%MZ) $name killed run: at least ${k:-0} executions," \
                "total $total" >>"$camp/results.txt"
        fi
        n=1
        while [ -f "$work/fuzz.$n.log" ]; do n=$((n + 1)); done
        mv "$work/fuzz.log" "$work/fuzz.$n.log"
    fi
    rm -f "$work/counted"
    left=$((execs - total))
    cap=""
    [ "$tmax" -gt 0 ] && cap="-max_total_time=$tmax"
    echo "== $name: $left executions, $total done before (log: $work/fuzz.log)"
    start=$(date +%s)
    if [ "$left" -gt 0 ]; then
        # shellcheck disable=SC2086
        nice -n 19 "$bin" -runs="$left" $cap $opts -detect_leaks=1 -print_final_stats=1 \
            -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$work/artifacts/" \
            "$work/corpus" "$src/seeds" "$src/corpus" "$src/regress" >"$work/fuzz.log" 2>&1
        rc=$?
    else
        : >"$work/fuzz.log"
        rc=0
    fi
    end=$(date +%s)
    secs=$((end - start))
    done_execs=$(stat "$work/fuzz.log" number_of_executed_units)
    [ -n "$done_execs" ] || done_execs=$(last_exec "$work/fuzz.log")
    [ "$left" -gt 0 ] || done_execs=0
    total=$((total + ${done_execs:-0}))
    echo "$total" >"$work/total"
    : >"$work/counted"
    rate=$(stat "$work/fuzz.log" average_exec_per_sec)
    added=$(stat "$work/fuzz.log" new_units_added)
    init=$(features "$work/fuzz.log" INITED)
    last=$(features "$work/fuzz.log" DONE)
    [ -n "$last" ] || last=$(features "$work/fuzz.log" "")
    # slow-unit-* files are inputs that took over 10 s (-report_slow_units):
    # named, not failed on, since a loaded machine makes them; 72 is
    # libFuzzer's exit after SIGINT (-interrupt_exitcode), how a run is cut short.
    findings=""
    slow=0
    for f in "$work/artifacts"/*; do
        [ -e "$f" ] || continue
        case ${f##*/} in
        slow-unit-*) slow=$((slow + 1)) ;;
        *) findings="$findings ${f##*/}" ;;
        esac
    done
    findings=${findings# }
    if [ "$rc" -eq 72 ]; then
        interrupted=" interrupted"
    else
        interrupted=""
        [ -n "$findings" ] || [ "$rc" -eq 0 ] || findings="exit-status-$rc"
    fi
    [ -z "$findings" ] || status=1

    # Minimize: seeds/ and regress/ are the baseline; whatever else adds
    # coverage to them becomes the committed corpus.  Past CORPUS_MAX files
    # (300 by default), merged again counting edges only, not hit counts.
    minimize "" || return
    mode=features
    if [ "$(wc -l <"$work/new.list")" -gt "${CORPUS_MAX:-300}" ]; then
        minimize -use_counters=0 || return
        mode=edges
    fi
    rm -rf "$src/corpus"
    mkdir -p "$src/corpus"
    while read -r f; do
        cp "$work/merge/$f" "$src/corpus/"
    done <"$work/new.list"
    nfiles=$(find "$src/corpus" -type f | wc -l)
    kb=$(find "$src/corpus" -type f -exec cat {} + | wc -c)
    kb=$(((kb + 1023) / 1024))
    # libFuzzer's average is over whole seconds; ours over the wall time.
    [ "$secs" -gt 0 ] && [ -n "$done_execs" ] && rate=$((done_execs / secs))

    line="$name execs=${done_execs:-?} total=$total secs=$secs exec/s=${rate:-?}"
    line="$line cov=${init% *}->${last% *} ft=${init#* }->${last#* } new_units=${added:-?}"
    line="$line corpus=${nfiles}files/${kb}KB(${mode}) findings=${findings:-none} slow_units=$slow$interrupted"
    echo "$(date -u +%Y-%m-%dT%H:%MZ) $line" >>"$camp/results.txt"
    echo "   $line"
}

if [ $covonly -eq 0 ]; then
    if [ ! -f "$bdir/build.ninja" ]; then
        CC=clang meson setup "$bdir" -Dfuzz=true -Dtests=false -Dbench=false \
            -Db_lundef=false -Dbuildtype=debugoptimized >"$bdir.setup.log" 2>&1 || {
            cat "$bdir.setup.log"
            exit 1
        }
    fi
    for t in "$@"; do
        describe "$t"
        nice -n 19 ninja -C "$bdir" -j "$jobs" "${bin#"$bdir"/}" >"$bdir.build.log" 2>&1 || {
            tail -30 "$bdir.build.log"
            exit 1
        }
    done
    mkdir -p "$camp"
    for t in "$@"; do
        describe "$t"
        fuzz_one
    done
fi

if [ $nocov -eq 1 ]; then
    echo "== campaign results ($camp/results.txt)"
    tail -n $# "$camp/results.txt"
    exit $status
fi

# Coverage: the same harnesses built without libFuzzer and with gcov replay
# seeds/, regress/ and corpus/ of every target (not only those fuzzed now).
if [ ! -f "$cdir/build.ninja" ]; then
    meson setup "$cdir" -Db_coverage=true -Dbuildtype=debug -Dbench=false \
        >"$cdir.setup.log" 2>&1 || {
        cat "$cdir.setup.log"
        exit 1
    }
fi
replays="fuzz/replay/fuzz-xsm-op-replay:core fuzz/replay/fuzz-hooks-replay:hv"
replays="$replays tests/ss/diff/ss-fuzz-replay:ss fuzz/replay/fuzz-xsmd-request-replay:xsmd"
grep -q fuzz-kvm-hcall-replay "$cdir/build.ninja" &&
    replays="$replays fuzz/replay/fuzz-kvm-hcall-replay:kvm"
# shellcheck disable=SC2046
nice -n 19 ninja -C "$cdir" -j "$jobs" $(for r in $replays; do echo "${r%:*}"; done) \
    >"$cdir.build.log" 2>&1 || {
    tail -30 "$cdir.build.log"
    exit 1
}
find "$cdir" -name '*.gcda' -delete
for r in $replays; do
    d=fuzz/${r#*:}
    echo "== coverage: replaying $d/{seeds,regress,corpus}"
    nice -n 19 "$cdir/${r%:*}" "$d/seeds" "$d/regress" "$d/corpus" >"$cdir/replay-${r#*:}.log" 2>&1 || {
        tail -5 "$cdir/replay-${r#*:}.log"
        status=1
    }
done
mkdir -p "$cdir/coverage"
gcovr -r . --object-directory "$cdir" --filter 'src/' -j "$jobs" "$cdir" \
    --json "$cdir/coverage/campaign.json" || exit 1
echo "== coverage of src/ by the committed corpora (lines; gcovr, $cdir/coverage)"
python3 - "$cdir/coverage/campaign.json" <<'EOF' || status=1
import json, sys
files = json.load(open(sys.argv[1]))['files']
layers = {}
print('| file | lines | covered | % |')
print('|---|---:|---:|---:|')
for f in sorted(files, key=lambda f: f['file']):
    code = [l for l in f['lines'] if not l.get('gcovr/noncode')]
    hit = sum(1 for l in code if l['count'] > 0)
    if not code:
        continue
    print('| %s | %d | %d | %.1f |' % (f['file'], len(code), hit, 100.0 * hit / len(code)))
    layer = '/'.join(f['file'].split('/')[:2])
    t = layers.setdefault(layer, [0, 0])
    t[0] += len(code)
    t[1] += hit
print()
print('| layer | lines | covered | % |')
print('|---|---:|---:|---:|')
for layer, (n, hit) in sorted(layers.items()):
    print('| %s | %d | %d | %.1f |' % (layer, n, hit, 100.0 * hit / n))
EOF
[ $covonly -eq 1 ] || {
    echo "== campaign results ($camp/results.txt)"
    tail -n $# "$camp/results.txt"
}
exit $status
