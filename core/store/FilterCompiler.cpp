#include "FilterCompiler.h"

namespace spyglass::core::store {

namespace {

class Compiler {
public:
    FilterSql result;

    void node(const FilterNode& n) {
        switch (n.kind) {
        case FilterNode::Kind::Term:
            term(n.term);
            return;
        case FilterNode::Kind::Not:
            // Unknown (NULL, e.g. the duration of an exchange in flight)
            // counts as "no match", so its negation matches.
            out("NOT IFNULL((");
            node(n.children.front());
            out("), 0)");
            return;
        case FilterNode::Kind::And:
        case FilterNode::Kind::Or:
            out("(");
            for (std::size_t i = 0; i < n.children.size(); ++i) {
                if (i > 0)
                    out(n.kind == FilterNode::Kind::And ? " AND " : " OR ");
                node(n.children[i]);
            }
            out(")");
            return;
        }
    }

private:
    void out(const char* sql) { result.where += sql; }
    void out(const QByteArray& sql) { result.where += sql; }
    void bind(qint64 value) { result.binds.emplace_back(value); }
    void bind(const QByteArray& value) { result.binds.emplace_back(value); }

    // LIKE '%text%', case-insensitive for ASCII, with the wildcards escaped.
    static QByteArray contains(const QString& text) {
        QByteArray escaped;
        for (char c : text.toUtf8()) {
            if (c == '\\' || c == '%' || c == '_')
                escaped += '\\';
            escaped += c;
        }
        return '%' + escaped + '%';
    }

    void like(const char* column, const QString& text) {
        out(column);
        out(" LIKE ? ESCAPE '\\'");
        bind(contains(text));
    }

    void ranges(const char* column, const std::vector<FilterRange>& list) {
        out("(");
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (i > 0)
                out(" OR ");
            const FilterRange& r = list[i];
            out(column);
            switch (r.op) {
            case FilterRange::Op::Equal:
                out(" = ?");
                break;
            case FilterRange::Op::NotEqual:
                out(" != ?");
                break;
            case FilterRange::Op::Less:
                out(" < ?");
                break;
            case FilterRange::Op::LessEqual:
                out(" <= ?");
                break;
            case FilterRange::Op::Greater:
                out(" > ?");
                break;
            case FilterRange::Op::GreaterEqual:
                out(" >= ?");
                break;
            case FilterRange::Op::Between:
                out(" BETWEEN ? AND ?");
                bind(r.low);
                bind(r.high);
                continue;
            }
            bind(r.low);
        }
        out(")");
    }

    void words(const char* column, const QList<QByteArray>& list) {
        out(column);
        out(" IN (");
        for (qsizetype i = 0; i < list.size(); ++i) {
            out(i > 0 ? ", ?" : "?");
            bind(list.at(i));
        }
        out(")");
    }

    // An FTS5 query: every word of `text` as a quoted string (FTS5 splits it
    // into tokens as it did the document), the last token a prefix.
    static QByteArray ftsQuery(const QString& text, const char* column) {
        QByteArray query;
        for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!query.isEmpty())
                query += " AND ";
            if (column)
                query += QByteArray(column) + " : ";
            query += '"' + word.toUtf8().replace('"', "\"\"") + "\"*";
        }
        return query;
    }

    void header(const FilterTerm& t, const char* direction) {
        // Not through the `heads` view: SQLite does not push a correlated
        // exchange id into a compound view and would materialise every head.
        // The last head of each direction is in `details`, earlier ones (1xx)
        // in `interim_heads` (docs/session-format.md).
        const QByteArray name = t.text.toUtf8();
        const QByteArray value = t.hasValue ? t.value.toUtf8() : QByteArray("");
        out("((EXISTS (SELECT 1 FROM details d WHERE d.exchange_id = e.id AND (");
        bool first = true;
        for (const char* column : {"request", "response"}) {
            if (direction && qstrcmp(direction, column) != 0)
                continue;
            if (!first)
                out(" OR ");
            first = false;
            out("sg_header_match(d." + QByteArray(column) + "_head, ?, ?)");
            bind(name);
            bind(value);
        }
        out(")) OR EXISTS (SELECT 1 FROM interim_heads h WHERE h.exchange_id = e.id");
        if (direction) {
            out(" AND h.direction = ?");
            bind(QByteArray(direction));
        }
        out(" AND sg_header_match(h.raw, ?, ?)))");
        bind(name);
        bind(value);
        // Completed exchanges are in the full-text index: it narrows the scan
        // to those whose heads mention the name at all.
        const QString words = QString(t.text).replace(QLatin1Char('-'), QLatin1Char(' '));
        out(" AND (e.state != 'complete' OR e.id IN (SELECT rowid FROM search WHERE search "
            "MATCH ?)))");
        bind(QByteArray("headers : \"") + words.toUtf8().replace('"', "\"\"") + '"');
    }

    void body(const FilterTerm& t, const char* direction) {
        out("sg_body_contains(e.id, ?, ?)");
        bind(QByteArray(direction));
        bind(t.text.toUtf8());
        result.scansBodies = true;
    }

    void term(const FilterTerm& t) {
        switch (t.field) {
        case FilterField::Url:
            return like("(e.scheme || '://' || e.host || ':' || e.port || e.path)", t.text);
        case FilterField::Host:
            out("e.host IN (SELECT name FROM hosts WHERE name LIKE ? ESCAPE '\\')");
            return bind(contains(t.text));
        case FilterField::Path:
            return like("e.path", t.text);
        case FilterField::Client:
            return like("e.client", t.text);
        case FilterField::Method:
            return words("e.method", t.words);
        case FilterField::StatusCode:
            return ranges("e.status", t.ranges);
        case FilterField::Mode:
            return words("e.mode", t.words);
        case FilterField::ContentType:
            return like("e.content_type", t.text);
        case FilterField::RequestSize:
            return ranges("e.request_size", t.ranges);
        case FilterField::ResponseSize:
            return ranges("e.response_size", t.ranges);
        case FilterField::Duration:
            return ranges("e.duration_us", t.ranges);
        case FilterField::Id:
            return ranges("e.id", t.ranges);
        case FilterField::TlsVersion:
            return like("e.tls_version", t.text);
        case FilterField::HasError:
            return out("e.error != ''");
        case FilterField::ErrorText:
            return like("e.error", t.text);
        case FilterField::Header:
            return header(t, nullptr);
        case FilterField::RequestHeader:
            return header(t, "request");
        case FilterField::ResponseHeader:
            return header(t, "response");
        case FilterField::Text:
            out("e.id IN (SELECT rowid FROM search WHERE search MATCH ?)");
            return bind(ftsQuery(t.text, nullptr));
        case FilterField::Body:
            return body(t, "");
        case FilterField::RequestBody:
            return body(t, "request");
        case FilterField::ResponseBody:
            return body(t, "response");
        }
    }
};

} // namespace

FilterSql FilterCompiler::compile(const FilterNode& node) {
    Compiler compiler;
    compiler.result.where.clear();
    compiler.node(node);
    return std::move(compiler.result);
}

} // namespace spyglass::core::store
