"""The kernel's supervisor: a small process between dgbot and the kernel that outlives what the kernel starts.

Run as `python -I -m dgbot.notebooks.supervise [--cgroup DIR] -- KERNEL ARGV...` (standard library
only, so it starts fast). It joins the cgroup dgbot made for it (when there is one), becomes a
child subreaper, so that every process the kernel starts stays its descendant however it
detaches (a new session, a double fork, `setsid`), and starts the kernel. When the kernel
exits, when it is sent SIGTERM (dgbot stopping the kernel) or when dgbot itself is gone, it
kills every descendant left, reaps them, and exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Sequence

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h
WATCHED = {signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP}
# Reset for the kernel: what this process ignores or blocks, and what Python ignores at start.
RESET = (signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ)
KILL_SECONDS = 10.0  # how long the last kill may take before the supervisor gives up


def become_subreaper() -> bool:
    """Make orphaned descendants this process's children (Linux 3.4+)."""
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)


def join_cgroup(folder: str) -> bool:
    """Move this process (and so everything it starts) into the cgroup `folder`."""
    try:
        with open(os.path.join(folder, "cgroup.procs"), "w", encoding="ascii") as procs:
            procs.write(str(os.getpid()))
    except OSError:
        return False  # dgbot still kills what the subreaper inherits
    return True


def descendants(root: int) -> list[int]:
    """Every living process whose parent chain leads to `root`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if fields[0] not in (b"Z", b"X"):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        kids = children.get(todo.pop(), [])
        found.extend(kids)
        todo.extend(kids)
    return found


def reap() -> dict[int, int]:
    """Collect every child that has exited: pid -> exit code."""
    done: dict[int, int] = {}
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return done
        if pid == 0:
            return done
        done[pid] = os.waitstatus_to_exitcode(status)


def kill_all() -> None:
    """SIGKILL every descendant until none is left (orphans of the killed come to this process)."""
    deadline = time.monotonic() + KILL_SECONDS
    while (left := descendants(os.getpid())) and time.monotonic() < deadline:
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)
        reap()
    reap()


def supervise(command: Sequence[str]) -> int:
    """Start the kernel and wait for it, for SIGTERM or for dgbot to go; then kill what is left."""
    parent = os.getppid()
    env = dict(os.environ)
    if "JPY_PARENT_PID" in env:  # ipykernel exits when its parent is not this pid
        env["JPY_PARENT_PID"] = str(os.getpid())
    kernel = os.posix_spawnp(command[0], list(command), env, setsigmask=(), setsigdef=RESET)
    code: int | None = None
    while code is None:
        info = signal.sigtimedwait(WATCHED, 1.0)
        code = reap().get(kernel)
        if (info is not None and info.si_signo != signal.SIGCHLD) or os.getppid() != parent:
            break
    kill_all()
    return 0 if code is None else (code if code >= 0 else 128 - code)


def main(argv: Sequence[str]) -> int:
    args = list(argv)
    if "--" not in args or not args[args.index("--") + 1 :]:
        sys.stderr.write("usage: python -I -m dgbot.notebooks.supervise [--cgroup DIR] -- KERNEL...\n")
        return 2
    split = args.index("--")
    options, command = args[:split], args[split + 1 :]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # interrupts reach the kernel through the process group
    signal.pthread_sigmask(signal.SIG_BLOCK, WATCHED)
    if len(options) == 2 and options[0] == "--cgroup":
        join_cgroup(options[1])
    become_subreaper()
    return supervise(command)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
