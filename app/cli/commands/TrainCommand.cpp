// exemplar-cli train: the train workflow (core/workflow) on a dataset folder, written as a reference set.
#include "CliCommands.h"
#include "CliSupport.h"

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
#include "RegularFile.h"
#include "TrainWorkflow.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <memory>

namespace exemplar::cli {

int runTrain(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Train a reference set from DATASET. A fraction of each class is held out (never used to "
                       "choose references) and the set's accuracy on it is recorded in the file."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Folder of class folders."));
    addCommonOptions(&parser);
    addDatasetOptions(&parser);
    addOptimizerOptions(&parser);
    parser.addOptions({
        {{QStringLiteral("o"), QStringLiteral("out")}, QStringLiteral("Reference-set file to write (.exref)."),
         QStringLiteral("file")},
        {QStringLiteral("method"), QStringLiteral("Training method:\n") + methodHelp(), QStringLiteral("name"),
         defaultTrainingMethod()},
        {QStringLiteral("holdout"),
         QStringLiteral("Fraction of each class held out for the honest report (0 = train on everything, no report)."),
         QStringLiteral("fraction"), QString::number(kDefaultHoldoutFraction)},
        {QStringLiteral("unknown-rate"),
         QStringLiteral("Share of known-class photos allowed to be answered \"unknown\" when calibrating the "
                        "rejection threshold (0 = never answer unknown)."),
         QStringLiteral("fraction"), QString::number(kDefaultKnownRejectRate)},
        {QStringLiteral("unlabeled"),
         QStringLiteral("A folder of photos without labels (at any depth): the method self-trains with them when "
                        "cross-validation inside the training photos says it helps (the set's \"selection\" records it)."),
         QStringLiteral("DIR")},
        backgroundOption(),
    });
    parseOrThrow(&parser, QStringLiteral("train"), args);
    const CommonOptions common = commonOptions(parser);
    const QString root = requireOnePositional(parser, QStringLiteral("DATASET folder"));
    const QString out = parser.value(QStringLiteral("out"));
    if (out.isEmpty()) throw UsageError{QStringLiteral("--out FILE.exref is required")};
    refuseToReplaceAnotherKind(out, QStringLiteral("a reference set"), startsLikeReferenceSet);  // before any work
    refuseUnwritableDestination(out);
    TrainingOptions options = trainingOptions(parser);
    options.method = parser.value(QStringLiteral("method"));
    if (!isTrainingMethod(options.method))
        throw UsageError{QStringLiteral("--method must be one of %1").arg(trainingMethodNames().join(QStringLiteral(", ")))};
    const double holdout = doubleOption(parser, QStringLiteral("holdout"), 0.0, 0.9);
    const double unknownRate = doubleOption(parser, QStringLiteral("unknown-rate"), 0.0, 0.5);

    const EmbeddedDataset data = embedFolder(root, common, datasetScanOptions(parser));
    TrainRequest request;
    request.training = options;
    QStringList backgroundWarnings;
    addBackgroundPhotos(parser, common, data.embeddings.classNames, &request.training, &backgroundWarnings);
    request.holdoutFraction = holdout;
    request.knownRejectRate = unknownRate;
    request.model = data.embedder->modelIdentity();
    request.preprocessing = data.embedder->spec().preprocessingJson();
    request.classFolders = data.dataset.classFolders;
    request.skipped = data.allSkipped();
    if (parser.isSet(QStringLiteral("unlabeled"))) {
        const QString folder = parser.value(QStringLiteral("unlabeled"));
        const EmbeddedDataset unlabeled = embedPhotosWithoutClass(folder, common, datasetScanOptions(parser));
        request.unlabeled = unlabeled.embeddings;
    }

    Feedback feedback;
    StderrProgress progress(!common.quiet);
    progress.attach(&feedback, QStringLiteral("training"));
    TrainedReferenceSet trained = trainReferenceSet(data.embeddings, request, &feedback);
    trained.warnings = backgroundWarnings + trained.warnings;
    progress.finish();
    const ReferenceSet& set = trained.set;
    writeReferenceSet(set, out);
    for (const QString& warning : trained.warnings)
        std::fprintf(stderr, "exemplar-cli train: warning: %s\n", printable(warning).constData());

    if (common.json) {
        printJson({{QStringLiteral("out"), QFileInfo(out).absoluteFilePath()},
                   {QStringLiteral("method"), set.method},
                   {QStringLiteral("references"), set.head.referenceCount()},
                   {QStringLiteral("selection"), set.selection},
                   {QStringLiteral("evaluation"), set.evaluation},
                   {QStringLiteral("training_photos"), int(trained.poolPaths.size())},
                   {QStringLiteral("held_out_photos"), int(trained.heldOutPaths.size())},
                   {QStringLiteral("warnings"),
                    QJsonArray::fromStringList(data.dataset.warnings + data.report.warnings + trained.warnings)},
                   {QStringLiteral("skipped"), skippedFilesJson(data.allSkipped())},
                   {QStringLiteral("duplicate_groups"), trained.duplicateGroups.toJson()},
                   {QStringLiteral("background_photos"), set.extra.value(QStringLiteral("background_photos")).toInt()}});
        return 0;
    }
    std::printf("Trained %s: method %s, %s, %s (%s) from %s\n", printable(out).constData(), printable(set.method).constData(),
                counted(set.head.classNames.size(), "class", "classes").constData(),
                counted(set.head.referenceCount(), "reference", "references").constData(),
                printable(countsSummary(set.head.referencesPerClass())).constData(),
                counted(trained.poolPaths.size(), "training photo", "training photos").constData());
    std::printf("%s\n", qPrintable(duplicateGroupsSummary(trained.duplicateGroups.groupedPhotos(),
                                                          trained.duplicateGroups.sharedGroups())));
    if (set.extra.contains(QStringLiteral("background_photos"))) {
        const QString unused = unusedBackgroundReason(set);
        std::printf("Background: %d photos%s\n", set.extra.value(QStringLiteral("background_photos")).toInt(),
                    unused.isEmpty() ? " fitted into the whitening with the training photos"
                                     : qPrintable(QStringLiteral(", unused: ") + unused));
    }
    const QJsonObject self = set.selection.value(QStringLiteral("self_training")).toObject();
    if (self.value(QStringLiteral("stopped")).toBool())
        std::printf("Self-training with %d unlabeled photos: stopped before its check ended (the set is trained without "
                    "them)\n", self.value(QStringLiteral("unlabeled_photos")).toInt());
    else if (!self.isEmpty())
        std::printf("Self-training with %d unlabeled photos: %s (cross-validation inside the training photos: %d of %d right "
                    "with, %d without)\n", self.value(QStringLiteral("unlabeled_photos")).toInt(),
                    self.value(QStringLiteral("used")).toBool() ? "kept" : "not kept", self.value(QStringLiteral("cv_correct_with")).toInt(),
                    self.value(QStringLiteral("cv_photos")).toInt(), self.value(QStringLiteral("cv_correct_without")).toInt());
    if (set.evaluation.contains(QStringLiteral("accuracy")))
        std::printf("Held-out photos (%d, never used for training): accuracy %s, weighted F1 %s%s\n",
                    int(trained.heldOutPaths.size()),
                    printable(heldOutFigure(set.evaluation, QStringLiteral("accuracy"))).constData(),
                    printable(heldOutFigure(set.evaluation, QStringLiteral("weighted_f1"))).constData(),
                    printable(answeredUnknownNote(set.evaluation)).constData());
    else
        std::printf("No photos held out: no honest accuracy figure (use 'exemplar-cli eval').\n");
    return 0;
}

} // namespace exemplar::cli
