// exemplar-cli audit: suspect photos of a dataset folder.
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
                      QStringLiteral("Cosine at or above which two photos count as near-duplicates."),
                      QStringLiteral("x"), QString::number(kNearDuplicateCosine)});
    parseOrThrow(&parser, QStringLiteral("audit"), args);
    const CommonOptions common = commonOptions(parser);
    const QString root = requireOnePositional(parser, QStringLiteral("DATASET folder"));
    AuditOptions options;
    options.duplicateCosine = doubleOption(parser, QStringLiteral("duplicate-cosine"), 0.0, 1.0);

    const EmbeddedDataset data = embedFolder(root, common, datasetScanOptions(parser));
    const AuditReport report = auditPhotos(data.embeddings, options);
    if (common.json) {
        QJsonObject json = report.toJson(data.embeddings);
        json.insert(QStringLiteral("dataset"), data.root);
        json.insert(QStringLiteral("skipped"), skippedFilesJson(data.allSkipped()));
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
    return 0;
}

} // namespace exemplar::cli
