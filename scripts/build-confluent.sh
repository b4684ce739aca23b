#!/usr/bin/env bash
# Builds the native part of @confluentinc/kafka-javascript (the `confluent` backend) without internet.
#
# The package's own install script downloads a prebuilt binary from GitHub, or builds librdkafka from its bundled
# sources while downloading zlib/OpenSSL/zstd/curl: neither works where only the npm registry, Maven Central and
# Debian apt are reachable. package.json denies that script ("allowScripts": false), so `npm ci` installs the
# JavaScript only, and this script builds the rest:
#   1. librdkafka from the package's deps/librdkafka against Debian's -dev packages, into .build/librdkafka/<version>
#   2. the Node binding against it (BUILD_LIBRDKAFKA=0), cached in .build/confluent/<package version>-<node abi>
#      and copied to node_modules/@confluentinc/kafka-javascript/build/Release.
# Each step is skipped when its result is already there; rerunning is cheap (`require` check first).
# Usage: bash scripts/build-confluent.sh        (called by .ci/run; developers run it once after npm install)
set -euo pipefail

cd "$(dirname "$0")/.."
root="$PWD"
pkg="$root/node_modules/@confluentinc/kafka-javascript"
say() { printf 'build-confluent: %s\n' "$*"; }

if [[ ! -f "$pkg/package.json" ]]; then
  echo "build-confluent: $pkg is missing: run npm install (or npm ci) first" >&2
  exit 1
fi
if node -e "require('@confluentinc/kafka-javascript')" >/dev/null 2>&1; then
  say "already built"
  exit 0
fi

pkg_version="$(node -p "require('$pkg/package.json').version")"
# RD_KAFKA_VERSION is 0xMMmmrrxx: major, minor, revision, pre-release.
rdkafka_hex="$(awk '/#define RD_KAFKA_VERSION / {print $3}' "$pkg/deps/librdkafka/src/rdkafka.h")"
rdkafka_version="$((rdkafka_hex >> 24 & 255)).$((rdkafka_hex >> 16 & 255)).$((rdkafka_hex >> 8 & 255))"
rdkafka_dir="$root/.build/librdkafka/$rdkafka_version"
binding_dir="$root/.build/confluent/$pkg_version-node$(node -p 'process.versions.modules')-$(uname -m)"
binding="$binding_dir/confluent-kafka-javascript.node"
log="$root/.build/confluent/build.log"
mkdir -p "$root/.build/confluent"
: >"$log"
# Compiler output goes to the log (thousands of warning lines); its end is shown when a step fails.
quietly() { "$@" >>"$log" 2>&1 || { tail -n 40 "$log" >&2; echo "build-confluent: failed: $* (whole output: $log)" >&2; exit 1; }; }
release_dir="$pkg/build/Release"

# --- system packages: librdkafka's codecs, TLS, SASL and OIDC (curl) ------------------------------------------
needed=(libssl-dev zlib1g-dev libzstd-dev libsasl2-dev liblz4-dev libcurl4-openssl-dev make g++ python3 pkg-config)
missing=()
for p in "${needed[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  say "apt-get install ${missing[*]}"
  as_root=()
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "build-confluent: install ${missing[*]} (as root)" >&2; exit 1; }
    as_root=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1
fi

# --- 1. librdkafka ---------------------------------------------------------------------------------------------
if [[ ! -f "$rdkafka_dir/lib/librdkafka.so" || ! -f "$rdkafka_dir/lib/librdkafka++.so" ]]; then
  say "librdkafka $rdkafka_version -> $rdkafka_dir (about a minute on 2 cores)"
  src="$(mktemp -d "${TMPDIR:-/tmp}/librdkafka-src.XXXXXX")"
  trap 'rm -rf "$src"' EXIT
  cp -a "$pkg/deps/librdkafka/." "$src/"
  (
    cd "$src"
    # GSSAPI (Kerberos) needs libkrb5 headers and is not a mechanism kafka-node offers.
    quietly ./configure --prefix="$rdkafka_dir" --disable-gssapi
    quietly make -j"$(nproc)" libs
    # `make install` installs the libraries and headers, then stops at the examples folder the npm package leaves out.
    make install >>"$log" 2>&1 || true
  )
  [[ -f "$rdkafka_dir/lib/librdkafka++.so" ]] || { echo "build-confluent: librdkafka install failed" >&2; exit 1; }
fi

# --- 2. the binding --------------------------------------------------------------------------------------------
if [[ ! -f "$binding" ]]; then
  say "binding $pkg_version -> $binding (about 20 s)"
  node_gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  [[ -f "$node_gyp" ]] || node_gyp="$(node -p "require.resolve('node-gyp/bin/node-gyp.js')")"
  nodedir_args=()
  # The distribution's node headers when they match the running node; otherwise node-gyp's own (downloaded) ones.
  if [[ -f /usr/include/node/node_version.h ]]; then
    headers="$(awk '/define NODE_(MAJOR|MINOR|PATCH)_VERSION/ {printf "%s%s", sep, $3; sep="."}' /usr/include/node/node_version.h)"
    [[ "v$headers" == "$(node -v)" ]] && nodedir_args=(--nodedir=/usr)
  fi
  (
    cd "$pkg"
    # binding.gyp puts /usr/include/librdkafka (Debian's older librdkafka-dev, used by the mock-cluster fixture)
    # first: the compiler flag puts our headers before it. The rpath makes the module find our libraries at run time.
    quietly env BUILD_LIBRDKAFKA=0 \
      CXX="${CXX:-g++} -I$rdkafka_dir/include/librdkafka" \
      LDFLAGS="-L$rdkafka_dir/lib -Wl,-rpath,$rdkafka_dir/lib" \
      node "$node_gyp" rebuild "${nodedir_args[@]}" -j "$(nproc)"
  )
  mkdir -p "$binding_dir"
  cp "$release_dir/confluent-kafka-javascript.node" "$binding"
fi

mkdir -p "$release_dir"
cp "$binding" "$release_dir/confluent-kafka-javascript.node"
node -e "
  const k = require('@confluentinc/kafka-javascript');
  const v = k.librdkafkaVersion;
  if (!v) throw new Error('no librdkafkaVersion');
  console.log('build-confluent: @confluentinc/kafka-javascript $pkg_version on librdkafka ' + v);
"
