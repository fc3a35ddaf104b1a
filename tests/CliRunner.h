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

// Which model the run loads when no --model says: the tests' (defaultModelSpec(), through
// $EXEMPLAR_MODEL), or the program's own default, as a user without settings has it.
enum class CliModel { Tests, Program };

// Starts exemplar-cli in PROCESS without waiting: for tests that feed its stdin, kill it midway
// or run several at once.
inline void startCli(QProcess* process, const QStringList& args, CliModel model = CliModel::Tests)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (model == CliModel::Tests) env.insert(QStringLiteral("EXEMPLAR_MODEL"), defaultModelSpec());
    else env.remove(QStringLiteral("EXEMPLAR_MODEL"));
    process->setProcessEnvironment(env);
    process->start(QStringLiteral(EXEMPLAR_CLI_PATH), args);
}

inline CliRun runCli(const QStringList& args, CliModel model = CliModel::Tests)
{
    QProcess process;
    startCli(&process, args, model);
    process.waitForFinished(600000);
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace exemplar::test
