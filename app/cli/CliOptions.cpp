#include "CliOptions.h"

#include "InstalledModels.h"
#include "TerminalText.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace exemplar::cli {

void addCommonOptions(QCommandLineParser* parser)
{
    parser->setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser->addHelpOption();
    parser->addOptions({
        {QStringLiteral("model"), QStringLiteral("Model spec (.json beside the .onnx), or the name of an installed one: "
                        "efficientnet-b0-256x384 (the default: 256×384 input, flip-averaged, average and GeM pooling "
                        "combined, an earlier layer's pool and two bilinear pools appended), "
                        "efficientnet-b0-256x384-avg+gem+mid (the same without the bilinear pools, the default "
                        "before they were appended), efficientnet-b0-256x384-avg+gem (without the earlier layer either, "
                        "the default before 2026-12-04's second change), "
                        "efficientnet-b0-256x384-avg (the average pool only, the default before that) or "
                        "efficientnet-b0 (224×224, about 4× faster per photo, a little less accurate)."),
         QStringLiteral("spec")},
        {QStringLiteral("cache-dir"), QStringLiteral("Embedding cache folder. Default: $EXEMPLAR_CACHE_DIR or ~/.cache/exemplar/embeddings."),
         QStringLiteral("dir")},
        {QStringLiteral("no-cache"), QStringLiteral("Neither read nor write the embedding cache.")},
        {QStringLiteral("json"), QStringLiteral("Machine-readable JSON on stdout.")},
        {QStringLiteral("quiet"), QStringLiteral("No progress on stderr.")},
    });
}

CommonOptions commonOptions(const QCommandLineParser& parser)
{
    CommonOptions options;
    // An empty value (an unset "$VAR") would quietly mean the default: said instead.
    for (const char* name : {"model", "cache-dir"})
        if (parser.isSet(QString::fromLatin1(name)) && parser.value(QString::fromLatin1(name)).trimmed().isEmpty())
            throw UsageError{QStringLiteral("--%1 needs a value (got an empty one)").arg(QString::fromLatin1(name))};
    // Any other option's empty value too: --unlabeled "" read nothing and exited 0, --out "" wrote
    // nothing without a word, --resume "" could not open "".
    for (const QString& name : parser.optionNames())
        for (const QString& value : parser.values(name))
            if (value.isEmpty())
                throw UsageError{QStringLiteral("%1%2 needs a value (got an empty one)")
                                     .arg(name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--"), name)};
    const QString model = parser.value(QStringLiteral("model"));
    options.modelSpec = model.isEmpty() ? defaultModelSpecPath() : resolveModelArgument(model);
    options.modelNamed = !model.isEmpty() || !qEnvironmentVariableIsEmpty("EXEMPLAR_MODEL");
    options.cacheDir = parser.value(QStringLiteral("cache-dir"));
    options.noCache = parser.isSet(QStringLiteral("no-cache"));
    options.json = parser.isSet(QStringLiteral("json"));
    options.quiet = parser.isSet(QStringLiteral("quiet"));
    return options;
}

void addDatasetOptions(QCommandLineParser* parser)
{
    parser->addOption({QStringLiteral("no-recursive"),
                       QStringLiteral("Read only the photos directly inside each class folder; subfolders are skipped "
                                      "and listed. Default: photos in subfolders (by date, camera, ...) belong to the class.")});
}

ScanOptions datasetScanOptions(const QCommandLineParser& parser)
{
    ScanOptions options;
    options.recursive = !parser.isSet(QStringLiteral("no-recursive"));
    return options;
}

void parseOrThrow(QCommandLineParser* parser, const QString& command, const QStringList& args)
{
    if (!parser->parse(QStringList{QStringLiteral("exemplar-cli ") + command} + args))
        throw UsageError{parser->errorText()};
    if (parser->isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser->helpText()), stdout);
        std::exit(checkedStandardOutput(command, 0));
    }
}

int checkedStandardOutput(const QString& command, int status)
{
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    const int flushError = errno;
    if (flushed && !std::ferror(stdout)) return status;
    if (status != 0) return status;
    const QByteArray who = command.isEmpty() ? QByteArray() : " " + printable(command);
    std::fprintf(stderr, "exemplar-cli%s: error: cannot write standard output%s%s\n", who.constData(),
                 flushError != 0 ? ": " : "", flushError != 0 ? std::strerror(flushError) : "");
    return 1;
}

namespace {

// Parses option NAME with PARSE (QString::toInt or toDouble) and checks the range.
template <typename T, typename Parse>
T numberOption(const QCommandLineParser& parser, const QString& name, T min, T max, const char* kind, Parse parse)
{
    bool ok = false;
    const T value = parse(parser.value(name), &ok);
    // Written so that NaN fails too: every comparison with NaN is false.
    if (!ok || !(value >= min && value <= max))
        throw UsageError{QStringLiteral("--%1 must be %2 from %3 to %4, not \"%5\"")
                             .arg(name, QLatin1String(kind)).arg(min).arg(max).arg(parser.value(name))};
    return value;
}

} // namespace

int intOption(const QCommandLineParser& parser, const QString& name, int min, int max)
{
    return numberOption<int>(parser, name, min, max, "an integer",
                             [](const QString& text, bool* ok) { return text.toInt(ok); });
}

double doubleOption(const QCommandLineParser& parser, const QString& name, double min, double max)
{
    return numberOption<double>(parser, name, min, max, "a number",
                                [](const QString& text, bool* ok) { return text.toDouble(ok); });
}

quint64 seedOption(const QCommandLineParser& parser)
{
    bool ok = false;
    const quint64 value = parser.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok) throw UsageError{QStringLiteral("--seed must be a non-negative integer")};
    return value;
}

} // namespace exemplar::cli
