#pragma once

#include <QByteArray>
#include <QMutex>
#include <list>
#include <map>
#include <openssl/ssl.h>

namespace spyglass::core::tls {

// TLS sessions of the server legs (we are the client), so a new intercepted
// connection to an origin we talked to resumes instead of a full handshake:
// no certificate to send, parse and verify (OpenSSL 3.0's key decoding is a
// large part of a new connection's CPU, docs/performance.md finding 4) and
// no full key exchange. Keyed by the client context (verifying or not: a
// resumed session keeps the verification result of the first handshake),
// host, port and SNI. Bounded LRU; sessions are reference-counted OpenSSL
// objects, so a session handed out stays valid after eviction.
//
// A session is reused by several connections (TLS 1.3 advises one ticket per
// connection for privacy against passive observers linking connections; a
// debugging proxy talking to an origin on its user's behalf has no such
// concern, and reuse lets 16 parallel connections resume).
class UpstreamSessionCache {
public:
    explicit UpstreamSessionCache(std::size_t capacity = kDefaultCapacity)
        : m_capacity(capacity) {}
    ~UpstreamSessionCache();
    UpstreamSessionCache(const UpstreamSessionCache&) = delete;
    UpstreamSessionCache& operator=(const UpstreamSessionCache&) = delete;

    // Sets `ctx` (a client context) to hand its new sessions to a
    // SSL_CTX_sess_set_new_cb callback, which the owner of `ctx` installs and
    // forwards to sessionCreated() (it finds us through the context's app
    // data; OpenSSL callbacks carry no user pointer of their own).
    void configure(SSL_CTX* ctx);
    // The new-session callback: keeps a copy of `session` when it is
    // resumable and `ssl` was prepared. Returns 0: `session` stays OpenSSL's.
    int sessionCreated(SSL* ssl, SSL_SESSION* session);
    // Before the handshake: remembers the key on `ssl` and offers a cached
    // session for it, if any.
    void prepare(SSL* ssl, const QByteArray& host, quint16 port, const QByteArray& sni);

    [[nodiscard]] std::size_t size() const;
    [[nodiscard]] qint64 hits() const { return m_hits; }

    static constexpr std::size_t kDefaultCapacity = 1000;

private:
    void store(const QByteArray& key, SSL_SESSION* session);

    struct Entry {
        QByteArray key;
        SSL_SESSION* session;
    };
    std::size_t m_capacity;
    mutable QMutex m_mutex;
    std::list<Entry> m_lru; // most recent first
    std::map<QByteArray, std::list<Entry>::iterator> m_index;
    qint64 m_hits = 0;
    int m_keyIndex = -1; // SSL ex_data slot holding the key (a QByteArray*)
};

} // namespace spyglass::core::tls
