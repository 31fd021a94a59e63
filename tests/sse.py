"""Server-sent events as a test client reads them: a stream read on a thread, event by event."""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Event:
    """One server-sent event as a client sees it."""

    id: int
    name: str
    data: dict[str, Any]


class Reader:
    """A stream read on a thread: events land in `events` as they arrive."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.events: queue.Queue[Event] = queue.Queue()
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            for line in self.response.iter_lines():
                self.lines.append(line)
                if line:
                    name, _, value = line.partition(": ")
                    fields[name] = fields.get(name, "") + value
                elif "data" in fields:
                    event = Event(int(fields["id"]), fields["event"], json.loads(fields["data"]))
                    self.events.put(event)
                    fields = {}
                else:
                    fields = {}
        except httpx.HTTPError:
            return  # the test closed the stream

    def next(self, timeout: float = 1.0) -> Event:
        """The next event, waiting at most `timeout` seconds."""
        return self.events.get(timeout=timeout)

    def quiet(self) -> bool:
        """No event is waiting."""
        return self.events.empty()
