#include "CliCommands.h"

#include "CliOptions.h"
#include "Dataset.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "HonestEvaluation.h"
#include "ImageDecoder.h"
#include "ReferenceSetFile.h"
#include "TrainWorkflow.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <memory>
#include <unistd.h>

namespace exemplar::cli {

namespace {

void printJson(const QJsonObject& json)
{
    std::fputs(QJsonDocument(json).toJson(QJsonDocument::Indented).constData(), stdout);
}

QString percent(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + QLatin1Char('%'); }

// Progress on stderr: an updating line on a terminal, a line per tenth of the work otherwise
// (so that logs stay short).
class StderrProgress {
public:
    explicit StderrProgress(bool enabled) : enabled_(enabled), tty_(isatty(fileno(stderr))) {}
    ~StderrProgress() { finish(); }
    void attach(Feedback* feedback, const QString& label)
    {
        label_ = label;
        lastTenth_ = -1;
        if (!enabled_) return;
        feedback->setProgressHandler([this](qint64 done, qint64 total, const QString& what) { show(done, total, what); });
    }
    void finish()
    {
        if (enabled_ && tty_ && open_) std::fputc('\n', stderr);
        open_ = false;
    }

private:
    void show(qint64 done, qint64 total, const QString& what)
    {
        if (total <= 0) return;
        if (tty_) {
            std::fprintf(stderr, "\r\033[K%s %lld/%lld %s", qPrintable(label_), done, total, qPrintable(what.left(50)));
            open_ = true;
        } else {
            const int tenth = int(10 * done / total);
            if (tenth == lastTenth_) return;
            lastTenth_ = tenth;
            std::fprintf(stderr, "%s %lld/%lld\n", qPrintable(label_), done, total);
        }
        std::fflush(stderr);
    }
    bool enabled_, tty_, open_ = false;
    int lastTenth_ = -1;
    QString label_;
};

QJsonArray skippedJson(const std::vector<SkippedFile>& skipped)
{
    QJsonArray array;
    for (const SkippedFile& file : skipped)
        array.append(QJsonObject{{QStringLiteral("path"), file.path}, {QStringLiteral("reason"), file.reason}});
    return array;
}

// Everything a command needs from a dataset folder: the model, the scan and the embeddings.
struct EmbeddedDataset {
    std::unique_ptr<Embedder> embedder;
    Dataset dataset;
    EmbeddingSet embeddings;
    EmbedReport report;
    QString root;
    std::vector<SkippedFile> allSkipped() const
    {
        std::vector<SkippedFile> all = dataset.skipped;
        all.insert(all.end(), report.skipped.begin(), report.skipped.end());
        return all;
    }
};

std::unique_ptr<Embedder> loadEmbedder(const CommonOptions& common)
{
    const QString specPath = common.modelSpec.isEmpty() ? defaultModelSpecPath() : common.modelSpec;
    try {
        return std::make_unique<Embedder>(ModelSpec::load(specPath));
    } catch (const Error& error) {
        // Core says what is wrong; the CLI says what to do about it.
        throw Error(error.message() +
                    QStringLiteral(" (run scripts/setup.sh to obtain the default model, or pass --model SPEC.json)"));
    }
}

EmbeddedDataset embedFolder(const QString& root, const CommonOptions& common)
{
    EmbeddedDataset result;
    result.root = QFileInfo(root).absoluteFilePath();
    result.dataset = Dataset::scan(root);
    result.embedder = loadEmbedder(common);
    std::unique_ptr<EmbeddingCache> cache;
    if (!common.noCache)
        cache = std::make_unique<EmbeddingCache>(result.embedder->identity(), result.embedder->dim(),
                                                 common.cacheDir.isEmpty() ? EmbeddingCache::defaultRootDir()
                                                                           : common.cacheDir);
    Feedback feedback;
    StderrProgress progress(!common.quiet);
    progress.attach(&feedback, QStringLiteral("embedding"));
    result.embeddings = embedDataset(result.dataset, *result.embedder, cache.get(), &feedback, &result.report);
    progress.finish();
    if (!common.quiet && !common.json) {
        for (const SkippedFile& file : result.allSkipped())
            std::fprintf(stderr, "skipped %s: %s\n", qPrintable(file.path), qPrintable(file.reason));
        for (const QString& warning : result.dataset.warnings + result.report.warnings)
            std::fprintf(stderr, "warning: %s\n", qPrintable(warning));
    }
    if (result.embeddings.size() == 0)
        throw Error(QStringLiteral("no photo in %1 could be read").arg(root));
    return result;
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

} // namespace

int runEmbed(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Embed every photo of DATASET (one subfolder per class) with the "
                                                    "model, using the cache; list files that could not be read."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Folder of class folders."));
    addCommonOptions(&parser);
    parseOrThrow(&parser, QStringLiteral("embed"), args);
    const CommonOptions common = commonOptions(parser);
    const QString root = requireOnePositional(parser, QStringLiteral("DATASET folder"));

    const EmbeddedDataset data = embedFolder(root, common);
    const std::vector<int> counts = data.embeddings.countsPerClass();
    if (common.json) {
        QJsonArray classes;
        for (int c = 0; c < data.embeddings.classCount(); ++c)
            classes.append(QJsonObject{{QStringLiteral("name"), data.embeddings.classNames[c]},
                                       {QStringLiteral("photos"), counts[size_t(c)]}});
        printJson({{QStringLiteral("dataset"), data.root},
                   {QStringLiteral("model"), data.embedder->spec().name},
                   {QStringLiteral("dim"), data.embedder->dim()},
                   {QStringLiteral("classes"), classes},
                   {QStringLiteral("photos"), data.embeddings.size()},
                   {QStringLiteral("computed"), data.report.computed},
                   {QStringLiteral("from_cache"), data.report.fromCache},
                   {QStringLiteral("skipped"), skippedJson(data.allSkipped())},
                   {QStringLiteral("warnings"),
                    QJsonArray::fromStringList(data.dataset.warnings + data.report.warnings)}});
    } else {
        std::printf("%s: %d classes, %d photos embedded with %s (%d computed, %d from cache), %d files skipped\n",
                    qPrintable(data.root), data.embeddings.classCount(), data.embeddings.size(),
                    qPrintable(data.embedder->spec().name), data.report.computed, data.report.fromCache,
                    int(data.allSkipped().size()));
        for (int c = 0; c < data.embeddings.classCount(); ++c)
            std::printf("  %-32s %d\n", qPrintable(data.embeddings.classNames[c]), counts[size_t(c)]);
    }
    return 0;
}

int runTrain(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Train a reference set from DATASET. A fraction of each class is held out (never used to "
                       "choose references) and the set's accuracy on it is recorded in the file."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Folder of class folders."));
    addCommonOptions(&parser);
    addOptimizerOptions(&parser);
    parser.addOptions({
        {{QStringLiteral("o"), QStringLiteral("out")}, QStringLiteral("Reference-set file to write (.exref)."),
         QStringLiteral("file")},
        {QStringLiteral("method"), QStringLiteral("Training method:\n") + methodHelp(), QStringLiteral("name"),
         defaultTrainingMethod()},
        {QStringLiteral("holdout"),
         QStringLiteral("Fraction of each class held out for the honest report (0 = train on everything, no report)."),
         QStringLiteral("fraction"), QString::number(kDefaultHoldoutFraction)},
        {QStringLiteral("unknown-rate"),
         QStringLiteral("Share of known-class photos allowed to be answered \"unknown\" when calibrating the "
                        "rejection threshold (0 = never answer unknown)."),
         QStringLiteral("fraction"), QString::number(kDefaultKnownRejectRate)},
    });
    parseOrThrow(&parser, QStringLiteral("train"), args);
    const CommonOptions common = commonOptions(parser);
    const QString root = requireOnePositional(parser, QStringLiteral("DATASET folder"));
    const QString out = parser.value(QStringLiteral("out"));
    if (out.isEmpty()) throw UsageError{QStringLiteral("--out FILE.exref is required")};
    TrainingOptions options = trainingOptions(parser);
    options.method = parser.value(QStringLiteral("method"));
    if (!isTrainingMethod(options.method))
        throw UsageError{QStringLiteral("--method must be one of %1").arg(trainingMethodNames().join(QStringLiteral(", ")))};
    const double holdout = doubleOption(parser, QStringLiteral("holdout"), 0.0, 0.9);
    const double unknownRate = doubleOption(parser, QStringLiteral("unknown-rate"), 0.0, 0.5);

    const EmbeddedDataset data = embedFolder(root, common);
    TrainRequest request;
    request.training = options;
    request.holdoutFraction = holdout;
    request.knownRejectRate = unknownRate;
    request.model = data.embedder->modelIdentity();
    request.preprocessing = data.embedder->spec().preprocessingJson();
    request.classFolders = data.dataset.classFolders;
    request.skipped = data.allSkipped();

    Feedback feedback;
    StderrProgress progress(!common.quiet);
    progress.attach(&feedback, QStringLiteral("training"));
    const TrainedReferenceSet trained = trainReferenceSet(data.embeddings, request, &feedback);
    progress.finish();
    const ReferenceSet& set = trained.set;
    writeReferenceSet(set, out);

    if (common.json) {
        printJson({{QStringLiteral("out"), QFileInfo(out).absoluteFilePath()},
                   {QStringLiteral("method"), set.method},
                   {QStringLiteral("references"), set.head.referenceCount()},
                   {QStringLiteral("selection"), set.selection},
                   {QStringLiteral("evaluation"), set.evaluation},
                   {QStringLiteral("training_photos"), int(trained.poolPaths.size())},
                   {QStringLiteral("held_out_photos"), int(trained.heldOutPaths.size())}});
        return 0;
    }
    std::printf("Trained %s: method %s, %d classes, %d references (%s) from %d training photos\n",
                qPrintable(out), qPrintable(set.method), int(set.head.classNames.size()), set.head.referenceCount(),
                qPrintable(countsSummary(set.head.referencesPerClass())), int(trained.poolPaths.size()));
    if (set.evaluation.contains(QStringLiteral("accuracy")))
        std::printf("Held-out photos (%d, never used for training): accuracy %s, weighted F1 %s\n",
                    int(trained.heldOutPaths.size()),
                    qPrintable(percent(set.evaluation.value(QStringLiteral("accuracy")).toDouble())),
                    qPrintable(percent(set.evaluation.value(QStringLiteral("weighted_f1")).toDouble())));
    else
        std::printf("No photos held out: no honest accuracy figure (use 'exemplar-cli eval').\n");
    return 0;
}

int runClassify(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Classify photos with a trained reference set."));
    parser.addPositionalArgument(QStringLiteral("SET"), QStringLiteral("Reference-set file (.exref)."));
    parser.addPositionalArgument(QStringLiteral("PHOTO"), QStringLiteral("Photos to classify."), QStringLiteral("PHOTO..."));
    addCommonOptions(&parser);
    parser.addOption({QStringLiteral("top"), QStringLiteral("Classes to list per photo."), QStringLiteral("k"),
                      QStringLiteral("3")});
    parseOrThrow(&parser, QStringLiteral("classify"), args);
    const CommonOptions common = commonOptions(parser);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() < 2) throw UsageError{QStringLiteral("expected a reference set and at least one photo")};
    const int top = intOption(parser, QStringLiteral("top"), 1, 1000);

    const ReferenceSet set = readReferenceSet(positional.first());
    const std::unique_ptr<Embedder> embedder = loadEmbedder(common);
    try {
        requireSameModel(set, embedder->modelIdentity());
    } catch (const Error& error) {
        throw Error(error.message() + QStringLiteral("; use --model to load the matching one"));
    }

    QJsonArray results;
    int failures = 0;
    for (const QString& path : positional.mid(1)) {
        const PhotoBytes bytes = readPhotoBytes(path);
        const DecodedPhoto decoded = bytes.ok() ? decodePhoto(bytes.data) : DecodedPhoto{cv::Mat(), bytes.error};
        if (!decoded.ok()) {
            ++failures;
            std::fprintf(stderr, "exemplar-cli classify: error: %s: %s\n", qPrintable(path), qPrintable(decoded.error));
            results.append(QJsonObject{{QStringLiteral("file"), path}, {QStringLiteral("error"), decoded.error}});
            continue;
        }
        const Prediction prediction = set.head.predict(embedder->embed(decoded.bgr));
        QJsonArray ranked;
        for (int i = 0; i < std::min<int>(top, int(prediction.ranked.size())); ++i) {
            const ClassScore& score = prediction.ranked[size_t(i)];
            ranked.append(QJsonObject{{QStringLiteral("class"), set.head.classNames[score.classIndex]},
                                      {QStringLiteral("score"), double(score.score)},
                                      {QStringLiteral("reference"), set.head.referenceInfo[size_t(score.referenceIndex)].file}});
        }
        const QString nearest = set.head.classNames.value(prediction.bestClass());
        const QString best = prediction.unknown ? QStringLiteral("unknown") : nearest;
        results.append(QJsonObject{{QStringLiteral("file"), path},
                                   {QStringLiteral("class"), best},
                                   {QStringLiteral("unknown"), prediction.unknown},
                                   {QStringLiteral("nearest_class"), nearest},
                                   {QStringLiteral("score"), prediction.ranked.empty() ? 0.0 : double(prediction.ranked[0].score)},
                                   {QStringLiteral("margin"), double(prediction.margin)},
                                   {QStringLiteral("top"), ranked}});
        if (!common.json) {
            if (prediction.unknown)
                std::printf("%s: unknown (nearest class %s scores below the set's threshold %.3f)\n", qPrintable(path),
                            qPrintable(nearest), double(set.head.rejectBelow));
            else
                std::printf("%s: %s (margin %.3f)\n", qPrintable(path), qPrintable(best), double(prediction.margin));
            for (int i = 0; i < ranked.size(); ++i) {
                const QJsonObject r = ranked[i].toObject();
                std::printf("  %d. %-28s %.4f  nearest reference: %s\n", i + 1,
                            qPrintable(r.value(QStringLiteral("class")).toString()),
                            r.value(QStringLiteral("score")).toDouble(),
                            qPrintable(r.value(QStringLiteral("reference")).toString()));
            }
        }
    }
    if (common.json) printJson({{QStringLiteral("reference_set"), QFileInfo(positional.first()).absoluteFilePath()},
                                {QStringLiteral("results"), results}});
    return failures == 0 ? 0 : 1;
}

int runEval(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Compare methods honestly: per repetition and class, draw POOL photos as the training pool; "
                       "every other photo is a test photo; each method sees only the pool."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Folder of class folders."));
    addCommonOptions(&parser);
    addOptimizerOptions(&parser);
    parser.addOptions({
        {QStringLiteral("pool"), QStringLiteral("Training photos per class."), QStringLiteral("m"), QStringLiteral("10")},
        {QStringLiteral("repeats"), QStringLiteral("Random pool/test splits."), QStringLiteral("r"), QStringLiteral("10")},
        {QStringLiteral("methods"), QStringLiteral("Comma-separated training methods:\n") + methodHelp(),
         QStringLiteral("list"), defaultComparedMethods().join(QLatin1Char(','))},
    });
    parseOrThrow(&parser, QStringLiteral("eval"), args);
    const CommonOptions common = commonOptions(parser);
    const QString root = requireOnePositional(parser, QStringLiteral("DATASET folder"));
    EvaluationOptions options;
    options.pool = intOption(parser, QStringLiteral("pool"), 1, 100000);
    options.repeats = intOption(parser, QStringLiteral("repeats"), 1, 10000);
    options.seed = seedOption(parser);
    options.training = trainingOptions(parser);
    options.methods = parser.value(QStringLiteral("methods")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString& method : options.methods) method = method.trimmed();
    for (const QString& method : options.methods)
        if (!isTrainingMethod(method))
            throw UsageError{QStringLiteral("unknown method \"%1\" (known: %2)")
                                 .arg(method, trainingMethodNames().join(QStringLiteral(", ")))};

    const EmbeddedDataset data = embedFolder(root, common);
    Feedback feedback;
    StderrProgress progress(!common.quiet);
    progress.attach(&feedback, QStringLiteral("evaluating"));
    EvaluationReport report = evaluateHonestly(data.embeddings, options, &feedback);
    progress.finish();
    report.dataset = data.root;

    if (common.json) {
        QJsonObject json = report.toJson();
        json.insert(QStringLiteral("model"), data.embedder->spec().name);
        json.insert(QStringLiteral("skipped"), skippedJson(data.allSkipped()));
        printJson(json);
        return 0;
    }
    std::printf("%s: %d classes, %d photos; pool %d per class, %d repetitions, %d test photos each\n",
                qPrintable(report.dataset), report.classes, report.photos, report.pool, report.repeats,
                report.testPhotosPerRepeat);
    std::printf("%-18s %18s %18s %12s %10s\n", "method", "accuracy", "weighted F1", "refs/class", "seconds");
    for (const MethodSummary& m : report.methods)
        std::printf("%-18s %10.1f%% ± %4.1f %10.1f%% ± %4.1f %12.1f %10.3f\n", qPrintable(m.name),
                    100 * m.accuracyMean, 100 * m.accuracyStd, 100 * m.weightedF1Mean, 100 * m.weightedF1Std,
                    m.referencesPerClass, m.seconds);
    for (const QString& warning : report.warnings) std::printf("warning: %s\n", qPrintable(warning));
    return 0;
}

int runAudit(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("List suspect photos of DATASET: likely mislabeled, outliers of their class, and near-duplicates "
                       "filed under two classes. Nothing is changed: look at them and decide."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Folder of class folders."));
    addCommonOptions(&parser);
    parser.addOption({QStringLiteral("duplicate-cosine"),
                      QStringLiteral("Cosine above which photos of two classes count as duplicates."),
                      QStringLiteral("x"), QStringLiteral("0.95")});
    parseOrThrow(&parser, QStringLiteral("audit"), args);
    const CommonOptions common = commonOptions(parser);
    const QString root = requireOnePositional(parser, QStringLiteral("DATASET folder"));
    AuditOptions options;
    options.duplicateCosine = doubleOption(parser, QStringLiteral("duplicate-cosine"), 0.0, 1.0);

    const EmbeddedDataset data = embedFolder(root, common);
    const AuditReport report = auditPhotos(data.embeddings, options);
    if (common.json) {
        QJsonObject json = report.toJson(data.embeddings);
        json.insert(QStringLiteral("dataset"), data.root);
        json.insert(QStringLiteral("skipped"), skippedJson(data.allSkipped()));
        printJson(json);
        return 0;
    }
    std::printf("%s: %d photos, %d suspect\n", qPrintable(data.root), data.embeddings.size(),
                int(report.suspects.size()));
    if (report.sampled()) std::printf("  (%s)\n", qPrintable(report.searchNote()));
    for (const SuspectPhoto& suspect : report.suspects)
        std::printf("  [%s] %s: %s\n", qPrintable(suspect.reasons.join(QStringLiteral(", "))),
                    qPrintable(data.embeddings.paths[suspect.row]), qPrintable(suspect.explanation));
    return 0;
}

int runInfo(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Describe a reference-set file; without one, describe the model and the embedding cache."));
    parser.addPositionalArgument(QStringLiteral("SET"), QStringLiteral("Reference-set file (.exref)."), QStringLiteral("[SET]"));
    addCommonOptions(&parser);
    parseOrThrow(&parser, QStringLiteral("info"), args);
    const CommonOptions common = commonOptions(parser);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) throw UsageError{QStringLiteral("expected at most one reference set")};

    if (positional.isEmpty()) {
        const std::unique_ptr<Embedder> embedder = loadEmbedder(common);
        const ModelSpec& spec = embedder->spec();
        const QString cacheRoot = common.cacheDir.isEmpty() ? EmbeddingCache::defaultRootDir() : common.cacheDir;
        const EmbeddingCache cache(embedder->identity(), embedder->dim(), cacheRoot);
        const QJsonObject json{{QStringLiteral("model"), spec.name},
                               {QStringLiteral("spec"), spec.specPath},
                               {QStringLiteral("onnx"), spec.onnxPath},
                               {QStringLiteral("onnx_sha256"), QString::fromLatin1(embedder->onnxSha256())},
                               {QStringLiteral("dim"), embedder->dim()},
                               {QStringLiteral("preprocessing"), spec.preprocessingJson()},
                               {QStringLiteral("cache"), cache.directory()}};
        if (common.json) {
            printJson(json);
        } else {
            std::printf("model:  %s (%d-d embedding from \"%s\")\nspec:   %s\nonnx:   %s\nsha256: %s\ninput:  %dx%d %s, resize %s\ncache:  %s\n",
                        qPrintable(spec.name), embedder->dim(), qPrintable(spec.embeddingOutput), qPrintable(spec.specPath),
                        qPrintable(spec.onnxPath), embedder->onnxSha256().constData(), spec.inputWidth, spec.inputHeight,
                        spec.rgb ? "RGB" : "BGR", qPrintable(spec.resize), qPrintable(cache.directory()));
        }
        return 0;
    }

    const ReferenceSet set = readReferenceSet(positional.first());
    const std::vector<int> counts = set.head.referencesPerClass();
    if (common.json) {
        QJsonArray classes;
        for (int c = 0; c < set.head.classNames.size(); ++c)
            classes.append(QJsonObject{{QStringLiteral("name"), set.head.classNames[c]},
                                       {QStringLiteral("references"), counts[size_t(c)]}});
        printJson({{QStringLiteral("file"), QFileInfo(positional.first()).absoluteFilePath()},
                   {QStringLiteral("format_version"), set.formatVersion},
                   {QStringLiteral("created_at"), set.createdAt},
                   {QStringLiteral("model"), set.modelName},
                   {QStringLiteral("onnx_sha256"), set.modelSha256},
                   {QStringLiteral("method"), set.method},
                   {QStringLiteral("references"), set.head.referenceCount()},
                   {QStringLiteral("dim"), set.head.dim()},
                   {QStringLiteral("classes"), classes},
                   {QStringLiteral("selection"), set.selection},
                   {QStringLiteral("evaluation"), set.evaluation}});
        return 0;
    }
    std::printf("%s\n  format version %d, created %s\n  model %s (onnx sha256 %s)\n  method %s: %d references, %d-d\n",
                qPrintable(positional.first()), set.formatVersion, qPrintable(set.createdAt), qPrintable(set.modelName),
                qPrintable(set.modelSha256.left(16)), qPrintable(set.method), set.head.referenceCount(), set.head.dim());
    for (int c = 0; c < set.head.classNames.size(); ++c)
        std::printf("    %-32s %d\n", qPrintable(set.head.classNames[c]), counts[size_t(c)]);
    if (set.evaluation.contains(QStringLiteral("accuracy")))
        std::printf("  held-out accuracy %s, weighted F1 %s (%d photos)\n",
                    qPrintable(percent(set.evaluation.value(QStringLiteral("accuracy")).toDouble())),
                    qPrintable(percent(set.evaluation.value(QStringLiteral("weighted_f1")).toDouble())),
                    set.evaluation.value(QStringLiteral("total")).toInt());
    else
        std::printf("  %s\n", qPrintable(set.evaluation.value(QStringLiteral("protocol")).toString()));
    return 0;
}

} // namespace exemplar::cli
