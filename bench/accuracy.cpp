// bench/accuracy: the method comparison as a Markdown table — every method × every photo set in
// ../shared/data × pool sizes, mean ± sd of test accuracy over repeated honest splits (each
// method sees only the pool; accuracy is measured on every other photo; near-identical photos are
// never split between the two), and seconds per train.
//
//   build/bench/accuracy [--repeats 10] [--pools 5,10,15] [--methods all,centroid,...] [--transductive]
//                        [--background-halves N] [--data DIR] [--sets flowers17,cars24] [--model SPEC] [--out FILE.md]
//                        [--whitening-shrinkage E] [--class-mean-shrinkage E] [--discriminant-shrinkage E]
//
// The two shrinkage options measure a whitening ε other than the product's (relative to the mean
// eigenvalue): --whitening-shrinkage for whitened-all and whitened-linear (TrainingOptions::
// whiteningShrinkage), --class-mean-shrinkage for whitened-centroid and --discriminant-shrinkage
// for discriminant-centroid (instead of the model spec's).
//
// --background-halves N: background photos, measured. Each set's classes are split N times at
// random into halves; the first half is the dataset, the photos of the other half the background
// (other things of the same kind, never a class: TrainingOptions::whiteningBackground), and each
// cell reads "without → with background".
#include "BenchSupport.h"
#include "Dataset.h"
#include "DuplicateGroups.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "EmbeddingSet.h"
#include "Error.h"
#include "HonestEvaluation.h"
#include "InstalledModels.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QSaveFile>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <random>

using namespace exemplar;

namespace {

// The photos of CLASSES (indices into SET's classes), relabeled 0… in that order. Built on
// subset(), so that what the set carries from its model (near-identical cosine, shrinkage) stays.
EmbeddingSet onlyClasses(const EmbeddingSet& set, const std::vector<int>& classes)
{
    std::vector<int> newLabel(size_t(set.classCount()), -1), rows;
    for (size_t i = 0; i < classes.size(); ++i) newLabel[size_t(classes[i])] = int(i);
    for (int row = 0; row < set.size(); ++row)
        if (newLabel[size_t(set.labels[size_t(row)])] >= 0) rows.push_back(row);
    EmbeddingSet result = set.subset(rows);
    result.classNames.clear();
    for (int c : classes) result.classNames << set.classNames[c];
    for (int& label : result.labels) label = newLabel[size_t(label)];
    return result;
}

QList<int> parseInts(const QString& text)
{
    QList<int> values;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) values << part.trimmed().toInt();
    return values;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Honest method comparison on the shared photo sets, as Markdown."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("pools"), QStringLiteral("Pool sizes (photos per class)."), QStringLiteral("list"),
         QStringLiteral("5,10,15")},
        {QStringLiteral("repeats"), QStringLiteral("Random splits per cell (at least 10 for the table)."),
         QStringLiteral("n"), QStringLiteral("10")},
        {QStringLiteral("methods"), QStringLiteral("Methods to compare."), QStringLiteral("list"),
         QStringLiteral("all,centroid,seed,linear,whitened-centroid,whitened-linear,auto")},
        {QStringLiteral("transductive"), QStringLiteral("Self-train with each repetition's test photos as the unlabeled "
                                                        "photos (their pixels, never their labels).")},
        {QStringLiteral("background-halves"),
         QStringLiteral("Measure background photos instead: N random halvings of each set's classes, one half the "
                        "dataset and the other its background."),
         QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("background-kinds"),
         QStringLiteral("With --background-halves: the background photos keep their classes as kinds, as a background "
                        "folder sorted into one subfolder per kind does.")},
        {QStringLiteral("whitening-shrinkage"),
         QStringLiteral("Whitening ε for whitened-all and whitened-linear, relative to the mean eigenvalue "
                        "(default: the product's)."),
         QStringLiteral("E")},
        {QStringLiteral("class-mean-shrinkage"),
         QStringLiteral("Whitening ε for whitened-centroid (default: the model spec's)."), QStringLiteral("E")},
        {QStringLiteral("discriminant-shrinkage"),
         QStringLiteral("Within-class whitening ε for discriminant-centroid (default: the model spec's)."),
         QStringLiteral("E")},
    });
    parser.addOptions(bench::photoSetOptions(QStringLiteral(EXEMPLAR_BENCH_SHARED_DATA_DIR)));
    parser.process(app);

    try {
        Embedder embedder(ModelSpec::load(bench::modelSpecOption(parser)));
        const EmbeddingCache cache(embedder.identity(), embedder.dim());
        EvaluationOptions options;
        options.repeats = parser.value(QStringLiteral("repeats")).toInt();
        options.methods = parser.value(QStringLiteral("methods")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        options.transductive = parser.isSet(QStringLiteral("transductive"));
        QString shrinkageNote;
        for (const auto& [option, target] :
             {std::pair{QStringLiteral("whitening-shrinkage"), &options.training.whiteningShrinkage},
              std::pair{QStringLiteral("class-mean-shrinkage"), &options.training.classMeanWhiteningShrinkage},
              std::pair{QStringLiteral("discriminant-shrinkage"), &options.training.discriminantShrinkage}}) {
            if (!parser.isSet(option)) continue;
            bool ok = false;
            const double value = parser.value(option).toDouble(&ok);
            if (!ok || !(value > 0) || !std::isfinite(value))
                throw Error(QStringLiteral("--%1 needs a positive number, not '%2'").arg(option, parser.value(option)));
            *target = value;
            shrinkageNote += QStringLiteral(" --%1 %2").arg(option).arg(value);
        }
        const QList<int> pools = parseInts(parser.value(QStringLiteral("pools")));
        const int halvings = parser.value(QStringLiteral("background-halves")).toInt();
        const bool backgroundKinds = parser.isSet(QStringLiteral("background-kinds"));
        if (halvings > 0) {
            QString table = QStringLiteral("# Background photos (honest protocol)\n\n");
            table += QStringLiteral("Model %1; per set, %2 random halvings of its classes (seeds 100…): one half is the "
                                    "dataset, the photos of the other half its background%5. %3 repetitions per cell "
                                    "(seed 7); accuracy on the test photos, mean ± sd, without → with the background. "
                                    "Generated %4 by `build/bench/accuracy --background-halves %2%6`.\n\n")
                         .arg(embedder.spec().name).arg(halvings).arg(options.repeats)
                         .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
                         .arg(backgroundKinds ? QStringLiteral(", sorted by kind (its classes)") : QString())
                         .arg(backgroundKinds ? QStringLiteral(" --background-kinds") : QString());
            table += QStringLiteral("| set | halving | pool | ") + options.methods.join(QStringLiteral(" | ")) +
                     QStringLiteral(" |\n|---|---|---|");
            for (int i = 0; i < options.methods.size(); ++i) table += QStringLiteral("---|");
            table += QLatin1Char('\n');
            options.seed = 7;
            for (const QString& root : bench::photoSetFolders(parser, "accuracy")) {
                const QString name = QFileInfo(root).fileName();
                std::fprintf(stderr, "accuracy: embedding %s\n", qPrintable(root));
                const EmbeddingSet all = embedDataset(Dataset::scan(root), embedder, &cache, nullptr, nullptr);
                for (int halving = 0; halving < halvings; ++halving) {
                    std::vector<int> classes(size_t(all.classCount()));
                    std::iota(classes.begin(), classes.end(), 0);
                    std::shuffle(classes.begin(), classes.end(), std::mt19937(100u + unsigned(halving)));
                    const size_t half = classes.size() / 2;
                    std::vector<int> dataset(classes.begin(), classes.begin() + long(half)),
                        others(classes.begin() + long(half), classes.end());
                    std::sort(dataset.begin(), dataset.end());
                    std::sort(others.begin(), others.end());
                    const EmbeddingSet data = onlyClasses(all, dataset);
                    const EmbeddingSet otherHalf = onlyClasses(all, others);
                    const auto background = std::make_shared<const Matrix>(otherHalf.vectors);
                    const auto kinds = backgroundKinds ? std::make_shared<const std::vector<int>>(otherHalf.labels) : nullptr;
                    for (int pool : pools) {
                        options.pool = pool;
                        options.training.whiteningBackground = nullptr;
                        options.training.whiteningBackgroundKinds = nullptr;
                        const EvaluationReport plain = evaluateHonestly(data, options);
                        options.training.whiteningBackground = background;
                        options.training.whiteningBackgroundKinds = kinds;
                        const EvaluationReport with = evaluateHonestly(data, options);
                        QString row = QStringLiteral("| %1 | %2 | %3 |").arg(name).arg(halving + 1).arg(pool);
                        for (size_t m = 0; m < plain.methods.size(); ++m)
                            row += QStringLiteral(" %1 ± %2 → %3 ± %4 |")
                                       .arg(100 * plain.methods[m].accuracyMean, 0, 'f', 1)
                                       .arg(100 * plain.methods[m].accuracyStd, 0, 'f', 1)
                                       .arg(100 * with.methods[m].accuracyMean, 0, 'f', 1)
                                       .arg(100 * with.methods[m].accuracyStd, 0, 'f', 1);
                        table += row + QLatin1Char('\n');
                        std::fprintf(stderr, "%s\n", qPrintable(row));
                    }
                }
            }
            bench::printTable(parser, table);
            return 0;
        }

        QString table;
        table += options.transductive ? QStringLiteral("# Method comparison (honest protocol), transductive self-training\n\n")
                                      : QStringLiteral("# Method comparison (honest protocol)\n\n");
        table += QStringLiteral("Model %1; %2 repetitions per cell (seed 1); accuracy on the test photos, mean ± sd%5; "
                                "seconds = mean training time per repetition. Generated %3 by `build/bench/accuracy%4`.\n\n")
                     .arg(embedder.spec().name).arg(options.repeats)
                     .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate),
                          shrinkageNote + (options.transductive ? QStringLiteral(" --transductive") : QString()),
                          options.transductive ? QStringLiteral(", without → with self-training on the same splits")
                                               : QString());
        table += QStringLiteral("| set | pool | ") + options.methods.join(QStringLiteral(" | ")) + QStringLiteral(" |\n|---|---|");
        for (int i = 0; i < options.methods.size(); ++i) table += QStringLiteral("---|");
        table += QLatin1Char('\n');

        QStringList grouping;  // per set: how many photos the splits had to keep together
        for (const QString& root : bench::photoSetFolders(parser, "accuracy")) {
            const QString name = QFileInfo(root).fileName();
            std::fprintf(stderr, "accuracy: embedding %s\n", qPrintable(root));
            const EmbeddingSet data = embedDataset(Dataset::scan(root), embedder, &cache, nullptr, nullptr);
            for (int pool : pools) {
                options.pool = pool;
                std::fprintf(stderr, "accuracy: %s, pool %d\n", qPrintable(name), pool);
                const EvaluationReport report = evaluateHonestly(data, options);
                if (pool == pools.front())
                    grouping << QStringLiteral("%1: %2").arg(name, duplicateGroupsSummary(report.groupedPhotos,
                                                                                          report.duplicateGroups));
                QString row = QStringLiteral("| %1 | %2 |").arg(name).arg(pool);
                for (const MethodSummary& m : report.methods) {
                    // Transductive: the plain figure of the same splits first, "plain → with".
                    const QString plain = m.plainAccuracies.empty()
                                              ? QString()
                                              : QStringLiteral("%1 ± %2 → ").arg(100 * m.plainAccuracyMean, 0, 'f', 1)
                                                    .arg(100 * m.plainAccuracyStd, 0, 'f', 1);
                    row += QStringLiteral(" %1%2 ± %3 (%4 s) |")
                               .arg(plain)
                               .arg(100 * m.accuracyMean, 0, 'f', 1)
                               .arg(100 * m.accuracyStd, 0, 'f', 1)
                               .arg(m.seconds, 0, 'f', 2);
                }
                table += row + QLatin1Char('\n');
                std::fprintf(stderr, "%s\n", qPrintable(row));
            }
        }
        if (!grouping.isEmpty())
            table += QStringLiteral("\nNear-identical photos (same file, or embedding cosine ≥ %1, the model's): %2.\n")
                         .arg(embedder.spec().nearIdenticalCosine)
                         .arg(grouping.join(QStringLiteral("; ")));
        bench::printTable(parser, table);
    } catch (const Error& e) {
        std::fprintf(stderr, "accuracy: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
