#!/usr/bin/env bash
# Runs integration tests with every ssocredd under valgrind memcheck (issue #9).
#
#   scripts/valgrind.sh [BUILD_DIR] [MODULE...]
#
# BUILD_DIR: a release-type build (default build/valgrind; build/release works too, it is
# only read). Configure one with `cmake --preset release -B build/valgrind` and build the
# targets ssocredd ssocred ssocred-emulator. MODULEs: integration test modules (default:
# the functional ones; the fault, crash-loop and flood modules have time bounds and load
# that make no sense at valgrind speed).
#
# tests/lib/daemon_harness.py wraps each daemon in $SSOCRED_DAEMON_WRAPPER, writes the
# report to <test tmp>/valgrind.<pid>.log and fails the test when a report shows any error
# (invalid access, uninitialised use, definite or indirect leak). Exit status: 0 = clean.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build/valgrind}" && pwd)
[[ $# -gt 0 ]] && shift
modules=("$@")
if [[ ${#modules[@]} -eq 0 ]]; then
    modules=(test_endpoints test_sessions test_renewal test_cli)
fi

for bin in daemon/ssocredd client/ssocred tests/emulator/ssocred-emulator; do
    if [[ ! -x $build/$bin ]]; then
        echo "valgrind.sh: $build/$bin is missing (build ssocredd ssocred ssocred-emulator)" >&2
        exit 2
    fi
done
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed" >&2; exit 2; }

export SSOCREDD=$build/daemon/ssocredd
export SSOCRED=$build/client/ssocred
export SSOCRED_EMULATOR=$build/tests/emulator/ssocred-emulator
export PYTHONPATH=$root/tests/lib:$root/tests/integration
# Leaks count as errors (definite and indirect only: still-reachable memory at exit is the
# normal state of a daemon killed by SIGTERM with global singletons).
export SSOCRED_DAEMON_WRAPPER="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
--num-callers=40 --suppressions=$root/scripts/valgrind.supp"

status=0
for m in "${modules[@]}"; do
    start=$(date +%s)
    echo "== $m (daemon under valgrind)"
    if (cd "$root/tests/integration" && python3 -m unittest -v "$m"); then
        result=ok
    else
        result=FAILED
        status=1
    fi
    echo "== $m: $result in $(( $(date +%s) - start )) s"
done
exit $status
