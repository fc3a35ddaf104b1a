// exemplar-cli audit: suspect photos of a dataset folder.
#include "CliCommands.h"
#include "CliSupport.h"

#include "ConfusedPairs.h"
#include "Dataset.h"
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
#include "TrainingMethods.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <memory>

namespace exemplar::cli {

namespace {

// The ten most confused pairs, then the ten most alike ones.
void printConfusedPairs(const ConfusedPairsReport& report)
{
    // One class (or too few photos to hold any out) leaves nothing to confuse: "0 held-out
    // photos, 0.0% right" read as a failed run.
    if (report.heldOut == 0)
        std::printf("most confused pairs: none to rank (cross-validation needs two classes or more, with photos to hold out)\n");
    else
        std::printf("most confused pairs (%d-fold cross-validation of %s, %d held-out photos, %.1f%% right):\n", report.folds,
                    printable(report.method).constData(), report.heldOut, 100 * report.accuracy);
    const std::vector<int> byConfusion = report.byConfusion();
    for (size_t i = 0; i < byConfusion.size() && i < 10; ++i) {
        const ConfusedPair& pair = report.pairs[size_t(byConfusion[i])];
        std::printf("  %s <-> %s: %d errors (%d + %d, %.1f%%), class-mean cosine %.3f\n",
                    printable(report.classNames[pair.a]).constData(), printable(report.classNames[pair.b]).constData(),
                    pair.errors(), pair.aAsB, pair.bAsA, 100 * pair.errorRate(), pair.centroidCosine);
    }
    if (byConfusion.empty() && report.heldOut > 0) std::printf("  (none)\n");
    std::printf("most similar pairs before training:\n");
    const std::vector<int> bySimilarity = report.bySimilarity();
    for (size_t i = 0; i < bySimilarity.size() && i < 10; ++i) {
        const ConfusedPair& pair = report.pairs[size_t(bySimilarity[i])];
        std::printf("  %s <-> %s: class-mean cosine %.3f, closest photos %.3f\n", printable(report.classNames[pair.a]).constData(),
                    printable(report.classNames[pair.b]).constData(), pair.centroidCosine, pair.closestCosine);
    }
}

} // namespace

int runAudit(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("List suspect photos of DATASET: likely mislabeled, outliers of their class, and near-duplicates "
                       "filed under two classes; and groups of near-identical photos within a class (kept on one side "
                       "of every split). Nothing is changed: look at them and decide."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Folder of class folders."));
    addCommonOptions(&parser);
    addDatasetOptions(&parser);
    parser.addOption({QStringLiteral("duplicate-cosine"),
                      QStringLiteral("Cosine at or above which two photos count as near-duplicates. Default: the "
                                     "model's (its spec's near_identical_cosine; %1 unless it says otherwise).")
                          .arg(kNearDuplicateCosine),
                      QStringLiteral("x")});
    parser.addOption({QStringLiteral("confused-pairs"),
                      QStringLiteral("Also rank the class pairs METHOD confuses, cross-validated inside the photos (5 folds, "
                                     "near-identical photos on one side), and the pairs that look most alike."),
                      QStringLiteral("method")});
    parseOrThrow(&parser, QStringLiteral("audit"), args);
    const CommonOptions common = commonOptions(parser);
    const QString root = requireOnePositional(parser, QStringLiteral("DATASET folder"));
    AuditOptions options;
    if (parser.isSet(QStringLiteral("duplicate-cosine"))) {
        options.duplicateCosine = doubleOption(parser, QStringLiteral("duplicate-cosine"), 0.0, 1.0);
        // 0 stands for "the model's" inside (AuditOptions), so it was silently taken as 0.92.
        if (!(options.duplicateCosine > 0))
            throw UsageError{QStringLiteral("--duplicate-cosine must be above 0 (and at most 1)")};
    }

    const QString confusedMethod = parser.value(QStringLiteral("confused-pairs"));
    if (parser.isSet(QStringLiteral("confused-pairs")) && !isTrainingMethod(confusedMethod))  // before any embedding
        throw Error(QStringLiteral("--confused-pairs: unknown method \"%1\" (one of %2)")
                        .arg(confusedMethod, trainingMethodNames().join(QStringLiteral(", "))));

    const EmbeddedDataset data = embedFolder(root, common, datasetScanOptions(parser));
    const AuditReport report = auditPhotos(data.embeddings, options);
    std::unique_ptr<ConfusedPairsReport> confused;
    if (parser.isSet(QStringLiteral("confused-pairs"))) {
        ConfusionOptions confusion;
        confusion.training.method = confusedMethod;
        confusion.groups = report.groups.groupOf;  // the audit's groups: no second search
        confused = std::make_unique<ConfusedPairsReport>(findConfusedPairs(data.embeddings, confusion));
    }
    if (common.json) {
        QJsonObject json = report.toJson(data.embeddings);
        json.insert(QStringLiteral("dataset"), data.root);
        json.insert(QStringLiteral("skipped"), skippedFilesJson(data.allSkipped()));
        json.insert(QStringLiteral("dataset_warnings"), QJsonArray::fromStringList(data.dataset.warnings + data.report.warnings));
        if (confused) json.insert(QStringLiteral("confused_pairs"), confused->toJson());
        printJson(json);
        return 0;
    }
    const EmbeddingSet& photos = data.embeddings;
    std::printf("%s: %d photos, %d suspect, %d within-class duplicate groups\n", printable(data.root).constData(),
                photos.size(), int(report.suspects.size()), int(report.withinClassDuplicates.size()));
    if (report.sampled()) std::printf("  (%s)\n", printable(report.searchNote()).constData());
    for (const SuspectPhoto& suspect : report.suspects)
        std::printf("  [%s] %s: %s\n", printable(suspect.reasons.join(QStringLiteral(", "))).constData(),
                    printable(photos.paths[suspect.row]).constData(), printable(suspect.explanation).constData());
    // Within-class copies are not wrong, but they add nothing: the user may remove the extras.
    for (const WithinClassDuplicates& group : report.withinClassDuplicates) {
        QStringList files;
        for (size_t k = 0; k < group.rows.size(); ++k)
            files << QStringLiteral("%1 (cosine %2)").arg(photos.paths[group.rows[k]]).arg(group.cosines[k], 0, 'f', 3);
        std::printf("  [within-class duplicates] \"%s\": %s\n", printable(photos.classNames[group.classIndex]).constData(),
                    printable(files.join(QStringLiteral(", "))).constData());
    }
    std::printf("%s\n", qPrintable(duplicateGroupsSummary(report.groups.groupedPhotos(), report.groups.sharedGroups())));
    if (confused) printConfusedPairs(*confused);
    return 0;
}

} // namespace exemplar::cli
