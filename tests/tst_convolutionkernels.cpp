// The depthwise and pointwise convolution kernels against a plain reference loop written here
// (double sums, explicit zero padding, x/(1+e^−x)): every specialized path (1×1, 3×3, 5×5 at
// stride 1 and 2) and the generic one, asymmetric TF pads, odd and tiny planes, Swish saturation
// at large magnitudes, pointwise column blocks, concurrent calls, and refused shapes.
#include "ConvolutionKernels.h"

#include <QtTest>
#include <opencv2/core.hpp>

#include <atomic>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

using namespace exemplar;

Q_DECLARE_METATYPE(exemplar::DepthwiseGeometry)

namespace {

cv::Mat randomBlob(const std::vector<int>& shape, float low, float high, quint64 seed)
{
    cv::Mat blob(int(shape.size()), shape.data(), CV_32F);
    cv::RNG rng(seed);
    rng.fill(blob, cv::RNG::UNIFORM, low, high);
    return blob;
}

double swishOf(double x) { return x / (1.0 + std::exp(-x)); }

// A reference result with, per output, the scale its float rounding error is measured against:
// the sum of the absolute values of the terms (products and bias) that made it, at least 1. The
// rounding error of a float sum is bounded by a multiple of ε·Σ|terms| whatever the summation
// order (typically about √n·ε·Σ|terms|; the worst seen here is 3e-7 of it), so this is the
// yardstick that stays meaningful when terms cancel. Swish's slope is at most 1.1: it carries over.
struct Reference {
    std::vector<double> values, scales;
};

Reference referenceDepthwise(const cv::Mat& input, const cv::Mat& weights, const cv::Mat& bias,
                             const DepthwiseGeometry& g)
{
    const int N = input.size[0], C = input.size[1], H = input.size[2], W = input.size[3];
    const int OH = (H + g.padTop + g.padBottom - g.kernelH) / g.strideH + 1;
    const int OW = (W + g.padLeft + g.padRight - g.kernelW) / g.strideW + 1;
    const float* x = input.ptr<float>();
    const float* w = weights.ptr<float>();
    Reference result;
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int oy = 0; oy < OH; ++oy)
                for (int ox = 0; ox < OW; ++ox) {
                    double sum = bias.empty() ? 0.0 : double(bias.ptr<float>()[c]);
                    double scale = std::abs(sum);
                    for (int ky = 0; ky < g.kernelH; ++ky)
                        for (int kx = 0; kx < g.kernelW; ++kx) {
                            // Position in the unpadded plane; outside it the padding is zero.
                            const int y = oy * g.strideH + ky - g.padTop, xx = ox * g.strideW + kx - g.padLeft;
                            if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
                            const double term = double(w[(c * g.kernelH + ky) * g.kernelW + kx]) *
                                                double(x[((n * C + c) * H + y) * W + xx]);
                            sum += term;
                            scale += std::abs(term);
                        }
                    result.values.push_back(g.swish ? swishOf(sum) : sum);
                    result.scales.push_back(std::max(1.0, scale));
                }
    return result;
}

Reference referencePointwise(const cv::Mat& input, const cv::Mat& weights, const cv::Mat& bias, bool swish)
{
    const int N = input.size[0], Cin = input.size[1], pixels = input.size[2] * input.size[3];
    const int Cout = int(weights.total()) / Cin;
    const float* x = input.ptr<float>();
    const float* w = weights.ptr<float>();
    Reference result;
    for (int n = 0; n < N; ++n)
        for (int o = 0; o < Cout; ++o)
            for (int p = 0; p < pixels; ++p) {
                double sum = bias.empty() ? 0.0 : double(bias.ptr<float>()[o]);
                double scale = std::abs(sum);
                for (int i = 0; i < Cin; ++i) {
                    const double term = double(w[o * Cin + i]) * double(x[(size_t(n) * Cin + i) * pixels + p]);
                    sum += term;
                    scale += std::abs(term);
                }
                result.values.push_back(swish ? swishOf(sum) : sum);
                result.scales.push_back(std::max(1.0, scale));
            }
    return result;
}

// Empty when OUTPUT matches REFERENCE within 1e-5 of each output's scale, else the first mismatch.
QString mismatch(const cv::Mat& output, const Reference& reference)
{
    if (output.total() != reference.values.size())
        return QStringLiteral("%1 outputs, expected %2").arg(output.total()).arg(reference.values.size());
    const float* got = output.ptr<float>();
    for (size_t i = 0; i < reference.values.size(); ++i) {
        const double want = reference.values[i];
        if (!std::isfinite(got[i]) || std::abs(double(got[i]) - want) > 1e-5 * reference.scales[i])
            return QStringLiteral("output %1: got %2, expected %3 (scale %4)")
                .arg(i)
                .arg(double(got[i]), 0, 'g', 9)
                .arg(want, 0, 'g', 9)
                .arg(reference.scales[i]);
    }
    return QString();
}

DepthwiseGeometry geometry(int kh, int kw, int sh, int sw, int top, int left, int bottom, int right, bool swish)
{
    DepthwiseGeometry g;
    g.kernelH = kh;
    g.kernelW = kw;
    g.strideH = sh;
    g.strideW = sw;
    g.padTop = top;
    g.padLeft = left;
    g.padBottom = bottom;
    g.padRight = right;
    g.swish = swish;
    return g;
}

std::vector<int> outputShape(const cv::Mat& m) { return std::vector<int>(m.size.p, m.size.p + m.dims); }

bool identical(const cv::Mat& a, const cv::Mat& b)
{
    return a.size == b.size && a.type() == b.type() &&
           std::memcmp(a.ptr(), b.ptr(), a.total() * a.elemSize()) == 0;
}

} // namespace

class TestConvolutionKernels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // At least two OpenCV threads, so that the large pointwise rows really are split into column
    // blocks (one per thread at most, each at least 1024 pixels) even on a single core.
    void initTestCase()
    {
        if (cv::getNumThreads() < 2) cv::setNumThreads(2);
    }

    void depthwiseMatchesReference_data()
    {
        QTest::addColumn<std::vector<int>>("shape");  // N, C, H, W
        QTest::addColumn<DepthwiseGeometry>("g");     // kernel, stride, pads (top, left, bottom, right), swish
        QTest::addColumn<bool>("withBias");
        QTest::addColumn<float>("range");             // inputs uniform in ±range

        using S = std::vector<int>;
        // Specialized paths: 1×1, 3×3 and 5×5 at stride 1 and 2.
        QTest::newRow("1x1 s1, C3 7x9") << S{1, 3, 7, 9} << geometry(1, 1, 1, 1, 0, 0, 0, 0, false) << true << 2.f;
        QTest::newRow("1x1 s1 swish, no bias, C17") << S{1, 17, 7, 9} << geometry(1, 1, 1, 1, 0, 0, 0, 0, true) << false << 4.f;
        QTest::newRow("3x3 s1 pad 1, C17 7x9") << S{1, 17, 7, 9} << geometry(3, 3, 1, 1, 1, 1, 1, 1, false) << true << 2.f;
        QTest::newRow("3x3 s1 pad 1 swish, N2") << S{2, 17, 7, 9} << geometry(3, 3, 1, 1, 1, 1, 1, 1, true) << true << 4.f;
        QTest::newRow("3x3 s1 no pad, C1") << S{1, 1, 7, 9} << geometry(3, 3, 1, 1, 0, 0, 0, 0, false) << false << 2.f;
        QTest::newRow("3x3 s2 pad 1, C3 7x9") << S{1, 3, 7, 9} << geometry(3, 3, 2, 2, 1, 1, 1, 1, true) << true << 4.f;
        QTest::newRow("3x3 s2 TF pads 0/1, 8x8") << S{1, 17, 8, 8} << geometry(3, 3, 2, 2, 0, 0, 1, 1, true) << true << 4.f;
        QTest::newRow("3x3 s2 TF pads 0/1, 7x9 N2") << S{2, 3, 7, 9} << geometry(3, 3, 2, 2, 0, 0, 1, 1, false) << false << 2.f;
        QTest::newRow("5x5 s1 pad 2, C3 7x9") << S{1, 3, 7, 9} << geometry(5, 5, 1, 1, 2, 2, 2, 2, true) << true << 4.f;
        QTest::newRow("5x5 s1 no pad, C17 N2") << S{2, 17, 7, 9} << geometry(5, 5, 1, 1, 0, 0, 0, 0, false) << true << 2.f;
        QTest::newRow("5x5 s2 TF pads 1/2, 10x10") << S{1, 17, 10, 10} << geometry(5, 5, 2, 2, 1, 1, 2, 2, true) << true << 4.f;
        QTest::newRow("5x5 s2 TF pads 1/2, 7x9 N2") << S{2, 3, 7, 9} << geometry(5, 5, 2, 2, 1, 1, 2, 2, true) << false << 4.f;
        QTest::newRow("5x5 s2 pad 2, C1") << S{1, 1, 7, 9} << geometry(5, 5, 2, 2, 2, 2, 2, 2, false) << true << 2.f;
        // The generic path: other sizes, non-square kernels and strides.
        QTest::newRow("7x7 s1 pad 3, C3 9x7") << S{1, 3, 9, 7} << geometry(7, 7, 1, 1, 3, 3, 3, 3, true) << true << 4.f;
        QTest::newRow("7x7 s2 pad 3, C17 N2") << S{2, 17, 9, 7} << geometry(7, 7, 2, 2, 3, 3, 3, 3, false) << true << 2.f;
        QTest::newRow("2x2 s2 no pad, 8x8") << S{1, 3, 8, 8} << geometry(2, 2, 2, 2, 0, 0, 0, 0, false) << true << 2.f;
        QTest::newRow("3x3 s3 pad 1") << S{1, 3, 7, 9} << geometry(3, 3, 3, 3, 1, 1, 1, 1, true) << true << 4.f;
        QTest::newRow("1x1 s2, 7x9") << S{1, 3, 7, 9} << geometry(1, 1, 2, 2, 0, 0, 0, 0, true) << true << 4.f;
        QTest::newRow("3x5 s1 pads 1/2") << S{1, 3, 7, 9} << geometry(3, 5, 1, 1, 1, 2, 1, 2, true) << true << 4.f;
        QTest::newRow("3x5 s2 pads 0,1/1,2") << S{2, 17, 7, 9} << geometry(3, 5, 2, 2, 0, 1, 1, 2, false) << false << 2.f;
        QTest::newRow("3x3 stride 2x1") << S{1, 3, 7, 9} << geometry(3, 3, 2, 1, 1, 1, 1, 1, true) << true << 4.f;
        QTest::newRow("3x3 stride 1x2") << S{1, 17, 7, 9} << geometry(3, 3, 1, 2, 1, 1, 1, 1, false) << true << 2.f;
        // Large strides: the kernel is chosen by a key 10·(square kernel size, else 0) + (equal
        // stride, else 0), so a non-square kernel with stride 11 must not pass for a 1×1 stride 1.
        QTest::newRow("3x5 stride 11") << S{1, 3, 25, 27} << geometry(3, 5, 11, 11, 0, 0, 0, 0, false) << true << 2.f;
        QTest::newRow("5x3 stride 1x2 asymmetric") << S{1, 3, 9, 7} << geometry(5, 3, 1, 2, 2, 0, 1, 1, true) << true << 4.f;
        // Tiny planes, where padding is most of the input (kernel larger than the plane).
        QTest::newRow("3x3 s1 pad 1, 1x1 plane") << S{2, 17, 1, 1} << geometry(3, 3, 1, 1, 1, 1, 1, 1, true) << true << 4.f;
        QTest::newRow("3x3 s2 TF pads, 1x1 plane") << S{1, 3, 1, 1} << geometry(3, 3, 2, 2, 1, 1, 1, 1, false) << true << 2.f;
        QTest::newRow("5x5 s1 pad 2, 2x3 plane") << S{1, 17, 2, 3} << geometry(5, 5, 1, 1, 2, 2, 2, 2, true) << false << 4.f;
        QTest::newRow("5x5 s2 TF pads, 2x3 plane") << S{2, 3, 2, 3} << geometry(5, 5, 2, 2, 1, 1, 2, 2, true) << true << 4.f;
        // Pre-activations of several hundred: the exponential's clamping at ±87 is exercised.
        QTest::newRow("3x3 s1 swish, inputs ±100") << S{1, 17, 7, 9} << geometry(3, 3, 1, 1, 1, 1, 1, 1, true) << true << 100.f;
        QTest::newRow("5x5 s2 swish, inputs ±100") << S{2, 3, 7, 9} << geometry(5, 5, 2, 2, 1, 1, 2, 2, true) << false << 100.f;
        QTest::newRow("7x7 s1 swish, inputs ±100") << S{1, 3, 9, 7} << geometry(7, 7, 1, 1, 3, 3, 3, 3, true) << true << 100.f;
    }

    void depthwiseMatchesReference()
    {
        QFETCH(std::vector<int>, shape);
        QFETCH(DepthwiseGeometry, g);
        QFETCH(bool, withBias);
        QFETCH(float, range);
        const cv::Mat input = randomBlob(shape, -range, range, 1);
        const cv::Mat weights = randomBlob({shape[1], 1, g.kernelH, g.kernelW}, -1, 1, 2);
        const cv::Mat bias = withBias ? randomBlob({shape[1]}, -1, 1, 3) : cv::Mat();
        cv::Mat output;
        depthwiseConvolution(input, weights, bias, g, output);
        const std::vector<int> expectedShape{shape[0], shape[1],
                                             (shape[2] + g.padTop + g.padBottom - g.kernelH) / g.strideH + 1,
                                             (shape[3] + g.padLeft + g.padRight - g.kernelW) / g.strideW + 1};
        QCOMPARE(outputShape(output), expectedShape);
        const QString error = mismatch(output, referenceDepthwise(input, weights, bias, g));
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void pointwiseMatchesReference_data()
    {
        QTest::addColumn<std::vector<int>>("shape");  // N, Cin, H, W
        QTest::addColumn<int>("outputs");             // Cout
        QTest::addColumn<bool>("swish");
        QTest::addColumn<bool>("withBias");
        QTest::addColumn<float>("range");

        using S = std::vector<int>;
        QTest::newRow("3→5, 7x9") << S{1, 3, 7, 9} << 5 << false << true << 2.f;
        QTest::newRow("3→5 swish, no bias, N2") << S{2, 3, 7, 9} << 5 << true << false << 4.f;
        QTest::newRow("1→1, 1x1 plane") << S{1, 1, 1, 1} << 1 << true << true << 4.f;
        QTest::newRow("17→3, 2x3 plane") << S{1, 17, 2, 3} << 3 << false << false << 2.f;
        // Large planes, split into column blocks per image of the batch, the last one narrower when
        // the plane does not divide evenly (with 2 threads: 112×112 → 2 × 6272; 17×241 = 4097
        // pixels → 2049 + 2048; 45×47 = 2115 → 1058 + 1057).
        QTest::newRow("16→96 swish, 112x112") << S{1, 16, 112, 112} << 96 << true << true << 4.f;
        QTest::newRow("16→96, 112x112 N2, no bias") << S{2, 16, 112, 112} << 96 << false << false << 2.f;
        QTest::newRow("24→40 swish, 17x241 N2") << S{2, 24, 17, 241} << 40 << true << true << 4.f;
        QTest::newRow("8→12, 45x47 N2") << S{2, 8, 45, 47} << 12 << false << true << 2.f;
        // EfficientNet's long reductions and its squeeze-and-excitation 1×1 planes.
        QTest::newRow("1152→48, 7x7") << S{1, 1152, 7, 7} << 48 << false << true << 1.f;
        QTest::newRow("1152→48 swish, 7x7 N2, no bias") << S{2, 1152, 7, 7} << 48 << true << false << 1.f;
        QTest::newRow("1152→48 swish, 1x1 plane N2") << S{2, 1152, 1, 1} << 48 << true << true << 1.f;
        QTest::newRow("48→1152, 1x1 plane") << S{1, 48, 1, 1} << 1152 << false << true << 2.f;
        QTest::newRow("3→17 swish, inputs ±100") << S{2, 3, 7, 9} << 17 << true << true << 100.f;
        QTest::newRow("16→96 swish, 112x112, inputs ±100") << S{1, 16, 112, 112} << 96 << true << false << 100.f;
    }

    void pointwiseMatchesReference()
    {
        QFETCH(std::vector<int>, shape);
        QFETCH(int, outputs);
        QFETCH(bool, swish);
        QFETCH(bool, withBias);
        QFETCH(float, range);
        const cv::Mat input = randomBlob(shape, -range, range, 4);
        const cv::Mat weights = randomBlob({outputs, shape[1], 1, 1}, -1, 1, 5);
        const cv::Mat bias = withBias ? randomBlob({outputs}, -1, 1, 6) : cv::Mat();
        cv::Mat output;
        pointwiseConvolution(input, weights, bias, swish, output);
        QCOMPARE(outputShape(output), (std::vector<int>{shape[0], outputs, shape[2], shape[3]}));
        const QString error = mismatch(output, referencePointwise(input, weights, bias, swish));
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    // Swish of single values through both kernels (weight 1, no bias), far beyond the range where
    // the exponential is clamped: large positive x gives x, large negative x gives (minus) zero,
    // never inf or NaN.
    void swishSaturatesAtLargeMagnitudes()
    {
        const std::vector<float> xs{-1000, -100, -88.5f, -87, -30, -1, 0, 0.5f, 1, 30, 87, 88.5f, 100, 1000};
        const int shape[] = {1, 1, 1, int(xs.size())};
        const cv::Mat input(4, shape, CV_32F, const_cast<float*>(xs.data()));
        const int weightShape[] = {1, 1, 1, 1};
        const cv::Mat one(4, weightShape, CV_32F, cv::Scalar(1));
        cv::Mat outputs[2];
        depthwiseConvolution(input, one, cv::Mat(), geometry(1, 1, 1, 1, 0, 0, 0, 0, true), outputs[0]);
        pointwiseConvolution(input, one, cv::Mat(), true, outputs[1]);
        for (const cv::Mat& output : outputs) {
            QCOMPARE(int(output.total()), int(xs.size()));
            for (size_t i = 0; i < xs.size(); ++i) {
                const float got = output.ptr<float>()[i];
                const double want = swishOf(xs[i]);
                QVERIFY2(std::isfinite(got), qPrintable(QString::number(xs[i])));
                QVERIFY2(std::abs(got - want) <= 1e-5 * std::max(1.0, std::abs(want)),
                         qPrintable(QStringLiteral("swish(%1): got %2, expected %3").arg(xs[i]).arg(got).arg(want)));
            }
        }
        for (const cv::Mat& output : outputs) {
            QVERIFY(std::abs(output.ptr<float>()[1]) < 1e-30f);          // x = −100: ≈ −0
            QVERIFY(std::abs(output.ptr<float>()[12] - 100.0f) < 1e-4f);  // x = +100: ≈ 100
        }
    }

    // Two threads, each alternating a pointwise and a depthwise convolution of its own shapes up
    // to 10,000 times, get bit for bit what one thread gets: the kernels and the serial OpenBLAS
    // sgemm they call must hold no shared mutable state, since Exemplar runs one network per core.
    // The pointwise shapes are EfficientNet's (a 7×7 projection from 1152 channels, a 16→96
    // expansion), small enough to be one sgemm each, so that the calls overlap often and a race
    // shows within the run (about 1.4 s here when none does).
    void concurrentCallsGiveTheSameResults()
    {
        struct Job {
            cv::Mat input, pointWeights, pointBias, depthInput, depthWeights, depthBias;
            DepthwiseGeometry g;
            cv::Mat pointExpected, depthExpected;
        };
        Job jobs[2];
        jobs[0] = {randomBlob({1, 1152, 7, 7}, -4, 4, 10), randomBlob({48, 1152, 1, 1}, -1, 1, 11), randomBlob({48}, -1, 1, 12),
                   randomBlob({1, 40, 28, 28}, -4, 4, 13), randomBlob({40, 1, 5, 5}, -1, 1, 14), randomBlob({40}, -1, 1, 15),
                   geometry(5, 5, 2, 2, 1, 1, 2, 2, true), {}, {}};
        jobs[1] = {randomBlob({1, 16, 28, 56}, -4, 4, 20), randomBlob({96, 16, 1, 1}, -1, 1, 21), cv::Mat(),
                   randomBlob({2, 24, 15, 13}, -4, 4, 23), randomBlob({24, 1, 3, 3}, -1, 1, 24), cv::Mat(),
                   geometry(3, 3, 1, 1, 1, 1, 1, 1, false), {}, {}};
        for (Job& job : jobs) {
            pointwiseConvolution(job.input, job.pointWeights, job.pointBias, true, job.pointExpected);
            depthwiseConvolution(job.depthInput, job.depthWeights, job.depthBias, job.g, job.depthExpected);
        }
        constexpr int kIterations = 10000;  // at most; both threads stop at the first difference
        std::atomic<int> pointDifferences{0}, depthDifferences{0}, failures{0};
        std::vector<std::thread> threads;
        for (const Job& each : jobs)
            threads.emplace_back([&, job = &each] {
                try {
                    for (int iteration = 0; iteration < kIterations && pointDifferences + depthDifferences == 0;
                         ++iteration) {
                        cv::Mat point, depth;
                        pointwiseConvolution(job->input, job->pointWeights, job->pointBias, true, point);
                        depthwiseConvolution(job->depthInput, job->depthWeights, job->depthBias, job->g, depth);
                        pointDifferences += !identical(point, job->pointExpected);
                        depthDifferences += !identical(depth, job->depthExpected);
                    }
                } catch (...) {
                    ++failures;
                }
            });
        for (std::thread& thread : threads) thread.join();
        QCOMPARE(failures.load(), 0);
        const QString summary = QStringLiteral("%1 pointwise and %2 depthwise results differ from the single-threaded ones")
                                    .arg(pointDifferences.load())
                                    .arg(depthDifferences.load());
        QVERIFY2(pointDifferences == 0 && depthDifferences == 0, qPrintable(summary));
    }

    void invalidShapesAreRefused()
    {
        const cv::Mat input = randomBlob({1, 3, 5, 5}, -1, 1, 30);
        const DepthwiseGeometry g3 = geometry(3, 3, 1, 1, 1, 1, 1, 1, false);
        const cv::Mat depthWeights = randomBlob({3, 1, 3, 3}, -1, 1, 31);
        const cv::Mat pointWeights = randomBlob({4, 3, 1, 1}, -1, 1, 32);
        cv::Mat output;
        // The valid calls succeed, so each refusal below is about the one thing changed.
        depthwiseConvolution(input, depthWeights, randomBlob({3}, -1, 1, 33), g3, output);
        pointwiseConvolution(input, pointWeights, randomBlob({4}, -1, 1, 34), false, output);

        // Depthwise: bias of C − 1 or C + 1 values, filters of the wrong size or count, a 3-D or a
        // double input.
        QVERIFY_THROWS_EXCEPTION(cv::Exception, depthwiseConvolution(input, depthWeights, randomBlob({2}, -1, 1, 35), g3, output));
        QVERIFY_THROWS_EXCEPTION(cv::Exception, depthwiseConvolution(input, depthWeights, randomBlob({4}, -1, 1, 35), g3, output));
        QVERIFY_THROWS_EXCEPTION(cv::Exception,
                                 depthwiseConvolution(input, randomBlob({3, 1, 3, 4}, -1, 1, 36), cv::Mat(), g3, output));
        QVERIFY_THROWS_EXCEPTION(cv::Exception,
                                 depthwiseConvolution(input, randomBlob({4, 1, 3, 3}, -1, 1, 36), cv::Mat(), g3, output));
        QVERIFY_THROWS_EXCEPTION(cv::Exception,
                                 depthwiseConvolution(randomBlob({3, 5, 5}, -1, 1, 37), depthWeights, cv::Mat(), g3, output));
        cv::Mat doubles;
        input.convertTo(doubles, CV_64F);
        QVERIFY_THROWS_EXCEPTION(cv::Exception, depthwiseConvolution(doubles, depthWeights, cv::Mat(), g3, output));
        // A 7×7 kernel without padding does not fit in a 5×5 plane: no output.
        QVERIFY_THROWS_EXCEPTION(cv::Exception, depthwiseConvolution(input, randomBlob({3, 1, 7, 7}, -1, 1, 38), cv::Mat(),
                                                                     geometry(7, 7, 1, 1, 0, 0, 0, 0, false), output));
        // Nor a 3×3 kernel in a 1×1 plane padded to 2×2: (2 − 3) / 2 + 1 truncates to one output
        // in C++, but there is none (ASan caught the read past the plane this once allowed).
        QVERIFY_THROWS_EXCEPTION(cv::Exception, depthwiseConvolution(randomBlob({1, 3, 1, 1}, -1, 1, 38), depthWeights, cv::Mat(),
                                                                     geometry(3, 3, 2, 2, 0, 0, 1, 1, false), output));

        // Pointwise: bias of Cout − 1 or Cout + 1 values, weights that are no whole number of rows
        // of Cin, a 3-D or a double input.
        QVERIFY_THROWS_EXCEPTION(cv::Exception, pointwiseConvolution(input, pointWeights, randomBlob({3}, -1, 1, 39), false, output));
        QVERIFY_THROWS_EXCEPTION(cv::Exception, pointwiseConvolution(input, pointWeights, randomBlob({5}, -1, 1, 39), true, output));
        QVERIFY_THROWS_EXCEPTION(cv::Exception,
                                 pointwiseConvolution(input, randomBlob({4, 2, 1, 1}, -1, 1, 40), cv::Mat(), false, output));
        QVERIFY_THROWS_EXCEPTION(cv::Exception,
                                 pointwiseConvolution(input, randomBlob({5, 4, 1, 1}, -1, 1, 40), cv::Mat(), false, output));
        QVERIFY_THROWS_EXCEPTION(cv::Exception,
                                 pointwiseConvolution(randomBlob({3, 5, 5}, -1, 1, 41), pointWeights, cv::Mat(), false, output));
        QVERIFY_THROWS_EXCEPTION(cv::Exception, pointwiseConvolution(doubles, pointWeights, cv::Mat(), false, output));
    }
};

QTEST_GUILESS_MAIN(TestConvolutionKernels)
#include "tst_convolutionkernels.moc"
