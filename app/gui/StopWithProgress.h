#pragma once

namespace spyglass::app {

class RecordingService;

// Quitting stops the recorder, which first applies what waits in its spool
// and in the spools of sessions still finishing (FinishingWriters): seconds
// after a burst, when the window is already gone. The stop runs on a thread
// of its own while this thread shows, after kShowAfterMs, a small dialog
// with the records left, so the app does not look hung. Returns when the
// recorder has stopped. Without a QApplication (tests, no display) it just
// stops.
void stopRecordingWithProgress(RecordingService& recording);

} // namespace spyglass::app
