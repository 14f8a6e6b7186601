"""Soak test (issue 14 part 6): a long authenticated mixed workload at the benchmark's load, watching for errors and
memory growth.

    DATABASE_URL=... .venv/bin/python bench/soak.py --minutes 10            # starts gunicorn itself, 16 clients
    DATABASE_URL=... .venv/bin/python bench/soak.py --url http://127.0.0.1:8000 --minutes 10   # a running `make serve`

It signs in the people of the agency with the most cases (``bench/national.py``'s ``people()``: an intake officer, a
caseworker, a supervisor, a statistician, a plan coordinator, a Women's Union caseworker and the police's tip and
proceedings officers), takes the working day's pages and API calls of ``bench/national.py``'s ``scenarios()`` and
has ``--clients`` threads (16, the benchmark's load) request them in random order, each thread as one of those
people, back to back, for ``--minutes``. The mix is reads plus what reads write (the audit entry of every identity
shown) and the intake form's duplicate check (a POST that saves nothing); new intakes are left out, so the database
does not grow with the run and the same soak can be repeated on demo data.

It records every error (a status other than 2xx/3xx, or a failed connection), p50/p95 per page, and the resident
memory (RSS) of the server — the gunicorn master and its workers, summed — after a warm-up minute and at the end,
sampled every ``--sample-seconds`` in between. It prints a Markdown table and appends a JSON line to
``bench/results.jsonl``. The server's memory is read from /proc, so the server must run on this machine.
Synthetic or demo data only.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import signal
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")

# Pages left out of the soak: they write new records (intakes) or are baselines rather than work.
LEFT_OUT = ("intake save", "baseline")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its children (gunicorn's master and workers), in KiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue  # a worker that was just replaced
    return total


def server_pid(port: int) -> int | None:
    """The gunicorn master listening on ``port`` (for --url): the oldest gunicorn process on the machine whose
    command line names the port."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "gunicorn" in command and f":{port}" in command:
            found.append(int(entry.name))
    return min(found) if found else None


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def add(self, name: str, elapsed_ms: float, error: str | None) -> None:
        with self.lock:
            self.times[name].append(elapsed_ms)
            if error:
                self.errors[name].append(error)


def request(host: str, port: int, method: str, path: str, cookie: str, body: str | None) -> int:
    connection = http.client.HTTPConnection(host, port, timeout=60)
    headers = {"Cookie": cookie, "Host": f"{host}:{port}"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{host}:{port}{path}"
    try:
        connection.request(method, quote(path.replace(" ", "+"), safe="/?=&+:%"), body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def client_loop(number: int, args, scenarios: list[dict], cookies: dict, recorder: Recorder, stop_at: float,
                host: str, port: int) -> None:
    rng = random.Random(args.seed + number)  # noqa: S311 - picks pages, not secrets
    counters: dict[str, int] = defaultdict(int)
    while time.monotonic() < stop_at:
        scenario = rng.choice(scenarios)
        paths = scenario["paths"]
        path = paths[counters[scenario["name"]] % len(paths)]
        counters[scenario["name"]] += 1
        body = None
        if scenario["method"] == "POST":
            body = urlencode({**scenario["data"], "csrfmiddlewaretoken": scenario["csrf"]})
        started = time.perf_counter()
        error = None
        try:
            status = request(host, port, scenario["method"], path, cookies[scenario["user"]], body)
            if status >= 400:
                error = f"HTTP {status} {path[:80]}"
        except Exception as failure:  # noqa: BLE001 - every failure is an error of the run, none stops a client
            error = f"{type(failure).__name__} {path[:80]}"
        recorder.add(scenario["name"], (time.perf_counter() - started) * 1000, error)


def available(scenarios: list[dict], cookies: dict, host: str, port: int) -> tuple[list[dict], list[str]]:
    """The scenarios whose first page answers 2xx/3xx for its user. On small data (the demo) some of the bench's
    people have no agency to belong to (no police, no referral receiver): their pages answer 403 by design, which is
    not a fault of the server, so they are left out and named in the results."""
    kept, left_out = [], []
    for scenario in scenarios:
        body = None
        if scenario["method"] == "POST":
            body = urlencode({**scenario["data"], "csrfmiddlewaretoken": scenario["csrf"]})
        try:
            status = request(host, port, scenario["method"], scenario["paths"][0], cookies[scenario["user"]], body)
        except Exception:  # noqa: BLE001
            status = 0
        (kept if 200 <= status < 400 else left_out).append(scenario if 200 <= status < 400
                                                            else f"{scenario['name']} ({status})")
    return kept, left_out


def run_phase(seconds: float, args, scenarios, cookies, recorder, host, port) -> None:
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=client_loop, args=(n, args, scenarios, cookies, recorder, stop_at, host, port),
                                daemon=True) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description="Soak test: a long mixed workload at 16 clients (synthetic or demo "
                                                 "data only).")
    parser.add_argument("--minutes", type=float, default=10, help="length of the measured run (default 10)")
    parser.add_argument("--warmup-seconds", type=float, default=60, help="unmeasured run before (default 60)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--url", help="a server already running (make serve); default: start gunicorn here")
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    parser.add_argument("--sample-seconds", type=float, default=30, help="how often to read the server's memory")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.utils import timezone

    from bench.national import people, scenarios, start_server, stop_server
    from bench.run import machine
    from trove.core.testing import sign_in

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    setting = people()
    year = timezone.localdate().year - 1
    chosen = [s for s in scenarios(setting, year) if not any(word in s["name"] for word in LEFT_OUT)]
    cookies = {}
    for key, user in setting["users"].items():
        client = Client()
        sign_in(client, user)
        csrf = _get_new_csrf_string()
        cookies[key] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; " \
                       f"csrftoken={csrf}"
        for scenario in chosen:
            if scenario["user"] == key:
                scenario["csrf"] = csrf
    connection.close()  # the server has the database to itself during the run

    server = None
    if args.url:
        parts = urlsplit(args.url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        pid = server_pid(port)
    else:
        host, port = "127.0.0.1", args.port
        server = start_server(port, args.web_workers)
        pid = server.pid
    results: dict = {"scenario": "soak", "engine": connection.vendor, "date": timezone.localdate().isoformat(),
                     "machine": machine(), "clients": args.clients, "minutes": args.minutes,
                     "web_workers": None if args.url else args.web_workers, "pages": len(chosen),
                     "cases": setting["agency_cases"]}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server we started on a plain kill too
    try:
        chosen, left_out = available(chosen, cookies, host, port)
        results["left_out"] = left_out
        results["pages"] = len(chosen)
        print(f"{len(chosen)} pages; left out (not available to the bench's people on this data): {left_out}",
              flush=True)
        print(f"warm-up {args.warmup_seconds:.0f} s with {args.clients} clients…", flush=True)
        run_phase(args.warmup_seconds, args, chosen, cookies, Recorder(), host, port)
        samples = [(0.0, rss_kib(pid) if pid else None)]
        recorder = Recorder()
        total = args.minutes * 60
        started = time.monotonic()
        worker = threading.Thread(target=run_phase, args=(total, args, chosen, cookies, recorder, host, port))
        worker.start()
        while worker.is_alive():
            worker.join(timeout=args.sample_seconds)
            samples.append((round(time.monotonic() - started, 1), rss_kib(pid) if pid else None))
            done = sum(len(times) for times in recorder.times.values())
            errors = sum(len(errors) for errors in recorder.errors.values())
            print(f"{samples[-1][0]:>7.0f} s  {done} requests  {errors} errors  server RSS "
                  f"{(samples[-1][1] or 0) / 1024:.1f} MiB", flush=True)
        elapsed = time.monotonic() - started
    finally:
        if server is not None:
            stop_server(server)

    pages = {}
    for name in sorted(recorder.times):
        times = recorder.times[name]
        pages[name] = {"requests": len(times), "p50_ms": round(statistics.median(times), 1),
                       "p95_ms": round(percentile(times, 0.95), 1), "errors": len(recorder.errors[name])}
    everything = [t for times in recorder.times.values() for t in times]
    errors = [e for errs in recorder.errors.values() for e in errs]
    rss = [kib for _t, kib in samples if kib]
    results.update({
        "seconds": round(elapsed, 1), "requests": len(everything),
        "throughput_rps": round(len(everything) / elapsed, 1) if elapsed else 0,
        "p50_ms": round(statistics.median(everything), 1) if everything else None,
        "p95_ms": round(percentile(everything, 0.95), 1) if everything else None,
        "errors": len(errors), "error_examples": sorted(set(errors))[:10],
        "rss_start_mib": round(rss[0] / 1024, 1) if rss else None,
        "rss_end_mib": round(rss[-1] / 1024, 1) if rss else None,
        "rss_max_mib": round(max(rss) / 1024, 1) if rss else None,
        "rss_samples_mib": [(t, round(kib / 1024, 1)) for t, kib in samples if kib],
        "pages": pages, "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    })
    with (ROOT / "bench" / "results.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(results, ensure_ascii=False) + "\n")
    print()
    print(f"{results['requests']} requests in {results['seconds']} s ({results['throughput_rps']}/s), "
          f"{results['errors']} errors; p50 {results['p50_ms']} ms, p95 {results['p95_ms']} ms; server RSS "
          f"{results['rss_start_mib']} MiB after warm-up, {results['rss_end_mib']} MiB at the end "
          f"(max {results['rss_max_mib']}).")
    print()
    print("| page | requests | p50 ms | p95 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for name, page in pages.items():
        print(f"| {name} | {page['requests']} | {page['p50_ms']} | {page['p95_ms']} | {page['errors']} |")
    if errors:
        print("\nerrors (examples):", *results["error_examples"], sep="\n  ")


if __name__ == "__main__":
    main()
