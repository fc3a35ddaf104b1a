#include "CliSupport.h"

#include "Dataset.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "HonestEvaluation.h"
#include "ImageDecoder.h"
#include "ModelForReferenceSet.h"
#include "RegularFile.h"
#include "ReferenceSetFile.h"
#include "SubfolderKinds.h"
#include "TrainWorkflow.h"
#include "TrainingBackground.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <memory>

namespace exemplar::cli {

void printJson(const QJsonObject& json)
{
    std::fputs(QJsonDocument(json).toJson(QJsonDocument::Indented).constData(), stdout);
}

QString percent(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + QLatin1Char('%'); }

QString storedFraction(const QJsonValue& value)
{
    // A reference set is a file anyone can edit: a share it stores is printed only when it is one.
    const double fraction = value.toDouble(-1.0);
    if (!value.isDouble() || !(fraction >= 0.0 && fraction <= 1.0)) return QStringLiteral("(not a valid share in the file)");
    return percent(fraction);
}

QString heldOutFigure(const QJsonObject& evaluation, const QString& key)
{
    const QJsonValue value = evaluation.value(key);
    const QString figure = storedFraction(value);
    const QJsonArray interval = evaluation.value(key + QStringLiteral("_interval_95")).toArray();
    if (interval.size() != 2) return figure;
    const double low = interval[0].toDouble(-1.0), high = interval[1].toDouble(-1.0), point = value.toDouble(-1.0);
    if (!(low >= 0.0 && low <= point && point <= high && high <= 1.0)) return figure;  // an interval that does not hold it
    return QStringLiteral("%1 (95% interval %2 to %3)").arg(figure, percent(low), percent(high));
}

QString answeredUnknownNote(const QJsonObject& evaluation)
{
    const double share = evaluation.value(QStringLiteral("held_out_answered_unknown")).toDouble(-1.0);
    if (!(share > 0.0 && share <= 1.0)) return QString();  // none, absent, or not a share
    return QStringLiteral("; the accuracy scores each photo's nearest class, and the set's threshold answers "
                          "\"unknown\" to %1 of these photos of known classes").arg(percent(share));
}

std::unique_ptr<Embedder> loadEmbedder(const CommonOptions& common)
{
    const QString& specPath = common.modelSpec;
    try {
        return std::make_unique<Embedder>(ModelSpec::load(specPath));
    } catch (const Error& error) {
        // Core says what is wrong; the CLI says what to do about it: a model the user named is
        // theirs to fix, a missing default is installed by the set-up script.
        throw Error(error.message() +
                    (common.modelNamed ? QStringLiteral(" (the model named by --model or $EXEMPLAR_MODEL)")
                                       : QStringLiteral(" (run scripts/setup.sh to obtain the default model, or pass --model SPEC.json)")));
    }
}

CommonOptions withModelOf(const ReferenceSet& set, const CommonOptions& common)
{
    if (common.modelNamed) return common;
    CommonOptions chosen = common;
    chosen.modelSpec = modelSpecForReferenceSet(set, common.modelSpec);
    if (chosen.modelSpec != common.modelSpec && !common.quiet)
        std::fprintf(stderr, "exemplar-cli: using the installed model %s, which the reference set was made with\n",
                     printable(chosen.modelSpec).constData());
    return chosen;
}

void warnIfPreprocessingDiffers(const ReferenceSet& set, const ModelSpec& spec, const CommonOptions& common,
                                const char* command)
{
    const QString difference = preprocessingDifference(set, spec);
    if (difference.isEmpty() || common.quiet) return;
    std::fprintf(stderr,
                 "exemplar-cli %s: warning: the reference set was made with the same network but other preprocessing "
                 "(%s); its answers may differ a little from those of its own model\n",
                 command, printable(difference).constData());
}

EmbeddedDataset embedFolder(const QString& root, const CommonOptions& common, const ScanOptions& scan)
{
    return embedListedDataset(Dataset::scan(root, scan), QFileInfo(root).absoluteFilePath(), common);
}

QString notAFolderReason(const QString& folder)
{
    const QFileInfo info(folder);
    if (info.isDir()) return QString();
    return info.isSymLink() && !info.exists() ? brokenLinkReason(folder)
           : info.exists()                   ? QStringLiteral("not a folder")
                                             : QStringLiteral("no such folder");
}

EmbeddedDataset embedPhotosWithoutClass(const QString& folder, const CommonOptions& common, const ScanOptions& scan)
{
    // Read as one class folder, whose reasons ("the class is left out") would not fit: a folder
    // that is not one is said as such.
    if (const QString reason = notAFolderReason(folder); !reason.isEmpty())
        throw Error(QStringLiteral("%1: %2").arg(folder, reason));
    return embedListedDataset(Dataset::fromClassFolders({folder}, scan), folder, common);
}

QCommandLineOption backgroundOption()
{
    return {QStringLiteral("background"),
            QStringLiteral("A folder of photos of other things of the same kind as the classes (other models, other "
                           "machines; at any depth, never a class): the whitened methods learn from them which "
                           "differences are ordinary. Sorted into one subfolder per kind (DIR/model-a/, "
                           "DIR/model-b/, …), they also teach discriminant-centroid what varies within a class. "
                           "Not photos of the classes themselves: a subfolder named as a class is left out."),
            QStringLiteral("DIR")};
}

int addBackgroundPhotos(const QCommandLineParser& parser, const CommonOptions& common, const QStringList& classNames,
                        TrainingOptions* options, QStringList* warnings)
{
    if (!parser.isSet(QStringLiteral("background"))) return 0;
    const QString folder = parser.value(QStringLiteral("background"));
    // At any depth whatever --no-recursive says (it is about class folders): a sorted
    // background's photos are all in subfolders, one per kind.
    const EmbeddedDataset background = embedPhotosWithoutClass(folder, common, ScanOptions{true});
    const SubfolderKinds kinds = subfolderKinds(background.embeddings.paths, {folder});
    QStringList namedAsClasses;
    setTrainingBackground(options, background.embeddings, kinds, classNames, nullptr, &namedAsClasses);
    if (!namedAsClasses.isEmpty()) *warnings << backgroundKindsNamedAsClassesWarning(namedAsClasses);
    return backgroundKindsWithSpread(options->whiteningBackgroundKinds.get());
}

std::unique_ptr<EmbeddingCache> openEmbeddingCache(const Embedder& embedder, const CommonOptions& common)
{
    if (common.noCache) return nullptr;
    return std::make_unique<EmbeddingCache>(embedder.identity(), embedder.dim(),
                                            common.cacheDir.isEmpty() ? EmbeddingCache::defaultRootDir() : common.cacheDir);
}

EmbeddedDataset embedListedDataset(Dataset dataset, const QString& where, const CommonOptions& common)
{
    EmbeddedDataset result;
    result.root = where;
    result.dataset = std::move(dataset);
    result.embedder = loadEmbedder(common);
    const std::unique_ptr<EmbeddingCache> cache = openEmbeddingCache(*result.embedder, common);
    Feedback feedback;
    StderrProgress progress(!common.quiet);
    progress.attach(&feedback, QStringLiteral("embedding"));
    result.embeddings = embedDataset(result.dataset, *result.embedder, cache.get(), &feedback, &result.report);
    progress.finish();
    // Said under --quiet too (it silences progress only); in JSON each command puts them in its
    // document ("skipped", "warnings").
    if (!common.json) {
        for (const SkippedFile& file : result.allSkipped())
            std::fprintf(stderr, "skipped %s: %s\n", printable(file.path).constData(), printable(file.reason).constData());
        for (const QString& warning : result.dataset.warnings + result.report.warnings)
            std::fprintf(stderr, "warning: %s\n", printable(warning).constData());
    }
    if (result.embeddings.size() == 0)
        throw Error(QStringLiteral("no photo in %1 could be read").arg(where));
    return result;
}

void addFilesFromOption(QCommandLineParser* parser)
{
    parser->addOption({QStringLiteral("files-from"),
                       QStringLiteral("Read photo paths from LIST, one per line, or each ended by NUL as find -print0 writes them ('-': standard input)."),
                       QStringLiteral("LIST")});
}

QStringList filesFromList(const QCommandLineParser& parser)
{
    if (!parser.isSet(QStringLiteral("files-from"))) return {};
    const QString list = parser.value(QStringLiteral("files-from"));
    QFile file;
    const bool opened = list == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly)
                                                   : (file.setFileName(list), file.open(QIODevice::ReadOnly));
    if (!opened) throw Error(QStringLiteral("cannot read the list %1: %2").arg(list, file.errorString()));
    // Read to its end, whatever it is: a pipe or FIFO (`--files-from <(find …)`) has no data yet
    // when opened, and atEnd() said so, so such a list once read as empty. Bounded, so that a
    // device without end (/dev/zero) is refused instead of filling memory.
    constexpr qint64 kMaxListBytes = qint64(256) << 20;
    QByteArray bytes;
    for (;;) {
        const QByteArray chunk = file.read(1 << 16);  // blocks until data, or returns nothing at the end
        if (chunk.isEmpty()) {
            if (file.error() != QFileDevice::NoError)
                throw Error(QStringLiteral("cannot read the list %1: %2").arg(list, file.errorString()));
            break;
        }
        if (bytes.size() + chunk.size() > kMaxListBytes)
            throw Error(QStringLiteral("the list %1 is longer than %2 MiB; split it").arg(list).arg(kMaxListBytes >> 20));
        bytes += chunk;
    }
    QStringList paths;
    // No path is longer than PATH_MAX: a longer entry means the file is no list of names (and
    // echoing a name of hundreds of MB in every message, as each photo's error, filled memory).
    constexpr qsizetype kMaxPathBytes = 4096;
    const auto add = [&](const QByteArray& name, int number, const char* what) {
        if (name.size() > kMaxPathBytes)
            throw Error(QStringLiteral("the list %1: %2 %3 is %4 bytes long, longer than any path (%5 bytes): not a "
                                       "list of file names")
                            .arg(list, QLatin1String(what)).arg(number).arg(name.size()).arg(kMaxPathBytes));
        // A line of only blanks names no file (a list edited by hand, or `echo " "`); reported
        // as "  : does not exist" it read as a failure of the tool.
        if (!name.trimmed().isEmpty()) paths << QFile::decodeName(name);
    };
    int number = 0;
    if (bytes.contains('\0')) {
        // `find -print0` (or `-z` tools): names end with NUL, which no file name holds, and may
        // hold line breaks. Read as lines, the first name swallowed the rest, unreported.
        for (const QByteArray& name : bytes.split('\0')) add(name, ++number, "name");
    } else {
        for (QByteArray line : bytes.split('\n')) {
            // Only the line break is stripped: spaces can belong to a file name. A list written on
            // Windows ends its lines with CR LF.
            if (line.endsWith('\r')) line.chop(1);
            add(line, ++number, "line");
        }
    }
    // Said whatever the command does next: an empty list is most often a search that found nothing.
    if (paths.isEmpty())
        std::fprintf(stderr, "exemplar-cli: the list %s names no files (it is empty or holds only blank lines)\n",
                     printable(list == QLatin1String("-") ? QStringLiteral("on standard input") : list).constData());
    return paths;
}

QString requireOnePositional(const QCommandLineParser& parser, const QString& what)
{
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        throw UsageError{QStringLiteral("expected exactly one %1, got %2").arg(what).arg(positional.size())};
    return positional.first();
}

void addOptimizerOptions(QCommandLineParser* parser)
{
    parser->addOptions({
        {QStringLiteral("optimizer"), QStringLiteral("Count search for 'least-central': bayes, coordinate or random."),
         QStringLiteral("name"), QStringLiteral("bayes")},
        {QStringLiteral("budget"), QStringLiteral("Objective evaluations for the count search."), QStringLiteral("n"),
         QString::number(OptimizerOptions{}.budget)},
        {QStringLiteral("centrality"), QStringLiteral("Centrality graph for 'least-central': whole (the article) or class."),
         QStringLiteral("scope"), QStringLiteral("whole")},
        {QStringLiteral("seed"), QStringLiteral("Random seed (splits and optimizer)."), QStringLiteral("n"),
         QStringLiteral("1")},
        {QStringLiteral("no-selection-guard"),
         QStringLiteral("For 'least-central': keep the optimizer's selection even when it does not beat keeping every photo "
                        "(the article's plain method; usually worse on new photos).")},
    });
}

TrainingOptions trainingOptions(const QCommandLineParser& parser)
{
    TrainingOptions options;
    if (!parseOptimizerStrategy(parser.value(QStringLiteral("optimizer")), &options.optimizer.strategy))
        throw UsageError{QStringLiteral("--optimizer must be bayes, coordinate or random")};
    options.optimizer.budget = intOption(parser, QStringLiteral("budget"), 1, 100000);
    options.optimizer.seed = seedOption(parser);
    if (parser.isSet(QStringLiteral("no-selection-guard"))) {
        options.selectionMargin = 0;
        options.validateSelection = false;
    }
    const QString scope = parser.value(QStringLiteral("centrality"));
    if (scope == QLatin1String("whole"))
        options.centralityScope = CentralityScope::WholeGraph;
    else if (scope == QLatin1String("class"))
        options.centralityScope = CentralityScope::WithinClass;
    else
        throw UsageError{QStringLiteral("--centrality must be whole or class")};
    return options;
}

// One line per method of the table, for --help.
QString methodHelp()
{
    QStringList lines;
    for (const TrainingMethodInfo& method : trainingMethods())
        lines << QStringLiteral("  %1: %2").arg(method.id, method.description);
    return lines.join(QLatin1Char('\n')) + QStringLiteral("\n('seed' is accepted for least-central.)");
}

QString countsSummary(const std::vector<int>& counts)
{
    if (counts.empty()) return QString();
    const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
    return *lo == *hi ? QStringLiteral("%1 per class").arg(*lo) : QStringLiteral("%1–%2 per class").arg(*lo).arg(*hi);
}

} // namespace exemplar::cli
