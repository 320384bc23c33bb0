"""Reading a plan file: limits, encoding and format, with every failure as a located Finding."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from dgbot.dmp.find import PLAN_NAMES
from dgbot.dmp.jsonload import load_json
from dgbot.dmp.source import MAX_BYTES, Document, LoadFailure, Positions, digest, line_col
from dgbot.errors import UnsafePathError
from dgbot.fs.read import TooLargeError, read_regular
from dgbot.records import Finding


def read_bytes(path: Path, root: Path | None = None) -> bytes:
    """The file's bytes (`path` relative to `root` when given), refusing symlinks, non-regular files
    and files over the size limit before reading them."""
    base, name = (root, path.relative_to(root).as_posix()) if root is not None else (path.parent, path.name)
    try:
        return read_regular(base, name, MAX_BYTES)
    except TooLargeError as exc:
        raise LoadFailure(
            f"the file is {exc.size / 1024**2:.1f} MB; a plan may be at most 5 MB", rule="limit"
        ) from None
    except UnsafePathError as exc:
        raise LoadFailure(_unsafe(str(exc), name), rule="unsafe-path") from None
    except OSError as exc:
        raise LoadFailure(f"cannot read the file: {exc.strerror or exc}", rule="io") from None


def _unsafe(message: str, name: str) -> str:
    """The refusal told of "the file": the finding's location names it."""
    if message.startswith(f"{name} "):
        return "the file " + message.removeprefix(f"{name} ")
    return message.removeprefix(f"{name}: ")


def decode(raw: bytes) -> str:
    """The text of a plan; LoadFailure for size, encoding or an empty file."""
    if len(raw) > MAX_BYTES:
        raise LoadFailure("the file is larger than 5 MB, the limit for a plan", rule="limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start].decode("utf-8", errors="replace")
        raise LoadFailure(
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8",
            line_col(head, len(head)),
            "encoding",
        ) from None
    body = text.removeprefix("\ufeff")
    if not body.strip():
        what = "only a byte-order mark" if body != text else "nothing"
        raise LoadFailure(f"the file is empty (it contains {what}); write the plan into it", (1, 1), "empty")
    return body


def _parse(text: str, fmt: str) -> tuple[Any, Positions]:
    if fmt == "json":
        return load_json(text)
    from dgbot.dmp.yamlload import load_yaml  # PyYAML is imported for YAML documents only

    return load_yaml(text)


def detect_format(name: str, text: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


Loaded = tuple[Document | None, tuple[Finding, ...]]


def load_document(path: Path, display: str | None = None, root: Path | None = None) -> Loaded:
    """Load a plan file (inside `root`, no symlink on the way, when given). Never raises for bad input:
    problems come back as located findings."""
    name = display or str(path)
    try:
        raw = read_bytes(path, root)
    except LoadFailure as failure:
        return None, (failure.finding(name),)
    return load_bytes(raw, name, path.name)


def load_bytes(raw: bytes, name: str, filename: str | None = None) -> Loaded:
    """Load a plan from its bytes (e.g. read from a commit); `filename` decides JSON or YAML."""
    try:
        text = decode(raw)
        fmt = detect_format(filename or name, text)
        data, index = _parse(text, fmt)
    except LoadFailure as failure:
        return None, (failure.finding(name),)
    document = Document(name, fmt, data, digest(raw), index)
    if not isinstance(data, dict):
        return None, (_not_a_mapping(document),)
    return document, ()


def _not_a_mapping(document: Document) -> Finding:
    kinds = {list: "a list", str: "a single text", type(None): "nothing"}
    kind = kinds.get(type(document.data), "a single value")
    top = document.locate(())
    shape = "JSON object" if document.format == "json" else "YAML mapping"
    return LoadFailure(
        f"a plan must be a {shape} of fields at the top, but this file holds {kind}",
        (top.line or 1, top.column or 1),
        "top-level",
    ).finding(document.path)


__all__ = ["PLAN_NAMES", "load_bytes", "load_document"]
