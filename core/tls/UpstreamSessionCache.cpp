#include "UpstreamSessionCache.h"

namespace spyglass::core::tls {

namespace {

void freeKey(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
    delete static_cast<QByteArray*>(ptr);
}

} // namespace

UpstreamSessionCache::~UpstreamSessionCache() {
    for (Entry& entry : m_lru)
        SSL_SESSION_free(entry.session);
}

void UpstreamSessionCache::configure(SSL_CTX* ctx) {
    if (m_keyIndex < 0)
        m_keyIndex = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, freeKey);
    // Client sessions are handed to our callback only: OpenSSL's internal
    // cache is for the server role.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
}

void UpstreamSessionCache::prepare(SSL* ssl, const QByteArray& host, quint16 port,
                                   const QByteArray& sni) {
    if (m_keyIndex < 0)
        return;
    // The context is part of the key: verifying and non-verifying legs never
    // share a session.
    auto* key =
        new QByteArray(QByteArray::number(reinterpret_cast<quintptr>(SSL_get_SSL_CTX(ssl)), 16));
    key->append(' ').append(host).append(':').append(QByteArray::number(port)).append(' ');
    key->append(sni);
    QMutexLocker lock(&m_mutex);
    if (auto it = m_index.find(*key); it != m_index.end()) {
        m_lru.splice(m_lru.begin(), m_lru, it->second);
        SSL_set_session(ssl, it->second->session); // takes its own reference
        ++m_hits;
    }
    lock.unlock();
    SSL_set_ex_data(ssl, m_keyIndex, key);
}

int UpstreamSessionCache::sessionCreated(SSL* ssl, SSL_SESSION* session) {
    if (m_keyIndex < 0 || !SSL_SESSION_is_resumable(session))
        return 0;
    const auto* key = static_cast<const QByteArray*>(SSL_get_ex_data(ssl, m_keyIndex));
    if (!key)
        return 0;
    // A copy: OpenSSL marks the connection's own session not resumable when
    // that connection ends without close_notify (ssl_clear_bad_session),
    // which would spoil the cached ticket too; RFC 5246 §7.2.1 and RFC 8446
    // let a session outlive an abrupt close.
    SSL_SESSION* copy = SSL_SESSION_dup(session);
    if (!copy)
        return 0;
    store(*key, copy);
    return 0; // OpenSSL keeps (and frees) its own reference
}

std::size_t UpstreamSessionCache::size() const {
    QMutexLocker lock(&m_mutex);
    return m_lru.size();
}

void UpstreamSessionCache::store(const QByteArray& key, SSL_SESSION* session) {
    QMutexLocker lock(&m_mutex);
    if (auto it = m_index.find(key); it != m_index.end()) {
        SSL_SESSION_free(it->second->session);
        it->second->session = session;
        m_lru.splice(m_lru.begin(), m_lru, it->second);
        return;
    }
    m_lru.push_front(Entry{key, session});
    m_index.emplace(key, m_lru.begin());
    while (m_lru.size() > m_capacity) {
        SSL_SESSION_free(m_lru.back().session);
        m_index.erase(m_lru.back().key);
        m_lru.pop_back();
    }
}

} // namespace spyglass::core::tls
