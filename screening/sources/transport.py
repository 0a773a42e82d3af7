"""The httpx transport that connects only to addresses it checked itself.

httpx resolves and connects inside httpcore's network backend; replacing that backend is the one
place where the address connected to can be the address that was checked (no DNS-rebinding gap),
while the URL's host name still goes into the Host header and TLS SNI.
"""

from __future__ import annotations

import contextvars
import ssl
import time
import typing

import httpcore
import httpx

from screening.sources.addresses import AddressPolicy, Resolver, checked_addresses

# The monotonic time by which the current exchange must be over; set by the client around
# each request so that a server dripping bytes cannot outlast the total timeout.
deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


def _remaining(timeout: float | None) -> float | None:
    """Clamp a per-operation timeout to what is left of the exchange's deadline."""
    end = deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("total timeout exceeded")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write respects the exchange's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout))
        return DeadlineStream(inner)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Resolve, check every address, then connect to a checked address and nothing else."""

    def __init__(self, policy: AddressPolicy, resolver: Resolver) -> None:
        self._policy = policy
        self._resolver = resolver
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = checked_addresses(host, port, self._policy, self._resolver)
        error: Exception | None = None
        for address in addresses:
            try:
                stream = self._sockets.connect_tcp(
                    str(address), port, _remaining(timeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return DeadlineStream(stream)
        assert error is not None
        raise error


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport with the pinned backend and no proxy taken from the environment."""

    def __init__(
        self,
        policy: AddressPolicy,
        resolver: Resolver,
        verify: ssl.SSLContext | bool = True,
        max_connections: int = 10,
    ) -> None:
        super().__init__(verify=verify, trust_env=False)
        # httpx offers no public hook for the network backend, so replace the pool it built.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=max_connections,
            network_backend=PinnedBackend(policy, resolver),
        )
