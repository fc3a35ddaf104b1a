// exemplar-cli: the headless face of Exemplar (embed, train, classify, eval, info).
#include "CliCommands.h"
#include "CliOptions.h"
#include "TerminalText.h"
#include "Error.h"
#include "ImageDecoder.h"
#include "Feedback.h"

#include <QCoreApplication>
#include <cstdio>
#include <map>
#include <csignal>

namespace {

const char* const kUsage =
    "Usage: exemplar-cli COMMAND [options]\n"
    "\n"
    "Build an image classifier from a few labeled photos per class (one folder per class).\n"
    "\n"
    "Commands:\n"
    "  embed DATASET                 embed every photo (cached), report unreadable files; --out FILE.npy\n"
    "  train DATASET --out SET.exref train a reference set; report on held-out photos\n"
    "  classify SET.exref PHOTO...   classify photos (--files-from LIST, --jsonl, --resume OUT.jsonl)\n"
    "  eval DATASET                  compare methods with the honest pool/test protocol\n"
    "  info [SET.exref]              describe a reference set, or the model and cache\n"
    "  audit DATASET                 list likely mislabeled, outlier and duplicate photos\n"
    "  export-onnx SET.exref OUT.onnx  one ONNX file: the model and the reference set\n"
    "\n"
    "Run 'exemplar-cli COMMAND --help' for a command's options.\n";

} // namespace

using exemplar::cli::checkedStandardOutput;
using exemplar::cli::printable;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("exemplar-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EXEMPLAR_VERSION));
    exemplar::quietDecoderWarnings();
    // A write past the file-size limit (`ulimit -f`) fails with EFBIG and is reported like a full
    // disk, the earlier file kept, instead of the signal killing the process with unsaved work.
    std::signal(SIGXFSZ, SIG_IGN);

    QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")) {
        std::fputs(kUsage, args.isEmpty() ? stderr : stdout);
        return args.isEmpty() ? 2 : checkedStandardOutput(QString(), 0);
    }
    if (args.first() == QLatin1String("--version")) {
        std::printf("exemplar-cli %s\n", EXEMPLAR_VERSION);
        return checkedStandardOutput(QString(), 0);
    }
    const std::map<QString, int (*)(const QStringList&)> commands{
        {QStringLiteral("embed"), exemplar::cli::runEmbed},
        {QStringLiteral("train"), exemplar::cli::runTrain},
        {QStringLiteral("classify"), exemplar::cli::runClassify},
        {QStringLiteral("eval"), exemplar::cli::runEval},
        {QStringLiteral("info"), exemplar::cli::runInfo},
        {QStringLiteral("audit"), exemplar::cli::runAudit},
        {QStringLiteral("export-onnx"), exemplar::cli::runExportOnnx},
    };
    const QString command = args.takeFirst();
    const auto found = commands.find(command);
    if (found == commands.end()) {
        std::fprintf(stderr, "exemplar-cli: error: unknown command \"%s\" (try --help)\n", printable(command).constData());
        return 2;
    }
    try {
        return checkedStandardOutput(command, found->second(args));
    } catch (const exemplar::cli::UsageError& e) {
        std::fprintf(stderr, "exemplar-cli %s: error: %s (try 'exemplar-cli %s --help')\n",
                     printable(command).constData(), printable(e.message).constData(), printable(command).constData());
        return 2;
    } catch (const exemplar::Error& e) {
        std::fprintf(stderr, "exemplar-cli %s: error: %s\n", printable(command).constData(), printable(QString::fromUtf8(e.what())).constData());
        return 1;
    } catch (const exemplar::OperationCanceled&) {
        std::fprintf(stderr, "exemplar-cli %s: canceled\n", printable(command).constData());
        return 130;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "exemplar-cli %s: error: unexpected failure: %s\n", printable(command).constData(), printable(QString::fromUtf8(e.what())).constData());
        return 1;
    }
}
