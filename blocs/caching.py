"""Copies a process keeps of what it read from or wrote to the shared pages'
cache, so that a page it serves again is not read back from the database."""

import threading
from collections import OrderedDict


class Recent:
    """The last ``size`` entries, by key, least recently used dropped first.
    A key must change whenever what it names does (a data version, a stamp
    the shared cache holds), so a copy here is exactly as fresh as the shared
    cache's; it saves reading and unpickling some 100 kB from the database."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: str, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
