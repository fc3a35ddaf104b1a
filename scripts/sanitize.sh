#!/usr/bin/env bash
# Builds Exemplar with sanitizers and runs tests under them.
#
#   scripts/sanitize.sh asan [CTEST_ARGS...]   ASan + UBSan, the whole test suite (build-asan/)
#   scripts/sanitize.sh tsan [CTEST_ARGS...]   TSan, the tests that run worker threads (build-tsan/)
#
# Uses the CMake presets of the same names. Any finding fails the run: UBSan does not recover,
# ASan and TSan halt on the first error (cmake/sanitizers/tsan.supp says why each TSan suppression
# is a false positive). The model is put into the build tree by scripts/fetch_model.sh (quick when
# the download is cached), so the suite needs nothing else.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIND="${1:-}"
shift || true
SUPPRESSIONS="$ROOT/cmake/sanitizers"

case "$KIND" in
  asan)
    BUILD_DIR="$ROOT/build-asan"
    # Leak checking stays on; the suppressions cover only leaks inside system libraries.
    export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
    export LSAN_OPTIONS="suppressions=$SUPPRESSIONS/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    SELECT=()
    TARGETS=(exemplar_tests)  # the programs the suite runs, not the benchmarks or the package
    ;;
  tsan)
    BUILD_DIR="$ROOT/build-tsan"
    # history_size=7 (the maximum) keeps the older access of a report restorable: the
    # suppressions match frames of that stack, and "failed to restore the stack" would hide them.
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=7:suppressions=$SUPPRESSIONS/tsan.supp"
    # The tests whose code runs worker threads: the embedding pipeline, the GUI's task runner and
    # the GUI driven end to end.
    SELECT=(-R '^(tst_embeddingpipeline|tst_taskrunner|tst_gui)$')
    TARGETS=(tst_embeddingpipeline tst_taskrunner tst_gui)
    ;;
  *)
    echo "usage: $0 asan|tsan [CTEST_ARGS...]" >&2
    exit 2
    ;;
esac

say() { echo "sanitize($KIND): $*"; }

[[ -f "$BUILD_DIR/build.ninja" ]] || cmake --preset "$KIND" -S "$ROOT"
say "building $BUILD_DIR"
cmake --build "$BUILD_DIR" -j "$(nproc)" --target "${TARGETS[@]}"
bash "$ROOT/scripts/fetch_model.sh" "$BUILD_DIR/share/exemplar/models"
say "built in ${SECONDS} s; testing"
QT_QPA_PLATFORM=offscreen ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 1800 "${SELECT[@]}" "$@"
