"""Benchmark: normalise 10,000 posts from the recorded samples served on 127.0.0.1.

Prints posts/s, the share of time spent on the network (the guarded client: connecting, reading,
checks) versus parsing and normalising, and the parsing cost as a ratio to a baseline of bare
`json.loads`/`feedparser.parse` on the same bytes.
Run from the project root: python -m benchmarks.bench_sources
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser

from screening.sources import bluesky, github, mastodon, rss
from screening.sources.addresses import AddressPolicy
from screening.sources.http import ClientSettings, Fetched, GuardedClient
from screening.sources.posts import Post, Window

REALWORLD = Path(__file__).resolve().parents[1] / ".." / "shared" / "realworld"
JSON = "application/json"
FEEDS = [
    "rss/rsparser-natasha-wordpress.xml",
    "rss/rsparser-489-medium.rss",
    "rss/rsparser-rubenerd-hugo.rss",
    "atom/rsparser-daringfireball.atom",
    "atom/rsparser-onefoottsunami-wordpress.atom",
    "atom/rsparser-4fsodonline-blogger.atom",
]


def routes() -> dict[str, tuple[bytes, str]]:
    """Map request paths (without query) to recorded bodies and their content types."""
    table = {f"/{path}": ((REALWORLD / path).read_bytes(), "application/xml") for path in FEEDS}
    recorded = {
        "/api/v1/accounts/lookup": "mastodon/tootsdk-account-lookup-mastodon-official.json",
        "/api/v1/accounts/13179/statuses": (
            "mastodon/mastodon4j-hashtag-timeline-statuses-2017.json"
        ),
        "/xrpc/app.bsky.actor.getProfile": "bluesky/atprotodart-getProfile-shinyakato.json",
        "/xrpc/app.bsky.feed.getAuthorFeed": "bluesky/atprotodart-getAuthorFeed-shinyakato.json",
        "/users/sigmavirus24": "github/github3py-user-sigmavirus24.json",
        "/users/sigmavirus24/events/public": (
            "github/github3py-user-public-events-sigmavirus24-page1.json"
        ),
        "/users/sigmavirus24/repos": "github/github3py-user-repos-dstufft-page1.json",
    }
    for route, path in recorded.items():
        body = (REALWORLD / path).read_bytes()
        if route.endswith("getAuthorFeed"):
            body = _without_cursor(body)  # one page per fetch, so rounds stay comparable
        table[route] = (body, JSON)
    return table


def _without_cursor(body: bytes) -> bytes:
    data = json.loads(body)
    data.pop("cursor", None)
    return json.dumps(data).encode()


def serve(table: dict[str, tuple[bytes, str]]) -> ThreadingHTTPServer:
    """Serve `table` on 127.0.0.1 from a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out as two writes; without this, Nagle plus delayed ACKs
            # add ~40 ms to every response and the benchmark would measure the kernel.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            body, content_type = table.get(self.path.split("?")[0], (b"", "text/plain"))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


class TimedClient(GuardedClient):
    """The guarded client, adding up the time spent inside it."""

    network = 0.0

    def get(self, url: str, **kwargs: Any) -> Fetched:
        start = time.perf_counter()
        try:
            return super().get(url, **kwargs)
        finally:
            self.network += time.perf_counter() - start


def fetchers(base: str) -> list[Callable[[GuardedClient], Iterator[Post]]]:
    """One callable per source reading, all against the local server."""
    window = Window(limit=100_000)
    calls: list[Callable[[GuardedClient], Iterator[Post]]] = [
        lambda c, p=path: rss.fetch(c, f"{base}/{p}", window) for path in FEEDS
    ]
    calls.append(lambda c: mastodon.fetch(c, "Mastodon@mastodon.social", window, base))
    calls.append(lambda c: bluesky.fetch(c, "shinyakato.dev", window, base))
    calls.append(lambda c: github.fetch(c, "sigmavirus24", window, base))
    return calls


def baseline(table: dict[str, tuple[bytes, str]], rounds: int) -> float:
    """Time bare parsing of the same bodies (feedparser as rss.py calls it), nothing more."""
    start = time.perf_counter()
    for _ in range(rounds):
        for body, content_type in table.values():
            if content_type == JSON:
                json.loads(body)
            else:
                feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    target = parser.parse_args().posts
    table = routes()
    httpd = serve(table)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    loopback = AddressPolicy(allowed=(ipaddress.ip_network("127.0.0.1/32"),), allow_http=True)
    settings = ClientSettings(min_interval=0.0, max_bytes=8 * 1024 * 1024)
    posts = rounds = 0
    start = time.perf_counter()
    with TimedClient(settings, policy=loopback) as client:
        while posts < target:
            for fetch in fetchers(base):
                posts += sum(1 for _ in fetch(client))
            rounds += 1
    total = time.perf_counter() - start
    httpd.shutdown()
    parsing = total - client.network
    bare = baseline(table, rounds)
    print(f"posts normalised:      {posts} in {rounds} rounds, {total:.2f} s")
    print(f"throughput:            {posts / total:,.0f} posts/s")
    print(f"network (client):      {client.network / total:6.1%} of the time")
    print(f"parsing + normalising: {parsing / total:6.1%} of the time")
    print(f"parsing vs baseline:   {parsing / bare:.2f}x bare json.loads/feedparser.parse")


if __name__ == "__main__":
    main()
