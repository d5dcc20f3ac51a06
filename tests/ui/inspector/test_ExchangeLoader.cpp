// ExchangeLoader: the inspector's worker, driven directly on a thread of
// its own, against a real session file.
#include "InspectorSessions.h"
#include "ui/inspector/ExchangeLoader.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace spyglass::ui::inspector;
using namespace spyglass::ui::inspector::testing;

class TestExchangeLoader : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    SessionIds m_ids;
    QString m_path;

    // Runs one load on a worker thread, as the inspector does.
    LoadedExchangePtr loadOnWorker(qint64 id, quint64 generation, quint64 latest) {
        auto shared = std::make_shared<std::atomic<quint64>>(latest);
        QThread thread;
        ExchangeLoader loader(shared);
        loader.moveToThread(&thread);
        LoadedExchangePtr result;
        bool onWorker = false;
        connect(
            &loader, &ExchangeLoader::loaded, &loader,
            [&](const LoadedExchangePtr& loaded) {
                onWorker = QThread::currentThread() == &thread;
                result = loaded;
            },
            Qt::DirectConnection);
        thread.start();
        const QString path = m_path;
        QMetaObject::invokeMethod(
            &loader,
            [&, path, id, generation] {
                loader.openSession(path);
                loader.load(generation, id);
                loader.moveToThread(QCoreApplication::instance()->thread());
            },
            Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
        if (result && !onWorker)
            qFatal("the load ran on the wrong thread");
        return result;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("s.spyglass"));
        m_ids = writeSessions(m_path, m_dir.filePath(QStringLiteral("cut.spyglass")));
    }

    void decodesAndParsesOffTheGuiThread() {
        const LoadedExchangePtr loaded = loadOnWorker(m_ids.json, 7, 7);
        QVERIFY(loaded);
        QVERIFY(loaded->found);
        QCOMPARE(loaded->generation, quint64{7});
        QVERIFY(loaded->response.present);
        QVERIFY(loaded->response.encoded.data.startsWith("\x1f\x8b"));
        QVERIFY(loaded->response.decoded.decoded);
        QCOMPARE(loaded->response.decoded.data, kJson);
        QVERIFY(loaded->response.jsonValid);
        QCOMPARE(loaded->response.json[QStringLiteral("name")].toString(),
                 QStringLiteral("spyglass"));
        QCOMPARE(loaded->detail.tls.size(), 2);

        const LoadedExchangePtr image = loadOnWorker(m_ids.image, 1, 1);
        QVERIFY(image);
        QCOMPARE(image->response.imageFormat, QByteArray("png"));
        QCOMPARE(image->response.image.size(), QSize(kImageWidth, kImageHeight));
    }

    void identityBodyIsHeldOnce() {
        const LoadedExchangePtr loaded = loadOnWorker(m_ids.big, 1, 1);
        QVERIFY(loaded);
        QCOMPARE(loaded->response.decoded.data.size(), kBigSize);
        QVERIFY(!loaded->response.decoded.decoded);
        // Implicitly shared: the same buffer, not a 16 MiB copy.
        QCOMPARE(loaded->response.decoded.data.constData(),
                 loaded->response.encoded.data.constData());
    }

    void staleLoadIsSkipped() {
        // A newer request (generation 3) is pending: generation 2 never loads.
        QVERIFY(!loadOnWorker(m_ids.big, 2, 3));
    }

    void missingExchangeAndMissingFile() {
        const LoadedExchangePtr missing = loadOnWorker(424242, 1, 1);
        QVERIFY(missing);
        QVERIFY(!missing->found);
        QVERIFY(missing->error.isEmpty());

        m_path = m_dir.filePath(QStringLiteral("no/such.spyglass"));
        const LoadedExchangePtr noFile = loadOnWorker(1, 1, 1);
        m_path = m_dir.filePath(QStringLiteral("s.spyglass"));
        QVERIFY(noFile);
        QVERIFY(!noFile->found);
        QVERIFY(!noFile->error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestExchangeLoader)
#include "test_ExchangeLoader.moc"
