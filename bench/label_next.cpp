// bench/label_next: does labeling the photos "label next" picks teach more than labeling photos
// at random? A simulated user, on the shared photo sets: per repetition, a test split held out
// (whole near-duplicate groups on one side), START photos per class labeled, the rest of the
// pool unlabeled. Each round the method is trained on the labeled photos, BATCH more photos are
// "labeled" (their true class revealed) as each strategy picks them, and accuracy is measured on
// the test photos. Strategies: at random; by margin only (the classic uncertainty sampling); by
// label next (margin × representativeness, core/workflow/LabelNext.h). Mean ± sd over repetitions.
//
//   build/bench/label_next [--sets flowers17,cars24] [--start 2] [--rounds 4] [--batch 0 (= classes)]
//                          [--repeats 5] [--method whitened-linear] [--density-weight 0.5] [--novelty-weight 1]
//                          [--data DIR] [--model SPEC] [--out FILE.md]
#include "BenchSupport.h"
#include "Dataset.h"
#include "DuplicateGroups.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "EmbeddingSet.h"
#include "Error.h"
#include "Familiarity.h"
#include "HonestEvaluation.h"
#include "InstalledModels.h"
#include "LabelNext.h"
#include "ModelSpec.h"
#include "TrainingMethods.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QSaveFile>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

using namespace exemplar;

namespace {

enum Strategy { Random, MarginOnly, LabelNextRanking, StrategyCount };
const char* const kStrategyNames[StrategyCount] = {"random", "margin only", "label next"};

double accuracyOn(const ReferenceHead& head, const EmbeddingSet& data, const std::vector<int>& rows)
{
    const EmbeddingSet test = data.subset(rows);
    const std::vector<int> predicted = head.predictClasses(test.vectors);
    int right = 0;
    for (size_t i = 0; i < predicted.size(); ++i) right += predicted[i] == test.labels[i];
    return rows.empty() ? 0.0 : double(right) / double(rows.size());
}

// The next BATCH rows of UNLABELED (positions into it) as STRATEGY picks them.
std::vector<int> pick(Strategy strategy, const ReferenceHead& head, const EmbeddingSet& data, const std::vector<int>& unlabeled,
                      int batch, const LabelNextOptions& weights, std::mt19937_64& random)
{
    std::vector<int> order(unlabeled.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    if (strategy == Random) {
        std::shuffle(order.begin(), order.end(), random);
    } else {
        const std::vector<LabelingCandidate> ranked = rankForLabeling(head, data.subset(unlabeled).vectors, weights);
        order.clear();
        if (strategy == LabelNextRanking) {
            for (const LabelingCandidate& c : ranked) order.push_back(c.row);
        } else {
            std::vector<LabelingCandidate> byMargin = ranked;
            std::stable_sort(byMargin.begin(), byMargin.end(), [](const LabelingCandidate& a, const LabelingCandidate& b) {
                return a.prediction.margin < b.prediction.margin;
            });
            for (const LabelingCandidate& c : byMargin) order.push_back(c.row);
        }
    }
    order.resize(std::min<size_t>(order.size(), size_t(batch)));
    return order;
}

QString meanSd(const std::vector<double>& values)
{
    double mean = 0, sq = 0;
    for (double v : values) mean += v;
    mean /= double(values.size());
    for (double v : values) sq += (v - mean) * (v - mean);
    const double sd = values.size() > 1 ? std::sqrt(sq / double(values.size() - 1)) : 0.0;
    return QStringLiteral("%1 ± %2").arg(100 * mean, 0, 'f', 1).arg(100 * sd, 0, 'f', 1);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Label next against random labeling, simulated on the shared photo sets."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("start"), QStringLiteral("Photos per class labeled at the start."), QStringLiteral("n"), QStringLiteral("2")},
        {QStringLiteral("rounds"), QStringLiteral("Labeling rounds."), QStringLiteral("n"), QStringLiteral("4")},
        {QStringLiteral("batch"), QStringLiteral("Photos labeled per round (0: one per class)."), QStringLiteral("n"), QStringLiteral("0")},
        {QStringLiteral("test"), QStringLiteral("Share of each class held out for testing."), QStringLiteral("f"), QStringLiteral("0.4")},
        {QStringLiteral("repeats"), QStringLiteral("Repetitions (seeds 1…n)."), QStringLiteral("n"), QStringLiteral("5")},
        {QStringLiteral("method"), QStringLiteral("Training method."), QStringLiteral("id"), QStringLiteral("whitened-linear")},
        {QStringLiteral("density-weight"), QStringLiteral("Label next's exponent on representativeness."), QStringLiteral("w"),
         QString::number(LabelNextOptions().densityWeight)},
        {QStringLiteral("novelty-weight"), QStringLiteral("Label next's exponent on novelty."), QStringLiteral("w"),
         QString::number(LabelNextOptions().noveltyWeight)},
    });
    parser.addOptions(bench::photoSetOptions(QStringLiteral(EXEMPLAR_BENCH_SHARED_DATA_DIR)));
    parser.process(app);
    try {
        Embedder embedder(ModelSpec::load(bench::modelSpecOption(parser)));
        const EmbeddingCache cache(embedder.identity(), embedder.dim());
        const int start = parser.value(QStringLiteral("start")).toInt();
        const int rounds = parser.value(QStringLiteral("rounds")).toInt();
        const int repeats = parser.value(QStringLiteral("repeats")).toInt();
        const double testShare = parser.value(QStringLiteral("test")).toDouble();
        const TrainingMethodInfo* method = findTrainingMethod(parser.value(QStringLiteral("method")));
        if (!method || start < 1 || rounds < 1 || repeats < 1 || !(testShare > 0 && testShare < 1))
            throw Error(QStringLiteral("bad options (see --help)"));
        TrainingOptions options;
        options.method = method->id;
        LabelNextOptions weights;
        weights.densityWeight = parser.value(QStringLiteral("density-weight")).toDouble();
        weights.noveltyWeight = parser.value(QStringLiteral("novelty-weight")).toDouble();

        QString table = QStringLiteral("# Label next against random labeling (simulated)\n\n"
                                       "Model %1, method %2, label next weights %7 (density) and %8 (novelty); %3 labeled photos per class at the start, then each round "
                                       "as many more as the batch; accuracy on held-out test photos (%4% per class, "
                                       "near-identical photos never split), mean ± sd over %5 repetitions. Generated %6 "
                                       "by `build/bench/label_next`.\n\n"
                                       "| set | labeled photos | random | margin only | label next |\n|---|---|---|---|---|\n")
                            .arg(embedder.spec().name, method->id).arg(start).arg(qRound(100 * testShare)).arg(repeats)
                            .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
                            .arg(weights.densityWeight).arg(weights.noveltyWeight);
        for (const QString& root : bench::photoSetFolders(parser, "label_next")) {
            const QString name = QFileInfo(root).fileName();
            std::fprintf(stderr, "label_next: embedding %s\n", qPrintable(root));
            const EmbeddingSet data = embedDataset(Dataset::scan(root), embedder, &cache, nullptr, nullptr);
            const int classes = data.classCount();
            const int batch = parser.value(QStringLiteral("batch")).toInt() > 0 ? parser.value(QStringLiteral("batch")).toInt() : classes;
            const std::vector<int> groups = findDuplicateGroups(data).groupOf;
            // accuracy[strategy][round] over repetitions; round 0 is the start (the same for all)
            std::vector<std::vector<std::vector<double>>> accuracy(StrategyCount, std::vector<std::vector<double>>(size_t(rounds + 1)));
            std::vector<int> labeledCount(size_t(rounds + 1), 0);
            for (int rep = 1; rep <= repeats; ++rep) {
                std::vector<int> candidates, test;
                drawHoldoutSplit(data.labels, groups, classes, testShare, quint64(rep), &candidates, &test);
                std::mt19937_64 random(quint64(rep) * 7919u);
                std::shuffle(candidates.begin(), candidates.end(), random);
                std::vector<int> startRows, rest;
                std::vector<int> taken(size_t(classes), 0);
                for (int row : candidates) {
                    int& t = taken[size_t(data.labels[size_t(row)])];
                    if (t < start) { startRows.push_back(row); ++t; }
                    else rest.push_back(row);
                }
                for (int s = 0; s < StrategyCount; ++s) {
                    std::vector<int> labeled = startRows, unlabeled = rest;
                    std::mt19937_64 strategyRandom(quint64(rep) * 104729u + quint64(s));
                    for (int round = 0; round <= rounds; ++round) {
                        TrainingResult trained = method->trainer(data.subset(labeled), options, nullptr, {});
                        // As a trained reference set keeps them: what "unlike every training photo" is judged by.
                        trained.head.trainingPhotos = familiarPhotos(data.subset(labeled).vectors);
                        accuracy[size_t(s)][size_t(round)].push_back(accuracyOn(trained.head, data, test));
                        labeledCount[size_t(round)] = int(labeled.size());
                        if (round == rounds || unlabeled.empty()) continue;
                        std::vector<int> chosen = pick(Strategy(s), trained.head, data, unlabeled, batch, weights, strategyRandom);
                        std::sort(chosen.begin(), chosen.end(), std::greater<int>());
                        for (int position : chosen) {
                            labeled.push_back(unlabeled[size_t(position)]);
                            unlabeled.erase(unlabeled.begin() + position);
                        }
                    }
                }
                std::fprintf(stderr, "label_next: %s repetition %d done\n", qPrintable(name), rep);
            }
            for (int round = 0; round <= rounds; ++round) {
                QString row = QStringLiteral("| %1 | %2 |").arg(name).arg(labeledCount[size_t(round)]);
                for (int s = 0; s < StrategyCount; ++s) row += QStringLiteral(" %1 |").arg(meanSd(accuracy[size_t(s)][size_t(round)]));
                table += row + QLatin1Char('\n');
                std::fprintf(stderr, "%s\n", qPrintable(row));
            }
        }
        bench::printTable(parser, table);
    } catch (const Error& e) {
        std::fprintf(stderr, "label_next: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
