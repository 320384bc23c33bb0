"""Containing a kernel and everything it starts: a cgroup v2 where dgbot may make one, and the supervisor.

The kernel runs under `dgbot.notebooks.supervise`, a child subreaper that kills every descendant
when the kernel stops. Where the cgroup v2 hierarchy is writable (root, or a delegated
subtree), the supervisor also joins a cgroup of its own, which dgbot kills as a whole: that
holds even when a notebook kills its supervisor. Elsewhere the subreaper alone contains it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

SUPERVISOR = "dgbot.notebooks.supervise"
LINUX = sys.platform == "linux"  # subreapers, /proc and cgroups; elsewhere the process group alone
STOP_SECONDS = 10.0  # the supervisor's own KILL_SECONDS, and a little more


def cgroup_root() -> Path | None:
    """This process's cgroup v2 folder, from /proc/self/mountinfo and /proc/self/cgroup."""
    try:
        mounts = Path("/proc/self/mountinfo").read_text(encoding="utf-8").splitlines()
        own = Path("/proc/self/cgroup").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    mount = next((line.split()[4] for line in mounts if " - cgroup2 " in line), None)
    path = next((line[3:] for line in own if line.startswith("0::")), None)
    if mount is None or path is None or " (deleted)" in path:
        return None
    return Path(mount) / path.lstrip("/")


_PR_SET_DUMPABLE = 4


def hide_own_memory() -> bool:
    """Make this process non-dumpable before a kernel starts; whether that was done.

    A notebook runs as dgbot's user and could read `/proc/<dgbot>/environ` (the token dgbot was
    started with) or its memory; a non-dumpable process's /proc files belong to root. The
    kernel and the supervisor are exec'd, so they are dumpable again, and hold no secrets.
    """
    if not LINUX:
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def make_cgroup() -> Path | None:
    """A new, empty cgroup for one kernel beside this process's own, or None where none can be made."""
    root = cgroup_root() if LINUX else None
    if root is None:
        return None
    folder = root / f"dgbot-kernel-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    try:
        folder.mkdir()
    except OSError:
        return None  # not ours to write: the subreaper alone contains the kernel
    return folder


def kill_cgroup(folder: Path) -> None:
    """Kill every process in `folder` (cgroup.kill, else one by one) and remove it."""
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline:
        try:
            folder.rmdir()  # refused (EBUSY) while a process, even one exiting, is still in it
            return
        except FileNotFoundError:
            return
        except OSError:
            pass
        try:
            (folder / "cgroup.kill").write_text("1", encoding="ascii")  # Linux 5.14+
        except OSError:
            _kill_each(folder)
        time.sleep(0.005)


def _kill_each(folder: Path) -> None:
    with contextlib.suppress(OSError):
        for pid in (folder / "cgroup.procs").read_text(encoding="ascii").split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)


class Containment:
    """One kernel's supervisor and cgroup; `stop` kills the kernel and all it started, once."""

    def __init__(self, cgroup: Path | None) -> None:
        self.cgroup = cgroup
        self.process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @classmethod
    def create(cls) -> Containment:
        return cls(make_cgroup())

    def command(self, kernel: list[str]) -> list[str]:
        """The kernel's command line, run under the supervisor."""
        if not LINUX:
            return kernel
        where = ["--cgroup", str(self.cgroup)] if self.cgroup is not None else []
        return [sys.executable, "-I", "-m", SUPERVISOR, *where, "--", *kernel]

    def attach(self, process: subprocess.Popen[bytes] | None) -> None:
        """The supervisor's process, as jupyter_client started it."""
        self.process = process

    def stop(self) -> None:
        """Ask the supervisor to kill everything and wait for it; then empty and remove the cgroup."""
        with self._lock:
            process = self.process
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGTERM)
                try:
                    process.wait(STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    process.kill()
            if self.cgroup is not None:
                kill_cgroup(self.cgroup)
