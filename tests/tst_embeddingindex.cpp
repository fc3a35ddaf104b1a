#include "EmbeddingIndex.h"

#include "EmbeddingCache.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <limits>
#include <fcntl.h>
#include <sys/stat.h>

using namespace exemplar;

namespace {

constexpr qint64 kSecond = 1'000'000'000;
constexpr qint64 kLongAgo = 1'600'000'000 * kSecond;

FileStamp oldStamp(qint64 size)
{
    FileStamp stamp;
    stamp.size = size;
    stamp.mtimeNs = kLongAgo;
    stamp.ctimeNs = kLongAgo + 5;
    stamp.inode = 42;
    stamp.device = 7;
    stamp.statedAtNs = kLongAgo + 3600 * kSecond;  // hashed an hour after the last write
    return stamp;
}

Vector vectorFor(int dim, float seed)
{
    Vector v(dim);
    for (int i = 0; i < dim; ++i) v[i] = std::sin(seed * float(i + 1));
    return v.normalized();  // an embedding: the index refuses anything else
}

QByteArray hashFor(int i) { return QByteArray::number(i).rightJustified(64, 'a'); }

bool bitIdentical(const Vector& a, const Vector& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(float) * size_t(a.size())) == 0;
}

bool setModificationTime(const QString& path, qint64 ns)
{
    const struct timespec times[2] = {{ns / kSecond, ns % kSecond}, {ns / kSecond, ns % kSecond}};
    return utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, 0) == 0;
}

} // namespace

class TestEmbeddingIndex : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void savedEntriesAreTrustedAfterReload();
    void changedOrRacyFilesAreNotTrusted_data();
    void changedOrRacyFilesAreNotTrusted();
    void damagedFileIsIgnored_data();
    void damagedFileIsIgnored();
    void countBeyondTheFileIsRefused();
    void linkInPlaceOfTheIndexIsNotWrittenThrough();
    void changedTellsWhetherToSave();
    void stampOfRealFile();
    void projectIndexIsPerClassFolderSet();

private:
    void writeTwoEntries(int dim);
    std::unique_ptr<QTemporaryDir> dir_;
    QString path_;
};

void TestEmbeddingIndex::init()
{
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    path_ = dir_->filePath(QStringLiteral("projects/p.idx"));
}

void TestEmbeddingIndex::writeTwoEntries(int dim)
{
    EmbeddingIndex index(path_, dim);
    index.record(QStringLiteral("/photos/a/1.jpg"), {oldStamp(100), hashFor(1), vectorFor(dim, 1.5f)});
    index.record(QStringLiteral("/photos/b/ü 2.jpg"), {oldStamp(200), hashFor(2), vectorFor(dim, 2.5f)});
    QVERIFY(index.save());
}

void TestEmbeddingIndex::savedEntriesAreTrustedAfterReload()
{
    writeTwoEntries(16);
    EmbeddingIndex index(path_, 16);
    index.load();
    QCOMPARE(index.loadedCount(), 2);
    FileStamp now = oldStamp(200);
    now.statedAtNs = kLongAgo + 7200 * kSecond;  // another stat later: same file state
    const EmbeddingIndex::Entry* entry = index.trusted(QStringLiteral("/photos/b/ü 2.jpg"), now);
    QVERIFY(entry);
    QCOMPARE(entry->sha256Hex, hashFor(2));
    QVERIFY(bitIdentical(entry->embedding, vectorFor(16, 2.5f)));
    QCOMPARE(entry->stamp.statedAtNs, oldStamp(200).statedAtNs);  // the original moment is kept
    QVERIFY(!index.trusted(QStringLiteral("/photos/c/3.jpg"), now));
}

void TestEmbeddingIndex::changedOrRacyFilesAreNotTrusted_data()
{
    QTest::addColumn<QString>("change");
    QTest::newRow("size") << "size";
    QTest::newRow("mtime") << "mtime";
    QTest::newRow("ctime (e.g. mtime set back by a tool)") << "ctime";
    QTest::newRow("inode (file replaced)") << "inode";
    QTest::newRow("device") << "device";
    QTest::newRow("racy: written within the margin before hashing") << "racy";
    QTest::newRow("cannot stat") << "invalid";
}

void TestEmbeddingIndex::changedOrRacyFilesAreNotTrusted()
{
    QFETCH(QString, change);
    EmbeddingIndex writer(path_, 8);
    FileStamp recorded = oldStamp(100);
    if (change == QLatin1String("racy")) recorded.statedAtNs = recorded.mtimeNs + EmbeddingIndex::kRacyMarginNs / 2;
    writer.record(QStringLiteral("/p.jpg"), {recorded, hashFor(1), vectorFor(8, 1)});
    QVERIFY(writer.save());

    EmbeddingIndex index(path_, 8);
    index.load();
    FileStamp current = recorded;
    if (change == QLatin1String("size")) current.size += 1;
    else if (change == QLatin1String("mtime")) current.mtimeNs += 1;
    else if (change == QLatin1String("ctime")) current.ctimeNs += kSecond;
    else if (change == QLatin1String("inode")) current.inode += 1;
    else if (change == QLatin1String("device")) current.device += 1;
    else if (change == QLatin1String("invalid")) current = FileStamp();
    QVERIFY(!index.trusted(QStringLiteral("/p.jpg"), current));
}

void TestEmbeddingIndex::damagedFileIsIgnored_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<int>("dim");  // of the reader
    QTest::newRow("truncated") << "truncate" << 16;
    QTest::newRow("one byte flipped") << "flip" << 16;
    QTest::newRow("empty") << "empty" << 16;
    QTest::newRow("not an index") << "text" << 16;
    QTest::newRow("other model dim") << "none" << 32;
}

void TestEmbeddingIndex::damagedFileIsIgnored()
{
    QFETCH(QString, damage);
    QFETCH(int, dim);
    writeTwoEntries(16);
    QFile file(path_);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray bytes = file.readAll();
    file.close();
    if (damage == QLatin1String("truncate")) bytes.chop(40);
    else if (damage == QLatin1String("flip")) bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x10);
    else if (damage == QLatin1String("empty")) bytes.clear();
    else if (damage == QLatin1String("text")) bytes = "not an index\n";
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    file.close();

    EmbeddingIndex index(path_, dim);
    index.load();
    QCOMPARE(index.loadedCount(), 0);
    QVERIFY(!index.trusted(QStringLiteral("/photos/a/1.jpg"), oldStamp(100)));
}

// The index lives in the cache folder, which is ours: a symbolic link at its name (damage, or a
// trap) is replaced by the saved index, and the file it points to is left as it was. (QSaveFile
// writes through links; the embedding cache's entries once replaced /dev/zero that way.)
void TestEmbeddingIndex::linkInPlaceOfTheIndexIsNotWrittenThrough()
{
    const QString victim = dir_->filePath(QStringLiteral("not-the-index.txt"));
    QFile file(victim);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("must stay\n");
    file.close();
    QVERIFY(QDir().mkpath(QFileInfo(path_).absolutePath()));
    QVERIFY(QFile::link(victim, path_));
    writeTwoEntries(16);
    QVERIFY(!QFileInfo(path_).isSymLink());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("must stay\n"));
    EmbeddingIndex index(path_, 16);
    index.load();
    QCOMPARE(index.loadedCount(), 2);
}

// Entries are decoded as the file streams in, before its checksum can be compared: a count the
// file cannot hold (here with a valid checksum, as a crafted file would have) leaves the index
// empty. (load() refuses it before reserving anything; without that check this test still passes,
// but takes half a minute reserving room for two billion entries.)
void TestEmbeddingIndex::countBeyondTheFileIsRefused()
{
    writeTwoEntries(16);
    QFile file(path_);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray bytes = file.readAll();
    file.close();
    QByteArray body = bytes.left(bytes.size() - 32);
    const qint32 huge = std::numeric_limits<qint32>::max();
    body.replace(12, 4, reinterpret_cast<const char*>(&huge), 4);  // after the magic (8) and dim (4)
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(body + QCryptographicHash::hash(body, QCryptographicHash::Sha256));
    file.close();
    EmbeddingIndex index(path_, 16);
    index.load();
    QCOMPARE(index.loadedCount(), 0);

    writeTwoEntries(16);  // and the file as written loads whole
    index.load();
    QCOMPARE(index.loadedCount(), 2);
}

void TestEmbeddingIndex::changedTellsWhetherToSave()
{
    writeTwoEntries(4);
    EmbeddingIndex index(path_, 4);
    index.load();
    const EmbeddingIndex::Entry a = *index.trusted(QStringLiteral("/photos/a/1.jpg"), oldStamp(100));
    const EmbeddingIndex::Entry b = *index.trusted(QStringLiteral("/photos/b/ü 2.jpg"), oldStamp(200));
    index.record(QStringLiteral("/photos/a/1.jpg"), a);
    QVERIFY(index.changed());  // b left the project
    index.record(QStringLiteral("/photos/b/ü 2.jpg"), b);
    QVERIFY(!index.changed());  // exactly what was read: nothing to write
    EmbeddingIndex::Entry rehashed = b;
    rehashed.stamp.statedAtNs += kSecond;
    index.record(QStringLiteral("/photos/b/ü 2.jpg"), rehashed);
    QVERIFY(index.changed());
}

void TestEmbeddingIndex::stampOfRealFile()
{
    const QString path = dir_->filePath(QStringLiteral("photo.jpg"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("12345");
    file.close();
    QVERIFY(setModificationTime(path, kLongAgo));
    const FileStamp first = FileStamp::of(path);
    QVERIFY(first.valid());
    QCOMPARE(first.size, qint64(5));
    QCOMPARE(first.mtimeNs, kLongAgo);
    QVERIFY(first.statedAtNs > kLongAgo);
    QVERIFY(first.sameFileState(FileStamp::of(path)));

    // Same size, mtime set back to the old value: the ctime still gives the rewrite away (the
    // pause outlasts the kernel's coarse timestamp tick).
    QTest::qSleep(30);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("54321");
    file.close();
    QVERIFY(setModificationTime(path, kLongAgo));
    const FileStamp second = FileStamp::of(path);
    QCOMPARE(second.mtimeNs, first.mtimeNs);
    QVERIFY(second.ctimeNs != first.ctimeNs);
    QVERIFY(!second.sameFileState(first));

    QVERIFY(!FileStamp::of(dir_->filePath(QStringLiteral("missing.jpg"))).valid());
    QVERIFY(!FileStamp::of(dir_->path()).valid());  // a directory is not a photo
}

void TestEmbeddingIndex::projectIndexIsPerClassFolderSet()
{
    const EmbeddingCache cache(QByteArray(64, 'c'), 4, dir_->path());
    const QString ab = EmbeddingIndex(cache, {QStringLiteral("/p/a"), QStringLiteral("/p/b")}).filePath();
    QVERIFY(ab.startsWith(cache.directory() + QLatin1Char('/')));  // per model, beside its entries
    QCOMPARE(EmbeddingIndex(cache, {QStringLiteral("/p/b"), QStringLiteral("/p/a")}).filePath(), ab);
    QVERIFY(EmbeddingIndex(cache, {QStringLiteral("/p/a")}).filePath() != ab);
}

QTEST_GUILESS_MAIN(TestEmbeddingIndex)
#include "tst_embeddingindex.moc"
