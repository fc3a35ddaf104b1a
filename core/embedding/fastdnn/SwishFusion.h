#pragma once
// Swish activations, x·sigmoid(x), as OpenCV 4.6 can run them fast.
//
// Standard ONNX spells Swish as two nodes, Sigmoid(x) and Mul(x, ·). OpenCV 4.6 imports them as
// two layers that each make a pass over the feature map, and cannot fuse them into the
// convolution before them. Its own "Swish" layer type, though, is an activation that its
// convolution fuses (the activation is applied while the convolution's output is still in cache).
// Rewriting the pairs into single Swish nodes before the import removes 98 of EfficientNet-B0's
// 248 layers. The rewrite happens in memory when a network is loaded: model files on disk, their
// hashes and exported ONNX files stay standard ONNX.
#include <QByteArray>

namespace exemplar {

// The serialized ONNX model ONNX with every Mul(x, Sigmoid(x)) (either operand order) whose
// Sigmoid output feeds nothing else turned into one node of type "Swish" (OpenCV's layer; not a
// standard ONNX operator). FUSED, when given, receives the number of pairs rewritten. Returns the
// bytes unchanged when there is nothing to fuse. Throws Error on malformed protobuf.
QByteArray fuseSwishForOpenCv(const QByteArray& onnx, int* fused = nullptr);

} // namespace exemplar
