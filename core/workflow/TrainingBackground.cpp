#include "TrainingBackground.h"

#include <memory>

namespace exemplar {

void setTrainingBackground(TrainingOptions* options, const EmbeddingSet& background, const SubfolderKinds& kinds,
                           const QStringList& classNames, const std::vector<int>* candidates,
                           QStringList* namedAsClasses)
{
    // Photos without a kind (directly in the folder, or no kinds at all) always stay.
    std::vector<bool> allowed(size_t(background.size()), true);
    if (!kinds.kinds.empty()) {
        std::fill(allowed.begin(), allowed.end(), false);
        for (int row : photosOfKindsNotNamedAsClasses(kinds, classNames, namedAsClasses))
            if (row < background.size()) allowed[size_t(row)] = true;
    }
    std::vector<int> rows;
    if (candidates) {
        for (int row : *candidates)
            if (row >= 0 && row < background.size() && allowed[size_t(row)]) rows.push_back(row);
    } else {
        for (int row = 0; row < background.size(); ++row)
            if (allowed[size_t(row)]) rows.push_back(row);
    }
    options->whiteningBackground = std::make_shared<const Matrix>(background.subset(rows).vectors);
    auto rowKinds = std::make_shared<std::vector<int>>();
    rowKinds->reserve(rows.size());
    for (int row : rows) rowKinds->push_back(size_t(row) < kinds.kinds.size() ? kinds.kinds[size_t(row)] : -1);
    options->whiteningBackgroundKinds = std::move(rowKinds);
}

QString backgroundKindsNamedAsClassesWarning(const QStringList& namedAsClasses)
{
    if (namedAsClasses.isEmpty()) return {};
    const QString shown = namedAsClasses.size() <= 3
                              ? namedAsClasses.join(QStringLiteral(", "))
                              : namedAsClasses.mid(0, 3).join(QStringLiteral(", ")) + QStringLiteral(", …");
    return QStringLiteral("%1 of the background's subfolders named as classes (%2) were left out: a background holds "
                          "other things of the same kind, and photos of a class (a copy or crop of a test photo among "
                          "them) would inflate the figures")
        .arg(namedAsClasses.size())
        .arg(shown);
}

} // namespace exemplar
