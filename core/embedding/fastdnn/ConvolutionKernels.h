#pragma once
// The two convolutions that make up nearly all of EfficientNet-B0's work, computed faster than
// OpenCV 4.6 computes them, for the layers in FastConvolutionLayers.
//
// - Depthwise (one k×k filter per channel): OpenCV 4.6 has a fast path only for 3×3 filters
//   with symmetric padding. EfficientNet-B0's 5×5 filters and TF's asymmetric "SAME" padding
//   for stride 2 take its generic im2row path plus a separate Padding layer: 16 layers that
//   were 40% of the network's time at 1–3 GMAC/s. The work is small (≈ 20 M multiply-adds per
//   photo), so a direct loop over padded planes that the compiler vectorizes does it 4× faster.
// - Pointwise (1×1, the expansions and projections, ≈ 85% of the multiply-adds): a plain
//   matrix product, W (Cout×Cin) · X (Cin×H·W), handed to OpenBLAS's sgemm, whose kernels are
//   tuned per CPU and chosen at run time (3–20× OpenCV 4.6's speed on these shapes).
//
// Both add the bias and may apply Swish, x·sigmoid(x), in the same pass. Results equal a plain
// convolution up to float rounding (summation order).
#include <opencv2/core.hpp>

namespace exemplar {

// Geometry of one depthwise convolution.
struct DepthwiseGeometry {
    int kernelH = 1, kernelW = 1;
    int strideH = 1, strideW = 1;
    int padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
    bool swish = false;

    // ONNX's floor((size + pads − kernel) / stride) + 1; 0 when the kernel is larger than the
    // padded plane (C++ division would truncate −1/2 to 0 and promise one output).
    int outputHeight(int inputHeight) const { return outputs(inputHeight + padTop + padBottom, kernelH, strideH); }
    int outputWidth(int inputWidth) const { return outputs(inputWidth + padLeft + padRight, kernelW, strideW); }

private:
    static int outputs(int padded, int kernel, int stride) { return padded < kernel ? 0 : (padded - kernel) / stride + 1; }
};

// OUTPUT (N×C×OH×OW float) from INPUT (N×C×H×W float), WEIGHTS (C×1×kh×kw) and BIAS (C values,
// or empty for none). Planes are split over cv::parallel_for_.
void depthwiseConvolution(const cv::Mat& input, const cv::Mat& weights, const cv::Mat& bias,
                          const DepthwiseGeometry& geometry, cv::Mat& output);

// OUTPUT (N×Cout×H×W float) from INPUT (N×Cin×H×W float), WEIGHTS (Cout×Cin×1×1) and BIAS (Cout
// values, or empty), then Swish when SWISH. Large planes are split in column blocks over
// cv::parallel_for_; each block is one single-threaded sgemm.
void pointwiseConvolution(const cv::Mat& input, const cv::Mat& weights, const cv::Mat& bias, bool swish,
                          cv::Mat& output);

} // namespace exemplar
