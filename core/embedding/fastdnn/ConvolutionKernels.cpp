#include "ConvolutionKernels.h"

#include <cblas-openblas.h>

#include <algorithm>
#include <mutex>
#include <vector>

// The loops below are written for the compiler's vectorizer (this file is built with -O3). On
// x86-64 GCC also emits AVX2 and AVX-512 versions and picks one when the program starts, as
// OpenCV's own kernels do; elsewhere the plain build is used.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define EXEMPLAR_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define EXEMPLAR_VECTOR_CLONES
#endif

// Debian's TBB, which runs cv::parallel_for_, is not built for ThreadSanitizer, so TSan sees
// neither the hand-off of a loop to TBB's threads nor the join after it, and would report the
// caller's reads of the outputs as races. Under TSan the hand-offs are annotated (release before
// the loop and at the end of each stripe, acquire at the start of each stripe and after the
// loop); races inside the stripes stay visible.
#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
#define EXEMPLAR_TSAN_ACQUIRE(address) __tsan_acquire(address)
#define EXEMPLAR_TSAN_RELEASE(address) __tsan_release(address)
#else
#define EXEMPLAR_TSAN_ACQUIRE(address) ((void)(address))
#define EXEMPLAR_TSAN_RELEASE(address) ((void)(address))
#endif

namespace exemplar {

namespace {

// cv::parallel_for_ over [0, COUNT) with the hand-offs visible to TSan (see above). The loop body
// object outlives the join, so nothing of it is destroyed before the acquire that follows it.
template <typename Body>
class AnnotatedLoop final : public cv::ParallelLoopBody {
public:
    explicit AnnotatedLoop(const Body& body) : body_(body) {}
    void operator()(const cv::Range& range) const override
    {
        EXEMPLAR_TSAN_ACQUIRE(const_cast<AnnotatedLoop*>(this));
        body_(range);
        EXEMPLAR_TSAN_RELEASE(const_cast<AnnotatedLoop*>(this));
    }

private:
    const Body& body_;
};

template <typename Body>
void parallelFor(int count, const Body& body)
{
    AnnotatedLoop<Body> loop(body);
    EXEMPLAR_TSAN_RELEASE(&loop);
    cv::parallel_for_(cv::Range(0, count), loop);
    EXEMPLAR_TSAN_ACQUIRE(&loop);
}

// Work space of one thread: the channel plane with its zero padding, and the stride-1 output in
// the padded plane's row pitch.
struct Scratch {
    std::vector<float> padded;
    std::vector<float> wide;
};

// e^x to about 2 ulp for x in [−87, 88] (clamped outside), in plain arithmetic the vectorizer
// can turn into SIMD, so that Swish costs no extra pass: Cephes' expf (range reduction by ln 2,
// degree-6 polynomial, exponent assembled in the float's bits).
inline float vectorExp(float x)
{
    x = std::min(std::max(x, -87.3f), 88.3f);
    // Round to nearest by the 1.5·2^23 trick: adding it leaves no fraction bits.
    const float fn = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    const int n = int(fn);
    const float r = (x - fn * 0.693359375f) - fn * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    return p * __builtin_bit_cast(float, (n + 127) << 23);
}

template <bool Swish>
inline float activate(float x)
{
    if constexpr (Swish) return x / (1.0f + vectorExp(-x));
    else return x;
}

// Output value i of a plane: the K×K taps at padded[i·S + tap offsets]. The whole sum stays in
// registers (one store per output instead of one per tap), and the compiler vectorizes over i.
template <int K, int S, bool Swish>
inline __attribute__((always_inline)) void convolveRun(float* __restrict out, const float* __restrict in, int PW,
                                                       const float* __restrict filter, float bias, int count)
{
    for (int i = 0; i < count; ++i) {
        float sum = bias;
        for (int ky = 0; ky < K; ++ky)
            for (int kx = 0; kx < K; ++kx) sum += filter[ky * K + kx] * in[i * S + ky * PW + kx];
        out[i] = activate<Swish>(sum);
    }
}

// The same for any kernel size and stride (not vectorized as well; EfficientNet needs none).
template <bool Swish>
void convolveRunGeneric(float* out, const float* in, int PW, const float* filter, float bias, int count,
                        const DepthwiseGeometry& g)
{
    for (int i = 0; i < count; ++i) {
        float sum = bias;
        for (int ky = 0; ky < g.kernelH; ++ky)
            for (int kx = 0; kx < g.kernelW; ++kx) sum += filter[ky * g.kernelW + kx] * in[i * g.strideW + ky * PW + kx];
        out[i] = activate<Swish>(sum);
    }
}

// One run of COUNT outputs, dispatched to a specialization for the common shapes (square
// kernels of size 1, 3 or 5 with equal strides of 1 or 2), else to the generic loop.
template <bool Swish>
inline __attribute__((always_inline)) void convolveRunAny(float* out, const float* in, int PW, const float* filter,
                                                          float bias, int count, const DepthwiseGeometry& g)
{
    const bool square = g.kernelH == g.kernelW && g.strideH == g.strideW;
    if (square && g.strideW == 1) {
        switch (g.kernelW) {
        case 1: return convolveRun<1, 1, Swish>(out, in, PW, filter, bias, count);
        case 3: return convolveRun<3, 1, Swish>(out, in, PW, filter, bias, count);
        case 5: return convolveRun<5, 1, Swish>(out, in, PW, filter, bias, count);
        default: break;
        }
    } else if (square && g.strideW == 2) {
        switch (g.kernelW) {
        case 3: return convolveRun<3, 2, Swish>(out, in, PW, filter, bias, count);
        case 5: return convolveRun<5, 2, Swish>(out, in, PW, filter, bias, count);
        default: break;
        }
    }
    convolveRunGeneric<Swish>(out, in, PW, filter, bias, count, g);
}

// The entry points the CPU-specific clones are made of (GCC does not clone templates).
EXEMPLAR_VECTOR_CLONES void convolveRunLinear(float* out, const float* in, int PW, const float* filter, float bias,
                                              int count, const DepthwiseGeometry& g)
{
    convolveRunAny<false>(out, in, PW, filter, bias, count, g);
}

EXEMPLAR_VECTOR_CLONES void convolveRunSwish(float* out, const float* in, int PW, const float* filter, float bias,
                                             int count, const DepthwiseGeometry& g)
{
    convolveRunAny<true>(out, in, PW, filter, bias, count, g);
}

// Bias and activation over one output row of a pointwise convolution, in place.
template <bool Swish>
inline __attribute__((always_inline)) void finishRow(float* __restrict row, float bias, int count)
{
    for (int i = 0; i < count; ++i) row[i] = activate<Swish>(row[i] + bias);
}

EXEMPLAR_VECTOR_CLONES void finishRowLinear(float* row, float bias, int count) { finishRow<false>(row, bias, count); }
EXEMPLAR_VECTOR_CLONES void finishRowSwish(float* row, float bias, int count) { finishRow<true>(row, bias, count); }

// OpenBLAS's serial build (Debian's libopenblas0-serial) is not safe to call from two threads at
// once: its buffer allocator takes no lock, and concurrent sgemm calls return wrong products now
// and then (1–10% of calls on EfficientNet's shapes here). Its pthread build (what setup.sh installs,
// used with one thread) locks; the serial build, if the system's alternative selects it, is
// called one thread at a time.
bool blasNeedsGate()
{
    static const bool serial = openblas_get_parallel() == 0;
    return serial;
}

std::mutex& blasGate()
{
    static std::mutex gate;
    return gate;
}

// One channel: copy the H×W plane into a zero-padded one, then compute the outputs. With stride 1
// every output row is a contiguous run in the padded layout, so the whole plane is computed as
// one run of OH rows of PW values ("wide" rows whose last PW − OW values are discarded), which
// keeps the vectorized loop long even for 7×7 planes. With a larger stride, row by row.
void convolveChannel(const float* in, int H, int W, const float* filter, float bias, const DepthwiseGeometry& g,
                     float* out, int OH, int OW, Scratch& scratch)
{
    const int PW = W + g.padLeft + g.padRight;
    const int PH = std::max(H + g.padTop + g.padBottom, (OH - 1) * g.strideH + g.kernelH);
    // All planes of a call share the geometry, so the zero border is written once per thread;
    // each plane then overwrites only the interior.
    if (scratch.padded.size() != size_t(PH) * size_t(PW)) scratch.padded.assign(size_t(PH) * size_t(PW), 0.0f);
    float* padded = scratch.padded.data();
    for (int y = 0; y < H; ++y)
        std::copy(in + size_t(y) * W, in + size_t(y + 1) * W, padded + size_t(y + g.padTop) * PW + g.padLeft);

    const auto run = g.swish ? convolveRunSwish : convolveRunLinear;
    if (g.strideH == 1 && g.strideW == 1) {
        const int span = (OH - 1) * PW + OW;
        scratch.wide.resize(size_t(span));
        run(scratch.wide.data(), padded, PW, filter, bias, span, g);
        for (int oy = 0; oy < OH; ++oy)
            std::copy(scratch.wide.data() + size_t(oy) * PW, scratch.wide.data() + size_t(oy) * PW + OW,
                      out + size_t(oy) * OW);
    } else {
        for (int oy = 0; oy < OH; ++oy)
            run(out + size_t(oy) * OW, padded + size_t(oy) * g.strideH * PW, PW, filter, bias, OW, g);
    }
}

} // namespace

void depthwiseConvolution(const cv::Mat& input, const cv::Mat& weights, const cv::Mat& bias,
                          const DepthwiseGeometry& g, cv::Mat& output)
{
    CV_Assert(input.dims == 4 && input.type() == CV_32F && input.isContinuous());
    const int N = input.size[0], C = input.size[1], H = input.size[2], W = input.size[3];
    const int OH = g.outputHeight(H), OW = g.outputWidth(W);
    CV_Assert(OH > 0 && OW > 0);
    CV_Assert(weights.type() == CV_32F && weights.isContinuous() && weights.total() == size_t(C) * g.kernelH * g.kernelW);
    CV_Assert(bias.empty() || (bias.type() == CV_32F && bias.isContinuous() && int(bias.total()) == C));
    output.create(std::vector<int>{N, C, OH, OW}, CV_32F);
    const float* filters = weights.ptr<float>();
    const float* biases = bias.empty() ? nullptr : bias.ptr<float>();
    const float* source = input.ptr<float>();
    float* target = output.ptr<float>();
    const size_t planeIn = size_t(H) * W, planeOut = size_t(OH) * OW, taps = size_t(g.kernelH) * g.kernelW;
    // Each stripe is a run of whole planes, so threads never share output memory.
    parallelFor(N * C, [&](const cv::Range& range) {
        Scratch scratch;
        for (int plane = range.start; plane < range.end; ++plane) {
            const int c = plane % C;
            convolveChannel(source + plane * planeIn, H, W, filters + c * taps, biases ? biases[c] : 0.0f, g,
                            target + plane * planeOut, OH, OW, scratch);
        }
    });
}

void pointwiseConvolution(const cv::Mat& input, const cv::Mat& weights, const cv::Mat& bias, bool swish,
                          cv::Mat& output)
{
    CV_Assert(input.dims == 4 && input.type() == CV_32F && input.isContinuous());
    const int N = input.size[0], Cin = input.size[1], H = input.size[2], W = input.size[3];
    CV_Assert(weights.type() == CV_32F && weights.isContinuous() && weights.dims == 4 && weights.size[1] == Cin &&
              weights.size[2] == 1 && weights.size[3] == 1);
    const int Cout = weights.size[0];
    CV_Assert(bias.empty() || (bias.type() == CV_32F && bias.isContinuous() && int(bias.total()) == Cout));
    output.create(std::vector<int>{N, Cout, H, W}, CV_32F);
    const int pixels = H * W;
    const float* w = weights.ptr<float>();
    const float* biases = bias.empty() ? nullptr : bias.ptr<float>();
    const auto finish = swish ? finishRowSwish : finishRowLinear;
    // Column blocks of at least 1024 pixels: below that a split costs more than it saves.
    const int blocksPerImage = std::clamp(pixels / 1024, 1, std::max(1, cv::getNumThreads()));
    const int blockWidth = (pixels + blocksPerImage - 1) / blocksPerImage;
    parallelFor(N * blocksPerImage, [&](const cv::Range& range) {
        for (int job = range.start; job < range.end; ++job) {
            const int n = job / blocksPerImage, first = (job % blocksPerImage) * blockWidth;
            const int width = std::min(blockWidth, pixels - first);
            if (width <= 0) continue;
            const float* x = input.ptr<float>() + size_t(n) * Cin * pixels + first;
            float* y = output.ptr<float>() + size_t(n) * Cout * pixels + first;
            // Y (Cout × width, row pitch H·W) = W (Cout × Cin) · X (Cin × width, row pitch H·W)
            std::unique_lock<std::mutex> serialOnly(blasGate(), std::defer_lock);
            if (blasNeedsGate()) serialOnly.lock();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Cout, width, Cin, 1.0f, w, Cin, x, pixels, 0.0f,
                        y, pixels);
            if (serialOnly.owns_lock()) serialOnly.unlock();
            for (int c = 0; c < Cout; ++c) finish(y + size_t(c) * pixels, biases ? biases[c] : 0.0f, width);
        }
    });
}

} // namespace exemplar
