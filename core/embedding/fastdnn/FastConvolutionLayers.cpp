#include "FastConvolutionLayers.h"

#include "ConvolutionKernels.h"

#include <cblas-openblas.h>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/layer.hpp>

#include <mutex>
#include <vector>

namespace exemplar {

namespace {

bool swishRequested(const cv::dnn::LayerParams& params) { return params.get<int>("exemplar_swish", 0) != 0; }

void checkBias(const std::vector<cv::Mat>& blobs, int channels)
{
    CV_Assert(blobs.size() < 2 || (blobs[1].type() == CV_32F && blobs[1].isContinuous() && int(blobs[1].total()) == channels));
}

// What both layers share: one input, one output, the filter as blobs[0] and an optional bias as
// blobs[1] (the node's constant inputs, as OpenCV's importer hands them to custom layers).
class ConvolutionLayer : public cv::dnn::Layer {
public:
    using cv::dnn::Layer::Layer;

    void forward(cv::InputArrayOfArrays inputsArray, cv::OutputArrayOfArrays outputsArray, cv::OutputArrayOfArrays) final
    {
        std::vector<cv::Mat> inputs, outputs;
        inputsArray.getMatVector(inputs);
        outputsArray.getMatVector(outputs);
        compute(inputs.at(0), outputs.at(0));
    }

protected:
    virtual void compute(const cv::Mat& input, cv::Mat& output) const = 0;
    const cv::Mat& filter() const { return blobs[0]; }
    cv::Mat bias() const { return blobs.size() > 1 ? blobs[1] : cv::Mat(); }
};

// The layer OpenCV instantiates for each rewritten depthwise node. Parameters come from the
// attributes ConvolutionFusion writes; the filter and bias arrive as blobs (constant inputs).
class DepthwiseConvLayer final : public ConvolutionLayer {
public:
    explicit DepthwiseConvLayer(const cv::dnn::LayerParams& params) : ConvolutionLayer(params)
    {
        const auto pair = [&](const char* key, int* first, int* second) {
            const cv::dnn::DictValue value = params.get(key);
            CV_Assert(value.size() == 2);
            *first = value.get<int>(0);
            *second = value.get<int>(1);
        };
        pair("exemplar_kernel", &geometry_.kernelH, &geometry_.kernelW);
        pair("exemplar_strides", &geometry_.strideH, &geometry_.strideW);
        const cv::dnn::DictValue pads = params.get("exemplar_pads");  // ONNX order: top, left, bottom, right
        CV_Assert(pads.size() == 4);
        geometry_.padTop = pads.get<int>(0);
        geometry_.padLeft = pads.get<int>(1);
        geometry_.padBottom = pads.get<int>(2);
        geometry_.padRight = pads.get<int>(3);
        geometry_.swish = swishRequested(params);
        CV_Assert(geometry_.kernelH > 0 && geometry_.kernelW > 0 && geometry_.strideH > 0 && geometry_.strideW > 0);
        CV_Assert(geometry_.padTop >= 0 && geometry_.padLeft >= 0 && geometry_.padBottom >= 0 && geometry_.padRight >= 0);
        CV_Assert(!blobs.empty() && blobs[0].type() == CV_32F && blobs[0].isContinuous());
        CV_Assert(blobs[0].total() % size_t(geometry_.kernelH * geometry_.kernelW) == 0);
        channels_ = int(blobs[0].total() / size_t(geometry_.kernelH * geometry_.kernelW));
        checkBias(blobs, channels_);
    }

    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams& params)
    {
        return cv::makePtr<DepthwiseConvLayer>(params);
    }

    bool getMemoryShapes(const std::vector<cv::dnn::MatShape>& inputs, const int, std::vector<cv::dnn::MatShape>& outputs,
                         std::vector<cv::dnn::MatShape>&) const override
    {
        CV_Assert(inputs.size() == 1 && inputs[0].size() == 4 && inputs[0][1] == channels_);
        const int OH = geometry_.outputHeight(inputs[0][2]), OW = geometry_.outputWidth(inputs[0][3]);
        CV_Assert(OH > 0 && OW > 0);
        outputs.assign(1, cv::dnn::MatShape{inputs[0][0], channels_, OH, OW});
        return false;
    }

    void compute(const cv::Mat& input, cv::Mat& output) const override
    {
        depthwiseConvolution(input, filter(), bias(), geometry_, output);
    }

private:
    DepthwiseGeometry geometry_;
    int channels_ = 0;
};

// The layer for each rewritten 1×1 node: a matrix product with the weights (Cout × Cin).
class PointwiseConvLayer final : public ConvolutionLayer {
public:
    explicit PointwiseConvLayer(const cv::dnn::LayerParams& params)
        : ConvolutionLayer(params), swish_(swishRequested(params))
    {
        CV_Assert(!blobs.empty() && blobs[0].type() == CV_32F && blobs[0].isContinuous() && blobs[0].dims == 4);
        CV_Assert(blobs[0].size[2] == 1 && blobs[0].size[3] == 1);
        outputChannels_ = blobs[0].size[0];
        inputChannels_ = blobs[0].size[1];
        checkBias(blobs, outputChannels_);
    }

    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams& params) { return cv::makePtr<PointwiseConvLayer>(params); }

    bool getMemoryShapes(const std::vector<cv::dnn::MatShape>& inputs, const int, std::vector<cv::dnn::MatShape>& outputs,
                         std::vector<cv::dnn::MatShape>&) const override
    {
        CV_Assert(inputs.size() == 1 && inputs[0].size() == 4 && inputs[0][1] == inputChannels_);
        outputs.assign(1, cv::dnn::MatShape{inputs[0][0], outputChannels_, inputs[0][2], inputs[0][3]});
        return false;
    }

    void compute(const cv::Mat& input, cv::Mat& output) const override
    {
        pointwiseConvolution(input, filter(), bias(), swish_, output);
    }

private:
    bool swish_ = false;
    int outputChannels_ = 0, inputChannels_ = 0;
};

} // namespace

void registerFastConvolutionLayers()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // Exemplar runs one network per core itself and splits large products over OpenCV's
        // threads: OpenBLAS must not add threads of its own.
        openblas_set_num_threads(1);
        cv::dnn::LayerFactory::registerLayer(kDepthwiseConvLayerType, DepthwiseConvLayer::create);
        cv::dnn::LayerFactory::registerLayer(kPointwiseConvLayerType, PointwiseConvLayer::create);
    });
}

} // namespace exemplar
