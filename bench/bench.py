#!/usr/bin/env python3
"""Helpers for bench/run.sh: config generation, nginx configs, log analysis and the burst poller.

Standard library only. Every subcommand prints its result on stdout.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict

MARKER = "bench-marker"


def monitor_config(path, count, port, frequency, api_url, actions):
    """A cachet-monitor config with COUNT endpoints /e/1..N, HTTP_STATUS + REGEX, component i for endpoint i."""
    lines = ["endpoints:"]
    for i in range(1, count + 1):
        lines += [
            f"  - name: e{i}",
            f"    url: http://127.0.0.1:{port}/e/{i}",
            "    method: GET",
            "    timeout: 5",
            f"    frequency: {frequency}",
            f"    component_id: {i}",
            "    expectation:",
            "      - type: HTTP_STATUS",
            "        status_range: 200-300",
            "      - type: REGEX",
            f'        regex: "{MARKER} [0-9]+"',
            f"    action: [{actions}]",
        ]
    lines += ["cachet:", f"  api_url: {api_url}", "  token: ${BENCH_CACHET_TOKEN}", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def nginx_config(prefix, port):
    """nginx on 127.0.0.1:PORT; /e/<i> answers as mode.conf says; the access log has msec time, path, status."""
    conf = f"""
worker_processes 1;
worker_rlimit_nofile 65536;
pid {prefix}/nginx.pid;
error_log {prefix}/nginx-error.log warn;
events {{ worker_connections 32768; }}
http {{
    log_format bench '$msec $uri $status';
    access_log {prefix}/access.log bench buffer=1m flush=1s;
    client_body_temp_path {prefix}/tmp-body;
    proxy_temp_path {prefix}/tmp-proxy;
    fastcgi_temp_path {prefix}/tmp-fastcgi;
    uwsgi_temp_path {prefix}/tmp-uwsgi;
    scgi_temp_path {prefix}/tmp-scgi;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    default_type text/plain;
    server {{
        listen 127.0.0.1:{port} reuseport backlog=65535;
        location ~ ^/e/([0-9]+)$ {{
            include {prefix}/mode.conf;
        }}
        location / {{ return 404; }}
    }}
}}
"""
    with open(f"{prefix}/nginx.conf", "w") as f:
        f.write(conf)
    nginx_mode(prefix, "up")


def nginx_mode(prefix, mode):
    """up: 200 with the marker; down: 503."""
    body = f'return 200 "{MARKER} $1\\n";' if mode == "up" else 'return 503 "down\\n";'
    with open(f"{prefix}/mode.conf", "w") as f:
        f.write(body + "\n")


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def analyze(log, count, frequency, start_ms, t0_ms, t1_ms, cpu0, cpu1, ticks, hwm_kib):
    """The one summary line of a steady-state run, as JSON on the last line too."""
    t0, t1, start = t0_ms / 1000.0, t1_ms / 1000.0, start_ms / 1000.0
    first = {}
    per = defaultdict(list)
    with open(log) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3 or not parts[1].startswith("/e/"):
                continue
            ts = float(parts[0])
            endpoint = parts[1]
            if endpoint not in first and ts >= start:
                first[endpoint] = ts
            if t0 <= ts < t1:
                per[endpoint].append(ts)
    made = sum(len(v) for v in per.values())
    window = t1 - t0
    due = count * window / frequency
    intervals = []
    for ts in per.values():
        ts.sort()
        intervals += [b - a for a, b in zip(ts, ts[1:])]
    intervals.sort()
    cpu = (cpu1 - cpu0) / ticks
    cpu_per_1000 = cpu / made * 1000 if made else float("nan")
    last_first = max(first.values()) - start if len(first) == count else float("nan")
    # The first endpoint's slot is at start-up: its first check is the process's start-to-first-check time.
    first_check = min(first.values()) - start if first else float("nan")
    result = {
        "endpoints": count,
        "frequency_s": frequency,
        "window_s": round(window, 3),
        "checks_made": made,
        "checks_due": round(due),
        "ratio": made / due if due else float("nan"),
        "interval_p50_s": percentile(intervals, 50),
        "interval_p99_s": percentile(intervals, 99),
        "interval_max_s": intervals[-1] if intervals else float("nan"),
        "cpu_s": cpu,
        "cpu_s_per_1000_checks": cpu_per_1000,
        "peak_rss_mib": hwm_kib / 1024.0,
        "endpoints_checked": len(first),
        "start_to_last_first_check_s": last_first,
        "start_to_first_check_s": first_check,
    }
    print(
        f"SUMMARY endpoints={count} frequency={frequency}s window={window:.1f}s "
        f"checks={made}/{due:.0f} ({100 * result['ratio']:.2f} %) "
        f"interval p50/p99/max={result['interval_p50_s']:.3f}/{result['interval_p99_s']:.3f}/{result['interval_max_s']:.3f} s "
        f"cpu={cpu_per_1000:.4f} s/1000 checks ({cpu:.2f} cpu-s) peak_rss={hwm_kib / 1024.0:.1f} MiB"
    )
    print(
        f"START-UP first check {first_check:.3f} s, all {count} endpoints first checked {last_first:.3f} s after "
        f"process start ({len(first)} endpoints seen)"
    )
    print("JSON " + json.dumps(result))


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def burst_wait(api_url, count, want, timeout_s, since_ms):
    """Polls the fake's GET /components and /incidents until every component shows WANT (down or up).

    down: status > 1 and one open incident (status < 4); up: status 1 and no open incident.
    Prints the seconds since SINCE_MS (epoch ms, the nginx switch), or 'timeout'."""
    started = since_ms / 1000.0
    while True:
        components = get_json(f"{api_url}/components?per_page=100000")["data"]
        incidents = get_json(f"{api_url}/incidents?per_page=100000")["data"]
        open_by = defaultdict(int)
        for i in incidents:
            if i["status"] < 4:
                open_by[i["component_id"]] += 1
        done = 0
        for c in components:
            if c["id"] > count:
                continue
            if want == "down" and c["status"] > 1 and open_by[c["id"]] >= 1:
                done += 1
            elif want == "up" and c["status"] == 1 and open_by[c["id"]] == 0:
                done += 1
        elapsed = time.time() - started
        if done >= count:
            print(f"{elapsed:.3f}")
            return
        if elapsed > timeout_s:
            print(f"timeout ({done}/{count} converged)")
            return
        time.sleep(0.05)


def burst_check(report_path, count):
    """Checks the fake's write report after a fail-then-recover burst: one incident per component, no duplicates."""
    with open(report_path) as f:
        report = json.load(f)
    components = [c for c in report["components"] if c["id"] <= count]
    incident_counts = [len(c["incidents"]) for c in components]
    missing = sum(1 for n in incident_counts if n == 0)
    duplicated = sum(1 for n in incident_counts if n > 1)
    unresolved = sum(1 for c in components for i in c["incidents"] if i["status"] != 4)
    not_up = sum(1 for c in components if c["status"] != 1)
    status_writes = sum(c["statusWrites"] for c in components)
    print(
        f"BURST-CHECK components={len(components)} incidents={sum(incident_counts)} missing={missing} "
        f"duplicated={duplicated} unresolved={unresolved} not_operational={not_up} "
        f"status_writes={status_writes} total_writes={report['writes']}"
    )
    ok = missing == 0 and duplicated == 0 and unresolved == 0 and not_up == 0
    print("BURST-OK" if ok else "BURST-FAILED")


def read_run(prefix):
    """A measured run's figures: the steady state's JSON line and the extras' `name value` lines."""
    figures = {}
    with open(prefix + ".summary") as f:
        for line in f:
            if line.startswith("JSON "):
                figures.update(json.loads(line[5:]))
    try:
        with open(prefix + ".extras") as f:
            for line in f:
                name, value = line.split()
                figures[name] = float("nan") if value == "n/a" else float(value)
    except FileNotFoundError:
        pass
    return figures


def compare(first_prefix, second_prefix):
    """RATIO lines, second / first, for the figures both runs measured (lower is better except due checks)."""
    first, second = read_run(first_prefix), read_run(second_prefix)
    names = [
        ("ratio", "due checks made"),
        ("interval_p99_s", "interval p99"),
        ("cpu_s_per_1000_checks", "CPU per 1,000 checks"),
        ("peak_rss_mib", "peak RSS"),
        ("start_to_first_check_s", "start to first check"),
        ("start_to_last_first_check_s", "start to last first check"),
        ("validate_ms", "validate of the 10,000-endpoint config"),
        ("single_rss_mib", "1-endpoint RSS"),
    ]
    for key, label in names:
        a, b = first.get(key), second.get(key)
        if a is None or b is None:
            continue
        ratio = b / a if a and a == a and b == b else float("nan")
        print(f"RATIO {label}: first {a:.4g}, second {b:.4g}, second/first {ratio:.2f}")


def first_check(monitor, runs):
    """Process start to first check, `runs` times: a one-endpoint config (`run --dry-run`) whose target is a
    listener of this script's; the time is from just before the process is spawned to the accepted connection."""
    times = []
    with tempfile.TemporaryDirectory() as work:
        for _ in range(runs):
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen(16)
            port = listener.getsockname()[1]
            config = os.path.join(work, "one.yml")
            monitor_config(config, 1, port, "60", "http://127.0.0.1:1/api/v1", "UPDATE_STATUS")
            listener.settimeout(30)
            start = time.time()
            process = subprocess.Popen(
                [monitor, "run", "--dry-run", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={**os.environ, "BENCH_CACHET_TOKEN": "x"})
            try:
                connection, _ = listener.accept()
                times.append(time.time() - start)
                connection.close()
            finally:
                process.terminate()
                process.wait()
                listener.close()
    times.sort()
    print(f"FIRST-CHECK process start to first check over {runs} runs: min {1000 * times[0]:.1f} ms, "
          f"median {1000 * times[len(times) // 2]:.1f} ms, max {1000 * times[-1]:.1f} ms")


def idle_cpu(monitor, settle_s, window_s):
    """CPU of a monitor with one endpoint at `frequency: 60` (`run --dry-run`, its target a listener of this
    script's that answers 200): utime+stime over `window_s` seconds after `settle_s`, as a share of one core."""
    with tempfile.TemporaryDirectory() as work:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]

        def answer():
            while True:
                try:
                    connection, _ = listener.accept()
                except OSError:
                    return
                connection.recv(65536)
                body = f"{MARKER} 1".encode()
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
                                   + body)
                connection.close()

        threading.Thread(target=answer, daemon=True).start()
        config = os.path.join(work, "idle.yml")
        monitor_config(config, 1, port, "60", "http://127.0.0.1:1/api/v1", "UPDATE_STATUS")
        process = subprocess.Popen(
            [monitor, "run", "--dry-run", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "BENCH_CACHET_TOKEN": "x"})
        ticks_per_s = os.sysconf("SC_CLK_TCK")

        def ticks():
            with open(f"/proc/{process.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])

        try:
            time.sleep(settle_s)
            before = ticks()
            time.sleep(window_s)
            used = (ticks() - before) / ticks_per_s
        finally:
            process.terminate()
            process.wait()
            listener.close()
    print(f"IDLE-CPU one endpoint at frequency 60: {used:.2f} cpu-s in {window_s:.0f} s = "
          f"{100 * used / window_s:.3f} % of a core")


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "config":
        monitor_config(args[0], int(args[1]), int(args[2]), args[3], args[4], args[5])
    elif command == "nginx-config":
        nginx_config(args[0], int(args[1]))
    elif command == "nginx-mode":
        nginx_mode(args[0], args[1])
    elif command == "analyze":
        analyze(args[0], int(args[1]), float(args[2]), *[int(a) for a in args[3:9]], int(args[9]))
    elif command == "burst-wait":
        burst_wait(args[0], int(args[1]), args[2], float(args[3]), int(args[4]))
    elif command == "burst-check":
        burst_check(args[0], int(args[1]))
    elif command == "compare":
        compare(args[0], args[1])
    elif command == "first-check":
        first_check(args[0], int(args[1]))
    elif command == "idle-cpu":
        idle_cpu(args[0], float(args[1]), float(args[2]))
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
