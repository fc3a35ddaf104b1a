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
#include <algorithm>
#include <cstdio>
#include <memory>

namespace exemplar::cli {

namespace {

// "52.1–60.3%", a 95% interval as the table prints it.
QByteArray rangeText(const ProportionInterval& interval)
{
    return QStringLiteral("%1–%2%").arg(100 * interval.low, 0, 'f', 1).arg(100 * interval.high, 0, 'f', 1).toUtf8();
}

// printf pads by bytes: a field of WIDTH characters widened by what TEXT's UTF-8 (the dash) takes
// beyond one byte a character.
int paddedWidth(const QByteArray& text, int width)
{
    return width + int(text.size() - QString::fromUtf8(text).size());
}

void printLearningCurveCheck(const LearningCurveCheck& check)
{
    if (check.empty()) return;
    const QJsonObject json = check.toJson();
    const QJsonArray range = json.value(QStringLiteral("predicted_at_pool_plus_extra_range")).toArray();
    std::printf("learning curve of %s, measured inside each pool:\n", printable(check.method).constData());
    if (!json.contains(QStringLiteral("predicted_at_pool"))) {
        std::printf("  not measured: %s\n", printable(json.value(QStringLiteral("reason")).toString()).constData());
        return;
    }
    std::printf("  at the pool's %d photos per class: predicted %.1f%%, held out %.1f%% "
                "(inside the predicted range in %d of %d repetitions)\n",
                check.pool, 100 * json.value(QStringLiteral("predicted_at_pool")).toDouble(),
                100 * json.value(QStringLiteral("held_out_at_pool")).toDouble(), check.coveredRepetitions(),
                int(check.curves.size()));
    std::printf("  with %d more (%d per class): predicted %.1f%% (%.1f–%.1f%%); eval --pool %d measures it\n",
                check.extraPhotos, check.pool + check.extraPhotos,
                100 * json.value(QStringLiteral("predicted_at_pool_plus_extra")).toDouble(), 100 * range.at(0).toDouble(),
                100 * range.at(1).toDouble(), check.pool + check.extraPhotos);
}

void printUnknownRate(const char* what, const UnknownRate& rate)
{
    std::printf("  %-34s %6.1f%% (95%% interval %.1f%% to %.1f%%, %s)\n", what, 100 * rate.mean,
                100 * rate.interval.low, 100 * rate.interval.high, counted(rate.photos, "photo", "photos").constData());
}

void printUnknown(const UnknownEvaluation& unknown, const QString& foreignFolder)
{
    std::printf("\"unknown\" (nearest training photo in the raw embedding; calibrated inside each pool to reject "
                "%.1f%% of known photos; %d of the repetitions calibrated):\n",
                100 * unknown.knownRejectRate, unknown.calibratedRepeats);
    if (unknown.calibratedRepeats == 0) {
        std::printf("  not measured: the pools are too small to calibrate\n");
        return;
    }
    printUnknownRate("test photos of known classes", unknown.known);
    printUnknownRate(printable(QStringLiteral("foreign photos (%1)").arg(foreignFolder)).constData(), unknown.foreign);
}

} // namespace

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
        {QStringLiteral("learning-curve"),
         QStringLiteral("Also measure METHOD's learning curve inside every pool (\"auto\": the method it chose) and "
                        "compare its prediction for the pool size with the held-out accuracy."),
         QStringLiteral("method")},
        {QStringLiteral("extra-photos"),
         QStringLiteral("With --learning-curve: predict the accuracy with this many more photos per class."),
         QStringLiteral("n"), QStringLiteral("5")},
        {QStringLiteral("foreign"),
         QStringLiteral("A folder of photos of none of the classes (at any depth). Each repetition then also "
                        "calibrates \"unknown\" inside its pool and reports the share of test photos and of these "
                        "photos answered \"unknown\", with 95% intervals."),
         QStringLiteral("DIR")},
        {QStringLiteral("unknown-rate"),
         QStringLiteral("With --foreign: share of known-class photos allowed to be answered \"unknown\" when "
                        "calibrating."),
         QStringLiteral("fraction"), QString::number(kDefaultKnownRejectRate)},
        {QStringLiteral("unlabeled"),
         QStringLiteral("A folder of photos without labels (at any depth): every method self-trains with them, "
                        "kept in each repetition only when cross-validation inside its pool says it helps."),
         QStringLiteral("DIR")},
        {QStringLiteral("transductive"),
         QStringLiteral("Self-train with each repetition's test photos as the unlabeled photos (their pixels, never "
                        "their labels), as when a user sorts a pile of photos they then classify.")},
        backgroundOption(),
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
    // A method named twice (or by its older name too) is compared once: its rows were printed twice
    // and the JSON, keyed by name, held one.
    options.methods = distinctTrainingMethods(options.methods);
    // Options that mean something only beside another: said, not silently ignored.
    if (parser.isSet(QStringLiteral("extra-photos")) && !parser.isSet(QStringLiteral("learning-curve")))
        throw UsageError{QStringLiteral("--extra-photos needs --learning-curve METHOD")};
    if (parser.isSet(QStringLiteral("unknown-rate")) && !parser.isSet(QStringLiteral("foreign")))
        throw UsageError{QStringLiteral("--unknown-rate needs --foreign DIR (the photos of none of the classes it is "
                                        "measured on)")};

    if (parser.isSet(QStringLiteral("learning-curve"))) {
        options.learningCurveMethod = parser.value(QStringLiteral("learning-curve")).trimmed();
        if (!isTrainingMethod(options.learningCurveMethod))
            throw UsageError{QStringLiteral("unknown method \"%1\" for --learning-curve (known: %2)")
                                 .arg(options.learningCurveMethod, trainingMethodNames().join(QStringLiteral(", ")))};
        options.learningCurveExtra = intOption(parser, QStringLiteral("extra-photos"), 1, 10000);
    }

    options.transductive = parser.isSet(QStringLiteral("transductive"));
    if (options.transductive && parser.isSet(QStringLiteral("unlabeled")))
        throw UsageError{QStringLiteral("--unlabeled and --transductive: choose one")};

    const EmbeddedDataset data = embedFolder(root, common, datasetScanOptions(parser));
    QString foreignFolder;
    int foreignAlsoKnown = 0;
    if (parser.isSet(QStringLiteral("foreign"))) {
        options.knownRejectRate = doubleOption(parser, QStringLiteral("unknown-rate"), 0, 0.5);
        if (options.knownRejectRate <= 0)
            throw UsageError{QStringLiteral("--unknown-rate must be above 0 to measure \"unknown\"")};
        foreignFolder = parser.value(QStringLiteral("foreign"));
        const EmbeddedDataset foreign = embedPhotosWithoutClass(foreignFolder, common, datasetScanOptions(parser));
        options.foreign = foreign.embeddings.vectors;
        // A foreign photo that is also a photo of the dataset would be counted as both.
        for (const QString& hash : foreign.embeddings.contentHashes)
            if (data.embeddings.contentHashes.contains(hash)) ++foreignAlsoKnown;
    }
    if (parser.isSet(QStringLiteral("unlabeled"))) {
        // An unlabeled photo near-identical to a photo of the dataset (a copy, too) may be a test
        // photo: evaluateHonestly leaves it out and says so.
        const QString folder = parser.value(QStringLiteral("unlabeled"));
        const EmbeddedDataset unlabeled = embedPhotosWithoutClass(folder, common, datasetScanOptions(parser));
        options.unlabeled = unlabeled.embeddings;
    }
    QStringList backgroundWarnings;
    const int backgroundKinds =
        addBackgroundPhotos(parser, common, data.embeddings.classNames, &options.training, &backgroundWarnings);
    Feedback feedback;
    StderrProgress progress(!common.quiet);
    progress.attach(&feedback, QStringLiteral("evaluating"));
    EvaluationReport report = evaluateHonestly(data.embeddings, options, &feedback);
    progress.finish();
    report.dataset = data.root;
    report.warnings << backgroundWarnings;
    if (foreignAlsoKnown > 0)
        report.warnings << QStringLiteral("%1 of the foreign photos are also photos of the dataset: their \"unknown\" "
                                          "figure mixes known and foreign").arg(foreignAlsoKnown);

    if (common.json) {
        QJsonObject json = report.toJson();
        json.insert(QStringLiteral("model"), data.embedder->spec().name);
        json.insert(QStringLiteral("skipped"), skippedFilesJson(data.allSkipped()));
        if (report.unknown.measured()) {
            QJsonObject unknown = json.value(QStringLiteral("unknown")).toObject();
            unknown.insert(QStringLiteral("foreign_folder"), foreignFolder);
            json.insert(QStringLiteral("unknown"), unknown);
        }
        printJson(json);
        return 0;
    }
    // A pool larger than every class is cut to leave photos to test: the header says what was
    // asked and what any class got ("pool 100000 per class" read as if it were used).
    const std::vector<int> counts = data.embeddings.countsPerClass();
    const int largestPool = counts.empty() ? 0 : std::max(1, *std::max_element(counts.begin(), counts.end()) - 1);
    const QString pool = report.pool <= largestPool
                             ? QStringLiteral("pool %1 per class").arg(report.pool)
                             : QStringLiteral("pool %1 per class asked, at most %2 given (photos are left to test)")
                                   .arg(report.pool).arg(largestPool);
    std::printf("%s: %s, %s; %s, %s, %s each\n", printable(report.dataset).constData(),
                counted(report.classes, "class", "classes").constData(), counted(report.photos, "photo", "photos").constData(),
                printable(pool).constData(), counted(report.repeats, "repetition", "repetitions").constData(),
                counted(report.testPhotosPerRepeat, "test photo", "test photos").constData());
    std::printf("%s\n", qPrintable(duplicateGroupsSummary(report.groupedPhotos, report.duplicateGroups)));
    if (!report.unlabeled.isEmpty())
        std::printf("self-training with unlabeled photos: %s (kept per repetition only when the pool's own "
                    "cross-validation favoured it)\n", printable(report.unlabeled).constData());
    if (report.backgroundPhotos > 0)
        std::printf("whitening fitted on each pool and %d background photos%s\n", report.backgroundPhotos,
                    backgroundKinds > 0 ? qPrintable(QStringLiteral(" (%1 kinds by subfolder: discriminant-centroid "
                                                                    "learns the spread within a class from them too)")
                                                         .arg(backgroundKinds))
                                        : "");
    // The first column fits the longest method name ("discriminant-centroid" is 21 characters).
    int nameWidth = 18;
    for (const MethodSummary& m : report.methods) nameWidth = std::max(nameWidth, int(printable(m.name).size()));
    // Accuracy: the mean over the repetitions ± their spread, then its 95% interval (each test photo
    // counted once). With unlabeled photos, the same methods without them stand beside.
    const bool withPlain = std::any_of(report.methods.begin(), report.methods.end(),
                                       [](const MethodSummary& m) { return !m.plainAccuracies.empty(); });
    std::printf("%-*s %18s %14s %18s %14s %12s %10s", nameWidth, "method", "accuracy", "95% interval", "weighted F1",
                "95% interval", "refs/class", "seconds");
    if (withPlain) std::printf(" %25s", "without unlabeled photos");
    std::printf("\n");
    for (const MethodSummary& m : report.methods) {
        const QByteArray range = rangeText(report.accuracyInterval(m));
        const std::optional<ProportionInterval> f1Interval = report.weightedF1Interval(m);
        const QByteArray f1Range = f1Interval ? rangeText(*f1Interval) : QByteArray("–");
        std::printf("%-*s %10.1f%% ± %4.1f %*s %10.1f%% ± %4.1f %*s %12.1f %10.3f", nameWidth,
                    printable(m.name).constData(), 100 * m.accuracyMean, 100 * m.accuracyStd, paddedWidth(range, 14),
                    range.constData(), 100 * m.weightedF1Mean, 100 * m.weightedF1Std, paddedWidth(f1Range, 14),
                    f1Range.constData(), m.referencesPerClass, m.seconds);
        if (!m.plainAccuracies.empty()) std::printf(" %17.1f%% ± %4.1f", 100 * m.plainAccuracyMean, 100 * m.plainAccuracyStd);
        std::printf("\n");
    }
    if (report.recommended >= 0)
        std::printf("recommended: %s (the best mean accuracy on the test photos; as the best of several, its figure runs a little high)\n",
                    printable(report.methods[size_t(report.recommended)].name).constData());
    for (const MethodSummary& m : report.methods)
        if (m.selfTrainingUsed >= 0)
            std::printf("%-*s self-training kept in %d of %d repetitions\n", nameWidth, printable(m.name).constData(), m.selfTrainingUsed,
                        int(m.accuracies.size()));
    printLearningCurveCheck(report.learningCurve);
    if (report.unknown.measured()) printUnknown(report.unknown, foreignFolder);
    for (const QString& warning : report.warnings) std::printf("warning: %s\n", printable(warning).constData());
    return 0;
}

} // namespace exemplar::cli
