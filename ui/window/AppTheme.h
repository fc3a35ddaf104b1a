#pragma once
// Light and dark palettes (Fusion style, so that both look the same on every desktop), or the
// platform's own. Plots follow through their palette-change handling.
#include <QString>

namespace exemplar::ui {

enum class AppTheme { System, Light, Dark };

QString appThemeName(AppTheme theme);  // "system", "light", "dark"
AppTheme appThemeFromName(const QString& name);
void applyAppTheme(AppTheme theme);

} // namespace exemplar::ui
