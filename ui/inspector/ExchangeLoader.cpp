#include "ExchangeLoader.h"

#include "BodyKind.h"
#include "core/store/HeadText.h"
#include "core/store/SessionReader.h"

#include <QBuffer>
#include <QImageReader>
#include <QJsonParseError>

namespace spyglass::ui::inspector {

using core::record::Direction;
using core::store::SessionReader;

namespace {

// Enough for any body the recorder keeps (its cap defaults to 16 MiB) and
// for decoded bodies up to the decoder's own bound.
const core::store::DecodeLimits kLimits{};

bool isIdentity(const QByteArray& contentEncoding) {
    const QByteArray coding = contentEncoding.trimmed().toLower();
    return coding.isEmpty() || coding == "identity";
}

} // namespace

ExchangeLoader::ExchangeLoader(std::shared_ptr<std::atomic<quint64>> latest, QObject* parent)
    : QObject(parent)
    , m_latest(std::move(latest)) {}

ExchangeLoader::~ExchangeLoader() = default;

bool ExchangeLoader::stale(quint64 generation) const {
    return m_latest->load(std::memory_order_relaxed) != generation;
}

void ExchangeLoader::openSession(const QString& path) {
    m_reader.reset();
    m_openError.clear();
    if (path.isEmpty())
        return;
    auto reader = SessionReader::open(path);
    if (!reader) {
        m_openError = reader.errorMessage();
        return;
    }
    m_reader = std::move(reader).value();
}

void ExchangeLoader::load(quint64 generation, qint64 id) {
    if (stale(generation))
        return;
    auto result = std::make_shared<LoadedExchange>();
    result->generation = generation;
    result->id = id;
    if (!m_reader) {
        result->error = m_openError.isEmpty() ? tr("No session file is open.") : m_openError;
        Q_EMIT loaded(result);
        return;
    }
    auto detail = m_reader->exchange(id);
    if (!detail) {
        result->error = detail.errorMessage();
        Q_EMIT loaded(result);
        return;
    }
    if (!detail->has_value()) {
        Q_EMIT loaded(result); // found = false
        return;
    }
    result->found = true;
    result->detail = std::move(detail->value());
    // A failed read leaves `error` set and is still shown (with the head).
    if (readBody(*result, result->request, true))
        readBody(*result, result->response, false);
    if (stale(generation))
        return;
    Q_EMIT loaded(result);
}

bool ExchangeLoader::readBody(LoadedExchange& result, LoadedBody& body, bool request) {
    const Direction direction = request ? Direction::Request : Direction::Response;
    const core::store::StoredBody* stored = result.detail.body(direction);
    if (!stored)
        return true;
    body.present = true;
    if (const core::store::StoredHead* head = result.detail.head(direction))
        body.contentType = core::store::HeadText::parse(head->raw).joined("Content-Type");

    bool cancelled = false;
    auto read = [&](bool decode) -> std::optional<core::store::BodyContent> {
        QByteArray data;
        data.reserve(std::min(stored->stored, kLimits.maxOutput));
        auto content =
            m_reader->streamBody(result.id, direction, decode, kLimits, [&](QByteArrayView piece) {
                if (stale(result.generation)) {
                    cancelled = true;
                    return false;
                }
                data.append(piece);
                return true;
            });
        if (!content) {
            result.error = content.errorMessage();
            return std::nullopt;
        }
        content->data = std::move(data);
        return std::move(content).value();
    };

    auto encoded = read(false);
    if (!encoded || cancelled)
        return false;
    body.encoded = std::move(*encoded);
    if (isIdentity(body.encoded.contentEncoding)) {
        body.decoded = body.encoded; // shares the bytes
    } else {
        auto decoded = read(true);
        if (!decoded || cancelled)
            return false;
        body.decoded = std::move(*decoded);
    }
    prepare(body);
    return !stale(result.generation);
}

void ExchangeLoader::prepare(LoadedBody& body) {
    const QByteArray& data = body.decoded.data;
    if (data.size() > kMaxParsedBytes)
        return;
    switch (BodyKindDetector::detect(body.contentType, data)) {
    case BodyKind::Json: {
        QJsonParseError error{};
        body.json = QJsonDocument::fromJson(data, &error);
        body.jsonValid = error.error == QJsonParseError::NoError;
        break;
    }
    case BodyKind::Image: {
        // QImage (not QPixmap) may be made off the GUI thread.
        QBuffer buffer;
        buffer.setData(data);
        buffer.open(QIODevice::ReadOnly);
        const QByteArray format = BodyKindDetector::imageFormat(data);
        QImageReader reader(&buffer, format);
        body.image = reader.read();
        if (!body.image.isNull())
            body.imageFormat = format;
        break;
    }
    default:
        break;
    }
}

} // namespace spyglass::ui::inspector
