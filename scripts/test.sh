#!/usr/bin/env bash
# The whole test suite from a clean checkout: installs what is missing, builds the release
# preset with warnings as errors, runs every test (unit, emulator fidelity, integration,
# interop) through ctest.  SSOCRED_PRESET=dev runs the same under ASan/UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
preset=${SSOCRED_PRESET:-release}
scripts/build.sh "$preset"
ctest --preset "$preset" -j2 --timeout 900
