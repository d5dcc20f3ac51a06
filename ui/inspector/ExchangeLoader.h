#pragma once

#include "LoadedExchange.h"

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

namespace spyglass::core::store {
class SessionReader;
}

namespace spyglass::ui::inspector {

// The inspector's worker: lives on its own QThread with a read-only
// SessionReader, reads one exchange in full, reads and decodes its bodies,
// and parses what can be parsed off the GUI thread (JSON, images).
//
// Rapid selection changes: the GUI bumps the shared `latest` generation
// before queuing each load. A load whose generation is no longer the latest
// is skipped before it starts and abandoned between body pieces, so
// clicking through a list never queues up reads of 16 MiB bodies.
class ExchangeLoader final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExchangeLoader)

public:
    // Bodies larger than this are not parsed as JSON or images (they still
    // show as text and hex); parsing 64 MiB of JSON into a tree helps nobody.
    static constexpr qint64 kMaxParsedBytes = 16 << 20;

    explicit ExchangeLoader(std::shared_ptr<std::atomic<quint64>> latest,
                            QObject* parent = nullptr);
    ~ExchangeLoader() override;

    // Both run on the worker thread (queued from the GUI).
    void openSession(const QString& path);
    void load(quint64 generation, qint64 id);

Q_SIGNALS:
    // Not emitted for loads that went stale.
    void loaded(spyglass::ui::inspector::LoadedExchangePtr result);

private:
    [[nodiscard]] bool stale(quint64 generation) const;
    // False when the load went stale or failed (`result.error` says which).
    bool readBody(LoadedExchange& result, LoadedBody& body, bool request);
    static void prepare(LoadedBody& body);

    std::shared_ptr<std::atomic<quint64>> m_latest;
    std::unique_ptr<core::store::SessionReader> m_reader;
    QString m_openError;
};

} // namespace spyglass::ui::inspector
