// "auto": every candidate is cross-validated inside the pool only, the best is trained on the
// whole pool, and the file-bound details say which won and why. Folds are stratified.
#include "EmbeddingSet.h"
#include "SyntheticEmbeddings.h"
#include "TrainingMethod.h"

#include <QJsonArray>
#include <QtTest>
#include <map>
#include <set>

using namespace exemplar;

class TestAutoMethod : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void foldsAreStratifiedAndDisjoint()
    {
        const std::vector<int> labels{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2};
        const auto folds = stratifiedFolds(labels, {}, 3, 5, 7);
        QCOMPARE(folds.size(), size_t(5));
        std::set<int> seen;
        for (const auto& fold : folds) {
            int perClass[3] = {0, 0, 0};
            for (int row : fold) {
                QVERIFY(seen.insert(row).second);  // disjoint
                ++perClass[labels[size_t(row)]];
            }
            QCOMPARE(perClass[0], 1);  // 5 photos over 5 folds
            QCOMPARE(perClass[1], 2);  // 10 photos over 5 folds
            QCOMPARE(perClass[2], 0);  // a lone photo is never held out
        }
        QCOMPARE(seen.size(), size_t(15));
        QVERIFY(stratifiedFolds(labels, {}, 3, 5, 7) == folds);  // same seed, same folds
    }

    // Near-identical photos are never on both sides of a fold, and folds stay about even.
    void foldsKeepGroupsTogether_data()
    {
        QTest::addColumn<std::vector<int>>("labels");
        QTest::addColumn<std::vector<int>>("groups");
        QTest::addColumn<int>("heldOut");  // photos that some fold holds out
        QTest::newRow("pairs") << std::vector<int>{0, 0, 0, 0, 0, 0, 1, 1, 1, 1}
                               << std::vector<int>{0, 0, 1, 1, 2, 2, 3, 3, 4, 4} << 10;
        QTest::newRow("a copied photo among singles") << std::vector<int>{0, 0, 0, 0, 0, 0, 0, 1, 1, 1}
                                                      << std::vector<int>{0, 0, 0, 0, 1, 2, 3, 4, 5, 6} << 10;
        QTest::newRow("a class that is one picture") << std::vector<int>{0, 0, 0, 1, 1, 1}
                                                     << std::vector<int>{0, 0, 0, 1, 2, 3} << 3;
        QTest::newRow("a group across classes") << std::vector<int>{0, 0, 1, 1, 1, 0}
                                                << std::vector<int>{0, 1, 0, 2, 3, 4} << 6;
    }
    void foldsKeepGroupsTogether()
    {
        QFETCH(std::vector<int>, labels);
        QFETCH(std::vector<int>, groups);
        QFETCH(int, heldOut);
        for (quint64 seed = 1; seed <= 20; ++seed) {
            const auto folds = stratifiedFolds(labels, groups, 2, 3, seed);
            std::map<int, size_t> foldOfGroup;
            int seen = 0;
            for (size_t f = 0; f < folds.size(); ++f)
                for (int row : folds[f]) {
                    ++seen;
                    const auto [where, added] = foldOfGroup.emplace(groups[size_t(row)], f);
                    QVERIFY2(added || where->second == f, qPrintable(QStringLiteral("seed %1 row %2").arg(seed).arg(row)));
                }
            QCOMPARE(seen, heldOut);
        }
    }

    void choosesTheBestCrossValidatedCandidate()
    {
        const EmbeddingSet pool = test::makeClusteredSet({{8, 8, 8, 8}, 64, 1.2f, 1.0f, 13});
        TrainingOptions options;
        options.method = QStringLiteral("auto");
        options.optimizer.budget = 15;
        const TrainingResult trained = train(pool, options);
        const QJsonObject autoDetails = trained.details.value(QStringLiteral("auto")).toObject();
        const QJsonArray candidates = autoDetails.value(QStringLiteral("candidates")).toArray();
        QCOMPARE(candidates.size(), 11);  // 4 nearest-neighbour variants, 2 × 3 linear, seed
        double best = -1;
        QString bestLabel;
        for (const QJsonValue& value : candidates) {
            const QJsonObject candidate = value.toObject();
            const double accuracy = candidate.value(QStringLiteral("cv_accuracy")).toDouble();
            QVERIFY(accuracy >= 0 && accuracy <= 1);
            if (accuracy > best + 1e-12) {
                best = accuracy;
                bestLabel = candidate.value(QStringLiteral("method")).toString();
            }
        }
        QCOMPARE(autoDetails.value(QStringLiteral("chosen")).toString(), bestLabel);
        QCOMPARE(trained.effectiveOptions.method, autoDetails.value(QStringLiteral("chosen_method")).toString());
        QVERIFY(trained.effectiveOptions.method != QLatin1String("auto"));

        // Deterministic for a seed.
        const TrainingResult again = train(pool, options);
        QCOMPARE(again.details.value(QStringLiteral("auto")).toObject(), autoDetails);
        QVERIFY(again.head.references == trained.head.references);
    }
};

QTEST_APPLESS_MAIN(TestAutoMethod)
#include "tst_automethod.moc"
