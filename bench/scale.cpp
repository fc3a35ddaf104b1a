// bench/scale: how the project-wide computations grow with the number of photos, on synthetic
// clustered embeddings (no model, no photos). For each size it prints the time and the memory of
// every stage, so that linear and quadratic growth can be told apart. See bench/README.md.
#include "BenchSupport.h"
#include "SyntheticEmbeddings.h"

#include "BackgroundSpread.h"
#include "Centrality.h"
#include "EmbeddingIndex.h"
#include "ReferenceHead.h"
#include "SimilarityStatistics.h"
#include "TrainingMethod.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdio>
#include <functional>

using namespace exemplar;
using namespace exemplar::bench;

namespace {

constexpr int kClasses = 12;

// Runs STAGE and prints its wall time, CPU time and peak resident memory above what was resident
// before it (the stage's own working memory).
void stage(const char* name, int n, const std::function<QString()>& body)
{
    resetPeakResident();
    const double before = processMemoryMiB("VmRSS");
    const Stopwatch clock;
    const QString note = body();
    const double wall = clock.wall(), cpu = clock.cpu();
    std::printf("  %-7d %-34s %9.1f ms %9.1f ms cpu %8.1f MiB   %s\n", n, name, 1000 * wall, 1000 * cpu,
                processMemoryMiB("VmHWM") - before, qPrintable(note));
    std::fflush(stdout);
}

EmbeddingSet syntheticProject(int n, int dim, quint64 seed)
{
    std::vector<int> counts(kClasses, n / kClasses);
    counts[0] += n - (n / kClasses) * kClasses;
    return test::makeClusteredSet(counts, dim, 1.0f, seed);
}

void measure(int n, int dim, int optimizerBudget)
{
    EmbeddingSet set;
    stage("make synthetic embeddings", n, [&] {
        set = syntheticProject(n, dim, 1);
        return QStringLiteral("%1 x %2 float32 = %3 MiB").arg(n).arg(dim).arg(double(n) * dim * 4 / 1048576, 0, 'f', 1);
    });
    stage("centrality (power iteration)", n, [&] {
        const Vector c = eigenvectorCentrality(set.vectors);
        return QStringLiteral("min %1 max %2").arg(c.minCoeff()).arg(c.maxCoeff());
    });
    stage("class-by-class mean similarity", n, [&] {
        const Matrix m = classMeanSimilarity(set.vectors, set.labels, kClasses);
        return QStringLiteral("%1x%1, diagonal mean %2").arg(kClasses).arg(m.diagonal().mean());
    });
    stage("similarity histogram", n, [&] {
        const SimilarityHistogram h = similarityHistogram(set.vectors, set.labels);
        return QStringLiteral("%1 pairs%2").arg(h.pairsCounted()).arg(h.sampled ? QStringLiteral(" (sampled)") : QString());
    });
    stage("drill-down block (class 0 x class 1)", n, [&] {
        std::vector<int> a, b;
        for (int i = 0; i < set.size(); ++i) (set.labels[size_t(i)] == 0 ? a : b).push_back(i);
        b.resize(std::min(b.size(), a.size()));
        const Matrix block = similarityBlock(set.vectors, a, b);
        return QStringLiteral("%1x%2").arg(block.rows()).arg(block.cols());
    });
    stage("classify one photo (1-NN over all)", n, [&] {
        ReferenceHead head;
        head.classNames = set.classNames;
        head.references = set.vectors;
        head.bias = Vector::Zero(set.size());
        head.referenceClass = set.labels;
        head.referenceInfo.resize(size_t(set.size()));
        const Stopwatch clock;
        const Prediction p = head.predict(set.vectors.row(n / 2).transpose());
        return QStringLiteral("predict alone %1 ms, class %2").arg(1000 * clock.wall(), 0, 'f', 2).arg(p.bestClass());
    });
    stage("background summary (12 kinds, 256 axes)", n, [&] {
        // The whitenings read background photos through it; it grows linearly with the photos.
        const BackgroundSpread spread = BackgroundSpread::of(set.vectors, set.labels);
        return QStringLiteral("%1 places, %2 + %3 axes")
            .arg(spread.positions.rows()).arg(spread.betweenAxes.rows()).arg(spread.withinAxes.rows());
    });
    QTemporaryDir dir;
    const QString indexPath = dir.filePath(QStringLiteral("project.idx"));
    stage("project index: save", n, [&] {
        EmbeddingIndex index(indexPath, dim);
        for (int i = 0; i < set.size(); ++i) {
            FileStamp stamp;
            stamp.size = 100000 + i;
            stamp.mtimeNs = 1'600'000'000'000'000'000 + i;
            stamp.statedAtNs = stamp.mtimeNs + 10'000'000'000;
            index.record(set.paths[i], {stamp, set.contentHashes[i].toLatin1(), set.vectors.row(i).transpose()});
        }
        index.save();
        return QStringLiteral("%1 MB").arg(QFileInfo(indexPath).size() / 1e6, 0, 'f', 1);
    });
    stage("project index: load", n, [&] {
        EmbeddingIndex index(indexPath, dim);
        index.load();
        return QStringLiteral("%1 entries").arg(index.loadedCount());
    });
    if (optimizerBudget > 0) {
        // The optimizer works on the labeled pool (a dozen photos per class), whatever the project size.
        stage("optimizer, 12 classes x 12 (seed, bayes)", 144, [&] {
            const EmbeddingSet pool = syntheticProject(kClasses * 12, dim, 2);
            TrainingOptions options;
            options.method = QStringLiteral("seed");
            options.optimizer.budget = optimizerBudget;
            const TrainingResult result = train(pool, options);
            return QStringLiteral("budget %1, %2 references").arg(optimizerBudget).arg(result.head.referenceCount());
        });
    }
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Project-wide computations at growing sizes (see bench/README.md)."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("sizes"), QStringLiteral("Comma-separated photo counts."), QStringLiteral("list"),
         QStringLiteral("1000,10000,100000")},
        {QStringLiteral("budget"), QStringLiteral("Optimizer evaluations (0 skips the optimizer)."), QStringLiteral("n"),
         QStringLiteral("60")},
        // 1280 is one pooled output of the network; the default model's embedding is 2432 long
        // (average + GeM sum, then an earlier block's 1152-channel pool).
        {QStringLiteral("dim"), QStringLiteral("Embedding length."), QStringLiteral("n"), QStringLiteral("1280")},
    });
    parser.process(app);
    bool dimOk = false;
    const int dim = parser.value(QStringLiteral("dim")).toInt(&dimOk);
    if (!dimOk || dim < 2 || dim > 65536) {
        std::fprintf(stderr, "bench/scale: --dim must be a whole number from 2 to 65536\n");
        return 2;
    }
    std::printf("bench/scale: synthetic %d-class embeddings, d = %d; load average %s\n", kClasses, dim,
                qPrintable(loadAverage()));
    std::printf("  %-7s %-34s %12s %16s %12s\n", "photos", "stage", "wall", "cpu", "peak +MiB");
    bool first = true;
    for (const QString& size : parser.value(QStringLiteral("sizes")).split(QLatin1Char(','))) {
        measure(size.toInt(), dim, first ? parser.value(QStringLiteral("budget")).toInt() : 0);
        first = false;
    }
    std::printf("load average after: %s\n", qPrintable(loadAverage()));
    return 0;
}
