// exemplar-cli info: what a reference set, or the model and cache, holds.
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
#include "TrainWorkflow.h"

#include <algorithm>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <memory>

namespace exemplar::cli {

int runInfo(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Describe a reference-set file; without one, describe the model and the embedding cache."));
    parser.addPositionalArgument(QStringLiteral("SET"), QStringLiteral("Reference-set file (.exref)."), QStringLiteral("[SET]"));
    addCommonOptions(&parser);
    parseOrThrow(&parser, QStringLiteral("info"), args);
    const CommonOptions common = commonOptions(parser);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) throw UsageError{QStringLiteral("expected at most one reference set")};

    if (positional.isEmpty()) {
        const std::unique_ptr<Embedder> embedder = loadEmbedder(common);
        const ModelSpec& spec = embedder->spec();
        const QString cacheRoot = common.cacheDir.isEmpty() ? EmbeddingCache::defaultRootDir() : common.cacheDir;
        const EmbeddingCache cache(embedder->identity(), embedder->dim(), cacheRoot);
        const QJsonObject json{{QStringLiteral("model"), spec.name},
                               {QStringLiteral("spec"), spec.specPath},
                               {QStringLiteral("onnx"), spec.onnxPath},
                               {QStringLiteral("onnx_sha256"), QString::fromLatin1(embedder->onnxSha256())},
                               {QStringLiteral("dim"), embedder->dim()},
                               {QStringLiteral("preprocessing"), spec.preprocessingJson()},
                               {QStringLiteral("cache"), cache.directory()}};
        if (common.json) {
            printJson(json);
        } else {
            std::printf("model:  %s (%d-d embedding from \"%s\")\nspec:   %s\nonnx:   %s\nsha256: %s\ninput:  %d wide × %d high %s, resize %s%s\ncache:  %s\n",
                        printable(spec.name).constData(), embedder->dim(), printable(spec.embeddingOutputLabel()).constData(), printable(spec.specPath).constData(),
                        printable(spec.onnxPath).constData(), embedder->onnxSha256().constData(), spec.inputWidth, spec.inputHeight,
                        spec.rgb ? "RGB" : "BGR", printable(spec.resize).constData(),
                        printable(spec.augmentationPhrase()).constData(), printable(cache.directory()).constData());
        }
        return 0;
    }

    const ReferenceSet set = readReferenceSet(positional.first());
    const std::vector<int> counts = set.head.referencesPerClass();
    // How many background photos the whitening was fitted with (0: none, or a method that did not use them).
    const int backgroundPhotos = unusedBackgroundReason(set).isEmpty()
        ? std::max(0, set.extra.value(QStringLiteral("background_photos")).toInt()) : 0;
    if (common.json) {
        QJsonArray classes;
        for (int c = 0; c < set.head.classNames.size(); ++c)
            classes.append(QJsonObject{{QStringLiteral("name"), set.head.classNames[c]},
                                       {QStringLiteral("references"), counts[size_t(c)]}});
        printJson({{QStringLiteral("file"), QFileInfo(positional.first()).absoluteFilePath()},
                   {QStringLiteral("format_version"), set.formatVersion},
                   {QStringLiteral("created_at"), set.createdAt},
                   {QStringLiteral("model"), set.modelName},
                   {QStringLiteral("onnx_sha256"), set.modelSha256},
                   {QStringLiteral("method"), set.method},
                   {QStringLiteral("references"), set.head.referenceCount()},
                   {QStringLiteral("dim"), set.head.dim()},
                   {QStringLiteral("classes"), classes},
                   {QStringLiteral("unknown_rule"), set.head.unknownRule()},
                   {QStringLiteral("selection"), set.selection},
                   {QStringLiteral("evaluation"), set.evaluation},
                   {QStringLiteral("background_photos"), backgroundPhotos}});
        return 0;
    }
    std::printf("%s\n  format version %d, created %s\n  model %s (onnx sha256 %s)\n  method %s: %d references, %d-d\n",
                printable(positional.first()).constData(), set.formatVersion, printable(set.createdAt).constData(), printable(set.modelName).constData(),
                printable(set.modelSha256.left(16)).constData(), printable(set.method).constData(), set.head.referenceCount(), set.head.dim());
    for (int c = 0; c < set.head.classNames.size(); ++c)
        std::printf("    %-32s %d\n", printable(set.head.classNames[c]).constData(), counts[size_t(c)]);
    std::printf("  %s\n", printable(set.head.unknownRule()).constData());
    if (backgroundPhotos > 0)
        std::printf("  whitening fitted on the training photos and %d background photos\n", backgroundPhotos);
    if (set.evaluation.contains(QStringLiteral("accuracy")))
        std::printf("  held-out accuracy %s, weighted F1 %s (%d photos)%s\n",
                    printable(heldOutFigure(set.evaluation, QStringLiteral("accuracy"))).constData(),
                    printable(heldOutFigure(set.evaluation, QStringLiteral("weighted_f1"))).constData(),
                    std::max(0, set.evaluation.value(QStringLiteral("total")).toInt()),
                    printable(answeredUnknownNote(set.evaluation)).constData());
    else
        std::printf("  %s\n", printable(set.evaluation.value(QStringLiteral("protocol")).toString()).constData());
    return 0;
}

} // namespace exemplar::cli
