#!/usr/bin/env bash
# Builds the AWS SDK for Go v2 interop client offline from Debian's packaged SDK:
#   tests/interop/go/build.sh OUTDIR   →   OUTDIR/ssocred-interop-go
#
# Debian ships the SDK (golang-github-aws-aws-sdk-go-v2-dev, with golang-github-aws-smithy-go-dev
# and golang-github-jmespath-go-jmespath-dev) as GOPATH sources under /usr/share/gocode, with a
# single go.mod for the whole SDK and none for its sub-modules, so the build uses GOPATH mode
# (GO111MODULE=off): nothing is resolved through a module proxy and no network is needed.
# GOPATH's writable part, GOCACHE and the binary all live under OUTDIR, so a clean clone
# stays clean.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
gocode=/usr/share/gocode

if ! command -v go >/dev/null 2>&1; then
    echo "$0: go not found (install golang-go: scripts/install-deps.sh test)" >&2
    exit 1
fi
for pkg in github.com/aws/aws-sdk-go-v2/config github.com/aws/smithy-go github.com/jmespath/go-jmespath; do
    if [ ! -d "$gocode/src/$pkg" ]; then
        echo "$0: $gocode/src/$pkg missing (install golang-github-aws-aws-sdk-go-v2-dev: scripts/install-deps.sh test)" >&2
        exit 1
    fi
done

mkdir -p "$out/gopath" "$out/gocache"
export GO111MODULE=off
export GOPATH="$out/gopath:$gocode"
export GOCACHE="$out/gocache"
export GOFLAGS=""
export GOPROXY=off
export GOENV=off
# The pure-Go resolver and a static binary: no C toolchain needed.
export CGO_ENABLED=0

cd "$here"
# GOCACHE is safe to share between concurrent builds; the binary appears atomically.
tmp="$out/.ssocred-interop-go.$$"
trap 'rm -f "$tmp"' EXIT
go build -trimpath -o "$tmp" .
mv -f "$tmp" "$out/ssocred-interop-go"
