#pragma once

#include "core/store/ExchangeDetail.h"

#include <QWidget>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace spyglass::ui::inspector {

// Both TLS legs (version, cipher, ALPN, SNI, verification) and the
// server's certificate chain as stored (DER, leaf first), parsed with
// QSslCertificate: subject, issuer, validity, SANs, fingerprints.
// objectNames: "tlsTree", "tlsSummary".
class TlsPane final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TlsPane)

public:
    explicit TlsPane(QWidget* parent = nullptr);

    void setDetail(const core::store::ExchangeDetail& detail);
    void clear();
    [[nodiscard]] QTreeWidget* tree() const { return m_tree; }

private:
    void addLeg(const core::store::StoredTls& leg);
    void addCertificate(QTreeWidgetItem* parent, int position, const QByteArray& der);

    QLabel* m_summary = nullptr;
    QTreeWidget* m_tree = nullptr;
};

} // namespace spyglass::ui::inspector
