// exemplar-cli classify: photos classified with a reference set.
#include "CliCommands.h"
#include "CliSupport.h"

#include "Dataset.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "ClassifyPhotos.h"
#include "HonestEvaluation.h"
#include "JsonLinesFile.h"
#include "LabelNext.h"
#include "ReferenceSetFile.h"
#include "SortIntoFolders.h"
#include "TrainWorkflow.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <cstdio>
#include <memory>

namespace exemplar::cli {

namespace {

// The same photo however its path is written (./a.jpg, a.jpg, dir//a.jpg, /abs/a.jpg): the path
// made absolute and clean. Links are not followed: two links to one photo are two entries.
QString photoKey(const QString& path) { return QDir::cleanPath(QFileInfo(path).absoluteFilePath()); }

// One photo's result, as --json lists it and --jsonl writes it: PREDICTION of the photo at PATH and
// its TOP classes (a photo that could not be classified gets {"file", "error"} instead).
QJsonObject resultJson(const QString& path, const ReferenceSet& set, const Prediction& prediction, int top)
{
    QJsonArray ranked;
    for (int i = 0; i < std::min<int>(top, int(prediction.ranked.size())); ++i) {
        const ClassScore& score = prediction.ranked[size_t(i)];
        ranked.append(QJsonObject{{QStringLiteral("class"), set.head.classNames[score.classIndex]},
                                  {QStringLiteral("score"), double(score.score)},
                                  {QStringLiteral("reference"), set.head.referenceInfo[size_t(score.referenceIndex)].file}});
    }
    const QString nearest = set.head.classNames.value(prediction.bestClass());
    return QJsonObject{{QStringLiteral("file"), path},
                       // The photo whatever the folder the command ran in: what --resume matches,
                       // and files by, when "file" is relative.
                       {QStringLiteral("path"), photoKey(path)},
                       {QStringLiteral("class"), prediction.unknown ? QStringLiteral("unknown") : nearest},
                       {QStringLiteral("unknown"), prediction.unknown},
                       {QStringLiteral("nearest_class"), nearest},
                       {QStringLiteral("score"), prediction.ranked.empty() ? 0.0 : double(prediction.ranked[0].score)},
                       // What the set's threshold is compared with (see "unknown_rule" of info).
                       {QStringLiteral("unknown_score"), double(prediction.unknownScore)},
                       {QStringLiteral("margin"), double(prediction.margin)},
                       {QStringLiteral("top"), ranked}};
}

// PATHS without the repeats of a photo (by photoKey), in the order first given.
QStringList withoutRepeats(const QStringList& paths)
{
    QStringList kept;
    QSet<QString> seen;
    for (const QString& path : paths) {
        const QString key = photoKey(path);
        if (seen.contains(key)) continue;
        seen.insert(key);
        kept << path;
    }
    return kept;
}

// What --resume keeps of a line written before: enough to skip its photo and file it.
struct ResumedLine {
    bool error = false;
    bool unknown = false;
    bool namesItsPhoto = false;  // by an absolute "path" or "file"
    QString nearestClass;

    static ResumedLine of(const QJsonObject& line)
    {
        return {line.contains(QStringLiteral("error")), line.value(QStringLiteral("unknown")).toBool(),
                QDir::isAbsolutePath(line.value(QStringLiteral("path")).toString()) ||
                    QDir::isAbsolutePath(line.value(QStringLiteral("file")).toString()),
                line.value(QStringLiteral("nearest_class")).toString()};
    }
};

void printResult(const QJsonObject& result, const ReferenceSet& set)
{
    const QString path = result.value(QStringLiteral("file")).toString();
    const QString nearest = result.value(QStringLiteral("nearest_class")).toString();
    if (result.value(QStringLiteral("unknown")).toBool()) {
        Prediction prediction;
        prediction.unknownScore = float(result.value(QStringLiteral("unknown_score")).toDouble());
        std::printf("%s: unknown (nearest class %s; %s)\n", printable(path).constData(), printable(nearest).constData(),
                    printable(set.head.unknownReason(prediction)).constData());
    } else {
        // A class may be named "unknown" too: then its answers say they are the class.
        const bool looksLikeTheVerdict = nearest.compare(QLatin1String("unknown"), Qt::CaseInsensitive) == 0;
        std::printf("%s: %s (%smargin %.3f)\n", printable(path).constData(), printable(nearest).constData(),
                    looksLikeTheVerdict ? "the class of that name, not the verdict; " : "",
                    result.value(QStringLiteral("margin")).toDouble());
    }
    const QJsonArray ranked = result.value(QStringLiteral("top")).toArray();
    for (int i = 0; i < ranked.size(); ++i) {
        const QJsonObject r = ranked[i].toObject();
        std::printf("  %d. %-28s %.4f  nearest reference: %s\n", i + 1, printable(r.value(QStringLiteral("class")).toString()).constData(),
                    r.value(QStringLiteral("score")).toDouble(), printable(r.value(QStringLiteral("reference")).toString()).constData());
    }
}

// The COUNT photos of PILE (the unlabeled folders, embedded) most worth labeling for SET
// (core/workflow/LabelNext.h), printed unless --json, and returned as JSON.
QJsonArray photosToLabelNext(const ReferenceSet& set, const EmbeddedDataset& pile, int count, const CommonOptions& common)
{
    LabelNextOptions options;
    options.nearCopyCosine = pile.embeddings.nearIdenticalCosineOrDefault();  // the model's own, as the splits'
    const std::vector<LabelingCandidate> ranked = rankForLabeling(set.head, pile.embeddings.vectors, options);
    QJsonArray list;
    const auto className = [&](const Prediction& p, int rank) {
        return rank < int(p.ranked.size()) ? set.head.classNames.value(p.ranked[size_t(rank)].classIndex) : QString();
    };
    if (!common.json)
        std::printf("\nLabel next (%d of %d unlabeled photos; unsure and representative first):\n",
                    std::min<int>(count, int(ranked.size())), int(ranked.size()));
    for (int i = 0; i < std::min<int>(count, int(ranked.size())); ++i) {
        const LabelingCandidate& c = ranked[size_t(i)];
        const QString path = pile.embeddings.paths.value(c.row);
        QJsonObject entry{{QStringLiteral("file"), path},
                          {QStringLiteral("suggested"), className(c.prediction, 0)},
                          {QStringLiteral("runner_up"), className(c.prediction, 1)},
                          {QStringLiteral("margin"), double(c.prediction.margin)},
                          {QStringLiteral("unknown"), c.prediction.unknown},
                          {QStringLiteral("uncertainty"), c.uncertainty},
                          {QStringLiteral("representativeness"), c.representativeness},
                          {QStringLiteral("novelty"), c.novelty},
                          {QStringLiteral("priority"), c.priority}};
        if (c.copyOf >= 0) entry.insert(QStringLiteral("copy_of"), pile.embeddings.paths.value(c.copyOf));
        list.append(entry);
        if (!common.json)
            std::printf("%3d. %s: %s or %s (margin %.3f%s%s)\n", i + 1, printable(path).constData(),
                        printable(className(c.prediction, 0)).constData(), printable(className(c.prediction, 1)).constData(),
                        double(c.prediction.margin), c.prediction.unknown ? ", unlike every training photo" : "",
                        c.copyOf >= 0 ? ", a near-copy of one above" : "");
    }
    return list;
}

} // namespace

int runClassify(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Classify photos with a trained reference set.\n"
        "A photo listed twice (however its path is written: ./a.jpg, a.jpg, /abs/a.jpg) is classified once. "
        "With --jsonl or --resume, each photo gives one line (its result, or its \"error\"), written whole as soon "
        "as it is known. --resume OUT.jsonl appends to OUT the photos "
        "it does not hold yet (it drops an unfinished last line, which a killed run can leave): a run resumed after "
        "a kill ends with exactly the lines of one uninterrupted run.\n"
        "--unlabeled DIR classifies every photo under DIR; --sort-into OUT then files the photos into OUT/CLASS/ "
        "and OUT/unknown/ (copies, or links with --link). Nothing is overwritten: a name taken by another file gets "
        "\" (2)\", and photos filed by an earlier run are left alone, so sorting again files only new photos; with "
        "--resume, the photos OUT.jsonl already holds are filed as their lines say."));
    parser.addPositionalArgument(QStringLiteral("SET"), QStringLiteral("Reference-set file (.exref)."));
    parser.addPositionalArgument(QStringLiteral("PHOTO"), QStringLiteral("Photos to classify."), QStringLiteral("[PHOTO...]"));
    addCommonOptions(&parser);
    addFilesFromOption(&parser);
    parser.addOptions({
        {QStringLiteral("top"), QStringLiteral("Classes to list per photo."), QStringLiteral("k"), QStringLiteral("3")},
        {QStringLiteral("jsonl"), QStringLiteral("One JSON result per line on stdout, flushed as it goes.")},
        {QStringLiteral("resume"), QStringLiteral("Append JSON lines to OUT, skipping the photos already in it."),
         QStringLiteral("OUT.jsonl")},
        {QStringLiteral("unlabeled"), QStringLiteral("Classify every photo in DIR and its subfolders (repeatable)."),
         QStringLiteral("DIR")},
        {QStringLiteral("sort-into"), QStringLiteral("File the classified photos into OUT/CLASS/ and OUT/unknown/."),
         QStringLiteral("OUT")},
        {QStringLiteral("link"), QStringLiteral("With --sort-into: symbolic links to the photos instead of copies.")},
        {QStringLiteral("label-next"),
         QStringLiteral("With --unlabeled: list the N photos a label would teach the set most (unsure and representative "
                        "first; near-copies of a listed photo last)."),
         QStringLiteral("N")},
    });
    parseOrThrow(&parser, QStringLiteral("classify"), args);
    const CommonOptions options = commonOptions(parser);
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty()) throw UsageError{QStringLiteral("expected a reference set")};
    QStringList photos = positional.mid(1) + filesFromList(parser);
    const QStringList unlabeled = parser.values(QStringLiteral("unlabeled"));
    if (photos.isEmpty() && !parser.isSet(QStringLiteral("files-from")) && unlabeled.isEmpty())
        throw UsageError{QStringLiteral("expected at least one photo (or --files-from LIST, or --unlabeled DIR)")};
    const QString sortInto = parser.value(QStringLiteral("sort-into"));
    // An empty OUT (an unset "$OUTDIR") would file nothing without a word.
    if (parser.isSet(QStringLiteral("sort-into")) && sortInto.trimmed().isEmpty())
        throw UsageError{QStringLiteral("--sort-into needs a folder (got an empty name)")};
    if (parser.isSet(QStringLiteral("link")) && sortInto.isEmpty()) throw UsageError{QStringLiteral("--link needs --sort-into OUT")};
    const int top = intOption(parser, QStringLiteral("top"), 1, 1000);
    const int labelNext = parser.isSet(QStringLiteral("label-next")) ? intOption(parser, QStringLiteral("label-next"), 1, 1000000) : 0;
    if (labelNext > 0 && unlabeled.isEmpty()) throw UsageError{QStringLiteral("--label-next needs --unlabeled DIR")};
    // Standard output is then one result per line, which the list would break.
    if (labelNext > 0 && parser.isSet(QStringLiteral("jsonl")))
        throw UsageError{QStringLiteral("--label-next and --jsonl: the list would break the lines of results; use --json "
                                        "(the list under \"label_next\"), or --resume OUT.jsonl (the list on standard output)")};
    const bool resume = parser.isSet(QStringLiteral("resume"));
    // "-" means standard input to --files-from; here it made a file named "-".
    if (resume && parser.value(QStringLiteral("resume")) == QLatin1String("-"))
        throw UsageError{QStringLiteral("--resume needs a file to read and append to, not \"-\" (for standard "
                                        "output use --jsonl)")};
    const bool lines = resume || parser.isSet(QStringLiteral("jsonl"));
    if (lines && options.json) throw UsageError{QStringLiteral("--json and --jsonl/--resume: choose one")};

    for (const QString& folder : unlabeled) {
        // A mistyped folder classified nothing and exited 0 (and --sort-into made its folder).
        if (const QString reason = notAFolderReason(folder); !reason.isEmpty())
            throw Error(QStringLiteral("--unlabeled %1: %2").arg(folder, reason));
    }
    QStringList unlabeledPhotos;
    for (const QString& folder : unlabeled) {
        // The folder read as one "class" folder: the same listing (subfolders, bad files skipped
        // with their reason) as class folders get.
        const Dataset found = Dataset::fromClassFolders({folder});
        for (const Photo& photo : found.photos) unlabeledPhotos << photo.path;
        for (const SkippedFile& skipped : found.skipped)
            std::fprintf(stderr, "exemplar-cli classify: skipped %s: %s\n", printable(skipped.path).constData(),
                         printable(skipped.reason).constData());
        if (found.photos.empty() && !options.quiet)
            std::fprintf(stderr, "exemplar-cli classify: no photos in %s\n", printable(folder).constData());
    }

    photos = withoutRepeats(photos + unlabeledPhotos);
    if (!sortInto.isEmpty()) prepareFilingFolder(sortInto);  // a wrong OUT is refused before any work
    const ReferenceSet set = readReferenceSet(positional.first());
    const CommonOptions common = withModelOf(set, options);
    const std::unique_ptr<Embedder> embedder = loadEmbedder(common);
    try {
        requireSameModel(set, embedder->modelIdentity());
    } catch (const ModelMismatch& error) {
        // Core says what is wrong; the CLI says what to do about it.
        throw Error(error.message() + QStringLiteral("; use --model to load the matching one"));
    }
    warnIfPreprocessingDiffers(set, embedder->spec(), common, "classify");

    // With --resume the output is opened (and locked) before any work, so that a wrong path or a
    // second writer is refused at once.
    std::unique_ptr<JsonLinesFile> out;
    // --resume: each photo with a line already (by photoKey), skipped; with --sort-into, its line
    // is what files it, as a photo classified now would be.
    QHash<QString, ResumedLine> done;
    if (resume) {
        // Every line classify writes names its photo: a file whose lines do not is another's.
        const auto check = [](const QJsonObject& record) {
            return record.value(QStringLiteral("file")).isString() ? QString() : QStringLiteral("no \"file\"");
        };
        // A line's "path" names its photo wherever the run was; a line written before it had
        // "path" names it by "file" alone, resolved here (relative: from this folder).
        const auto keep = [&done](const QJsonObject& record) {
            const QString path = record.value(QStringLiteral("path")).toString();
            done.insert(QDir::isAbsolutePath(path) ? path : photoKey(record.value(QStringLiteral("file")).toString()),
                        ResumedLine::of(record));
        };
        out = std::make_unique<JsonLinesFile>(parser.value(QStringLiteral("resume")), check, keep);
        if (!common.quiet)
            std::fprintf(stderr, "exemplar-cli classify: %d photos already in %s%s\n", int(done.size()),
                         printable(parser.value(QStringLiteral("resume"))).constData(),
                         out->droppedPartialLine() ? " (an unfinished last line was dropped and is redone)" : "");
    }

    // Label next needs every unlabeled photo's embedding at once: the pipeline (threads, cache)
    // makes them, and the classification of those photos reads them instead of embedding again.
    std::unique_ptr<EmbeddedDataset> pile;
    QHash<QString, int> pileRow;  // by photoKey
    if (labelNext > 0) {
        // The unlabeled photos as listed above (their skipped files said there); grouped by
        // folder name, which label next does not read, so no class-size warning is said.
        Dataset listed = Dataset::fromFiles(withoutRepeats(unlabeledPhotos));
        listed.skipped.clear();
        listed.warnings.clear();
        pile = std::make_unique<EmbeddedDataset>(
            embedListedDataset(std::move(listed), unlabeled.join(QStringLiteral(", ")), common));
        for (int row = 0; row < pile->embeddings.size(); ++row) pileRow.insert(photoKey(pile->embeddings.paths[row]), row);
    }

    QJsonArray results;
    std::vector<PhotoToFile> toFile;
    int failures = 0;
    // One photo's result reported: on stderr if it failed, then as the output mode says.
    const auto report = [&](const QString& path, const QJsonObject& result) {
        if (result.contains(QStringLiteral("error"))) {
            ++failures;
            std::fprintf(stderr, "exemplar-cli classify: error: %s: %s\n", printable(path).constData(),
                         printable(result.value(QStringLiteral("error")).toString()).constData());
        }
        if (out) {
            out->append(result);
        } else if (lines) {
            writeJsonLine(STDOUT_FILENO, result, QStringLiteral("standard output"));
        } else if (common.json) {
            results.append(result);
        } else if (!result.contains(QStringLiteral("error"))) {
            printResult(result, set);
        }
        if (!result.contains(QStringLiteral("error")))
            toFile.push_back({path, result.value(QStringLiteral("unknown")).toBool()
                                        ? QString() : result.value(QStringLiteral("nearest_class")).toString()});
    };
    // A photo's line from an earlier run (--resume), filed with the rest (--sort-into) as it says.
    int notFiledRelative = 0;
    const auto fileAsResumed = [&](const QString& path, const ResumedLine& line) {
        if (sortInto.isEmpty() || line.error) return;  // an error line is no answer
        // A relative name without "path" may have been written in another folder, where it named
        // another photo: filed only when the line says which photo it was.
        if (!line.namesItsPhoto) {
            ++notFiledRelative;
            return;
        }
        const bool unknown = line.unknown;
        const QString& className = line.nearestClass;
        if (!unknown && !set.head.classNames.contains(className)) {
            ++failures;
            std::fprintf(stderr, "exemplar-cli classify: error: cannot file %s: its line in %s names class \"%s\", "
                                 "which this reference set does not have\n", printable(path).constData(),
                         printable(parser.value(QStringLiteral("resume"))).constData(), printable(className).constData());
            return;
        }
        toFile.push_back({path, unknown ? QString() : className});
    };

    // The photos go through the embedding pipeline (classifyPhotoFiles) a chunk at a time: about twice as fast as one photo after
    // another on two cores, while a chunk bounds the memory a list of a million photos needs.
    // Results are reported in the list's order as soon as each is known, so --resume loses at
    // most the photos in flight.
    const std::unique_ptr<EmbeddingCache> cache = openEmbeddingCache(*embedder, common);
    constexpr int kChunkPhotos = 256;
    struct Position {
        bool skipped = false;  // --jsonl/--resume: already reported, or a repeat of a photo in this chunk
        bool known = false;
        QJsonObject result;
    };
    for (int first = 0; first < photos.size();) {
        QStringList chunk;
        std::vector<Position> positions;
        std::vector<size_t> positionOfPhoto;  // chunk photo → index into positions
        int end = first;
        for (; end < photos.size() && chunk.size() < kChunkPhotos; ++end) {
            const QString& path = photos[end];
            const QString key = photoKey(path);
            Position position;
            const auto row = pileRow.constFind(key);
            if (const auto earlier = done.constFind(key); earlier != done.constEnd()) {
                position.skipped = true;
                fileAsResumed(path, *earlier);
            } else if (row != pileRow.constEnd()) {
                position.known = true;  // embedded for label next already
                position.result = resultJson(path, set, set.head.predict(pile->embeddings.vectors.row(*row).transpose()), top);
            } else {
                positionOfPhoto.push_back(positions.size());
                chunk << path;
            }
            positions.push_back(std::move(position));
        }
        size_t reported = 0;
        const auto reportKnown = [&] {
            for (; reported < positions.size(); ++reported) {
                Position& position = positions[reported];
                if (position.skipped) continue;
                if (!position.known) return;
                report(photos[first + int(reported)], position.result);
                position.result = QJsonObject();
            }
        };
        reportKnown();
        classifyPhotoFiles(chunk, set.head, *embedder, cache.get(), nullptr, [&](int i, const PhotoVerdict& verdict) {
            Position& position = positions[positionOfPhoto[size_t(i)]];
            position.result = verdict.ok() ? resultJson(chunk[i], set, verdict.prediction, top)
                                           : QJsonObject{{QStringLiteral("file"), chunk[i]},
                                                         {QStringLiteral("path"), photoKey(chunk[i])},
                                                         {QStringLiteral("error"), verdict.error}};
            position.known = true;
            reportKnown();
        });
        reportKnown();
        first = end;
    }
    if (notFiledRelative > 0)
        std::fprintf(stderr, "exemplar-cli classify: %d photos already in %s are named there by relative paths, from a "
                             "version that did not record which photo each was: not filed (classify them again into a "
                             "new file to file them)\n",
                     notFiledRelative, printable(parser.value(QStringLiteral("resume"))).constData());
    QJsonObject sorted;
    if (!sortInto.isEmpty()) {
        const FilingOutcome filed = fileIntoClassFolders(toFile, set.head.classNames, sortInto,
                                                         parser.isSet(QStringLiteral("link")) ? FilingAction::Link : FilingAction::Copy);
        for (const SkippedFile& failed : filed.failed)
            std::fprintf(stderr, "exemplar-cli classify: error: cannot file %s: %s\n", printable(failed.path).constData(),
                         printable(failed.reason).constData());
        failures += int(filed.failed.size());
        // Said under --quiet too (it silences progress only): the photo is not where its name says.
        QJsonArray renamed;
        for (const auto& [photo, where] : filed.renamed) {
            if (!common.json)
                std::fprintf(stderr, "exemplar-cli classify: %s was filed as %s (a different file had its name)\n",
                             printable(photo).constData(), printable(where).constData());
            renamed.append(QJsonObject{{QStringLiteral("file"), photo}, {QStringLiteral("filed_as"), where}});
        }
        if (!common.quiet)
            std::fprintf(stderr, "exemplar-cli classify: filed %d photos into %s (%d were already there, %d could not be filed)\n",
                         filed.filed, printable(sortInto).constData(), filed.alreadyFiled, int(filed.failed.size()));
        sorted = QJsonObject{{QStringLiteral("folder"), QFileInfo(sortInto).absoluteFilePath()},
                             {QStringLiteral("filed"), filed.filed},
                             {QStringLiteral("already_filed"), filed.alreadyFiled},
                             {QStringLiteral("failed"), skippedFilesJson(filed.failed)},
                             {QStringLiteral("renamed"), renamed}};
    }
    QJsonArray toLabel;
    if (pile) toLabel = photosToLabelNext(set, *pile, labelNext, common);
    if (common.json) {
        QJsonObject report{{QStringLiteral("reference_set"), QFileInfo(positional.first()).absoluteFilePath()},
                           {QStringLiteral("results"), results}};
        if (!sorted.isEmpty()) report.insert(QStringLiteral("sorted"), sorted);
        if (labelNext > 0) report.insert(QStringLiteral("label_next"), toLabel);
        printJson(report);
    }
    return failures == 0 ? 0 : 1;
}

} // namespace exemplar::cli
