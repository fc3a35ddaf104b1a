#!/usr/bin/env bash
# Runs every test: the suite on the normal build, then the whole suite again built with
# AddressSanitizer + UndefinedBehaviorSanitizer (scripts/sanitize.sh asan; its own build in
# build-asan/, about 15 minutes the first time on 2 cores, then incremental). Runs
# scripts/setup.sh first (idempotent and quick when nothing is missing), so a fresh clone needs
# only this command. EXEMPLAR_SKIP_SANITIZERS=1 skips the sanitizer pass for a quick local run;
# CTEST_ARGS (e.g. -R tst_cli) go to the first pass only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${EXEMPLAR_BUILD_DIR:-$ROOT/build}"

bash "$ROOT/scripts/setup.sh"
# Tests that use the network run one at a time: each already uses both cores through OpenCV.
QT_QPA_PLATFORM=offscreen ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 900 "$@"

if [[ "${EXEMPLAR_SKIP_SANITIZERS:-0}" == 1 ]]; then
  echo "test: sanitizer pass skipped (EXEMPLAR_SKIP_SANITIZERS=1)"
else
  bash "$ROOT/scripts/sanitize.sh" asan
fi
