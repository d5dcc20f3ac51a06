#pragma once

#include "BodyKind.h"
#include "LoadedExchange.h"

#include <QWidget>
#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QScrollArea;
class QStackedWidget;
class QTableWidget;

namespace spyglass::ui::inspector {

class HexView;
class JsonTreeView;
class SyntaxHighlighter;

// Asks where to save a body; returns "" when the person cancelled. The
// default opens QFileDialog; tests supply the path (KeePassXC's FileDialog
// seam does the same).
using SaveFileChooser = std::function<QString(QWidget* parent, const QString& suggestedName)>;

// One message body: a mode (Auto picks from the content), the encoded or the
// decoded bytes, a banner when the stored body is truncated or decoding
// stopped, and "Save body…". Child objectNames start with the viewer's own
// (set with setNamePrefix): <prefix>Mode, Decoded, Pretty, Save, Banner,
// Info, Text, Json, Form, Image, Hex, Message.
class BodyViewer final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BodyViewer)

public:
    enum class Mode { Auto, Text, Json, Form, Image, Hex };
    // Text beyond this is cut in Text mode (Hex and Save have everything):
    // QPlainTextEdit lays out every line, which for tens of MiB is seconds.
    static constexpr qsizetype kMaxTextBytes = 2 << 20;
    // Highlighting is regex work per line on the GUI thread; past this the
    // text shows plain.
    static constexpr qsizetype kMaxHighlightBytes = 512 << 10;

    explicit BodyViewer(QWidget* parent = nullptr);
    ~BodyViewer() override;

    // Names this viewer and its children (see the class comment).
    void setNamePrefix(const QString& prefix);
    void setSaveFileChooser(SaveFileChooser chooser) { m_chooseFile = std::move(chooser); }
    // Shown in the save dialog, e.g. "exchange-42-response.json".
    void setSuggestedFileName(const QString& name) { m_suggestedName = name; }

    // Shares `body`'s bytes; an absent body shows "No body".
    void setBody(const LoadedBody& body);
    void clear();

    void setMode(Mode mode);
    [[nodiscard]] Mode mode() const { return m_mode; }
    // What Auto resolved to (or the chosen mode).
    [[nodiscard]] Mode effectiveMode() const { return m_effective; }
    [[nodiscard]] BodyKind kind() const { return m_kind; }
    // Decoded (content codings removed) or the bytes as stored.
    void setShowDecoded(bool decoded);
    [[nodiscard]] bool showsDecoded() const { return m_showDecoded; }
    // The bytes the viewer shows (and "Save body…" writes).
    [[nodiscard]] const QByteArray& currentBytes() const;
    // Saves currentBytes() to a file the chooser names; false on cancel or error.
    bool saveBody();

Q_SIGNALS:
    void bodySaved(const QString& path);
    void saveFailed(const QString& message);

private:
    void buildToolBar();
    void buildPages();
    void refresh();
    void showText();
    void showJson();
    void showForm();
    void showImage();
    void showMessage(const QString& text);
    [[nodiscard]] Mode autoMode() const;
    [[nodiscard]] bool codingsDiffer() const;
    void updateBanner();

    LoadedBody m_body;
    BodyKind m_kind = BodyKind::Empty;
    Mode m_mode = Mode::Auto;
    Mode m_effective = Mode::Auto;
    bool m_showDecoded = true;
    SaveFileChooser m_chooseFile;
    QString m_suggestedName;

    QComboBox* m_modeBox = nullptr;
    QCheckBox* m_decoded = nullptr;
    QCheckBox* m_pretty = nullptr;
    QLabel* m_info = nullptr;
    QPushButton* m_save = nullptr;
    QLabel* m_banner = nullptr;
    QStackedWidget* m_pages = nullptr;
    QPlainTextEdit* m_text = nullptr;
    SyntaxHighlighter* m_highlighter = nullptr;
    JsonTreeView* m_json = nullptr;
    QTableWidget* m_form = nullptr;
    QScrollArea* m_imageArea = nullptr;
    QLabel* m_image = nullptr;
    HexView* m_hex = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace spyglass::ui::inspector
