// `exemplar`: the desktop application. Arguments: an optional project file (.exemplar) to open,
// or class folders to add; --unlabeled DIR adds a folder of photos without a class.
#include "ImageDecoder.h"
#include "controller/ProjectController.h"
#include "window/AppTheme.h"
#include "window/MainWindow.h"
#include "window/SettingsFiles.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryDir>
#include <csignal>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Exemplar"));
    QApplication::setApplicationName(QStringLiteral("Exemplar"));
    QApplication::setApplicationVersion(QStringLiteral(EXEMPLAR_VERSION));
    exemplar::quietDecoderWarnings();
    // A write past the file-size limit (`ulimit -f`) fails with EFBIG and is reported like a full
    // disk, the earlier file kept, instead of the signal killing the process with unsaved work.
    std::signal(SIGXFSZ, SIG_IGN);
    QApplication::setApplicationDisplayName(QStringLiteral("Exemplar"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Build an image classifier from a dozen labeled photos per class."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("PATH"),
                                 QStringLiteral("A project (.exemplar) to open, or class folders to add."),
                                 QStringLiteral("[PATH...]"));
    parser.addOption({QStringLiteral("unlabeled"), QStringLiteral("Add a folder of photos without a class (repeatable)."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("background"),
                      QStringLiteral("Add a folder of photos of other things of the same kind as the classes, never a "
                                     "class: the whitened methods' whitening learns from them (repeatable)."),
                      QStringLiteral("DIR")});
    parser.process(app);

    // Before the first QSettings: a settings file that is a FIFO would block the window forever.
    const QString settingsProblem = exemplar::ui::unusableSettingsFile();
    const QTemporaryDir sessionSettings;
    if (!settingsProblem.isEmpty()) exemplar::ui::keepSettingsIn(sessionSettings.path());
    exemplar::ui::applyAppTheme(
        exemplar::ui::appThemeFromName(QSettings().value(QStringLiteral("ui/theme")).toString()));
    // The controller outlives the window that is handed it (declared first, destroyed last).
    exemplar::ui::ProjectController controller;
    exemplar::ui::MainWindow window(&controller);
    window.show();
    if (!settingsProblem.isEmpty()) {
        auto* box = new QMessageBox(QMessageBox::Warning, QObject::tr("Settings not remembered"),
                                    QObject::tr("%1, not a regular file, so Exemplar cannot read its settings there. "
                                                "This session's settings (window layout, folders, theme) will not be "
                                                "remembered: remove or rename it to keep them.")
                                        .arg(settingsProblem),
                                    QMessageBox::Ok, &window);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }

    const QStringList unlabeled = parser.values(QStringLiteral("unlabeled"));
    const QStringList background = parser.values(QStringLiteral("background"));
    const auto addPhotoFolders = [&controller, unlabeled, background] {
        if (!unlabeled.isEmpty()) controller.addUnlabeledFolders(unlabeled);
        if (!background.isEmpty()) controller.addBackgroundFolders(background);
    };
    const QStringList paths = parser.positionalArguments();
    if (paths.size() == 1 && QFileInfo(paths.first()).suffix() == QLatin1String("exemplar")) {
        // The project is read as a task: these folders go into it once it is the project (or, if it
        // cannot be read, into the empty one), not into the project it replaces. Connected after
        // the call, which has already said the open began.
        controller.openProject(paths.first());
        QObject::connect(&controller, &exemplar::ui::ProjectController::openingChanged, &controller,
                         [addPhotoFolders](bool opening) {
                             if (!opening) addPhotoFolders();
                         },
                         Qt::SingleShotConnection);
    } else {
        if (!paths.isEmpty()) controller.addFolders(paths);
        addPhotoFolders();
    }
    return app.exec();
}
