"""Indicator matching: events/s end to end on one core, against 1,000 and 100,000 indicators.

Writes a synthetic Suricata eve.json (flow, dns, http, tls and fileinfo records; about 2% carry a
value some indicator names), then, each in a fresh one-process run: reading and mapping alone
(the readers' share), and reading + mapping + matching against 1,000 and against 100,000
synthetic indicators (IPv4/IPv6 addresses, domains, URLs, SHA-256 hashes, 1% LIKE/MATCHES), with
peak RSS. The OASIS stix2-matcher baseline matches a sample of the same pattern-event pairs one
at a time; its events/s against 100,000 indicators is pairs/s ÷ 100,000.

    .venv/bin/python bench/match.py [--events 1000000] [--indicators 1000 100000]
        [--oracle-pairs 2000] [--keep FILE]

Needs the `dev` extra (stix2-matcher) for the baseline. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from liaison.cyber.events import LogEvent
from liaison.cyber.indicators import compile_indicators
from liaison.cyber.readers import LogReader
from liaison.stix.timestamps import micros_to_timestamp

START = 1_790_000_000  # 2026-09-21, seconds
HIT_RATE = 0.02
EVENT_TYPES = ("flow", "flow", "dns", "dns", "http", "http", "tls", "fileinfo")


def _ipv4(n: int) -> str:
    """One of the 768 documentation IPv4 addresses."""
    block = ("192.0.2", "198.51.100", "203.0.113")[n // 256 % 3]
    return f"{block}.{n % 256}"


def _ipv6(n: int) -> str:
    return f"2001:db8:{n >> 16 & 0xFFFF:x}:{n & 0xFFFF:x}::1"


def _sha256(n: int) -> str:
    return hashlib.sha256(f"sample-{n}".encode()).hexdigest()


def indicator_values(n: int) -> tuple[str, str, str]:
    """(kind, pattern, a value that hits it) of synthetic indicator `n`."""
    slot = n % 100
    if slot == 0:
        return (
            "like",
            f"[url:value LIKE 'https://dl-{n}.example.org/%']",
            f"https://dl-{n}.example.org/a.zip",
        )
    if slot == 50:
        return (
            "matches",
            f"[domain-name:value MATCHES '^upd-{n}\\\\.example\\\\.net$']",
            f"upd-{n}.example.net",
        )
    if slot < 35:
        value = _ipv4(n) if n < 768 else _ipv6(n)
        kind = "ipv4-addr" if n < 768 else "ipv6-addr"
        return "ip", f"[{kind}:value = '{value}']", value
    if slot < 60:
        return "domain", f"[domain-name:value = 'c2-{n}.example.com']", f"c2-{n}.example.com"
    if slot < 80:
        return (
            "url",
            f"[url:value = 'https://files-{n}.example.org/p-{n}.bin']",
            f"https://files-{n}.example.org/p-{n}.bin",
        )
    return "hash", f"[file:hashes.'SHA-256' = '{_sha256(n)}']", _sha256(n)


def indicators(count: int) -> list[dict[str, Any]]:
    """`count` synthetic STIX indicators."""
    return [
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--00000000-0000-4000-8000-{n:012d}",
            "pattern": indicator_values(n)[1],
            "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z",
        }
        for n in range(count)
    ]


def _record(rng: random.Random, index: int, hit: tuple[str, str, str] | None) -> dict[str, Any]:
    """One eve.json record; with `hit`, one that carries that indicator's value."""
    kind = hit[0] if hit else ""
    event_type = {"ip": "flow", "domain": "dns", "matches": "dns", "url": "http", "like": "http",
                  "hash": "fileinfo"}.get(kind) or rng.choice(EVENT_TYPES)  # fmt: skip
    seconds = START + index // 50
    ipv6 = rng.random() < 0.2
    src = (
        _ipv6(10_000_000 + rng.randrange(1 << 20))
        if ipv6
        else f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    )
    dest = (
        _ipv6(20_000_000 + rng.randrange(1 << 20))
        if ipv6
        else f"100.64.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    )
    if kind == "ip":
        dest = hit[2] if hit else dest
        if ":" not in dest and ipv6:
            src = "10.1.2.3"
        elif ":" in dest and not ipv6:
            src = _ipv6(30_000_000 + rng.randrange(1 << 20))
    record: dict[str, Any] = {
        "timestamp": f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{index % 1000:03d}000+0000",
        "flow_id": rng.randrange(1 << 50),
        "event_type": event_type,
        "src_ip": src,
        "src_port": rng.randrange(1024, 65535),
        "dest_ip": dest,
        "dest_port": rng.choice((53, 80, 443, 8080)),
        "proto": "UDP" if event_type == "dns" else "TCP",
    }
    n = rng.randrange(10**9)
    if event_type == "flow":
        record["flow"] = {"pkts_toserver": 7, "pkts_toclient": 5, "bytes_toserver": 800,
                          "bytes_toclient": 4200, "start": record["timestamp"], "state": "closed"}  # fmt: skip
    elif event_type == "dns":
        name = hit[2] if kind in ("domain", "matches") and hit else f"host-{n}.example.net"
        record["dns"] = {"type": "query", "id": 4242, "rrname": name, "rrtype": "A", "tx_id": 0}
    elif event_type == "http":
        url = (
            hit[2]
            if kind in ("url", "like") and hit
            else f"https://www-{n % 5000}.example.com/page/{n}"
        )
        host, _, path = url.partition("://")[2].partition("/")
        record["http"] = {"hostname": host, "url": "/" + path, "http_user_agent": "Mozilla/5.0",
                          "http_method": "GET", "protocol": "HTTP/1.1", "status": 200, "length": 512}  # fmt: skip
    elif event_type == "tls":
        record["tls"] = {"sni": f"svc-{n % 20000}.example.org", "version": "TLS 1.3",
                         "fingerprint": ":".join(f"{b:02x}" for b in hashlib.sha1(str(n).encode()).digest())}  # fmt: skip
    else:
        sha = hit[2] if kind == "hash" and hit else _sha256(10**10 + n)
        record["fileinfo"] = {"filename": f"/download/f-{n}.bin", "size": 2048, "sha256": sha,
                              "state": "CLOSED", "stored": False}  # fmt: skip
    return record


def write_events(path: Path, count: int, indicator_count: int, seed: int = 7) -> None:
    """A synthetic eve.json of `count` records, HIT_RATE of them carrying an indicator's value."""
    rng = random.Random(seed)
    with path.open("wb") as out:
        lines = []
        for index in range(count):
            hit = (
                indicator_values(rng.randrange(indicator_count))
                if rng.random() < HIT_RATE
                else None
            )
            lines.append(orjson.dumps(_record(rng, index, hit)))
            if len(lines) == 10_000:
                out.write(b"\n".join(lines) + b"\n")
                lines = []
        if lines:
            out.write(b"\n".join(lines) + b"\n")


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(log: Path, indicator_count: int) -> dict[str, Any]:
    """One measurement in this process: read (and match, with indicators) the whole log."""
    started = time.perf_counter()
    matcher = None
    problems: list[Any] = []
    if indicator_count:
        matcher, problems = compile_indicators(indicators(indicator_count), now=0)
    gc.freeze()  # as `liaison match` does before it streams
    compiled = time.perf_counter()
    cpu_started = time.process_time()
    events = hits = 0
    with LogReader(log, "suricata") as reader:
        if matcher is None:
            for _ in reader.events():
                events += 1
        else:
            match = matcher.match
            for event in reader.events():
                events += 1
                hits += len(match(event))
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_started
    return {
        "indicators": indicator_count,
        "problems": len(problems),
        "compile_s": compiled - started,
        "events": events,
        "hits": hits,
        "seconds": finished - compiled,
        "events_per_s": events / (finished - compiled),
        "events_per_cpu_s": events / cpu,
        "peak_rss_mib": _peak_rss_mib(),
    }


def measure(log: Path, indicator_count: int) -> dict[str, Any]:
    """`run_worker` in a fresh process (one core; its own peak RSS)."""
    output = subprocess.run(
        [sys.executable, __file__, "--worker", str(log), "--worker-indicators", str(indicator_count)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    result: dict[str, Any] = json.loads(output)
    return result


def _bundle(event: LogEvent, index: int) -> dict[str, Any]:
    """An event as stix2-matcher's STIX 2.1 input: a bundle of an observed-data and its SCOs."""
    ids = {key: f"{obj['type']}--{uuid.uuid5(uuid.NAMESPACE_URL, f'{index}/{key}')}"
           for key, obj in event.objects.items()}  # fmt: skip

    def with_ids(obj: Any) -> Any:
        if not isinstance(obj, dict):
            return obj
        out = {}
        for name, value in obj.items():
            if name.endswith("_ref") and isinstance(value, str):
                value = ids.get(value, value)
            elif name.endswith("_refs") and isinstance(value, list):
                value = [ids.get(ref, ref) for ref in value]
            out[name] = with_ids(value)
        return out

    observed = {
        "type": "observed-data", "id": f"observed-data--{uuid.uuid5(uuid.NAMESPACE_URL, str(index))}",
        "first_observed": micros_to_timestamp(event.first_observed),
        "last_observed": micros_to_timestamp(event.last_observed),
        "number_observed": 1, "object_refs": list(ids.values()),
    }  # fmt: skip
    scos = [{**with_ids(obj), "id": ids[key]} for key, obj in event.objects.items()]
    return {"type": "bundle", "id": f"bundle--{uuid.uuid5(uuid.NAMESPACE_URL, f'b{index}')}",
            "objects": [observed, *scos]}  # fmt: skip


def measure_oracle(log: Path, indicator_count: int, pairs: int) -> dict[str, float]:
    """stix2-matcher on `pairs` pattern-event pairs drawn from the same indicators and log:
    each pattern parsed once, then matched against 20 events one at a time."""
    from stix2matcher.matcher import Pattern

    rng = random.Random(11)
    patterns = [
        indicator_values(rng.randrange(indicator_count))[1] for _ in range(max(1, pairs // 20))
    ]
    with LogReader(log, "suricata") as reader:
        bundles = [
            _bundle(event, index) for index, event in zip(range(20), reader.events(), strict=False)
        ]
    started = time.perf_counter()
    done = 0
    for text in patterns:
        pattern = Pattern(text, stix_version="2.1")
        for bundle in bundles:
            pattern.match([bundle])
            done += 1
    seconds = time.perf_counter() - started
    per_s = done / seconds
    return {"pairs": done, "pairs_per_s": per_s, "events_per_s": per_s / 100_000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--indicators", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--oracle-pairs", type=int, default=2_000)
    parser.add_argument("--keep", type=Path, help="write the eve.json here and keep it")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker-indicators", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(run_worker(args.worker, args.worker_indicators)))
        return
    console = Console(width=140)
    with tempfile.TemporaryDirectory() as tmp:
        log = args.keep or Path(tmp) / "eve.json"
        started = time.perf_counter()
        write_events(log, args.events, max(args.indicators))
        console.print(f"wrote {args.events:,} events ({log.stat().st_size / 2**20:,.0f} MiB) "
                      f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        runs = [measure(log, 0)] + [measure(log, count) for count in args.indicators]
        oracle = (
            measure_oracle(log, max(args.indicators), args.oracle_pairs)
            if args.oracle_pairs
            else None
        )
    table = Table(title=f"matching {args.events:,} Suricata events on one core")
    for column in (
        "run",
        "indicators",
        "compile s",
        "events/s",
        "events/CPU-s",
        "hits",
        "peak RSS MiB",
    ):
        table.add_column(column, justify="left" if column == "run" else "right")
    for run in runs:
        name = "read + map only" if not run["indicators"] else "read + map + match"
        table.add_row(
            name, f"{run['indicators']:,}", f"{run['compile_s']:.2f}", f"{run['events_per_s']:,.0f}",
            f"{run['events_per_cpu_s']:,.0f}", f"{run['hits']:,}", f"{run['peak_rss_mib']:,.0f}",
        )  # fmt: skip
    if oracle is not None:
        table.add_row(
            f"stix2-matcher ({oracle['pairs']:,} pairs: {oracle['pairs_per_s']:,.0f} pairs/s)",
            f"{max(args.indicators):,}", "–", f"{oracle['events_per_s']:.3f} (extrapolated)", "–", "–",
            "–",
        )  # fmt: skip
    console.print(table)
    matched = [run for run in runs if run["indicators"]]
    if len(matched) >= 2:
        wall = matched[-1]["events_per_s"] / matched[0]["events_per_s"]
        cpu = matched[-1]["events_per_cpu_s"] / matched[0]["events_per_cpu_s"]
        console.print(f"throughput with {matched[-1]['indicators']:,} vs {matched[0]['indicators']:,} "
                      f"indicators: {wall:.2f}× (wall), {cpu:.2f}× (CPU)")  # fmt: skip


if __name__ == "__main__":
    main()
