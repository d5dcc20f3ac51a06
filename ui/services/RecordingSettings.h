#pragma once

#include <QtGlobal>

namespace spyglass::ui {

// Recording options the settings dialog edits (the proxy's own options live
// in ProxyConfig). They apply from the next session file on.
struct RecordingSettings {
    qint64 bodyCap = qint64{16} << 20; // bytes per body; 0 = heads only
    bool durable = false;              // synchronous=FULL
    bool operator==(const RecordingSettings&) const = default;
};

} // namespace spyglass::ui
