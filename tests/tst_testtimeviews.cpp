// The test-time views of a photo: the whole photo first, then its mirror image and three crops as
// the spec asks; crops of the asked fraction at the start, middle and end of the longer side,
// inside the photo whatever its shape (down to one pixel).
#include "ModelSpec.h"
#include "TestSupport.h"
#include "TestTimeViews.h"

#include <QtTest>
#include <opencv2/core.hpp>

using namespace exemplar;

namespace {

// Where VIEW's pixels lie inside PHOTO (a crop shares its pixels with the photo).
cv::Rect placeIn(const cv::Mat& view, const cv::Mat& photo)
{
    cv::Size whole;
    cv::Point offset;
    view.locateROI(whole, offset);
    if (whole != photo.size() || view.datastart != photo.datastart) return cv::Rect(-1, -1, 0, 0);
    return cv::Rect(offset, view.size());
}

} // namespace

class TestTestTimeViews : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void views_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<bool>("flip");
        QTest::addColumn<bool>("crops");
        QTest::addColumn<double>("fraction");
        QTest::addRow("no augmentation") << 400 << 300 << false << false << 0.8;
        QTest::addRow("flip") << 400 << 300 << true << false << 0.8;
        QTest::addRow("landscape crops") << 400 << 300 << false << true << 0.8;
        QTest::addRow("portrait crops") << 300 << 400 << false << true << 0.8;
        QTest::addRow("square, flip and crops") << 256 << 256 << true << true << 0.75;
        QTest::addRow("odd sizes, crops of one half") << 101 << 37 << false << true << 0.5;
        QTest::addRow("one pixel, flip and crops") << 1 << 1 << true << true << 0.8;
        QTest::addRow("one row, crops") << 9 << 1 << false << true << 0.8;
    }

    void views()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(bool, flip);
        QFETCH(bool, crops);
        QFETCH(double, fraction);
        ModelSpec spec;
        spec.flipAverage = flip;
        spec.cropAverage = crops;
        spec.cropFraction = fraction;
        cv::Mat photo(height, width, CV_8UC3);
        cv::randu(photo, 0, 255);

        const std::vector<cv::Mat> views = testTimeViews(photo, spec);
        QCOMPARE(int(views.size()), spec.viewsPerPhoto());
        QCOMPARE(placeIn(views[0], photo), cv::Rect(0, 0, width, height));
        size_t next = 1;
        if (flip) {
            cv::Mat mirrored;
            cv::flip(photo, mirrored, 1);
            QCOMPARE(views[next].size(), photo.size());
            QCOMPARE(cv::norm(views[next], mirrored, cv::NORM_INF), 0.0);
            ++next;
        }
        if (!crops) return;
        const int w = std::max(1, int(std::lround(width * fraction)));
        const int h = std::max(1, int(std::lround(height * fraction)));
        const bool alongWidth = width >= height;
        std::vector<cv::Rect> places;
        for (; next < views.size(); ++next) {
            const cv::Rect place = placeIn(views[next], photo);
            QVERIFY2(place.x >= 0, "a crop is not a window into the photo");
            QCOMPARE(place.size(), cv::Size(w, h));
            QVERIFY((place & cv::Rect(0, 0, width, height)) == place);
            places.push_back(place);
        }
        QCOMPARE(int(places.size()), 3);
        // Start, middle and end of the longer side; centred across the shorter one.
        const int along[3] = {alongWidth ? places[0].x : places[0].y, alongWidth ? places[1].x : places[1].y,
                              alongWidth ? places[2].x : places[2].y};
        const int length = alongWidth ? width : height, size = alongWidth ? w : h;
        QCOMPARE(along[0], 0);
        QCOMPARE(along[1], (length - size) / 2);
        QCOMPARE(along[2] + size, length);
        for (const cv::Rect& place : places) {
            const int across = alongWidth ? place.y : place.x;
            QCOMPARE(across, ((alongWidth ? height : width) - (alongWidth ? h : w)) / 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestTestTimeViews)
#include "tst_testtimeviews.moc"
