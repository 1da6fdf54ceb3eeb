#!/usr/bin/env bash
# bench/run.sh: ssocred vs nginx, side by side, in one run (issue #8; docs/performance.md).
#
#   bench/run.sh              full run (about 10 minutes on a quiet 2-core machine)
#   bench/run.sh --quick      short runs, to try the script (about 4 minutes)
#   bench/run.sh --only compare,idle --rounds 3     any bench/bench.py flags
#
# Needs: the release build in build/bench (cmake --preset release -B build/bench; this
# script only runs `cmake --build build/bench`), and Debian's nginx-light, wrk, gnuplot-nox
# (scripts/install-deps.sh bench). Results: bench/results/<stamp>/ and docs/perf-latency.png.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${SSOCRED_BENCH_BUILD:-$root/build/bench}

for tool in wrk nginx taskset gnuplot python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh bench)" >&2; exit 1; }
done
[ -f "$build/build.ninja" ] || { echo "bench: configure first: cmake --preset release -B $build" >&2; exit 1; }

cmake --build "$build" -j2 --target ssocredd ssocred ssocred-emulator bench_tools -- -l3

# 10,000 idle connections on each side, plus wrk and nginx: raise the descriptor limit
# (root may raise the hard limit; others get what their hard limit allows).
ulimit -Hn 65536 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"

export SSOCRED_BENCH_BUILD=$build PYTHONDONTWRITEBYTECODE=1

# ---- CLI latency (bench/cli_latency.sh; docs/performance.md "CLI latency") ----------------
# Its own emulator and daemon, stopped before bench.py starts its servers. Its table is
# printed first and kept as bench/results/cli-latency-<stamp>.{md,json}; SSOCRED_BENCH_CLI=0
# skips it.
if [ "${SSOCRED_BENCH_CLI:-1}" != 0 ]; then
    cli_stamp=$(date +%Y%m%d-%H%M%S)
    mkdir -p "$here/results"
    "$here/cli_latency.sh" --json "$here/results/cli-latency-$cli_stamp.json" |
        tee "$here/results/cli-latency-$cli_stamp.md" || echo "bench: cli_latency.sh failed" >&2
fi
# ---- end CLI latency ---------------------------------------------------------------------

exec python3 "$here/bench.py" "$@"
