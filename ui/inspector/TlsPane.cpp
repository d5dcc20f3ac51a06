#include "TlsPane.h"

#include <QCoreApplication>
#include <QHeaderView>
#include <QLabel>
#include <QSslCertificate>
#include <QSslCertificateExtension>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace spyglass::ui::inspector {

namespace {

QString orNone(const QByteArray& value) {
    return value.isEmpty() ? QCoreApplication::translate("spyglass::ui::inspector::TlsPane", "—")
                           : QString::fromLatin1(value);
}

QString fingerprint(const QSslCertificate& certificate, QCryptographicHash::Algorithm algorithm) {
    return QString::fromLatin1(certificate.digest(algorithm).toHex(':').toUpper());
}

QString names(const QSslCertificate& certificate) {
    QStringList out;
    const auto alternates = certificate.subjectAlternativeNames();
    for (auto it = alternates.cbegin(); it != alternates.cend(); ++it)
        out << (it.key() == QSsl::IpAddressEntry ? QStringLiteral("IP:") : QStringLiteral("DNS:")) +
                   it.value();
    return out.isEmpty() ? orNone({}) : out.join(QStringLiteral(", "));
}

// "CN=example.com, O=Example" in the certificate's attribute order.
QString distinguishedName(const QSslCertificate& certificate, bool subject) {
    QStringList parts;
    const QList<QByteArray> attributes =
        subject ? certificate.subjectInfoAttributes() : certificate.issuerInfoAttributes();
    for (const QByteArray& attribute : attributes) {
        const QStringList values =
            subject ? certificate.subjectInfo(attribute) : certificate.issuerInfo(attribute);
        for (const QString& value : values)
            parts << QString::fromLatin1(attribute) + u'=' + value;
    }
    return parts.join(QStringLiteral(", "));
}

QTreeWidgetItem* addRow(QTreeWidgetItem* parent, const QString& name, const QString& value) {
    auto* item = new QTreeWidgetItem(parent, {name, value});
    item->setToolTip(1, value);
    return item;
}

} // namespace

TlsPane::TlsPane(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("tlsPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("tlsSummary"));
    m_summary->setWordWrap(true);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("tlsTree"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Field"), tr("Value")});
    m_tree->setColumnWidth(0, 200);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setStretchLastSection(true);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree, 1);
}

void TlsPane::clear() {
    m_tree->clear();
    m_summary->setText(tr("No TLS recorded for this exchange."));
}

void TlsPane::setDetail(const core::store::ExchangeDetail& detail) {
    m_tree->clear();
    if (detail.tls.isEmpty()) {
        m_summary->setText(detail.row.mode == core::record::Mode::Tunnel
                               ? tr("Blind tunnel: the TLS inside was not intercepted, so "
                                    "only the SNI (%1) is known.")
                                     .arg(orNone(detail.sni))
                               : tr("No TLS recorded for this exchange."));
        return;
    }
    m_summary->setText(tr("TLS as Spyglass saw it on each leg."));
    for (const core::store::StoredTls& leg : detail.tls)
        addLeg(leg);
    m_tree->expandAll();
}

void TlsPane::addLeg(const core::store::StoredTls& leg) {
    const bool server = leg.leg == core::record::TlsLeg::Server;
    auto* top =
        new QTreeWidgetItem(m_tree, {server ? tr("Spyglass ↔ server") : tr("Client ↔ Spyglass")});
    top->setFirstColumnSpanned(true);
    QFont bold = top->font(0);
    bold.setBold(true);
    top->setFont(0, bold);
    addRow(top, tr("Version"), orNone(leg.version));
    addRow(top, tr("Cipher"), orNone(leg.cipher));
    addRow(top, tr("ALPN"), orNone(leg.alpn));
    addRow(top, tr("SNI"), orNone(leg.sni));
    if (server) {
        addRow(top, tr("Verified"),
               leg.verified            ? tr("yes: chain and host name verified")
               : leg.insecureException ? tr("no: not verified (--insecure-upstream)")
                                       : tr("no"));
        if (!leg.chainDer.isEmpty()) {
            auto* chain = addRow(top, tr("Certificate chain"),
                                 tr("%n certificate(s), leaf first", nullptr,
                                    static_cast<int>(leg.chainDer.size())));
            for (int i = 0; i < leg.chainDer.size(); ++i)
                addCertificate(chain, i, leg.chainDer[i]);
        }
    }
}

void TlsPane::addCertificate(QTreeWidgetItem* parent, int position, const QByteArray& der) {
    const QSslCertificate certificate(der, QSsl::Der);
    if (certificate.isNull()) {
        addRow(parent, QStringLiteral("#%1").arg(position),
               tr("(%1 bytes that do not parse as a certificate)").arg(der.size()));
        return;
    }
    const QString subject = certificate.subjectDisplayName();
    auto* item = addRow(parent, QStringLiteral("#%1").arg(position), subject);
    addRow(item, tr("Subject"), distinguishedName(certificate, true));
    addRow(item, tr("Issuer"), distinguishedName(certificate, false));
    addRow(item, tr("Valid from"), certificate.effectiveDate().toUTC().toString(Qt::ISODate));
    addRow(item, tr("Valid until"), certificate.expiryDate().toUTC().toString(Qt::ISODate));
    addRow(item, tr("Alternative names"), names(certificate));
    addRow(item, tr("Serial"), QString::fromLatin1(certificate.serialNumber()));
    addRow(item, tr("SHA-256"), fingerprint(certificate, QCryptographicHash::Sha256));
    addRow(item, tr("SHA-1"), fingerprint(certificate, QCryptographicHash::Sha1));
}

} // namespace spyglass::ui::inspector
