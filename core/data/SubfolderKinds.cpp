#include "SubfolderKinds.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>

namespace exemplar {

SubfolderKinds subfolderKinds(const QStringList& paths, const QStringList& roots)
{
    SubfolderKinds result;
    result.kinds.reserve(size_t(paths.size()));
    QStringList cleanRoots;
    for (const QString& root : roots) cleanRoots << QDir::cleanPath(QFileInfo(root).absoluteFilePath());
    QHash<QString, int> indexOf;
    for (const QString& path : paths) {
        const QString clean = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
        int kind = -1;
        for (int r = 0; r < cleanRoots.size(); ++r) {
            const QString& root = cleanRoots[r];
            if (!clean.startsWith(root + QLatin1Char('/'))) continue;
            const QString relative = clean.mid(root.size() + 1);
            const int slash = relative.indexOf(QLatin1Char('/'));
            if (slash > 0) {
                const QString name = QFileInfo(root).fileName() + QLatin1Char('/') + relative.left(slash);
                const QString key = QString::number(r) + QLatin1Char('/') + relative.left(slash);
                const auto found = indexOf.constFind(key);
                if (found != indexOf.constEnd()) {
                    kind = found.value();
                } else {
                    kind = int(result.names.size());
                    indexOf.insert(key, kind);
                    result.names << name;
                }
            }
            break;
        }
        result.kinds.push_back(kind);
    }
    return result;
}

std::vector<int> photosOfKindsNotNamedAsClasses(const SubfolderKinds& kinds, const QStringList& classNames,
                                                QStringList* leftOut)
{
    std::vector<bool> namedAsClass(size_t(kinds.names.size()), false);
    for (int k = 0; k < kinds.names.size(); ++k) {
        const QString subfolder = kinds.names[k].section(QLatin1Char('/'), -1);
        namedAsClass[size_t(k)] = classNames.contains(subfolder, Qt::CaseInsensitive);
        if (namedAsClass[size_t(k)] && leftOut) *leftOut << kinds.names[k];
    }
    std::vector<int> rows;
    for (size_t i = 0; i < kinds.kinds.size(); ++i)
        if (kinds.kinds[i] < 0 || !namedAsClass[size_t(kinds.kinds[i])]) rows.push_back(int(i));
    return rows;
}

} // namespace exemplar
