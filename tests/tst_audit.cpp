// Suspect photos: planted mislabels and cross-class duplicates are flagged with reasons, clean
// well-separated data flags (almost) nothing, and photos are only reported, never removed.
#include "Audit.h"
#include "EmbeddingSet.h"
#include "SyntheticEmbeddings.h"

#include <QJsonArray>
#include <QtTest>
#include <algorithm>

using namespace exemplar;

namespace {

bool flagged(const AuditReport& report, int row, const QString& reason)
{
    return std::any_of(report.suspects.begin(), report.suspects.end(), [&](const SuspectPhoto& s) {
        return s.row == row && s.reasons.contains(reason);
    });
}

} // namespace

class TestAudit : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plantedMislabelsAreFlagged_data()
    {
        QTest::addColumn<float>("noise");
        QTest::newRow("well separated") << 0.4f;
        QTest::newRow("overlapping") << 0.9f;
    }

    void plantedMislabelsAreFlagged()
    {
        QFETCH(float, noise);
        EmbeddingSet set = test::makeClusteredSet({{20, 20, 20, 20, 20}, 64, noise, 1.0f, 5});
        // Move three photos to a wrong class, as a user filing photos in the wrong folder would.
        const std::vector<std::pair<int, int>> planted{{3, 1}, {27, 4}, {85, 0}};
        for (const auto& [row, wrong] : planted) set.labels[size_t(row)] = wrong;
        const AuditReport report = auditPhotos(set);
        for (const auto& [row, wrong] : planted) {
            QVERIFY2(flagged(report, row, QStringLiteral("likely mislabeled")), qPrintable(QString::number(row)));
            const auto suspect = std::find_if(report.suspects.begin(), report.suspects.end(),
                                              [&](const SuspectPhoto& s) { return s.row == row; });
            QCOMPARE(suspect->likelyClass, row / 20);  // the class it really belongs to
            QVERIFY(suspect->mislabelScore < 0);
            QVERIFY(!suspect->explanation.isEmpty());
        }
        // Mislabels come first in the list.
        QVERIFY(report.suspects.front().likelyClass >= 0);
        // Few false alarms: at most 5% of the clean photos.
        int wrongFlags = 0;
        for (const SuspectPhoto& s : report.suspects)
            if (s.reasons.contains(QStringLiteral("likely mislabeled")) &&
                std::none_of(planted.begin(), planted.end(), [&](const auto& p) { return p.first == s.row; }))
                ++wrongFlags;
        QVERIFY2(wrongFlags <= 5, qPrintable(QString::number(wrongFlags)));
    }

    void crossClassDuplicateIsFlagged()
    {
        EmbeddingSet set = test::makeClusteredSet({{10, 10, 10}, 32, 0.5f, 1.0f, 7});
        set.vectors.row(25) = set.vectors.row(4);  // the same picture filed in class 0 and class 2
        const AuditReport report = auditPhotos(set);
        QVERIFY(flagged(report, 25, QStringLiteral("cross-class duplicate")));
        QVERIFY(flagged(report, 4, QStringLiteral("cross-class duplicate")));
        const QJsonObject json = report.toJson(set);
        QCOMPARE(json.value(QStringLiteral("photos")).toInt(), 30);
        QVERIFY(!json.value(QStringLiteral("suspects")).toArray().isEmpty());
        // A duplicate inside one class is normal (two shots of the same thing): not flagged.
        EmbeddingSet same = test::makeClusteredSet({{10, 10, 10}, 32, 0.5f, 1.0f, 7});
        same.vectors.row(5) = same.vectors.row(4);
        QVERIFY(!flagged(auditPhotos(same), 5, QStringLiteral("cross-class duplicate")));
    }

    void outlierOfItsClassIsFlagged()
    {
        EmbeddingSet set = test::makeClusteredSet({{15, 15, 15}, 48, 0.4f, 1.0f, 3});
        set.vectors.row(7) = test::gaussianMatrix(1, 48, 99).row(0).normalized();  // unlike anything
        QVERIFY(flagged(auditPhotos(set), 7, QStringLiteral("outlier")));
    }

    void tinyInputsGiveNoSuspects()
    {
        const EmbeddingSet set = test::makeClusteredSet({{1, 1}, 8, 0.4f, 1.0f, 3});
        QVERIFY(auditPhotos(set).suspects.empty());
    }
};

QTEST_APPLESS_MAIN(TestAudit)
#include "tst_audit.moc"
