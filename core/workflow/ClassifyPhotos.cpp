#include "ClassifyPhotos.h"

#include "EmbedDataset.h"

namespace exemplar {

void classifyPhotoFiles(const QStringList& paths, const ReferenceHead& head, Embedder& embedder,
                        const EmbeddingCache* cache, Feedback* feedback,
                        const std::function<void(int index, const PhotoVerdict& verdict)>& onVerdict)
{
    if (paths.isEmpty()) return;
    // The photos as one class of a dataset: the pipeline reads them as it reads a project's.
    Dataset photos;
    photos.classNames = QStringList{QStringLiteral("photos")};
    photos.photos.reserve(size_t(paths.size()));
    for (const QString& path : paths) photos.photos.push_back({path, 0});
    EmbedOptions options;
    options.useIndex = false;  // the index remembers a project's class folders; a list of photos has none
    options.onPhoto = [&](const EmbeddedPhoto& photo) {
        PhotoVerdict verdict;
        verdict.error = photo.skipReason;
        if (photo.ok) verdict.prediction = head.predict(photo.embedding);
        onVerdict(photo.photoIndex, verdict);
    };
    EmbedReport report;
    embedDataset(photos, embedder, cache, feedback, &report, options);
}

} // namespace exemplar
