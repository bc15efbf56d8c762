"""A tiny HTTP service for the sample stack: answers /health and / on PORT (default 8080).

Standard library only, so the runtime image needs no package installs.
"""

from __future__ import annotations

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    server_version = "sample-web"

    def do_GET(self) -> None:
        if self.path == "/health":
            body, status = {"status": "ok"}, 200
        elif self.path == "/":
            body, status = (
                {"service": "sample-web", "version": os.environ.get("VERSION", "dev")},
                200,
            )
        else:
            body, status = {"error": "not found"}, 404
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        print(f"{self.address_string()} {format % args}", flush=True)


def serve(host: str = "0.0.0.0", port: int | None = None) -> ThreadingHTTPServer:
    """Create the server (not started): the container listens on all interfaces of its task."""
    return ThreadingHTTPServer(
        (host, port if port is not None else int(os.environ.get("PORT", "8080"))), Handler
    )


if __name__ == "__main__":
    serve().serve_forever()
