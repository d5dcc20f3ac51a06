#include "RecordingService.h"

#include "app/common/SessionRecording.h"

namespace spyglass::app {

using core::store::SessionWriter;
using core::store::WriterOptions;

RecordingService::RecordingService(std::optional<WriterOptions> options, QObject* parent)
    : ui::RecordingControl(parent)
    , m_options(std::move(options))
    , m_template(m_options.value_or(WriterOptions{}))
    , m_finishing([this] {
        // From a finishing thread: the status bar drops "finishing".
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT statusChanged(); }, Qt::QueuedConnection);
    }) {}

RecordingService::~RecordingService() {
    stop();
}

bool RecordingService::start(QString* error) {
    if (!m_options)
        return true;
    return openWriter(*m_options, error);
}

bool RecordingService::openWriter(const WriterOptions& options, QString* error) {
    auto opened = SessionWriter::open(options);
    if (!opened) {
        *error = opened.errorMessage();
        return false;
    }
    std::shared_ptr<SessionWriter> writer = std::move(opened).value();
    // Both listeners run on the writer thread; the queued signals reach the
    // window on the GUI thread. Exchanges committed to an old writer still
    // mean "new rows" to nobody, so they are filtered by path.
    const QString path = writer->path();
    writer->setCommitListener([this, path](const std::vector<core::record::ExchangeId>&) {
        QMetaObject::invokeMethod(
            this,
            [this, path] {
                if (sessionPath() == path)
                    Q_EMIT exchangesCommitted();
            },
            Qt::QueuedConnection);
    });
    writer->setStatusListener([this](const core::store::RecorderStatus&) {
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT statusChanged(); }, Qt::QueuedConnection);
    });
    writer->start();
    std::shared_ptr<SessionWriter> old = std::move(m_writer);
    m_writer = std::move(writer);
    if (!m_paused)
        m_gate.setTarget(m_writer);
    // The gate sends the old writer nothing more; what it queued and spooled
    // is applied on a thread of its own (FinishingWriters), so the window
    // does not wait for it.
    m_finishing.finish(std::move(old));
    m_options = options;
    return true;
}

void RecordingService::stop() {
    m_gate.setTarget(nullptr);
    if (m_writer)
        m_writer->stop();
    m_finishing.waitAll();
}

void RecordingService::setSessionTemplate(const ui::RecordingSettings& settings) {
    m_template.queue.bodyCap = settings.bodyCap;
    m_template.durability = settings.durable ? core::store::SessionFile::Durability::Full
                                             : core::store::SessionFile::Durability::Normal;
}

void RecordingService::applyRecordingSettings(const ui::RecordingSettings& settings) {
    setSessionTemplate(settings);
    // The session being recorded follows too: the cap from its next body
    // bytes, durability from its next transaction.
    if (m_writer) {
        m_writer->setBodyCap(settings.bodyCap);
        m_writer->setDurability(m_template.durability);
    }
    if (m_options) {
        m_options->queue.bodyCap = settings.bodyCap;
        m_options->durability = m_template.durability;
    }
}

QString RecordingService::sessionPath() const {
    return m_writer ? m_writer->path() : QString();
}

bool RecordingService::isRecording() const {
    return m_writer && !m_paused;
}

void RecordingService::setRecording(bool on) {
    if (on == isRecording())
        return;
    if (on && !m_writer) {
        QString ignored; // no file yet (--no-record): start one
        if (!startNewSession(&ignored))
            return;
    }
    m_paused = !on;
    m_gate.setTarget(m_paused ? nullptr : m_writer);
    Q_EMIT recordingToggled(on);
}

bool RecordingService::startNewSession(QString* error) {
    const auto path = SessionRecording::newSessionPath(error);
    if (!path)
        return false;
    WriterOptions options = m_template;
    options.path = *path;
    if (!openWriter(options, error))
        return false;
    Q_EMIT sessionChanged(*path);
    Q_EMIT statusChanged();
    return true;
}

core::store::RecorderStatus RecordingService::status() const {
    if (!m_writer)
        return {};
    return m_writer->status();
}

ui::RecordingControl::EarlierSessions RecordingService::earlierSessions() const {
    return {m_finishing.count(), m_finishing.recordsLeft()};
}

void RecordingService::retryAfterError() {
    if (m_writer)
        m_writer->resume();
}

} // namespace spyglass::app
