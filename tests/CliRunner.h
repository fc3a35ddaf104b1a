#pragma once
// Runs the built exemplar-cli as a user would (a separate process, the default model), for the
// tests that drive the command line. Needs EXEMPLAR_CLI_PATH from tests/CMakeLists.txt.
#include "TestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace exemplar::test {

struct CliRun {
    int exitCode = -1;
    QByteArray out, err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

inline CliRun runCli(const QStringList& args)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("EXEMPLAR_MODEL"), defaultModelSpec());
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(EXEMPLAR_CLI_PATH), args);
    process.waitForFinished(600000);
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace exemplar::test
