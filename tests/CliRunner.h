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

// Starts exemplar-cli in PROCESS without waiting: for tests that feed its stdin, kill it midway
// or run several at once.
inline void startCli(QProcess* process, const QStringList& args)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("EXEMPLAR_MODEL"), defaultModelSpec());
    process->setProcessEnvironment(env);
    process->start(QStringLiteral(EXEMPLAR_CLI_PATH), args);
}

inline CliRun runCli(const QStringList& args)
{
    QProcess process;
    startCli(&process, args);
    process.waitForFinished(600000);
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace exemplar::test
