#include "EmbeddingCache.h"
#include "EmbeddingIndex.h"

#include "Dataset.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingSet.h"
#include "ModelSpec.h"
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QDateTime>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstring>
#include <sys/stat.h>
#include <limits>

using exemplar::EmbeddingCache;
using exemplar::Vector;

namespace {

const QByteArray kIdentity = QCryptographicHash::hash("model A", QCryptographicHash::Sha256).toHex();

QByteArray contentHash(const QByteArray& content)
{
    return QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex();
}

// Awkward floats on purpose: bit-identical means -0 and subnormals survive too. Unit length, as
// the cache accepts only embeddings (the tiny values add nothing to the norm).
Vector awkwardVector(int dim, float seed)
{
    Vector v(dim);
    for (int i = 0; i < dim; ++i) v[i] = std::sin(seed * float(i + 1)) * 0.1f;
    v[0] = v[1] = v[2] = 0.0f;
    v.normalize();
    v[0] = -0.0f;
    v[1] = std::numeric_limits<float>::denorm_min();
    v[2] = -std::numeric_limits<float>::min();
    return v;
}

bool bitIdentical(const Vector& a, const Vector& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(float) * size_t(a.size())) == 0;
}

// The entry layout the cache documents: <root>/<identity[0:16]>/<hash[0:2]>/<hash>.emb.
QString entryPath(const EmbeddingCache& cache, const QByteArray& hash)
{
    return cache.directory() + QLatin1Char('/') + QString::fromLatin1(hash.left(2)) + QLatin1Char('/') +
           QString::fromLatin1(hash) + QStringLiteral(".emb");
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A distinct little photo per index: colour and a diagonal stripe vary, so embeddings differ.
bool writePhoto(const QString& path, int index)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) return false;
    cv::Mat image(120, 160, CV_8UC3, cv::Scalar(40 * index % 256, 255 - 50 * index % 256, 90 + 30 * index % 160));
    cv::line(image, cv::Point(0, 10 * index), cv::Point(159, 119 - 10 * index), cv::Scalar(255, 255, 255), 6);
    std::vector<uchar> jpeg;
    return cv::imencode(".jpg", image, jpeg) &&
           writeFile(path, QByteArray(reinterpret_cast<const char*>(jpeg.data()), qsizetype(jpeg.size())));
}

} // namespace

class TestEmbeddingCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void storeThenFindIsBitIdentical();
    void unknownHashIsNotFound();
    void otherModelIdentityIsNotFound();
    void otherDimIsNotFound();
    void damagedEntryIsIgnoredAndRepaired_data();
    void damagedEntryIsIgnoredAndRepaired();
    void nonEmbeddingsAreNotStored_data();
    void nonEmbeddingsAreNotStored();
    void unwritableRootFailsQuietly();
    void linkedFoldersInsideTheCacheAreNotWrittenThrough();
    void defaultRootDir();
    void fingerprintsAreKeptBesideEmbeddings();
    void secondEmbedDoesNoInference();
    void cachedPhotosWithoutFingerprintsAreMeasured();
    void damagedEntryIsRecomputedAndReported();

private:
    // The cache of the real model's embeddings, under this test function's fresh root.
    EmbeddingCache cacheFor(const exemplar::Embedder& embedder) const
    {
        return EmbeddingCache(embedder.identity(), embedder.dim(), root_->filePath(QStringLiteral("cache")));
    }

    std::unique_ptr<QTemporaryDir> root_;  // fresh for every test function
};

void TestEmbeddingCache::init()
{
    root_ = std::make_unique<QTemporaryDir>();
    QVERIFY2(root_->isValid(), qPrintable(root_->errorString()));
}

void TestEmbeddingCache::storeThenFindIsBitIdentical()
{
    const EmbeddingCache cache(kIdentity, 64, root_->path());
    QVERIFY(cache.directory().startsWith(root_->path()));
    const QByteArray hash = contentHash("photo 1");
    const Vector stored = awkwardVector(64, 1.7f);
    QVERIFY(cache.store(hash, stored));
    QVERIFY(QFileInfo(entryPath(cache, hash)).isFile());

    // A second cache object on the same root (another run of the program) finds it too.
    const EmbeddingCache again(kIdentity, 64, root_->path());
    const std::optional<Vector> found = again.find(hash);
    QVERIFY(found.has_value());
    QVERIFY(bitIdentical(*found, stored));

    // Overwriting an entry replaces it.
    const Vector replaced = awkwardVector(64, 2.9f);
    QVERIFY(cache.store(hash, replaced));
    QVERIFY(bitIdentical(*cache.find(hash), replaced));
}

void TestEmbeddingCache::unknownHashIsNotFound()
{
    const EmbeddingCache cache(kIdentity, 16, root_->path());
    QVERIFY(cache.store(contentHash("photo 1"), awkwardVector(16, 1.0f)));
    QVERIFY(!cache.find(contentHash("photo 2")).has_value());
    // Same two-character fan-out folder, different name: still not found.
    QByteArray sibling = contentHash("photo 1");
    sibling[63] = sibling[63] == '0' ? '1' : '0';
    QVERIFY(!cache.find(sibling).has_value());
    // Degenerate keys are refused both ways rather than mapped to odd paths.
    QVERIFY(!cache.store(QByteArray("ab"), awkwardVector(16, 1.0f)));
    QVERIFY(!cache.find(QByteArray()).has_value());
}

void TestEmbeddingCache::otherModelIdentityIsNotFound()
{
    const QByteArray hash = contentHash("photo 1");
    const EmbeddingCache modelA(kIdentity, 16, root_->path());
    QVERIFY(modelA.store(hash, awkwardVector(16, 1.0f)));

    // A changed model (another ONNX file or preprocessing) has another identity: the old entries
    // are invisible to it, i.e. invalidated without being deleted.
    QByteArray identityB = kIdentity;
    identityB[15] = identityB[15] == 'f' ? 'e' : 'f';  // differs within the first 16 hex chars
    const EmbeddingCache modelB(identityB, 16, root_->path());
    QVERIFY(modelB.directory() != modelA.directory());
    QVERIFY(!modelB.find(hash).has_value());
    QVERIFY(modelA.find(hash).has_value());
}

void TestEmbeddingCache::otherDimIsNotFound()
{
    const QByteArray hash = contentHash("photo 1");
    QVERIFY(EmbeddingCache(kIdentity, 16, root_->path()).store(hash, awkwardVector(16, 1.0f)));
    QVERIFY(!EmbeddingCache(kIdentity, 8, root_->path()).find(hash).has_value());
    QVERIFY(!EmbeddingCache(kIdentity, 32, root_->path()).find(hash).has_value());
    // And a vector of the wrong size is not stored.
    QVERIFY(!EmbeddingCache(kIdentity, 16, root_->path()).store(contentHash("photo 2"), awkwardVector(15, 1.0f)));
}

void TestEmbeddingCache::damagedEntryIsIgnoredAndRepaired_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<bool>("reportedDamaged");  // false: an old-format entry, silently recomputed
    QTest::newRow("truncated file") << "truncate" << true;
    QTest::newRow("empty file") << "empty" << true;
    QTest::newRow("wrong magic") << "magic" << true;
    QTest::newRow("wrong dim field") << "dim" << true;
    QTest::newRow("NaN value") << "nan" << true;
    QTest::newRow("infinite value") << "inf" << true;
    QTest::newRow("trailing garbage") << "append" << true;
    // The defect of issue 13: one flipped exponent bit made a value 10^34 and was used silently.
    QTest::newRow("one flipped exponent bit") << "bitflip-exponent" << true;
    QTest::newRow("one flipped low mantissa bit") << "bitflip-mantissa" << true;
    QTest::newRow("flipped bit in the checksum") << "bitflip-checksum" << true;
    QTest::newRow("another photo's entry copied here") << "copied" << true;
    QTest::newRow("valid checksum over a non-unit vector") << "resealed-non-unit" << true;
    QTest::newRow("a FIFO instead of the entry") << "fifo" << true;
    // A link in the cache folder must never lead the repair to overwrite its target: once it
    // replaced /dev/zero with a cache entry (QSaveFile writes through links).
    QTest::newRow("a link to another file instead of the entry") << "link" << true;
    QTest::newRow("a link to nowhere instead of the entry") << "broken-link" << false;
    QTest::newRow("format 01 entry (no checksum)") << "old-format" << false;
}

void TestEmbeddingCache::damagedEntryIsIgnoredAndRepaired()
{
    QFETCH(QString, damage);
    QFETCH(bool, reportedDamaged);

    const int dim = 32;
    const EmbeddingCache cache(kIdentity, dim, root_->path());
    const QByteArray hash = contentHash("photo 1");
    const Vector good = awkwardVector(dim, 0.3f);
    QVERIFY(cache.store(hash, good));
    const QString entry = entryPath(cache, hash);
    QByteArray bytes = readFile(entry);
    const qsizetype body = 8 + 4 + 4 * dim;  // magic, dim, values; then a 32-byte checksum
    QCOMPARE(bytes.size(), body + 32);

    auto setFloat = [&](int index, float value) { std::memcpy(bytes.data() + 12 + 4 * index, &value, sizeof value); };
    auto flipBit = [&](qsizetype byte, int bit) { bytes[byte] = char(bytes[byte] ^ (1 << bit)); };
    if (damage == QLatin1String("truncate")) bytes.chop(5);
    else if (damage == QLatin1String("empty")) bytes.clear();
    else if (damage == QLatin1String("magic")) bytes[0] = 'X';
    else if (damage == QLatin1String("dim")) bytes[8] = char(dim + 1);
    else if (damage == QLatin1String("nan")) setFloat(dim / 2, std::numeric_limits<float>::quiet_NaN());
    else if (damage == QLatin1String("inf")) setFloat(dim - 1, -std::numeric_limits<float>::infinity());
    else if (damage == QLatin1String("append")) bytes += "junk";
    else if (damage == QLatin1String("bitflip-exponent")) flipBit(12 + 4 * 10 + 3, 6);  // value 10, top exponent bit
    else if (damage == QLatin1String("bitflip-mantissa")) flipBit(12 + 4 * 10, 0);
    else if (damage == QLatin1String("bitflip-checksum")) flipBit(body + 5, 3);
    else if (damage == QLatin1String("copied")) {
        const QByteArray other = contentHash("photo 2");
        QVERIFY(cache.store(other, awkwardVector(dim, 0.9f)));
        bytes = readFile(entryPath(cache, other));
    } else if (damage == QLatin1String("resealed-non-unit")) {
        setFloat(10, 3.0f);
        bytes.chop(32);
        bytes += QCryptographicHash::hash(hash + bytes, QCryptographicHash::Sha256);
    } else if (damage == QLatin1String("old-format")) {
        bytes[6] = '1';
        bytes.chop(32);
    }
    const QString victim = root_->filePath(QStringLiteral("not-the-cache.txt"));
    const QByteArray victimBytes = "a file the cache must never write\n";
    if (damage == QLatin1String("fifo")) {
        QVERIFY(QFile::remove(entry));
        QCOMPARE(::mkfifo(QFile::encodeName(entry).constData(), 0600), 0);
    } else if (damage == QLatin1String("link") || damage == QLatin1String("broken-link")) {
        QVERIFY(writeFile(victim, victimBytes));
        QVERIFY(QFile::remove(entry));
        QVERIFY(QFile::link(damage == QLatin1String("link") ? victim : victim + QStringLiteral(".gone"), entry));
    } else {
        QVERIFY(writeFile(entry, bytes));
    }

    const EmbeddingCache::Lookup lookup = cache.lookup(hash);
    QCOMPARE(lookup.status, reportedDamaged ? EmbeddingCache::Lookup::Status::Damaged
                                            : EmbeddingCache::Lookup::Status::Missing);
    QVERIFY(!cache.find(hash).has_value());
    // The caller recomputes and stores again: that repairs the entry in place (a link or FIFO is
    // replaced by a regular entry; a link's target is left as it was).
    QVERIFY(cache.store(hash, good));
    QVERIFY(!QFileInfo(entry).isSymLink());
    QVERIFY(QFileInfo(entry).isFile());
    if (damage == QLatin1String("link")) QCOMPARE(readFile(victim), victimBytes);
    if (damage == QLatin1String("broken-link")) QVERIFY(!QFileInfo::exists(victim + QStringLiteral(".gone")));
    const std::optional<Vector> found = cache.find(hash);
    QVERIFY(found.has_value());
    QVERIFY(bitIdentical(*found, good));
}

void TestEmbeddingCache::nonEmbeddingsAreNotStored_data()
{
    QTest::addColumn<float>("scale");
    QTest::newRow("twice unit length") << 2.0f;
    QTest::newRow("zero") << 0.0f;
    QTest::newRow("NaN") << std::numeric_limits<float>::quiet_NaN();
}

void TestEmbeddingCache::nonEmbeddingsAreNotStored()
{
    QFETCH(float, scale);
    const EmbeddingCache cache(kIdentity, 16, root_->path());
    const QByteArray hash = contentHash("photo 1");
    QVERIFY(!cache.store(hash, awkwardVector(16, 1.0f) * scale));
    QCOMPARE(cache.lookup(hash).status, EmbeddingCache::Lookup::Status::Missing);
}

void TestEmbeddingCache::unwritableRootFailsQuietly()
{
    // A root below a regular file cannot be created, not even by root.
    const QString file = root_->filePath(QStringLiteral("plain-file"));
    QVERIFY(writeFile(file, "x"));
    const EmbeddingCache cache(kIdentity, 8, file + QStringLiteral("/cache"));
    bool stored = true;
    try {
        stored = cache.store(contentHash("photo 1"), awkwardVector(8, 1.0f));
    } catch (...) {
        QFAIL("store threw on an unwritable root");
    }
    QVERIFY(!stored);
    QVERIFY(!cache.find(contentHash("photo 1")).has_value());
    QCOMPARE(readFile(file), QByteArray("x"));
}

// A shared cache (the README suggests one) lets another user plant a link at a shard folder or
// at projects/: entries landed wherever it pointed (/etc, in a review). Nothing is stored through
// one; the cache's own root may still be a link (a cache moved to another disk).
void TestEmbeddingCache::linkedFoldersInsideTheCacheAreNotWrittenThrough()
{
    const QString elsewhere = root_->filePath(QStringLiteral("elsewhere"));
    QVERIFY(QDir().mkpath(elsewhere));
    QVERIFY(QDir().mkpath(root_->filePath(QStringLiteral("real-root"))));
    QVERIFY(QFile::link(root_->filePath(QStringLiteral("real-root")), root_->filePath(QStringLiteral("linked-root"))));
    const EmbeddingCache cache(kIdentity, 8, root_->filePath(QStringLiteral("linked-root")));
    const QByteArray hash = contentHash("photo 1");
    const QString shard = QFileInfo(entryPath(cache, hash)).absolutePath();
    QVERIFY(QDir().mkpath(QFileInfo(shard).absolutePath()));
    QVERIFY(QFile::link(elsewhere, shard));
    QVERIFY(!cache.store(hash, awkwardVector(8, 1.0f)));
    QCOMPARE(QDir(elsewhere).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{});
    // Another photo, in a shard of its own, is stored through the linked root as before.
    QByteArray other;
    for (int i = 0; other.isEmpty() || QFileInfo(entryPath(cache, other)).absolutePath() == shard; ++i)
        other = contentHash("photo " + QByteArray::number(i + 2));
    QVERIFY(cache.store(other, awkwardVector(8, 1.0f)));

    // The project index's folder likewise.
    QVERIFY(QFile::link(elsewhere, cache.directory() + QStringLiteral("/projects")));
    exemplar::EmbeddingIndex index(cache, {root_->filePath(QStringLiteral("class"))});
    QVERIFY(!index.save());
    QCOMPARE(QDir(elsewhere).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{});
}

void TestEmbeddingCache::defaultRootDir()
{
    const QByteArray saved = qgetenv("EXEMPLAR_CACHE_DIR");
    qputenv("EXEMPLAR_CACHE_DIR", "/var/tmp/exemplar-test-cache");
    const QString fromEnvironment = EmbeddingCache::defaultRootDir();
    qunsetenv("EXEMPLAR_CACHE_DIR");
    const QString fallback = EmbeddingCache::defaultRootDir();
    if (!saved.isEmpty()) qputenv("EXEMPLAR_CACHE_DIR", saved);

    QCOMPARE(fromEnvironment, QStringLiteral("/var/tmp/exemplar-test-cache"));
    QVERIFY2(fallback.endsWith(QLatin1String("exemplar/embeddings")), qPrintable(fallback));
    QVERIFY2(QFileInfo(fallback).isAbsolute(), qPrintable(fallback));
    // The cache never lands in the source tree (this file is tests/ inside it).
    const QString sourceTree = QDir::cleanPath(QFileInfo(QStringLiteral(__FILE__)).absolutePath() + QStringLiteral("/.."));
    QVERIFY2(!QDir::cleanPath(fallback).startsWith(sourceTree + QLatin1Char('/')),
             qPrintable(fallback + QStringLiteral(" is inside ") + sourceTree));
}

// A picture's fingerprint (PictureFingerprint.h) lives beside the embedding, under the same checks.
void TestEmbeddingCache::fingerprintsAreKeptBesideEmbeddings()
{
    const EmbeddingCache cache(kIdentity, 16, root_->path());
    const QByteArray hash = contentHash("photo 1");
    QVERIFY(!cache.findFingerprint(hash).has_value());
    const exemplar::PictureFingerprint stored{0xF00DFACE12345678ull, 1.3333f};
    QVERIFY(cache.storeFingerprint(hash, stored));
    const std::optional<exemplar::PictureFingerprint> found = cache.findFingerprint(hash);
    QVERIFY(found.has_value());
    QCOMPARE(found->hash, stored.hash);
    QCOMPARE(found->aspect, stored.aspect);
    QVERIFY(!cache.find(hash).has_value());  // no embedding was stored: a fingerprint is not one

    // Another photo's name, a flipped bit, a truncation: not found (the caller measures again).
    const QString entry = cache.directory() + QLatin1Char('/') + QString::fromLatin1(hash.left(2)) + QLatin1Char('/') +
                          QString::fromLatin1(hash) + QStringLiteral(".pic");
    const QByteArray intact = readFile(entry);
    const QByteArray other = contentHash("photo 2");
    QVERIFY(QDir().mkpath(QFileInfo(entryPath(cache, other)).absolutePath()));
    QVERIFY(writeFile(QString(entry).replace(QString::fromLatin1(hash), QString::fromLatin1(other)), intact));
    QVERIFY(!cache.findFingerprint(other).has_value());
    QByteArray flipped = intact;
    flipped[9] = char(flipped[9] ^ 0x10);
    QVERIFY(writeFile(entry, flipped));
    QVERIFY(!cache.findFingerprint(hash).has_value());
    QVERIFY(writeFile(entry, intact.left(intact.size() - 1)));
    QVERIFY(!cache.findFingerprint(hash).has_value());

    // Unknown or impossible fingerprints are not stored.
    QVERIFY(!cache.storeFingerprint(hash, exemplar::PictureFingerprint{}));
    QVERIFY(!cache.storeFingerprint(hash, {1, std::numeric_limits<float>::quiet_NaN()}));
    QVERIFY(!cache.storeFingerprint(hash, {1, std::numeric_limits<float>::infinity()}));
    QVERIFY(!cache.storeFingerprint(QByteArray("ab"), stored));
}

void TestEmbeddingCache::secondEmbedDoesNoInference()
{
    EXEMPLAR_REQUIRE_MODEL();
    const exemplar::ModelSpec spec = exemplar::ModelSpec::load(exemplar::test::defaultModelSpec());
    exemplar::Embedder embedder(spec);
    const EmbeddingCache cache = cacheFor(embedder);

    QTemporaryDir photos;
    QVERIFY(photos.isValid());
    QVERIFY(writePhoto(photos.filePath(QStringLiteral("cats/1.jpg")), 1));
    QVERIFY(writePhoto(photos.filePath(QStringLiteral("cats/2.jpg")), 2));
    QVERIFY(writePhoto(photos.filePath(QStringLiteral("dogs/1.jpg")), 3));
    QVERIFY(writePhoto(photos.filePath(QStringLiteral("dogs/2.jpg")), 4));
    const exemplar::Dataset dataset = exemplar::Dataset::scan(photos.path());
    QCOMPARE(dataset.photoCount(), 4);

    exemplar::EmbedReport report;
    const exemplar::EmbeddingSet first = exemplar::embedDataset(dataset, embedder, &cache, nullptr, &report);
    QCOMPARE(report.computed, 4);
    QCOMPARE(report.fromCache, 0);
    QVERIFY(report.skipped.empty());
    QCOMPARE(first.size(), 4);
    QCOMPARE(first.dim(), spec.embeddingDim);

    // Every embedding now comes from the cache: no photo goes through the network.
    const exemplar::EmbeddingSet second = exemplar::embedDataset(dataset, embedder, &cache, nullptr, &report);
    QCOMPARE(report.computed, 0);
    QCOMPARE(report.fromCache, 4);
    QCOMPARE(second.contentHashes, first.contentHashes);
    QVERIFY(second.vectors == first.vectors);  // exact: the cache stores the float32 values
    QCOMPARE(second.fingerprints.size(), size_t(4));
    for (int row = 0; row < 4; ++row) {
        QVERIFY(first.fingerprints[size_t(row)].known());
        QCOMPARE(second.fingerprints[size_t(row)].hash, first.fingerprints[size_t(row)].hash);
    }

    // A changed photo has another content hash: only it is recomputed.
    QVERIFY(writePhoto(photos.filePath(QStringLiteral("dogs/1.jpg")), 5));
    const exemplar::EmbeddingSet third = exemplar::embedDataset(dataset, embedder, &cache, nullptr, &report);
    QCOMPARE(report.computed, 1);
    QCOMPARE(report.fromCache, 3);
    QVERIFY(third.contentHashes[2] != first.contentHashes[2]);
    for (int row : {0, 1, 3}) QVERIFY(third.vectors.row(row) == first.vectors.row(row));
    QVERIFY(third.vectors.row(2) != first.vectors.row(2));
}

// A cache (and project index) filled before fingerprints were kept: each photo is decoded once
// for its fingerprint, not run through the network, and the fingerprint is kept for next time.
void TestEmbeddingCache::cachedPhotosWithoutFingerprintsAreMeasured()
{
    EXEMPLAR_REQUIRE_MODEL();
    const exemplar::ModelSpec spec = exemplar::ModelSpec::load(exemplar::test::defaultModelSpec());
    exemplar::Embedder embedder(spec);
    const EmbeddingCache cache = cacheFor(embedder);
    QTemporaryDir photos;
    QVERIFY(photos.isValid());
    for (int i = 1; i <= 3; ++i) {
        const QString photo = photos.filePath(QStringLiteral("cats/%1.jpg").arg(i));
        QVERIFY(writePhoto(photo, i + 10));
        // Written a while ago, so that the project index trusts them (it distrusts a file written
        // within the last seconds, which may still change).
        QFile file(photo);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(QDateTime::currentDateTime().addSecs(-60), QFileDevice::FileModificationTime));
    }
    const exemplar::Dataset dataset = exemplar::Dataset::scan(photos.path());
    exemplar::EmbedReport report;
    const exemplar::EmbeddingSet first = exemplar::embedDataset(dataset, embedder, &cache, nullptr, &report);
    QCOMPARE(report.computed, 3);
    exemplar::embedDataset(dataset, embedder, &cache, nullptr, &report);
    QCOMPARE(report.hashed, 0);  // all trusted from the index, fingerprints from the cache
    for (const QString& hash : first.contentHashes) {
        const QString entry = QString(entryPath(cache, hash.toLatin1())).replace(QStringLiteral(".emb"), QStringLiteral(".pic"));
        QVERIFY2(QFile::remove(entry), qPrintable(entry));
    }
    const exemplar::EmbeddingSet second = exemplar::embedDataset(dataset, embedder, &cache, nullptr, &report);
    QCOMPARE(report.computed, 0);
    QCOMPARE(report.fromCache, 3);
    QCOMPARE(report.hashed, 3);  // the index trusted them, but each was read once more for its fingerprint
    QVERIFY(second.vectors == first.vectors);
    for (int row = 0; row < 3; ++row) {
        QVERIFY(samePicture(second.fingerprints[size_t(row)], first.fingerprints[size_t(row)]));
        QVERIFY(cache.findFingerprint(first.contentHashes[row].toLatin1()).has_value());
    }
    const exemplar::EmbeddingSet third = exemplar::embedDataset(dataset, embedder, &cache, nullptr, &report);
    QCOMPARE(report.hashed, 0);  // kept: not read again
    for (int row = 0; row < 3; ++row) QCOMPARE(third.fingerprints[size_t(row)].hash, second.fingerprints[size_t(row)].hash);
}

void TestEmbeddingCache::damagedEntryIsRecomputedAndReported()
{
    EXEMPLAR_REQUIRE_MODEL();
    const exemplar::ModelSpec spec = exemplar::ModelSpec::load(exemplar::test::defaultModelSpec());
    exemplar::Embedder embedder(spec);
    const EmbeddingCache cache = cacheFor(embedder);
    QTemporaryDir photos;
    QVERIFY(photos.isValid());
    for (int i = 1; i <= 3; ++i) QVERIFY(writePhoto(photos.filePath(QStringLiteral("cats/%1.jpg").arg(i)), i));
    const exemplar::Dataset dataset = exemplar::Dataset::scan(photos.path());
    exemplar::EmbedOptions noIndex;
    noIndex.useIndex = false;  // straight to the cache, as after a photo was touched
    exemplar::EmbedReport report;
    const exemplar::EmbeddingSet first = exemplar::embedDataset(dataset, embedder, &cache, nullptr, &report, noIndex);
    QCOMPARE(report.computed, 3);

    // One flipped exponent bit in one entry (the defect: a 10^34 value was used and audited).
    const QString entry = entryPath(cache, first.contentHashes[1].toLatin1());
    QByteArray bytes = readFile(entry);
    bytes[12 + 4 * 7 + 3] = char(bytes[12 + 4 * 7 + 3] ^ 0x40);
    QVERIFY(writeFile(entry, bytes));

    const exemplar::EmbeddingSet second = exemplar::embedDataset(dataset, embedder, &cache, nullptr, &report, noIndex);
    QCOMPARE(report.damagedCacheEntries, 1);
    QCOMPARE(report.computed, 1);
    QCOMPARE(report.fromCache, 2);
    QVERIFY2(report.warnings.join(QLatin1Char('\n')).contains(QLatin1String("damaged embedding-cache entries")),
             qPrintable(report.warnings.join(QLatin1Char('\n'))));
    QVERIFY((second.vectors - first.vectors).cwiseAbs().maxCoeff() < 1e-4f);

    // Replaced: the next run finds all three intact.
    exemplar::embedDataset(dataset, embedder, &cache, nullptr, &report, noIndex);
    QCOMPARE(report.damagedCacheEntries, 0);
    QCOMPARE(report.fromCache, 3);
}

QTEST_GUILESS_MAIN(TestEmbeddingCache)
#include "tst_embeddingcache.moc"
