#pragma once
// qcustomplot.h uses the Qt keywords `signals`, `slots` and `foreach`, which this project switches
// off (QT_NO_KEYWORDS, so that Qt and other libraries never clash on them). Map the keywords for
// this one header only; every UI file includes QCustomPlot through here.
#ifndef signals
#define signals Q_SIGNALS
#define EXEMPLAR_QCP_UNDEF_SIGNALS
#endif
#ifndef slots
#define slots Q_SLOTS
#define EXEMPLAR_QCP_UNDEF_SLOTS
#endif
#ifndef foreach
#define foreach Q_FOREACH
#define EXEMPLAR_QCP_UNDEF_FOREACH
#endif
#include <qcustomplot.h>
#ifdef EXEMPLAR_QCP_UNDEF_FOREACH
#undef foreach
#undef EXEMPLAR_QCP_UNDEF_FOREACH
#endif
#ifdef EXEMPLAR_QCP_UNDEF_SIGNALS
#undef signals
#undef EXEMPLAR_QCP_UNDEF_SIGNALS
#endif
#ifdef EXEMPLAR_QCP_UNDEF_SLOTS
#undef slots
#undef EXEMPLAR_QCP_UNDEF_SLOTS
#endif
