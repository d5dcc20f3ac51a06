"""Minimal RFC 6455 pieces for the interception tests: handshake key and frames."""

import base64
import hashlib
import os
import struct

# RFC 6455 §1.3: the GUID appended to Sec-WebSocket-Key.
WEBSOCKET_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA

# Largest frame payload either side accepts here (tests send far less).
MAX_FRAME = 16 << 20


def new_key():
    """A fresh Sec-WebSocket-Key: base64 of 16 random bytes."""
    return base64.b64encode(os.urandom(16)).decode("ascii")


def accept_for(key):
    """Sec-WebSocket-Accept = base64(sha1(key + GUID)) (RFC 6455 §4.2.2)."""
    digest = hashlib.sha1(key.encode("ascii") + WEBSOCKET_GUID).digest()
    return base64.b64encode(digest).decode("ascii")


def _xor(data, mask):
    if not mask:
        return bytes(data)
    repeated = (mask * (len(data) // 4 + 1))[:len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        len(data), "big") if data else b""


def encode_frame(opcode, payload, mask=None, fin=True):
    """One frame; `mask` (4 bytes) masks it as a client must (RFC 6455 §5.3)."""
    first = (0x80 if fin else 0) | opcode
    length = len(payload)
    mask_bit = 0x80 if mask else 0
    if length < 126:
        head = struct.pack("!BB", first, mask_bit | length)
    elif length < 65536:
        head = struct.pack("!BBH", first, mask_bit | 126, length)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, length)
    if mask:
        if len(mask) != 4:
            raise ValueError("a mask is 4 bytes")
        return head + mask + _xor(payload, mask)
    return head + bytes(payload)


def client_frame(opcode, payload):
    """A masked frame with a random mask, as clients send."""
    return encode_frame(opcode, payload, mask=os.urandom(4))


def read_frame(read_exact):
    """Reads one frame with `read_exact(n)`; returns (fin, opcode, payload, masked)."""
    first, second = read_exact(2)
    fin = bool(first & 0x80)
    opcode = first & 0x0F
    masked = bool(second & 0x80)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", read_exact(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", read_exact(8))
    if length > MAX_FRAME:
        raise ValueError(f"frame of {length} bytes is over the test limit")
    mask = read_exact(4) if masked else None
    payload = read_exact(length) if length else b""
    return fin, opcode, _xor(payload, mask), masked
