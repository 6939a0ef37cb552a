"""A few slots for heavy work, shared by every process on this server: at most `count` holders of
a name at once, the others refused at once (never queued, so a web worker is never tied up waiting).

A slot is an exclusive `flock` on one of `count` files in a folder. The kernel drops the lock when
its file is closed or its process dies (a killed gunicorn worker, SIGKILL included), so a slot held
by a dead request is free again at once: there is no count to repair and nothing to expire by hand.
The folder is per host: the slots bound the CPU of the machine they run on.
"""

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


class Busy(Exception):
    """Every slot of the name is held."""


@contextlib.contextmanager
def slot(folder: Path | str, name: str, count: int) -> Iterator[int]:
    """Hold one of the `count` slots called `name` in `folder` for the block; raise Busy when all are held.

    Yields the number of the slot taken (0 … count - 1). `name` must be a plain file name.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(max(count, 0)):
        descriptor = os.open(folder / f"{name}.{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        try:
            yield number
        finally:
            os.close(descriptor)  # closing the file releases the lock
        return
    raise Busy(name)
