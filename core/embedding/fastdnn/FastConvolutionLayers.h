#pragma once
// Custom OpenCV DNN layers that run EfficientNet's depthwise and pointwise convolutions (each
// with its bias and an optional Swish) through ConvolutionKernels instead of OpenCV 4.6's own
// convolution. ConvolutionFusion rewrites ONNX Conv nodes into these layer types in memory at
// load time, so model files on disk stay standard ONNX.

namespace exemplar {

inline constexpr const char* kDepthwiseConvLayerType = "ExemplarDepthwiseConv";
inline constexpr const char* kPointwiseConvLayerType = "ExemplarPointwiseConv";

// Makes both layer types known to OpenCV's importers. Idempotent and thread-safe.
void registerFastConvolutionLayers();

} // namespace exemplar
