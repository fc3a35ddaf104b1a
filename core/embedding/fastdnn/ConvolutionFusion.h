#pragma once
// EfficientNet's convolutions, and the Swish after them, as Exemplar's fast layers for OpenCV 4.6.
//
// Rewrites, in memory at load time, each ONNX Conv node with a constant filter and bias and no
// dilation that is
// - depthwise (one input channel per group) into a kDepthwiseConvLayerType node, whose own pads
//   take TF's asymmetric "SAME" pads (so OpenCV adds no Padding layer for them), or
// - pointwise (1×1, stride 1, no padding, one group) into a kPointwiseConvLayerType node,
// and lets it take over a Swish node (see SwishFusion) that alone reads its output. Other nodes
// stay as they are. Model files on disk, their hashes and exported ONNX stay standard ONNX.
#include <QByteArray>

namespace exemplar {

struct ConvolutionFusionCounts {
    int depthwise = 0;  // Conv nodes rewritten, by kind
    int pointwise = 0;
    int withSwish = 0;  // of those, how many took over a Swish
};

// The serialized ONNX model with its convolutions rewritten as described above; the model itself
// when there are none. COUNTS, when given, receives what was rewritten. Throws Error on malformed
// protobuf. The layer types must be registered (registerFastConvolutionLayers) before OpenCV
// imports the result.
QByteArray fuseConvolutionsForOpenCv(const QByteArray& onnx, ConvolutionFusionCounts* counts = nullptr);

} // namespace exemplar
