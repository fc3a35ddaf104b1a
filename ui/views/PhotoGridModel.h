#pragma once
// The photos of one class as the photo grid shows them, handed to the view a batch at a time
// (canFetchMore/fetchMore): selecting a class of 5,000 photos lists only what the window can show,
// and more rows arrive as the user scrolls. Thumbnails are asked for only when the view paints a
// row, so they stream in for the visible photos first. The model reads the controller's state;
// the grid view decides what it lists (setPhotos).
#include <QAbstractListModel>
#include <QHash>
#include <QIcon>
#include <QPalette>
#include <QString>
#include <vector>

namespace exemplar::ui {

class ProjectController;

enum class PhotoState { Training, Kept, HeldOut, NotEmbedded, Excluded, Skipped };

struct GridPhoto {
    QString path;
    PhotoState state = PhotoState::Training;
    QString reason;              // why it was skipped
    bool suspect = false;        // flagged by the audit (core/analysis/Audit.h)
    QString suspectReasons;      // "likely mislabeled, outlier"
    QString suspectExplanation;
};

class PhotoGridModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role { PathRole = Qt::UserRole, StateRole, SuspectRole };
    static constexpr int kBatch = 200;  // rows handed to the view per fetchMore

    explicit PhotoGridModel(ProjectController* controller, QObject* parent = nullptr);

    void setPhotos(std::vector<GridPhoto> photos);  // resets the model; nothing is fetched yet
    int photoCount() const { return int(photos_.size()); }  // all of them, fetched or not
    const GridPhoto& photo(int index) const { return photos_[size_t(index)]; }
    int indexOfPath(const QString& path) const { return indexOfPath_.value(path, -1); }
    // Makes row INDEX available to the view (fetching the batches before it).
    void fetchUpTo(int index);
    QString text(int index) const;
    QString toolTip(int index) const;
    void setPalette(const QPalette& palette);  // placeholders follow the view's palette

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

private:
    void thumbnailReady(const QString& path);  // or failed: either way the row is drawn anew
    QIcon icon(int index) const;
    // Why PHOTO's thumbnail cannot be shown (deleted since its folder was read, or unreadable
    // now), or empty.
    QString unreadableText(const GridPhoto& photo) const;

    ProjectController* controller_;
    std::vector<GridPhoto> photos_;
    QHash<QString, int> indexOfPath_;
    int fetched_ = 0;
    mutable QHash<int, QIcon> icons_;  // thumbnails (with their badge) of rows painted so far
    QIcon placeholder_, broken_;
    QPalette palette_;
};

} // namespace exemplar::ui
