// Proves both model conversions end to end: each ONNX that scripts/setup.sh converted from the npm
// TF.js package (224×224, and the default's 256×384 with its per-axis padding) must still be the
// ImageNet classifier it was — its logits must put a car class in the top 5 for at least 90% of
// the real car photos in ../shared/data/cars24 (every 4th photo for the default, whose flip
// averaging makes each photo about 4× the work).
#include "Dataset.h"
#include "Embedder.h"
#include "ImageDecoder.h"
#include "InstalledModelPaths.h"
#include "TestSupport.h"

#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <QtTest>
#include <algorithm>
#include <numeric>
#include <set>

using namespace exemplar;

class TestModelConversion : public QObject {
    Q_OBJECT

private:
    static std::vector<int> topK(const Vector& logits, int k)
    {
        std::vector<int> order(size_t(logits.size()));
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + k, order.end(),
                          [&](int a, int b) { return logits[a] > logits[b]; });
        order.resize(size_t(k));
        return order;
    }

    static QStringList labels(const ModelSpec& spec)
    {
        QFile file(spec.labelsPath);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) return {};
        return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

private Q_SLOTS:
    void carPhotosGetCarClassesInTop5_data()
    {
        QTest::addColumn<QString>("specPath");
        QTest::addColumn<int>("stride");  // test every stride-th photo
        QTest::newRow("fast 224x224") << test::installedModelSpec(kFastModelStem) << 1;
        QTest::newRow("default 256x384, flip") << test::installedModelSpec(kDefaultModelStem) << 4;
    }

    void carPhotosGetCarClassesInTop5()
    {
        QFETCH(QString, specPath);
        QFETCH(int, stride);
        if (!QFileInfo::exists(specPath)) QSKIP(qPrintable(specPath + QStringLiteral(" not installed; run scripts/setup.sh")));
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("cars24"));
        const ModelSpec spec = ModelSpec::load(specPath);
        const QStringList names = labels(spec);
        QCOMPARE(names.size(), 1000);

        // ImageNet's car-body classes. Their names are checked against the labels file so a
        // shifted index could not pass silently. (Car parts such as "grille" do not count.)
        const std::vector<std::pair<int, const char*>> carClasses{
            {407, "ambulance"}, {436, "beach wagon"}, {468, "cab"},        {511, "convertible"},
            {609, "jeep"},      {627, "limousine"},   {654, "minibus"},    {656, "minivan"},
            {661, "Model T"},   {717, "pickup"},      {734, "police van"}, {751, "racer"},
            {817, "sports car"}, {864, "tow truck"}};
        std::set<int> cars;
        for (const auto& [index, name] : carClasses) {
            QVERIFY2(names[index].startsWith(QLatin1String(name)), qPrintable(names[index]));
            cars.insert(index);
        }

        Embedder embedder(spec);
        const Dataset dataset = Dataset::scan(test::sharedDataSet(QStringLiteral("cars24")));
        int tested = 0, hits = 0, index = 0;
        for (const Photo& photo : dataset.photos) {
            if (index++ % stride != 0) continue;
            const PhotoBytes bytes = readPhotoBytes(photo.path);
            QVERIFY2(bytes.ok(), qPrintable(photo.path));
            const DecodedPhoto decoded = decodePhoto(bytes.data);
            QVERIFY2(decoded.ok(), qPrintable(photo.path));
            Vector embedding, logits;
            embedder.run(decoded.bgr, &embedding, &logits);
            QCOMPARE(int(logits.size()), 1000);
            const std::vector<int> top = topK(logits, 5);
            ++tested;
            if (std::any_of(top.begin(), top.end(), [&](int c) { return cars.count(c) > 0; })) ++hits;
        }
        const double rate = double(hits) / tested;
        qInfo("car class in top 5 for %d of %d cars24 photos (%.1f%%)", hits, tested, 100 * rate);
        QVERIFY(tested >= 900 / stride);
        QVERIFY2(rate >= 0.90, qPrintable(QStringLiteral("only %1%").arg(100 * rate)));
    }
};

QTEST_GUILESS_MAIN(TestModelConversion)
#include "tst_modelconversion.moc"
