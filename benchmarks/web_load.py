"""Load generators for the web benchmark: wrk where it is installed, else an asyncio/httpx one.

Both hold `connections` keep-alive connections busy for `seconds` and report requests/s and the
50th and 99th latency percentiles. The Python one shares the machine's cores with the servers,
so its absolute figures are lower than wrk's; the ratios within one run are what count.
"""

import asyncio
import re
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Load:
    rate: float  # requests per second
    p50: float  # milliseconds
    p99: float
    requests: int
    bad: int  # answers other than 2xx or 3xx, and socket errors


def generator() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def drive(url: str, headers: dict[str, str], connections: int, seconds: float) -> Load:
    """Load one URL with the best generator at hand."""
    if generator() == "wrk":
        return _wrk(url, headers, connections, seconds)
    return asyncio.run(_python(url, headers, connections, seconds))


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS[unit]


def _wrk(url: str, headers: dict[str, str], connections: int, seconds: float) -> Load:
    command = ["wrk", "--latency", "-t", str(min(2, connections)), "-c", str(connections),
               "-d", f"{max(1, round(seconds))}s", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if set(percentiles) != {"50", "99"}:
        raise RuntimeError(f"wrk gave no latency distribution for {url}:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    bad += sum(int(n) for n in errors.groups()) if errors else 0
    return Load(rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                p50=_ms(percentiles["50"]), p99=_ms(percentiles["99"]), requests=requests,
                bad=bad)


async def _python(url: str, headers: dict[str, str], connections: int, seconds: float) -> Load:
    latencies: list[float] = []
    bad = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=10.0) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal bad
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    response = await client.get(url)
                    ok = response.status_code < 400
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - start) * 1000)
                bad += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 \
        else latencies * 99
    return Load(rate=len(latencies) / elapsed, p50=cuts[49], p99=cuts[98],
                requests=len(latencies), bad=bad)
