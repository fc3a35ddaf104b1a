#pragma once
// Photo thumbnails decoded off the GUI thread (one pool thread: the worker has the other core)
// and kept in a bounded in-memory cache. Views ask for a pixmap; when it is not ready yet they get
// a null pixmap and a thumbnailReady signal later.
#include <QCache>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QPixmap>
#include <QSet>
#include <QThreadPool>

namespace exemplar::ui {

class ThumbnailCache : public QObject {
    Q_OBJECT

public:
    explicit ThumbnailCache(QObject* parent = nullptr);
    ~ThumbnailCache() override;

    static constexpr int kEdge = 160;  // longest side in device-independent pixels

    QPixmap thumbnail(const QString& path);
    // Any thread: the photo scaled to fit EDGE (EXIF orientation applied); null if unreadable.
    static QImage loadScaled(const QString& path, int edge);
    void waitForIdle();  // for tests and screenshots
    // Whether the photo at PATH could not be read for its thumbnail (gone, or not a photo any more).
    bool hasFailed(const QString& path) const { return failed_.contains(path); }
    // Whether it failed because it was no longer there (looked at on the loading thread, so that a
    // hung network mount never stops the window).
    bool wasGone(const QString& path) const { return failed_.value(path, false); }
    // Tries the photos that failed again on the next request: their folders have been read again,
    // and a photo put back is shown.
    void retryFailed() { failed_.clear(); }

Q_SIGNALS:
    void thumbnailReady(const QString& path);
    void thumbnailFailed(const QString& path);

private:
    QCache<QString, QPixmap> cache_;
    QSet<QString> pending_;
    QHash<QString, bool> failed_;  // path → gone from disk when it failed
    QThreadPool pool_;
};

} // namespace exemplar::ui
