// SettingsFiles: a settings file that is a FIFO blocked the window before it showed (QSettings
// opens it as it is made), one that is a folder lost every setting silently.
#include "window/SettingsFiles.h"

#include <QCoreApplication>
#include <QDir>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace exemplar::ui;

class TestSettingsFiles : public QObject {
    Q_OBJECT

    QTemporaryDir home_;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(home_.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("ExemplarTest"));
        QCoreApplication::setApplicationName(QStringLiteral("SettingsFiles"));
    }

    void unusableFilesAreNamed_data()
    {
        QTest::addColumn<QString>("where");  // user or system folder
        QTest::addColumn<QString>("name");   // relative to it
        QTest::addColumn<QString>("kind");   // fifo, folder, regular, none
        QTest::addColumn<QString>("expected");
        QTest::newRow("nothing there") << "user" << "ExemplarTest/SettingsFiles.conf" << "none" << "";
        QTest::newRow("a regular file") << "user" << "ExemplarTest/SettingsFiles.conf" << "regular" << "";
        QTest::newRow("the application's file is a FIFO") << "user" << "ExemplarTest/SettingsFiles.conf" << "fifo" << "is a FIFO";
        QTest::newRow("the application's file is a folder") << "user" << "ExemplarTest/SettingsFiles.conf" << "folder" << "is a folder";
        QTest::newRow("the organization's file is a FIFO") << "user" << "ExemplarTest.conf" << "fifo" << "is a FIFO";
        QTest::newRow("the system's file is a FIFO") << "system" << "ExemplarTest/SettingsFiles.conf" << "fifo" << "is a FIFO";
    }
    void unusableFilesAreNamed()
    {
        QFETCH(QString, where);
        QFETCH(QString, name);
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        const QString row = home_.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-')));
        const QString user = row + QStringLiteral("/user"), system = row + QStringLiteral("/system");
        QVERIFY(QDir().mkpath(user + QStringLiteral("/ExemplarTest")) && QDir().mkpath(system + QStringLiteral("/ExemplarTest")));
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(user));
        qputenv("XDG_CONFIG_DIRS", QFile::encodeName(system));
        const QString path = (where == QLatin1String("user") ? user : system) + QLatin1Char('/') + name;
        if (kind == QLatin1String("fifo")) QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        if (kind == QLatin1String("folder")) QVERIFY(QDir().mkpath(path));
        if (kind == QLatin1String("regular")) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("[General]\nx=1\n");
        }
        const QString problem = unusableSettingsFile();
        if (expected.isEmpty()) {
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        } else {
            QVERIFY2(problem.contains(path) && problem.contains(expected), qPrintable(problem));
        }
    }

    // With the FIFO still in place, settings made after keepSettingsIn go to the private folder
    // and come back: nothing opens the FIFO (this test would block on it otherwise).
    void settingsKeptInAPrivateFolderRoundTrip()
    {
        const QString user = home_.filePath(QStringLiteral("round-trip/user"));
        QVERIFY(QDir().mkpath(user + QStringLiteral("/ExemplarTest")));
        QCOMPARE(::mkfifo(QFile::encodeName(user + QStringLiteral("/ExemplarTest/SettingsFiles.conf")).constData(), 0600), 0);
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(user));
        QVERIFY(!unusableSettingsFile().isEmpty());
        const QString folder = home_.filePath(QStringLiteral("round-trip/private"));
        QVERIFY(QDir().mkpath(folder));
        keepSettingsIn(folder);
        {
            QSettings settings;
            QVERIFY2(settings.fileName().startsWith(folder), qPrintable(settings.fileName()));
            settings.setValue(QStringLiteral("ui/theme"), QStringLiteral("dark"));
        }
        QCOMPARE(QSettings().value(QStringLiteral("ui/theme")).toString(), QStringLiteral("dark"));
    }
};

QTEST_GUILESS_MAIN(TestSettingsFiles)
#include "tst_settingsfiles.moc"
