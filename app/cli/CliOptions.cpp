#include "CliOptions.h"

#include <cstdio>
#include <cstdlib>

namespace exemplar::cli {

void addCommonOptions(QCommandLineParser* parser)
{
    parser->setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser->addHelpOption();
    parser->addOptions({
        {QStringLiteral("model"), QStringLiteral("Model spec (.json beside the .onnx). Default: the installed EfficientNet-B0."),
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
    options.modelSpec = parser.value(QStringLiteral("model"));
    options.cacheDir = parser.value(QStringLiteral("cache-dir"));
    options.noCache = parser.isSet(QStringLiteral("no-cache"));
    options.json = parser.isSet(QStringLiteral("json"));
    options.quiet = parser.isSet(QStringLiteral("quiet"));
    return options;
}

void parseOrThrow(QCommandLineParser* parser, const QString& command, const QStringList& args)
{
    if (!parser->parse(QStringList{QStringLiteral("exemplar-cli ") + command} + args))
        throw UsageError{parser->errorText()};
    if (parser->isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser->helpText()), stdout);
        std::exit(0);
    }
}

int intOption(const QCommandLineParser& parser, const QString& name, int min, int max)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < min || value > max)
        throw UsageError{QStringLiteral("--%1 must be an integer from %2 to %3, not \"%4\"")
                             .arg(name).arg(min).arg(max).arg(parser.value(name))};
    return value;
}

double doubleOption(const QCommandLineParser& parser, const QString& name, double min, double max)
{
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok || value < min || value > max)
        throw UsageError{QStringLiteral("--%1 must be a number from %2 to %3, not \"%4\"")
                             .arg(name).arg(min).arg(max).arg(parser.value(name))};
    return value;
}

quint64 seedOption(const QCommandLineParser& parser)
{
    bool ok = false;
    const quint64 value = parser.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok) throw UsageError{QStringLiteral("--seed must be a non-negative integer")};
    return value;
}

} // namespace exemplar::cli
