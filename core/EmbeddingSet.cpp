#include "EmbeddingSet.h"

#include "Embedder.h"
#include "EmbeddingCache.h"
#include "Error.h"
#include "Feedback.h"
#include "ImageDecoder.h"

#include <QFileInfo>

namespace exemplar {

std::vector<int> EmbeddingSet::countsPerClass() const
{
    std::vector<int> counts(size_t(classCount()), 0);
    for (int label : labels) ++counts[size_t(label)];
    return counts;
}

EmbeddingSet EmbeddingSet::subset(const std::vector<int>& rows) const
{
    EmbeddingSet result;
    result.classNames = classNames;
    result.vectors.resize(Eigen::Index(rows.size()), vectors.cols());
    result.labels.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        const int row = rows[i];
        result.vectors.row(Eigen::Index(i)) = vectors.row(row);
        result.labels.push_back(labels[size_t(row)]);
        if (!paths.isEmpty()) result.paths << paths[row];
        if (!contentHashes.isEmpty()) result.contentHashes << contentHashes[row];
    }
    return result;
}

EmbeddingSet embedDataset(const Dataset& dataset, Embedder& embedder, const EmbeddingCache* cache,
                          Feedback* feedback, EmbedReport* report)
{
    EmbedReport localReport;
    EmbedReport& out = report ? *report : localReport;
    out = EmbedReport{};

    const int total = dataset.photoCount();
    std::vector<Vector> rows;
    rows.reserve(size_t(total));
    EmbeddingSet set;
    set.classNames = dataset.classNames;

    for (int i = 0; i < total; ++i) {
        throwIfCanceled(feedback);
        const Photo& photo = dataset.photos[size_t(i)];
        reportProgress(feedback, i, total, QFileInfo(photo.path).fileName());

        const PhotoBytes bytes = readPhotoBytes(photo.path);
        if (!bytes.ok()) {
            out.skipped.push_back({photo.path, bytes.error});
            continue;
        }
        std::optional<Vector> embedding = cache ? cache->find(bytes.sha256Hex) : std::nullopt;
        if (embedding) {
            ++out.fromCache;
        } else {
            const DecodedPhoto decoded = decodePhoto(bytes.data);
            if (!decoded.ok()) {
                out.skipped.push_back({photo.path, decoded.error});
                continue;
            }
            embedding = embedder.embed(decoded.bgr);
            ++out.computed;
            if (cache) cache->store(bytes.sha256Hex, *embedding);
        }
        rows.push_back(std::move(*embedding));
        set.labels.push_back(photo.classIndex);
        set.paths << photo.path;
        set.contentHashes << QString::fromLatin1(bytes.sha256Hex);
    }
    reportProgress(feedback, total, total, QString());

    set.vectors.resize(Eigen::Index(rows.size()), embedder.dim());
    for (size_t i = 0; i < rows.size(); ++i) set.vectors.row(Eigen::Index(i)) = rows[i].transpose();
    return set;
}

} // namespace exemplar
