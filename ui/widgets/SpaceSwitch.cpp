#include "widgets/SpaceSwitch.h"

#include "controller/ProjectController.h"

namespace exemplar::ui {

SpaceSwitch::SpaceSwitch(ProjectController* controller, QWidget* parent) : QComboBox(parent), controller_(controller)
{
    setObjectName(QStringLiteral("similaritySpace"));
    addItem(tr("Raw cosine"), int(SimilaritySpace::Raw));
    addItem(tr("As the classifier sees it"), int(SimilaritySpace::Trained));
    connect(this, &QComboBox::activated, this, [this](int index) {
        controller_->setSimilaritySpace(SimilaritySpace(itemData(index).toInt()));
    });
    connect(controller_, &ProjectController::similaritySpaceChanged, this, &SpaceSwitch::sync);
    connect(controller_, &ProjectController::activeReferenceSetChanged, this, &SpaceSwitch::sync);
    connect(controller_, &ProjectController::embeddingsChanged, this, &SpaceSwitch::sync);
    sync();
}

void SpaceSwitch::sync()
{
    const QString unavailable = controller_->trainedSpaceUnavailable();
    // Unavailable: the views draw raw cosine, so the switch says so (the choice itself is kept).
    setCurrentIndex(findData(int(unavailable.isEmpty() ? controller_->similaritySpace() : SimilaritySpace::Raw)));
    setEnabled(unavailable.isEmpty());
    setToolTip(unavailable.isEmpty()
                   ? tr("Raw cosine of the embeddings, or cosine in the space the trained set's classifier scores "
                        "in (its whitening or centering): classes it separates separate here too")
                   : unavailable);
}

} // namespace exemplar::ui
