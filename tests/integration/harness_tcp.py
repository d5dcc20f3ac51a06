"""Raw TCP origins and listeners that refuse or stall connections."""

import hashlib
import socket
import threading

from harness_common import STEP_TIMEOUT

class TcpOrigin:
    """A raw TCP origin; `handler(conn, origin)` runs once per connection."""

    def __init__(self, handler, host="127.0.0.1"):
        self.handler = handler
        self.host = host
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        self.listener.bind((host, 0))
        self.listener.listen(64)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.connections = []
        self.events = []  # free-form notes the handler records
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def note(self, event):
        with self.lock:
            self.events.append(event)

    def notes(self):
        with self.lock:
            return list(self.events)

    def _accept_loop(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            conn.settimeout(STEP_TIMEOUT * 2)
            with self.lock:
                self.connections.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            self.handler(conn, self)
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self):
        self.stopping.set()
        self.thread.join(5.0)
        self.listener.close()
        with self.lock:
            for conn in self.connections:
                try:
                    conn.close()
                except OSError:
                    pass


def echo_handler(conn, origin):
    """Echoes every byte until EOF, then half-closes and notes 'eof'."""
    for _ in range(1_000_000):
        data = conn.recv(65536)
        if not data:
            break
        conn.sendall(data)
    origin.note("eof")
    conn.shutdown(socket.SHUT_WR)


def digest_until_eof_handler(conn, origin):
    """Reads until the client half-closes, then answers the sha256 of it."""
    digest = hashlib.sha256()
    total = 0
    for _ in range(1_000_000):
        data = conn.recv(65536)
        if not data:
            break
        digest.update(data)
        total += len(data)
    origin.note(("eof", total))
    conn.sendall(digest.hexdigest().encode() + b"\n")
    conn.shutdown(socket.SHUT_WR)
    # The other direction is already closed; wait for the peer's close.
    conn.recv(1)
    origin.note("closed")


class StalledListener:
    """A loopback listener with backlog 1 whose accept queue is full.

    Nothing is ever accepted, so further SYNs are dropped and a connect to
    this port neither succeeds nor is refused until the client gives up.
    """

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.fillers = []
        self._fill_queue()

    def _fill_queue(self):
        for _ in range(16):
            client = socket.socket()
            client.settimeout(0.5)
            try:
                client.connect(("127.0.0.1", self.port))
            except (socket.timeout, OSError):
                client.close()
                return
            self.fillers.append(client)
        self.close()
        raise AssertionError("could not fill a backlog-1 accept queue after 16 connects; "
                             "this kernel does not drop SYNs on a full queue")

    def close(self):
        for client in self.fillers:
            client.close()
        self.listener.close()


class RefusingPort:
    """A loopback port that is bound but not listening: connects are refused."""

    def __init__(self, host="127.0.0.1"):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.bind((host, 0))
        self.port = self.socket.getsockname()[1]

    def close(self):
        self.socket.close()
