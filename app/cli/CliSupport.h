#pragma once
// What the exemplar-cli commands share: output (JSON on stdout, progress on stderr), loading the
// model, embedding a dataset folder, and the options several commands take.
#include "CliOptions.h"
#include "TerminalText.h"
#include "Dataset.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingSet.h"
#include "Feedback.h"
#include "TrainingMethods.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <memory>
#include <unistd.h>
#include <vector>

namespace exemplar {
struct ReferenceSet;
class EmbeddingCache;
}

namespace exemplar::cli {

void printJson(const QJsonObject& json);
QString percent(double fraction);
// A share (0 to 1) a reference-set file stores, as a percentage; says so when it is none.
QString storedFraction(const QJsonValue& value);
// A reference set's held-out figure KEY ("accuracy", "weighted_f1") with its 95% interval, stored
// as KEY_interval_95 ("87.6% (95% interval 84.0% to 90.6%)"); sets written before the interval
// was recorded give the figure alone, and so does an interval that does not hold the figure (a
// hand-edited file).
QString heldOutFigure(const QJsonObject& evaluation, const QString& key);
// "; … answers "unknown" to 58.3% of these photos …": what the held-out accuracy leaves out (it
// scores the nearest class), said when the set's threshold rejects any held-out photo; else empty.
QString answeredUnknownNote(const QJsonObject& evaluation);

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
            std::fprintf(stderr, "\r\033[K%s %lld/%lld %s", qPrintable(label_), done, total, qPrintable(shortenedProgressText(what, 60)));
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

// The model of --model, or the default one; a load error says how to get the model.
std::unique_ptr<Embedder> loadEmbedder(const CommonOptions& common);
// The embedding cache of EMBEDDER's model (--cache-dir, or the default place); none with --no-cache.
std::unique_ptr<EmbeddingCache> openEmbeddingCache(const Embedder& embedder, const CommonOptions& common);
// COMMON with, unless the user named a model, the installed model SET was made with (a set trained
// with the fast model keeps working under a newer default); says so on stderr when it is not the default.
CommonOptions withModelOf(const ReferenceSet& set, const CommonOptions& common);
// On stderr (unless --quiet): SPEC is SET's network with other preprocessing (an explicit --model
// with, say, another augmentation), so answers may differ a little from the set's own model.
void warnIfPreprocessingDiffers(const ReferenceSet& set, const ModelSpec& spec, const CommonOptions& common,
                                const char* command);
// Scans ROOT (one subfolder per class) as SCAN says and embeds every photo, through the cache
// unless --no-cache; lists skipped files on stderr. Throws Error when no photo could be read.
EmbeddedDataset embedFolder(const QString& root, const CommonOptions& common, const ScanOptions& scan);
// The same for a dataset already listed (Dataset::fromFiles); WHERE names it in messages.
EmbeddedDataset embedListedDataset(Dataset dataset, const QString& where, const CommonOptions& common);
// FOLDER's photos with no class (unlabeled, foreign and background photos), scanned as SCAN says:
// the dataset options for unlabeled and foreign photos; at any depth for a background, whose kinds
// are its subfolders.
EmbeddedDataset embedPhotosWithoutClass(const QString& folder, const CommonOptions& common, const ScanOptions& scan);
// Why FOLDER, given as a folder of photos (--unlabeled, --foreign, --background), is none: "no such
// folder", "not a folder" or a broken link's reason; empty when it is one.
QString notAFolderReason(const QString& folder);
// --background DIR (train and eval): photos of other things of the same kind as the classes.
QCommandLineOption backgroundOption();
// --background's photos into OPTIONS: their embeddings (TrainingOptions::whiteningBackground) and,
// read from the subfolders they lie in, their kinds (whiteningBackgroundKinds). Nothing when not
// given. Kinds named as one of CLASS_NAMES are left out, each with a line in *WARNINGS
// (photosOfKindsNotNamedAsClasses). Returns how many kinds with at least two photos there are.
int addBackgroundPhotos(const QCommandLineParser& parser, const CommonOptions& common, const QStringList& classNames,
                        TrainingOptions* options, QStringList* warnings);
// --files-from LIST: photo paths, one per line, from a file or "-" (standard input), so that a
// list of millions never meets the command line's length limit. Empty lines are ignored.
void addFilesFromOption(QCommandLineParser* parser);
// The paths of --files-from (empty when the option is not given). Throws Error when LIST cannot be read.
QStringList filesFromList(const QCommandLineParser& parser);
QString requireOnePositional(const QCommandLineParser& parser, const QString& what);
// The options of the count search (train and eval), and the TrainingOptions they give.
void addOptimizerOptions(QCommandLineParser* parser);
TrainingOptions trainingOptions(const QCommandLineParser& parser);
// One line per method of the table, for --help.
QString methodHelp();
QString countsSummary(const std::vector<int>& counts);

} // namespace exemplar::cli
