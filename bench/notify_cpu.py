"""CPU by process over a bench window, for notify's benches: the sender(s), the web process, the SMS
stand-in (the bench's own descendants, by their command line) and the PostgreSQL backends of the
bench's database (by their ``postgres: user database`` title), autovacuum of it included.

A thread reads /proc every ``PERIOD`` seconds and keeps each process's last utime+stime, so a process
that ends inside the window (a backend of a closed connection) still counts up to its last sample;
one born inside it counts from zero. ``cores`` = CPU seconds / wall seconds: on this 2-core machine
a run near 2.0 is CPU-bound, and only less CPU per message makes it faster.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PERIOD = 0.2
KINDS = (("notify.cli send", "sender"), ("notify send", "sender"), ("gunicorn", "web"), ("sms-standin", "stand-in"),
         ("smtp-standin", "smtp"))


def _cpu(pid: str) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def _parent(pid: str) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    except OSError:
        return None


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Window:
    """``with Window(database) as w: ...``; then ``w.seconds`` and ``w.by_kind`` (CPU seconds)."""

    def __init__(self, database: str) -> None:
        self.database, self.me = database, str(os.getpid())
        self.start: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.kind: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.seconds = 0.0
        self.series: list[tuple[float, dict[str, float]]] = []  # (epoch seconds, CPU s so far by kind)

    def _kind_of(self, pid: str) -> str | None:
        if pid in self.kind:
            return self.kind[pid]
        line = _cmdline(pid)
        found: str | None = None
        if line.startswith("postgres:") and f" {self.database} " in f"{line} ":
            found = "postgres"
        elif "autovacuum worker" in line and self.database in line:
            found = "postgres"
        else:
            ancestor, hops = pid, 0
            while ancestor and ancestor not in ("0", "1") and hops < 6:
                ancestor = _parent(ancestor) or ""
                hops += 1
                if ancestor == self.me:
                    found = next((k for marker, k in KINDS if marker in line), "other")
                    break
        if found is not None:
            self.kind[pid] = found
        return found

    def _sample(self, first: bool) -> None:
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or entry == self.me:
                continue
            kind = self._kind_of(entry)
            if kind is None:
                continue
            cpu = _cpu(entry)
            if cpu is None:
                continue
            if first:
                self.start[entry] = cpu
            self.start.setdefault(entry, 0.0)
            self.last[entry] = cpu
        self.series.append((time.time(), self.by_kind))

    def _run(self) -> None:
        while not self._stop.wait(PERIOD):
            self._sample(False)

    def __enter__(self) -> Window:
        self._began = time.perf_counter()
        self._sample(True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample(False)
        self.seconds = time.perf_counter() - self._began

    @property
    def by_kind(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for pid, cpu in self.last.items():
            totals[self.kind[pid]] = totals.get(self.kind[pid], 0.0) + cpu - self.start[pid]
        return totals

    def cpu_between(self, begin: float, end: float) -> dict[str, float]:
        """CPU seconds by kind taken between two epoch times inside the window (to the nearest sample)."""
        def at(moment: float) -> dict[str, float]:
            return min(self.series, key=lambda sample: abs(sample[0] - moment))[1]
        first, last = at(begin), at(end)
        return {kind: cpu - first.get(kind, 0.0) for kind, cpu in last.items()}

    def line(self) -> str:
        kinds = self.by_kind
        total = sum(kinds.values())
        parts = ", ".join(f"{k} {v:.1f}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]) if v >= 0.05)
        return (f"CPU s over {self.seconds:.1f} s: {parts}; total {total:.1f} s = "
                f"{total / self.seconds if self.seconds else 0:.2f} cores")
