// The classifier every method produces: optional centring, then argmax of dot products with the
// references (+ bias), a class scoring as its best reference.
#include "Familiarity.h"
#include "ReferenceHead.h"
#include "SyntheticEmbeddings.h"

#include <QtTest>

#include <cmath>

using namespace exemplar;
using namespace exemplar::test;

namespace {

Vector vec(std::initializer_list<float> values)
{
    Vector v(Eigen::Index(values.size()));
    Eigen::Index i = 0;
    for (float x : values) v[i++] = x;
    return v;
}

// Four classes; "d" has no reference. Class "a" has two, so which one wins matters.
ReferenceHead handHead()
{
    ReferenceHead head;
    head.classNames = QStringList{"a", "b", "c", "d"};
    head.references.resize(4, 3);
    head.references << 1, 0, 0,      // 0: a
                       0, 1, 0,      // 1: b
                       0.6f, 0.8f, 0,  // 2: a
                       0, 0, 1;      // 3: c
    head.referenceClass = {0, 1, 0, 2};
    head.bias = Vector::Zero(4);
    head.referenceInfo.resize(4);
    return head;
}

bool near(float a, float b) { return std::abs(a - b) < 1e-5f; }

} // namespace

class TestReferenceHead : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void predictRanksClassesByBestReference()
    {
        const ReferenceHead head = handHead();
        // Dot products: r0 0.8, r1 0.6, r2 0.48 + 0.48 = 0.96, r3 0.
        const Prediction p = head.predict(vec({0.8f, 0.6f, 0}));
        QCOMPARE(p.ranked.size(), size_t(3));  // "d" has no reference and is absent
        QCOMPARE(p.ranked[0].classIndex, 0);
        QCOMPARE(p.ranked[0].referenceIndex, 2);  // a's better reference, not its first
        QVERIFY(near(p.ranked[0].score, 0.96f));
        QCOMPARE(p.ranked[1].classIndex, 1);
        QCOMPARE(p.ranked[1].referenceIndex, 1);
        QVERIFY(near(p.ranked[1].score, 0.6f));
        QCOMPARE(p.ranked[2].classIndex, 2);
        QCOMPARE(p.ranked[2].referenceIndex, 3);
        QVERIFY(near(p.ranked[2].score, 0.0f));
        QVERIFY(near(p.margin, 0.36f));
        QCOMPARE(p.bestClass(), 0);
    }

    void biasIsAddedPerReference()
    {
        ReferenceHead head = handHead();
        head.bias = vec({0, 0.5f, 0, -0.25f});
        const Prediction p = head.predict(vec({0.8f, 0.6f, 0}));
        QCOMPARE(p.bestClass(), 1);
        QVERIFY(near(p.ranked[0].score, 1.1f));
        QCOMPARE(p.ranked[1].classIndex, 0);
        QVERIFY(near(p.ranked[2].score, -0.25f));
        QVERIFY(near(p.margin, 1.1f - 0.96f));
    }

    // Every score equals the dot product with the reference that produced it, on random data.
    void scoresAreDotProducts()
    {
        const EmbeddingSet set = makeClusteredSet({5, 3, 4}, 24, 0.8f, 3);
        ReferenceHead head;
        head.classNames = set.classNames;
        head.references = set.vectors;
        head.referenceClass = set.labels;
        head.bias = Vector::Zero(set.size());
        const EmbeddingSet queries = makeClusteredSet({4, 4, 4}, 24, 0.8f, 4);
        for (int q = 0; q < queries.size(); ++q) {
            const Vector x = queries.vectors.row(q).transpose();
            const Vector dots = set.vectors * x;
            const Prediction p = head.predict(x);
            QCOMPARE(p.ranked.size(), size_t(3));
            for (size_t i = 0; i < p.ranked.size(); ++i) {
                const ClassScore& s = p.ranked[i];
                QVERIFY(near(s.score, dots[s.referenceIndex]));
                QCOMPARE(set.labels[size_t(s.referenceIndex)], s.classIndex);
                for (int r = 0; r < set.size(); ++r)  // it is the class's best reference
                    if (set.labels[size_t(r)] == s.classIndex) QVERIFY(dots[r] <= s.score + 1e-6f);
                if (i > 0) QVERIFY(p.ranked[i - 1].score >= s.score);
            }
            QVERIFY(near(p.margin, p.ranked[0].score - p.ranked[1].score));
        }
    }

    void oneClassHasNoMargin()
    {
        ReferenceHead head;
        head.classNames = QStringList{"only"};
        head.references.resize(2, 2);
        head.references << 1, 0, 0, 1;
        head.referenceClass = {0, 0};
        head.bias = Vector::Zero(2);
        const Prediction p = head.predict(vec({0.2f, 0.9f}));
        QCOMPARE(p.ranked.size(), size_t(1));
        QCOMPARE(p.ranked[0].referenceIndex, 1);
        QCOMPARE(p.margin, 0.0f);
    }

    void noReferencesNoAnswer()
    {
        ReferenceHead head;
        head.classNames = QStringList{"a", "b"};
        head.references.resize(0, 3);
        const Prediction p = head.predict(vec({1, 0, 0}));
        QVERIFY(p.ranked.empty());
        QCOMPARE(p.bestClass(), -1);
    }

    void transformWithAndWithoutCenter()
    {
        ReferenceHead head = handHead();
        const Vector x = vec({1, 2, 3});
        QCOMPARE(head.transform(x), x);  // no centre: untouched, not even normalized

        head.center = vec({0.1f, 0.2f, 0.3f});
        const Vector expected = (x - head.center).normalized();
        QVERIFY((head.transform(x) - expected).norm() < 1e-6f);
        QVERIFY(near(head.transform(x).norm(), 1));
        // A query equal to the centre has no direction: zero, never NaN.
        QVERIFY(head.transform(head.center).allFinite());

        // Scores are taken after the transform.
        const Prediction p = head.predict(x);
        const Vector dots = head.references * expected;
        for (const ClassScore& s : p.ranked) QVERIFY(near(s.score, dots[s.referenceIndex]));
    }

    void predictClassesMatchesPredict()
    {
        const EmbeddingSet set = makeClusteredSet({6, 6, 6, 6}, 32, 1.2f, 8);
        ReferenceHead head;
        head.classNames = set.classNames;
        head.references = set.vectors.topRows(12);  // rows 0–11: classes 0 and 1 only
        head.referenceClass.assign(set.labels.begin(), set.labels.begin() + 12);
        head.bias = Vector::Zero(12);
        head.center = set.vectors.colwise().mean().transpose();
        const std::vector<int> classes = head.predictClasses(set.vectors);
        QCOMPARE(classes.size(), size_t(set.size()));
        for (int i = 0; i < set.size(); ++i) {
            QCOMPARE(classes[size_t(i)], head.predict(set.vectors.row(i).transpose()).bestClass());
            QVERIFY(classes[size_t(i)] == 0 || classes[size_t(i)] == 1);
        }
        QVERIFY(head.predictClasses(Matrix(0, 32)).empty());
    }

    // Equal scores always resolve to the lower class index, whatever the reference order.
    void tiesResolveToLowerClass_data()
    {
        QTest::addColumn<bool>("higherClassFirst");
        QTest::newRow("lower class's reference first") << false;
        QTest::newRow("higher class's reference first") << true;
    }
    void tiesResolveToLowerClass()
    {
        QFETCH(bool, higherClassFirst);
        ReferenceHead head;
        head.classNames = QStringList{"x", "y", "z"};
        head.references.resize(3, 2);
        head.references << 0, 1, 0.6f, 0.8f, 0.6f, 0.8f;  // y and z identical
        head.referenceClass = higherClassFirst ? std::vector<int>{0, 2, 1} : std::vector<int>{0, 1, 2};
        head.bias = Vector::Zero(3);
        const Prediction p = head.predict(vec({1, 0}));
        QCOMPARE(p.bestClass(), 1);
        QCOMPARE(p.ranked[1].classIndex, 2);
        QCOMPARE(p.ranked[2].classIndex, 0);
        QCOMPARE(p.margin, 0.0f);
        QCOMPARE(head.predictClasses(vec({1, 0}).transpose()), std::vector<int>{1});
    }

    // A projection that drops a direction (as whitening shrinks the directions the pool does not
    // vary in) makes a photo lying mostly along it look like a perfect "a" to the classifier; its
    // raw embedding is far from every training photo, and that decides "unknown". Without
    // training photos (reference sets of format 1) the best class score decides, as it used to.
    void unknownIsJudgedByTheNearestTrainingPhoto_data()
    {
        QTest::addColumn<QList<float>>("coordinates");
        QTest::addColumn<bool>("withPhotos");
        QTest::addColumn<bool>("unknown");
        QTest::addColumn<float>("unknownScore");
        QTest::newRow("along the dropped direction, by photos") << QList<float>{0.6f, 0, 0.8f} << true << true << 0.6f;
        QTest::newRow("along the dropped direction, by class score") << QList<float>{0.6f, 0, 0.8f} << false << false << 1.0f;
        QTest::newRow("near a training photo, by photos") << QList<float>{0.95f, 0.1f, 0.3f} << true << false << 0.95f / vec({0.95f, 0.1f, 0.3f}).norm();
        QTest::newRow("between the classes, by class score") << QList<float>{1, 1, 0} << false << true << float(M_SQRT1_2);
        QTest::newRow("between the classes, by photos") << QList<float>{1, 1, 0} << true << true << float(M_SQRT1_2);
    }

    void unknownIsJudgedByTheNearestTrainingPhoto()
    {
        QFETCH(QList<float>, coordinates);
        QFETCH(bool, withPhotos);
        QFETCH(bool, unknown);
        QFETCH(float, unknownScore);
        ReferenceHead head;
        head.classNames = QStringList{"a", "b"};
        head.projection.resize(2, 3);
        head.projection << 1, 0, 0,
                           0, 1, 0;
        head.references = Matrix::Identity(2, 2);
        head.referenceClass = {0, 1};
        head.bias = Vector::Zero(2);
        head.referenceInfo.resize(2);
        head.rejectBelow = 0.9f;
        const Vector query = vec({coordinates[0], coordinates[1], coordinates[2]});
        if (withPhotos) head.trainingPhotos = familiarPhotos(Matrix::Identity(2, 3));
        QCOMPARE(head.judgesUnknownByTrainingPhotos(), withPhotos);
        const Prediction p = head.predict(query);
        QVERIFY2(near(p.unknownScore, unknownScore), qPrintable(QString::number(p.unknownScore)));
        QCOMPARE(p.unknown, unknown);
        QCOMPARE(p.answer(), unknown ? -1 : p.bestClass());
        if (unknown) QVERIFY(head.unknownReason(p).contains(withPhotos ? "training photo" : "class score"));
        // The class is the classifier's either way.
        QCOMPARE(p.bestClass(), query[1] > query[0] ? 1 : 0);
    }

    void referencesPerClass()
    {
        ReferenceHead head = handHead();
        QCOMPARE(head.referencesPerClass(), (std::vector<int>{2, 1, 1, 0}));
        QCOMPARE(head.referenceCount(), 4);
        QCOMPARE(head.dim(), 3);
        head.referenceClass.push_back(7);  // out of range: not counted anywhere
        QCOMPARE(head.referencesPerClass(), (std::vector<int>{2, 1, 1, 0}));
    }
};

QTEST_APPLESS_MAIN(TestReferenceHead)
#include "tst_referencehead.moc"
