#pragma once
// Generators of bad input, shared by the GUI's bad-input test (and usable by the CLI's): photos
// that are broken in the ways real folders hold them, and reference sets that must be refused.
// Everything is made at run time in a temporary folder; nothing is checked in.
#include "ReferenceSetFile.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace exemplar::test {

// Rows (columns "file", "reason") for the broken photos every front end must skip with a reason:
// corrupt.jpg, truncated.png, zero.jpg, text.jpg, bomb.png (30000×30000) and the symlink loop
// loop-a.jpg ↔ loop-b.jpg, which writeBrokenPhotos() writes into a test's folder.
inline void addBrokenPhotoRows()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("reason");
    QTest::newRow("corrupt JPEG") << "corrupt.jpg" << "not a readable image";
    QTest::newRow("truncated PNG") << "truncated.png" << "not a readable image";
    QTest::newRow("zero-byte file") << "zero.jpg" << "empty file";
    QTest::newRow("text renamed .jpg") << "text.jpg" << "not a readable image";
    QTest::newRow("30000×30000 PNG bomb") << "bomb.png" << "image too large (30000×30000";
    QTest::newRow("symlink loop") << "loop-a.jpg" << "symbolic link";
}

// Rows (columns "kind", "phrase") for the reference sets every front end must refuse, and the
// phrase its message must contain.
inline void addBadReferenceSetRows()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("phrase");
    QTest::newRow("made with another model") << "other-model" << "made with model some-other-model";
    QTest::newRow("newer format version")
        << "newer" << QStringLiteral("written by a newer Exemplar (format version %1").arg(exemplar::kReferenceSetFormatVersion + 1);
    QTest::newRow("truncated file") << "truncated" << "is damaged";
    QTest::newRow("zero-byte file") << "empty" << "is damaged (the file is empty)";
}

inline bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// A small synthetic photo, different for every SEED, encoded by EXTENSION (".jpg", ".png").
inline QByteArray syntheticPhoto(int seed, const char* extension)
{
    cv::Mat image(240, 320, CV_8UC3, cv::Scalar(40 * (seed % 6), 200 - 30 * (seed % 5), 90 + 20 * (seed % 7)));
    cv::circle(image, cv::Point(80 + 17 * seed % 160, 120), 30 + 7 * (seed % 5), cv::Scalar(255, 255, 255), -1);
    cv::rectangle(image, cv::Rect(10 + seed % 40, 10, 60, 40 + seed % 60), cv::Scalar(0, 0, 0), -1);
    std::vector<uchar> bytes;
    cv::imencode(extension, image, bytes);
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
}

// A JPEG whose signature is kept but whose headers are overwritten: decoders must give up.
inline QByteArray corruptJpeg(int seed)
{
    QByteArray jpeg = syntheticPhoto(seed, ".jpg");
    for (int i = 2; i < std::min<int>(600, int(jpeg.size())); ++i) jpeg[i] = char(0xA5);
    return jpeg;
}

inline QByteArray truncatedPng(int seed)
{
    const QByteArray png = syntheticPhoto(seed, ".png");
    return png.left(png.size() / 3);
}

// CRC-32 as PNG chunks use it (ISO-HDLC), bit by bit: a few bytes only, no zlib needed.
inline quint32 pngCrc(const QByteArray& bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (char byte : bytes) {
        crc ^= quint8(byte);
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
}

// A tiny valid PNG whose header claims SIDE×SIDE pixels (CRC recomputed, so it is well formed up
// to the pixel data): a decoder that trusts the header would allocate SIDE²×3 bytes.
inline QByteArray headerPatchedPngBomb(quint32 side)
{
    QByteArray png = syntheticPhoto(1, ".png");
    // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), 5 more bytes, CRC (4).
    for (int i = 0; i < 4; ++i) {
        png[16 + i] = char((side >> (24 - 8 * i)) & 0xFF);
        png[20 + i] = char((side >> (24 - 8 * i)) & 0xFF);
    }
    const quint32 crc = pngCrc(png.mid(12, 17));
    for (int i = 0; i < 4; ++i) png[29 + i] = char((crc >> (24 - 8 * i)) & 0xFF);
    return png;
}

// Writes the files of addBrokenPhotoRows() into FOLDER (which must exist): false if one could not
// be written.
inline bool writeBrokenPhotos(const QString& folder)
{
    const QString at = folder + QLatin1Char('/');
    return writeBytes(at + QStringLiteral("corrupt.jpg"), corruptJpeg(30)) &&
           writeBytes(at + QStringLiteral("truncated.png"), truncatedPng(31)) &&
           writeBytes(at + QStringLiteral("zero.jpg"), QByteArray()) &&
           writeBytes(at + QStringLiteral("text.jpg"), "These are my holiday notes, not a photo.\n") &&
           writeBytes(at + QStringLiteral("bomb.png"), headerPatchedPngBomb(30000)) &&
           QFile::link(at + QStringLiteral("loop-b.jpg"), at + QStringLiteral("loop-a.jpg")) &&
           QFile::link(at + QStringLiteral("loop-a.jpg"), at + QStringLiteral("loop-b.jpg"));
}

// A well-formed reference set of DIM-dimensional references made with a model that is not ours.
inline ReferenceSet referenceSetFromAnotherModel(int dim)
{
    ReferenceSet set;
    set.modelName = QStringLiteral("some-other-model");
    set.modelSha256 = QString(64, QLatin1Char('0'));
    set.method = QStringLiteral("all");
    ReferenceHead& head = set.head;
    head.classNames = QStringList{QStringLiteral("a"), QStringLiteral("b")};
    head.references = Matrix::Random(2, dim).rowwise().normalized();
    head.bias = Vector::Zero(2);
    head.referenceClass = {0, 1};
    head.referenceInfo = {{QStringLiteral("a.jpg"), QString()}, {QStringLiteral("b.jpg"), QString()}};
    return set;
}

} // namespace exemplar::test
