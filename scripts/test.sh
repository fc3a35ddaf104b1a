#!/usr/bin/env bash
# Runs every test on the normal build (build/). Runs scripts/setup.sh first (idempotent and quick
# when nothing is missing), so a fresh clone needs only this command. Arguments go to ctest
# (e.g. -R tst_cli).
#
# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer is its own command,
# scripts/sanitize.sh asan (a second build tree, build-asan/, about 20 minutes the first time on 2
# cores); CI runs it after this one (.ci/run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${EXEMPLAR_BUILD_DIR:-$ROOT/build}"

bash "$ROOT/scripts/setup.sh"
echo "test.sh: set-up and build took ${SECONDS} s"
# Tests that use the network run one at a time: each already uses both cores through OpenCV.
QT_QPA_PLATFORM=offscreen ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 900 "$@"
