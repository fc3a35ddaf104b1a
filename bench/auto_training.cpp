// bench/auto_training: where "auto" spends its time on a project with many classes. Cross-
// validates every candidate auto considers, one at a time, and prints each one's wall and CPU
// time beside the whole auto training, on real embeddings of a photo folder (read from the
// embedding cache) or on synthetic clustered embeddings. See bench/README.md.
#include "BenchSupport.h"
#include "SyntheticEmbeddings.h"

#include "Dataset.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "Error.h"
#include "InstalledModels.h"
#include "ModelSpec.h"
#include "TrainingMethod.h"
#include "TrainingSupport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

using namespace exemplar;
using namespace exemplar::bench;

namespace {

EmbeddingSet loadSet(const QCommandLineParser& parser)
{
    if (!parser.positionalArguments().isEmpty()) {
        const QString root = parser.positionalArguments().first();
        Embedder embedder(ModelSpec::load(parser.value(QStringLiteral("model"))));
        const EmbeddingCache cache(embedder.identity(), embedder.dim());
        std::fprintf(stderr, "auto_training: embedding %s (from the cache where possible)\n", qPrintable(root));
        return embedDataset(Dataset::scan(root), embedder, &cache, nullptr, nullptr);
    }
    const int classes = parser.value(QStringLiteral("classes")).toInt();
    const int perClass = parser.value(QStringLiteral("per-class")).toInt();
    return test::makeClusteredSet(std::vector<int>(size_t(classes), perClass), 1280, 1.0f, 1);
}

void timeCandidate(const EmbeddingSet& pool, const QString& label, TrainingOptions options,
                   const std::vector<std::vector<int>>& folds)
{
    options.validateSelection = false;
    const Stopwatch clock;
    const detail::CrossValidationScore score = detail::crossValidate(pool, options, folds, nullptr);
    std::printf("  %-28s %8.2f s %8.2f s cpu   cv accuracy %5.1f%%\n", qPrintable(label), clock.wall(), clock.cpu(),
                100 * score.accuracy);
    std::fflush(stdout);
}

// All C values of the grid as auto cross-validates them: one regularization path per fold.
void timeLinearPath(const EmbeddingSet& pool, const QString& method, const TrainingOptions& options,
                    const std::vector<std::vector<int>>& folds)
{
    const Stopwatch clock;
    const std::vector<detail::CrossValidationScore> scores = detail::crossValidateLinearPath(
        pool, options, method == QStringLiteral("whitened-linear"), options.linearCGrid, folds, nullptr);
    QStringList accuracies;
    for (size_t i = 0; i < scores.size(); ++i)
        accuracies << (scores[i].skipped ? QStringLiteral("C=%1: skipped").arg(options.linearCGrid[i])
                                         : QStringLiteral("C=%1: %2%").arg(options.linearCGrid[i]).arg(100 * scores[i].accuracy, 0, 'f', 1));
    std::printf("  %-28s %8.2f s %8.2f s cpu   cv accuracy %s\n", qPrintable(method + QStringLiteral(" (path)")),
                clock.wall(), clock.cpu(), qPrintable(accuracies.join(QStringLiteral(", "))));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Times each candidate of the 'auto' training method."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Folder of class folders (optional)."));
    parser.addOption({QStringLiteral("model"), QStringLiteral("Model spec."), QStringLiteral("spec"), defaultModelSpecPath()});
    parser.addOption({QStringLiteral("classes"), QStringLiteral("Synthetic classes."), QStringLiteral("n"), QStringLiteral("200")});
    parser.addOption({QStringLiteral("per-class"), QStringLiteral("Synthetic photos per class."), QStringLiteral("n"), QStringLiteral("10")});
    parser.addOption({QStringLiteral("candidates"), QStringLiteral("Also time each candidate alone.")});
    parser.addOption({QStringLiteral("separate-c"),
                      QStringLiteral("With --candidates, also time each C of the linear heads as a separate cross-validation.")});
    parser.process(app);
    try {
        const EmbeddingSet pool = loadSet(parser);
        std::printf("auto_training: %d photos, %d classes, load %s\n", pool.size(), pool.classCount(),
                    qPrintable(loadAverage()));
        TrainingOptions options;
        options.method = QStringLiteral("auto");
        if (parser.isSet(QStringLiteral("candidates"))) {
            const auto folds = stratifiedFolds(pool.labels, pool.groups, pool.classCount(),
                                               options.crossValidationFolds, options.optimizer.seed);
            for (const QString& method : {QStringLiteral("centroid"), QStringLiteral("whitened-centroid"),
                                          QStringLiteral("all"), QStringLiteral("whitened-all")}) {
                TrainingOptions one = options;
                one.method = method;
                timeCandidate(pool, method, one, folds);
            }
            for (const QString& method : {QStringLiteral("linear"), QStringLiteral("whitened-linear")}) {
                if (parser.isSet(QStringLiteral("separate-c")))
                    for (double C : options.linearCGrid) {
                        TrainingOptions one = options;
                        one.method = method;
                        one.linearC = C;
                        timeCandidate(pool, QStringLiteral("%1 (C=%2)").arg(method).arg(C), one, folds);
                    }
                timeLinearPath(pool, method, options, folds);
            }
            TrainingOptions one = options;
            one.method = QStringLiteral("least-central");
            timeCandidate(pool, QStringLiteral("least-central"), one, folds);
        }
        const Stopwatch clock;
        const TrainingResult result = train(pool, options, nullptr);
        std::printf("  %-28s %8.2f s %8.2f s cpu   chose %s\n", "auto (whole training)", clock.wall(), clock.cpu(),
                    qPrintable(result.details.value(QStringLiteral("auto")).toObject().value(QStringLiteral("chosen")).toString()));
    } catch (const Error& error) {
        std::fprintf(stderr, "auto_training: %s\n", qPrintable(error.message()));
        return 1;
    }
    return 0;
}
