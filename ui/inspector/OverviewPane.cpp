#include "OverviewPane.h"

#include "DisplayText.h"
#include "ErrorAdvice.h"
#include "core/store/HeadText.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace spyglass::ui::inspector {

using core::record::Mode;
using core::store::ListRow;

namespace {

// Semantic colour for failures, readable on light and dark bases.
const QColor kErrorColour(0xd0, 0x3b, 0x3b);

QString modeText(Mode mode) {
    switch (mode) {
    case Mode::Forward:
        return QCoreApplication::translate("spyglass::ui::inspector::OverviewPane",
                                           "Forward (plain HTTP through the proxy)");
    case Mode::Intercepted:
        return QCoreApplication::translate("spyglass::ui::inspector::OverviewPane",
                                           "Intercepted (HTTPS decrypted by Spyglass)");
    case Mode::Tunnel:
        return QCoreApplication::translate("spyglass::ui::inspector::OverviewPane",
                                           "Tunnel (CONNECT relayed blindly, not decrypted)");
    }
    return {};
}

QString sizeText(qint64 wire, const LoadedBody& body, qint64 bodyBytes) {
    if (wire == 0 && bodyBytes == 0 && !body.present)
        return {}; // nothing flowed (the exchange failed before any message)
    QString text = QCoreApplication::translate("spyglass::ui::inspector::OverviewPane",
                                               "%1 on the wire · body %2")
                       .arg(DisplayText::bytes(wire), DisplayText::bytes(bodyBytes));
    if (body.present && body.decoded.decoded)
        text += QCoreApplication::translate("spyglass::ui::inspector::OverviewPane",
                                            " (%1, %2 decoded)")
                    .arg(QString::fromLatin1(body.encoded.contentEncoding),
                         DisplayText::bytes(body.decoded.data.size()));
    return text;
}

} // namespace

OverviewPane::OverviewPane(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("overviewPage"));
    auto* layout = new QVBoxLayout(this);
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    m_url = addField(tr("URL"), QStringLiteral("overviewUrl"));
    m_status = addField(tr("Status"), QStringLiteral("overviewStatus"));
    QFont bold = m_status->font();
    bold.setBold(true);
    m_status->setFont(bold);
    m_mode = addField(tr("Mode"), QStringLiteral("overviewMode"));
    m_client = addField(tr("Client"), QStringLiteral("overviewClient"));
    m_server = addField(tr("Server"), QStringLiteral("overviewServer"));
    m_timing = addField(tr("Started"), QStringLiteral("overviewTiming"));
    m_requestSize = addField(tr("Request"), QStringLiteral("overviewRequestSize"));
    m_responseSize = addField(tr("Response"), QStringLiteral("overviewResponseSize"));
    m_tls = addField(tr("TLS"), QStringLiteral("overviewTls"));
    m_note = addField(tr("Note"), QStringLiteral("overviewNote"));
    m_error = addField(tr("Error"), QStringLiteral("overviewError"));
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, kErrorColour);
    m_error->setPalette(errorPalette);
    m_error->setFont(bold);
    m_explanation = addField(tr("Why"), QStringLiteral("overviewExplanation"));
    m_fix = addField(tr("Fix"), QStringLiteral("overviewFix"));
    m_openRootCa = new QPushButton(tr("Open Root CA…"), this);
    m_openRootCa->setObjectName(QStringLiteral("overviewOpenRootCa"));
    m_openRootCa->setToolTip(tr("Export or install the Spyglass root CA"));
    connect(m_openRootCa, &QPushButton::clicked, this, &OverviewPane::openRootCaRequested);
    m_rootCaRow = new QWidget(this);
    auto* buttonRow = new QHBoxLayout(m_rootCaRow);
    buttonRow->setContentsMargins(0, 0, 0, 0);
    buttonRow->addWidget(m_openRootCa);
    buttonRow->addStretch(1);
    m_form->addRow(QString(), m_rootCaRow);
    layout->addLayout(m_form);
    layout->addStretch(1);
    clear();
}

QLabel* OverviewPane::addField(const QString& label, const QString& name) {
    auto* field = new QLabel(this);
    field->setObjectName(name);
    field->setWordWrap(true);
    field->setTextFormat(Qt::PlainText);
    field->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_form->addRow(label, field);
    return field;
}

void OverviewPane::setRow(QLabel* field, const QString& text) {
    field->setText(text);
    m_form->setRowVisible(field, !text.isEmpty());
}

void OverviewPane::clear() {
    for (QLabel* field : {m_url, m_status, m_mode, m_client, m_server, m_timing, m_requestSize,
                          m_responseSize, m_tls, m_note, m_error, m_explanation, m_fix})
        setRow(field, QString());
    m_form->setRowVisible(m_rootCaRow, false);
}

void OverviewPane::setExchange(const LoadedExchange& exchange) {
    clear();
    const core::store::ExchangeDetail& detail = exchange.detail;
    const ListRow& row = detail.row;
    const bool tunnel = row.mode == Mode::Tunnel;
    setRow(m_url, QString::fromLatin1(row.method) + u' ' + QString::fromLatin1(row.url()));

    QString status;
    if (row.state == ListRow::State::Open)
        status = tr("in progress");
    else if (row.status == 0)
        status = tr("no response");
    else if (const core::store::StoredHead* head = detail.head(core::record::Direction::Response)) {
        status = QString::number(row.status) + u' ' +
                 QString::fromLatin1(core::store::HeadText::parse(head->raw).reason());
    } else {
        status =
            tunnel ? tr("%1 (tunnel established)").arg(row.status) : QString::number(row.status);
    }
    if (row.state == ListRow::State::Incomplete)
        status += tr(" — incomplete");
    setRow(m_status, status.trimmed());
    QPalette statusPalette = palette();
    if (row.status >= 400 || !row.error.isEmpty())
        statusPalette.setColor(QPalette::WindowText, kErrorColour);
    m_status->setPalette(statusPalette);
    setRow(m_mode, modeText(row.mode));
    setRow(m_client, row.client);
    QString server = QString::fromLatin1(row.host) + u':' + QString::number(row.port);
    if (!detail.sni.isEmpty() && detail.sni != row.host)
        server += tr(" (SNI %1)").arg(QString::fromLatin1(detail.sni));
    else if (!detail.sni.isEmpty())
        server += tr(" (SNI matches)");
    setRow(m_server, server);
    QString timing = QDateTime::fromMSecsSinceEpoch(row.startUs / 1000)
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    if (row.durationUs >= 0)
        timing += tr(", took %1").arg(DisplayText::duration(row.durationUs));
    setRow(m_timing, timing);
    if (tunnel) {
        setRow(m_requestSize,
               tr("%1 relayed client → server").arg(DisplayText::bytes(row.requestSize)));
        setRow(m_responseSize,
               tr("%1 relayed server → client").arg(DisplayText::bytes(row.responseSize)));
    } else {
        setRow(m_requestSize,
               sizeText(detail.requestWireBytes, exchange.request, detail.requestBodyBytes));
        setRow(m_responseSize,
               sizeText(detail.responseWireBytes, exchange.response, detail.responseBodyBytes));
    }
    setRow(m_tls, QString::fromLatin1(row.tlsVersion));
    QString note = detail.note;
    if (detail.damaged)
        note += (note.isEmpty() ? QString() : QStringLiteral("\n")) +
                tr("Some records of this exchange were lost while the recorder was saturated.");
    setRow(m_note, note);
    setRow(m_error, row.error);
    const ErrorAdvice advice = ErrorAdvice::forError(row.error);
    setRow(m_explanation, advice.explanation);
    setRow(m_fix, advice.fix);
    m_form->setRowVisible(m_rootCaRow, advice.action == ErrorAdvice::Action::OpenRootCa);
}

} // namespace spyglass::ui::inspector
