#pragma once

#include "BodyViewer.h"
#include "LoadedExchange.h"

#include <QWidget>
#include <atomic>
#include <memory>

class QLabel;
class QTabWidget;
class QThread;

namespace spyglass::ui::inspector {

class ExchangeLoader;
class MessagePane;
class OverviewPane;
class TimingWaterfall;
class TlsPane;

// The inspector for the selected exchange (issue 6): Overview, Request,
// Response, Timing and TLS tabs. A blind tunnel has no heads or bodies, so
// its Request and Response tabs are hidden.
//
// Loading happens off the GUI thread: the widget owns a worker thread with a
// read-only SessionReader on the session file (ExchangeLoader), which reads
// the exchange, reads and decodes its bodies and parses JSON and images.
// Only the newest showExchange() is ever displayed; older loads still
// running are abandoned between body pieces.
//
// Use from the main window:
//   inspector->setSessionFile(path);      // once per session file
//   inspector->showExchange(id);          // on every selection change
//   connect(inspector, &InspectorWidget::openRootCaRequested, ...);
//
// objectNames for tests: "inspector", "inspectorTabs", "inspectorStatus",
// the Overview labels (see OverviewPane.h), "requestHeaders",
// "responseHeaders", "requestBody", "responseBody" (and their children, see
// BodyViewer.h and HeadersView.h), "timingWaterfall", "tlsTree".
class InspectorWidget final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InspectorWidget)

public:
    explicit InspectorWidget(QWidget* parent = nullptr);
    // Abandons any load and joins the worker thread.
    ~InspectorWidget() override;

    // Opens `path` read-only on the worker (while the writer may still be
    // recording into it: WAL). "" closes. Clears what is shown.
    void setSessionFile(const QString& path);
    [[nodiscard]] const QString& sessionFile() const { return m_sessionFile; }
    // Loads and shows exchange `id` (the session's row id, as the list has it).
    void showExchange(qint64 id);
    // Shows nothing ("select an exchange").
    void clearExchange();
    // Loads the exchange on display (or being loaded) again, e.g. when the
    // list reports that an exchange shown "in progress" has finished.
    void reload();

    // The exchange on display (0 = none) and the one last asked for.
    [[nodiscard]] qint64 shownExchange() const { return m_shownId; }
    [[nodiscard]] qint64 requestedExchange() const { return m_requestedId; }
    [[nodiscard]] bool isLoading() const { return m_loading; }
    // What is on display, or nullptr.
    [[nodiscard]] LoadedExchangePtr exchange() const { return m_exchange; }

    // Where "Save body…" asks for a file name (tests give a path).
    void setSaveFileChooser(const SaveFileChooser& chooser);

    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }
    [[nodiscard]] BodyViewer* requestBody() const;
    [[nodiscard]] BodyViewer* responseBody() const;
    [[nodiscard]] TimingWaterfall* waterfall() const { return m_waterfall; }

Q_SIGNALS:
    // The error's fix is to install the Spyglass root CA; the main window
    // opens its Root CA dialog.
    void openRootCaRequested();
    // An exchange finished loading and is on display.
    void exchangeShown(qint64 id);
    // The session could not be read, or `id` does not exist.
    void loadFailed(qint64 id, const QString& message);

private:
    void display(const LoadedExchangePtr& loaded);
    void showStatus(const QString& text);
    void setDetailTabsEnabled(bool enabled, bool tunnel);

    std::shared_ptr<std::atomic<quint64>> m_generation;
    QThread* m_thread = nullptr;
    ExchangeLoader* m_loader = nullptr; // lives on m_thread
    QString m_sessionFile;
    qint64 m_requestedId = 0;
    qint64 m_shownId = 0;
    bool m_loading = false;
    LoadedExchangePtr m_exchange;

    QLabel* m_status = nullptr;
    QTabWidget* m_tabs = nullptr;
    OverviewPane* m_overview = nullptr;
    MessagePane* m_request = nullptr;
    MessagePane* m_response = nullptr;
    QWidget* m_timingPage = nullptr;
    TimingWaterfall* m_waterfall = nullptr;
    QLabel* m_timingNote = nullptr;
    TlsPane* m_tls = nullptr;
};

} // namespace spyglass::ui::inspector
