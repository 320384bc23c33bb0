"""Writing generated notebooks into a folder: atomically, and never over a researcher's edits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.errors import UnsafePathError
from dgbot.fs.ignore import ensure_ignored_reports
from dgbot.fs.read import read_regular
from dgbot.fs.write import boundary, remove_file, write_file
from dgbot.notebooks.content import MAX_NOTEBOOK_BYTES
from dgbot.notebooks.drift import BESIDE, Reader, State, assess_all, explain
from dgbot.words import _


@dataclass(frozen=True)
class Action:
    """What generation did with one notebook path."""

    state: State
    done: str  # written | unchanged | kept | written-beside | skipped | removed
    target: str | None = None  # the file written, when it is not state.path

    @property
    def message(self) -> str:
        state = self.state
        if self.done == "written":
            if state.kind == "missing":
                return _("{path}: written").format(path=state.path)
            return _("{path}: written ({why})").format(path=state.path, why=explain(state))
        if self.done == "unchanged":
            return _("{path}: up to date").format(path=state.path)
        if self.done == "written-beside":
            return _("{state}; its new version is written beside it as {target}").format(
                state=state.message, target=self.target
            )
        if self.done == "skipped":
            return _("{state}; skipped (notebooks.on_edit: skip)").format(state=state.message)
        if self.done == "removed":
            return _("{state}; removed").format(state=state.message)
        return _("{state}; kept").format(state=state.message)


def _reader(root: Path, folder: str, out: Path) -> Reader:
    in_repository = out == root / folder  # no --out: the notebooks are repository content

    def read(path: str) -> bytes | None:
        if in_repository or not path.startswith(f"{folder}/"):
            try:  # a symlink out of the repository, a FIFO: refused with a located error
                return read_regular(root, path, MAX_NOTEBOOK_BYTES, follow=True)
            except FileNotFoundError:
                return None
        target = out / path[len(folder) + 1 :]  # the folder the user named
        return target.read_bytes() if target.is_file() else None

    return read


def _folder(settings: Settings, root: Path, out: Path | None) -> tuple[str, Path]:
    """The notebook folder's repository path and where its files are (never outside the repository)."""
    folder = settings.notebook_folder.strip("/")
    if out is not None:
        return folder, out
    if not (root / folder).resolve().is_relative_to(root.resolve()):
        message = _("{folder}: the notebook folder leads outside the repository; it is refused").format(
            folder=folder
        )
        raise UnsafePathError(message, path=folder)
    return folder, root / folder


def generate_into(plan: Plan, settings: Settings, root: Path, out: Path | None = None) -> list[Action]:
    """Generate the plan's notebooks into `out` (default: the notebook folder of the repository `root`).

    Into the repository, the report folder also goes into dgbot's block of `.gitignore`: the
    notebooks' runs write it, and it is never committed.
    """
    if out is None:
        ensure_ignored_reports(root, settings.report_dir)
    within = root if out is None else boundary(out, root)
    folder, out = _folder(settings, root, out)
    existing = [f"{folder}/{p.name}" for p in sorted(out.glob("*.ipynb"))] if out.is_dir() else []
    actions = []
    for generated, state in assess_all(plan, settings, _reader(root, folder, out), existing):
        target = out / state.path.rpartition("/")[2]
        if generated is None:  # no longer generated
            if state.kind == "obsolete":
                remove_file(within, target)
            actions.append(Action(state, "removed" if state.kind == "obsolete" else "kept"))
        elif state.kind in ("missing", "outdated"):
            write_file(within, target, generated.text)
            actions.append(Action(state, "written"))
        elif state.kind in ("current", "kept"):
            actions.append(Action(state, "unchanged" if state.kind == "current" else "kept"))
        elif settings.on_edit == "write_beside":
            beside = target.with_name(target.name.removesuffix(".ipynb") + BESIDE)
            write_file(within, beside, generated.text)
            actions.append(Action(state, "written-beside", f"{folder}/{beside.name}"))
        else:
            actions.append(Action(state, "skipped"))
    return actions


def check_folder(plan: Plan, settings: Settings, root: Path, out: Path | None = None) -> list[State]:
    """The drift of the notebooks in `out` (default: the repository's notebook folder); writes nothing."""
    folder, out = _folder(settings, root, out)
    existing = [f"{folder}/{p.name}" for p in sorted(out.glob("*.ipynb"))] if out.is_dir() else []
    return [
        state for _, state in assess_all(plan, settings, _reader(root, folder, out), existing) if state.drift
    ]
