#include "RecordCodec.h"

#include <QStringDecoder>
#include <QStringEncoder>
#include <QtEndian>
#include <concepts>
#include <cstring>
#include <type_traits>
#include <utility>

namespace spyglass::core::store {

namespace {

using namespace record;

// Bumped whenever the layout changes, so a spool written by another build
// is refused instead of misread.
constexpr quint8 kFormatVersion = 1;

static_assert(std::variant_size_v<RecordEvent> <= 0xff, "the variant index is one byte");

// The largest value of each enum, so the decoder refuses anything else.
template <typename E> constexpr int kEnumMax = -1;
template <> constexpr int kEnumMax<Mode> = int(Mode::Tunnel);
template <> constexpr int kEnumMax<Direction> = int(Direction::Response);
template <> constexpr int kEnumMax<TlsLeg> = int(TlsLeg::Server);

// The field lists below are the one description of the layout: sizing,
// writing and reading all walk them, so the three cannot disagree. A field
// added to a record struct must be added to its list; these sizes (of the
// 64-bit build) fail to compile when a struct changes, as a reminder.
#if QT_POINTER_SIZE == 8
static_assert(sizeof(ExchangeBegin) == 176, "field added? update fields(ExchangeBegin)");
static_assert(sizeof(HeadRecord) == 64, "field added? update fields(HeadRecord)");
static_assert(sizeof(BodyChunk) == 48, "field added? update fields(BodyChunk)");
static_assert(sizeof(TlsRecord) == 144, "field added? update fields(TlsRecord)");
static_assert(sizeof(Timings) == 96, "field added? update fields(Timings)");
static_assert(sizeof(ExchangeEnd) == 216, "field added? update fields(ExchangeEnd)");
static_assert(sizeof(BodyFate) == 16, "field added? update fields(BodyFate)");
static_assert(sizeof(QueuedRecord) == 264, "field added? update trailerFields");
#endif

// --- Sizing: an upper bound of the encoding, so `out` grows once. -------

class Sizer {
public:
    template <std::integral T> void field(T, const char*) { m_bytes += qsizetype(sizeof(T)); }
    template <typename E>
    requires std::is_enum_v<E>
    void field(E, const char*) { m_bytes += 1; }
    void field(const QByteArray& bytes, const char*) { m_bytes += 4 + bytes.size(); }
    // A UTF-16 code unit becomes at most 3 UTF-8 bytes (a surrogate pair,
    // two units, becomes 4), so this bounds the UTF-8 without converting.
    void field(const QString& text, const char*) { m_bytes += 4 + 3 * text.size(); }
    void field(const QList<QByteArray>& list, const char*) {
        m_bytes += 4;
        for (const QByteArray& item : list)
            m_bytes += 4 + item.size();
    }
    [[nodiscard]] qsizetype bytes() const { return m_bytes; }

private:
    qsizetype m_bytes = 0;
};

// --- Writing into space the Sizer reserved. -----------------------------

class Writer {
public:
    explicit Writer(char* at)
        : m_at(at) {}

    template <std::integral T> void field(T value, const char*) {
        qToLittleEndian<T>(value, m_at);
        m_at += sizeof(T);
    }
    void field(bool value, const char*) { *m_at++ = value ? 1 : 0; }
    template <typename E>
    requires std::is_enum_v<E>
    void field(E value, const char*) { *m_at++ = char(quint8(value)); }
    void field(const QByteArray& bytes, const char*) {
        Q_ASSERT_X(bytes.size() <= 0xffffffff, "encodeRecord", "byte string of 4 GiB or more");
        field(quint32(bytes.size()), nullptr);
        if (!bytes.isEmpty())
            std::memcpy(m_at, bytes.constData(), size_t(bytes.size()));
        m_at += bytes.size();
    }
    // Converts straight into the record (no temporary QByteArray), then
    // fills in the length it left room for.
    void field(const QString& text, const char*) {
        char* length = m_at;
        char* start = m_at + 4;
        m_at = m_utf8.appendToBuffer(start, text);
        qToLittleEndian<quint32>(quint32(m_at - start), length);
    }
    void field(const QList<QByteArray>& list, const char*) {
        field(quint32(list.size()), nullptr);
        for (const QByteArray& item : list)
            field(item, nullptr);
    }
    [[nodiscard]] char* end() const { return m_at; }

private:
    char* m_at;
    // Stateless: a lone surrogate at the end of one string must not be
    // carried into the next.
    QStringEncoder m_utf8{QStringEncoder::Utf8, QStringConverter::Flag::Stateless};
};

// --- Reading, every read bounds-checked. --------------------------------

// Keeps the first error; after it every read fails (the cursor is at the
// end), so the field lists need no checks of their own.
class Reader {
public:
    explicit Reader(QByteArrayView bytes)
        : m_begin(bytes.data())
        , m_at(bytes.data())
        , m_end(bytes.data() + bytes.size()) {}

    template <std::integral T> void field(T& value, const char* name) {
        if (!need(qsizetype(sizeof(T)), name))
            return;
        value = qFromLittleEndian<T>(m_at);
        m_at += sizeof(T);
    }
    void field(bool& value, const char* name) {
        quint8 byte = 0;
        field(byte, name);
        if (byte > 1)
            return fail(name, QStringLiteral("a bool holds %1 (expected 0 or 1)").arg(byte), 1);
        value = byte == 1;
    }
    template <typename E>
    requires std::is_enum_v<E>
    void field(E& value, const char* name) {
        static_assert(kEnumMax<E> >= 0, "add the enum's largest value to kEnumMax");
        quint8 byte = 0;
        field(byte, name);
        if (byte > kEnumMax<E>)
            return fail(
                name,
                QStringLiteral("unknown enum value %1 (expected 0-%2)").arg(byte).arg(kEnumMax<E>),
                1);
        value = E(byte);
    }
    void field(QByteArray& bytes, const char* name) {
        const qsizetype length = takeLength(name);
        if (length > 0) {
            bytes = QByteArray(m_at, length);
            m_at += length;
        }
    }
    // The encoder writes only valid UTF-8 (a lone surrogate becomes
    // U+FFFD), so anything else is damage; refusing it also keeps one
    // encoding per record.
    void field(QString& text, const char* name) {
        const qsizetype length = takeLength(name);
        if (length <= 0)
            return;
        text = m_utf8(QByteArrayView(m_at, length));
        if (m_utf8.hasError()) {
            m_utf8.resetState();
            return fail(name, QStringLiteral("a string of %1 bytes is not valid UTF-8").arg(length),
                        4);
        }
        m_at += length;
    }
    void field(QList<QByteArray>& list, const char* name) {
        quint32 count = 0;
        field(count, name);
        // Each item takes at least its 4-byte length: a larger count is
        // malformed, and refusing it first keeps reserve() bounded.
        if (count > quint64(left()) / 4)
            return fail(name,
                        QStringLiteral("a count of %1 items cannot fit in the %2 bytes left")
                            .arg(count)
                            .arg(left()),
                        4);
        list.reserve(qsizetype(count));
        for (quint32 i = 0; i < count && ok(); ++i)
            field(list.emplace_back(), name);
    }

    // Called once the record's last field was read.
    void expectEnd() {
        if (ok() && m_at != m_end)
            m_error = QStringLiteral("spool record: %1 trailing bytes after the record's end at "
                                     "byte %2")
                          .arg(left())
                          .arg(m_at - m_begin);
    }
    void failTag(quint8 tag) {
        fail("tag",
             QStringLiteral("unknown event tag %1 (expected 0-%2)")
                 .arg(tag)
                 .arg(std::variant_size_v<RecordEvent> - 1),
             1);
    }
    void failFormat(quint8 format) {
        fail("format",
             QStringLiteral("format version %1, but this build reads version %2 (a spool of "
                            "another build?)")
                 .arg(format)
                 .arg(kFormatVersion),
             1);
    }
    [[nodiscard]] bool ok() const { return m_error.isEmpty(); }
    [[nodiscard]] const QString& error() const { return m_error; }

private:
    [[nodiscard]] qsizetype left() const { return m_end - m_at; }

    bool need(qsizetype bytes, const char* name) {
        if (bytes <= left())
            return true;
        fail(name,
             QStringLiteral("needs %1 bytes but only %2 are left (truncated)")
                 .arg(bytes)
                 .arg(left()),
             0);
        return false;
    }

    // Unsigned on the wire: a "negative" length is merely too long.
    qsizetype takeLength(const char* name) {
        quint32 length = 0;
        field(length, name);
        if (length > quint64(left())) {
            fail(name,
                 QStringLiteral("a length of %1 bytes runs past the end (%2 bytes left)")
                     .arg(length)
                     .arg(left()),
                 4);
            return 0;
        }
        return qsizetype(length);
    }

    // `back`: how many bytes ago the offending value started, so the
    // message points at it. Moves to the end, so every later read fails.
    void fail(const char* name, const QString& what, qsizetype back) {
        if (ok())
            m_error = QStringLiteral("spool record: %1 at byte %2: %3")
                          .arg(QLatin1String(name))
                          .arg(m_at - back - m_begin)
                          .arg(what);
        m_at = m_end;
    }

    const char* m_begin;
    const char* m_at;
    const char* m_end;
    QString m_error;
    QStringDecoder m_utf8{QStringDecoder::Utf8, QStringConverter::Flag::Stateless};
};

// --- The layout: each struct's fields in declaration order. -------------

// T is the struct, const when sizing or writing.
template <typename T, typename U>
concept Is = std::same_as<std::remove_const_t<T>, U>;

template <typename Io, Is<ExchangeBegin> T> void fields(Io& io, T& e) {
    io.field(e.id, "ExchangeBegin.id");
    io.field(e.startUs, "ExchangeBegin.startUs");
    io.field(e.mode, "ExchangeBegin.mode");
    io.field(e.client, "ExchangeBegin.client");
    io.field(e.scheme, "ExchangeBegin.scheme");
    io.field(e.host, "ExchangeBegin.host");
    io.field(e.port, "ExchangeBegin.port");
    io.field(e.method, "ExchangeBegin.method");
    io.field(e.path, "ExchangeBegin.path");
    io.field(e.sni, "ExchangeBegin.sni");
}

template <typename Io, Is<HeadRecord> T> void fields(Io& io, T& e) {
    io.field(e.id, "HeadRecord.id");
    io.field(e.direction, "HeadRecord.direction");
    io.field(e.status, "HeadRecord.status");
    io.field(e.raw, "HeadRecord.raw");
    io.field(e.forwarded, "HeadRecord.forwarded");
}

template <typename Io, Is<BodyChunk> T> void fields(Io& io, T& e) {
    io.field(e.id, "BodyChunk.id");
    io.field(e.direction, "BodyChunk.direction");
    io.field(e.data, "BodyChunk.data");
    io.field(e.chunked, "BodyChunk.chunked");
}

template <typename Io, Is<TlsRecord> T> void fields(Io& io, T& e) {
    io.field(e.id, "TlsRecord.id");
    io.field(e.leg, "TlsRecord.leg");
    io.field(e.version, "TlsRecord.version");
    io.field(e.cipher, "TlsRecord.cipher");
    io.field(e.alpn, "TlsRecord.alpn");
    io.field(e.sni, "TlsRecord.sni");
    io.field(e.chainDer, "TlsRecord.chainDer");
    io.field(e.verified, "TlsRecord.verified");
    io.field(e.insecureException, "TlsRecord.insecureException");
}

template <typename Io, Is<Timings> T> void fields(Io& io, T& t) {
    io.field(t.acceptUs, "Timings.acceptUs");
    io.field(t.connectRequestUs, "Timings.connectRequestUs");
    io.field(t.upstreamConnectStartUs, "Timings.upstreamConnectStartUs");
    io.field(t.upstreamConnectedUs, "Timings.upstreamConnectedUs");
    io.field(t.clientTlsStartUs, "Timings.clientTlsStartUs");
    io.field(t.clientTlsDoneUs, "Timings.clientTlsDoneUs");
    io.field(t.serverTlsStartUs, "Timings.serverTlsStartUs");
    io.field(t.serverTlsDoneUs, "Timings.serverTlsDoneUs");
    io.field(t.requestStartUs, "Timings.requestStartUs");
    io.field(t.requestSentUs, "Timings.requestSentUs");
    io.field(t.responseStartUs, "Timings.responseStartUs");
    io.field(t.doneUs, "Timings.doneUs");
}

template <typename Io, Is<ExchangeEnd> T> void fields(Io& io, T& e) {
    io.field(e.id, "ExchangeEnd.id");
    fields(io, e.timings);
    io.field(e.status, "ExchangeEnd.status");
    io.field(e.requestWireBytes, "ExchangeEnd.requestWireBytes");
    io.field(e.responseWireBytes, "ExchangeEnd.responseWireBytes");
    io.field(e.requestBodyBytes, "ExchangeEnd.requestBodyBytes");
    io.field(e.responseBodyBytes, "ExchangeEnd.responseBodyBytes");
    io.field(e.contentType, "ExchangeEnd.contentType");
    io.field(e.error, "ExchangeEnd.error");
    io.field(e.note, "ExchangeEnd.note");
}

template <typename Io, Is<BodyFate> T> void fields(Io& io, T& fate) {
    io.field(fate.droppedBytes, "BodyFate.droppedBytes");
    io.field(fate.overCap, "BodyFate.overCap");
    io.field(fate.saturated, "BodyFate.saturated");
    io.field(fate.chunked, "BodyFate.chunked");
}

// What follows the event in every record.
template <typename Io, Is<QueuedRecord> T> void trailerFields(Io& io, T& record) {
    fields(io, record.bodies[0]);
    fields(io, record.bodies[1]);
    io.field(record.damaged, "QueuedRecord.damaged");
}

template <typename Io> void encodeWith(Io& io, const QueuedRecord& record) {
    io.field(kFormatVersion, "format");
    io.field(quint8(record.event.index()), "tag");
    std::visit([&io](const auto& event) { fields(io, event); }, record.event);
    trailerFields(io, record);
}

// Builds the alternative `tag` names in place and reads its fields.
template <std::size_t... I>
bool decodeEvent(Reader& reader, RecordEvent& event, quint8 tag, std::index_sequence<I...>) {
    return ((tag == I ? (fields(reader, event.emplace<I>()), true) : false) || ...);
}

} // namespace

void encodeRecord(const QueuedRecord& record, QByteArray& out) {
    Sizer sizer;
    encodeWith(sizer, record);
    // resize() grows geometrically (reserve() would allocate exactly, and
    // so copy the whole spool buffer on every record appended to it).
    const qsizetype start = out.size();
    out.resize(start + sizer.bytes());
    Writer writer(out.data() + start);
    encodeWith(writer, record);
    // Strings were sized for their worst case; give back what UTF-8 saved
    // (shrinking never reallocates).
    out.resize(writer.end() - out.constData());
}

Result<QueuedRecord> decodeRecord(QByteArrayView bytes) {
    Reader reader(bytes);
    quint8 format = 0;
    reader.field(format, "format");
    if (reader.ok() && format != kFormatVersion)
        reader.failFormat(format);
    quint8 tag = 0;
    reader.field(tag, "tag");
    QueuedRecord record;
    if (reader.ok() && !decodeEvent(reader, record.event, tag,
                                    std::make_index_sequence<std::variant_size_v<RecordEvent>>{}))
        reader.failTag(tag);
    trailerFields(reader, record);
    reader.expectEnd();
    if (!reader.ok())
        return Error{reader.error()};
    return record;
}

} // namespace spyglass::core::store
