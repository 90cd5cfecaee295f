"""Reading a live SQLite database's files from a test, as someone copying them would.

The read is made by another process. A process that opens and closes any file SQLite has open
gives up every POSIX lock it holds on that file (fcntl locks belong to the process and the
file, not the descriptor). The test's own connection would then hold no lock, and the next
process to close its connection would take itself for the last one and delete the
write-ahead log and its index under the test's connection: that connection's later writes
would go to a deleted file, unseen by any other process, and new connections would fail with
"disk I/O error"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_CAT = ("import sys\n"
        "for name in sys.argv[1:]:\n"
        "    with open(name, 'rb') as f:\n"
        "        sys.stdout.buffer.write(f.read())\n")


def read_elsewhere(*paths: Path) -> bytes:
    """The bytes of the files that exist among `paths`, one after another, read by a child
    process."""
    present = [str(p) for p in paths if p.exists()]
    if not present:
        return b""
    return subprocess.run([sys.executable, "-c", _CAT, *present], check=True,
                          capture_output=True, timeout=120).stdout
