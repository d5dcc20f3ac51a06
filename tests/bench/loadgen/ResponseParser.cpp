#include "ResponseParser.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

namespace spyglass::bench {

namespace {

constexpr std::size_t kMaxHead = 64 * 1024;
constexpr std::size_t kMaxLine = 4096;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto ca = static_cast<unsigned char>(a[i]);
        const auto cb = static_cast<unsigned char>(b[i]);
        if (std::tolower(ca) != std::tolower(cb))
            return false;
    }
    return true;
}

bool containsTokenIgnoreCase(std::string_view list, std::string_view token) {
    std::size_t pos = 0;
    while (pos <= list.size()) {
        std::size_t comma = list.find(',', pos);
        if (comma == std::string_view::npos)
            comma = list.size();
        std::string_view item = list.substr(pos, comma - pos);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
            item.remove_suffix(1);
        if (equalsIgnoreCase(item, token))
            return true;
        pos = comma + 1;
    }
    return false;
}

std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
        v.remove_suffix(1);
    return v;
}

} // namespace

void ResponseParser::reset(bool headRequest) {
    m_state = State::Head;
    m_headRequest = headRequest;
    m_serverCloses = false;
    m_status = 0;
    m_head.clear();
    m_line.clear();
    m_remaining = 0;
    m_bodyBytes = 0;
    m_headBytes = 0;
    m_error.clear();
}

void ResponseParser::fail(std::string why) {
    m_state = State::Error;
    m_error = std::move(why);
}

std::size_t ResponseParser::feed(const char* data, std::size_t n) {
    std::size_t used = 0;
    while (used < n) {
        const char* p = data + used;
        const std::size_t left = n - used;
        switch (m_state) {
        case State::Head:
            used += feedHead(p, left);
            break;
        case State::FixedBody: {
            const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(m_remaining, left));
            m_bodyBytes += take;
            m_remaining -= take;
            used += take;
            if (m_remaining == 0)
                m_state = State::Done;
            break;
        }
        case State::UntilClose:
            m_bodyBytes += left;
            used += left;
            break;
        case State::ChunkSize:
            used += feedChunkSize(p, left);
            break;
        case State::ChunkData: {
            const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(m_remaining, left));
            m_bodyBytes += take;
            m_remaining -= take;
            used += take;
            if (m_remaining == 0) {
                m_state = State::ChunkDataEnd;
                m_line.clear();
            }
            break;
        }
        case State::ChunkDataEnd:
            // The CRLF after chunk data.
            if (*p == '\n') {
                m_state = State::ChunkSize;
                m_line.clear();
            } else if (*p != '\r') {
                fail("chunk data not followed by CRLF");
            }
            ++used;
            break;
        case State::Trailer:
            used += feedTrailer(p, left);
            break;
        case State::Done:
        case State::Error:
            return used;
        }
        if (m_state == State::Done || m_state == State::Error)
            break;
    }
    return used;
}

std::size_t ResponseParser::feedHead(const char* data, std::size_t n) {
    // Search for the blank line from a little before the old end, so a
    // CRLFCRLF split across reads is found.
    const std::size_t before = m_head.size();
    const std::size_t from = before >= 3 ? before - 3 : 0;
    m_head.append(data, n);
    const std::size_t end = m_head.find("\r\n\r\n", from);
    if (end == std::string::npos) {
        if (m_head.size() > kMaxHead)
            fail("response head over 64 KiB");
        return n;
    }
    const std::size_t headLen = end + 4;
    m_head.resize(headLen);
    m_headBytes = headLen;
    if (!parseHead())
        return headLen - before;
    return headLen - before;
}

bool ResponseParser::parseHead() {
    std::string_view head(m_head);
    const std::size_t eol = head.find("\r\n");
    const std::string_view statusLine = head.substr(0, eol);
    if (statusLine.size() < 12 || statusLine.substr(0, 5) != "HTTP/" || statusLine[8] != ' ') {
        fail("bad status line: " + std::string(statusLine.substr(0, 80)));
        return false;
    }
    const bool http10 = statusLine.substr(0, 8) == "HTTP/1.0";
    m_status = (statusLine[9] - '0') * 100 + (statusLine[10] - '0') * 10 + (statusLine[11] - '0');
    if (m_status < 100 || m_status > 999) {
        fail("bad status code");
        return false;
    }
    bool chunked = false;
    bool haveLength = false;
    std::uint64_t length = 0;
    bool keepAlive = false;
    bool close = false;
    std::size_t pos = eol + 2;
    while (pos < head.size()) {
        const std::size_t lineEnd = head.find("\r\n", pos);
        if (lineEnd == pos)
            break;
        const std::string_view line = head.substr(pos, lineEnd - pos);
        pos = lineEnd + 2;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim(line.substr(colon + 1));
        if (equalsIgnoreCase(name, "content-length")) {
            std::uint64_t v = 0;
            for (char c : value) {
                if (c < '0' || c > '9') {
                    fail("bad Content-Length");
                    return false;
                }
                v = v * 10 + static_cast<std::uint64_t>(c - '0');
            }
            if (haveLength && v != length) {
                fail("conflicting Content-Length");
                return false;
            }
            haveLength = true;
            length = v;
        } else if (equalsIgnoreCase(name, "transfer-encoding")) {
            chunked = containsTokenIgnoreCase(value, "chunked");
        } else if (equalsIgnoreCase(name, "connection")) {
            close = close || containsTokenIgnoreCase(value, "close");
            keepAlive = keepAlive || containsTokenIgnoreCase(value, "keep-alive");
        }
    }
    m_serverCloses = close || (http10 && !keepAlive);
    if (m_status / 100 == 1) {
        // An interim response: the final one follows.
        const std::size_t used = m_headBytes;
        reset(m_headRequest);
        m_headBytes = used;
        return true;
    }
    if (m_headRequest || m_status == 204 || m_status == 304) {
        m_state = State::Done;
    } else if (chunked) {
        m_state = State::ChunkSize;
        m_line.clear();
    } else if (haveLength) {
        m_remaining = length;
        m_state = length == 0 ? State::Done : State::FixedBody;
    } else {
        m_serverCloses = true;
        m_state = State::UntilClose;
    }
    return true;
}

std::size_t ResponseParser::feedChunkSize(const char* data, std::size_t n) {
    const void* nl = std::memchr(data, '\n', n);
    if (!nl) {
        m_line.append(data, n);
        if (m_line.size() > kMaxLine)
            fail("chunk size line too long");
        return n;
    }
    const auto used = static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1;
    m_line.append(data, used - 1);
    std::uint64_t size = 0;
    std::size_t digits = 0;
    for (char c : m_line) {
        int v = -1;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        if (v < 0)
            break;
        size = size * 16 + static_cast<std::uint64_t>(v);
        ++digits;
    }
    if (digits == 0 || digits > 15) {
        fail("bad chunk size line");
        return used;
    }
    m_line.clear();
    if (size == 0) {
        m_state = State::Trailer;
    } else {
        m_remaining = size;
        m_state = State::ChunkData;
    }
    return used;
}

std::size_t ResponseParser::feedTrailer(const char* data, std::size_t n) {
    const void* nl = std::memchr(data, '\n', n);
    if (!nl) {
        m_line.append(data, n);
        if (m_line.size() > kMaxLine)
            fail("trailer line too long");
        return n;
    }
    const auto used = static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1;
    m_line.append(data, used - 1);
    const bool empty = m_line.empty() || m_line == "\r";
    m_line.clear();
    if (empty)
        m_state = State::Done;
    return used;
}

void ResponseParser::onEof() {
    if (m_state == State::UntilClose)
        m_state = State::Done;
    else if (m_state != State::Done && m_state != State::Error)
        fail("connection closed before the response ended");
}

bool selfTestResponseParser() {
    struct Case {
        std::string wire;
        int status;
        std::uint64_t body;
        std::size_t extra; // bytes after the message that must stay unread
    };
    const std::vector<Case> cases = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloNEXT", 200, 5, 4},
        {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n", 201, 0,
         0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n10\r\n"
         "0123456789abcdef\r\n0\r\nX-T: 1\r\n\r\nNX",
         200, 19, 2},
        {"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n", 204, 0, 0},
    };
    for (const Case& c : cases) {
        for (std::size_t split = 0; split <= c.wire.size(); ++split) {
            ResponseParser parser;
            parser.reset();
            std::size_t used = parser.feed(c.wire.data(), split);
            if (!parser.done() && used == split)
                used += parser.feed(c.wire.data() + split, c.wire.size() - split);
            if (!parser.done() || parser.status() != c.status || parser.bodyBytes() != c.body ||
                c.wire.size() - used != c.extra) {
                std::fprintf(stderr,
                             "self-test: case %.20s... split %zu: done=%d status=%d body=%llu "
                             "left=%zu (%s)\n",
                             c.wire.c_str(), split, parser.done() ? 1 : 0, parser.status(),
                             static_cast<unsigned long long>(parser.bodyBytes()),
                             c.wire.size() - used, parser.error().c_str());
                return false;
            }
        }
    }
    ResponseParser closeDelimited;
    closeDelimited.reset();
    const std::string wire = "HTTP/1.0 200 OK\r\n\r\nabcdef";
    closeDelimited.feed(wire.data(), wire.size());
    closeDelimited.onEof();
    if (!closeDelimited.done() || closeDelimited.bodyBytes() != 6) {
        std::fprintf(stderr, "self-test: close-delimited body\n");
        return false;
    }
    ResponseParser truncated;
    truncated.reset();
    const std::string shortWire = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc";
    truncated.feed(shortWire.data(), shortWire.size());
    truncated.onEof();
    if (!truncated.failed()) {
        std::fprintf(stderr, "self-test: truncated body not detected\n");
        return false;
    }
    return true;
}

} // namespace spyglass::bench
