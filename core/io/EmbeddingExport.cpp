#include "EmbeddingExport.h"

#include "AtomicFile.h"
#include "Error.h"
#include "NpyFile.h"
#include "RegularFile.h"

#include <QDir>

namespace exemplar {

namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
QString csvField(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')) &&
        !text.contains(QLatin1Char('\r')))
        return text;
    return QLatin1Char('"') + QString(text).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
}

const char kCsvHeader[] = "row,file,class,sha256\n";

bool startsLikeNpy(const QByteArray& firstBytes) { return firstBytes.startsWith("\x93NUMPY"); }
bool startsLikeEmbeddingCsv(const QByteArray& firstBytes) { return firstBytes.startsWith(kCsvHeader); }

} // namespace

void refuseUnsuitableEmbeddingOutput(const QString& npyPath)
{
    if (!npyPath.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive))
        throw Error(QStringLiteral("the embeddings' file must end in .npy (got %1; the .csv is written beside it)")
                        .arg(QDir::toNativeSeparators(npyPath)));
    refuseToReplaceAnotherKind(npyPath, QStringLiteral("a NumPy array"), startsLikeNpy);
    refuseToReplaceAnotherKind(embeddingCsvPath(npyPath), QStringLiteral("a CSV of embeddings"), startsLikeEmbeddingCsv);
    refuseUnwritableDestination(npyPath);
}

QString embeddingCsvPath(const QString& npyPath)
{
    return npyPath.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive) ? npyPath.chopped(4) + QStringLiteral(".csv")
                                                                         : npyPath + QStringLiteral(".csv");  // refused above
}

void exportEmbeddings(const EmbeddingSet& set, const QString& npyPath)
{
    refuseUnsuitableEmbeddingOutput(npyPath);  // again: the files may have appeared since
    QString csv = QString::fromLatin1(kCsvHeader);
    for (int i = 0; i < set.size(); ++i)
        csv += QStringLiteral("%1,%2,%3,%4\n")
                   .arg(i)
                   .arg(csvField(set.paths[i]), csvField(set.classNames[set.labels[size_t(i)]]), set.contentHashes[i]);
    // Together: a new .npy beside the old .csv would name its rows wrongly.
    writeFilesAtomically({{npyPath, npyFloat32(set.vectors)}, {embeddingCsvPath(npyPath), csv.toUtf8()}});
}

} // namespace exemplar
