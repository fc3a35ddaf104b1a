#include "window/SettingsFiles.h"

#include "RegularFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace exemplar::ui {

QString unusableSettingsFile()
{
    // Qt's native format on Unix: ORGANIZATION/APPLICATION.conf and ORGANIZATION.conf in the
    // user's configuration folder, then in each system one (XDG_CONFIG_HOME, XDG_CONFIG_DIRS).
    const QString organization = QCoreApplication::organizationName();
    const QString application = QCoreApplication::applicationName();
    for (const QString& folder : QStandardPaths::standardLocations(QStandardPaths::GenericConfigLocation))
        for (const QString& name : {organization + QLatin1Char('/') + application + QStringLiteral(".conf"),
                                    organization + QStringLiteral(".conf")}) {
            const QString path = QDir(folder).filePath(name);
            if (const QString kind = nonRegularKind(path); !kind.isEmpty())
                return QStringLiteral("%1 is %2").arg(QDir::toNativeSeparators(path), kind);
        }
    return {};
}

void keepSettingsIn(const QString& folder)
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, folder);
    QSettings::setPath(QSettings::IniFormat, QSettings::SystemScope, folder);
}

} // namespace exemplar::ui
