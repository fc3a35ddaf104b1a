// Proves both model conversions end to end: each ONNX that scripts/setup.sh converted from the npm
// TF.js package (224×224, and the default's 256×384 with its per-axis padding) must still be the
// ImageNet classifier it was — its logits must put a car class in the top 5 for at least 90% of
// the real car photos in ../shared/data/cars24 (every 4th photo for the default, whose flip
// averaging makes each photo about 4× the work). The default's bilinear pools, which the converter
// writes as matrix products (OpenCV 4.6 has no eigensolver), must be the upper triangle of the
// matrix square root of the projected feature map's Gram matrix, as Eigen computes it exactly.
#include "Dataset.h"
#include "Embedder.h"
#include "ImageDecoder.h"
#include "InstalledModelPaths.h"
#include "TestSupport.h"

#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <QtTest>
#include <Eigen/Eigenvalues>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
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

    // The converter's names: each bilinear output, its 1×1 projection, and the map it reads.
    void bilinearPoolIsTheSquareRootOfTheGramMatrix_data()
    {
        QTest::addColumn<QString>("output");
        QTest::addColumn<QString>("projectLayer");
        QTest::addColumn<QString>("featureLayer");
        QTest::addColumn<int>("directions");
        QTest::newRow("last feature map") << "embedding_bilinear" << "onnx_node!bilinear/project"
                                          << "onnx_node!top_activation/mul" << 128;
        QTest::newRow("stage 6's feature map") << "embedding_mid_bilinear" << "onnx_node!mid_bilinear/project"
                                               << "onnx_node!mid_feature_map" << 64;
    }

    void bilinearPoolIsTheSquareRootOfTheGramMatrix()
    {
        QFETCH(QString, output);
        QFETCH(QString, projectLayer);
        QFETCH(QString, featureLayer);
        QFETCH(int, directions);
        const QString specPath = test::installedModelSpec(kDefaultModelStem);
        if (!QFileInfo::exists(specPath)) QSKIP(qPrintable(specPath + QStringLiteral(" not installed; run scripts/setup.sh")));
        const ModelSpec spec = ModelSpec::load(specPath);
        cv::dnn::Net net = cv::dnn::readNetFromONNX(spec.onnxPath.toStdString());
        QVERIFY2(net.getLayerId(projectLayer.toStdString()) >= 0 && net.getLayerId(featureLayer.toStdString()) >= 0,
                 qPrintable(QStringLiteral("the default model has no %1 or no %2").arg(projectLayer, featureLayer)));

        cv::Mat photo(300, 420, CV_8UC3);  // noise and a few shapes: the map's statistics, not a car
        cv::randu(photo, 0, 255);
        cv::rectangle(photo, {40, 60}, {260, 220}, {30, 160, 220}, cv::FILLED);
        cv::circle(photo, {320, 150}, 70, {200, 40, 60}, cv::FILLED);
        net.setInput(inputBlob(photo, spec), spec.inputName.toStdString());
        std::vector<cv::Mat> outs;
        net.forward(outs, std::vector<cv::String>{output.toStdString(), featureLayer.toStdString()});
        const cv::Mat& bilinear = outs[0];
        const cv::Mat& map = outs[1];  // 1 × C × H × W
        const cv::Mat projection = net.getParam(net.getLayerId(projectLayer.toStdString()), 0);  // D × C × 1 × 1
        const int d = projection.size[0], c = projection.size[1], positions = map.size[2] * map.size[3];
        QCOMPARE(d, directions);
        QCOMPARE(map.size[1], c);
        QCOMPARE(int(bilinear.total()), d * (d + 1) / 2);

        using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        const Eigen::Map<const RowMatrix> p(projection.ptr<float>(), d, c);
        const Eigen::Map<const RowMatrix> f(map.ptr<float>(), c, positions);
        // Fixed orthonormal directions: nothing about the photos went into them.
        QVERIFY((p * p.transpose() - Eigen::MatrixXf::Identity(d, d)).cwiseAbs().maxCoeff() < 1e-4f);
        const Eigen::MatrixXd y = (p * f).cast<double>();
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(y * y.transpose());
        // At most H·W positions for D directions: the matrix may be singular, and rounding makes
        // its zero eigenvalues slightly negative.
        const Eigen::MatrixXd root = eigen.eigenvectors() * eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal() *
                                     eigen.eigenvectors().transpose();
        Eigen::VectorXd expected(d * (d + 1) / 2);
        for (int i = 0, k = 0; i < d; ++i)
            for (int j = i; j < d; ++j) expected[k++] = root(i, j);
        expected.normalize();
        const Eigen::Map<const Eigen::VectorXf> got(bilinear.ptr<float>(), bilinear.total());
        QVERIFY(std::abs(got.norm() - 1.0f) < 1e-4f);
        const double cosine = got.cast<double>().dot(expected);
        qInfo("%s: cosine %.5f to the exact square root (%d directions, %d positions)", qPrintable(output), cosine, d,
              positions);
        // Newton-Schulz leaves the smallest eigenvalues a little off; the plain Gram matrix
        // (no root) is far further away, which the bound tells apart.
        Eigen::VectorXd gram(expected.size());
        const Eigen::MatrixXd g = y * y.transpose();
        for (int i = 0, k = 0; i < d; ++i)
            for (int j = i; j < d; ++j) gram[k++] = g(i, j);
        qInfo("  (the Gram matrix itself: cosine %.5f)", got.cast<double>().dot(gram.normalized()));
        QVERIFY2(cosine > 0.98, qPrintable(QString::number(cosine)));
    }
};

QTEST_GUILESS_MAIN(TestModelConversion)
#include "tst_modelconversion.moc"
