#pragma once
// Where tests find the optional real inputs: the shared photo sets and the default model built by
// scripts/setup.sh. Tests that need them call these and QSKIP with the reason when absent.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QtTest>

namespace exemplar::test {

inline QString sharedDataDir()
{
    const QByteArray env = qgetenv("EXEMPLAR_SHARED_DATA_DIR");
    return QDir::cleanPath(env.isEmpty() ? QStringLiteral(EXEMPLAR_TEST_SHARED_DATA_DIR)
                                         : QString::fromLocal8Bit(env));
}

inline QString sharedDataSet(const QString& name)
{
    return sharedDataDir() + QLatin1Char('/') + name;
}

inline bool hasSharedDataSet(const QString& name)
{
    return QFileInfo(sharedDataSet(name)).isDir();
}

inline QString defaultModelSpec()
{
    const QByteArray env = qgetenv("EXEMPLAR_MODEL");
    if (!env.isEmpty()) return QString::fromLocal8Bit(env);
    return QStringLiteral(EXEMPLAR_TEST_BINARY_DIR) +
           QStringLiteral("/share/exemplar/models/efficientnet-b0.json");
}

inline bool hasDefaultModel() { return QFileInfo::exists(defaultModelSpec()); }

// A copy of the model spec SPEC_PATH written to OUT with "input"."FIELD" set to VALUE and its
// "onnx" made absolute (the copy lives elsewhere): the same network with other preprocessing.
// Returns false when the spec cannot be read or the copy written.
inline bool writeEditedModelSpec(const QString& specPath, const QString& out, const QString& field, const QJsonValue& value)
{
    QFile original(specPath);
    if (!original.open(QIODevice::ReadOnly)) return false;
    QJsonObject json = QJsonDocument::fromJson(original.readAll()).object();
    const QString onnx = json.value(QStringLiteral("onnx")).toString();
    json.insert(QStringLiteral("onnx"), QFileInfo(specPath).dir().absoluteFilePath(onnx));
    QJsonObject input = json.value(QStringLiteral("input")).toObject();
    input.insert(field, value);
    json.insert(QStringLiteral("input"), input);
    QFile copy(out);
    const QByteArray bytes = QJsonDocument(json).toJson();
    return copy.open(QIODevice::WriteOnly | QIODevice::Truncate) && copy.write(bytes) == bytes.size();
}

} // namespace exemplar::test

#define EXEMPLAR_REQUIRE_MODEL()                                                              \
    do {                                                                                      \
        if (!exemplar::test::hasDefaultModel())                                               \
            QSKIP(qPrintable(QStringLiteral("default model not built (%1); run scripts/setup.sh") \
                                 .arg(exemplar::test::defaultModelSpec())));                  \
    } while (0)

#define EXEMPLAR_REQUIRE_DATA(name)                                                           \
    do {                                                                                      \
        if (!exemplar::test::hasSharedDataSet(name))                                          \
            QSKIP(qPrintable(QStringLiteral("shared photo set absent: %1")                    \
                                 .arg(exemplar::test::sharedDataSet(name))));                 \
    } while (0)
