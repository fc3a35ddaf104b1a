#!/usr/bin/env bash
# Runs every test. Runs scripts/setup.sh first (it is idempotent and quick when nothing is
# missing), so a fresh clone needs only this command.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${EXEMPLAR_BUILD_DIR:-$ROOT/build}"

bash "$ROOT/scripts/setup.sh"
# Tests that use the network run one at a time: each already uses both cores through OpenCV.
QT_QPA_PLATFORM=offscreen ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 900 "$@"
