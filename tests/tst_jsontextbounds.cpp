// JsonTextBounds: what a JSON text holds, bounded before it is parsed, so that a reader can refuse
// a damaged or hostile file before parsing takes gigabytes.
#include "JsonTextBounds.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace exemplar;

class TestJsonTextBounds : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void longestString_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qsizetype>("longest");
        QTest::newRow("no strings") << QByteArray("[1, 2, {}]") << qsizetype(0);
        QTest::newRow("empty string") << QByteArray("{\"\": 1}") << qsizetype(0);
        QTest::newRow("key and value") << QByteArray("{\"ab\": \"abcde\"}") << qsizetype(5);
        QTest::newRow("escaped quote inside") << QByteArray("[\"a\\\"b\\\"c\", \"xy\"]") << qsizetype(7);
        QTest::newRow("escaped backslash ends before the quote") << QByteArray("[\"ab\\\\\", \"c\"]") << qsizetype(4);
        QTest::newRow("unicode escape as written") << QByteArray("[\"\\u00e9\"]") << qsizetype(6);
        QTest::newRow("left open runs to the end") << QByteArray("[\"ab\", \"cdefgh") << qsizetype(6);
        QTest::newRow("quotes outside strings only") << QByteArray("[\"a\", 123456789, \"b\"]") << qsizetype(1);
        QTest::newRow("empty text") << QByteArray() << qsizetype(0);
    }
    void longestString()
    {
        QFETCH(QByteArray, text);
        QFETCH(qsizetype, longest);
        QCOMPARE(longestJsonString(text), longest);
    }

    // What Qt writes: the bound is the longest value as written, key or value.
    void boundsWhatQtWrites()
    {
        const QString ranking(100000, QLatin1Char('A'));
        QJsonObject o{{QStringLiteral("path"), QStringLiteral("/photos/a \"b\".jpg")}, {QStringLiteral("ranking"), ranking}};
        QCOMPARE(longestJsonString(QJsonDocument(o).toJson()), qsizetype(ranking.size()));
        QCOMPARE(longestJsonString(QJsonDocument(o).toJson(QJsonDocument::Compact)), qsizetype(ranking.size()));
    }

    void valueCountIsAnUpperBound_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qsizetype>("count");
        QTest::newRow("flat array") << QByteArray("[0,0,0,0]") << qsizetype(4);
        QTest::newRow("nested") << QByteArray("{\"a\": [1, {\"b\": 2}]}") << qsizetype(4);
        QTest::newRow("commas inside strings count too") << QByteArray("[\"a,b,c\"]") << qsizetype(3);
    }
    void valueCountIsAnUpperBound()
    {
        QFETCH(QByteArray, text);
        QFETCH(qsizetype, count);
        QCOMPARE(jsonValueCount(text), count);
    }
};

QTEST_GUILESS_MAIN(TestJsonTextBounds)
#include "tst_jsontextbounds.moc"
