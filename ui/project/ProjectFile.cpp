#include "project/ProjectFile.h"

#include "project/PackedRanking.h"
#include "AtomicFile.h"
#include "JsonTextBounds.h"

#include "Error.h"
#include "Feedback.h"
#include "RegularFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <algorithm>
#include <cmath>

namespace exemplar::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ProjectFile", text); }

constexpr qsizetype kMaxProjectJsonValues = 16'000'000;  // some two million photos
// The longest texts of a project are paths (a few KB, escaped) and packed rankings (16 characters
// per class, at most a million classes: 16 MB). One of 500 MB (a damaged or hostile file) would
// take gigabytes as it is read (JsonTextBounds.h).
constexpr qsizetype kMaxProjectStringBytes = 32 << 20;
// Every other text (class names, paths, methods, messages) is a few KB at most: a path is at most
// 4,096 bytes. A longer one is not a project's, and laid out in a widget on the GUI thread (the
// class list, a warning) it froze the window for minutes: a 10 MB class name, 19 s per paint.
constexpr qsizetype kMaxProjectTextChars = 16384;
const QLatin1String kPackedRankingKey("ranking");

// The longest text in VALUE (strings and object keys), packed rankings left out.
qsizetype longestText(const QJsonValue& value)
{
    qsizetype longest = 0;
    if (value.isString()) return value.toString().size();
    if (value.isArray())
        for (const QJsonValue& item : value.toArray()) longest = std::max(longest, longestText(item));
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            longest = std::max(longest, it.key().size());
            if (it.key() != kPackedRankingKey) longest = std::max(longest, longestText(it.value()));
        }
    }
    return longest;
}

QJsonArray intArray(const std::vector<int>& values)
{
    QJsonArray array;
    for (int v : values) array.append(v);
    return array;
}

std::vector<int> intVector(const QJsonValue& value)
{
    std::vector<int> values;
    for (const QJsonValue& v : value.toArray()) values.push_back(v.toInt());
    return values;
}

QJsonObject settingsJson(const ProjectSettings& s)
{
    QJsonObject pinned;
    for (auto it = s.pinnedCounts.begin(); it != s.pinnedCounts.end(); ++it) pinned.insert(it.key(), it.value());
    return {{QStringLiteral("model_spec"), s.modelSpecPath},
            {QStringLiteral("scan_subfolders"), s.scan.recursive},
            {QStringLiteral("method"), s.method},
            {QStringLiteral("optimizer"), optimizerStrategyName(s.strategy)},
            {QStringLiteral("budget"), s.budget},
            {QStringLiteral("seed"), QString::number(s.seed)},
            {QStringLiteral("centrality"), s.centralityScope == CentralityScope::WholeGraph ? QStringLiteral("whole")
                                                                                            : QStringLiteral("class")},
            {QStringLiteral("holdout"), s.holdoutFraction},
            {QStringLiteral("pinned_counts"), pinned},
            {QStringLiteral("comparison_pool"), s.comparisonPool},
            {QStringLiteral("comparison_repeats"), s.comparisonRepeats},
            {QStringLiteral("comparison_methods"), QJsonArray::fromStringList(s.comparisonMethods)},
            {QStringLiteral("known_reject_rate"), s.knownRejectRate},
            {QStringLiteral("top_k"), s.topK}};
}

ProjectSettings settingsFromJson(const QJsonObject& o)
{
    ProjectSettings s;
    s.modelSpecPath = o.value(QStringLiteral("model_spec")).toString();
    // Projects from before the setting read subfolders too: the default applies to them.
    s.scan.recursive = o.value(QStringLiteral("scan_subfolders")).toBool(s.scan.recursive);
    s.method = canonicalTrainingMethod(o.value(QStringLiteral("method")).toString(s.method));
    parseOptimizerStrategy(o.value(QStringLiteral("optimizer")).toString(), &s.strategy);
    s.budget = o.value(QStringLiteral("budget")).toInt(s.budget);
    s.seed = o.value(QStringLiteral("seed")).toString(QStringLiteral("1")).toULongLong();
    s.centralityScope = o.value(QStringLiteral("centrality")).toString() == QLatin1String("class")
                            ? CentralityScope::WithinClass
                            : CentralityScope::WholeGraph;
    s.holdoutFraction = o.value(QStringLiteral("holdout")).toDouble(s.holdoutFraction);
    const QJsonObject pinned = o.value(QStringLiteral("pinned_counts")).toObject();
    for (auto it = pinned.begin(); it != pinned.end(); ++it) s.pinnedCounts.insert(it.key(), it.value().toInt());
    s.comparisonPool = o.value(QStringLiteral("comparison_pool")).toInt(s.comparisonPool);
    s.comparisonRepeats = o.value(QStringLiteral("comparison_repeats")).toInt(s.comparisonRepeats);
    for (const QJsonValue& v : o.value(QStringLiteral("comparison_methods")).toArray())
        if (isTrainingMethod(v.toString())) s.comparisonMethods << canonicalTrainingMethod(v.toString());
    // (Files from before calibration kept a fixed "unknown_threshold": the set's own is used now.)
    s.knownRejectRate = o.value(QStringLiteral("known_reject_rate")).toDouble(s.knownRejectRate);
    s.topK = o.value(QStringLiteral("top_k")).toInt(s.topK);
    return s;
}

QJsonArray traceJson(const std::vector<OptimizerStep>& trace)
{
    QJsonArray array;
    for (const OptimizerStep& step : trace)
        array.append(QJsonObject{{QStringLiteral("evaluation"), step.evaluation},
                                 {QStringLiteral("point"), intArray(step.point)},
                                 {QStringLiteral("value"), step.value},
                                 {QStringLiteral("best"), step.bestValue}});
    return array;
}

std::vector<OptimizerStep> traceFromJson(const QJsonArray& array)
{
    std::vector<OptimizerStep> trace;
    for (const QJsonValue& v : array) {
        const QJsonObject o = v.toObject();
        trace.push_back({o.value(QStringLiteral("evaluation")).toInt(), intVector(o.value(QStringLiteral("point"))),
                         o.value(QStringLiteral("value")).toDouble(), o.value(QStringLiteral("best")).toDouble()});
    }
    return trace;
}

QJsonObject classificationJson(const ClassifiedPhoto& photo)
{
    return {{QStringLiteral("path"), photo.path},
            {QStringLiteral("error"), photo.error},
            {QStringLiteral("unknown"), photo.prediction.unknown},
            {QStringLiteral("unknown_score"), double(photo.prediction.unknownScore)},
            {QStringLiteral("margin"), double(photo.prediction.margin)},
            {QStringLiteral("ranking"), packRanking(photo.prediction.ranked)}};
}

ClassifiedPhoto classificationFromJson(const QJsonObject& o)
{
    ClassifiedPhoto photo;
    photo.path = o.value(QStringLiteral("path")).toString();
    photo.error = o.value(QStringLiteral("error")).toString();
    photo.prediction.unknown = o.value(QStringLiteral("unknown")).toBool();
    // Projects saved before the score was recorded: not a number, so nothing wrong is shown.
    photo.prediction.unknownScore = float(o.value(QStringLiteral("unknown_score")).toDouble(std::nan("")));
    photo.prediction.margin = float(o.value(QStringLiteral("margin")).toDouble());
    if (o.contains(QStringLiteral("ranking"))) {
        const QJsonValue packed = o.value(QStringLiteral("ranking"));
        const auto ranked = packed.isString() ? unpackRanking(packed.toString()) : std::nullopt;
        if (ranked)
            photo.prediction.ranked = *ranked;
        else if (photo.error.isEmpty())
            photo.error = QStringLiteral("its saved result is damaged in the project file; classify it again");
    } else {
        // Format 1 wrote each class as a JSON array [class, score, reference].
        for (const QJsonValue& v : o.value(QStringLiteral("ranked")).toArray()) {
            const QJsonArray a = v.toArray();
            photo.prediction.ranked.push_back({a.at(0).toInt(), float(a.at(1).toDouble()), a.at(2).toInt()});
        }
    }
    return photo;
}

// SET into the sidecar DESTINATION: nothing when HOLDING (a file holding exactly SET) is that very
// file, a copy of HOLDING when it is another, and SET written when there is no such file or it
// cannot be read.
void placeSidecar(const ReferenceSet& set, const QString& holding, const QString& destination)
{
    if (!holding.isEmpty()) {
        const QString from = QFileInfo(holding).canonicalFilePath();
        if (!from.isEmpty() && from == QFileInfo(destination).canonicalFilePath()) return;
        if (const FileRead copy = readRegularFile(holding, kMaxReferenceSetBytes); copy.ok() && startsLikeReferenceSet(copy.bytes)) {
            writeFileAtomically(destination, copy.bytes);
            return;
        }
    }
    writeReferenceSet(set, destination);
}

} // namespace

QString referenceSetSidecarPath(const QString& projectPath)
{
    const QFileInfo info(projectPath);
    return info.absoluteDir().filePath(info.completeBaseName() + QStringLiteral(".references.exref"));
}

QStringList repairSettings(ProjectSettings* s)
{
    const ProjectSettings defaults;
    QStringList problems;
    // !(lo <= x && x <= hi) is also true for NaN.
    const auto check = [&](auto* value, auto lo, auto hi, auto fallback, const QString& name) {
        if (lo <= *value && *value <= hi) return;
        problems << tr("the setting %1 was %2; it must be between %3 and %4, so the default %5 is used")
                        .arg(name).arg(*value).arg(lo).arg(hi).arg(fallback);
        *value = fallback;
    };
    if (!isTrainingMethod(s->method)) {
        problems << tr("the method \"%1\" is unknown, so the default %2 is used").arg(s->method, defaults.method);
        s->method = defaults.method;
    }
    check(&s->budget, 1, 100000, defaults.budget, QStringLiteral("budget"));
    check(&s->holdoutFraction, 0.0, 0.9, defaults.holdoutFraction, QStringLiteral("held-out fraction"));
    check(&s->knownRejectRate, 0.0, 0.5, defaults.knownRejectRate, QStringLiteral("\"unknown\" rejects"));
    check(&s->comparisonPool, 1, 100000, defaults.comparisonPool, QStringLiteral("comparison pool"));
    check(&s->comparisonRepeats, 1, 10000, defaults.comparisonRepeats, QStringLiteral("comparison repeats"));
    check(&s->topK, 1, 1000, defaults.topK, QStringLiteral("top-k"));
    for (auto it = s->pinnedCounts.begin(); it != s->pinnedCounts.end();) {
        if (it.value() >= 0) {
            ++it;
            continue;
        }
        problems << tr("the pinned count of %1 was %2, so it is optimized instead").arg(it.key()).arg(it.value());
        it = s->pinnedCounts.erase(it);
    }
    return problems;
}

// A project is a JSON document; a photo or a reference set (also JSON, "checksum" first) is not.
static bool startsLikeProject(const QByteArray& firstBytes)
{
    return firstBytes.trimmed().startsWith('{') && !startsLikeReferenceSet(firstBytes);
}

void writeProject(const ProjectDocument& document, const QString& path)
{
    // A mistyped name in Save Project As (a photo of a class, the exported set) must not destroy it.
    refuseToReplaceAnotherKind(path, tr("an Exemplar project"), startsLikeProject);
    QJsonArray classes;
    for (const ClassSource& source : document.sources.classes)
        classes.append(QJsonObject{{QStringLiteral("folder"), source.folder},
                                   {QStringLiteral("name"), source.name},
                                   {QStringLiteral("excluded"), source.excluded}});
    QStringList excluded(document.sources.excludedPhotos.begin(), document.sources.excludedPhotos.end());
    excluded.sort();
    QJsonObject root{{QStringLiteral("format"), QStringLiteral("exemplar-project")},
                     {QStringLiteral("format_version"), kProjectFormatVersion},
                     {QStringLiteral("classes"), classes},
                     {QStringLiteral("excluded_photos"), QJsonArray::fromStringList(excluded)},
                     {QStringLiteral("settings"), settingsJson(document.settings)}};
    if (!document.unlabeled.isEmpty()) {
        QJsonObject assigned;
        for (auto it = document.unlabeled.assigned.cbegin(); it != document.unlabeled.assigned.cend(); ++it)
            assigned.insert(it.key(), it.value());
        root.insert(QStringLiteral("unlabeled"),
                    QJsonObject{{QStringLiteral("folders"), QJsonArray::fromStringList(document.unlabeled.folders)},
                                {QStringLiteral("assigned"), assigned},
                                {QStringLiteral("background_folders"),
                                 QJsonArray::fromStringList(document.unlabeled.backgroundFolders)}});
    }
    if (const qint64 bound = classificationBytesBound(document); bound > kMaxProjectFileBytes * 9 / 10)
        throw Error(tr("cannot save the project %1: its %2 classified photos would make it about %3 MB, more than a "
                       "project may be to open again (%4 MB). Export the predictions (Classify ▸ Export results…), "
                       "then clear them, and save again.")
                        .arg(path).arg(document.classifications.size()).arg(bound >> 20).arg(kMaxProjectFileBytes >> 20));
    // The project is opened (as a temporary file beside it) before the sidecar is written, so that
    // an unwritable destination leaves both untouched; its error names the project.
    prepareDestination(path);
    QSaveFile file(path);
    // Unbuffered: a buffered write that fails only when flushed (a full disk) is not seen by
    // commit(), which would rename a cut-off project over the good one.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        throw Error(tr("cannot write the project %1: %2").arg(path, file.errorString()));
    if (document.training) {
        const TrainedReferenceSet& t = *document.training;
        const QString sidecar = referenceSetSidecarPath(path);
        try {
            placeSidecar(t.set, document.trainingSidecar, sidecar);
        } catch (const Error& error) {
            throw Error(tr("cannot write the project %1: %2").arg(path, error.message()));
        }
        root.insert(QStringLiteral("training"),
                    QJsonObject{{QStringLiteral("method"), t.set.method},
                                {QStringLiteral("canceled"), t.canceled},
                                {QStringLiteral("reference_set"), QFileInfo(sidecar).fileName()},
                                {QStringLiteral("pool"), QJsonArray::fromStringList(t.poolPaths)},
                                {QStringLiteral("held_out"), QJsonArray::fromStringList(t.heldOutPaths)},
                                {QStringLiteral("trace"), traceJson(t.trace)}});
    }
    if (!document.importedReferenceSet.isEmpty())
        root.insert(QStringLiteral("imported_reference_set"), document.importedReferenceSet);
    QJsonArray classified;
    for (const ClassifiedPhoto& photo : document.classifications) classified.append(classificationJson(photo));
    root.insert(QStringLiteral("classifications"), classified);
    if (document.comparison) root.insert(QStringLiteral("method_comparison"), document.comparison->toJson());
    if (document.learningCurve) root.insert(QStringLiteral("learning_curve"), document.learningCurve->toJson());

    if (!writeAll(file, QJsonDocument(root).toJson(QJsonDocument::Indented)) || !file.commit())
        throw Error(tr("cannot write the project %1: %2").arg(path, file.errorString()));
}

qint64 classificationBytesBound(const ProjectDocument& document)
{
    qint64 bytes = 0;
    for (const ClassifiedPhoto& photo : document.classifications)  // UTF-8 of a path: ≤ 3 bytes per UTF-16 unit, escapes ≤ 6
        bytes += 300 + 6 * qint64(photo.path.size() + photo.error.size()) + 16 * qint64(photo.prediction.ranked.size());
    return bytes;
}

ProjectDocument readProject(const QString& path, const Feedback* feedback)
{
    reportProgress(feedback, 0, 2, QFileInfo(path).fileName());
    const QByteArray bytes = readRegularFileOrThrow(path, kMaxProjectFileBytes, tr("the project"));
    // A project holds about seven values per classified photo and fewer per class: millions more
    // are not a project, and would take gigabytes to parse (JsonTextBounds.h).
    if (const qsizetype values = jsonValueCount(bytes); values > kMaxProjectJsonValues)
        throw Error(tr("%1 is not an Exemplar project (%2 million JSON values; a project holds a few per photo)")
                        .arg(path).arg(values / 1000000));
    if (const qsizetype longest = longestJsonString(bytes); longest > kMaxProjectStringBytes)
        throw Error(tr("%1 is not an Exemplar project (it holds a text of %2 MB, longer than any a project holds)")
                        .arg(path).arg(longest >> 20));
    QJsonParseError parseError;
    const QJsonDocument json = QJsonDocument::fromJson(bytes, &parseError);
    const QJsonObject root = json.object();
    if (json.isNull() || root.value(QStringLiteral("format")).toString() != QLatin1String("exemplar-project"))
        throw Error(tr("%1 is not an Exemplar project (or it is damaged)").arg(path));
    if (const qsizetype longest = longestText(root); longest > kMaxProjectTextChars)
        throw Error(tr("%1 is not an Exemplar project (it holds a text of %2 characters where a name, path or message "
                       "goes; those are at most %3)")
                        .arg(path).arg(longest).arg(kMaxProjectTextChars));
    const int version = root.value(QStringLiteral("format_version")).toInt();
    if (version > kProjectFormatVersion)
        throw Error(tr("%1 was written by a newer Exemplar (project format %2; this version reads %3)")
                        .arg(path).arg(version).arg(kProjectFormatVersion));

    ProjectDocument document;
    for (const QJsonValue& v : root.value(QStringLiteral("classes")).toArray()) {
        const QJsonObject o = v.toObject();
        document.sources.classes.push_back({o.value(QStringLiteral("folder")).toString(),
                                            o.value(QStringLiteral("name")).toString(),
                                            o.value(QStringLiteral("excluded")).toBool()});
    }
    for (const QJsonValue& v : root.value(QStringLiteral("excluded_photos")).toArray())
        document.sources.excludedPhotos.insert(v.toString());
    document.settings = settingsFromJson(root.value(QStringLiteral("settings")).toObject());
    {
        // Entries that are not strings (a hand-edited or damaged file) are dropped, not guessed at.
        const QJsonObject unlabeled = root.value(QStringLiteral("unlabeled")).toObject();
        for (const QJsonValue& v : unlabeled.value(QStringLiteral("folders")).toArray())
            if (v.isString() && !v.toString().isEmpty()) document.unlabeled.folders << v.toString();
        for (const QJsonValue& v : unlabeled.value(QStringLiteral("background_folders")).toArray())
            if (v.isString() && !v.toString().isEmpty()) document.unlabeled.backgroundFolders << v.toString();
        const QJsonObject assigned = unlabeled.value(QStringLiteral("assigned")).toObject();
        for (auto it = assigned.begin(); it != assigned.end(); ++it)
            if (it.value().isString() && !it.key().isEmpty()) document.unlabeled.assigned.insert(it.key(), it.value().toString());
    }
    for (const QString& problem : repairSettings(&document.settings))
        document.warnings << tr("%1: %2").arg(QFileInfo(path).fileName(), problem);
    if (root.contains(QStringLiteral("training"))) {
        const QJsonObject o = root.value(QStringLiteral("training")).toObject();
        TrainedReferenceSet t;
        t.canceled = o.value(QStringLiteral("canceled")).toBool();
        for (const QJsonValue& v : o.value(QStringLiteral("pool")).toArray()) t.poolPaths << v.toString();
        for (const QJsonValue& v : o.value(QStringLiteral("held_out")).toArray()) t.heldOutPaths << v.toString();
        t.trace = traceFromJson(o.value(QStringLiteral("trace")).toArray());
        const QString sidecar = QFileInfo(path).absoluteDir().filePath(o.value(QStringLiteral("reference_set")).toString());
        // The project's classes, settings and results do not depend on its trained set: a missing
        // or damaged sidecar costs the training only, and the user is told.
        throwIfCanceled(feedback);
        reportProgress(feedback, 1, 2, QFileInfo(sidecar).fileName());
        try {
            t.set = readReferenceSet(sidecar);
            document.trainingSidecar = sidecar;
            for (const QJsonValue& warning : t.set.extra.value(QStringLiteral("warnings")).toArray())
                t.warnings << warning.toString();
            document.training = std::make_shared<const TrainedReferenceSet>(std::move(t));
        } catch (const Error& error) {
            document.warnings << tr("%1: the trained reference set could not be read, so the project opens without "
                                    "it (train again to restore it): %2")
                                     .arg(QFileInfo(path).fileName(), error.message());
        }
    }
    document.importedReferenceSet = root.value(QStringLiteral("imported_reference_set")).toString();
    for (const QJsonValue& v : root.value(QStringLiteral("classifications")).toArray())
        document.classifications.push_back(classificationFromJson(v.toObject()));
    if (root.contains(QStringLiteral("method_comparison"))) {
        const QJsonValue saved = root.value(QStringLiteral("method_comparison"));
        const MethodComparison comparison = MethodComparison::fromJson(saved.toObject());
        const QString problem = saved.isObject() ? comparison.implausibility() : QStringLiteral("not a JSON object");
        if (problem.isEmpty())
            document.comparison = std::make_shared<const MethodComparison>(comparison);
        else
            document.warnings << tr("the project's method comparison is damaged (%1); it opens without it").arg(problem);
    }
    if (root.contains(QStringLiteral("learning_curve"))) {
        const QJsonValue saved = root.value(QStringLiteral("learning_curve"));
        const LearningCurve curve = LearningCurve::fromJson(saved.toObject());
        const QString problem = saved.isObject() ? curve.implausibility() : QStringLiteral("not a JSON object");
        if (problem.isEmpty())
            document.learningCurve = std::make_shared<const LearningCurve>(curve);
        else
            document.warnings << tr("the project's learning curve is damaged (%1); it opens without it").arg(problem);
    }
    return document;
}

} // namespace exemplar::ui
