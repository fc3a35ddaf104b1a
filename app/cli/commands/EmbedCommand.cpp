// exemplar-cli embed: embed every photo of a dataset folder (through the cache).
#include "CliCommands.h"
#include "CliSupport.h"

#include "Dataset.h"
#include "EmbedDataset.h"
#include "EmbeddingExport.h"
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
    parser.setApplicationDescription(QStringLiteral(
        "Embed every photo of DATASET (one subfolder per class), or of --files-from LIST (each photo's class is "
        "its folder's name), with the model, using the cache; list files that could not be read. Many processes "
        "may fill one cache at once (--cache-dir on a shared file system): every entry is written whole.\n"
        "--out FILE.npy also writes the embeddings as a NumPy float32 array (one L2-normalized row per photo: "
        "classes in name order, a class's photos in folder order, or in list order with --files-from) and "
        "FILE.csv beside it (row, file, class, content SHA-256)."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Folder of class folders."));
    addCommonOptions(&parser);
    addDatasetOptions(&parser);
    addFilesFromOption(&parser);
    parser.addOption({QStringLiteral("out"), QStringLiteral("Write the embeddings to FILE.npy and FILE.csv."),
                      QStringLiteral("FILE.npy")});
    parseOrThrow(&parser, QStringLiteral("embed"), args);
    const CommonOptions common = commonOptions(parser);
    const bool listed = parser.isSet(QStringLiteral("files-from"));
    if (listed && !parser.positionalArguments().isEmpty())
        throw UsageError{QStringLiteral("give a DATASET folder or --files-from LIST, not both")};

    const QString out = parser.value(QStringLiteral("out"));
    if (!out.isEmpty()) refuseUnsuitableEmbeddingOutput(out);  // before the embedding, which takes long
    const EmbeddedDataset data =
        listed ? embedListedDataset(Dataset::fromFiles(filesFromList(parser)), parser.value(QStringLiteral("files-from")), common)
               : embedFolder(requireOnePositional(parser, QStringLiteral("DATASET folder")), common,
                             datasetScanOptions(parser));
    if (!out.isEmpty()) exportEmbeddings(data.embeddings, out);
    const std::vector<int> counts = data.embeddings.countsPerClass();
    if (common.json) {
        QJsonArray classes;
        for (int c = 0; c < data.embeddings.classCount(); ++c)
            classes.append(QJsonObject{{QStringLiteral("name"), data.embeddings.classNames[c]},
                                       {QStringLiteral("photos"), counts[size_t(c)]}});
        printJson({{QStringLiteral("dataset"), data.root},
                   {QStringLiteral("model"), data.embedder->spec().name},
                   {QStringLiteral("dim"), data.embedder->dim()},
                   {QStringLiteral("out"), out.isEmpty() ? QJsonValue() : QJsonValue(QFileInfo(out).absoluteFilePath())},
                   {QStringLiteral("out_csv"), out.isEmpty() ? QJsonValue() : QJsonValue(QFileInfo(embeddingCsvPath(out)).absoluteFilePath())},
                   {QStringLiteral("classes"), classes},
                   {QStringLiteral("photos"), data.embeddings.size()},
                   {QStringLiteral("computed"), data.report.computed},
                   {QStringLiteral("from_cache"), data.report.fromCache},
                   {QStringLiteral("skipped"), skippedFilesJson(data.allSkipped())},
                   {QStringLiteral("warnings"),
                    QJsonArray::fromStringList(data.dataset.warnings + data.report.warnings)}});
    } else {
        std::printf("%s: %s, %s embedded with %s (%d computed, %d from cache), %s skipped\n", printable(data.root).constData(),
                    counted(data.embeddings.classCount(), "class", "classes").constData(),
                    counted(data.embeddings.size(), "photo", "photos").constData(),
                    printable(data.embedder->spec().name).constData(), data.report.computed, data.report.fromCache,
                    counted(data.allSkipped().size(), "file", "files").constData());
        for (int c = 0; c < data.embeddings.classCount(); ++c)
            std::printf("  %-32s %d\n", printable(data.embeddings.classNames[c]).constData(), counts[size_t(c)]);
        if (!out.isEmpty())
            std::printf("embeddings written to %s (float32, %d×%d) and %s\n", printable(out).constData(),
                        data.embeddings.size(), data.embeddings.dim(), printable(embeddingCsvPath(out)).constData());
    }
    return 0;
}

} // namespace exemplar::cli
