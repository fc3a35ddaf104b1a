// "auto": every candidate is cross-validated inside the pool only, discriminant-centroid or a candidate
// clearly ahead of it is trained on the whole pool, and the file-bound details say which won and
// why. Folds are stratified.
#include "CandidateChoice.h"
#include "EmbeddingSet.h"
#include "Error.h"
#include "SyntheticEmbeddings.h"
#include "TrainingMethod.h"

#include <QJsonArray>
#include <QtTest>
#include <algorithm>
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

    // The rule on per-photo records: the preferred candidate (index 1 here) unless the best is
    // ahead of it by more than one standard error of their paired difference.
    void oneStandardErrorRule_data()
    {
        QTest::addColumn<std::vector<std::vector<int>>>("correct");  // per candidate, per held-out photo
        QTest::addColumn<std::vector<bool>>("skipped");
        QTest::addColumn<int>("best");
        QTest::addColumn<int>("chosen");
        const std::vector<int> all(40, 1);
        auto wrongOn = [&](int count) {  // right on all but the first COUNT photos
            std::vector<int> c = all;
            for (int i = 0; i < count; ++i) c[size_t(i)] = 0;
            return c;
        };
        // 1 photo of 40 apart: the difference's standard error is about 1/40, so within reach.
        QTest::newRow("the best by one photo") << std::vector<std::vector<int>>{wrongOn(9), wrongOn(3), wrongOn(2)}
                                               << std::vector<bool>{false, false, false} << 2 << 1;
        // 6 photos apart, the preferred wrong wherever the best is: SE ≈ sqrt(0.15·0.85/39) ≈ 0.057 < 0.15.
        QTest::newRow("the best by six photos") << std::vector<std::vector<int>>{wrongOn(9), wrongOn(8), wrongOn(2)}
                                                << std::vector<bool>{false, false, false} << 2 << 2;
        QTest::newRow("the preferred is the best") << std::vector<std::vector<int>>{wrongOn(9), wrongOn(1), wrongOn(2)}
                                                   << std::vector<bool>{false, false, false} << 1 << 1;
        QTest::newRow("equal: the first of equals is the best, the preferred is chosen")
            << std::vector<std::vector<int>>{wrongOn(2), wrongOn(2), wrongOn(2)} << std::vector<bool>{false, false, false} << 0 << 1;
        QTest::newRow("a skipped preferred is never chosen")
            << std::vector<std::vector<int>>{wrongOn(9), wrongOn(0), wrongOn(3)} << std::vector<bool>{false, true, false} << 2 << 2;
        QTest::newRow("a skipped best-looking candidate is passed over")
            << std::vector<std::vector<int>>{wrongOn(9), wrongOn(4), wrongOn(0)} << std::vector<bool>{false, false, true} << 1 << 1;
        QTest::newRow("a preferred without a per-photo record") << std::vector<std::vector<int>>{wrongOn(9), {}, wrongOn(3)}
                                                                << std::vector<bool>{false, false, false} << 2 << 2;
    }
    void oneStandardErrorRule()
    {
        QFETCH(std::vector<std::vector<int>>, correct);
        QFETCH(std::vector<bool>, skipped);
        QFETCH(int, best);
        QFETCH(int, chosen);
        std::vector<detail::CrossValidationScore> scores(correct.size());
        for (size_t i = 0; i < correct.size(); ++i) {
            scores[i].skipped = skipped[i];
            for (int c : correct[i]) scores[i].correct.push_back(c != 0);
            const double right = double(std::count(correct[i].begin(), correct[i].end(), 1));
            scores[i].accuracy = correct[i].empty() ? 0.5 : right / double(correct[i].size());
        }
        const detail::OneStandardErrorChoice choice = detail::chooseWithinOneStandardError(scores, 1);
        QCOMPARE(int(choice.best), best);
        QCOMPARE(int(choice.chosen), chosen);
    }

    void noCrossValidatedCandidateIsAnError()
    {
        std::vector<detail::CrossValidationScore> scores(2);
        scores[0].skipped = scores[1].skipped = true;
        QVERIFY_THROWS_EXCEPTION(Error, detail::chooseWithinOneStandardError(scores, 0));
    }

    // The favourite is discriminant-centroid with or without background photos: sorted by kind they
    // teach it the spread within a class; unsorted it leaves them out, and whitened-linear, which
    // uses them, still measured below it (docs/accuracy.md, "Background photos sorted by kind").
    void choosesTheBestCrossValidatedCandidate_data()
    {
        QTest::addColumn<bool>("background");
        QTest::addColumn<bool>("kinds");
        QTest::newRow("pool only") << false << false;
        QTest::newRow("background photos") << true << false;
        QTest::newRow("background photos sorted by kind") << true << true;
    }
    void choosesTheBestCrossValidatedCandidate()
    {
        QFETCH(bool, background);
        QFETCH(bool, kinds);
        const QString favourite = QStringLiteral("discriminant-centroid");
        const EmbeddingSet pool = test::makeClusteredSet({{8, 8, 8, 8}, 64, 1.2f, 1.0f, 13});
        TrainingOptions options;
        options.method = QStringLiteral("auto");
        options.optimizer.budget = 15;
        if (background)  // photos of five other classes
            options.whiteningBackground =
                std::make_shared<const Matrix>(test::makeClusteredSet({{10, 10, 10, 10, 10}, 64, 1.2f, 1.0f, 29}).vectors);
        if (kinds) {
            const EmbeddingSet other = test::makeClusteredSet({{10, 10, 10, 10, 10}, 64, 1.2f, 1.0f, 29});
            options.whiteningBackgroundKinds = std::make_shared<const std::vector<int>>(other.labels);
        }
        const TrainingResult trained = train(pool, options);
        const QJsonObject autoDetails = trained.details.value(QStringLiteral("auto")).toObject();
        const QJsonArray candidates = autoDetails.value(QStringLiteral("candidates")).toArray();
        QCOMPARE(candidates.size(), 12);  // 5 nearest-neighbour variants, 2 × 3 linear, seed
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
        // The best is recorded; the chosen one is it or whitened-centroid, never worse than that.
        QCOMPARE(autoDetails.value(QStringLiteral("best_cv")).toString(), bestLabel);
        const QString chosen = autoDetails.value(QStringLiteral("chosen")).toString();
        QVERIFY2(chosen == bestLabel || chosen.startsWith(favourite), qPrintable(chosen));
        QCOMPARE(autoDetails.value(QStringLiteral("chosen_method")).toString() == favourite,
                 chosen != bestLabel || bestLabel.startsWith(favourite));
        // This pool's best is whitened-centroid every way, and the favourite is within one standard
        // error of it, so the favourite is trained.
        QCOMPARE(bestLabel, QStringLiteral("whitened-centroid"));
        QVERIFY2(chosen.startsWith(favourite), qPrintable(chosen));
        QVERIFY(!autoDetails.value(QStringLiteral("rule")).toString().isEmpty());
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
