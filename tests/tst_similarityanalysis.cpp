// What the similarity views draw, on synthetic clustered embeddings: the analysis must be right
// (edges, histogram, layout) and must stay off the N² path for large projects.
#include "SyntheticEmbeddings.h"

#include "Feedback.h"
#include "SimilarityAnalysis.h"

#include <QElapsedTimer>
#include <QSet>
#include <algorithm>
#include <QtTest>

using namespace exemplar;

class TestSimilarityAnalysis : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void smallProjectKeepsSAndFindsStrongestEdges()
    {
        const EmbeddingSet set = test::makeClusteredSet({{20, 20, 20}, 32, 0.4f, 1.0f, 7});
        const SimilarityAnalysis analysis = analyzeSimilarity(set, nullptr);
        QVERIFY(analysis.hasFullSimilarity());
        const Matrix S = set.vectors * set.vectors.transpose();
        QVERIFY((analysis.similarity - S).cwiseAbs().maxCoeff() < 1e-5f);
        // 60 photos: 1,770 pairs, all kept (below the cap), best first, and the right values.
        QCOMPARE(int(analysis.edges.size()), 60 * 59 / 2);
        for (size_t i = 1; i < analysis.edges.size(); ++i)
            QVERIFY(analysis.edges[i - 1].similarity >= analysis.edges[i].similarity);
        const SimilarityEdge& best = analysis.edges.front();
        QVERIFY(best.a < best.b);
        QCOMPARE(best.similarity, S(best.a, best.b));
        // Histogram over cross-class pairs only: 3 class pairs × 20 × 20.
        QCOMPARE(analysis.crossClass.total, 1200.0);
        QCOMPARE(analysis.centrality.size(), 60);
        QCOMPARE(analysis.classCentrality.size(), 60);
    }

    void layoutSeparatesClusters()
    {
        const EmbeddingSet set = test::makeClusteredSet({{30, 30}, 32, 0.3f, 0.5f, 3});
        const Eigen::MatrixX2d layout = classicalMds(set.vectors);
        // The leading axis alone splits two well-separated classes.
        const double meanA = layout.col(0).head(30).mean(), meanB = layout.col(0).tail(30).mean();
        int separated = 0;
        for (int i = 0; i < 60; ++i)
            separated += (std::abs(layout(i, 0) - (i < 30 ? meanA : meanB)) < std::abs(layout(i, 0) - (i < 30 ? meanB : meanA)));
        QVERIFY2(separated >= 58, qPrintable(QString::number(separated)));
    }

    void classMeansMatchBruteForce()
    {
        const EmbeddingSet set = test::makeClusteredSet({{5, 7, 6}, 16, 0.8f, 1.0f, 5});
        const Matrix means = classMeanSimilarity(set, {});
        const Matrix S = set.vectors * set.vectors.transpose();
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < 5; ++i)
            for (int j = 5; j < 12; ++j) sum += S(i, j), ++pairs;
        QVERIFY(std::abs(means(0, 1) - sum / pairs) < 1e-5);
        // Restricted to some rows: class 2 left out entirely.
        const Matrix some = classMeanSimilarity(set, {0, 1, 5, 6});
        QVERIFY(std::abs(some(0, 1) - (S(0, 5) + S(0, 6) + S(1, 5) + S(1, 6)) / 4) < 1e-5);
    }

    void largeProjectStaysOffTheQuadraticPathAndCancels()
    {
        const EmbeddingSet set = test::makeClusteredSet({std::vector<int>(30, 100), 64, 1.0f, 1.0f, 11});
        QElapsedTimer timer;
        timer.start();
        const SimilarityAnalysis analysis = analyzeSimilarity(set, nullptr);
        QVERIFY(!analysis.hasFullSimilarity());  // 3,000 photos: S is not kept
        QCOMPARE(analysis.edges.size(), SimilarityAnalysis::kMaxEdges);
        QVERIFY(timer.elapsed() < 30000);
        Feedback feedback;
        feedback.cancel();
        QVERIFY_THROWS_EXCEPTION(OperationCanceled, analyzeSimilarity(set, &feedback));
    }

    // Above kGraphNodeLimit the graph draws an even sample that keeps every class's share, and its
    // edges join sampled photos only; the class means come with the analysis (the heatmap of a
    // large project starts there, and must not compute them on the GUI thread).
    void largeGraphIsAnEvenSampleOfEveryClass()
    {
        const int perClass = (kGraphNodeLimit + 600) / 3;
        const EmbeddingSet set = test::makeClusteredSet({{perClass, perClass, perClass}, 16, 0.4f, 1.0f, 5});
        const SimilarityAnalysis analysis = analyzeSimilarity(set, nullptr);
        QVERIFY(analysis.graphIsSampled());
        QCOMPARE(int(analysis.graphRows.size()), kGraphNodeLimit);
        QVERIFY(std::is_sorted(analysis.graphRows.begin(), analysis.graphRows.end()));
        std::vector<int> perClassDrawn(3, 0);
        for (int row : analysis.graphRows) ++perClassDrawn[size_t(set.labels[size_t(row)])];
        for (int drawn : perClassDrawn) QVERIFY(std::abs(drawn - kGraphNodeLimit / 3) <= 1);
        const QSet<int> drawn(analysis.graphRows.begin(), analysis.graphRows.end());
        for (const SimilarityEdge& edge : analysis.edges) QVERIFY(drawn.contains(edge.a) && drawn.contains(edge.b));
        QCOMPARE(analysis.classMeans.rows(), 3);
        QVERIFY((analysis.classMeans - classMeanSimilarity(set, {})).cwiseAbs().maxCoeff() < 1e-6f);
        // Small projects draw every photo.
        QCOMPARE(evenSample(10, kGraphNodeLimit), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    }
};

QTEST_GUILESS_MAIN(TestSimilarityAnalysis)
#include "tst_similarityanalysis.moc"
