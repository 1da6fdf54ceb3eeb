#!/usr/bin/env bash
# The whole test suite from a clean checkout, in four stages (CI runs all of them):
#   release   the preset users run (warnings are errors): every test — unit, emulator
#             fidelity, daemon integration, SDK interop;
#   macos     every daemon/ and client/ file of the macOS configuration cross-compiled for
#             aarch64-macos and x86_64-macos (scripts/check-macos.sh; nothing is run);
#   portable  the generic OS layer (polling watchers, periodic clock check, file secret
#             store, no journal or sock_diag) under ASan+UBSan: the unit and integration
#             tests again, with the sanitized daemon, CLI and emulator as the processes under
#             test. It is CI's sanitizer stage too, so the fallbacks are exercised, not only
#             compiled, without a fourth clean build; `dev` (ASan+UBSan on the Linux layer)
#             and `tsan` are the same stage for the other presets, run by hand;
#   fuzz      every libFuzzer target for a bounded time (fuzz/run.sh; ASan+UBSan, clang-14).
# SSOCRED_TEST_STAGES="release" (or any subset, also "dev" or "tsan") picks stages;
# SSOCRED_FUZZ_SECONDS sets the time per fuzz target (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
stages=${SSOCRED_TEST_STAGES:-${SSOCRED_PRESET:-release macos portable fuzz}}
for stage in $stages; do
    echo "=== stage: $stage"
    start=$SECONDS
    case "$stage" in
        release)
            scripts/build.sh release
            # -j4 on two cores: tests that keep a core busy count twice (PROCESSORS 2), the
            # integration tests that mostly wait count once (tests/CMakeLists.txt).
            ctest --preset release -j4 --timeout 900 ;;
        dev | tsan | portable)
            scripts/build.sh "$stage"
            # Every sanitized process - the test binaries and the daemons, CLIs and emulators
            # the integration tests start - writes its reports into one directory. A report
            # from a child process (a TSan race, a leak at a daemon's exit) changes nothing a
            # test can see, so the directory itself is checked: any report fails the stage.
            reports=$(mktemp -d "${TMPDIR:-/tmp}/ssocred-sanitizer.XXXXXX")
            chmod 1777 "$reports"  # tests run some processes as nobody
            for var in ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS; do
                export "$var=log_path=$reports/report${!var:+:${!var}}"
            done
            # -j4 as in release; in these builds the busier integration tests count twice too
            # (tests/CMakeLists.txt). TSan's slowdown is several times larger than ASan's,
            # so tsan keeps two at a time.
            jobs=4
            [ "$stage" = tsan ] && jobs=2
            status=0
            # The kill -9 loops run 200/60 times in the release stage; under the sanitizers
            # (several times slower per start) a quarter proves the same paths.
            SSOCRED_CRASH_ITERATIONS=${SSOCRED_CRASH_ITERATIONS:-50} \
                SSOCRED_CRASH_STRICT_ITERATIONS=${SSOCRED_CRASH_STRICT_ITERATIONS:-15} \
                ctest --preset "$stage" -j"$jobs" --timeout 900 -L 'unit|integration' || status=$?
            if compgen -G "$reports/report.*" >/dev/null; then
                echo "=== $stage: sanitizer reports from $(ls "$reports" | wc -l) process(es):" >&2
                for report in "$reports"/report.*; do
                    echo "--- $report" >&2
                    head -n 60 "$report" >&2
                done
                status=1
            fi
            rm -rf "$reports"
            [ "$status" -eq 0 ] || exit "$status" ;;
        macos)
            scripts/check-macos.sh ;;
        fuzz)
            fuzz/run.sh "${SSOCRED_FUZZ_SECONDS:-20}" ;;
        *)
            echo "unknown stage: $stage (release, macos, portable, dev, tsan, fuzz)" >&2
            exit 2 ;;
    esac
    echo "=== stage $stage passed in $((SECONDS - start)) s"
done
