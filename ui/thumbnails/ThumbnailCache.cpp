#include "thumbnails/ThumbnailCache.h"

#include "ImageDecoder.h"

#include <QFileInfo>
#include <QGuiApplication>
#include <QImageReader>
#include <QMetaObject>
#include <QPointer>
#include <opencv2/imgproc.hpp>

namespace exemplar::ui {

ThumbnailCache::ThumbnailCache(QObject* parent) : QObject(parent), cache_(3000)
{
    pool_.setMaxThreadCount(1);
}

ThumbnailCache::~ThumbnailCache()
{
    pool_.clear();
    pool_.waitForDone();
}

QImage ThumbnailCache::loadScaled(const QString& path, int edge)
{
    // Qt's readers decode JPEG at reduced size directly, which is much faster than decoding the
    // whole photo; formats Qt lacks (e.g. WebP without the plugin, HEIC and AVIF) go through the
    // core's decoder, which reduces too (a HEIF file's own thumbnail when it is large enough).
    QImageReader reader(path);
    reader.setAutoTransform(true);
    QSize size = reader.size();
    if (size.isValid()) {
        reader.setScaledSize(size.scaled(edge, edge, Qt::KeepAspectRatio));
        QImage image = reader.read();
        if (!image.isNull()) return image;
    }
    const PhotoBytes bytes = readPhotoBytes(path);
    if (!bytes.ok()) return {};
    const DecodedPhoto photo = decodePhoto(bytes.data, cv::Size(edge, edge));
    if (!photo.ok()) return {};
    const QSize scaled = QSize(photo.bgr.cols, photo.bgr.rows).scaled(edge, edge, Qt::KeepAspectRatio);
    cv::Mat small, rgb;
    cv::resize(photo.bgr, small, cv::Size(std::max(1, scaled.width()), std::max(1, scaled.height())), 0, 0, cv::INTER_AREA);
    cv::cvtColor(small, rgb, cv::COLOR_BGR2RGB);
    return QImage(rgb.data, rgb.cols, rgb.rows, int(rgb.step), QImage::Format_RGB888).copy();
}

QPixmap ThumbnailCache::thumbnail(const QString& path)
{
    if (QPixmap* cached = cache_.object(path)) return *cached;
    if (pending_.contains(path) || failed_.contains(path)) return {};
    pending_.insert(path);
    const qreal ratio = qApp ? qApp->devicePixelRatio() : 1.0;  // HiDPI: decode at device pixels
    QPointer<ThumbnailCache> self(this);
    pool_.start([self, path, ratio] {
        const QImage image = loadScaled(path, int(kEdge * ratio));
        const bool gone = image.isNull() && !QFileInfo::exists(path);
        if (!self) return;
        QMetaObject::invokeMethod(self, [self, path, image, ratio, gone] {
            if (!self) return;
            self->pending_.remove(path);
            if (image.isNull()) {
                self->failed_.insert(path, gone);
                Q_EMIT self->thumbnailFailed(path);
                return;
            }
            QPixmap pixmap = QPixmap::fromImage(image);
            pixmap.setDevicePixelRatio(ratio);
            self->cache_.insert(path, new QPixmap(pixmap));
            Q_EMIT self->thumbnailReady(path);
        }, Qt::QueuedConnection);
    });
    return {};
}

void ThumbnailCache::waitForIdle() { pool_.waitForDone(); }

} // namespace exemplar::ui
