#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <map>

// Local origins for the window tests, on 127.0.0.1 only.

// A plain HTTP/1.1 origin on this thread's event loop: answers every request
// with 200 and a short body naming the path.
class PlainOrigin final : public QObject {
public:
    PlainOrigin() {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                m_buffers[socket];
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
                connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                    m_buffers.erase(socket);
                    socket->deleteLater();
                });
            }
        });
    }
    // The sockets' disconnected() would otherwise run while the members are
    // being destroyed.
    ~PlainOrigin() override {
        for (auto& [socket, buffer] : m_buffers)
            disconnect(socket, nullptr, this, nullptr);
    }
    PlainOrigin(const PlainOrigin&) = delete;
    PlainOrigin& operator=(const PlainOrigin&) = delete;

    [[nodiscard]] quint16 port() const { return m_server.serverPort(); }

private:
    void serve(QTcpSocket* socket) {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        for (qsizetype end = buffer.indexOf("\r\n\r\n"); end >= 0;
             end = buffer.indexOf("\r\n\r\n")) {
            const QByteArray path = buffer.split(' ').value(1);
            const QByteArray body = "hello from " + path + "\n";
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                          QByteArray::number(body.size()) + "\r\n\r\n" + body);
            buffer.remove(0, end + 4);
        }
    }

    QTcpServer m_server;
    std::map<QTcpSocket*, QByteArray> m_buffers;
};

// `openssl s_server -www` with a self-signed certificate for localhost (its
// PEM doubles as the --upstream-ca the proxy verifies it with).
class TlsOrigin final {
public:
    explicit TlsOrigin(const QTemporaryDir& dir)
        : m_cert(dir.filePath(QStringLiteral("origin.pem")))
        , m_key(dir.filePath(QStringLiteral("origin.key"))) {}
    ~TlsOrigin() {
        m_server.kill();
        m_server.waitForFinished(5000);
    }
    TlsOrigin(const TlsOrigin&) = delete;
    TlsOrigin& operator=(const TlsOrigin&) = delete;

    // Makes the certificate and starts the server; false with `error` set.
    bool start(QString* error) {
        QProcess req;
        req.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=DNS:localhost"), QStringLiteral("-keyout"), m_key,
                   QStringLiteral("-out"), m_cert});
        if (!req.waitForFinished(30000) || req.exitCode() != 0) {
            *error = QString::fromLocal8Bit(req.readAllStandardError());
            return false;
        }
        // A free port: bind, note, release (s_server cannot report one).
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        m_port = probe.serverPort();
        probe.close();
        m_server.setProcessChannelMode(QProcess::MergedChannels);
        m_server.start(QStringLiteral("openssl"),
                       {QStringLiteral("s_server"), QStringLiteral("-www"),
                        QStringLiteral("-accept"), QStringLiteral("127.0.0.1:%1").arg(m_port),
                        QStringLiteral("-cert"), m_cert, QStringLiteral("-key"), m_key});
        if (!m_server.waitForStarted(10000)) {
            *error = m_server.errorString();
            return false;
        }
        // Bounded wait until it accepts.
        for (int i = 0; i < 100; ++i) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_port);
            if (socket.waitForConnected(200))
                return true;
            QThread::msleep(50);
        }
        *error = QStringLiteral("openssl s_server did not start: ") +
                 QString::fromLocal8Bit(m_server.readAll());
        return false;
    }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] const QString& certificate() const { return m_cert; }

private:
    QString m_cert;
    QString m_key;
    quint16 m_port = 0;
    QProcess m_server;
};
