#pragma once
// The exemplar-cli commands. Each takes its own arguments (after the command name), prints
// results on stdout (text or --json) and progress on stderr, and returns the exit code.
// Errors are thrown (exemplar::Error or UsageError) and reported by main(). One file per command
// in commands/; what they share is in CliSupport.h.
#include <QStringList>

namespace exemplar::cli {

int runEmbed(const QStringList& args);
int runTrain(const QStringList& args);
int runClassify(const QStringList& args);
int runEval(const QStringList& args);
int runAudit(const QStringList& args);
int runInfo(const QStringList& args);
int runExportOnnx(const QStringList& args);  // the model and a reference set as one ONNX file

} // namespace exemplar::cli
