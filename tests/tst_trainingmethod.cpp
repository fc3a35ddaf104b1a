// The three methods that turn a pool into a ReferenceHead: all (1-NN baseline), centroid, and the
// article's centrality selection ("seed").
#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "SyntheticEmbeddings.h"
#include "TrainingMethods.h"
#include "Whitening.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QtTest>

#include <cmath>

using namespace exemplar;
using namespace exemplar::test;

Q_DECLARE_METATYPE(exemplar::OptimizerStrategy)
Q_DECLARE_METATYPE(exemplar::CentralityScope)

namespace {

// Three classes of different sizes: the pool the seed tests search over (small, so fast).
EmbeddingSet seedPool() { return makeClusteredSet({8, 12, 5}, 32, 1.0f, 42); }

TrainingOptions seedOptions(OptimizerStrategy strategy = OptimizerStrategy::Bayesian, int budget = 30)
{
    TrainingOptions options;
    options.method = QStringLiteral("seed");
    options.optimizer.strategy = strategy;
    options.optimizer.budget = budget;
    options.optimizer.seed = 7;
    return options;
}

std::vector<int> toVector(const QJsonValue& value)
{
    std::vector<int> v;
    for (const QJsonValue& x : value.toArray()) v.push_back(x.toInt());
    return v;
}

bool sameHead(const ReferenceHead& a, const ReferenceHead& b)
{
    return a.classNames == b.classNames && a.references == b.references && a.bias == b.bias &&
           a.referenceClass == b.referenceClass && a.center == b.center;
}

// The heads the seed method may produce: exactly the k_c least central rows of every class, as
// recomputed here from the public centrality functions.
void verifyLeastCentralSelection(const EmbeddingSet& pool, const TrainingResult& result, CentralityScope scope)
{
    const std::vector<int> counts = toVector(result.details.value(QStringLiteral("counts_per_class")));
    QCOMPARE(counts, result.head.referencesPerClass());
    const Vector centrality = centralityScores(pool.vectors, pool.labels, pool.classCount(), scope);
    const std::vector<int> expectedRows =
        keepLeastCentral(rankLeastCentralFirst(centrality, pool.labels, pool.classCount()), counts);
    QCOMPARE(result.head.referenceCount(), int(expectedRows.size()));
    for (size_t i = 0; i < expectedRows.size(); ++i) {
        QCOMPARE(result.head.references.row(Eigen::Index(i)), pool.vectors.row(expectedRows[i]));
        QCOMPARE(result.head.referenceClass[i], pool.labels[size_t(expectedRows[i])]);
        QCOMPARE(result.head.referenceInfo[i].contentHash, pool.contentHashes[expectedRows[i]]);
    }
}

} // namespace

class TestTrainingMethod : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void methodNames()
    {
        QCOMPARE(trainingMethodNames(), (QStringList{"all", "centroid", "least-central", "linear", "whitened-all",
                                                   "whitened-centroid", "discriminant-centroid", "whitened-linear",
                                                   "auto"}));
        // The article's method was called "seed": files, projects and scripts that say so still work.
        QVERIFY(isTrainingMethod(QStringLiteral("seed")));
        QCOMPARE(canonicalTrainingMethod(QStringLiteral("seed")), QStringLiteral("least-central"));
        QCOMPARE(findTrainingMethod(QStringLiteral("seed")), findTrainingMethod(QStringLiteral("least-central")));
        QVERIFY(!isTrainingMethod(QStringLiteral("nonsense")));
        QCOMPARE(canonicalTrainingMethod(QStringLiteral("nonsense")), QStringLiteral("nonsense"));
    }

    void tableIsComplete()
    {
        QSet<QString> labels;
        for (const TrainingMethodInfo& method : trainingMethods()) {
            QVERIFY2(!method.label.isEmpty() && !method.description.isEmpty(), qPrintable(method.id));
            QVERIFY2(method.trainer != nullptr, qPrintable(method.id));
            labels.insert(method.label);
        }
        QCOMPARE(labels.size(), int(trainingMethods().size()));  // a menu can tell them apart
        // The defaults are methods of the table, and the two programs' defaults differ on purpose.
        QVERIFY(isTrainingMethod(defaultTrainingMethod()));
        QVERIFY(isTrainingMethod(interactiveTrainingMethod()));
        QVERIFY(findTrainingMethod(interactiveTrainingMethod())->usesOptimizer);
        QCOMPARE(TrainingOptions().method, defaultTrainingMethod());
        for (const QString& id : defaultComparedMethods()) QVERIFY(isTrainingMethod(id));
    }

    void anOlderNameTrainsAndRecordsTheCurrentId()
    {
        const EmbeddingSet pool = seedPool();
        TrainingOptions options;
        options.method = QStringLiteral("seed");
        options.optimizer.budget = 8;
        const TrainingResult viaAlias = train(pool, options);
        options.method = QStringLiteral("least-central");
        const TrainingResult viaId = train(pool, options);
        QCOMPARE(viaAlias.effectiveOptions.method, QStringLiteral("least-central"));
        QVERIFY(sameHead(viaAlias.head, viaId.head));
    }

    void allKeepsEveryPhotoWithProvenance()
    {
        const EmbeddingSet pool = makeClusteredSet({4, 6, 3}, 16, 0.5f, 1);
        const TrainingResult result = trainAllReferences(pool);
        const ReferenceHead& head = result.head;
        QCOMPARE(head.classNames, pool.classNames);
        QCOMPARE(head.references, pool.vectors);
        QCOMPARE(head.referenceClass, pool.labels);
        QCOMPARE(head.bias, Vector(Vector::Zero(pool.size())));
        QCOMPARE(head.center.size(), Eigen::Index(0));
        QCOMPARE(int(head.referenceInfo.size()), pool.size());
        for (int i = 0; i < pool.size(); ++i) {
            QCOMPARE(head.referenceInfo[size_t(i)].file, QStringLiteral("photo_%1.jpg").arg(i));  // file name only
            QCOMPARE(head.referenceInfo[size_t(i)].contentHash, pool.contentHashes[i]);
        }
        QCOMPARE(toVector(result.details.value(QStringLiteral("counts_per_class"))), (std::vector<int>{4, 6, 3}));
    }

    // Embeddings read without provenance (e.g. a bare matrix) must still train.
    void allWithoutProvenance()
    {
        EmbeddingSet pool = makeClusteredSet({2, 2}, 8, 0.5f, 1);
        pool.paths.clear();
        pool.contentHashes.clear();
        const TrainingResult result = trainAllReferences(pool);
        QCOMPARE(result.head.referenceCount(), 4);
        QVERIFY(result.head.referenceInfo[0].file.isEmpty());
    }

    void centroids()
    {
        // Train on the even rows, test on the odd ones: both halves come from the same clusters.
        const EmbeddingSet all = makeClusteredSet({20, 20, 20, 20}, 64, 0.3f, 5);
        const EmbeddingSet pool = all.subset(everyOther(all.size(), 0));
        const EmbeddingSet test = all.subset(everyOther(all.size(), 1));
        const TrainingResult result = trainCentroids(pool);
        const ReferenceHead& head = result.head;

        QVERIFY((head.center - pool.vectors.colwise().mean().transpose()).norm() < 1e-6f);
        QCOMPARE(head.referenceCount(), 4);
        QCOMPARE(head.referencesPerClass(), (std::vector<int>{1, 1, 1, 1}));
        QCOMPARE(head.referenceClass, (std::vector<int>{0, 1, 2, 3}));
        for (int r = 0; r < 4; ++r) QVERIFY(std::abs(head.references.row(r).norm() - 1) < 1e-5f);
        QCOMPARE(head.bias.size(), Eigen::Index(4));
        QCOMPARE(head.predictClasses(test.vectors), test.labels);
    }

    // A one-photo pool (or any photo equal to the pool mean) centres to the zero vector; the head
    // must stay finite rather than be poisoned with NaN.
    void centroidsOfDegeneratePool()
    {
        const EmbeddingSet pool = makeClusteredSet({1}, 8, 0.3f, 2);
        const TrainingResult result = trainCentroids(pool);
        QVERIFY(result.head.references.allFinite());
        QCOMPARE(result.head.predict(pool.vectors.row(0).transpose()).bestClass(), 0);
    }

    void centroidsSkipEmptyClass()
    {
        EmbeddingSet pool = makeClusteredSet({3, 3}, 16, 0.3f, 2);
        pool.classNames << QStringLiteral("empty");
        const TrainingResult result = trainCentroids(pool);
        QCOMPARE(result.head.referencesPerClass(), (std::vector<int>{1, 1, 0}));
    }

    void seedKeepsLeastCentral_data()
    {
        QTest::addColumn<OptimizerStrategy>("strategy");
        QTest::addColumn<CentralityScope>("scope");
        QTest::newRow("bayes") << OptimizerStrategy::Bayesian << CentralityScope::WholeGraph;
        QTest::newRow("coordinate") << OptimizerStrategy::CoordinateAscent << CentralityScope::WholeGraph;
        QTest::newRow("random") << OptimizerStrategy::Random << CentralityScope::WholeGraph;
        QTest::newRow("bayes, within-class") << OptimizerStrategy::Bayesian << CentralityScope::WithinClass;
    }
    void seedKeepsLeastCentral()
    {
        QFETCH(OptimizerStrategy, strategy);
        QFETCH(CentralityScope, scope);
        const EmbeddingSet pool = seedPool();
        TrainingOptions options = seedOptions(strategy);
        options.centralityScope = scope;
        const TrainingResult result = trainCentralitySelection(pool, options);

        QVERIFY(!result.canceled);
        QCOMPARE(result.head.classNames, pool.classNames);
        const std::vector<int> counts = result.head.referencesPerClass();
        const std::vector<int> available = pool.countsPerClass();
        for (size_t c = 0; c < counts.size(); ++c) QVERIFY(counts[c] >= 1 && counts[c] <= available[c]);
        // Not only the answer: the search itself never considers dropping a class entirely.
        for (const OptimizerStep& step : result.trace)
            for (size_t c = 0; c < counts.size(); ++c)
                QVERIFY(step.point[c] >= 1 && step.point[c] <= available[c]);
        verifyLeastCentralSelection(pool, result, scope);

        const QJsonObject& details = result.details;
        QCOMPARE(details.value(QStringLiteral("optimizer")).toString(), optimizerStrategyName(strategy));
        QVERIFY(details.contains(QStringLiteral("objective")));
        QCOMPARE(toVector(details.value(QStringLiteral("available_per_class"))), available);
        QCOMPARE(details.value(QStringLiteral("centrality_scope")).toString(),
                 scope == CentralityScope::WholeGraph ? QStringLiteral("whole-graph") : QStringLiteral("within-class"));
        const double objective = details.value(QStringLiteral("objective_leave_one_out_accuracy")).toDouble(-1);
        QVERIFY(objective >= 0 && objective <= 1);
        QVERIFY(!result.trace.empty() && int(result.trace.size()) <= options.optimizer.budget);
        QCOMPARE(details.value(QStringLiteral("evaluations")).toInt(), int(result.trace.size()));
    }

    void seedIsDeterministicForASeed()
    {
        const EmbeddingSet pool = seedPool();
        const TrainingResult first = trainCentralitySelection(pool, seedOptions());
        const TrainingResult second = trainCentralitySelection(pool, seedOptions());
        QVERIFY(sameHead(first.head, second.head));
        QCOMPARE(first.details, second.details);
        QCOMPARE(first.trace.size(), second.trace.size());
        for (size_t i = 0; i < first.trace.size(); ++i) QCOMPARE(first.trace[i].point, second.trace[i].point);
    }

    void seedRespectsPinnedCounts()
    {
        const EmbeddingSet pool = seedPool();  // 8, 12, 5 photos
        TrainingOptions options = seedOptions(OptimizerStrategy::CoordinateAscent);
        options.pinnedCounts = {3, 0, 99};  // class 0 pinned, class 1 free, class 2 beyond its size
        const TrainingResult result = trainCentralitySelection(pool, options);
        const std::vector<int> counts = result.head.referencesPerClass();
        QCOMPARE(counts[0], 3);
        QVERIFY(counts[1] >= 1 && counts[1] <= 12);
        QCOMPARE(counts[2], 5);  // clamped to what the class has
        for (const OptimizerStep& step : result.trace) {
            QCOMPARE(step.point[0], 3);
            QCOMPARE(step.point[2], 5);
        }
        QCOMPARE(toVector(result.details.value(QStringLiteral("pinned_counts"))), options.pinnedCounts);
        verifyLeastCentralSelection(pool, result, options.centralityScope);
    }

    // A class the pool has no photo of gets no reference, and the search ignores it.
    void seedWithAnEmptyClass()
    {
        const EmbeddingSet pool = makeClusteredSet({6, 0, 4}, 32, 0.5f, 3);
        const TrainingResult result = trainCentralitySelection(pool, seedOptions());
        const std::vector<int> counts = result.head.referencesPerClass();
        QCOMPARE(counts[1], 0);
        QVERIFY(counts[0] >= 1 && counts[2] >= 1);
        verifyLeastCentralSelection(pool, result, CentralityScope::WholeGraph);
    }

    // Cancellation keeps the best selection so far and must still leave a usable head: every
    // class keeps at least one reference, whether the cancel came mid-search or before any step.
    void seedCanceled_data()
    {
        QTest::addColumn<int>("cancelAfter");  // evaluations before cancel; 0 = canceled beforehand
        QTest::newRow("before the search") << 0;
        QTest::newRow("after 3 evaluations") << 3;
    }
    void seedCanceled()
    {
        QFETCH(int, cancelAfter);
        const EmbeddingSet pool = seedPool();
        Feedback feedback;
        if (cancelAfter == 0) feedback.cancel();
        const OptimizerObserver observer = [&](const OptimizerStep& step) {
            if (step.evaluation >= cancelAfter) feedback.cancel();
        };
        const TrainingResult result = trainCentralitySelection(pool, seedOptions(), &feedback, observer);
        QVERIFY(result.canceled);
        QVERIFY(result.details.value(QStringLiteral("canceled")).toBool());
        QCOMPARE(int(result.trace.size()), cancelAfter);
        const std::vector<int> counts = result.head.referencesPerClass();
        for (size_t c = 0; c < counts.size(); ++c) QVERIFY(counts[c] >= 1);
        QCOMPARE(toVector(result.details.value(QStringLiteral("counts_per_class"))), counts);
        verifyLeastCentralSelection(pool, result, CentralityScope::WholeGraph);
        QVERIFY(result.head.predict(pool.vectors.row(0).transpose()).bestClass() >= 0);
    }

    void trainDispatchesByName_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("all") << "all";
        QTest::newRow("centroid") << "centroid";
        QTest::newRow("seed") << "seed";
    }
    void trainDispatchesByName()
    {
        QFETCH(QString, method);
        const EmbeddingSet pool = seedPool();
        TrainingOptions options = seedOptions();
        options.method = method;
        const TrainingResult result = train(pool, options);
        if (method == QLatin1String("all")) QCOMPARE(result.head.referenceCount(), pool.size());
        if (method == QLatin1String("centroid")) {
            QCOMPARE(result.head.center.size(), Eigen::Index(pool.dim()));
            QCOMPARE(result.head.referenceCount(), pool.classCount());
        }
        if (method == QLatin1String("seed")) {
            QVERIFY(result.details.contains(QStringLiteral("optimizer")));
            QVERIFY(!result.trace.empty());
        }
        QCOMPARE(result.head.center.size() != 0, method == QLatin1String("centroid"));

        // No photos at all is the user's problem, reported as such for every method.
        EmbeddingSet empty;
        empty.classNames = pool.classNames;
        empty.vectors.resize(0, pool.dim());
        QVERIFY_THROWS_EXCEPTION(Error, train(empty, options));
        QVERIFY_THROWS_EXCEPTION(Error, train(EmbeddingSet(), options));
    }

    // Background photos join the whitening of the whitened methods (its center is then the mean of
    // the pool and the background together) and change nothing for the others: discriminant-centroid
    // whitens the spread within the classes, and background photos have none.
    void backgroundJoinsOnlyTheWhitening_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<bool>("whitens");
        QTest::newRow("whitened-all") << "whitened-all" << true;
        QTest::newRow("whitened-centroid") << "whitened-centroid" << true;
        QTest::newRow("whitened-linear") << "whitened-linear" << true;
        QTest::newRow("all") << "all" << false;
        QTest::newRow("centroid") << "centroid" << false;
        QTest::newRow("linear") << "linear" << false;
        QTest::newRow("discriminant-centroid") << "discriminant-centroid" << false;
    }
    void backgroundJoinsOnlyTheWhitening()
    {
        QFETCH(QString, method);
        QFETCH(bool, whitens);
        const EmbeddingSet pool = seedPool();
        const EmbeddingSet others = makeClusteredSet({20, 20}, 32, 1.0f, 99);  // other classes, same space
        TrainingOptions options;
        options.method = method;
        options.linearC = 100;
        const TrainingResult without = train(pool, options);
        options.whiteningBackground = std::make_shared<const Matrix>(others.vectors);
        const TrainingResult with = train(pool, options);
        QCOMPARE(sameHead(with.head, without.head), !whitens);
        if (whitens) {
            Matrix both(pool.size() + others.size(), pool.dim());
            both << pool.vectors, others.vectors;
            const Vector mean = both.colwise().mean().transpose();
            QVERIFY((with.head.center - mean).norm() < 1e-5f);
            QVERIFY((without.head.center - mean).norm() > 1e-3f);
        }

        // Background photos of another model (other dimension) are refused, not silently dropped.
        options.whiteningBackground = std::make_shared<const Matrix>(Matrix::Ones(3, pool.dim() + 1));
        if (whitens) QVERIFY_THROWS_EXCEPTION(Error, train(pool, options));
        else QVERIFY(sameHead(train(pool, options).head, without.head));
    }

    // A method that reads the background summarizes it first, cancelably (it can take long); one
    // that does not read it never waits for it: discriminant-centroid reads only a background
    // sorted by kind. A feedback canceled from the start tells which trainings summarized.
    void aCanceledTrainingStopsWhileSummarizingItsBackground_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<bool>("sorted");
        QTest::addColumn<bool>("readsBackground");
        QTest::newRow("whitened-all") << "whitened-all" << false << true;
        QTest::newRow("whitened-centroid") << "whitened-centroid" << false << true;
        QTest::newRow("whitened-centroid, sorted") << "whitened-centroid" << true << true;
        QTest::newRow("discriminant-centroid, sorted") << "discriminant-centroid" << true << true;
        QTest::newRow("discriminant-centroid, unsorted") << "discriminant-centroid" << false << false;
        QTest::newRow("centroid") << "centroid" << true << false;
        QTest::newRow("all") << "all" << true << false;
    }
    void aCanceledTrainingStopsWhileSummarizingItsBackground()
    {
        QFETCH(QString, method);
        QFETCH(bool, sorted);
        QFETCH(bool, readsBackground);
        const EmbeddingSet pool = seedPool();
        const EmbeddingSet others = makeClusteredSet({20, 20}, 32, 1.0f, 98);
        TrainingOptions options;
        options.method = method;
        options.whiteningBackground = std::make_shared<const Matrix>(others.vectors);
        if (sorted) options.whiteningBackgroundKinds = std::make_shared<const std::vector<int>>(others.labels);
        Feedback canceled;
        canceled.cancel();
        if (readsBackground) QVERIFY_THROWS_EXCEPTION(OperationCanceled, train(pool, options, &canceled));
        else QCOMPARE(train(pool, options, &canceled).head.classNames, pool.classNames);
    }

    // Each whitened method whitens with its own ε: whitened-centroid with the class means' sharper
    // one, the others with the shared one; each setting moves only its own methods.
    void whiteningShrinkageIsPerMethod_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<bool>("classMean");  // follows classMeanWhiteningShrinkage, not whiteningShrinkage
        QTest::newRow("whitened-centroid") << "whitened-centroid" << true;
        QTest::newRow("whitened-all") << "whitened-all" << false;
        QTest::newRow("whitened-linear") << "whitened-linear" << false;
    }
    void whiteningShrinkageIsPerMethod()
    {
        QFETCH(QString, method);
        QFETCH(bool, classMean);
        const EmbeddingSet pool = seedPool();
        TrainingOptions options;
        options.method = method;
        options.linearC = 100;
        const TrainingResult standard = train(pool, options);
        if (classMean) {
            QCOMPARE(classMeanShrinkageFor(pool, options), kDefaultClassMeanShrinkage);
            QVERIFY(sameHead(standard.head, trainCentroids(pool, true, 0.3).head));
            QVERIFY(!sameHead(standard.head, trainCentroids(pool, true, options.whiteningShrinkage).head));
        }
        TrainingOptions shared = options;
        shared.whiteningShrinkage = 3.0;
        TrainingOptions means = options;
        means.classMeanWhiteningShrinkage = 3.0;
        QCOMPARE(sameHead(train(pool, shared).head, standard.head), classMean);
        QCOMPARE(sameHead(train(pool, means).head, standard.head), !classMean);
    }

    // whitened-centroid's ε: the options' when they give one, else the embeddings' own (the model
    // spec's, carried by the set and its subsets), else the default; the ε used is recorded.
    void classMeanShrinkageFollowsTheEmbeddings_data()
    {
        QTest::addColumn<double>("fromOptions");
        QTest::addColumn<double>("fromEmbeddings");
        QTest::addColumn<double>("expected");
        QTest::newRow("neither: the default") << 0.0 << 0.0 << 0.3;
        QTest::newRow("the embeddings'") << 0.0 << 0.05 << 0.05;
        QTest::newRow("the options' over the embeddings'") << 2.0 << 0.05 << 2.0;
        QTest::newRow("the options' alone") << 0.1 << 0.0 << 0.1;
    }
    void classMeanShrinkageFollowsTheEmbeddings()
    {
        QFETCH(double, fromOptions);
        QFETCH(double, fromEmbeddings);
        QFETCH(double, expected);
        EmbeddingSet pool = seedPool();
        pool.classMeanShrinkage = fromEmbeddings;
        TrainingOptions options;
        options.method = QStringLiteral("whitened-centroid");
        options.classMeanWhiteningShrinkage = fromOptions;
        QCOMPARE(classMeanShrinkageFor(pool, options), expected);
        std::vector<int> everyOther;
        for (int row = 0; row < pool.size(); row += 2) everyOther.push_back(row);
        QCOMPARE(classMeanShrinkageFor(pool.subset(everyOther), options), expected);
        const TrainingResult result = train(pool, options);
        QVERIFY(sameHead(result.head, trainCentroids(pool, true, expected).head));
        QCOMPARE(result.details.value(QStringLiteral("whitening_shrinkage")).toDouble(), expected);
        if (expected != 0.3) QVERIFY(!sameHead(result.head, trainCentroids(pool, true, 0.3).head));
    }

    // discriminant-centroid: the class means in the within-class whitened space, with its own ε
    // (recorded), moved by no other method's setting.
    void discriminantCentroidWhitensWithinClasses()
    {
        const EmbeddingSet pool = seedPool();
        TrainingOptions options;
        options.method = QStringLiteral("discriminant-centroid");
        const TrainingResult standard = train(pool, options);
        QCOMPARE(standard.effectiveOptions.method, QStringLiteral("discriminant-centroid"));
        QCOMPARE(discriminantShrinkageFor(pool, options), kDefaultDiscriminantShrinkage);
        QCOMPARE(standard.details.value(QStringLiteral("whitening_shrinkage")).toDouble(), kDefaultDiscriminantShrinkage);
        QCOMPARE(int(standard.head.references.rows()), pool.classCount());
        const Whitening whitening = Whitening::fitWithinClass(pool.vectors, pool.labels, kDefaultDiscriminantShrinkage);
        QVERIFY(standard.head.projection == whitening.projection);
        QVERIFY(standard.head.center == whitening.center);
        // Each reference: its class's whitened photos' mean, L2-normalized.
        const Matrix whitened = whitening.apply(pool.vectors);
        for (Eigen::Index r = 0; r < standard.head.references.rows(); ++r) {
            Vector sum = Vector::Zero(whitened.cols());
            for (int i = 0; i < pool.size(); ++i)
                if (pool.labels[size_t(i)] == standard.head.referenceClass[size_t(r)]) sum += whitened.row(i).transpose();
            QVERIFY((standard.head.references.row(r).transpose() - sum.normalized()).norm() < 1e-5f);
        }
        QVERIFY(!sameHead(standard.head, trainCentroids(pool, true, kDefaultDiscriminantShrinkage).head));

        TrainingOptions others = options;
        others.whiteningShrinkage = 3.0;
        others.classMeanWhiteningShrinkage = 3.0;
        QVERIFY(sameHead(train(pool, others).head, standard.head));
        TrainingOptions own = options;
        own.discriminantShrinkage = 1.0;
        const TrainingResult shrunk = train(pool, own);
        QVERIFY(!sameHead(shrunk.head, standard.head));
        QCOMPARE(shrunk.details.value(QStringLiteral("whitening_shrinkage")).toDouble(), 1.0);

        // The embeddings' own ε (the model spec's, kept by subsets) unless the options give one.
        EmbeddingSet sharper = pool;
        sharper.discriminantShrinkage = 0.02;
        QCOMPARE(discriminantShrinkageFor(sharper, options), 0.02);
        QCOMPARE(discriminantShrinkageFor(sharper.subset({0, 1, 2, 3}), options), 0.02);
        QCOMPARE(discriminantShrinkageFor(sharper, own), 1.0);
        const TrainingResult fromEmbeddings = train(sharper, options);
        QCOMPARE(fromEmbeddings.details.value(QStringLiteral("whitening_shrinkage")).toDouble(), 0.02);
        QVERIFY(sameHead(fromEmbeddings.head, trainDiscriminantCentroids(pool, 0.02).head));
        QVERIFY(!sameHead(fromEmbeddings.head, standard.head));
    }

    void trainRejectsUnknownMethod()
    {
        TrainingOptions options;
        options.method = QStringLiteral("nonsense");
        try {
            train(seedPool(), options);
            QFAIL("no exception");
        } catch (const Error& error) {
            QVERIFY(error.message().contains(QStringLiteral("nonsense")));  // names the culprit
        }
    }
};

QTEST_APPLESS_MAIN(TestTrainingMethod)
#include "tst_trainingmethod.moc"
