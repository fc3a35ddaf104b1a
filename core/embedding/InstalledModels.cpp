#include "InstalledModels.h"

#include "Error.h"
#include "ModelSpec.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace exemplar {

namespace {

QString specFileName(const char* stem) { return QString::fromLatin1(stem) + QStringLiteral(".json"); }

QString describe(const ModelSpec& spec)
{
    QString label = QStringLiteral("%1 %2×%3").arg(spec.name).arg(spec.inputHeight).arg(spec.inputWidth);
    if (spec.flipAverage) label += QStringLiteral(", flip-averaged");
    if (spec.cropAverage) label += QStringLiteral(", crop-averaged");
    return label;
}

} // namespace

QString installedModelsDir()
{
    const QString relative = QStringLiteral("share/exemplar/models");
    QStringList candidates;
    if (QCoreApplication::instance())
        candidates << QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../") + relative);
    candidates << QStringLiteral("/usr/local/") + relative << QStringLiteral("/usr/") + relative;
    for (const QString& candidate : candidates)
        if (QFileInfo::exists(QDir(candidate).filePath(specFileName(kDefaultModelStem))))
            return QDir::cleanPath(candidate);
    return QDir::cleanPath(candidates.first());
}

QString defaultModelSpecPath()
{
    const QByteArray env = qgetenv("EXEMPLAR_MODEL");
    // An installed model's name works here as in --model (EXEMPLAR_MODEL=efficientnet-b0).
    if (!env.isEmpty()) return resolveModelArgument(QString::fromLocal8Bit(env));
    return QDir(installedModelsDir()).filePath(specFileName(kDefaultModelStem));
}

QString fastModelSpecPath() { return QDir(installedModelsDir()).filePath(specFileName(kFastModelStem)); }

std::vector<InstalledModel> installedModels()
{
    const QDir dir(installedModelsDir());
    QStringList files{specFileName(kDefaultModelStem), specFileName(kFastModelStem)};
    for (const QString& other : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        if (!files.contains(other)) files << other;

    std::vector<InstalledModel> models;
    for (const QString& file : files) {
        const QString path = dir.absoluteFilePath(file);
        if (!QFileInfo::exists(path)) continue;
        try {
            InstalledModel model{path, describe(ModelSpec::load(path)), file == specFileName(kDefaultModelStem)};
            if (model.isDefault) model.label += QStringLiteral(" (default)");
            else if (file == specFileName(kFastModelStem)) model.label += QStringLiteral(" (fast)");
            models.push_back(model);
        } catch (const Error&) {
            // Not a model spec (or a broken one): choosing it by hand still says why.
        }
    }
    return models;
}

QString resolveModelArgument(const QString& argument)
{
    if (argument.isEmpty() || QFileInfo::exists(argument) || argument.contains(QLatin1Char('/')))
        return argument;
    const QString name = argument.endsWith(QLatin1String(".json")) ? argument : argument + QStringLiteral(".json");
    const QString installed = QDir(installedModelsDir()).filePath(name);
    return QFileInfo::exists(installed) ? installed : argument;
}

} // namespace exemplar
