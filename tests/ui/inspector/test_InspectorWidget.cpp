// InspectorWidget: real session files (SessionWriter), loaded on the
// inspector's worker thread, asserted through the widgets by objectName.
#include "InspectorSessions.h"
#include "ui/inspector/HexView.h"
#include "ui/inspector/InspectorWidget.h"
#include "ui/inspector/JsonTreeView.h"
#include "ui/inspector/SyntaxHighlighter.h"
#include "ui/inspector/TimingWaterfall.h"

#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>
#include <QTreeWidget>

using namespace spyglass::ui::inspector;
using namespace spyglass::ui::inspector::testing;

namespace {

// Loads run on a worker; a 16 MiB body takes a while under sanitizers.
constexpr int kLoadTimeoutMs = 60'000;

QStringList column(const QTableWidget* table, int col) {
    QStringList out;
    for (int row = 0; row < table->rowCount(); ++row)
        out << (table->item(row, col) ? table->item(row, col)->text() : QString());
    return out;
}

QTreeWidgetItem* findItem(QTreeWidget* tree, int col, const QString& text) {
    const QList<QTreeWidgetItem*> found =
        tree->findItems(text, Qt::MatchExactly | Qt::MatchRecursive, col);
    return found.isEmpty() ? nullptr : found.first();
}

} // namespace

class TestInspectorWidget : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_main;
    QString m_truncated;
    SessionIds m_ids;
    std::unique_ptr<InspectorWidget> m_inspector;

    template <typename T> T* child(const char* name) {
        T* found = m_inspector->findChild<T*>(QString::fromLatin1(name));
        if (!found)
            qFatal("no child %s", name);
        return found;
    }
    QString labelText(const char* name) { return child<QLabel>(name)->text(); }

    // Shows `id` and waits for it to be on display.
    bool show(qint64 id) {
        QSignalSpy shown(m_inspector.get(), &InspectorWidget::exchangeShown);
        m_inspector->showExchange(id);
        if (!shown.wait(kLoadTimeoutMs))
            return false;
        return m_inspector->shownExchange() == id;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_main = m_dir.filePath(QStringLiteral("main.spyglass"));
        m_truncated = m_dir.filePath(QStringLiteral("cut.spyglass"));
        m_ids = writeSessions(m_main, m_truncated);
    }

    void init() {
        m_inspector = std::make_unique<InspectorWidget>();
        m_inspector->resize(1000, 700);
        m_inspector->show();
        m_inspector->setSessionFile(m_main);
    }
    void cleanup() { m_inspector.reset(); }

    void gzipJsonResponseShowsDecodedTreeAndEncodedHex() {
        QVERIFY(show(m_ids.json));
        QCOMPARE(labelText("overviewStatus"), QStringLiteral("200 OK"));
        QCOMPARE(labelText("overviewUrl"),
                 QStringLiteral("GET https://example.com/api/items?page=1"));
        QVERIFY(labelText("overviewMode").startsWith(QStringLiteral("Intercepted")));
        QCOMPARE(labelText("overviewClient"), QStringLiteral("127.0.0.1:50000"));
        QVERIFY(labelText("overviewServer").startsWith(QStringLiteral("example.com:443")));
        QVERIFY2(labelText("overviewResponseSize").contains(QStringLiteral("gzip")),
                 qPrintable(labelText("overviewResponseSize")));
        QVERIFY(!child<QLabel>("overviewError")->isVisibleTo(child<QWidget>("overviewPage")));

        auto* headers = child<QTableWidget>("responseHeaders");
        const QStringList names = column(headers, 0);
        const int encoding = static_cast<int>(names.indexOf(QStringLiteral("Content-Encoding")));
        QVERIFY(encoding >= 0);
        QCOMPARE(headers->item(encoding, 1)->text(), QStringLiteral("gzip"));
        QCOMPARE(labelText("responseHeadersStartLine"), QStringLiteral("HTTP/1.1 200 OK"));
        QVERIFY(column(child<QTableWidget>("requestHeaders"), 0)
                    .contains(QStringLiteral("User-Agent")));

        BodyViewer* body = m_inspector->responseBody();
        QCOMPARE(body->objectName(), QStringLiteral("responseBody"));
        QCOMPARE(body->effectiveMode(), BodyViewer::Mode::Json);
        QCOMPARE(body->currentBytes(), kJson);
        auto* tree = child<JsonTreeView>("responseBodyJson");
        QVERIFY(tree->isVisibleTo(body));
        QTreeWidgetItem* name = findItem(tree, 0, QStringLiteral("name"));
        QVERIFY(name);
        QCOMPARE(name->text(1), QStringLiteral("\"spyglass\""));
        QTreeWidgetItem* items = findItem(tree, 0, QStringLiteral("items"));
        QVERIFY(items);
        QCOMPARE(items->childCount(), 2);
        QCOMPARE(items->text(2), QStringLiteral("array"));
        QVERIFY(findItem(tree, 0, QStringLiteral("deep")));

        // The stored bytes: gzip's magic number in the hex view.
        auto* decoded = child<QCheckBox>("responseBodyDecoded");
        QVERIFY(decoded->isEnabled());
        decoded->click();
        QVERIFY(!body->showsDecoded());
        QCOMPARE(body->effectiveMode(), BodyViewer::Mode::Hex);
        auto* hex = child<HexView>("responseBodyHex");
        QVERIFY(hex->lineText(0).startsWith(QStringLiteral("00000000  1f 8b 08")));
        decoded->click();
        QCOMPARE(body->effectiveMode(), BodyViewer::Mode::Json);

        // Text mode pretty-prints and highlights.
        body->setMode(BodyViewer::Mode::Text);
        auto* text = child<QPlainTextEdit>("responseBodyText");
        QVERIFY(text->toPlainText().contains(QStringLiteral("\n    \"name\": \"spyglass\"")));
        bool coloured = false;
        for (QTextBlock block = text->document()->begin(); block.isValid(); block = block.next())
            coloured = coloured || !block.layout()->formats().isEmpty();
        QVERIFY(coloured);
    }

    void saveBodyWritesTheShownBytes() {
        QVERIFY(show(m_ids.json));
        const QString target = m_dir.filePath(QStringLiteral("saved.json"));
        QString suggested;
        m_inspector->setSaveFileChooser([&](QWidget*, const QString& name) {
            suggested = name;
            return target;
        });
        QSignalSpy saved(m_inspector->responseBody(), &BodyViewer::bodySaved);
        child<QPushButton>("responseBodySave")->click();
        QCOMPARE(saved.count(), 1);
        QCOMPARE(suggested, QStringLiteral("exchange-%1-response.json").arg(m_ids.json));
        QFile file(target);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), kJson);

        // The encoded bytes when Decoded is off; a cancelled dialog writes nothing.
        m_inspector->responseBody()->setShowDecoded(false);
        QVERIFY(m_inspector->responseBody()->saveBody());
        file.close();
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().startsWith("\x1f\x8b"));
        m_inspector->setSaveFileChooser([](QWidget*, const QString&) { return QString(); });
        QVERIFY(!m_inspector->responseBody()->saveBody());
        QCOMPARE(saved.count(), 2);
    }

    void htmlPageShowsHighlightedText() {
        QVERIFY(show(m_ids.html));
        BodyViewer* body = m_inspector->responseBody();
        QCOMPARE(body->kind(), BodyKind::Markup);
        QCOMPARE(body->effectiveMode(), BodyViewer::Mode::Text);
        auto* text = child<QPlainTextEdit>("responseBodyText");
        QVERIFY(text->toPlainText().startsWith(QStringLiteral("<!DOCTYPE html>")));
        const QTextBlock comment = text->document()->findBlockByLineNumber(4);
        QVERIFY(comment.text().contains(QStringLiteral("<!--")));
        QVERIFY(!comment.layout()->formats().isEmpty());
        QVERIFY(!child<QCheckBox>("responseBodyDecoded")->isEnabled()); // nothing to decode
    }

    void imageShowsAtItsSize() {
        QVERIFY(show(m_ids.image));
        BodyViewer* body = m_inspector->responseBody();
        QCOMPARE(body->effectiveMode(), BodyViewer::Mode::Image);
        auto* image = child<QLabel>("responseBodyImage");
        QCOMPARE(image->pixmap().size(), QSize(kImageWidth, kImageHeight));
        QVERIFY(labelText("responseBodyInfo").contains(QStringLiteral("PNG image · 64 × 48 px")));
        // Hex on request: the PNG signature.
        body->setMode(BodyViewer::Mode::Hex);
        QVERIFY(child<HexView>("responseBodyHex")
                    ->lineText(0)
                    .startsWith(QStringLiteral("00000000  89 50 4e 47 0d 0a 1a 0a")));
    }

    void otherImageFormats_data() {
        QTest::addColumn<qint64 SessionIds::*>("which");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QString>("format");
        QTest::newRow("svg") << &SessionIds::svg << QSize(40, 30) << QStringLiteral("SVG");
        QTest::newRow("webp") << &SessionIds::webp << QSize(32, 16) << QStringLiteral("WEBP");
    }
    void otherImageFormats() {
        QFETCH(qint64 SessionIds::*, which);
        QFETCH(QSize, size);
        QFETCH(QString, format);
        QVERIFY(show(m_ids.*which));
        QCOMPARE(m_inspector->responseBody()->effectiveMode(), BodyViewer::Mode::Image);
        QCOMPARE(child<QLabel>("responseBodyImage")->pixmap().size(), size);
        QVERIFY(labelText("responseBodyInfo").startsWith(format + QStringLiteral(" image")));
    }

    void urlEncodedFormShowsFields() {
        QVERIFY(show(m_ids.urlEncoded));
        BodyViewer* body = m_inspector->requestBody();
        QCOMPARE(body->effectiveMode(), BodyViewer::Mode::Form);
        auto* form = child<QTableWidget>("requestBodyForm");
        QCOMPARE(column(form, 0), (QStringList{QStringLiteral("q"), QStringLiteral("check"),
                                               QStringLiteral("empty")}));
        QCOMPARE(column(form, 1),
                 (QStringList{QStringLiteral("two words"), QString(QChar(0x2713)), QString()}));
    }

    void multipartFormShowsParts() {
        QVERIFY(show(m_ids.multipart));
        QCOMPARE(labelText("overviewStatus"), QStringLiteral("201 Created"));
        QCOMPARE(labelText("responseHeadersStartLine"),
                 QStringLiteral("HTTP/1.1 201 Created  (after 100 Continue)"));
        child<QCheckBox>("responseHeadersRawToggle")->click();
        QVERIFY(child<QPlainTextEdit>("responseHeadersRaw")
                    ->toPlainText()
                    .startsWith(QStringLiteral("HTTP/1.1 100 Continue\n\nHTTP/1.1 201 Created\n")));
        BodyViewer* body = m_inspector->requestBody();
        QCOMPARE(body->effectiveMode(), BodyViewer::Mode::Form);
        auto* form = child<QTableWidget>("requestBodyForm");
        QCOMPARE(column(form, 0), (QStringList{QStringLiteral("title"), QStringLiteral("upload")}));
        QCOMPARE(form->item(0, 1)->text(), QStringLiteral("Hello"));
        QCOMPARE(form->item(1, 2)->text(), QStringLiteral("data.bin"));
        QCOMPARE(form->item(1, 3)->text(), QStringLiteral("application/octet-stream"));
        QCOMPARE(form->item(1, 4)->text(), QStringLiteral("300 B"));
        QVERIFY(!child<QLabel>("requestBodyBanner")->isVisibleTo(body));
    }

    void bigBinaryBodyPaintsOnlyVisibleLines() {
        QElapsedTimer clock; // reported, never asserted
        clock.start();
        QVERIFY(show(m_ids.big));
        qInfo("16 MiB body: read and shown in %lld ms", clock.elapsed());
        BodyViewer* body = m_inspector->responseBody();
        QCOMPARE(body->currentBytes().size(), kBigSize);
        QCOMPARE(body->effectiveMode(), BodyViewer::Mode::Hex);
        m_inspector->tabs()->setCurrentWidget(child<QWidget>("responsePage"));
        auto* hex = child<HexView>("responseBodyHex");
        QVERIFY(hex->isVisible());
        // 16 bytes a line fit the width: no horizontal scrolling.
        QCOMPARE(hex->horizontalScrollBar()->maximum(), 0);
        QCOMPARE(hex->lineCount(), kBigSize / 16);
        const QByteArray first = pattern(16);
        QVERIFY(
            hex->lineText(0).startsWith(QStringLiteral("00000000  %1 %2")
                                            .arg(QString::fromLatin1(first.first(1).toHex()),
                                                 QString::fromLatin1(first.sliced(1, 1).toHex()))));
        // Paint the end of the body: a screenful of lines, not a million.
        hex->scrollToLine(hex->lineCount());
        QVERIFY(hex->firstVisibleLine() > hex->lineCount() - hex->visibleLineCount() - 1);
        hex->viewport()->repaint();
        QVERIFY(hex->linesPaintedLastTime() > 0);
        QVERIFY(hex->linesPaintedLastTime() <= hex->visibleLineCount() + 1);
        QVERIFY(hex->lineText(hex->lineCount() - 1).startsWith(QStringLiteral("00fffff0  ")));
        QVERIFY(hex->lineText(hex->lineCount()).isEmpty());
    }

    void truncatedBodySaysWhy() {
        m_inspector->setSessionFile(m_truncated);
        QVERIFY(show(m_ids.truncated));
        auto* banner = child<QLabel>("responseBodyBanner");
        QVERIFY(banner->isVisibleTo(m_inspector->responseBody()));
        QVERIFY2(banner->text().contains(QStringLiteral("1000 of 5000 bytes")),
                 qPrintable(banner->text()));
        QVERIFY(banner->text().contains(QStringLiteral("capture cap")));
        QCOMPARE(m_inspector->responseBody()->currentBytes().size(), kTruncatedCap);
    }

    void failedExchangeExplainsAndOffersTheFix() {
        QVERIFY(show(m_ids.failed));
        QCOMPARE(labelText("overviewStatus"), QStringLiteral("no response"));
        QCOMPARE(labelText("overviewError"), kTrustError);
        QVERIFY(child<QLabel>("overviewError")->isVisibleTo(child<QWidget>("overviewPage")));
        QVERIFY(labelText("overviewExplanation").contains(QStringLiteral("does not trust")));
        QVERIFY(labelText("overviewFix").contains(QStringLiteral("Root CA")));
        auto* button = child<QPushButton>("overviewOpenRootCa");
        QVERIFY(button->isVisibleTo(child<QWidget>("overviewPage")));
        QSignalSpy open(m_inspector.get(), &InspectorWidget::openRootCaRequested);
        button->click();
        QCOMPARE(open.count(), 1);
        QCOMPARE(labelText("requestHeadersStartLine"), QStringLiteral("(no head recorded)"));

        // A success hides the error rows and the button again.
        QVERIFY(show(m_ids.html));
        QVERIFY(!button->isVisibleTo(child<QWidget>("overviewPage")));
        QVERIFY(!child<QLabel>("overviewError")->isVisibleTo(child<QWidget>("overviewPage")));
    }

    void tunnelShowsEndpointsAndBytes() {
        QVERIFY(show(m_ids.tunnel));
        QTabWidget* tabs = m_inspector->tabs();
        QVERIFY(!tabs->isTabVisible(tabs->indexOf(child<QWidget>("requestPage"))));
        QVERIFY(!tabs->isTabVisible(tabs->indexOf(child<QWidget>("responsePage"))));
        QVERIFY(labelText("overviewMode").startsWith(QStringLiteral("Tunnel")));
        QCOMPARE(labelText("overviewServer"),
                 QStringLiteral("tunnel.example:8443 (SNI sni.tunnel.example)"));
        QCOMPARE(labelText("overviewRequestSize"),
                 QStringLiteral("1.2 KiB relayed client → server"));
        QCOMPARE(labelText("overviewResponseSize"),
                 QStringLiteral("55.5 KiB relayed server → client"));
        QCOMPARE(labelText("overviewNote"), QStringLiteral("blind tunnel: no intercept rule"));
        QCOMPARE(labelText("overviewStatus"), QStringLiteral("200 (tunnel established)"));
        QStringList phases;
        for (const TimingPhase& phase : m_inspector->waterfall()->phases())
            phases << phase.name;
        QCOMPARE(phases, (QStringList{QStringLiteral("Connect"), QStringLiteral("Relay")}));
        QVERIFY(labelText("tlsSummary").contains(QStringLiteral("sni.tunnel.example")));

        // The next ordinary exchange brings the tabs back.
        QVERIFY(show(m_ids.html));
        QVERIFY(tabs->isTabVisible(tabs->indexOf(child<QWidget>("responsePage"))));
    }

    void timingWaterfallHasThePhases() {
        QVERIFY(show(m_ids.json));
        const QList<TimingPhase> phases = m_inspector->waterfall()->phases();
        QStringList names;
        for (const TimingPhase& phase : phases)
            names << phase.name;
        QCOMPARE(names, (QStringList{QStringLiteral("Connect"), QStringLiteral("TLS to server"),
                                     QStringLiteral("TLS to client"), QStringLiteral("Request"),
                                     QStringLiteral("Wait"), QStringLiteral("Response")}));
        QCOMPARE(phases[0].startUs, 20);
        QCOMPARE(phases[0].durationUs(), 100);
        QCOMPARE(phases[4].durationUs(), 1200); // wait: sent at 700, answered at 1900
        QCOMPARE(m_inspector->waterfall()->totalUs(), 2500);
        m_inspector->tabs()->setCurrentWidget(child<QWidget>("timingPage"));
        QVERIFY(!m_inspector->waterfall()->grab().isNull());
    }

    void tlsShowsBothLegsAndTheChain() {
        QVERIFY(show(m_ids.json));
        auto* tree = child<QTreeWidget>("tlsTree");
        QVERIFY(findItem(tree, 0, QStringLiteral("Client ↔ Spyglass")));
        QTreeWidgetItem* server = findItem(tree, 0, QStringLiteral("Spyglass ↔ server"));
        QVERIFY(server);
        QTreeWidgetItem* chain = findItem(tree, 0, QStringLiteral("Certificate chain"));
        QVERIFY(chain);
        QCOMPARE(chain->childCount(), 2);
        QTreeWidgetItem* leaf = chain->child(0);
        QCOMPARE(leaf->text(1), QStringLiteral("example.com"));
        QStringList fields;
        for (int i = 0; i < leaf->childCount(); ++i)
            fields << leaf->child(i)->text(0) + u'=' + leaf->child(i)->text(1);
        QVERIFY2(fields.contains(QStringLiteral("Alternative names=DNS:example.com")),
                 qPrintable(fields.join(u'\n')));
        QVERIFY(fields.filter(QStringLiteral("Issuer="))
                    .first()
                    .contains(QStringLiteral("Spyglass CA")));
        // SHA-256: 32 bytes as "AB:CD:…".
        QCOMPARE(fields.filter(QStringLiteral("SHA-256=")).first().size(), 8 + 32 * 3 - 1);
        QVERIFY(findItem(tree, 1, QStringLiteral("TLS_AES_128_GCM_SHA256")));
    }

    void rapidSelectionShowsOnlyTheLast() {
        QSignalSpy shown(m_inspector.get(), &InspectorWidget::exchangeShown);
        m_inspector->showExchange(m_ids.big);
        m_inspector->showExchange(m_ids.image);
        m_inspector->showExchange(m_ids.multipart);
        m_inspector->showExchange(m_ids.html);
        QTRY_COMPARE_WITH_TIMEOUT(m_inspector->shownExchange(), m_ids.html, kLoadTimeoutMs);
        // Queued results of the earlier requests, if any, are dropped.
        QTest::qWait(100);
        QCOMPARE(shown.count(), 1);
        QCOMPARE(shown.first().first().toLongLong(), m_ids.html);
        QCOMPARE(m_inspector->responseBody()->kind(), BodyKind::Markup);
        QVERIFY(!m_inspector->isLoading());
    }

    void reloadShowsTheSameExchangeAgain() {
        QVERIFY(show(m_ids.html));
        QSignalSpy shown(m_inspector.get(), &InspectorWidget::exchangeShown);
        m_inspector->reload();
        QVERIFY(shown.wait(kLoadTimeoutMs));
        QCOMPARE(shown.first().first().toLongLong(), m_ids.html);
        QCOMPARE(m_inspector->shownExchange(), m_ids.html);
    }

    void unknownIdReportsAndClears() {
        QVERIFY(show(m_ids.json));
        QSignalSpy failed(m_inspector.get(), &InspectorWidget::loadFailed);
        m_inspector->showExchange(999'999);
        QVERIFY(failed.wait(kLoadTimeoutMs));
        QCOMPARE(m_inspector->shownExchange(), 0);
        QVERIFY(labelText("inspectorStatus").contains(QStringLiteral("not in this session")));
        QVERIFY(m_inspector->responseBody()->currentBytes().isEmpty());
    }

    void badSessionFileReportsTheError() {
        m_inspector->setSessionFile(m_dir.filePath(QStringLiteral("missing/none.spyglass")));
        QSignalSpy failed(m_inspector.get(), &InspectorWidget::loadFailed);
        m_inspector->showExchange(1);
        QVERIFY(failed.wait(kLoadTimeoutMs));
        QVERIFY(labelText("inspectorStatus").startsWith(QStringLiteral("Cannot read exchange 1")));
    }

    // Every tab renders; SPYGLASS_SCREENSHOT_DIR=docs/screenshots also keeps
    // the pictures for the documentation.
    void screenshots() {
        const QString keep = qEnvironmentVariable("SPYGLASS_SCREENSHOT_DIR");
        // The documentation keeps a few; every tab is still rendered and checked.
        const QStringList forDocs = {
            QStringLiteral("inspector.png"), QStringLiteral("inspector-error.png"),
            QStringLiteral("inspector-timing.png"), QStringLiteral("inspector-dark.png")};
        auto save = [&](const QString& name) {
            const QPixmap picture = m_inspector->grab();
            QCOMPARE(picture.size(), m_inspector->size());
            QVERIFY(picture.save(m_dir.filePath(name)));
            QCOMPARE(QImage(m_dir.filePath(name)).size(), m_inspector->size());
            if (!keep.isEmpty() && forDocs.contains(name))
                QVERIFY(picture.save(QDir(keep).filePath(name)));
        };
        QVERIFY(show(m_ids.json));
        m_inspector->tabs()->setCurrentWidget(child<QWidget>("responsePage"));
        save(QStringLiteral("inspector.png"));
        m_inspector->tabs()->setCurrentWidget(child<QWidget>("overviewPage"));
        save(QStringLiteral("inspector-overview.png"));
        m_inspector->tabs()->setCurrentWidget(child<QWidget>("timingPage"));
        save(QStringLiteral("inspector-timing.png"));
        m_inspector->tabs()->setCurrentWidget(child<QWidget>("tlsPage"));
        save(QStringLiteral("inspector-tls.png"));
        QVERIFY(show(m_ids.failed));
        m_inspector->tabs()->setCurrentWidget(child<QWidget>("overviewPage"));
        save(QStringLiteral("inspector-error.png"));
        QVERIFY(show(m_ids.multipart));
        m_inspector->tabs()->setCurrentWidget(child<QWidget>("requestPage"));
        save(QStringLiteral("inspector-form.png"));
        QVERIFY(show(m_ids.big));
        m_inspector->tabs()->setCurrentWidget(child<QWidget>("responsePage"));
        save(QStringLiteral("inspector-hex.png"));

        // A dark palette, as a dark desktop theme sets it: palette roles follow.
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
        dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
        dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
        dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
        dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
        m_inspector->setPalette(dark);
        QVERIFY(show(m_ids.html));
        m_inspector->tabs()->setCurrentWidget(child<QWidget>("responsePage"));
        save(QStringLiteral("inspector-dark.png"));
    }
};

QTEST_MAIN(TestInspectorWidget)
#include "test_InspectorWidget.moc"
