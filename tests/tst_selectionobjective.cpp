// The optimizer's objective: leave-one-out accuracy inside the pool of "keep the k_c least central
// photos of each class", checked on a pool small enough to work out by hand.
#include "Centrality.h"
#include "ReferenceHead.h"
#include "SelectionObjective.h"
#include "SyntheticEmbeddings.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace exemplar;
using namespace exemplar::test;

namespace {

// Six unit vectors in the plane, given by their angle: similarity is the cosine of the angle
// between two photos, so "nearest" is "smallest angle apart". No two distances tie.
//   class 0: rows 0, 1, 2 at   0°,  20°,  50°
//   class 1: rows 3, 4, 5 at  75°,  90°, 120°
// The ranking is imposed (not computed) so the arithmetic below only depends on the objective:
//   class 0 keeps 50°, then 0°, then 20°; class 1 keeps 75°, then 120°, then 90°.
struct HandPool {
    Matrix vectors{6, 2};
    std::vector<int> labels{0, 0, 0, 1, 1, 1};
    std::vector<std::vector<int>> ranking{{2, 0, 1}, {3, 5, 4}};
    HandPool()
    {
        const double degrees[] = {0, 20, 50, 75, 90, 120};
        for (int i = 0; i < 6; ++i) {
            const double a = degrees[i] * 3.14159265358979323846 / 180;
            vectors.row(i) << float(std::cos(a)), float(std::sin(a));
        }
    }
    SelectionObjective objective() const { return SelectionObjective(vectors, labels, 2, ranking); }
};

// The same leave-one-out accuracy computed another way: for every photo, a ReferenceHead made of
// the kept photos other than itself.
double leaveOneOutWithHeads(const EmbeddingSet& pool, const std::vector<std::vector<int>>& ranking,
                            const std::vector<int>& k)
{
    const std::vector<int> kept = keepLeastCentral(ranking, k);
    int correct = 0;
    for (int i = 0; i < pool.size(); ++i) {
        ReferenceHead head;
        head.classNames = pool.classNames;
        for (int j : kept) {
            if (j == i) continue;
            head.references.conservativeResize(head.references.rows() + 1, pool.dim());
            head.references.row(head.references.rows() - 1) = pool.vectors.row(j);
            head.referenceClass.push_back(pool.labels[size_t(j)]);
        }
        if (head.predict(pool.vectors.row(i).transpose()).bestClass() == pool.labels[size_t(i)]) ++correct;
    }
    return double(correct) / pool.size();
}

} // namespace

class TestSelectionObjective : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void accuracyByHand_data()
    {
        QTest::addColumn<int>("k0");
        QTest::addColumn<int>("k1");
        QTest::addColumn<int>("correct");  // out of 6
        // All kept: only 50° errs (75° is 25° away, 20° is 30° away).
        QTest::newRow("3,3") << 3 << 3 << 5;
        // 50° and 75° kept: each of them is left with the other class's photo only → both wrong.
        QTest::newRow("1,1 (kept photos never vote for themselves)") << 1 << 1 << 4;
        // 50°, 0° and 75°: 50° is nearer 75° than 0°; 75° sees only class 0's photos → 2 wrong.
        QTest::newRow("2,1") << 2 << 1 << 4;
        QTest::newRow("3,1") << 3 << 1 << 4;
        // 50° and all of class 1: 50° sees only class 1 → wrong; 75° now has 90°, 15° away.
        QTest::newRow("1,3") << 1 << 3 << 5;
        // Nothing kept in class 0: its three photos cannot be right.
        QTest::newRow("0,3") << 0 << 3 << 3;
        // Nothing kept at all: nobody gets an answer.
        QTest::newRow("0,0") << 0 << 0 << 0;
        // Counts beyond a class's size mean the whole class.
        QTest::newRow("9,9 clamps") << 9 << 9 << 5;
    }
    void accuracyByHand()
    {
        QFETCH(int, k0);
        QFETCH(int, k1);
        QFETCH(int, correct);
        const HandPool pool;
        QCOMPARE(pool.objective().accuracy({k0, k1}), correct / 6.0);
    }

    // One photo per class kept: without leave-one-out each kept photo would be its own nearest
    // reference (similarity 1) and count as right. Here each is classified by the other class.
    void photoNeverVotesForItself()
    {
        Matrix vectors(2, 2);
        vectors << 1, 0, 0, 1;
        const SelectionObjective objective(vectors, {0, 1}, 2, {{0}, {1}});
        QCOMPARE(objective.accuracy({1, 1}), 0.0);
    }

    // Nor do its near-identical copies: rows 0 and 1 are the same picture of class 0, row 2 a
    // photo of class 1 nearer to them than row 3 (class 0). Without groups each copy answers for
    // the other; leaving the group out, both fall to class 1.
    void copiesNeverVoteForEachOther_data()
    {
        QTest::addColumn<std::vector<int>>("groups");
        QTest::addColumn<double>("expected");
        QTest::newRow("no groups: copies answer each other") << std::vector<int>{} << 2.0 / 4;
        QTest::newRow("grouped: left out together") << std::vector<int>{0, 0, 1, 2} << 0.0;
    }
    void copiesNeverVoteForEachOther()
    {
        QFETCH(std::vector<int>, groups);
        QFETCH(double, expected);
        Matrix vectors(4, 2);
        vectors << 1, 0, 1, 0, 0.8f, 0.6f, 0, 1;  // row 3 at 90°, row 2 at about 37°
        const SelectionObjective objective(vectors, {0, 0, 1, 0}, 2, {{0, 1, 3}, {2}}, groups);
        // Rows 2 (alone in class 1) and 3 (nearest row 2) are wrong either way; rows 0 and 1 are
        // right by their copy (cosine 1), or wrong by row 2 (0.8) over row 3 (0).
        QCOMPARE(objective.accuracy({3, 1}), expected);
    }

    void prefersFewerReferencesOnTies()
    {
        const SelectionObjective objective = HandPool().objective();
        // Equal accuracy (4/6): fewer references must score strictly higher.
        QVERIFY(objective({1, 1}) > objective({2, 1}));
        QVERIFY(objective({2, 1}) > objective({3, 1}));
        QVERIFY(objective({1, 3}) > objective({3, 3}));  // both 5/6
        // …but the preference never outweighs one more correct photo.
        QVERIFY(objective({3, 3}) > objective({1, 1}));
        // And it is tiny: the value stays next to the accuracy.
        QVERIFY(objective({3, 3}) < objective.accuracy({3, 3}));
        QVERIFY(objective({3, 3}) > objective.accuracy({3, 3}) - 1e-3);
    }

    // On realistic pools the accuracy is a fraction in [0,1] and agrees with an independent
    // computation through ReferenceHead.
    void agreesWithReferenceHeadOnSyntheticPools_data()
    {
        QTest::addColumn<float>("noise");
        QTest::newRow("separated") << 0.3f;
        QTest::newRow("overlapping") << 2.0f;
    }
    void agreesWithReferenceHeadOnSyntheticPools()
    {
        QFETCH(float, noise);
        const EmbeddingSet pool = makeClusteredSet({6, 9, 4, 7}, 32, noise, 17);
        const Vector centrality = centralityScores(pool.vectors, pool.labels, 4, CentralityScope::WholeGraph);
        const auto ranking = rankLeastCentralFirst(centrality, pool.labels, 4);
        const SelectionObjective objective(pool.vectors, pool.labels, 4, ranking);
        QCOMPARE(objective.ranking(), ranking);

        std::mt19937_64 generator(5);
        for (int trial = 0; trial < 20; ++trial) {
            std::vector<int> k;
            for (int n : pool.countsPerClass()) k.push_back(int(generator() % quint64(n + 1)));
            const double accuracy = objective.accuracy(k);
            QVERIFY(accuracy >= 0 && accuracy <= 1);
            QCOMPARE(accuracy, leaveOneOutWithHeads(pool, ranking, k));
            QVERIFY(objective(k) <= accuracy);
        }
    }

    void emptyPool()
    {
        const SelectionObjective objective(Matrix(0, 4), {}, 2, {{}, {}});
        QCOMPARE(objective.accuracy({1, 1}), 0.0);
    }
};

QTEST_APPLESS_MAIN(TestSelectionObjective)
#include "tst_selectionobjective.moc"
