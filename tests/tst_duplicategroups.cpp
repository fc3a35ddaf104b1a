// Near-identical photos are grouped: the same file, the same vector, or a cosine at or above the
// threshold, transitively and across classes; everything else stays alone. The splits rely on it.
#include "DuplicateGroups.h"
#include "EmbeddingSet.h"
#include "NearDuplicatePairs.h"
#include "SyntheticEmbeddings.h"

#include <QtTest>
#include <set>

using namespace exemplar;

namespace {
constexpr double kModelThreshold = 0.885;  // the default model's near_identical_cosine
}
using namespace exemplar::test;

namespace {

// How a photo is made from another: CHANGE row COPY into a copy of row ORIGINAL.
struct Copy {
    int copy;
    int original;
    double cosine;      // the copy's cosine to the original (1: the same vector)
    bool sameFile;      // also the same content hash
};

// The groups of two or more photos, as sets of rows.
std::set<std::set<int>> sharedGroups(const DuplicateGroups& groups)
{
    std::set<std::set<int>> result;
    for (const std::vector<int>& members : groups.members())
        if (members.size() > 1) result.insert(std::set<int>(members.begin(), members.end()));
    return result;
}

} // namespace

Q_DECLARE_METATYPE(std::vector<Copy>)
Q_DECLARE_METATYPE(std::set<std::set<int>>)

class TestDuplicateGroups : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void grouping_data()
    {
        QTest::addColumn<std::vector<Copy>>("copies");
        QTest::addColumn<std::set<std::set<int>>>("expected");
        const double t = kNearDuplicateCosine;
        QTest::newRow("distinct photos stay alone") << std::vector<Copy>{} << std::set<std::set<int>>{};
        QTest::newRow("byte-identical files") << std::vector<Copy>{{3, 2, 1.0, true}} << std::set<std::set<int>>{{2, 3}};
        // Same SHA-256 is one picture even if its vector differed (another model run, say).
        QTest::newRow("same file, other vector")
            << std::vector<Copy>{{3, 2, 0.5, true}} << std::set<std::set<int>>{{2, 3}};
        QTest::newRow("re-encoded copy") << std::vector<Copy>{{5, 4, 0.99, false}} << std::set<std::set<int>>{{4, 5}};
        QTest::newRow("at the threshold") << std::vector<Copy>{{5, 4, t + 1e-4, false}} << std::set<std::set<int>>{{4, 5}};
        QTest::newRow("just below the threshold")
            << std::vector<Copy>{{5, 4, t - 0.01, false}} << std::set<std::set<int>>{};
        // 1 ~ 0 and 2 ~ 1 (2 and 0 only about 0.90 apart): one group.
        QTest::newRow("a chain is one group")
            << std::vector<Copy>{{1, 0, 0.95, false}, {2, 1, 0.95, false}} << std::set<std::set<int>>{{0, 1, 2}};
        QTest::newRow("across classes") << std::vector<Copy>{{25, 4, 1.0, false}} << std::set<std::set<int>>{{4, 25}};
        QTest::newRow("two separate groups")
            << std::vector<Copy>{{7, 6, 1.0, true}, {8, 6, 1.0, true}, {20, 11, 0.97, false}}
            << std::set<std::set<int>>{{6, 7, 8}, {11, 20}};
    }

    void grouping()
    {
        QFETCH(std::vector<Copy>, copies);
        QFETCH(std::set<std::set<int>>, expected);
        EmbeddingSet set = makeClusteredSet({{10, 10, 10}, 64, 0.8f, 1.0f, 3});
        for (const Copy& c : copies) {
            set.vectors.row(c.copy) = c.cosine >= 1 ? RowVector(set.vectors.row(c.original))
                                                    : atCosine(set.vectors.row(c.original), c.cosine, quint64(c.copy));
            if (c.sameFile) set.contentHashes[c.copy] = set.contentHashes[c.original];
        }
        const DuplicateGroups groups = findDuplicateGroups(set);
        QCOMPARE(sharedGroups(groups), expected);
        QCOMPARE(groups.photos(), set.size());
        int grouped = 0;
        for (const std::set<int>& group : expected) grouped += int(group.size());
        QCOMPARE(groups.groupedPhotos(), grouped);
        QCOMPARE(groups.sharedGroups(), int(expected.size()));
        QCOMPARE(groups.count, set.size() - grouped + int(expected.size()));
        // Numbered in order of first photo: 0, 1, 2, … as rows are read.
        int next = 0;
        for (int g : groups.groupOf) {
            QVERIFY(g <= next);
            if (g == next) ++next;
        }
        const QJsonObject json = groups.toJson();
        QCOMPARE(json.value(QStringLiteral("groups")).toInt(), int(expected.size()));
        QCOMPARE(json.value(QStringLiteral("photos")).toInt(), grouped);
    }

    // A copy at another size whose embedding drifted under the threshold is still one picture when
    // the fingerprints say so (PictureFingerprint.h); close but not close enough stays apart.
    void samePictureByFingerprint_data()
    {
        QTest::addColumn<int>("bitsFlipped");   // between the two hashes
        QTest::addColumn<float>("copyAspect");  // the original's is 1.5
        QTest::addColumn<bool>("copyKnown");
        QTest::addColumn<bool>("withFingerprints");  // false: the set has none (read from a file)
        QTest::addColumn<bool>("grouped");
        QTest::newRow("the same hash and shape") << 0 << 1.5f << true << true << true;
        QTest::newRow("hash bits apart at the limit") << kSamePictureHashBits << 1.5f << true << true << true;
        QTest::newRow("one bit past the limit") << kSamePictureHashBits + 1 << 1.5f << true << true << false;
        QTest::newRow("shape within 2%") << 2 << 1.5f * 1.019f << true << true << true;
        QTest::newRow("another shape") << 0 << 1.5f * 1.03f << true << true << false;
        QTest::newRow("the copy's fingerprint unknown") << 0 << 0.0f << false << true << false;
        QTest::newRow("a set without fingerprints") << 0 << 1.5f << true << false << false;
    }
    void samePictureByFingerprint()
    {
        QFETCH(int, bitsFlipped);
        QFETCH(float, copyAspect);
        QFETCH(bool, copyKnown);
        QFETCH(bool, withFingerprints);
        QFETCH(bool, grouped);
        EmbeddingSet set = makeClusteredSet({{10, 10, 10}, 64, 0.8f, 1.0f, 3});
        set.vectors.row(25) = atCosine(set.vectors.row(4), 0.75, 25);  // another class, far under the threshold
        if (withFingerprints) {
            // Every photo its own picture: hashes far apart (a different byte pattern each) and one
            // shape for all, so that the search compares every pair.
            for (int row = 0; row < set.size(); ++row)
                set.fingerprints.push_back({0x9E3779B97F4A7C15ull * quint64(row + 1), 1.5f});
            set.fingerprints[25].hash = set.fingerprints[4].hash ^ ((bitsFlipped >= 64 ? ~0ull : (1ull << bitsFlipped) - 1));
            set.fingerprints[25].aspect = copyKnown ? copyAspect : 0.0f;
        }
        std::vector<std::pair<int, int>> visited;
        const DuplicateGroups groups = findDuplicateGroups(set, {}, nullptr, [&](int i, int j, double cosine) {
            visited.emplace_back(i, j);
            QVERIFY(std::abs(cosine - 0.75) < 1e-4);  // the pair's own cosine, for the audit
        });
        const std::set<std::set<int>> expected = grouped ? std::set<std::set<int>>{{4, 25}} : std::set<std::set<int>>();
        QCOMPARE(sharedGroups(groups), expected);
        QCOMPARE(visited.size(), size_t(grouped ? 1 : 0));
        if (grouped) QVERIFY(visited.front() == std::make_pair(4, 25));
        QCOMPARE(set.subset({25, 4}).fingerprints.size(), size_t(withFingerprints ? 2 : 0));  // subsets keep them
    }

    // One hash and one shape, but embeddings of unrelated things (under kSamePictureMinCosine):
    // two simple pictures, not one picture.
    void unrelatedPicturesWithOneHashStayApart()
    {
        EmbeddingSet set = makeClusteredSet({{10, 10, 10}, 64, 0.8f, 1.0f, 3});
        set.vectors.row(25) = atCosine(set.vectors.row(4), kSamePictureMinCosine - 0.05, 25);
        for (int row = 0; row < set.size(); ++row)
            set.fingerprints.push_back({0x9E3779B97F4A7C15ull * quint64(row + 1), 1.5f});
        set.fingerprints[25] = set.fingerprints[4];
        QCOMPARE(findDuplicateGroups(set).groupedPhotos(), 0);
        set.vectors.row(25) = atCosine(set.vectors.row(4), kSamePictureMinCosine + 0.05, 25);
        QCOMPARE(findDuplicateGroups(set).groupedPhotos(), 2);
    }

    // The threshold is the embeddings' own (the model's, from its spec) unless a search names one.
    void theModelsThresholdIsUsed_data()
    {
        QTest::addColumn<double>("modelCosine");   // EmbeddingSet::nearIdenticalCosine (0: unknown)
        QTest::addColumn<double>("searchCosine");  // NearDuplicateSearch::cosine (0: the set's)
        QTest::addColumn<bool>("grouped");         // a copy at cosine 0.93
        QTest::addColumn<double>("recorded");
        QTest::newRow("unknown model: 0.92") << 0.0 << 0.0 << true << kNearDuplicateCosine;
        QTest::newRow("the model's 0.935") << 0.935 << 0.0 << false << 0.935;
        QTest::newRow("the model's 0.90") << 0.90 << 0.0 << true << 0.90;
        QTest::newRow("named by the search") << 0.935 << 0.925 << true << 0.925;
    }
    void theModelsThresholdIsUsed()
    {
        QFETCH(double, modelCosine);
        QFETCH(double, searchCosine);
        QFETCH(bool, grouped);
        QFETCH(double, recorded);
        EmbeddingSet set = makeClusteredSet({{10, 10, 10}, 64, 0.8f, 1.0f, 3});
        set.vectors.row(5) = atCosine(set.vectors.row(4), 0.93, 5);
        set.nearIdenticalCosine = modelCosine;
        NearDuplicateSearch search;
        search.cosine = searchCosine;
        const DuplicateGroups groups = findDuplicateGroups(set, search);
        QCOMPARE(groups.groupedPhotos(), grouped ? 2 : 0);
        QCOMPARE(groups.cosine, recorded);
        QCOMPARE(set.subset({4, 5}).nearIdenticalCosine, modelCosine);  // subsets keep it
    }

    // Large projects search by hashing; identical and re-encoded copies are still found.
    void hashedSearchFindsCopies()
    {
        EmbeddingSet set = makeClusteredSet({{40, 40, 40}, 64, 0.8f, 1.0f, 5});
        set.vectors.row(50) = set.vectors.row(10);
        set.vectors.row(90) = atCosine(set.vectors.row(70), 0.99, 1);
        NearDuplicateSearch search;
        search.exactPairsUpTo = 10;
        const DuplicateGroups groups = findDuplicateGroups(set, search);
        QVERIFY(groups.search.hashed);
        QVERIFY(groups.search.recall > 0.9 && groups.search.recall < 1);
        QCOMPARE(sharedGroups(groups), (std::set<std::set<int>>{{10, 50}, {70, 90}}));
        QVERIFY(groups.toJson().contains(QStringLiteral("expected_pair_recall")));
    }

    // Photos that only support training (unlabeled, background) lose those near-identical to a
    // measured photo; the rest keep their order. Candidates span more than one block of the search.
    void rowsNotNearIdenticalTo_data()
    {
        QTest::addColumn<double>("cosine");
        QTest::addColumn<bool>("leftOut");
        QTest::newRow("the same photo") << 1.0 << true;
        QTest::newRow("a re-encoded copy") << 0.97 << true;
        QTest::newRow("at the threshold") << kModelThreshold + 1e-4 << true;
        QTest::newRow("just under it") << kModelThreshold - 0.01 << false;
        // The embeddings' own threshold, not the 0.92 of models that state none: a copy the
        // splits group at the model's 0.885 left the background at 0.92 (a leak a review found).
        QTest::newRow("under 0.92, above the model's threshold") << 0.9 << true;
        QTest::newRow("another photo of the class") << 0.8 << false;
    }
    void rowsNotNearIdenticalTo()
    {
        QFETCH(double, cosine);
        QFETCH(bool, leftOut);
        const EmbeddingSet measured = makeClusteredSet({{5, 5}, 64, 0.8f, 1.0f, 8});
        const EmbeddingSet candidates = makeClusteredSet({{300, 300}, 64, 0.8f, 1.0f, 9});
        Matrix rows = candidates.vectors;
        rows.row(550) = atCosine(measured.vectors.row(3), cosine, 2);
        int dropped = -1;
        const Matrix kept = exemplar::rowsNotNearIdenticalTo(rows, measured.vectors, kModelThreshold, &dropped);
        QCOMPARE(dropped, leftOut ? 1 : 0);
        QCOMPARE(kept.rows(), rows.rows() - dropped);
        QCOMPARE(Vector(kept.row(549)), Vector(rows.row(549)));
        QCOMPARE(Vector(kept.row(kept.rows() - 1)), Vector(rows.row(rows.rows() - 1)));

        // Nothing measured: every candidate stays; no candidates: nothing to drop.
        QCOMPARE(exemplar::rowsNotNearIdenticalTo(rows, Matrix(0, 64), kModelThreshold, &dropped).rows(), rows.rows());
        QCOMPARE(dropped, 0);
        QCOMPARE(exemplar::rowsNotNearIdenticalTo(Matrix(0, 64), measured.vectors, kModelThreshold, &dropped).rows(), Eigen::Index(0));
        QCOMPARE(dropped, 0);
    }

    // A copy of a measured photo at another size, its embedding drifted, is left out by its
    // fingerprint; without fingerprints for both sides only the cosine decides. The photos kept
    // keep their paths and fingerprints.
    void photosNotNearIdenticalToByFingerprint_data()
    {
        QTest::addColumn<bool>("candidateFingerprints");
        QTest::addColumn<bool>("otherFingerprints");
        QTest::addColumn<bool>("leftOut");
        QTest::newRow("both fingerprinted") << true << true << true;
        QTest::newRow("the candidates without") << false << true << false;
        QTest::newRow("the measured photos without") << true << false << false;
    }
    void photosNotNearIdenticalToByFingerprint()
    {
        QFETCH(bool, candidateFingerprints);
        QFETCH(bool, otherFingerprints);
        QFETCH(bool, leftOut);
        EmbeddingSet measured = makeClusteredSet({{5, 5}, 64, 0.8f, 1.0f, 8});
        EmbeddingSet candidates = makeClusteredSet({{300, 300}, 64, 0.8f, 1.0f, 9});
        candidates.vectors.row(550) = atCosine(measured.vectors.row(3), 0.75, 2);  // far under any threshold
        if (otherFingerprints)
            for (int row = 0; row < measured.size(); ++row)
                measured.fingerprints.push_back({0x9E3779B97F4A7C15ull * quint64(row + 1), 1.5f});
        if (candidateFingerprints) {
            for (int row = 0; row < candidates.size(); ++row)
                candidates.fingerprints.push_back({0xC2B2AE3D27D4EB4Full * quint64(row + 1), 1.5f});
            // 2 bits and 0.7% from measured photo 3
            candidates.fingerprints[550] = {0x9E3779B97F4A7C15ull * 4 ^ 0x5ull, 1.51f};
        }
        int dropped = -1;
        const EmbeddingSet kept = photosNotNearIdenticalTo(candidates, measured, kModelThreshold, &dropped);
        QCOMPARE(dropped, leftOut ? 1 : 0);
        QCOMPARE(kept.size(), candidates.size() - dropped);
        QCOMPARE(kept.paths.contains(candidates.paths[550]), !leftOut);
        QCOMPARE(kept.fingerprints.size(), candidateFingerprints ? size_t(kept.size()) : size_t(0));
        if (candidateFingerprints) {  // each kept photo's fingerprint is its own
            const int last = kept.size() - 1;
            QCOMPARE(kept.fingerprints[size_t(last)].hash, candidates.fingerprints[size_t(candidates.size() - 1)].hash);
            QCOMPARE(kept.paths[last], candidates.paths.last());
        }
    }

    void summarySaysHowMany()
    {
        QCOMPARE(duplicateGroupsSummary(20, 2),
                 QStringLiteral("grouped 20 near-identical photos into 2 groups (kept on one side of every split)"));
        const DuplicateGroups alone = DuplicateGroups::singletons(4);
        QCOMPARE(alone.groupOf, (std::vector<int>{0, 1, 2, 3}));
        QCOMPARE(alone.groupedPhotos(), 0);
        QCOMPARE(alone.forRows({3, 1}), (std::vector<int>{3, 1}));
    }

    // An accuracy's trials are pictures: near-identical photos count once.
    void picturesAmong_data()
    {
        QTest::addColumn<QList<int>>("rows");
        QTest::addColumn<QList<int>>("groups");  // per photo; empty: every photo alone
        QTest::addColumn<int>("pictures");
        QTest::newRow("no groups: one picture a photo") << QList<int>{0, 2, 3} << QList<int>{} << 3;
        QTest::newRow("two copies count once") << QList<int>{0, 1, 2} << QList<int>{0, 0, 1, 2} << 2;
        QTest::newRow("only the rows asked about") << QList<int>{3} << QList<int>{0, 0, 1, 2} << 1;
        QTest::newRow("no rows") << QList<int>{} << QList<int>{0, 1} << 0;
    }
    void picturesAmong()
    {
        QFETCH(QList<int>, rows);
        QFETCH(QList<int>, groups);
        QFETCH(int, pictures);
        QCOMPARE(exemplar::picturesAmong(std::vector<int>(rows.begin(), rows.end()),
                                         std::vector<int>(groups.begin(), groups.end())),
                 pictures);
    }

    void groupsPerClass_data()
    {
        QTest::addColumn<std::vector<int>>("labels");
        QTest::addColumn<std::vector<int>>("groups");
        QTest::addColumn<QString>("expected");  // per class: its groups' rows, "|" between classes
        QTest::newRow("no groups: every photo alone") << std::vector<int>{0, 1, 0} << std::vector<int>{} << "0 2|1";
        QTest::newRow("groups in order of first row")
            << std::vector<int>{0, 0, 0, 1, 1} << std::vector<int>{7, 3, 7, 9, 9} << "0,2 1|3,4";
        QTest::newRow("a mixed group goes to its majority class")
            << std::vector<int>{0, 1, 1, 0} << std::vector<int>{5, 5, 5, 6} << "3|0,1,2";
        QTest::newRow("a tie goes to the lower class") << std::vector<int>{1, 0} << std::vector<int>{2, 2} << "0,1|";
    }

    void groupsPerClass()
    {
        QFETCH(std::vector<int>, labels);
        QFETCH(std::vector<int>, groups);
        QFETCH(QString, expected);
        QStringList classes;
        for (const auto& classGroups : exemplar::groupsPerClass(labels, groups, 2)) {
            QStringList parts;
            for (const std::vector<int>& rows : classGroups) {
                QStringList members;
                for (int row : rows) members << QString::number(row);
                parts << members.join(QLatin1Char(','));
            }
            classes << parts.join(QLatin1Char(' '));
        }
        QCOMPARE(classes.join(QLatin1Char('|')), expected);
    }
};

QTEST_APPLESS_MAIN(TestDuplicateGroups)
#include "tst_duplicategroups.moc"
