"""The intake journal: where an acknowledged delivery is durable before the store has it.

Every server process of a host appends to the same segment file of the state folder
(`inbox/<sequence>.journal`) with O_APPEND, so the kernel orders the records of all
processes: one `os.write` per delivery, and the answer is sent once it returned (the bytes
are in the kernel, which keeps them when the process is killed; a power loss is another
matter, as with SQLite's `synchronous=NORMAL`). The ingest (`dgbot.store.ingest`) stores
the records and removes the segments it stored.

A record is framed: MAGIC, the body's length and its CRC-32, the body. A process killed in
the middle of a write leaves a torn record, possibly followed by other processes' records;
`scan` skips it (wrong length or checksum) and finds the next record by its MAGIC.
The body is a stamp (which process wrote it, its how-manieth: no two records are alike), a
header line (JSON: what dedupe needs, read without the payload) and the normalized event's JSON.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path
from typing import Any

import orjson

from dgbot.store.deliveries import Arrival, NewJob

MAGIC = b"\xd6\x9b\x4a\x31"
HEAD = struct.Struct(">4sII")  # magic, body length, CRC-32 of the body
MAX_BODY = 64 * 1024 * 1024  # a longer length field is garbage: a torn header
SUFFIX = ".journal"
STAMP = 12  # bytes before the header: the writing process and its count (see `Intake`)


def frame(body: bytes) -> bytes:
    return HEAD.pack(MAGIC, len(body), zlib.crc32(body)) + body


def encode(arrival: Arrival, stamp: bytes = bytes(STAMP)) -> bytes:
    """The framed record of one arrival; `stamp` (STAMP bytes) makes it unlike any other record."""
    job = arrival.job
    head: list[Any] = [arrival.forge, arrival.delivery, arrival.event, arrival.repository, arrival.outcome]
    if job is not None:
        head += [job.key, job.repository, job.lane, job.event, job.commit]
    payload = orjson.dumps(job.payload) if job is not None else b"null"
    return frame(stamp + orjson.dumps(head) + b"\n" + payload)


def header(body: bytes) -> list[Any]:
    """[forge, delivery, event, repository, outcome, key?, ...] without reading the payload."""
    end = body.find(b"\n", STAMP)
    return list(orjson.loads(body[STAMP:end]))


def decode(body: bytes) -> Arrival:
    head = header(body)
    forge, delivery, event, repository, outcome = head[:5]
    job = None
    if len(head) > 5:
        key, job_repository, lane, kind, commit = head[5:10]
        payload = orjson.loads(body[body.find(b"\n", STAMP) + 1 :])
        job = NewJob(key, forge, job_repository, lane, kind, commit, payload)
    return Arrival(forge, delivery, event, repository, job, outcome)


def scan(data: bytes, final: bool) -> tuple[list[bytes], int]:
    """The intact record bodies in `data`, and how many bytes of it are read for good.

    With `final` every byte is read (a record cut short is torn: skipped); otherwise a
    record whose bytes are not all there yet may still be being written, and it and what
    follows are left for the next look.
    """
    bodies: list[bytes] = []
    at, size = 0, len(data)
    while at < size:
        if size - at < HEAD.size:
            if final:
                return bodies, size
            return bodies, at
        magic, length, crc = HEAD.unpack_from(data, at)
        start, end = at + HEAD.size, at + HEAD.size + length
        if magic == MAGIC and length <= MAX_BODY:
            if end > size and not final:
                return bodies, at
            if end <= size:
                body = data[start:end]
                if zlib.crc32(body) == crc:
                    bodies.append(body)
                    at = end
                    continue
        found = data.find(MAGIC, at + 1)  # torn: the next record starts at the next MAGIC
        if found < 0:
            return bodies, size if final else max(at, size - len(MAGIC) + 1)
        at = found
    return bodies, at


def folder_of(state_dir: Path) -> Path:
    return state_dir / "inbox"


def segments(folder: Path) -> list[Path]:
    """The journal's segments, oldest first (the sequence is in the name)."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    found = [n for n in names if n.endswith(SUFFIX) and n[: -len(SUFFIX)].isdigit()]
    return [folder / n for n in sorted(found, key=lambda n: int(n[: -len(SUFFIX)]))]


def segment_name(sequence: int) -> str:
    return f"{sequence:012d}{SUFFIX}"


def sequence_of(path: Path) -> int:
    return int(path.name[: -len(SUFFIX)])
