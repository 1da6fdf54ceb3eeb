#!/usr/bin/env bash
# Installs what building and testing ssocred needs on Debian 12, and nothing that is
# already there. Everything comes from Debian's archive (and npm for the JavaScript SDK
# interop tests); nothing is downloaded at build time.
#   scripts/install-deps.sh [build|test|bench]   (default: test, which includes build)
set -euo pipefail
what=${1:-test}

build_pkgs=(cmake ninja-build g++ pkg-config libboost1.81-dev libcpp-httplib-dev nlohmann-json3-dev
    libspdlog-dev libsystemd-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev libkeyutils-dev)
test_pkgs=(python3 awscli golang-go golang-github-aws-aws-sdk-go-v2-dev zsh fish
    util-linux iproute2 systemd openssl clang-14 libclang-rt-14-dev dpkg-dev file tmux dbus-daemon)
bench_pkgs=(nginx-light wrk gnuplot-nox)

pkgs=("${build_pkgs[@]}")
case "$what" in
    build) ;;
    test) pkgs+=("${test_pkgs[@]}") ;;
    bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
    *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (its own npm bundled): only add Debian's when
# there is none at all.
if [ "$what" != build ] && ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
# boto3 is the reference client of the tests: use the one python3 already has, else Debian's.
if [ "$what" != build ] && ! python3 -c 'import boto3' 2>/dev/null; then missing+=(python3-boto3); fi

if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The JavaScript SDK for the interop tests, pinned in tests/interop/js/package.json.
if [ "$what" != build ] && [ -f "$(dirname "$0")/../tests/interop/js/package.json" ]; then
    (cd "$(dirname "$0")/../tests/interop/js" && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
fi
