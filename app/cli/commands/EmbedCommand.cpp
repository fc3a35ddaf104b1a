// exemplar-cli embed: embed every photo of a dataset folder (through the cache).
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

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <memory>

namespace exemplar::cli {

int runEmbed(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Embed every photo of DATASET (one subfolder per class) with the "
                                                    "model, using the cache; list files that could not be read."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Folder of class folders."));
    addCommonOptions(&parser);
    addDatasetOptions(&parser);
    parseOrThrow(&parser, QStringLiteral("embed"), args);
    const CommonOptions common = commonOptions(parser);
    const QString root = requireOnePositional(parser, QStringLiteral("DATASET folder"));

    const EmbeddedDataset data = embedFolder(root, common, datasetScanOptions(parser));
    const std::vector<int> counts = data.embeddings.countsPerClass();
    if (common.json) {
        QJsonArray classes;
        for (int c = 0; c < data.embeddings.classCount(); ++c)
            classes.append(QJsonObject{{QStringLiteral("name"), data.embeddings.classNames[c]},
                                       {QStringLiteral("photos"), counts[size_t(c)]}});
        printJson({{QStringLiteral("dataset"), data.root},
                   {QStringLiteral("model"), data.embedder->spec().name},
                   {QStringLiteral("dim"), data.embedder->dim()},
                   {QStringLiteral("classes"), classes},
                   {QStringLiteral("photos"), data.embeddings.size()},
                   {QStringLiteral("computed"), data.report.computed},
                   {QStringLiteral("from_cache"), data.report.fromCache},
                   {QStringLiteral("skipped"), skippedFilesJson(data.allSkipped())},
                   {QStringLiteral("warnings"),
                    QJsonArray::fromStringList(data.dataset.warnings + data.report.warnings)}});
    } else {
        std::printf("%s: %d classes, %d photos embedded with %s (%d computed, %d from cache), %d files skipped\n",
                    printable(data.root).constData(), data.embeddings.classCount(), data.embeddings.size(),
                    printable(data.embedder->spec().name).constData(), data.report.computed, data.report.fromCache,
                    int(data.allSkipped().size()));
        for (int c = 0; c < data.embeddings.classCount(); ++c)
            std::printf("  %-32s %d\n", printable(data.embeddings.classNames[c]).constData(), counts[size_t(c)]);
    }
    return 0;
}

} // namespace exemplar::cli
