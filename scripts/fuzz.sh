#!/usr/bin/env bash
# Fuzzes the reference-set reader and the model-spec reader with libFuzzer (clang, ASan + UBSan).
#
#   scripts/fuzz.sh [RUNS] [TARGET...]     RUNS default 1000000; TARGETs: referenceset modelspec
#
# Builds the "fuzz" preset into build-fuzz/, then runs each target for RUNS inputs starting from
# the seed corpus in fuzz/corpus/TARGET. New interesting inputs go to build-fuzz/corpus/TARGET
# (the seeds in the repository stay as they are); a crashing input is saved as
# build-fuzz/crash-TARGET-* and the script fails. Replay one with build-fuzz/bin/fuzz_TARGET FILE.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$ROOT/build-fuzz"
RUNS="${1:-1000000}"
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(referenceset modelspec)

say() { echo "fuzz: $*"; }

# libFuzzer ships with clang's runtime libraries in Debian.
missing=()
for package in clang libclang-rt-14-dev; do
  [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" == "install ok installed" ]] || missing+=("$package")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

[[ -f "$BUILD_DIR/build.ninja" ]] || cmake --preset fuzz -S "$ROOT"
cmake --build "$BUILD_DIR" -j "$(nproc)" --target "${TARGETS[@]/#/fuzz_}"

# The targets write their input to a scratch file per run (the readers take paths) and the
# reference-set target writes sets back (QSaveFile syncs to disk): on tmpfs that costs nothing.
[[ -z "${TMPDIR:-}" && -w /dev/shm ]] && export TMPDIR=/dev/shm

for target in "${TARGETS[@]}"; do
  mkdir -p "$BUILD_DIR/corpus/$target"
  say "$target: $RUNS runs"
  "$BUILD_DIR/bin/fuzz_$target" -runs="$RUNS" -max_len=16384 -timeout=20 -rss_limit_mb=4096 \
    -dict="$ROOT/fuzz/$target.dict" -artifact_prefix="$BUILD_DIR/crash-$target-" -print_final_stats=1 \
    "$BUILD_DIR/corpus/$target" "$ROOT/fuzz/corpus/$target"
done
say "no crash"
