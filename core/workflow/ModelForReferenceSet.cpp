#include "ModelForReferenceSet.h"

#include "Error.h"
#include "InstalledModels.h"
#include "ModelSpec.h"
#include "ReferenceSetFile.h"
#include "RegularFile.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace exemplar {

namespace {

ModelMatch matchOf(const ReferenceSet& set, const QString& specPath)
{
    try {
        const ModelSpec spec = ModelSpec::load(specPath);
        const FileRead onnx = readRegularFile(spec.onnxPath, kMaxOnnxModelBytes);
        if (!onnx.ok()) return ModelMatch::None;
        return modelMatch(set, spec, QString::fromLatin1(QCryptographicHash::hash(onnx.bytes, QCryptographicHash::Sha256).toHex()));
    } catch (const Error&) {
        return ModelMatch::None;
    }
}

} // namespace

ModelMatch modelMatch(const ReferenceSet& set, const ModelSpec& spec, const QString& onnxSha256)
{
    if (onnxSha256.compare(set.modelSha256, Qt::CaseInsensitive) != 0 || spec.embeddingDim != set.head.inputDim())
        return ModelMatch::None;
    // Sets from before preprocessing was recorded hold none: the network decides alone.
    return set.preprocessing.isEmpty() || set.preprocessing == spec.preprocessingJson() ? ModelMatch::Exact
                                                                                        : ModelMatch::NetworkOnly;
}

QString preprocessingDifference(const ReferenceSet& set, const ModelSpec& spec)
{
    if (set.preprocessing.isEmpty()) return QString();
    const QJsonObject now = spec.preprocessingJson();
    QStringList keys = set.preprocessing.keys() + now.keys();
    keys.sort();
    keys.removeDuplicates();
    const auto shown = [](const QJsonValue& value) {
        if (value.isUndefined()) return QStringLiteral("none");
        if (value.isString()) return QLatin1Char('"') + value.toString() + QLatin1Char('"');
        if (value.isDouble()) return QString::number(value.toDouble());
        return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    };
    QStringList differences;
    for (const QString& key : keys)
        if (set.preprocessing.value(key) != now.value(key))
            differences << QStringLiteral("%1 %2 → %3").arg(key, shown(set.preprocessing.value(key)), shown(now.value(key)));
    return differences.join(QStringLiteral(", "));
}

QString modelSpecForReferenceSet(const ReferenceSet& set, const QString& preferredSpecPath)
{
    const ModelMatch preferred = matchOf(set, preferredSpecPath);
    if (preferred == ModelMatch::Exact) return preferredSpecPath;
    QString sameNetwork = preferred == ModelMatch::NetworkOnly ? preferredSpecPath : QString();
    for (const InstalledModel& installed : installedModels()) {
        if (installed.specPath == preferredSpecPath) continue;
        const ModelMatch match = matchOf(set, installed.specPath);
        if (match == ModelMatch::Exact) return installed.specPath;
        if (match == ModelMatch::NetworkOnly && sameNetwork.isEmpty()) sameNetwork = installed.specPath;
    }
    return sameNetwork.isEmpty() ? preferredSpecPath : sameNetwork;
}

} // namespace exemplar
