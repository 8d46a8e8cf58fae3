#!/usr/bin/env bash
# Builds Debian's SystemC (the source package of libsystemc-dev, with Debian's patches) with
# POSIX-thread processes and AddressSanitizer + UndefinedBehaviorSanitizer, installed into PREFIX.
#
#   scripts/build-systemc-sanitized.sh PREFIX
#
# Why: Debian's binary SystemC runs SC_THREADs on QuickThreads coroutines, whose hand-switched
# stacks ASan cannot follow (every report a false positive); with ENABLE_PTHREADS each process
# is a real thread, which the sanitizers understand. The library is static and built with the
# flags of the sanitized maia build (docs/hardening.md). A PREFIX that already holds a build made
# with the same version, compiler and flags is reused as is (e.g. a CI cache directory).
set -euo pipefail
prefix=${1:?usage: $0 PREFIX}
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
cxx=${CXX:-g++}

version=$(dpkg-query -W -f='${Version}' libsystemc-dev 2>/dev/null || true)
[ -n "$version" ] || { echo "libsystemc-dev is not installed (make deps)" >&2; exit 1; }
# AddressSanitizer only: SystemC's run queues end in a sentinel pointer (SC_NO_THREADS, 0xdb),
# and with UndefinedBehaviorSanitizer's instrumentation in SystemC's own code the kernel reads
# through it and crashes at the first sc_start() (even a two-process program does). maia's code
# is still built with both sanitizers; SystemC's memory errors are still caught by ASan.
flags="-O1 -g -fsanitize=address -fno-omit-frame-pointer"
stamp="systemc $version pthreads static cmake; $cxx $($cxx -dumpfullversion); $flags"
if [ -f "$prefix/.maia-stamp" ] && [ "$(cat "$prefix/.maia-stamp")" = "$stamp" ] &&
   [ -f "$prefix/lib/libsystemc.a" ]; then
  echo "sanitized SystemC: reusing $prefix"
  exit 0
fi

# apt-get source needs source entries; a fresh Debian image lists binary packages only. Add a
# deb-src twin of every configured deb source (same mirror, suites and keys), once.
ensure_deb_src() {
  local d=/etc/apt/sources.list.d
  if grep -Eqs '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list "$d"/*.list "$d"/*.sources; then
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "sanitized SystemC: adding deb-src entries for apt-get source ($d/maia-sim-deb-src.*)"
  if ls "$d"/*.sources > /dev/null 2>&1; then
    sed -n 's/^Types: deb$/Types: deb-src/; p' "$d"/*.sources | $sudo tee "$d/maia-sim-deb-src.sources" > /dev/null
  fi
  if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | $sudo tee "$d/maia-sim-deb-src.list" > /dev/null
  fi
  $sudo apt-get update -qq
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ensure_deb_src
echo "sanitized SystemC: fetching the source of systemc $version"
# apt-get source unpacks the upstream tarball and applies debian/patches/series (dpkg-source).
(cd "$work" && apt-get source -qq "systemc=$version" > source.log 2>&1) || {
  cat "$work/source.log" >&2
  echo "apt-get source systemc failed (needs deb-src in the apt sources and dpkg-dev)" >&2
  exit 1
}
src=$(find "$work" -maxdepth 1 -type d -name 'systemc-*' | head -n 1)

echo "sanitized SystemC: building into $prefix (log: $prefix/build.log)"
rm -rf "$prefix/include" "$prefix/lib" "$prefix/.maia-stamp"
# Upstream's CMake build (Debian's autotools files would need autoreconf). C++17 as Debian's
# binary package (maia defines SC_CPLUSPLUS=201703L to match); static, so no run-time path.
build() {  # each step only after the previous one succeeded (set -e is off under ||)
  cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="$flags" \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_STANDARD=17 -DENABLE_PTHREADS=ON \
    -DBUILD_SHARED_LIBS=OFF -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib &&
    cmake --build "$work/build" -j "${JOBS:-$(nproc)}" --target systemc &&
    cmake --install "$work/build"
}
build > "$prefix/build.log" 2>&1 || { tail -n 40 "$prefix/build.log" >&2; exit 1; }
[ -f "$prefix/lib/libsystemc.a" ] || { echo "no $prefix/lib/libsystemc.a after the build" >&2; exit 1; }
echo "$stamp" > "$prefix/.maia-stamp"
echo "sanitized SystemC: done"
