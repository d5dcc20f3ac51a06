#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <optional>

namespace spyglass::core::proxy {

// One host pattern, as typed by the user for --intercept, --no-intercept,
// --insecure-upstream or the GUI's lists:
//   example.com            that host only, any port
//   *.example.com          any subdomain at any depth, not example.com itself
//   api.example.com:8443   that host on that port only
//   *   *:8443             every host (on any port / that port)
//   127.0.0.1   [::1]:8443 IP literals (IPv6 in brackets when a port follows;
//                          a bare ::1 is accepted without a port)
// Case-insensitive; one trailing dot on the host is ignored; internationalised
// names are converted to their ACE form (xn--...), as SNI carries them.
class InterceptPattern {
public:
    enum class Kind { Any, Exact, Subdomains, Address };

    // nullopt for an invalid pattern; `error` (optional) then reads like
    // "*.com.* is not a valid pattern: a wildcard may only be the first label".
    [[nodiscard]] static std::optional<InterceptPattern> parse(const QString& text, QString* error);

    // `host` as it arrives from a CONNECT target or SNI: any case, optionally
    // with a trailing dot or (IPv6) brackets. IPv4-mapped IPv6 addresses match
    // their IPv4 pattern.
    [[nodiscard]] bool matches(QByteArrayView host, quint16 port) const;

    // The canonical form: lower-case, no trailing dot, IPv6 compressed and in
    // brackets. Two patterns that match the same things have the same text.
    [[nodiscard]] QString text() const;

    [[nodiscard]] Kind kind() const { return m_kind; }
    // Exact: the host; Subdomains: the suffix after "*."; Address: the
    // address in canonical form; Any: empty.
    [[nodiscard]] const QByteArray& host() const { return m_host; }
    [[nodiscard]] quint16 port() const { return m_port; } // 0 = any port

private:
    InterceptPattern() = default;

    Kind m_kind = Kind::Any;
    QByteArray m_host;
    QHostAddress m_address; // Kind::Address only
    quint16 m_port = 0;
};

// Which CONNECT targets are intercepted (MITM) rather than tunnelled blindly.
// An exclude pattern wins over every include pattern; with no include
// patterns nothing is intercepted. Among several matching patterns of a list
// the first one added is named in the reason.
class InterceptRules {
public:
    struct Decision {
        bool intercept = false;
        // "intercepted by *.example.com", "excluded by api.example.com",
        // "no intercept rule matches": reads after "example.com:443 → ".
        QString reason;
    };

    // False (and `error` set) for an invalid pattern. Adding a pattern that is
    // already in the list (in any spelling) succeeds and changes nothing.
    bool addInclude(const QString& pattern, QString* error);
    bool addExclude(const QString& pattern, QString* error);
    // Removes the pattern written as `pattern` in any spelling that parses to
    // the same canonical text. False when it was not in the list.
    bool removeInclude(const QString& pattern);
    bool removeExclude(const QString& pattern);
    void clear();

    [[nodiscard]] Decision decide(QByteArrayView host, quint16 port) const;

    [[nodiscard]] bool isEmpty() const { return m_includes.isEmpty(); } // no include patterns
    [[nodiscard]] QStringList includes() const;                         // canonical texts, in order
    [[nodiscard]] QStringList excludes() const;

private:
    static bool add(QList<InterceptPattern>& list, const QString& pattern, QString* error);
    static bool remove(QList<InterceptPattern>& list, const QString& pattern);

    QList<InterceptPattern> m_includes;
    QList<InterceptPattern> m_excludes;
};

} // namespace spyglass::core::proxy
