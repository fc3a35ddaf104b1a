// Self-training with unlabeled photos (core/training/SelfTraining): which photos get pseudo-labels,
// that a second round is kept only when the pool's own cross-validation favours it (and is then
// exactly the plain method otherwise), and that eval reports which unlabeled photos it used.
#include "HonestEvaluation.h"
#include "SelfTraining.h"
#include "SyntheticEmbeddings.h"
#include "Feedback.h"
#include "TrainingMethod.h"

#include <QJsonObject>
#include <QtTest>
#include <set>

using namespace exemplar;

namespace {

// Labeled photos of CLASSES clusters (PER_CLASS each) and UNLABELED more photos of the same
// clusters, drawn together so that they share the class centres.
std::pair<EmbeddingSet, Matrix> labeledAndUnlabeled(int classes, int perClass, int unlabeledPerClass, float noise, quint64 seed)
{
    const EmbeddingSet all = test::makeClusteredSet(std::vector<int>(size_t(classes), perClass + unlabeledPerClass), 32, noise, seed);
    std::vector<int> labeledRows, unlabeledRows;
    for (int row = 0; row < all.size(); ++row) {
        const int indexInClass = row - all.labels[size_t(row)] * (perClass + unlabeledPerClass);
        (indexInClass < perClass ? labeledRows : unlabeledRows).push_back(row);
    }
    return {all.subset(labeledRows), all.subset(unlabeledRows).vectors};
}

} // namespace

class TestSelfTraining : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pseudoLabelsAreTheConfidentHalfPerClass()
    {
        const auto [pool, unlabeled] = labeledAndUnlabeled(4, 5, 9, 0.8f, 3);
        const TrainingResult trained = trainCentroids(pool);
        const EmbeddingSet extended = withPseudoLabels(pool, trained.head, unlabeled);
        // The pool is kept as it was, first.
        QCOMPARE(extended.vectors.topRows(pool.size()), pool.vectors);
        QVERIFY(std::equal(pool.labels.begin(), pool.labels.end(), extended.labels.begin()));
        // Per predicted class, ceil(half) of the photos predicted so, with the highest margins.
        std::vector<std::vector<float>> margins(size_t(pool.classCount()));
        for (Eigen::Index i = 0; i < unlabeled.rows(); ++i) {
            const Prediction p = trained.head.predict(unlabeled.row(i).transpose());
            margins[size_t(p.bestClass())].push_back(p.margin);
        }
        int expected = 0;
        for (auto& m : margins) expected += int((m.size() + 1) / 2);
        QCOMPARE(extended.size(), pool.size() + expected);
        for (int row = pool.size(); row < extended.size(); ++row) {
            const Prediction p = trained.head.predict(extended.vectors.row(row).transpose());
            QCOMPARE(extended.labels[size_t(row)], p.bestClass());  // labeled as predicted
            auto& m = margins[size_t(p.bestClass())];
            std::vector<float> sorted = m;
            std::sort(sorted.begin(), sorted.end(), std::greater<float>());
            QVERIFY(p.margin >= sorted[(sorted.size() + 1) / 2 - 1] - 1e-6f);  // among the upper half
        }
        // Every added photo is its own duplicate group, apart from the pool's.
        QCOMPARE(int(extended.groups.size()), extended.size());
        QCOMPARE(int(std::set<int>(extended.groups.begin(), extended.groups.end()).size()), extended.size());
    }

    void keptOnlyWhenCrossValidationFavoursIt_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<float>("noise");
        QTest::newRow("centroid, clear classes") << QStringLiteral("centroid") << 0.6f;
        QTest::newRow("linear, noisy classes") << QStringLiteral("linear") << 1.4f;
        QTest::newRow("whitened-linear, noisy classes") << QStringLiteral("whitened-linear") << 1.4f;
    }

    void keptOnlyWhenCrossValidationFavoursIt()
    {
        QFETCH(QString, method);
        QFETCH(float, noise);
        const auto [pool, unlabeled] = labeledAndUnlabeled(6, 6, 20, noise, 11);
        TrainingOptions options;
        options.method = method;
        const TrainingResult plain = train(pool, options);
        const TrainingResult result = trainWithUnlabeled(pool, unlabeled, options);
        const QJsonObject self = result.details.value(QStringLiteral("self_training")).toObject();
        QCOMPARE(self.value(QStringLiteral("unlabeled_photos")).toInt(), int(unlabeled.rows()));
        QCOMPARE(self.value(QStringLiteral("cv_photos")).toInt(), pool.size());  // every labeled photo scored once
        const bool used = self.value(QStringLiteral("used")).toBool();
        qInfo("self-training kept: %s (cv correct %d with, %d without)", used ? "yes" : "no",
              self.value(QStringLiteral("cv_correct_with")).toInt(), self.value(QStringLiteral("cv_correct_without")).toInt());
        QCOMPARE(used, self.value(QStringLiteral("cv_correct_with")).toInt() > self.value(QStringLiteral("cv_correct_without")).toInt());
        const std::vector<int> a = plain.head.predictClasses(unlabeled), b = result.head.predictClasses(unlabeled);
        if (!used) QCOMPARE(b, a);  // refused: exactly the plain method
        else QVERIFY(self.value(QStringLiteral("pseudo_labeled")).toInt() >=
                     (int(unlabeled.rows()) - self.value(QStringLiteral("unlike_the_training_photos")).toInt()) / 2);

        // Without unlabeled photos: the plain method, nothing measured.
        const TrainingResult none = trainWithUnlabeled(pool, Matrix(0, pool.dim()), options);
        QVERIFY(!none.details.contains(QStringLiteral("self_training")));
        QCOMPARE(none.head.predictClasses(unlabeled), a);
    }

    // Photos of other things among the unlabeled ones are given no class, however sure the head is
    // of them: in the GUI, flowers dropped among unlabeled car photos were labeled as car models
    // and joined the references (a review). Familiarity decides, as it decides "unknown".
    void photosUnlikeThePoolAreNeverPseudoLabeled_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("centroid") << QStringLiteral("centroid");
        QTest::newRow("whitened-linear") << QStringLiteral("whitened-linear");
    }

    void photosUnlikeThePoolAreNeverPseudoLabeled()
    {
        QFETCH(QString, method);
        const auto [pool, alike] = labeledAndUnlabeled(6, 8, 10, 0.6f, 21);
        // Other things: clusters of their own, drawn from another seed (other centres).
        const Matrix foreign = test::makeClusteredSet(std::vector<int>(3, 10), 32, 0.6f, 977).vectors;
        Matrix unlabeled(alike.rows() + foreign.rows(), alike.cols());
        unlabeled << alike, foreign;

        const std::vector<bool> like = photosLikeThePool(pool, unlabeled, 5, 7);
        int alikeKept = 0;
        for (Eigen::Index i = 0; i < alike.rows(); ++i) alikeKept += like[size_t(i)];
        for (Eigen::Index i = alike.rows(); i < unlabeled.rows(); ++i)
            QVERIFY2(!like[size_t(i)], qPrintable(QStringLiteral("foreign photo %1 taken for one of the pool's").arg(i)));
        QVERIFY2(alikeKept >= int(0.85 * double(alike.rows())), qPrintable(QString::number(alikeKept)));

        // Every added photo is one of the pool's kind, the foreign ones are counted as left out.
        TrainingOptions options;
        options.method = method;
        const TrainingResult plain = train(pool, options);
        const EmbeddingSet extended = withPseudoLabels(pool, plain.head, unlabeled, like);
        QVERIFY(extended.size() > pool.size());
        for (int row = pool.size(); row < extended.size(); ++row) {
            const int source = extended.paths[row].section(QLatin1Char(' '), 2, 2).chopped(1).toInt() - 1;
            QVERIFY2(source >= 0 && source < alike.rows(), qPrintable(extended.paths[row]));
        }
        const TrainingResult onlyForeign = trainWithUnlabeled(pool, foreign, options);
        const QJsonObject self = onlyForeign.details.value(QStringLiteral("self_training")).toObject();
        QCOMPARE(self.value(QStringLiteral("unlike_the_training_photos")).toInt(), int(foreign.rows()));
        QCOMPARE(self.value(QStringLiteral("pseudo_labeled")).toInt(), 0);
        QCOMPARE(onlyForeign.head.predictClasses(alike), plain.head.predictClasses(alike));
    }

    // Stop while the inner cross-validation runs: the first training (on the pool alone) comes
    // back, marked canceled, as Stop promises the best so far; it once threw it away. Its
    // optimizer steps reach the observer (the window's plot stayed empty for minutes).
    void aStopDuringTheCheckKeepsTheFirstTraining_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("least-central (returns its best so far)") << QStringLiteral("least-central");
        QTest::newRow("linear (throws when stopped)") << QStringLiteral("linear");
        QTest::newRow("whitened-linear") << QStringLiteral("whitened-linear");
    }
    void aStopDuringTheCheckKeepsTheFirstTraining()
    {
        QFETCH(QString, method);
        const auto [pool, unlabeled] = labeledAndUnlabeled(4, 6, 10, 0.8f, 5);
        TrainingOptions options;
        options.method = method;
        options.optimizer.budget = 12;
        Feedback feedback;
        feedback.setProgressHandler([&](qint64, qint64, const QString& what) {
            if (what.startsWith(QLatin1String("self-training: fold 2"))) feedback.cancel();
        });
        int steps = 0;
        const TrainingResult stopped =
            trainWithUnlabeled(pool, unlabeled, options, &feedback, nullptr, [&](const OptimizerStep&) { ++steps; });
        QVERIFY(feedback.isCanceled());
        QVERIFY(stopped.canceled);
        if (method == QLatin1String("least-central")) QVERIFY(steps > 0);  // the plot's steps
        const QJsonObject self = stopped.details.value(QStringLiteral("self_training")).toObject();
        QVERIFY(self.value(QStringLiteral("stopped")).toBool());
        QVERIFY(!self.value(QStringLiteral("used")).toBool());
        QCOMPARE(self.value(QStringLiteral("unlabeled_photos")).toInt(), int(unlabeled.rows()));
        const TrainingResult plain = train(pool, options);
        QCOMPARE(stopped.head.predictClasses(unlabeled), plain.head.predictClasses(unlabeled));  // the first training
    }

    void evalSaysWhichUnlabeledPhotosItUsed()
    {
        const EmbeddingSet data = test::makeClusteredSet(std::vector<int>(5, 14), 32, 1.2f, 5);
        EvaluationOptions options;
        options.pool = 4;
        options.repeats = 3;
        options.methods = {QStringLiteral("centroid"), QStringLiteral("linear")};
        const EvaluationReport plain = evaluateHonestly(data, options);
        QVERIFY(plain.unlabeled.isEmpty());
        QCOMPARE(plain.methods[0].selfTrainingUsed, -1);
        QVERIFY(plain.methods[0].plainAccuracies.empty());  // nothing to stand beside
        QVERIFY(!plain.toJson()[QStringLiteral("methods")][QStringLiteral("centroid")].toObject().contains(
            QStringLiteral("accuracy_without_unlabeled")));

        options.transductive = true;
        const EvaluationReport transductive = evaluateHonestly(data, options);
        QCOMPARE(transductive.unlabeled, QStringLiteral("transductive"));
        for (const MethodSummary& m : transductive.methods) {
            QVERIFY(m.selfTrainingUsed >= 0 && m.selfTrainingUsed <= options.repeats);
            QCOMPARE(int(m.accuracies.size()), options.repeats);
        }
        // The same splits: where self-training was refused in every repetition, the figures match.
        for (size_t i = 0; i < transductive.methods.size(); ++i)
            if (transductive.methods[i].selfTrainingUsed == 0)
                QCOMPARE(transductive.methods[i].accuracies, plain.methods[i].accuracies);
        // Beside the figure with the unlabeled photos stands the plain one, on the same splits:
        // exactly what the evaluation without them measured.
        for (size_t i = 0; i < transductive.methods.size(); ++i) {
            QCOMPARE(transductive.methods[i].plainAccuracies, plain.methods[i].accuracies);
            QCOMPARE(transductive.methods[i].plainAccuracyMean, plain.methods[i].accuracyMean);
        }
        const QJsonObject json = transductive.toJson();
        QCOMPARE(json.value(QStringLiteral("unlabeled")).toString(), QStringLiteral("transductive"));
        const QJsonObject linearJson = json[QStringLiteral("methods")][QStringLiteral("linear")].toObject();
        QCOMPARE(linearJson.value(QStringLiteral("accuracy_without_unlabeled")).toDouble(), plain.methods[1].accuracyMean);
        const EvaluationReport back = EvaluationReport::fromJson(json);
        QCOMPARE(back.unlabeled, QStringLiteral("transductive"));
        QCOMPARE(back.methods[1].selfTrainingUsed, transductive.methods[1].selfTrainingUsed);
        QCOMPARE(back.methods[1].plainAccuracies, plain.methods[1].accuracies);
        QVERIFY2(back.implausibility().isEmpty(), qPrintable(back.implausibility()));
    }
};

QTEST_GUILESS_MAIN(TestSelfTraining)
#include "tst_selftraining.moc"
