#include "InspectorWidget.h"

#include "BodyKind.h"
#include "ExchangeLoader.h"
#include "HeadersView.h"
#include "MessagePane.h"
#include "OverviewPane.h"
#include "TimingWaterfall.h"
#include "TlsPane.h"

#include <QLabel>
#include <QScrollArea>
#include <QTabWidget>
#include <QThread>
#include <QVBoxLayout>

namespace spyglass::ui::inspector {

using core::record::Direction;

namespace {

enum Tab { Overview, Request, Response, Timing, Tls };

QString extensionFor(const LoadedBody& body) {
    if (!body.imageFormat.isEmpty())
        return QString::fromLatin1(body.imageFormat == "jpeg" ? QByteArray("jpg")
                                                              : body.imageFormat);
    switch (BodyKindDetector::detect(body.contentType, body.decoded.data)) {
    case BodyKind::Json:
        return QStringLiteral("json");
    case BodyKind::Markup:
        return BodyKindDetector::mediaType(body.contentType).contains("html")
                   ? QStringLiteral("html")
                   : QStringLiteral("xml");
    case BodyKind::JavaScript:
        return QStringLiteral("js");
    case BodyKind::Css:
        return QStringLiteral("css");
    case BodyKind::PlainText:
    case BodyKind::UrlEncodedForm:
        return QStringLiteral("txt");
    default:
        return QStringLiteral("bin");
    }
}

} // namespace

InspectorWidget::InspectorWidget(QWidget* parent)
    : QWidget(parent)
    , m_generation(std::make_shared<std::atomic<quint64>>(0)) {
    qRegisterMetaType<LoadedExchangePtr>();
    setObjectName(QStringLiteral("inspector"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("inspectorStatus"));
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setMargin(4);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("inspectorTabs"));
    m_tabs->setDocumentMode(true);
    m_overview = new OverviewPane(m_tabs);
    connect(m_overview, &OverviewPane::openRootCaRequested, this,
            &InspectorWidget::openRootCaRequested);
    m_request = new MessagePane(QStringLiteral("request"), m_tabs);
    m_response = new MessagePane(QStringLiteral("response"), m_tabs);
    m_timingPage = new QWidget(m_tabs);
    m_timingPage->setObjectName(QStringLiteral("timingPage"));
    auto* timingLayout = new QVBoxLayout(m_timingPage);
    m_waterfall = new TimingWaterfall(m_timingPage);
    m_waterfall->setObjectName(QStringLiteral("timingWaterfall"));
    m_timingNote = new QLabel(m_timingPage);
    m_timingNote->setObjectName(QStringLiteral("timingNote"));
    m_timingNote->setWordWrap(true);
    m_timingNote->setForegroundRole(QPalette::PlaceholderText);
    timingLayout->addWidget(m_waterfall);
    timingLayout->addWidget(m_timingNote);
    timingLayout->addStretch(1);
    m_tls = new TlsPane(m_tabs);
    m_tabs->addTab(m_overview, tr("Overview"));
    m_tabs->addTab(m_request, tr("Request"));
    m_tabs->addTab(m_response, tr("Response"));
    m_tabs->addTab(m_timingPage, tr("Timing"));
    m_tabs->addTab(m_tls, tr("TLS"));
    layout->addWidget(m_tabs, 1);

    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("inspector-loader"));
    m_loader = new ExchangeLoader(m_generation);
    m_loader->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_loader, &QObject::deleteLater);
    connect(m_loader, &ExchangeLoader::loaded, this, &InspectorWidget::display);
    m_thread->start();
    clearExchange();
}

InspectorWidget::~InspectorWidget() {
    m_generation->fetch_add(1); // any load in progress stops at its next piece
    m_thread->quit();
    m_thread->wait();
}

BodyViewer* InspectorWidget::requestBody() const {
    return m_request->body();
}

BodyViewer* InspectorWidget::responseBody() const {
    return m_response->body();
}

void InspectorWidget::setSaveFileChooser(const SaveFileChooser& chooser) {
    m_request->body()->setSaveFileChooser(chooser);
    m_response->body()->setSaveFileChooser(chooser);
}

void InspectorWidget::setSessionFile(const QString& path) {
    m_sessionFile = path;
    clearExchange();
    ExchangeLoader* loader = m_loader;
    QMetaObject::invokeMethod(
        loader, [loader, path] { loader->openSession(path); }, Qt::QueuedConnection);
}

void InspectorWidget::showExchange(qint64 id) {
    const quint64 generation = m_generation->fetch_add(1) + 1;
    m_requestedId = id;
    m_loading = true;
    showStatus(tr("Loading exchange %1…").arg(id));
    ExchangeLoader* loader = m_loader;
    QMetaObject::invokeMethod(
        loader, [loader, generation, id] { loader->load(generation, id); }, Qt::QueuedConnection);
}

void InspectorWidget::reload() {
    if (const qint64 id = m_requestedId != 0 ? m_requestedId : m_shownId; id != 0)
        showExchange(id);
}

void InspectorWidget::clearExchange() {
    m_generation->fetch_add(1);
    m_requestedId = 0;
    m_shownId = 0;
    m_loading = false;
    m_exchange.reset();
    m_overview->clear();
    m_request->headers()->setHead(nullptr);
    m_response->headers()->setHead(nullptr);
    m_request->body()->clear();
    m_response->body()->clear();
    m_waterfall->clear();
    m_timingNote->clear();
    m_tls->clear();
    setDetailTabsEnabled(false, false);
    showStatus(m_sessionFile.isEmpty() ? tr("No session open.")
                                       : tr("Select an exchange to inspect it."));
}

void InspectorWidget::showStatus(const QString& text) {
    m_status->setText(text);
}

void InspectorWidget::setDetailTabsEnabled(bool enabled, bool tunnel) {
    for (int tab : {Request, Response, Timing, Tls})
        m_tabs->setTabEnabled(tab, enabled);
    m_tabs->setTabVisible(Request, !tunnel);
    m_tabs->setTabVisible(Response, !tunnel);
}

void InspectorWidget::display(const LoadedExchangePtr& loaded) {
    // A result for anything but the newest request is stale.
    if (!loaded || loaded->generation != m_generation->load())
        return;
    m_loading = false;
    if (!loaded->found) {
        const QString message =
            loaded->error.isEmpty()
                ? tr("Exchange %1 is not in this session.").arg(loaded->id)
                : tr("Cannot read exchange %1: %2").arg(loaded->id).arg(loaded->error);
        clearExchange();
        showStatus(message);
        Q_EMIT loadFailed(loaded->id, message);
        return;
    }
    m_exchange = loaded;
    m_shownId = loaded->id;
    const core::store::ExchangeDetail& detail = loaded->detail;
    const bool tunnel = detail.row.mode == core::record::Mode::Tunnel;
    setDetailTabsEnabled(true, tunnel);
    m_overview->setExchange(*loaded);
    m_request->headers()->setHead(detail.head(Direction::Request));
    const core::store::StoredHead* response = detail.head(Direction::Response);
    QList<const core::store::StoredHead*> interim;
    for (const core::store::StoredHead& head : detail.heads) {
        if (head.direction == Direction::Response && &head != response)
            interim.append(&head);
    }
    m_response->headers()->setHead(response, interim);
    const QString stem = QStringLiteral("exchange-%1-").arg(loaded->id);
    m_request->body()->setSuggestedFileName(stem + QStringLiteral("request.") +
                                            extensionFor(loaded->request));
    m_response->body()->setSuggestedFileName(stem + QStringLiteral("response.") +
                                             extensionFor(loaded->response));
    m_request->body()->setBody(loaded->request);
    m_response->body()->setBody(loaded->response);
    m_waterfall->setTimings(detail.timings, tunnel);
    m_timingNote->setText(
        !detail.hasTimings ? tr("No timings were recorded (the exchange did not finish).")
        : tunnel ? tr("A blind tunnel: Spyglass relayed bytes without seeing requests, so there "
                      "is one relay phase from connection to close.")
                 : QString());
    m_tls->setDetail(detail);
    QString status = tr("Exchange %1").arg(loaded->id);
    if (!loaded->error.isEmpty())
        status += tr(" — a body could not be read: %1").arg(loaded->error);
    showStatus(status);
    Q_EMIT exchangeShown(loaded->id);
}

} // namespace spyglass::ui::inspector
