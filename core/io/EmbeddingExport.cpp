#include "EmbeddingExport.h"

#include "AtomicFile.h"
#include "NpyFile.h"

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

} // namespace

QString embeddingCsvPath(const QString& npyPath)
{
    return npyPath.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive) ? npyPath.chopped(4) + QStringLiteral(".csv")
                                                                         : npyPath + QStringLiteral(".csv");
}

void exportEmbeddings(const EmbeddingSet& set, const QString& npyPath)
{
    QString csv = QStringLiteral("row,file,class,sha256\n");
    for (int i = 0; i < set.size(); ++i)
        csv += QStringLiteral("%1,%2,%3,%4\n")
                   .arg(i)
                   .arg(csvField(set.paths[i]), csvField(set.classNames[set.labels[size_t(i)]]), set.contentHashes[i]);
    // Together: a new .npy beside the old .csv would name its rows wrongly.
    writeFilesAtomically({{npyPath, npyFloat32(set.vectors)}, {embeddingCsvPath(npyPath), csv.toUtf8()}});
}

} // namespace exemplar
