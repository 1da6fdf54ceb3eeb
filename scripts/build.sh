#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release) into build/<preset>.
# Unity builds are on (about 2.5x less CPU for a clean build); SSOCRED_UNITY_BUILD=OFF
# turns them off, e.g. to check that every file includes what it uses.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
cmake --preset "$preset" -DSSOCRED_UNITY_BUILD="${SSOCRED_UNITY_BUILD:-ON}" >/dev/null
cmake --build --preset "$preset" -j"$(nproc)"
