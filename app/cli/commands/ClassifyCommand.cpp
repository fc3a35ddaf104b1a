// exemplar-cli classify: photos classified with a reference set.
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
#include "ClassifyPhoto.h"
#include "ReferenceSetFile.h"
#include "TrainWorkflow.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <memory>

namespace exemplar::cli {

int runClassify(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Classify photos with a trained reference set."));
    parser.addPositionalArgument(QStringLiteral("SET"), QStringLiteral("Reference-set file (.exref)."));
    parser.addPositionalArgument(QStringLiteral("PHOTO"), QStringLiteral("Photos to classify."), QStringLiteral("PHOTO..."));
    addCommonOptions(&parser);
    parser.addOption({QStringLiteral("top"), QStringLiteral("Classes to list per photo."), QStringLiteral("k"),
                      QStringLiteral("3")});
    parseOrThrow(&parser, QStringLiteral("classify"), args);
    const CommonOptions common = commonOptions(parser);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() < 2) throw UsageError{QStringLiteral("expected a reference set and at least one photo")};
    const int top = intOption(parser, QStringLiteral("top"), 1, 1000);

    const ReferenceSet set = readReferenceSet(positional.first());
    const std::unique_ptr<Embedder> embedder = loadEmbedder(common);
    try {
        requireSameModel(set, embedder->modelIdentity());
    } catch (const ModelMismatch& error) {
        // Core says what is wrong; the CLI says what to do about it.
        throw Error(error.message() + QStringLiteral("; use --model to load the matching one"));
    }

    QJsonArray results;
    int failures = 0;
    for (const QString& path : positional.mid(1)) {
        const PhotoVerdict verdict = classifyPhotoFile(path, set.head, *embedder);
        if (!verdict.ok()) {
            ++failures;
            std::fprintf(stderr, "exemplar-cli classify: error: %s: %s\n", printable(path).constData(), printable(verdict.error).constData());
            results.append(QJsonObject{{QStringLiteral("file"), path}, {QStringLiteral("error"), verdict.error}});
            continue;
        }
        const Prediction& prediction = verdict.prediction;
        QJsonArray ranked;
        for (int i = 0; i < std::min<int>(top, int(prediction.ranked.size())); ++i) {
            const ClassScore& score = prediction.ranked[size_t(i)];
            ranked.append(QJsonObject{{QStringLiteral("class"), set.head.classNames[score.classIndex]},
                                      {QStringLiteral("score"), double(score.score)},
                                      {QStringLiteral("reference"), set.head.referenceInfo[size_t(score.referenceIndex)].file}});
        }
        const QString nearest = set.head.classNames.value(prediction.bestClass());
        const QString best = prediction.unknown ? QStringLiteral("unknown") : nearest;
        results.append(QJsonObject{{QStringLiteral("file"), path},
                                   {QStringLiteral("class"), best},
                                   {QStringLiteral("unknown"), prediction.unknown},
                                   {QStringLiteral("nearest_class"), nearest},
                                   {QStringLiteral("score"), prediction.ranked.empty() ? 0.0 : double(prediction.ranked[0].score)},
                                   {QStringLiteral("margin"), double(prediction.margin)},
                                   {QStringLiteral("top"), ranked}});
        if (!common.json) {
            if (prediction.unknown)
                std::printf("%s: unknown (nearest class %s scores below the set's threshold %.3f)\n", printable(path).constData(),
                            printable(nearest).constData(), double(set.head.rejectBelow));
            else
                std::printf("%s: %s (margin %.3f)\n", printable(path).constData(), printable(best).constData(), double(prediction.margin));
            for (int i = 0; i < ranked.size(); ++i) {
                const QJsonObject r = ranked[i].toObject();
                std::printf("  %d. %-28s %.4f  nearest reference: %s\n", i + 1,
                            printable(r.value(QStringLiteral("class")).toString()).constData(),
                            r.value(QStringLiteral("score")).toDouble(),
                            printable(r.value(QStringLiteral("reference")).toString()).constData());
            }
        }
    }
    if (common.json) printJson({{QStringLiteral("reference_set"), QFileInfo(positional.first()).absoluteFilePath()},
                                {QStringLiteral("results"), results}});
    return failures == 0 ? 0 : 1;
}

} // namespace exemplar::cli
