#pragma once
// Command-line parsing for exemplar-cli: one QCommandLineParser per command, so each command's
// --help lists exactly the options it takes.
#include "Dataset.h"

#include <QCommandLineParser>
#include <QStringList>

namespace exemplar::cli {

// Thrown for a usage mistake: printed with a hint to --help, exit code 2.
struct UsageError {
    QString message;
};

struct CommonOptions {
    QString modelSpec;   // --model resolved to a spec path (installed names accepted); the default when absent
    bool modelNamed = false;  // by --model or $EXEMPLAR_MODEL: then a reference set's own model is not looked for
    QString cacheDir;    // --cache-dir; empty → the default cache
    bool noCache = false;
    bool json = false;
    bool quiet = false;
};

// Adds the options every command shares.
void addCommonOptions(QCommandLineParser* parser);
CommonOptions commonOptions(const QCommandLineParser& parser);

// Adds the options of the commands that read a dataset folder (embed, train, eval, audit), and
// the scan they ask for.
void addDatasetOptions(QCommandLineParser* parser);
ScanOptions datasetScanOptions(const QCommandLineParser& parser);

// Parses ARGS (the command's own arguments) or throws UsageError. Handles --help itself.
void parseOrThrow(QCommandLineParser* parser, const QString& command, const QStringList& args);

// STATUS, unless what was printed did not reach standard output: then 1, said on stderr ("cannot
// write standard output: reason"). A full disk or /dev/full cut JSON off in the middle, and the
// exit status 0 told a script it had a result (a bad-input hunt). A failed STATUS stands (the
// command has said why). COMMAND names the command in the message (empty: none).
int checkedStandardOutput(const QString& command, int status);

int intOption(const QCommandLineParser& parser, const QString& name, int min, int max);
double doubleOption(const QCommandLineParser& parser, const QString& name, double min, double max);
quint64 seedOption(const QCommandLineParser& parser);

} // namespace exemplar::cli
