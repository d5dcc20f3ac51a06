#pragma once

#include "core/proxy/ProxyConfig.h"
#include "core/store/SessionWriter.h"
#include "ui/services/RecordingSettings.h"

#include <QCommandLineParser>
#include <optional>

namespace spyglass::app {

// The GUI's configuration at start: the saved settings, with every option
// given on the command line winning for this run (the options are those of
// `spyglass-cli run`).
class StartupConfig {
public:
    // `saved`: SettingsStore::loadProxy(); `cli`: ProxyOptions::toConfig().
    static core::proxy::ProxyConfig merge(const core::proxy::ProxyConfig& saved,
                                          const core::proxy::ProxyConfig& cli,
                                          const QCommandLineParser& parser);
    // --body-cap and --durable win over the saved recording settings.
    static void applySavedRecording(const QCommandLineParser& parser,
                                    const ui::RecordingSettings& saved,
                                    core::store::WriterOptions& options);
};

} // namespace spyglass::app
