"""The sample stack's one image: a tiny HTTP service, a worker loop or a one-off job.

``APP_ROLE`` picks what runs (one image for every workload, as teams often build it):

- ``web`` (default): answers /health and / on PORT (default 8080), for the web services and the
  backend; a service behind a shared load balancer is told its name (``SERVICE_NAME``) and the
  path its listener rule sends it (``PATH_PREFIX``, e.g. ``/api``), and answers that path and
  every path beneath it (``routed_paths``) with its name, so a request shows which service the
  load balancer routed it to;
- ``worker``: stands in for a queue consumer: it logs the queue it was given (``QUEUE_URL``) and
  touches ``HEARTBEAT_FILE`` every few seconds until SIGTERM; the container health check fails
  when the heartbeat is older than a minute (a stuck loop). A real worker reads the queue with
  the AWS SDK;
- ``job``: one run of a scheduled job: touches the heartbeat, logs, exits 0 (the run's result).

Standard library only, so the runtime image needs no package installs.
"""

from __future__ import annotations

import json
import os
import signal
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

HEARTBEAT_FILE = "/tmp/heartbeat"
"""Touched by the worker and the job; ``/tmp`` is the task's writable scratch volume."""
HEARTBEAT_MAX_AGE_SECONDS = 60
HEARTBEAT_CHECK = (
    "import os, sys, time; "
    f"sys.exit(time.time() - os.path.getmtime('{HEARTBEAT_FILE}') > {HEARTBEAT_MAX_AGE_SECONDS})"
)
"""The worker's and the job's container health check: ``python3 -c HEARTBEAT_CHECK`` exits 0
while the heartbeat is fresh, 1 when it is stale or missing."""


SERVICE_NAME_VARIABLE = "SERVICE_NAME"
"""The service's name in its answers. Default ``sample-web``."""
PATH_PREFIX_VARIABLE = "PATH_PREFIX"
"""The path a shared load balancer routes to the service (``/api``). Default: none, only /."""


def routed_paths(prefix: str) -> tuple[str, str]:
    """The listener rule's path patterns for ``prefix``: the path itself and all beneath it,
    exactly what the service answers (``/api/*`` matches ``/api/`` and ``/api/a/b``)."""
    return (prefix, f"{prefix}/*")


def _under(path: str, prefix: str) -> bool:
    return bool(prefix) and (path == prefix or path.startswith(f"{prefix}/"))


class Handler(BaseHTTPRequestHandler):
    server_version = "sample-web"

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        service = os.environ.get(SERVICE_NAME_VARIABLE) or "sample-web"
        version = os.environ.get("VERSION", "dev")
        if path == "/health":
            body, status = {"status": "ok"}, 200
        elif path == "/":
            body, status = {"service": service, "version": version}, 200
        elif _under(path, os.environ.get(PATH_PREFIX_VARIABLE, "").rstrip("/")):
            body, status = {"service": service, "version": version, "path": path}, 200
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


def beat(path: str = HEARTBEAT_FILE) -> None:
    """Touch the heartbeat file the health check reads."""
    Path(path).touch()


def work(path: str = HEARTBEAT_FILE, interval: float = 5.0, rounds: int | None = None) -> int:
    """The worker loop: beat every ``interval`` seconds until SIGTERM (or ``rounds`` beats)."""
    stopping: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    print(f"worker: consuming {os.environ.get('QUEUE_URL', '(no queue)')}", flush=True)
    done = 0
    while not stopping and (rounds is None or done < rounds):
        beat(path)
        done += 1
        time.sleep(interval)
    print("worker: stopped", flush=True)
    return 0


def run_job(path: str = HEARTBEAT_FILE) -> int:
    """One run of the nightly job: its exit code is the run's result."""
    beat(path)
    print("job: nightly run done", flush=True)
    return 0


def main(role: str | None = None) -> int:
    """Run what ``APP_ROLE`` names: ``web`` (default), ``worker`` or ``job``."""
    role = role if role is not None else os.environ.get("APP_ROLE", "web")
    if role == "worker":
        return work()
    if role == "job":
        return run_job()
    if role != "web":
        print(f"unknown APP_ROLE {role!r}: expected web, worker or job", flush=True)
        return 2
    serve().serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
