#include "BodyViewer.h"

#include "DisplayText.h"
#include "FormFields.h"
#include "HexView.h"
#include "JsonTreeView.h"
#include "SyntaxHighlighter.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace spyglass::ui::inspector {

namespace {

SyntaxHighlighter::Language languageFor(BodyKind kind) {
    switch (kind) {
    case BodyKind::Json:
        return SyntaxHighlighter::Language::Json;
    case BodyKind::Markup:
        return SyntaxHighlighter::Language::Markup;
    case BodyKind::JavaScript:
        return SyntaxHighlighter::Language::JavaScript;
    case BodyKind::Css:
        return SyntaxHighlighter::Language::Css;
    default:
        return SyntaxHighlighter::Language::None;
    }
}

QString fieldValueText(const FormField& field) {
    if (BodyKindDetector::looksLikeText(field.value) && field.value.size() <= 4096)
        return QString::fromUtf8(field.value);
    return QCoreApplication::translate("spyglass::ui::inspector::BodyViewer", "(%1 of data)")
        .arg(DisplayText::bytes(field.value.size()));
}

} // namespace

BodyViewer::BodyViewer(QWidget* parent)
    : QWidget(parent)
    , m_chooseFile([](QWidget* owner, const QString& suggested) {
        return QFileDialog::getSaveFileName(owner, tr("Save body"), suggested);
    }) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    buildToolBar();
    m_banner = new QLabel(this);
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A warning strip in the palette's tooltip colours, which themes keep
    // readable in light and dark variants.
    m_banner->setAutoFillBackground(true);
    m_banner->setBackgroundRole(QPalette::ToolTipBase);
    m_banner->setForegroundRole(QPalette::ToolTipText);
    m_banner->setMargin(4);
    m_banner->hide();
    layout->addWidget(m_banner);
    buildPages();
    setNamePrefix(QStringLiteral("body"));
    clear();
}

BodyViewer::~BodyViewer() = default;

void BodyViewer::buildToolBar() {
    auto* bar = new QHBoxLayout;
    m_modeBox = new QComboBox(this);
    m_modeBox->addItems({tr("Auto"), tr("Text"), tr("JSON"), tr("Form"), tr("Image"), tr("Hex")});
    m_modeBox->setToolTip(tr("How to show the body"));
    connect(m_modeBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setMode(static_cast<Mode>(index)); });
    m_decoded = new QCheckBox(tr("Decoded"), this);
    m_decoded->setToolTip(tr("Show the body with its content codings (gzip, br, …) removed, "
                             "or as stored"));
    m_decoded->setChecked(true);
    connect(m_decoded, &QCheckBox::toggled, this, &BodyViewer::setShowDecoded);
    m_pretty = new QCheckBox(tr("Pretty"), this);
    m_pretty->setToolTip(tr("Indent JSON in Text mode"));
    m_pretty->setChecked(true);
    connect(m_pretty, &QCheckBox::toggled, this, [this] { refresh(); });
    m_info = new QLabel(this);
    m_info->setForegroundRole(QPalette::PlaceholderText);
    m_save = new QPushButton(tr("Save body…"), this);
    connect(m_save, &QPushButton::clicked, this, [this] { saveBody(); });
    bar->addWidget(m_modeBox);
    bar->addWidget(m_decoded);
    bar->addWidget(m_pretty);
    bar->addWidget(m_info, 1);
    bar->addWidget(m_save);
    static_cast<QVBoxLayout*>(layout())->addLayout(bar);
}

void BodyViewer::buildPages() {
    m_pages = new QStackedWidget(this);
    m_text = new QPlainTextEdit(m_pages);
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_highlighter = new SyntaxHighlighter(m_text->document());
    m_json = new JsonTreeView(m_pages);
    m_form = new QTableWidget(m_pages);
    m_form->setColumnCount(5);
    m_form->setHorizontalHeaderLabels(
        {tr("Name"), tr("Value"), tr("File name"), tr("Content-Type"), tr("Size")});
    m_form->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_form->verticalHeader()->hide();
    m_form->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_form->setWordWrap(false);
    m_form->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_imageArea = new QScrollArea(m_pages);
    m_image = new QLabel(m_imageArea);
    m_image->setAlignment(Qt::AlignCenter);
    m_imageArea->setWidget(m_image);
    m_imageArea->setWidgetResizable(true);
    m_imageArea->setAlignment(Qt::AlignCenter);
    m_hex = new HexView(m_pages);
    m_message = new QLabel(m_pages);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setForegroundRole(QPalette::PlaceholderText);
    for (QWidget* page : {static_cast<QWidget*>(m_text), static_cast<QWidget*>(m_json),
                          static_cast<QWidget*>(m_form), static_cast<QWidget*>(m_imageArea),
                          static_cast<QWidget*>(m_hex), static_cast<QWidget*>(m_message)})
        m_pages->addWidget(page);
    layout()->addWidget(m_pages);
}

void BodyViewer::setNamePrefix(const QString& prefix) {
    setObjectName(prefix);
    const std::pair<QObject*, const char16_t*> children[] = {
        {m_modeBox, u"Mode"}, {m_decoded, u"Decoded"}, {m_pretty, u"Pretty"},
        {m_save, u"Save"},    {m_banner, u"Banner"},   {m_info, u"Info"},
        {m_text, u"Text"},    {m_json, u"Json"},       {m_form, u"Form"},
        {m_image, u"Image"},  {m_hex, u"Hex"},         {m_message, u"Message"}};
    for (const auto& [child, suffix] : children)
        child->setObjectName(prefix + QString::fromUtf16(suffix));
}

void BodyViewer::clear() {
    setBody(LoadedBody{});
}

void BodyViewer::setBody(const LoadedBody& body) {
    m_body = body;
    m_kind = BodyKindDetector::detect(m_body.contentType, m_body.decoded.data);
    // Each exchange starts decoded; the mode, a deliberate choice, stays.
    m_showDecoded = true;
    m_decoded->setEnabled(codingsDiffer());
    const QSignalBlocker block(m_decoded);
    m_decoded->setChecked(true);
    refresh();
}

bool BodyViewer::codingsDiffer() const {
    return m_body.present && m_body.decoded.decoded;
}

void BodyViewer::setMode(Mode mode) {
    m_mode = mode;
    const QSignalBlocker block(m_modeBox);
    m_modeBox->setCurrentIndex(static_cast<int>(mode));
    refresh();
}

void BodyViewer::setShowDecoded(bool decoded) {
    m_showDecoded = decoded;
    const QSignalBlocker block(m_decoded);
    m_decoded->setChecked(decoded || !codingsDiffer());
    refresh();
}

const QByteArray& BodyViewer::currentBytes() const {
    return m_showDecoded || !codingsDiffer() ? m_body.decoded.data : m_body.encoded.data;
}

BodyViewer::Mode BodyViewer::autoMode() const {
    if (!m_showDecoded && codingsDiffer())
        return Mode::Hex; // compressed bytes are not text
    switch (m_kind) {
    case BodyKind::Json:
        return m_body.jsonValid ? Mode::Json : Mode::Text;
    case BodyKind::UrlEncodedForm:
    case BodyKind::Multipart:
        return Mode::Form;
    case BodyKind::Image:
        return m_body.image.isNull() ? Mode::Hex : Mode::Image;
    case BodyKind::Binary:
        return Mode::Hex;
    default:
        return Mode::Text;
    }
}

void BodyViewer::refresh() {
    updateBanner();
    m_save->setEnabled(m_body.present && !currentBytes().isEmpty());
    m_effective = m_mode == Mode::Auto ? autoMode() : m_mode;
    m_pretty->setVisible(m_effective == Mode::Text && m_kind == BodyKind::Json);

    QString info;
    if (m_body.present) {
        info = BodyKindDetector::name(m_kind) % QStringLiteral(" · ") %
               DisplayText::bytes(m_body.decoded.data.size());
        if (codingsDiffer())
            info += tr(" decoded from %1 %2")
                        .arg(DisplayText::bytes(m_body.encoded.data.size()),
                             QString::fromLatin1(m_body.encoded.contentEncoding));
    }
    m_info->setText(info);

    if (!m_body.present || currentBytes().isEmpty()) {
        showMessage(tr("No body"));
        return;
    }
    const bool encodedBytes = !m_showDecoded && codingsDiffer();
    switch (m_effective) {
    case Mode::Auto:
    case Mode::Text:
        showText();
        return;
    case Mode::Hex:
        m_hex->setData(currentBytes());
        m_pages->setCurrentWidget(m_hex);
        return;
    case Mode::Json:
    case Mode::Form:
    case Mode::Image:
        if (encodedBytes) {
            showMessage(tr("These are the stored %1 bytes; tick Decoded to see the content.")
                            .arg(QString::fromLatin1(m_body.encoded.contentEncoding)));
            return;
        }
        if (m_effective == Mode::Json)
            showJson();
        else if (m_effective == Mode::Form)
            showForm();
        else
            showImage();
        return;
    }
}

void BodyViewer::showText() {
    const QByteArray& bytes = currentBytes();
    QString text;
    const bool pretty = m_kind == BodyKind::Json && m_body.jsonValid && m_pretty->isChecked() &&
                        (m_showDecoded || !codingsDiffer());
    if (pretty)
        text = QString::fromUtf8(m_body.json.toJson(QJsonDocument::Indented));
    else
        text = QString::fromUtf8(bytes.first(std::min(bytes.size(), kMaxTextBytes)));
    if (text.size() > kMaxTextBytes)
        text.truncate(kMaxTextBytes);
    const bool cut = (pretty ? text.size() >= kMaxTextBytes : bytes.size() > kMaxTextBytes);
    const bool highlight = text.size() <= kMaxHighlightBytes;
    m_highlighter->setDocument(nullptr); // no highlighting work while the text goes in
    m_text->setPlainText(text);
    if (cut)
        m_text->appendPlainText(
            tr("\n… cut at %1; Hex mode and Save body… have all %2.")
                .arg(DisplayText::bytes(kMaxTextBytes), DisplayText::bytes(bytes.size())));
    if (highlight) {
        m_highlighter->setDocument(m_text->document());
        m_highlighter->setLanguage(languageFor(m_kind), palette().color(QPalette::PlaceholderText));
    }
    m_pages->setCurrentWidget(m_text);
}

void BodyViewer::showJson() {
    if (!m_body.jsonValid) {
        showMessage(m_kind == BodyKind::Json ? tr("The body is not valid JSON (see Text mode).")
                                             : tr("The body is not JSON."));
        return;
    }
    m_json->setDocument(m_body.json);
    m_pages->setCurrentWidget(m_json);
}

void BodyViewer::showForm() {
    ParsedForm form;
    if (m_kind == BodyKind::Multipart)
        form = FormFields::parseMultipart(
            currentBytes(), BodyKindDetector::parameter(m_body.contentType, "boundary"));
    else if (m_kind == BodyKind::UrlEncodedForm)
        form = FormFields::parseUrlEncoded(currentBytes());
    else {
        showMessage(tr("The body is not a form (Content-Type %1).")
                        .arg(QString::fromLatin1(m_body.contentType)));
        return;
    }
    m_form->setRowCount(static_cast<int>(form.fields.size()));
    for (int row = 0; row < form.fields.size(); ++row) {
        const FormField& field = form.fields[row];
        const QString cells[] = {field.name, fieldValueText(field), field.fileName,
                                 QString::fromLatin1(field.contentType),
                                 DisplayText::bytes(field.value.size())};
        for (int column = 0; column < 5; ++column)
            m_form->setItem(row, column, new QTableWidgetItem(cells[column]));
    }
    if (!form.problem.isEmpty())
        m_banner->setText((m_banner->text().isEmpty() ? QString() : m_banner->text() + u'\n') +
                          tr("Form: %1.").arg(form.problem));
    m_banner->setVisible(!m_banner->text().isEmpty());
    m_pages->setCurrentWidget(m_form);
}

void BodyViewer::showImage() {
    if (m_body.image.isNull()) {
        showMessage(tr("The body is not an image Qt can read (formats: PNG, JPEG, GIF, WebP, "
                       "SVG)."));
        return;
    }
    m_image->setPixmap(QPixmap::fromImage(m_body.image));
    m_info->setText(tr("%1 image · %2 × %3 px · %4")
                        .arg(QString::fromLatin1(m_body.imageFormat.toUpper()))
                        .arg(m_body.image.width())
                        .arg(m_body.image.height())
                        .arg(DisplayText::bytes(currentBytes().size())));
    m_pages->setCurrentWidget(m_imageArea);
}

void BodyViewer::showMessage(const QString& text) {
    m_message->setText(text);
    m_pages->setCurrentWidget(m_message);
}

void BodyViewer::updateBanner() {
    QStringList lines;
    const core::store::BodyContent& content = m_body.encoded;
    if (m_body.present) {
        const QString truncated =
            DisplayText::truncationBanner(content.truncated, content.stored, content.size);
        if (!truncated.isEmpty())
            lines << truncated;
        if (codingsDiffer() && !m_body.decoded.message.isEmpty())
            lines << tr("Decoding: %1.").arg(m_body.decoded.message);
        else if (!m_body.encoded.message.isEmpty())
            lines << tr("Decoding: %1.").arg(m_body.encoded.message);
    }
    m_banner->setText(lines.join(u'\n'));
    m_banner->setVisible(!lines.isEmpty());
}

bool BodyViewer::saveBody() {
    const QString path = m_chooseFile ? m_chooseFile(this, m_suggestedName) : QString();
    if (path.isEmpty())
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(currentBytes()) != currentBytes().size() ||
        !file.commit()) {
        const QString message = tr("Cannot save %1: %2").arg(path, file.errorString());
        m_info->setText(message);
        Q_EMIT saveFailed(message);
        return false;
    }
    Q_EMIT bodySaved(path);
    return true;
}

} // namespace spyglass::ui::inspector
