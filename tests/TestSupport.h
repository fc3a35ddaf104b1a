#pragma once
// Where tests find the optional real inputs: the shared photo sets and the default model built by
// scripts/setup.sh. Tests that need them call these and QSKIP with the reason when absent.
#include <QDir>
#include <QFileInfo>
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
