#pragma once
// The specs scripts/setup.sh installs into the build tree, by file stem (InstalledModels.h), for
// the tests that check the installed models themselves. Other tests embed with
// test::defaultModelSpec() (TestSupport.h): $EXEMPLAR_MODEL, else the fast 224×224 model, not the
// application's default (256×384, flip-averaged, about 4× the work per photo) — what they check
// holds for any model.
#include "InstalledModels.h"

#include <QString>

namespace exemplar::test {

inline QString installedModelSpec(const char* stem)
{
    return QStringLiteral(EXEMPLAR_TEST_BINARY_DIR) + QStringLiteral("/share/exemplar/models/") +
           QString::fromLatin1(stem) + QStringLiteral(".json");
}

} // namespace exemplar::test
