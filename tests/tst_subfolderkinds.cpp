// subfolderKinds: a background photo's kind is the first subfolder below its folder.
#include "SubfolderKinds.h"

#include <QtTest>

using namespace exemplar;

class TestSubfolderKinds : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void kindIsTheFirstSubfolderBelowItsRoot_data()
    {
        QTest::addColumn<QStringList>("roots");
        QTest::addColumn<QStringList>("paths");
        QTest::addColumn<QList<int>>("kinds");
        QTest::addColumn<QStringList>("names");
        QTest::newRow("one folder, two kinds and a loose photo")
            << QStringList{"/bg/other"}
            << QStringList{"/bg/other/a/1.jpg", "/bg/other/b/2.jpg", "/bg/other/a/3.jpg", "/bg/other/4.jpg"}
            << QList<int>{0, 1, 0, -1} << QStringList{"other/a", "other/b"};
        QTest::newRow("deeper photos belong to the first subfolder")
            << QStringList{"/bg/other/"} << QStringList{"/bg/other/a/2019/x.jpg", "/bg/other/a/y.jpg"}
            << QList<int>{0, 0} << QStringList{"other/a"};
        QTest::newRow("the same subfolder name under two folders is two kinds")
            << QStringList{"/one/cars", "/two/cars"} << QStringList{"/two/cars/a/1.jpg", "/one/cars/a/2.jpg"}
            << QList<int>{0, 1} << QStringList{"cars/a", "cars/a"};
        QTest::newRow("a sibling folder whose name starts like the root is not under it")
            << QStringList{"/bg/car"} << QStringList{"/bg/cars/a/1.jpg", "/bg/car/a/1.jpg"} << QList<int>{-1, 0}
            << QStringList{"car/a"};
        QTest::newRow("dot segments are resolved") << QStringList{"/bg/x/../other"}
                                                   << QStringList{"/bg/other/./a/1.jpg"} << QList<int>{0}
                                                   << QStringList{"other/a"};
        QTest::newRow("no photos") << QStringList{"/bg"} << QStringList{} << QList<int>{} << QStringList{};
    }
    void kindIsTheFirstSubfolderBelowItsRoot()
    {
        QFETCH(QStringList, roots);
        QFETCH(QStringList, paths);
        QFETCH(QList<int>, kinds);
        QFETCH(QStringList, names);
        const SubfolderKinds result = subfolderKinds(paths, roots);
        QCOMPARE(QList<int>(result.kinds.begin(), result.kinds.end()), kinds);
        QCOMPARE(result.names, names);
    }
};

QTEST_APPLESS_MAIN(TestSubfolderKinds)
#include "tst_subfolderkinds.moc"
