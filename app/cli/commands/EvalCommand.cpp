// exemplar-cli eval: methods compared honestly on repeated splits of a dataset folder.
#include "CliCommands.h"
#include "CliSupport.h"

#include "Dataset.h"
#include "DuplicateGroups.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "HonestEvaluation.h"
#include "ImageDecoder.h"
#include "ReferenceSetFile.h"
#include "TrainWorkflow.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <memory>

namespace exemplar::cli {

int runEval(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Compare methods honestly: per repetition and class, draw POOL photos as the training pool; "
                       "every other photo is a test photo; each method sees only the pool."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Folder of class folders."));
    addCommonOptions(&parser);
    addDatasetOptions(&parser);
    addOptimizerOptions(&parser);
    parser.addOptions({
        {QStringLiteral("pool"), QStringLiteral("Training photos per class."), QStringLiteral("m"), QStringLiteral("10")},
        {QStringLiteral("repeats"), QStringLiteral("Random pool/test splits."), QStringLiteral("r"), QStringLiteral("10")},
        {QStringLiteral("methods"), QStringLiteral("Comma-separated training methods:\n") + methodHelp(),
         QStringLiteral("list"), defaultComparedMethods().join(QLatin1Char(','))},
    });
    parseOrThrow(&parser, QStringLiteral("eval"), args);
    const CommonOptions common = commonOptions(parser);
    const QString root = requireOnePositional(parser, QStringLiteral("DATASET folder"));
    EvaluationOptions options;
    options.pool = intOption(parser, QStringLiteral("pool"), 1, 100000);
    options.repeats = intOption(parser, QStringLiteral("repeats"), 1, 10000);
    options.seed = seedOption(parser);
    options.training = trainingOptions(parser);
    options.methods = parser.value(QStringLiteral("methods")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString& method : options.methods) method = method.trimmed();
    for (const QString& method : options.methods)
        if (!isTrainingMethod(method))
            throw UsageError{QStringLiteral("unknown method \"%1\" (known: %2)")
                                 .arg(method, trainingMethodNames().join(QStringLiteral(", ")))};

    const EmbeddedDataset data = embedFolder(root, common, datasetScanOptions(parser));
    Feedback feedback;
    StderrProgress progress(!common.quiet);
    progress.attach(&feedback, QStringLiteral("evaluating"));
    EvaluationReport report = evaluateHonestly(data.embeddings, options, &feedback);
    progress.finish();
    report.dataset = data.root;

    if (common.json) {
        QJsonObject json = report.toJson();
        json.insert(QStringLiteral("model"), data.embedder->spec().name);
        json.insert(QStringLiteral("skipped"), skippedFilesJson(data.allSkipped()));
        printJson(json);
        return 0;
    }
    std::printf("%s: %d classes, %d photos; pool %d per class, %d repetitions, %d test photos each\n",
                printable(report.dataset).constData(), report.classes, report.photos, report.pool, report.repeats,
                report.testPhotosPerRepeat);
    std::printf("%s\n", qPrintable(duplicateGroupsSummary(report.groupedPhotos, report.duplicateGroups)));
    std::printf("%-18s %18s %18s %12s %10s\n", "method", "accuracy", "weighted F1", "refs/class", "seconds");
    for (const MethodSummary& m : report.methods)
        std::printf("%-18s %10.1f%% ± %4.1f %10.1f%% ± %4.1f %12.1f %10.3f\n", printable(m.name).constData(),
                    100 * m.accuracyMean, 100 * m.accuracyStd, 100 * m.weightedF1Mean, 100 * m.weightedF1Std,
                    m.referencesPerClass, m.seconds);
    for (const QString& warning : report.warnings) std::printf("warning: %s\n", printable(warning).constData());
    return 0;
}

} // namespace exemplar::cli
