#!/usr/bin/env python3
"""An HTTP/1.1 reverse proxy on 127.0.0.1 that adds a fixed delay to every request.

usage: latency_proxy.py --port PORT --target PORT [--delay-ms 50]

For benchmarks of key services (AWS KMS, Vault transit) on one machine: each request is
held for --delay-ms before it is forwarded to 127.0.0.1:TARGET, which models the round
trip to a key service in another network. The delay is per HTTP request, not per
connection: a client that keeps its connection alive pays it for each request, as it pays
a real round trip. Each client connection gets its own connection to the target, and
requests on different connections are delayed and forwarded in parallel (one thread per
connection), so a client that sends requests concurrently sees them overlap.

The proxy counts what passes through it and answers `GET /__proxy/stats` itself (never
forwarded, never delayed, not counted) with JSON; `POST /__proxy/reset` answers the same and
then sets the counts to zero (to measure one step):
  {"requests": N, "connections": N, "max_in_flight": N, "errors": N}
requests: requests forwarded; connections: client connections that carried one or more of
them; max_in_flight: the most requests held or forwarded at the same time; errors: requests
answered 502 because the target could not be reached.

Plain HTTP only (the key services' development servers speak it); no TLS, no HTTP/2.
"""
import argparse
import http.client
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Hop-by-hop headers (RFC 9110 7.6.1) are not forwarded; Expect is answered here (the
# handler sends 100 Continue itself), and bodies are re-framed with Content-Length.
HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
       "upgrade", "expect", "content-length"}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = self.connections = self.in_flight = self.max_in_flight = self.errors = 0
        self.generation = 0  # how many resets so far

    def as_json(self, reset=False):
        with self.lock:
            out = json.dumps({"requests": self.requests, "connections": self.connections,
                              "max_in_flight": self.max_in_flight, "errors": self.errors})
            if reset:  # requests still in flight stay counted as such
                self.requests = self.connections = self.errors = 0
                self.max_in_flight = self.in_flight
                self.generation += 1
            return out


def make_handler(target, delay, stats):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive unless the client asks otherwise
        disable_nagle_algorithm = True  # TCP_NODELAY: headers and body go out at once
        upstream = None
        counted = None  # the stats generation in whose connections this one is counted

        def finish(self):
            super().finish()
            if self.upstream is not None:
                self.upstream.close()

        def log_message(self, *args):
            pass

        def read_body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                body = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return body
                    body += self.rfile.read(size)
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def reply(self, status, body, headers=()):
            self.send_response_only(status)  # the target's own Date and Server headers follow
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def forward(self, body):
            """Sends the request to the target on this connection's own upstream
            connection; reconnects once if the target closed an idle one."""
            for attempt in (1, 2):
                if self.upstream is None:
                    self.upstream = http.client.HTTPConnection("127.0.0.1", target, timeout=120)
                try:
                    up = self.upstream
                    up.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                    for k, v in self.headers.items():
                        if k.lower() not in HOP:
                            up.putheader(k, v)
                    if body or self.command in ("POST", "PUT", "PATCH"):
                        up.putheader("Content-Length", str(len(body)))
                    up.endheaders(body)
                    resp = up.getresponse()
                    data = resp.read()
                    if resp.will_close:
                        up.close()
                        self.upstream = None
                    return resp, data
                except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                    self.upstream.close()
                    self.upstream = None
                    if attempt == 2:
                        raise

        def handle_one(self):
            if self.path in ("/__proxy/stats", "/__proxy/reset"):
                self.read_body()
                self.reply(200, stats.as_json(reset=self.path.endswith("reset")).encode(),
                           [("Content-Type", "application/json")])
                return
            body = self.read_body()
            with stats.lock:
                stats.requests += 1
                if self.counted != stats.generation:
                    stats.connections += 1
                    self.counted = stats.generation
                stats.in_flight += 1
                stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
            try:
                time.sleep(delay)
                try:
                    resp, data = self.forward(body)
                except OSError as e:
                    with stats.lock:
                        stats.errors += 1
                    self.reply(502, f"latency proxy: target 127.0.0.1:{target}: {e}\n".encode(),
                               [("Content-Type", "text/plain")])
                    return
                headers = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP]
                self.reply(resp.status, data, headers)
            finally:
                with stats.lock:
                    stats.in_flight -= 1

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_one

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a client opening many connections at once is not refused


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True, help="port to listen on (127.0.0.1)")
    p.add_argument("--target", type=int, required=True, help="port to forward to (127.0.0.1)")
    p.add_argument("--delay-ms", type=float, default=50.0, help="delay added to each request")
    a = p.parse_args()
    stats = Stats()
    server = Server(("127.0.0.1", a.port), make_handler(a.target, a.delay_ms / 1000, stats))
    print(f"latency proxy: 127.0.0.1:{a.port} -> 127.0.0.1:{a.target}, +{a.delay_ms:g} ms per request",
          file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
