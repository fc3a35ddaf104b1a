#include "ClassifyPhoto.h"

#include "Embedder.h"
#include "ImageDecoder.h"
#include "ModelSpec.h"

namespace exemplar {

PhotoVerdict classifyPhotoFile(const QString& path, const ReferenceHead& head, Embedder& embedder)
{
    PhotoVerdict verdict;
    const PhotoBytes bytes = readPhotoBytes(path);
    if (!bytes.ok()) {
        verdict.error = bytes.error;
        return verdict;
    }
    const cv::Size networkInput(embedder.spec().inputWidth, embedder.spec().inputHeight);
    const DecodedPhoto decoded = decodePhoto(bytes.data, networkInput);
    if (!decoded.ok()) {
        verdict.error = decoded.error;
        return verdict;
    }
    verdict.prediction = head.predict(embedder.embed(decoded.bgr));
    return verdict;
}

} // namespace exemplar
