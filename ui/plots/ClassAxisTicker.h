#pragma once
// Class names as an axis' tick labels, thinned to what fits: of hundreds of classes only every
// k-th name is drawn, k chosen from the axis' current pixel length, the tick label font and the
// label rotation so that no two drawn labels overlap. Zooming re-thins (the ticker runs on every
// replot), and the axis rect keeps enough margin that the outermost label is never cut at the
// widget's edge (QCustomPlot silently drops a label that would be). Names lose their middle to
// stay within a share of the plot (kNameShareOfPlot), so that a small plot is not all names: at
// 1024×600 with 200 classes long names left the confusion matrix 145×95 pixels.
#include "plots/QCustomPlotInclude.h"

#include <QPointer>

namespace exemplar::ui {

class ClassAxisTicker : public QCPAxisTickerText {
public:
    // PREFERRED: the label rotation used while every name fits; when they do not, a horizontal
    // axis turns its names upright (−90°), where they need the least room, if that shows more.
    ClassAxisTicker(QCPAxis* axis, double preferredRotation);

    // The share of the plot's extent across the axis that the names may take at most, unless that
    // leaves fewer than about 18 average characters (ClassAxisTicker.cpp, kShortestName).
    static constexpr double kNameShareOfPlot = 0.3;

    // One tick per class at POSITIONS, named NAMES (in full: elided as the plot's size asks).
    void setClassNames(const QVector<double>& positions, const QStringList& names);
    // The ticks of every class, before thinning (position → name as drawn).
    const QMap<double, QString>& allTicks() const { return mTicks; }
    // The pixel spacing two neighbouring labels need along the axis.
    double requiredSpacing(const QString& a, const QString& b) const;
    // After QCustomPlot's layout: true when the axis length changed since the ticks were thinned
    // (the ticker runs before the layout), so that one more replot thins for the final size.
    // A bounded number of passes in a row, in case new margins and new labels keep trading places.
    bool wantsAnotherPass();

protected:
    QVector<double> createTickVector(double tickStep, const QCPRange& range) override;

private:
    QVector<double> thinned(const QCPRange& range) const;
    int classesIn(const QCPRange& range) const;
    void reserveMargins(const QVector<double>& ticks) const;
    void fitNamesToPlot();
    double axisLength() const;

    QPointer<QCPAxis> axis_;
    QMap<double, QString> fullNames_;
    double preferredRotation_ = 0;
    double thinnedAtLength_ = -1;
    int passesInARow_ = 0;
    QSize passesAtSize_;
};

} // namespace exemplar::ui
