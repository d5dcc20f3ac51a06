#pragma once

#include "app/gui/GuiApp.h"

#include <QTemporaryDir>

namespace spyglass::testing {

// GuiApp options for a window test: the proxy on an ephemeral port of
// 127.0.0.1, recording into `session`, and the CA and every trust store
// redirected into `dir`, so no test touches the user's or the system's.
inline app::GuiApp::Options sandboxedAppOptions(const QTemporaryDir& dir, const QString& session) {
    app::GuiApp::Options options;
    options.config.listenPort = 0;
    core::store::WriterOptions recording;
    recording.path = session;
    options.recording = recording;
    options.caDir = dir.filePath(QStringLiteral("ca"));
    options.trust.home = dir.filePath(QStringLiteral("home"));
    options.trust.flavour = app::TrustEnvironment::Flavour::Redirected;
    options.trust.systemAnchorDir = dir.filePath(QStringLiteral("anchors"));
    options.trust.systemBundle = dir.filePath(QStringLiteral("bundle.pem"));
    return options;
}

} // namespace spyglass::testing
