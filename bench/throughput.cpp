// bench/throughput: the naive embedding loop against Exemplar's pipeline, on the same photos, in
// one run on one machine. Prints photos per second of both, their ratio (the figure of merit:
// absolute times depend on the machine and its load), CPU time per photo, peak resident memory,
// how close the two sets of embeddings are, and how long a project of already-embedded photos
// takes to reopen. See bench/README.md.
#include "BenchSupport.h"

#include "Dataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "EmbeddingPipeline.h"
#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "ImageDecoder.h"
#include "InstalledModels.h"
#include "ModelSpec.h"
#include "TestTimeViews.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <random>
#include <thread>

using namespace exemplar;
using namespace exemplar::bench;

namespace {

// PER_CLASS_SHARE of the photos of SET, evenly spread over every class (deterministic).
Dataset sample(const Dataset& set, int count)
{
    Dataset result = set;
    result.photos.clear();
    const int total = set.photoCount();
    for (int i = 0; i < count && i < total; ++i) result.photos.push_back(set.photos[size_t(qint64(i) * total / count)]);
    return result;
}

// Camera-sized JPEGs (WIDTH×HEIGHT, quality 92) made from real photos: upscaled, with a little
// sensor-like noise so that they compress (and decode) like real camera files of 3–6 MB.
Dataset makeLargePhotos(const Dataset& source, int count, const QString& dir, int width, int height)
{
    Dataset set;
    set.classNames = {QStringLiteral("large")};
    set.classFolders = {dir + QStringLiteral("/large")};
    QDir().mkpath(set.classFolders[0]);
    std::mt19937 generator(7);
    for (int i = 0; i < count; ++i) {
        const Photo& from = source.photos[size_t(qint64(i) * source.photoCount() / count)];
        cv::Mat image = cv::imread(from.path.toStdString(), cv::IMREAD_COLOR), big, noise(height, width, CV_16SC3);
        cv::resize(image, big, cv::Size(width, height), 0, 0, cv::INTER_CUBIC);
        cv::randn(noise, 0, 4);
        big.convertTo(big, CV_16SC3);
        big += noise;
        big.convertTo(big, CV_8UC3);
        const QString path = set.classFolders[0] + QStringLiteral("/large_%1.jpg").arg(i, 3, 10, QLatin1Char('0'));
        cv::imwrite(path.toStdString(), big, {cv::IMWRITE_JPEG_QUALITY, 92});
        set.photos.push_back({path, 0});
    }
    return set;
}

struct Run {
    double wall = 0, cpu = 0, peakMiB = 0;
    Matrix vectors;
};

// The loop the issue describes, in plain OpenCV: the model file as readNetFromONNX imports it,
// then imread, resize, forward, one photo after the other, with OpenCV's default threads. The
// input is prepared by the same inputBlob() as Exemplar's, so that the embeddings are comparable,
// and it does the same work per photo: the spec's geometry, and its test-time views (mirror image, crops) when asked.
struct NaiveNetwork {
    explicit NaiveNetwork(const ModelSpec& spec) : spec(spec), net(cv::dnn::readNetFromONNX(spec.onnxPath.toStdString())) {}
    // The same embedding as the Embedder's, written plainly: per output the mean over the views;
    // the summed outputs each L2-normalized, the unit vectors summed and normalized; the appended
    // ones each normalized and weighted after it; the whole normalized.
    Vector embed(const cv::Mat& bgr)
    {
        const QStringList names = spec.networkEmbeddingOutputs();
        std::vector<Vector> sums;
        for (int k = 0; k < names.size(); ++k) sums.push_back(Vector::Zero(spec.networkEmbeddingOutputDim(k)));
        for (const cv::Mat& view : testTimeViews(bgr, spec)) {
            const std::vector<Vector> outputs = forward(view);
            for (size_t k = 0; k < sums.size(); ++k) sums[k] += outputs[k];
        }
        Vector summed = Vector::Zero(spec.summedDim);
        for (int k = 0; k < spec.embeddingOutputs.size(); ++k) summed += sums[size_t(k)].normalized();
        Vector embedding(spec.embeddingDim);
        embedding.head(spec.summedDim) = summed.normalized();
        Eigen::Index at = spec.summedDim;
        for (size_t k = 0; k < spec.appendedOutputs.size(); ++k) {
            const Vector& part = sums[size_t(spec.embeddingOutputs.size()) + k];
            embedding.segment(at, part.size()) = float(spec.appendedOutputs[k].weight) * part.normalized();
            at += part.size();
        }
        return embedding.normalized();
    }
    std::vector<Vector> forward(const cv::Mat& bgr)
    {
        net.setInput(inputBlob(bgr, spec), spec.inputName.toStdString());
        std::vector<cv::String> names;
        for (const QString& output : spec.networkEmbeddingOutputs()) names.push_back(output.toStdString());
        std::vector<cv::Mat> outs;
        net.forward(outs, names);
        std::vector<Vector> outputs;
        for (const cv::Mat& out : outs) outputs.push_back(Eigen::Map<const Vector>(out.ptr<float>(), int(out.total())));
        return outputs;
    }
    ModelSpec spec;
    cv::dnn::Net net;
};

Run naiveLoop(const Dataset& set, NaiveNetwork& network)
{
    resetPeakResident();
    Run run;
    run.vectors.resize(set.photoCount(), network.spec.embeddingDim);
    const Stopwatch clock;
    for (int i = 0; i < set.photoCount(); ++i)
        run.vectors.row(i) = network.embed(cv::imread(set.photos[size_t(i)].path.toStdString(), cv::IMREAD_COLOR)).transpose();
    run.wall = clock.wall();
    run.cpu = clock.cpu();
    run.peakMiB = processMemoryMiB("VmHWM");
    return run;
}

// embedDataset without a cache, from cold: the extra network is loaded inside the timing.
Run pipeline(const Dataset& set, Embedder& embedder)
{
    releaseSpareEmbedders();
    resetPeakResident();
    Run run;
    const Stopwatch clock;
    run.vectors = embedDataset(set, embedder, nullptr, nullptr, nullptr).vectors;
    run.wall = clock.wall();
    run.cpu = clock.cpu();
    run.peakMiB = processMemoryMiB("VmHWM");
    return run;
}

void compare(const QString& name, const Dataset& set, NaiveNetwork& naiveNetwork, Embedder& embedder, int repeats)
{
    const int n = set.photoCount();
    std::printf("\n%s: %d photos (load average before: %s)\n", qPrintable(name), n, qPrintable(loadAverage()));
    std::printf("  %-8s %-9s %10s %12s %12s %10s\n", "repeat", "loop", "photos/s", "wall ms/ph", "cpu ms/ph", "peak MiB");
    std::vector<double> ratios;
    Run naive, piped;
    for (int r = 1; r <= repeats; ++r) {
        // Alternate which goes first, so that a load change during the run favours neither.
        for (int k = 0; k < 2; ++k) {
            const bool naiveTurn = (k == 0) == (r % 2 == 1);
            Run& run = naiveTurn ? naive : piped;
            run = naiveTurn ? naiveLoop(set, naiveNetwork) : pipeline(set, embedder);
            std::printf("  %-8d %-9s %10.1f %12.1f %12.1f %10.0f\n", r, naiveTurn ? "naive" : "pipeline", n / run.wall,
                        1000 * run.wall / n, 1000 * run.cpu / n, run.peakMiB);
        }
        ratios.push_back(naive.wall / piped.wall);
    }
    // Agreement, apart for photos the pipeline decodes at full size and at reduced size.
    const cv::Size target(embedder.spec().inputWidth, embedder.spec().inputHeight);
    double minCosine[2] = {1, 1};
    int counts[2] = {0, 0};
    for (int i = 0; i < n; ++i) {
        const bool reduced = reducedDecodingFactor(readPhotoBytes(set.photos[size_t(i)].path).data, target) > 1;
        minCosine[reduced] = std::min(minCosine[reduced], double(naive.vectors.row(i).dot(piped.vectors.row(i))));
        ++counts[reduced];
    }
    std::printf("  => pipeline/naive throughput ratio: median %.2fx (per repeat:", median(ratios));
    for (double ratio : ratios) std::printf(" %.2f", ratio);
    std::printf(")\n  => lowest cosine pipeline vs naive: %.6f over %d full-size decodes, %.6f over %d reduced decodes\n",
                minCosine[0], counts[0], minCosine[1], counts[1]);
    std::fflush(stdout);
}

// How long embedDataset takes to return after a cancel request, with the networks busy: a
// canceler thread cancels at several moments of a run on SET; prints the longest wait.
void cancelLatency(const Dataset& set, Embedder& embedder)
{
    std::printf("\ncancel while embedding %d photos (load average %s)\n", set.photoCount(), qPrintable(loadAverage()));
    std::vector<double> waits;
    for (int after : {300, 550, 800, 1050, 1300}) {
        Feedback feedback;
        Stopwatch canceledAt;
        std::thread canceler([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(after));
            canceledAt = Stopwatch();
            feedback.cancel();
        });
        bool canceled = false;
        try {
            embedDataset(set, embedder, nullptr, &feedback, nullptr);
        } catch (const OperationCanceled&) {
            canceled = true;
        }
        canceler.join();
        if (canceled) waits.push_back(1000 * canceledAt.wall());
    }
    std::printf("  canceled %zu of 5 runs; from cancel() to embedDataset returning: max %.0f ms, median %.0f ms\n",
                waits.size(), waits.empty() ? 0.0 : *std::max_element(waits.begin(), waits.end()),
                waits.empty() ? 0.0 : median(waits));
}

// A project whose photos are all in the cache: the first open hashes every file (no project
// index yet), the next ones trust the index. The cache is filled with stand-in vectors: only the
// lookups are timed here, not the network.
void reopen(const Dataset& set, Embedder& embedder)
{
    QTemporaryDir dir;
    const EmbeddingCache cache(embedder.identity(), embedder.dim(), dir.path());
    std::mt19937 generator(3);
    std::normal_distribution<float> normal;
    for (const Photo& photo : set.photos) {
        const PhotoBytes bytes = readPhotoBytes(photo.path);
        Vector v(embedder.dim());
        for (float& x : v) x = normal(generator);
        if (bytes.ok()) cache.store(bytes.sha256Hex, v.normalized());
    }
    std::printf("\nreopen of %d cached photos (%s), load average %s\n", set.photoCount(),
                qPrintable(set.classFolders.value(0).section(QLatin1Char('/'), -2, -2)), qPrintable(loadAverage()));
    for (const char* what : {"first open (no index: read + hash every photo)", "reopen (project index)", "reopen again"}) {
        EmbedReport report;
        resetPeakResident();
        const Stopwatch clock;
        const EmbeddingSet result = embedDataset(set, embedder, &cache, nullptr, &report);
        std::printf("  %-48s %7.0f ms  (%d photos, %d hashed, %d computed, peak %.0f MiB)\n", what, 1000 * clock.wall(),
                    result.size(), report.hashed, report.computed, processMemoryMiB("VmHWM"));
    }
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Naive embedding loop vs Exemplar's pipeline (see bench/README.md)."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("data"), QStringLiteral("Folder holding flowers17 and cars24."), QStringLiteral("dir"),
         QStringLiteral(EXEMPLAR_BENCH_SHARED_DATA_DIR)},
        {QStringLiteral("model"), QStringLiteral("Model spec, or an installed model's name (default: the default model)."), QStringLiteral("spec")},
        {QStringLiteral("photos"), QStringLiteral("Photos sampled from each real set."), QStringLiteral("n"), QStringLiteral("80")},
        {QStringLiteral("large"), QStringLiteral("Generated 12 MP camera JPEGs."), QStringLiteral("n"), QStringLiteral("32")},
        {QStringLiteral("repeats"), QStringLiteral("Naive/pipeline pairs per photo kind."), QStringLiteral("n"), QStringLiteral("2")},
        {QStringLiteral("skip-throughput"), QStringLiteral("Only measure the reopen.")},
    });
    parser.process(app);
    const QString data = parser.value(QStringLiteral("data"));
    const QString spec = parser.value(QStringLiteral("model")).isEmpty() ? defaultModelSpecPath()
                                                                         : resolveModelArgument(parser.value(QStringLiteral("model")));
    const int photos = parser.value(QStringLiteral("photos")).toInt();
    const int large = parser.value(QStringLiteral("large")).toInt();
    const int repeats = std::max(1, parser.value(QStringLiteral("repeats")).toInt());

    Embedder embedder(ModelSpec::load(spec));
    NaiveNetwork naive(embedder.spec());
    naive.embed(cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(128)));  // warm-up, like the Embedder's dry run
    const Dataset flowers = Dataset::scan(data + QStringLiteral("/flowers17"));
    const Dataset cars = Dataset::scan(data + QStringLiteral("/cars24"));
    std::printf("bench/throughput: model %s (input %dx%d%s, both loops), %u hardware threads, pipeline with %d "
                "networks; load average %s\n",
                qPrintable(embedder.spec().name), embedder.spec().inputHeight, embedder.spec().inputWidth,
                qPrintable(embedder.spec().augmentationPhrase()), std::thread::hardware_concurrency(), defaultInferenceThreads(),
                qPrintable(loadAverage()));

    if (!parser.isSet(QStringLiteral("skip-throughput"))) {
        compare(QStringLiteral("flowers17 (~666x500 JPEG)"), sample(flowers, photos), naive, embedder, repeats);
        compare(QStringLiteral("cars24 (~480x250 JPEG)"), sample(cars, photos), naive, embedder, repeats);
        QTemporaryDir dir;
        const Stopwatch making;
        const Dataset big = makeLargePhotos(flowers, large, dir.path(), 4000, 3000);
        qint64 bytes = 0;
        for (const Photo& photo : big.photos) bytes += QFileInfo(photo.path).size();
        std::printf("\n(generated %d JPEGs of 4000x3000, %.1f MB each on average, in %.1f s)\n", big.photoCount(),
                    bytes / 1e6 / std::max(1, big.photoCount()), making.wall());
        compare(QStringLiteral("camera JPEGs (4000x3000, 12 MP)"), big, naive, embedder, repeats);
        cancelLatency(big, embedder);
    }
    reopen(flowers, embedder);
    std::printf("\nload average after: %s\n", qPrintable(loadAverage()));
    return 0;
}
