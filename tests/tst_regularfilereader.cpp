// RegularFileReader: sequential reads of a file that a hostile or unlucky disk may have replaced
// with something else, for files too large to read whole (the project index).
#include "BadInputCorpus.h"  // test::writeBytes
#include "Error.h"
#include "RegularFile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>

#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace exemplar;

class TestRegularFileReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsInPiecesUpToItsSize()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("data.bin"));
        QVERIFY(test::writeBytes(path, "0123456789"));
        RegularFileReader reader(path, 1024);
        QVERIFY2(reader.ok(), qPrintable(reader.error()));
        QCOMPARE(reader.size(), 10);
        char piece[8] = {};
        QVERIFY(reader.read(piece, 4));
        QCOMPARE(QByteArray(piece, 4), QByteArray("0123"));
        QVERIFY(!reader.atEnd());
        QVERIFY(!reader.read(piece, 7));  // past the end: refused, nothing consumed
        QVERIFY(reader.read(piece, 6));
        QCOMPARE(QByteArray(piece, 6), QByteArray("456789"));
        QVERIFY(reader.atEnd());
        QVERIFY(!reader.read(piece, 1));
    }

    // A file that grows after it was opened is read up to the length it had, and atEnd() says
    // that it did not end there: one version of it was not what was read.
    void fileGrowingWhileReadIsNotAtEnd()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("growing.bin"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("abcd");
        file.flush();
        RegularFileReader reader(path, 1024);
        QVERIFY(reader.ok());
        file.write("efgh");
        file.close();
        char bytes[4];
        QVERIFY(reader.read(bytes, 4));
        QVERIFY(!reader.read(bytes, 1));  // beyond the size it had when opened
        QVERIFY(!reader.atEnd());
    }

    // Outputs: a missing folder is said before any work; a photo where a reference set goes is
    // not replaced; an earlier output of the same kind, or an empty file, may be.
    void destinationsAreCheckedBeforeWork()
    {
        QTemporaryDir dir;
        const auto refusal = [](const std::function<void()>& check) {
            try {
                check();
            } catch (const exemplar::Error& error) {
                return error.message();
            }
            return QString();
        };
        QVERIFY(refusal([&] { refuseUnwritableDestination(dir.filePath(QStringLiteral("none/x.exref"))); }).contains(QLatin1String("does not exist")));
        QVERIFY(refusal([&] { refuseUnwritableDestination(dir.filePath(QStringLiteral("x.exref"))); }).isEmpty());
        const auto isJsonObject = [](const QByteArray& head) { return head.startsWith('{'); };
        const QString photo = dir.filePath(QStringLiteral("photo.jpg"));
        QVERIFY(test::writeBytes(photo, QByteArray("\xFF\xD8\xFF\xE0 a photo")));
        QVERIFY(refusal([&] { refuseToReplaceAnotherKind(photo, QStringLiteral("a set"), isJsonObject); })
                    .contains(QLatin1String("exists and is not a set")));
        const QString earlier = dir.filePath(QStringLiteral("earlier.json"));
        QVERIFY(test::writeBytes(earlier, QByteArray("{}")));
        QVERIFY(refusal([&] { refuseToReplaceAnotherKind(earlier, QStringLiteral("a set"), isJsonObject); }).isEmpty());
        const QString empty = dir.filePath(QStringLiteral("empty"));
        QVERIFY(test::writeBytes(empty, QByteArray()));
        QVERIFY(refusal([&] { refuseToReplaceAnotherKind(empty, QStringLiteral("a set"), isJsonObject); }).isEmpty());
    }

    void refusesWhatIsNotARegularFile_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("FIFO without a writer (must not block)") << "fifo" << "not a regular file (a FIFO)";
        QTest::newRow("character device") << "device" << "not a regular file (a character device)";
        QTest::newRow("folder") << "folder" << "not a regular file (a folder)";
        QTest::newRow("missing") << "missing" << "file does not exist";
        QTest::newRow("larger than allowed") << "large" << "too large";
        // Said as a folder scan says it, not as open(2) fails ("No such device or address", "Too
        // many levels of symbolic links").
        QTest::newRow("socket") << "socket" << "not a regular file (a socket)";
        QTest::newRow("loop of symbolic links") << "loop" << "broken symbolic link (a loop of links)";
    }

    void refusesWhatIsNotARegularFile()
    {
        QFETCH(QString, kind);
        QFETCH(QString, phrase);
        QTemporaryDir dir;
        QString path = dir.filePath(QStringLiteral("x"));
        if (kind == QLatin1String("fifo")) {
            QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        } else if (kind == QLatin1String("device")) {
            path = QStringLiteral("/dev/zero");
        } else if (kind == QLatin1String("folder")) {
            path = dir.path();
        } else if (kind == QLatin1String("large")) {
            QVERIFY(test::writeBytes(path, QByteArray(2048, 'x')));
        } else if (kind == QLatin1String("socket")) {
            const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
            QVERIFY(fd >= 0);
            sockaddr_un address {};
            address.sun_family = AF_UNIX;
            const QByteArray encoded = QFile::encodeName(path);
            QVERIFY(size_t(encoded.size()) < sizeof address.sun_path);
            std::memcpy(address.sun_path, encoded.constData(), size_t(encoded.size()));
            const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
            ::close(fd);  // the socket file stays
            QCOMPARE(bound, 0);
        } else if (kind == QLatin1String("loop")) {
            QVERIFY(QFile::link(dir.filePath(QStringLiteral("y")), path));
            QVERIFY(QFile::link(path, dir.filePath(QStringLiteral("y"))));
        }
        RegularFileReader reader(path, 1024);
        QVERIFY(!reader.ok());
        QVERIFY2(reader.error().contains(phrase), qPrintable(reader.error()));
        char byte;
        QVERIFY(!reader.read(&byte, 1));
        QVERIFY(!reader.atEnd());
    }
};

QTEST_GUILESS_MAIN(TestRegularFileReader)
#include "tst_regularfilereader.moc"
