#include "views/PairDialog.h"

#include "thumbnails/ThumbnailCache.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace exemplar::ui {

namespace {
QWidget* photoPanel(const QString& path, const QString& className, QWidget* parent)
{
    auto* panel = new QWidget(parent);
    auto* layout = new QVBoxLayout(panel);
    auto* image = new QLabel(panel);
    const qreal ratio = parent->devicePixelRatioF();
    QPixmap pixmap = QPixmap::fromImage(ThumbnailCache::loadScaled(path, int(420 * ratio)));
    pixmap.setDevicePixelRatio(ratio);
    image->setPixmap(pixmap);
    image->setAlignment(Qt::AlignCenter);
    image->setMinimumSize(420, 320);
    auto* caption = new QLabel(QStringLiteral("<b>%1</b><br>%2").arg(className.toHtmlEscaped(),
                                                                    QFileInfo(path).fileName().toHtmlEscaped()), panel);
    caption->setToolTip(path);
    caption->setAlignment(Qt::AlignCenter);
    layout->addWidget(image, 1);
    layout->addWidget(caption);
    return panel;
}
} // namespace

PairDialog::PairDialog(const QString& pathA, const QString& classA, const QString& pathB, const QString& classB,
                       double cosine, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Photo pair: cosine %1").arg(cosine, 0, 'f', 3));
    setAttribute(Qt::WA_DeleteOnClose);
    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    row->addWidget(photoPanel(pathA, classA, this));
    row->addWidget(photoPanel(pathB, classB, this));
    layout->addLayout(row);
    auto* verdict = new QLabel(tr("Cosine similarity of the embeddings: <b>%1</b>").arg(cosine, 0, 'f', 3), this);
    verdict->setAlignment(Qt::AlignCenter);
    layout->addWidget(verdict);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace exemplar::ui
