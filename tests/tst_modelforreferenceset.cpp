// modelSpecForReferenceSet: a reference set is classified with the network it was made with,
// found among the installed models when the preferred one is another; the installed specs of the
// build tree (scripts/setup.sh) are the real ones.
#include "Embedder.h"
#include "Error.h"
#include "InstalledModelPaths.h"
#include "ModelForReferenceSet.h"
#include "ModelSpec.h"
#include "ReferenceSetFile.h"
#include "TestSupport.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace exemplar;

namespace {

// A set as if trained with the model of SPEC_PATH: its ONNX hash, preprocessing and embedding size.
ReferenceSet setMadeWith(const QString& specPath)
{
    const Embedder embedder(ModelSpec::load(specPath));
    ReferenceSet set;
    set.modelName = embedder.spec().name;
    set.modelSha256 = QString::fromLatin1(embedder.onnxSha256());
    set.preprocessing = embedder.spec().preprocessingJson();
    set.head.classNames = QStringList{QStringLiteral("a"), QStringLiteral("b")};
    set.head.references = Matrix::Zero(2, embedder.dim());
    set.head.references(0, 0) = set.head.references(1, 1) = 1.0f;
    set.head.bias = Vector::Zero(2);
    set.head.referenceClass = {0, 1};
    set.head.referenceInfo = {{QStringLiteral("a.jpg"), {}}, {QStringLiteral("b.jpg"), {}}};
    return set;
}

} // namespace

class TestModelForReferenceSet : public QObject {
    Q_OBJECT

    const QString fast_ = test::installedModelSpec(kFastModelStem);
    const QString standard_ = test::installedModelSpec(kDefaultModelStem);
    // The defaults before the bilinear pool was appended (avg+gem+mid: an ONNX file of its own, the
    // default's without the bilinear output), before an earlier layer was (avg+gem) and before
    // the average and GeM pools were combined (avg): those two share a third ONNX file.
    const QString averageOnly_ = test::installedModelSpec("efficientnet-b0-256x384-avg");
    const QString averageAndGem_ = test::installedModelSpec("efficientnet-b0-256x384-avg+gem");
    const QString withEarlierLayer_ = test::installedModelSpec("efficientnet-b0-256x384-avg+gem+mid");

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(fast_) || !QFile::exists(standard_) || !QFile::exists(averageOnly_) || !QFile::exists(averageAndGem_) ||
            !QFile::exists(withEarlierLayer_))
            QSKIP("the installed models are not built (scripts/setup.sh)");
        // installedModels() looks beside the executable: the build tree's share/ for the tests.
        QCOMPARE(QDir(installedModelsDir()).canonicalPath(), QFileInfo(fast_).dir().canonicalPath());
    }

    void findsTheSetsModel_data()
    {
        QTest::addColumn<QString>("madeWith");
        QTest::addColumn<QString>("preferred");
        QTest::addColumn<QString>("expected");
        QTest::newRow("fast set, default preferred") << fast_ << standard_ << fast_;
        QTest::newRow("default set, fast preferred") << standard_ << fast_ << standard_;
        QTest::newRow("preferred is the set's") << fast_ << fast_ << fast_;
        QTest::newRow("preferred is missing") << fast_ << QStringLiteral("/nonexistent/model.json") << fast_;
        // A set made with the former default shares the default's network but not its embedding:
        // the spec that is exactly its model is found, not the default.
        QTest::newRow("former default's set, default preferred") << averageOnly_ << standard_ << averageOnly_;
        QTest::newRow("default set, former default preferred") << standard_ << averageOnly_ << standard_;
        QTest::newRow("avg+gem set, default preferred") << averageAndGem_ << standard_ << averageAndGem_;
        QTest::newRow("avg+gem set, avg preferred") << averageAndGem_ << averageOnly_ << averageAndGem_;
        QTest::newRow("avg set, avg+gem preferred") << averageOnly_ << averageAndGem_ << averageOnly_;
        QTest::newRow("default set, avg+gem preferred") << standard_ << averageAndGem_ << standard_;
        QTest::newRow("avg+gem+mid set, default preferred") << withEarlierLayer_ << standard_ << withEarlierLayer_;
        QTest::newRow("default set, avg+gem+mid preferred") << standard_ << withEarlierLayer_ << standard_;
        QTest::newRow("avg+gem+mid set, avg+gem preferred") << withEarlierLayer_ << averageAndGem_ << withEarlierLayer_;
    }
    void findsTheSetsModel()
    {
        QFETCH(QString, madeWith);
        QFETCH(QString, preferred);
        QFETCH(QString, expected);
        QCOMPARE(QFileInfo(modelSpecForReferenceSet(setMadeWith(madeWith), preferred)).canonicalFilePath(),
                 QFileInfo(expected).canonicalFilePath());
    }

    // No installed model made it: the preferred one is returned, and loading it refuses the set.
    void foreignSetKeepsThePreferredModel()
    {
        ReferenceSet set = setMadeWith(fast_);
        set.modelSha256 = QString(64, QLatin1Char('0'));
        QCOMPARE(modelSpecForReferenceSet(set, standard_), standard_);
        QVERIFY_THROWS_EXCEPTION(ModelMismatch, requireSameModel(set, Embedder(ModelSpec::load(standard_)).modelIdentity()));
    }

    // What a spec of the same network changed, named key by key; nothing for the set's own spec
    // or for a set from before preprocessing was recorded.
    void preprocessingDifferenceNamesWhatChanged()
    {
        const ReferenceSet set = setMadeWith(fast_);
        const ModelSpec spec = ModelSpec::load(fast_);
        QCOMPARE(preprocessingDifference(set, spec), QString());
        ModelSpec cropped = spec;
        cropped.cropAverage = true;
        cropped.cropFraction = 0.7;
        QCOMPARE(preprocessingDifference(set, cropped), QStringLiteral("augment none → \"crops\", crop_fraction none → 0.7"));
        ModelSpec resized = spec;
        resized.inputWidth = 300;
        resized.resize = QStringLiteral("linear");
        QCOMPARE(preprocessingDifference(set, resized), QStringLiteral("resize \"area\" → \"linear\", width 224 → 300"));
        ReferenceSet older = set;
        older.preprocessing = QJsonObject();
        QCOMPARE(preprocessingDifference(older, cropped), QString());
    }

    // The same network with other preprocessing is the last resort, behind an exact match.
    void exactMatchBeatsSameNetwork()
    {
        const ModelSpec spec = ModelSpec::load(fast_);
        const ReferenceSet set = setMadeWith(fast_);
        const QString sha = set.modelSha256;
        QCOMPARE(modelMatch(set, spec, sha), ModelMatch::Exact);
        ModelSpec mirrored = spec;
        mirrored.flipAverage = true;
        QCOMPARE(modelMatch(set, mirrored, sha), ModelMatch::NetworkOnly);
        QCOMPARE(modelMatch(set, spec, sha.toUpper()), ModelMatch::Exact);  // hashes compare as hex
        QCOMPARE(modelMatch(set, spec, QString(64, QLatin1Char('f'))), ModelMatch::None);
        ReferenceSet older = set;
        older.preprocessing = QJsonObject();  // sets from before preprocessing was recorded
        QCOMPARE(modelMatch(older, mirrored, sha), ModelMatch::Exact);
    }
};

QTEST_GUILESS_MAIN(TestModelForReferenceSet)
#include "tst_modelforreferenceset.moc"
