#!/usr/bin/env bash
# Builds the libFuzzer targets (`fuzz` preset, clang-14, ASan+UBSan) into build/fuzz and runs
# each for a bounded time on a temporary copy of its seed corpus plus its regression inputs.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     default: 60 s, every target
#
# Prints executions and the result per target; exits non-zero when any target found a crash,
# leak, UB, timeout or out-of-memory (the reproducer is copied to build/fuzz/findings/).
# FUZZ_KEEP=1 keeps the working corpora (printed) for merging new seeds by hand.
set -uo pipefail

seconds=${1:-60}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build/fuzz

# The target list lives in fuzz/CMakeLists.txt (one place).
mapfile -t all_targets < <(sed -n '/set(SSOCRED_FUZZ_TARGETS/,/)/p' "$here/CMakeLists.txt" |
    sed -e 's/set(SSOCRED_FUZZ_TARGETS//' -e 's/)//' | tr -s ' \n' '\n' | sed '/^$/d')
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

build_start=$(date +%s)
if [ ! -f "$build/build.ninja" ]; then
    (cd "$root" && cmake --preset fuzz -B "$build" >/dev/null) || exit 2
fi
cmake --build "$build" -j2 --target fuzz_all -- -l3 >"$build/fuzz-build.log" 2>&1 || {
    tail -n 40 "$build/fuzz-build.log"
    echo "fuzz build failed" >&2
    exit 2
}
echo "fuzz build: $(( $(date +%s) - build_start )) s"

# Findings must stop the run, with a stack: no recovery, symbolized traces.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
command -v llvm-symbolizer-14 >/dev/null && export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-14)

# Each libFuzzer run is one process on one core: the targets run FUZZ_JOBS at a time (default:
# the number of cores, at most 2), each still for the full SECONDS, so a 2-core CI machine
# does the same fuzzing in half the wall time. Results are printed in target order.
jobs=${FUZZ_JOBS:-$(nproc)}
[ "$jobs" -gt 2 ] && [ -z "${FUZZ_JOBS:-}" ] && jobs=2
[ "$jobs" -lt 1 ] && jobs=1
results=$(mktemp -d "${TMPDIR:-/tmp}/ssocred-fuzz-results-XXXXXX")

# Runs one target; writes its table row (and, on failure, the details) to $results/$t.out
# and its exit status to $results/$t.rc.
run_target() {
    local t=$1 bin=$build/fuzz/fuzz_$1 out=$results/$1.out
    if [ ! -x "$bin" ]; then
        echo "unknown fuzz target: $t" >"$out"
        echo 1 >"$results/$t.rc"
        return
    fi
    local work
    work=$(mktemp -d "${TMPDIR:-/tmp}/ssocred-fuzz-$t-XXXXXX")
    mkdir -p "$work/corpus" "$work/artifacts"
    cp "$here/corpus/$t/"* "$work/corpus/" 2>/dev/null
    # Past findings are always part of the run: a regression reappears at once.
    cp "$here/regressions/$t/"* "$work/corpus/" 2>/dev/null
    local dict=()
    case $t in
        upstream_response | aws_cli_cache | state_file) dict=(-dict="$here/json.dict") ;;
        *) [ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict") ;;
    esac
    # The harnesses' own temp dirs go below $work too: libFuzzer may leave with _Exit,
    # skipping their atexit clean-up.
    TMPDIR="$work" "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dict[@]}" \
        "$work/corpus" >"$work/log" 2>&1
    local rc=$? execs rate cov result=ok
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1 | cut -d' ' -f2)
    if [ $rc -ne 0 ]; then
        result="FAILED (exit $rc)"
        mkdir -p "$build/findings/$t"
        cp "$work/artifacts/"* "$build/findings/$t/" 2>/dev/null
        cp "$work/log" "$build/findings/$t/log"
    fi
    {
        printf '%-20s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$result"
        if [ $rc -ne 0 ]; then
            grep -m1 -E 'ERROR: |runtime error|deadly signal|fuzzer:' "$work/log" | sed 's/^/    /'
            echo "    log and reproducer: $build/findings/$t/"
        fi
        if [ "${FUZZ_KEEP:-0}" = 1 ]; then
            echo "    corpus kept: $work/corpus"
        fi
    } >"$out"
    [ "${FUZZ_KEEP:-0}" = 1 ] || rm -rf "$work"
    echo $rc >"$results/$t.rc"
}

running=0
for t in "${targets[@]}"; do
    if [ $running -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
    run_target "$t" &
    running=$((running + 1))
done
wait

status=0
printf '%-20s %12s %10s %8s  %s\n' target executions exec/s cov result
for t in "${targets[@]}"; do
    cat "$results/$t.out"
    [ "$(cat "$results/$t.rc" 2>/dev/null)" = 0 ] || status=1
done
rm -rf "$results"
exit $status
