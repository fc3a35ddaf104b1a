// The honest protocol: pool and test photos are drawn apart per repetition, each method is trained
// on the pool only and scored on the test photos only.
#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "HonestEvaluation.h"
#include "Metrics.h"
#include "SyntheticEmbeddings.h"
#include "TrainingMethod.h"

#include <QJsonArray>
#include <QtTest>
#include <cmath>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>

using namespace exemplar;
using namespace exemplar::test;

namespace {

// Labels of classes of the given sizes, interleaved (not grouped) so that the splits must go by
// label and not by position.
std::vector<int> interleavedLabels(const std::vector<int>& counts)
{
    std::vector<int> labels, left = counts;
    for (bool any = true; any;) {
        any = false;
        for (size_t c = 0; c < left.size(); ++c)
            if (left[c] > 0) {
                labels.push_back(int(c));
                --left[c];
                any = true;
            }
    }
    return labels;
}

std::vector<int> countPerClass(const std::vector<int>& rows, const std::vector<int>& labels, int classCount)
{
    std::vector<int> counts(size_t(classCount), 0);
    for (int r : rows) ++counts[size_t(labels[size_t(r)])];
    return counts;
}

// Pool and test are disjoint, sorted, and together hold every row exactly once.
void verifyPartition(const std::vector<int>& pool, const std::vector<int>& test, size_t rows)
{
    QVERIFY(std::is_sorted(pool.begin(), pool.end()));
    QVERIFY(std::is_sorted(test.begin(), test.end()));
    std::vector<int> both = pool;
    both.insert(both.end(), test.begin(), test.end());
    std::sort(both.begin(), both.end());
    QCOMPARE(both.size(), rows);
    for (size_t i = 0; i < rows; ++i) QCOMPARE(both[i], int(i));  // no duplicates, nothing missing
}

EvaluationOptions quickOptions(int pool, int repeats, quint64 seed = 1)
{
    EvaluationOptions options;
    options.pool = pool;
    options.repeats = repeats;
    options.seed = seed;
    options.training.optimizer.budget = 20;  // plenty for 3 classes, and keeps the test quick
    return options;
}

// Separated clusters: every method should be (nearly) perfect. Photos of a class are as far
// apart as real ones (cosine about 0.6): tighter, they would be near-duplicates (DuplicateGroups.h).
EmbeddingSet easyData() { return makeClusteredSet({15, 15, 15}, 64, 0.8f, 3); }
// Overlapping clusters: every method makes mistakes, and which depends on the split.
EmbeddingSet hardData() { return makeClusteredSet({15, 15, 15, 15}, 64, 3.0f, 4); }

// Groups of SIZES, in order: each takes the first rows not yet grouped of the class of the first
// of them (never more than that class has left); the rows left over are alone.
std::vector<int> groupsOfSizes(const std::vector<int>& labels, const std::vector<int>& sizes)
{
    std::vector<int> groups(labels.size(), -1);
    size_t next = 0;
    for (int g = 0; g < int(sizes.size()); ++g) {
        while (next < labels.size() && groups[next] >= 0) ++next;
        if (next == labels.size()) break;
        const int label = labels[next];
        int left = sizes[size_t(g)];
        for (size_t row = next; row < labels.size() && left > 0; ++row)
            if (groups[row] < 0 && labels[row] == label) {
                groups[row] = g;
                --left;
            }
    }
    for (size_t row = 0, g = sizes.size(); row < labels.size(); ++row)
        if (groups[row] < 0) groups[row] = int(g++);  // the rest alone
    return groups;
}

// No group has rows on both sides.
void verifyGroupsKept(const std::vector<int>& pool, const std::vector<int>& test, const std::vector<int>& groups)
{
    std::set<int> poolGroups;
    for (int row : pool) poolGroups.insert(groups[size_t(row)]);
    for (int row : test) QVERIFY2(!poolGroups.count(groups[size_t(row)]), qPrintable(QString::number(row)));
}

QJsonObject withoutSeconds(QJsonObject json)
{
    QJsonObject methods = json.value(QStringLiteral("methods")).toObject();
    for (const QString& name : methods.keys()) {
        QJsonObject method = methods.value(name).toObject();
        method.remove(QStringLiteral("seconds"));  // the only thing allowed to vary
        methods.insert(name, method);
    }
    json.insert(QStringLiteral("methods"), methods);
    return json;
}

} // namespace

// Written out here rather than taken from the code under test.
double sampleStd(const std::vector<double>& values)
{
    if (values.size() < 2) return 0;
    double mean = 0;
    for (double v : values) mean += v;
    mean /= double(values.size());
    double squares = 0;
    for (double v : values) squares += (v - mean) * (v - mean);
    return std::sqrt(squares / double(values.size() - 1));
}

class TestHonestEvaluation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The classes whose pools drawPoolSplit makes smaller, as the Methods tab names them before
    // a comparison and the comparison's warning after it.
    void classesShortOfPool_data()
    {
        QTest::addColumn<std::vector<int>>("counts");
        QTest::addColumn<int>("pool");
        QTest::addColumn<std::vector<int>>("expected");
        QTest::addColumn<int>("fewest");
        QTest::newRow("none short") << std::vector<int>{12, 11, 30} << 10 << std::vector<int>{} << 0;
        QTest::newRow("equal to the pool is short") << std::vector<int>{10, 11} << 10 << std::vector<int>{0} << 10;
        QTest::newRow("several, fewest among them") << std::vector<int>{6, 40, 4, 9} << 10 << std::vector<int>{0, 2, 3} << 4;
        QTest::newRow("empty and one-photo classes") << std::vector<int>{0, 1, 20} << 5 << std::vector<int>{0, 1} << 0;
        QTest::newRow("no classes") << std::vector<int>{} << 5 << std::vector<int>{} << 0;
    }

    void classesShortOfPool()
    {
        QFETCH(std::vector<int>, counts);
        QFETCH(int, pool);
        QFETCH(std::vector<int>, expected);
        QFETCH(int, fewest);
        const ClassesShortOfPool found = exemplar::classesShortOfPool(counts, pool);
        QCOMPARE(found.classes, expected);
        QCOMPARE(found.fewest, fewest);
    }

    void poolSplit_data()
    {
        QTest::addColumn<std::vector<int>>("counts");
        QTest::addColumn<int>("poolPerClass");
        QTest::addColumn<std::vector<int>>("expectedPool");
        QTest::newRow("enough photos") << std::vector<int>{10, 12, 20} << 5 << std::vector<int>{5, 5, 5};
        QTest::newRow("small classes keep a test photo")
            << std::vector<int>{3, 6, 7} << 6 << std::vector<int>{2, 5, 6};
        QTest::newRow("one-photo class: pool 1, test 0") << std::vector<int>{1, 4} << 2 << std::vector<int>{1, 2};
        QTest::newRow("pool of 1") << std::vector<int>{2, 9} << 1 << std::vector<int>{1, 1};
    }
    void poolSplit()
    {
        QFETCH(std::vector<int>, counts);
        QFETCH(int, poolPerClass);
        QFETCH(std::vector<int>, expectedPool);
        const std::vector<int> labels = interleavedLabels(counts);
        const int classes = int(counts.size());
        std::vector<int> pool, test;
        drawPoolSplit(labels, {}, classes, poolPerClass, 17, &pool, &test);
        verifyPartition(pool, test, labels.size());
        QCOMPARE(countPerClass(pool, labels, classes), expectedPool);

        // Deterministic per seed…
        std::vector<int> pool2, test2;
        drawPoolSplit(labels, {}, classes, poolPerClass, 17, &pool2, &test2);
        QCOMPARE(pool2, pool);
        QCOMPARE(test2, test);
        // …and the output vectors are overwritten, not appended to.
        drawPoolSplit(labels, {}, classes, poolPerClass, 17, &pool2, &test2);
        QCOMPARE(pool2, pool);
    }

    void poolSplitDependsOnSeed()
    {
        const std::vector<int> labels = interleavedLabels({20, 20, 20});
        std::vector<int> pool1, test1, pool2, test2;
        drawPoolSplit(labels, {}, 3, 5, 1, &pool1, &test1);
        drawPoolSplit(labels, {}, 3, 5, 2, &pool2, &test2);
        QVERIFY(pool1 != pool2);  // C(20,5)³ possibilities: equal only by a broken seed
        verifyPartition(pool2, test2, labels.size());
    }

    void holdoutSplit_data()
    {
        QTest::addColumn<std::vector<int>>("counts");
        QTest::addColumn<double>("fraction");
        QTest::addColumn<std::vector<int>>("expectedHeldOut");
        QTest::newRow("fraction 0 holds nothing") << std::vector<int>{10, 5} << 0.0 << std::vector<int>{0, 0};
        QTest::newRow("0.2 of 10 is 2") << std::vector<int>{10, 10} << 0.2 << std::vector<int>{2, 2};
        QTest::newRow("0.25 of 12 and 9") << std::vector<int>{12, 9} << 0.25 << std::vector<int>{3, 2};
        // A one-photo class must stay trainable; a two-photo class still gets measured.
        QTest::newRow("classes of 1 and 2") << std::vector<int>{1, 2, 10} << 0.2 << std::vector<int>{0, 1, 2};
        QTest::newRow("fraction 1 leaves one to train on") << std::vector<int>{5, 2} << 1.0 << std::vector<int>{4, 1};
    }
    void holdoutSplit()
    {
        QFETCH(std::vector<int>, counts);
        QFETCH(double, fraction);
        QFETCH(std::vector<int>, expectedHeldOut);
        const std::vector<int> labels = interleavedLabels(counts);
        const int classes = int(counts.size());
        std::vector<int> pool, heldOut;
        drawHoldoutSplit(labels, {}, classes, fraction, 3, &pool, &heldOut);
        verifyPartition(pool, heldOut, labels.size());
        QCOMPARE(countPerClass(heldOut, labels, classes), expectedHeldOut);
    }

    // Whole groups move: none straddles, for any seed; each class's pool is as near the asked
    // size as its groups allow, and a class of two or more groups keeps one on each side.
    void splitsKeepGroupsTogether_data()
    {
        QTest::addColumn<QString>("split");
        QTest::addColumn<std::vector<int>>("counts");
        QTest::addColumn<std::vector<int>>("groupSizes");  // groups over the rows in order (see groupsOfSizes)
        QTest::addColumn<double>("size");                  // pool per class, or held-out fraction
        QTest::addColumn<int>("slack");                    // how far from the asked size a class may be
        QTest::newRow("pool: pairs") << "pool" << std::vector<int>{20, 20} << std::vector<int>(20, 2) << 5.0 << 1;
        QTest::newRow("pool: ten copies per photo")
            << "pool" << std::vector<int>{30, 30, 30} << std::vector<int>(9, 10) << 10.0 << 0;
        // The big group would overshoot the pool of 5 more than it fills: the singles make it.
        QTest::newRow("pool: one big group and singles")
            << "pool" << std::vector<int>{20, 20} << std::vector<int>{12} << 5.0 << 0;
        QTest::newRow("pool: a class of two groups")
            << "pool" << std::vector<int>{8, 10} << std::vector<int>{4, 4} << 10.0 << 4;
        QTest::newRow("held out: pairs") << "holdout" << std::vector<int>{20, 20} << std::vector<int>(20, 2) << 0.2 << 1;
        QTest::newRow("held out: ten copies per photo")
            << "holdout" << std::vector<int>{50, 50} << std::vector<int>(10, 10) << 0.2 << 0;
        QTest::newRow("held out: triples and singles")
            << "holdout" << std::vector<int>{15, 16} << std::vector<int>{3, 3, 3, 3} << 0.25 << 1;
    }
    void splitsKeepGroupsTogether()
    {
        QFETCH(QString, split);
        QFETCH(std::vector<int>, counts);
        QFETCH(std::vector<int>, groupSizes);
        QFETCH(double, size);
        QFETCH(int, slack);
        std::vector<int> labels;  // grouped by class here, so that groups are easy to lay out
        for (size_t c = 0; c < counts.size(); ++c) labels.insert(labels.end(), size_t(counts[c]), int(c));
        const std::vector<int> groups = groupsOfSizes(labels, groupSizes);
        const int classes = int(counts.size());
        for (quint64 seed = 1; seed <= 25; ++seed) {
            std::vector<int> pool, test;
            if (split == QLatin1String("pool")) drawPoolSplit(labels, groups, classes, int(size), seed, &pool, &test);
            else drawHoldoutSplit(labels, groups, classes, size, seed, &pool, &test);
            verifyPartition(pool, test, labels.size());
            verifyGroupsKept(pool, test, groups);
            const std::vector<int> inPool = countPerClass(pool, labels, classes);
            const std::vector<int> inTest = countPerClass(test, labels, classes);
            for (int c = 0; c < classes; ++c) {
                const int n = counts[size_t(c)];
                const int asked = split == QLatin1String("pool") ? std::min(int(size), n - 1)
                                                                 : n - std::clamp(int(std::lround(size * n)), 1, n - 1);
                QVERIFY2(std::abs(inPool[size_t(c)] - asked) <= slack,
                         qPrintable(QStringLiteral("seed %1 class %2: %3 in the pool, %4 asked")
                                        .arg(seed).arg(c).arg(inPool[size_t(c)]).arg(asked)));
                QVERIFY(inPool[size_t(c)] > 0);
                QVERIFY(inTest[size_t(c)] > 0);
            }
        }
    }

    // Every photo its own group is no grouping at all: the very split of before.
    void singletonGroupsSplitAsBefore()
    {
        const std::vector<int> labels = interleavedLabels({12, 9, 14});
        std::vector<int> alone(labels.size());
        std::iota(alone.begin(), alone.end(), 0);
        std::vector<int> pool1, test1, pool2, test2;
        drawPoolSplit(labels, {}, 3, 5, 4, &pool1, &test1);
        drawPoolSplit(labels, alone, 3, 5, 4, &pool2, &test2);
        QCOMPARE(pool2, pool1);
        drawHoldoutSplit(labels, {}, 3, 0.2, 4, &pool1, &test1);
        drawHoldoutSplit(labels, alone, 3, 0.2, 4, &pool2, &test2);
        QCOMPARE(pool2, pool1);
    }

    // The defect: every photo present ten times over (byte-identical files). The photos
    // themselves do not generalize, so an honest figure is about chance; a test photo whose copy
    // is in the pool finds it and is right, which showed as a near-perfect "held-out" accuracy.
    void identicalCopiesDoNotInflate()
    {
        const EmbeddingSet data = withIdenticalCopies(unlearnableSet(4, 8, 64, 21), 10);
        EvaluationOptions options = quickOptions(10, 5);
        options.methods = QStringList{"all", "linear"};
        const EvaluationReport report = evaluateHonestly(data, options);
        QCOMPARE(report.photos, 320);
        QCOMPARE(report.duplicateGroups, 32);
        QCOMPARE(report.groupedPhotos, 320);
        for (const MethodSummary& summary : report.methods)
            QVERIFY2(summary.accuracyMean < 0.5,
                     qPrintable(QStringLiteral("%1: %2").arg(summary.name).arg(summary.accuracyMean)));
        const QJsonObject grouping = report.toJson().value(QStringLiteral("duplicate_groups")).toObject();
        QCOMPARE(grouping.value(QStringLiteral("groups")).toInt(), 32);
        QCOMPARE(grouping.value(QStringLiteral("photos")).toInt(), 320);
        QCOMPARE(EvaluationReport::fromJson(report.toJson()).groupedPhotos, 320);
        // The 95% interval counts independent pictures, not copies (an audit: 280 test photos of
        // 28 pictures made it about three times too narrow).
        QCOMPARE(report.testPhotosPerRepeat, 280);
        QCOMPARE(report.testGroupsPerRepeat, 28);
        const MethodSummary& all = report.methods.front();
        const ProportionInterval interval = report.accuracyInterval(all);
        const ProportionInterval byPictures = wilsonInterval(int(std::lround(all.accuracyMean * 28)), 28);
        QCOMPARE(interval.low, byPictures.low);
        QCOMPARE(interval.high, byPictures.high);
        QVERIFY(interval.high - interval.low > 0.25);
        QCOMPARE(EvaluationReport::fromJson(report.toJson()).testGroupsPerRepeat, 28);
    }

    void reportOnEasyData()
    {
        const EmbeddingSet data = easyData();
        EvaluationOptions options = quickOptions(5, 3);
        options.methods = QStringList{"seed", "all", "centroid"};  // not the default order
        const EvaluationReport report = evaluateHonestly(data, options);

        QCOMPARE(report.classes, 3);
        QCOMPARE(report.photos, 45);
        QCOMPARE(report.pool, 5);
        QCOMPARE(report.repeats, 3);
        QCOMPARE(report.seed, quint64(1));
        QCOMPARE(report.testPhotosPerRepeat, 45 - 3 * 5);
        QVERIFY(report.warnings.isEmpty());
        QCOMPARE(report.methods.size(), size_t(3));
        for (int m = 0; m < 3; ++m) {
            const MethodSummary& summary = report.methods[size_t(m)];
            QCOMPARE(summary.name, canonicalTrainingMethod(options.methods[m]));  // "seed" reports as least-central
            QCOMPARE(summary.accuracies.size(), size_t(3));
            QCOMPARE(summary.weightedF1s.size(), size_t(3));
            QVERIFY2(summary.accuracyMean >= 0.95, qPrintable(QString::number(summary.accuracyMean)));
            // The spread is the sample standard deviation of the per-repetition figures.
            QCOMPARE(summary.accuracyStd, sampleStd(summary.accuracies));
            QCOMPARE(summary.weightedF1Std, sampleStd(summary.weightedF1s));
            QVERIFY(summary.weightedF1Mean >= 0.95);
        }
        QCOMPARE(report.methods[1].referencesPerClass, 5.0);  // "all" keeps the whole pool
        QCOMPARE(report.methods[2].referencesPerClass, 1.0);  // one centroid per class
        QVERIFY(report.methods[0].referencesPerClass >= 1 && report.methods[0].referencesPerClass <= 5);
    }

    // The 95% interval beside a mean accuracy must cover what the method really reaches at this
    // pool size about 95% of the time. Measured the way it matters: a large population of photos
    // (synthetic: six overlapping classes), its truth the method's accuracy averaged over many
    // pools drawn from it and scored on the rest; then many small photo sets drawn from the same
    // population, each evaluated as a user would, and how often the interval holds the truth.
    void accuracyIntervalCoversTheTruthAtItsNominalRate()
    {
        constexpr int kClasses = 6, kPerClassInPopulation = 2000, kPerClassInASet = 30, kPool = 5, kSets = 200;
        const EmbeddingSet population =
            makeClusteredSet(std::vector<int>(kClasses, kPerClassInPopulation), 32, 1.5f, 21);
        std::vector<std::vector<int>> rowsOfClass(kClasses);
        for (int row = 0; row < population.size(); ++row) rowsOfClass[size_t(population.labels[size_t(row)])].push_back(row);
        std::mt19937_64 generator(7);
        const auto draw = [&](int perClass, std::vector<int>* rest) {
            std::vector<int> rows;
            for (std::vector<int> classRows : rowsOfClass) {
                std::shuffle(classRows.begin(), classRows.end(), generator);
                rows.insert(rows.end(), classRows.begin(), classRows.begin() + perClass);
                if (rest) rest->insert(rest->end(), classRows.begin() + perClass, classRows.end());
            }
            return rows;
        };
        // The truth: centroid's accuracy with a pool of 5 per class, over 300 pools.
        TrainingOptions centroid;
        centroid.method = QStringLiteral("centroid");
        // Its weighted F1's truth likewise, on test photos as many per class as a set's (a class's
        // F1 from few photos runs a little low, and the sets' figures are measured on few).
        double truth = 0, truthF1 = 0;
        constexpr int kTruthPools = 300;
        for (int i = 0; i < kTruthPools; ++i) {
            std::vector<int> rest;
            const EmbeddingSet pool = population.subset(draw(kPool, &rest));
            const EmbeddingSet test = population.subset(rest);
            const Metrics metrics =
                Metrics::compute(test.labels, train(pool, centroid).head.predictClasses(test.vectors), kClasses);
            truth += metrics.accuracy;
            truthF1 += metrics.weightedF1;
        }
        truth /= kTruthPools;
        truthF1 /= kTruthPools;
        QVERIFY2(truth > 0.5 && truth < 0.85, qPrintable(QString::number(truth)));  // neither trivial nor hopeless

        int covered = 0, coveredF1 = 0;
        double width = 0, widthF1 = 0;
        for (int set = 0; set < kSets; ++set) {
            const EmbeddingSet photos = population.subset(draw(kPerClassInASet, nullptr));
            EvaluationOptions options = quickOptions(kPool, 5, quint64(set) + 1);
            options.methods = QStringList{QStringLiteral("centroid")};
            const EvaluationReport report = evaluateHonestly(photos, options);
            const MethodSummary& method = report.methods[0];
            const ProportionInterval interval = report.accuracyInterval(method);
            QVERIFY(interval.low <= method.accuracyMean && method.accuracyMean <= interval.high);
            covered += interval.low <= truth && truth <= interval.high;
            width += interval.high - interval.low;
            const std::optional<ProportionInterval> f1 = report.weightedF1Interval(method);
            QVERIFY(f1.has_value());
            QVERIFY(f1->low <= method.weightedF1Mean && method.weightedF1Mean <= f1->high);
            coveredF1 += f1->low <= truthF1 && truthF1 <= f1->high;
            widthF1 += f1->high - f1->low;
        }
        const double coverage = double(covered) / kSets, coverageF1 = double(coveredF1) / kSets;
        qInfo("truth %.3f; the interval held it for %d of %d photo sets; mean width %.3f", truth, covered, kSets, width / kSets);
        qInfo("weighted F1's truth %.3f; its interval held it for %d of %d photo sets; mean width %.3f", truthF1,
              coveredF1, kSets, widthF1 / kSets);
        // 95% nominal: with 200 sets, 88% or less would be a too-narrow interval (p < 0.001).
        QVERIFY2(coverage > 0.88, qPrintable(QString::number(coverage)));
        QVERIFY2(coverageF1 > 0.88, qPrintable(QString::number(coverageF1)));
        // And not a uselessly wide one: 150 test photos give a Wilson width near 0.14.
        QVERIFY2(width / kSets < 0.17, qPrintable(QString::number(width / kSets)));
        QVERIFY2(widthF1 / kSets < 0.19, qPrintable(QString::number(widthF1 / kSets)));
    }

    void reportOnHardData()
    {
        const EvaluationReport report = evaluateHonestly(hardData(), quickOptions(5, 4));
        for (const MethodSummary& summary : report.methods) {
            QVERIFY2(summary.accuracyMean > 0 && summary.accuracyMean < 1,
                     qPrintable(QStringLiteral("%1: %2").arg(summary.name).arg(summary.accuracyMean)));
            QVERIFY(summary.accuracyStd > 0);  // splits differ, so do the scores
            for (double a : summary.accuracies) QVERIFY(a >= 0 && a <= 1);
        }
    }

    // Honesty end to end: photos are iid random directions with arbitrary labels, so nothing
    // generalizes and an honest 1-NN scores about chance (1/4). Had any test photo also been in
    // the pool, it would find itself (similarity 1) and be right: a leak shows as accuracy → 1.
    void testPhotosNeverInPool()
    {
        EmbeddingSet data = makeClusteredSet({20, 20, 20, 20}, 64, 0.3f, 1);
        data.vectors = gaussianMatrix(80, 64, 77);
        data.vectors.rowwise().normalize();
        // The detector works: scored on its own pool, 1-NN is perfect.
        QCOMPARE(trainAllReferences(data).head.predictClasses(data.vectors), data.labels);

        EvaluationOptions options = quickOptions(10, 5);
        options.methods = QStringList{"all"};
        const EvaluationReport report = evaluateHonestly(data, options);
        QCOMPARE(report.testPhotosPerRepeat, 40);
        QVERIFY2(report.methods[0].accuracyMean < 0.5, qPrintable(QString::number(report.methods[0].accuracyMean)));
    }

    // Background photos reach the whitened methods of every repetition; copies of any dataset photo
    // (a test photo in some repetition) are left out first, with a warning. The unwhitened methods
    // give the same figures with and without them.
    void backgroundPhotosJoinTheWhitening()
    {
        const EmbeddingSet data = hardData();
        const EmbeddingSet others = makeClusteredSet({30, 30}, 64, 3.0f, 40);
        EvaluationOptions options = quickOptions(5, 3);
        options.methods = QStringList{"centroid", "whitened-centroid"};
        const EvaluationReport plain = evaluateHonestly(data, options);
        Matrix background(others.size() + 4, data.dim());
        background << others.vectors, data.vectors.topRows(4);
        options.training.whiteningBackground = std::make_shared<const Matrix>(background);
        const EvaluationReport with = evaluateHonestly(data, options);

        QCOMPARE(plain.backgroundPhotos, 0);
        QCOMPARE(with.backgroundPhotos, others.size());
        QVERIFY2(with.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("4 background photo(s) were left out")),
                 qPrintable(with.warnings.join(QLatin1Char('\n'))));
        QCOMPARE(with.methods[0].accuracies, plain.methods[0].accuracies);
        QVERIFY(with.methods[1].accuracies != plain.methods[1].accuracies);
        QCOMPARE(EvaluationReport::fromJson(with.toJson()).backgroundPhotos, others.size());
        QCOMPARE(plain.toJson().value(QStringLiteral("background_photos")).toInt(-1), 0);
    }

    // Unlabeled photos near-identical to a dataset photo (at the embeddings' own threshold, below
    // 0.92) are left out with a warning: a re-encoded copy of a test photo is not "unlabeled".
    void unlabeledCopiesOfDatasetPhotosAreLeftOut()
    {
        EmbeddingSet data = hardData();
        data.nearIdenticalCosine = 0.885;
        const EmbeddingSet others = makeClusteredSet({10, 10}, 64, 3.0f, 41);
        Matrix unlabeled(others.size() + 3, data.dim());
        unlabeled << others.vectors, atCosine(data.vectors.row(0), 0.9, 1), atCosine(data.vectors.row(7), 0.9, 2),
            atCosine(data.vectors.row(11), 0.9, 3);
        EvaluationOptions options = quickOptions(5, 2);
        options.methods = QStringList{"centroid"};
        options.unlabeled = photosWithoutClass(unlabeled);
        const EvaluationReport report = evaluateHonestly(data, options);
        QVERIFY2(report.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("3 unlabeled photo(s) were left out")),
                 qPrintable(report.warnings.join(QLatin1Char('\n'))));
        QCOMPARE(report.unlabeled, QStringLiteral("folder (%1 photos)").arg(others.size()));
    }

    // Classes no larger than the pool are said in one line however many they are (200 sentences
    // filled the Methods tab at 200 classes of 6 photos); one such class is named alone.
    void smallClassesAreSaidInOneLine()
    {
        EvaluationOptions options = quickOptions(5, 1);
        options.methods = QStringList{"centroid"};
        const EvaluationReport many = evaluateHonestly(makeClusteredSet({4, 4, 3, 4, 4, 9}, 32, 0.5f, 5), options);
        QCOMPARE(many.warnings.filter(QStringLiteral("no more photos than the pool")).size(), 1);
        QVERIFY2(many.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("5 classes have no more photos than the pool of 5")) &&
                     many.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("the smallest has 3")),
                 qPrintable(many.warnings.join(QLatin1Char('\n'))));
        const EvaluationReport one = evaluateHonestly(makeClusteredSet({9, 3, 9}, 32, 0.5f, 6), options);
        QVERIFY2(one.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("has 3 photos, not more than the pool of 5")),
                 qPrintable(one.warnings.join(QLatin1Char('\n'))));
        // A class of one photo trains and is not tested: said so, not "at least one photo is tested".
        const EvaluationReport single = evaluateHonestly(makeClusteredSet({9, 1, 9}, 32, 0.5f, 7), options);
        QVERIFY2(single.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("has 1 photo(s), not more than the pool of 5: it trains on them and is not tested")),
                 qPrintable(single.warnings.join(QLatin1Char('\n'))));
        const EvaluationReport mixed = evaluateHonestly(makeClusteredSet({9, 1, 3, 9}, 32, 0.5f, 8), options);
        QVERIFY2(mixed.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("a class of one photo trains on it and is not tested")),
                 qPrintable(mixed.warnings.join(QLatin1Char('\n'))));
    }

    // A report read back from a file is checked before anything shows it; what evaluateHonestly
    // made passes, and each kind of damage is named.
    void implausibleReportsAreNamed_data()
    {
        QTest::addColumn<int>("damage");
        QTest::addColumn<QString>("reason");
        QTest::newRow("as measured") << 0 << QString();
        QTest::newRow("an accuracy above 1") << 1 << "an accuracy of 1.5";
        QTest::newRow("a NaN mean") << 2 << "a mean accuracy of nan";
        QTest::newRow("negative repetitions") << 3 << "-2 repetitions";
        QTest::newRow("more figures than a loop should meet") << 4 << "20001 figures per repetition";
        QTest::newRow("negative seconds") << 5 << "a figure of -3";
        QTest::newRow("self-training kept -7 times") << 6 << "self-training kept in -7 repetitions";
        QTest::newRow("negative photos") << 7 << "-1 photos";
    }
    void implausibleReportsAreNamed()
    {
        QFETCH(int, damage);
        QFETCH(QString, reason);
        EvaluationReport report = EvaluationReport::fromJson(evaluateHonestly(easyData(), quickOptions(4, 2)).toJson());
        MethodSummary& m = report.methods.front();
        switch (damage) {
        case 1: m.accuracies.back() = 1.5; break;
        case 2: m.accuracyMean = std::nan(""); break;
        case 3: report.repeats = -2; break;
        case 4: m.accuracies.assign(20001, 0.5); break;
        case 5: m.seconds = -3; break;
        case 6: m.selfTrainingUsed = -7; break;
        case 7: report.photos = -1; break;
        default: break;
        }
        const QString problem = report.implausibility();
        if (reason.isEmpty()) QVERIFY2(problem.isEmpty(), qPrintable(problem));
        else QVERIFY2(problem.contains(reason), qPrintable(problem));
    }

    void jsonKeys()
    {
        EvaluationReport report = evaluateHonestly(easyData(), quickOptions(4, 2));
        report.dataset = QStringLiteral("synthetic");
        const QJsonObject json = report.toJson();
        QCOMPARE(json.value(QStringLiteral("dataset")).toString(), QStringLiteral("synthetic"));
        QCOMPARE(json.value(QStringLiteral("classes")).toInt(), 3);
        QCOMPARE(json.value(QStringLiteral("photos")).toInt(), 45);
        QCOMPARE(json.value(QStringLiteral("pool")).toInt(), 4);
        QCOMPARE(json.value(QStringLiteral("repeats")).toInt(), 2);
        const QJsonObject methods = json.value(QStringLiteral("methods")).toObject();
        // QJsonObject sorts keys; the default list is every method the issue names.
        QCOMPARE(methods.keys(), (QStringList{"all", "auto", "centroid", "least-central", "linear"}));
        for (const MethodSummary& summary : report.methods) {
            const QJsonObject m = methods.value(summary.name).toObject();
            for (const char* key : {"accuracy", "accuracy_std", "weighted_f1", "references_per_class", "seconds"})
                QVERIFY2(m.value(QLatin1String(key)).isDouble(), key);
            QCOMPARE(m.value(QStringLiteral("accuracy")).toDouble(), summary.accuracyMean);
            QCOMPARE(m.value(QStringLiteral("references_per_class")).toDouble(), summary.referencesPerClass);
        }
    }

    // With foreign photos, each repetition calibrates "unknown" inside its pool and scores the
    // test photos (known: rejecting them is wrong) and the foreign ones (rejecting them is right).
    void foreignPhotosAreMeasured_data()
    {
        QTest::addColumn<double>("rate");
        QTest::newRow("5%") << 0.05;
        QTest::newRow("20%") << 0.20;
    }

    void foreignPhotosAreMeasured()
    {
        QFETCH(double, rate);
        const EmbeddingSet everything = makeClusteredSet({80, 80, 80, 80, 40, 40}, 64, 0.6f, 9);
        std::vector<int> knownRows, foreignRows;
        for (int i = 0; i < everything.size(); ++i) (everything.labels[size_t(i)] < 4 ? knownRows : foreignRows).push_back(i);
        EmbeddingSet known = everything.subset(knownRows);
        known.classNames = known.classNames.mid(0, 4);
        EvaluationOptions options = quickOptions(12, 3);
        options.methods = QStringList{QStringLiteral("centroid")};
        options.foreign = everything.subset(foreignRows).vectors;
        options.knownRejectRate = rate;
        const EvaluationReport report = evaluateHonestly(known, options);

        const UnknownEvaluation& unknown = report.unknown;
        QVERIFY(unknown.measured());
        QCOMPARE(unknown.calibratedRepeats, 3);
        QCOMPARE(unknown.foreignPhotos, 80);
        QCOMPARE(unknown.known.photos, report.testPhotosPerRepeat);
        QCOMPARE(int(unknown.known.perRepeat.size()), 3);
        qInfo("known rejected %.3f [%.3f, %.3f], foreign rejected %.3f [%.3f, %.3f]", unknown.known.mean,
              unknown.known.interval.low, unknown.known.interval.high, unknown.foreign.mean,
              unknown.foreign.interval.low, unknown.foreign.interval.high);
        // 272 test photos a repetition: the share rejected stays near the asked one.
        QVERIFY(unknown.known.mean <= rate + 0.05);
        QVERIFY(unknown.known.mean >= rate / 4);
        QVERIFY(unknown.foreign.mean >= 0.9);
        for (const UnknownRate* r : {&unknown.known, &unknown.foreign})
            QVERIFY(r->interval.low <= r->mean + 1e-12 && r->mean <= r->interval.high + 1e-12);  // rounding at 0 and 1

        const QJsonObject json = report.toJson().value(QStringLiteral("unknown")).toObject();
        QCOMPARE(json.value(QStringLiteral("known_reject_rate_asked")).toDouble(), rate);
        QCOMPARE(json.value(QStringLiteral("foreign_photos")).toObject().value(QStringLiteral("answered_unknown")).toDouble(),
                 unknown.foreign.mean);
        QCOMPARE(json.value(QStringLiteral("known_test_photos")).toObject().value(QStringLiteral("interval_95")).toArray().size(), 2);
        // Without foreign photos nothing is measured, and the JSON says nothing about it.
        options.foreign = Matrix();
        QVERIFY(!evaluateHonestly(known, options).toJson().contains(QStringLiteral("unknown")));
    }

    void invalidArguments_data()
    {
        QTest::addColumn<QString>("problem");
        QTest::newRow("unknown method") << "unknown method";
        QTest::newRow("pool 0") << "pool 0";
        QTest::newRow("repeats 0") << "repeats 0";
        QTest::newRow("no methods") << "no methods";
        QTest::newRow("empty data") << "empty data";
        QTest::newRow("foreign photos of another size") << "foreign size";
        QTest::newRow("foreign photos, unknown rate 0") << "unknown rate 0";
        QTest::newRow("one photo per class: none left to test") << "nothing to test";
    }
    void invalidArguments()
    {
        QFETCH(QString, problem);
        EmbeddingSet data = easyData();
        EvaluationOptions options = quickOptions(5, 2);
        if (problem == QLatin1String("unknown method")) options.methods << QStringLiteral("nonsense");
        if (problem == QLatin1String("pool 0")) options.pool = 0;
        if (problem == QLatin1String("repeats 0")) options.repeats = 0;
        if (problem == QLatin1String("no methods")) options.methods.clear();
        if (problem == QLatin1String("empty data")) data = data.subset({});
        if (problem == QLatin1String("foreign size")) options.foreign = Matrix::Ones(3, 63);
        if (problem == QLatin1String("unknown rate 0")) {
            options.foreign = data.vectors.topRows(3);
            options.knownRejectRate = 0;
        }
        if (problem == QLatin1String("nothing to test")) {  // reported 0% for every method before
            data = makeClusteredSet({1, 1, 1}, 32, 0.8f, 9);
            options.pool = 1;
            try {
                evaluateHonestly(data, options);
                QFAIL("no error");
            } catch (const Error& error) {  // said as what it is, not "use a smaller pool"
                QVERIFY2(error.message().contains(QLatin1String("every class has a single photo")), qPrintable(error.message()));
            }
        }
        QVERIFY_THROWS_EXCEPTION(Error, evaluateHonestly(data, options));
    }

    void canceledBeforehand()
    {
        Feedback feedback;
        feedback.cancel();
        QVERIFY_THROWS_EXCEPTION(OperationCanceled, evaluateHonestly(easyData(), quickOptions(5, 2), &feedback));
    }

    void progressIsReported()
    {
        Feedback feedback;
        qint64 lastDone = -1, lastTotal = 0;
        feedback.setProgressHandler([&](qint64 done, qint64 total, const QString&) {
            QVERIFY(done >= lastDone);
            lastDone = done;
            lastTotal = total;
        });
        evaluateHonestly(easyData(), quickOptions(5, 2), &feedback);
        QCOMPARE(lastTotal, qint64(2 * EvaluationOptions().methods.size()));  // repeats × methods
        QCOMPARE(lastDone, lastTotal);
    }

    // What happens inside a step (auto cross-validating its candidates) is said after the step's
    // words, while the bar keeps counting steps: a long step at 200 classes shows it moves.
    void workInsideAStepIsSaid()
    {
        Feedback feedback;
        EvaluationOptions options = quickOptions(5, 2);
        options.methods = QStringList{"auto"};
        qint64 lastDone = -1;
        QStringList inside;
        feedback.setProgressHandler([&](qint64 done, qint64 total, const QString& what) {
            QVERIFY(done >= lastDone && done <= total);
            QCOMPARE(total, qint64(2));
            lastDone = done;
            if (what.contains(QStringLiteral(" — "))) inside << what;
        });
        evaluateHonestly(easyData(), options, &feedback);
        QVERIFY2(!inside.isEmpty(), "nothing said from inside a step");
        for (const QString& what : inside)
            QVERIFY2(what.startsWith(QStringLiteral("auto: repetition ")), qPrintable(what));

        // With self-training the inner work reports through slices (thousandths of its bar):
        // those counts never reach the words, which say only what is done.
        inside.clear();
        lastDone = -1;
        options.methods = QStringList{"centroid"};
        options.transductive = true;
        evaluateHonestly(easyData(), options, &feedback);
        QVERIFY2(!inside.isEmpty(), "nothing said from inside a self-training step");
        for (const QString& what : inside) {
            QVERIFY2(what.startsWith(QStringLiteral("centroid: repetition ")), qPrintable(what));
            QVERIFY2(!what.contains(QStringLiteral("/1000")), qPrintable(what));
        }
    }

    // Each method is reported as soon as all its repetitions are done, with the very figures the
    // final report gives it (the GUI shows these rows while the other methods run).
    void eachMethodIsReportedWhenDone()
    {
        EvaluationOptions options = quickOptions(5, 3);
        options.methods = QStringList{"all", "centroid", "whitened-centroid"};
        std::vector<EvaluationReport> soFar;
        const EvaluationReport report =
            evaluateHonestly(hardData(), options, nullptr, [&](const EvaluationReport& partial) { soFar.push_back(partial); });
        QCOMPARE(int(soFar.size()), options.methods.size() - 1);  // the last one is the final report
        for (size_t k = 0; k < soFar.size(); ++k) {
            QCOMPARE(soFar[k].methods.size(), k + 1);
            QCOMPARE(soFar[k].recommended, -1);  // nothing is recommended before every method is in
            for (size_t m = 0; m <= k; ++m) {
                QCOMPARE(soFar[k].methods[m].name, report.methods[m].name);
                QCOMPARE(soFar[k].methods[m].accuracies, report.methods[m].accuracies);
            }
        }
        // The same figures as one method evaluated alone: methods do not affect each other's splits.
        options.methods = QStringList{"centroid"};
        QCOMPARE(evaluateHonestly(hardData(), options).methods[0].accuracies, report.methods[1].accuracies);
    }

    // A class with no more photos than the pool gets a smaller pool, and the user is told.
    void warnsAboutSmallClasses()
    {
        const EmbeddingSet data = makeClusteredSet({12, 5, 6, 12}, 32, 0.8f, 9);
        const EvaluationReport report = evaluateHonestly(data, quickOptions(5, 1));
        QCOMPARE(report.warnings.size(), 1);  // class1 (5 photos); class2 (6) has a test photo to spare
        QVERIFY(report.warnings.front().contains(QStringLiteral("\"class1\"")));
        QCOMPARE(report.toJson().value(QStringLiteral("warnings")).toArray().size(), 1);
        QCOMPARE(report.testPhotosPerRepeat, 35 - (5 + 4 + 5 + 5));
    }

    // A class whose photos are all copies of one picture cannot be measured: the user is told.
    void warnsAboutAClassOfOnePicture()
    {
        EmbeddingSet data = makeClusteredSet({12, 6, 12}, 64, 0.8f, 9);
        for (int row = 13; row < 18; ++row) data.vectors.row(row) = data.vectors.row(12);
        const EvaluationReport report = evaluateHonestly(data, quickOptions(5, 1));
        QCOMPARE(report.warnings.size(), 1);
        QVERIFY2(report.warnings.front().contains(QStringLiteral("\"class1\": its 6 photos are near-identical")),
                 qPrintable(report.warnings.front()));
        QCOMPARE(report.groupedPhotos, 6);

        // A class of two pictures, one of them a copy of another class's photo: not "copies of one
        // picture" (a review found that said of two different photos), but why it goes untested.
        EmbeddingSet shared = makeClusteredSet({6, 2, 6}, 64, 0.8f, 9);
        shared.vectors.row(7) = shared.vectors.row(0);  // class1's second photo is class0's first
        const EvaluationReport sharing = evaluateHonestly(shared, quickOptions(2, 1));
        const QString said = sharing.warnings.join(QLatin1Char('\n'));
        QVERIFY2(!said.contains(QLatin1String("copies of one picture")), qPrintable(said));
        QVERIFY2(said.contains(QLatin1String("\"class1\": 1 of its 2 photos are near-identical to photos of another class")),
                 qPrintable(said));
    }

    void deterministicPerSeed()
    {
        const EmbeddingSet data = hardData();
        const QJsonObject first = evaluateHonestly(data, quickOptions(5, 3, 11)).toJson();
        const QJsonObject again = evaluateHonestly(data, quickOptions(5, 3, 11)).toJson();
        QCOMPARE(withoutSeconds(again), withoutSeconds(first));

        // Another seed draws other pools, hence other accuracies on overlapping classes.
        const EvaluationReport other = evaluateHonestly(data, quickOptions(5, 3, 12));
        const QJsonObject firstMethods = first.value(QStringLiteral("methods")).toObject();
        for (const MethodSummary& summary : other.methods) {
            const QJsonArray perRepeat =
                firstMethods.value(summary.name).toObject().value(QStringLiteral("accuracy_per_repeat")).toArray();
            std::vector<double> firstAccuracies;
            for (const QJsonValue& v : perRepeat) firstAccuracies.push_back(v.toDouble());
            QVERIFY2(firstAccuracies != summary.accuracies, qPrintable(summary.name));
        }
    }
};

QTEST_APPLESS_MAIN(TestHonestEvaluation)
#include "tst_honestevaluation.moc"
