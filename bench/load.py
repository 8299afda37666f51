"""
Load generators: wrk (Debian's package) when it is there, otherwise a bounded
Python one (threads, one keep-alive connection each). Both report requests per
second, p50 and p99 latency, and errors: failed connections and any answer
that is not 2xx or 3xx.
"""

import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

from .client import Visitor

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0


def find_wrk(install):
    """wrk's path; installed from Debian's packages first if allowed, missing, and we are root."""
    if shutil.which("wrk") or not install:
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk from Debian's packages...", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet).returncode:
            subprocess.run(["apt-get", "update", "-q"], **quiet)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet)
    return shutil.which("wrk")


def run_wrk(wrk, host, port, path, *, seconds, connections, headers):
    command = [wrk, "--latency", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://{host}:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    return parse_wrk(output)


def parse_wrk(output):
    def number(pattern):
        match = re.search(pattern, output)
        return match.groups() if match else None

    requests, elapsed, unit = number(r"(\d+) requests in ([\d.]+)(\w+),")
    p50 = number(r"50%\s+([\d.]+)(\w+)")
    p99 = number(r"99%\s+([\d.]+)(\w+)")
    socket_errors = number(r"Socket errors: connect (\d+), read \d+, write (\d+), timeout (\d+)") or ()
    bad_status = number(r"Non-2xx or 3xx responses: (\d+)") or ("0",)
    return Load(
        requests=int(requests),
        seconds=float(elapsed) * UNITS[unit] / 1000,
        p50_ms=float(p50[0]) * UNITS[p50[1]],
        p99_ms=float(p99[0]) * UNITS[p99[1]],
        errors=sum(int(n) for n in socket_errors) + int(bad_status[0]),
        tool="wrk",
    )


def run_python(host, port, path, *, seconds, connections, headers, max_requests=200_000):
    """As many GETs of one page as `connections` threads can make in `seconds`, at most `max_requests`."""
    cookies = dict(item.split("=", 1) for item in headers.get("Cookie", "").split("; ") if "=" in item)
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        visitor = Visitor(host, port, cookies=dict(cookies))
        mine, failed = [], 0
        while time.perf_counter() < deadline and len(mine) < max_requests // connections:
            try:
                response = visitor.request("GET", path)
                visitor.cookies = dict(cookies)  # the same request every time, as wrk sends
                mine.append(response.seconds)
                failed += response.status >= 400
            except OSError:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Load(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        errors=errors[0],
        tool="python",
    )


def percentile(values, pct):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]
