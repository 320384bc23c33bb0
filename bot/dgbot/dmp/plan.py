"""The Plan: one immutable model of a Data Management Plan, whatever form it was written in."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Access(StrEnum):
    """Access level of a dataset, in maDMP terms plus the embargo that profiles name."""

    OPEN = "open"
    SHARED = "shared"
    CLOSED = "closed"
    EMBARGOED = "embargoed"


class Tristate(StrEnum):
    """The maDMP yes|no|unknown answer."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Person:
    name: str
    mbox: str | None = None
    identifier: str | None = None  # ORCID or other id, as written
    affiliation: str | None = None


@dataclass(frozen=True)
class Dataset:
    title: str
    path: str | None = None  # folder or file in the repository, relative, "/" separated
    description: str | None = None
    planned_size: int | None = None  # bytes
    access: Access | None = None
    license: str | None = None  # SPDX id or licence URL, as written
    available_from: str | None = None  # ISO date: licence start (an embargo when later)
    issued: str | None = None  # ISO date
    personal_data: Tristate = Tristate.UNKNOWN
    sensitive_data: Tristate = Tristate.UNKNOWN
    informed_consent: Tristate = Tristate.UNKNOWN
    formats: tuple[str, ...] = ()
    json_path: str = "$"  # where the dataset is declared, for located findings
    planned_size_at: str | None = None  # JSON path of the planned size as written
    access_from: str | None = None  # the form's own access field (releasePolicy, releaseLevel), if written


@dataclass(frozen=True)
class Gpu:
    count: int = 1
    min_memory: int | None = None  # bytes
    cuda: str | None = None


@dataclass(frozen=True)
class Compute:
    docker: bool = False
    docker_image: str | None = None
    gpu: Gpu | None = None  # None: no GPU needed


@dataclass(frozen=True)
class Reproducibility:
    notebooks: tuple[str, ...] = ()  # notebooks to execute in CI, relative to the repository
    outputs: tuple[str, ...] = ()  # glob patterns of outputs a re-run must reproduce


@dataclass(frozen=True)
class Plan:
    """What dgbot governs a repository by; built by dgbot.dmp.build_plan."""

    source: str  # file the plan came from, as given
    sha256: str  # of the file's bytes
    form: str  # "profile" or "madmp"
    profile: str  # basic|amed|jst|meti|moonshot, or "madmp-1.2" etc.
    title: str
    description: str | None = None
    language: str = "eng"  # ISO 639-3
    funder: str | None = None
    created: str | None = None  # ISO date or date-time as written
    modified: str | None = None
    dmp_id: str | None = None
    contact: Person | None = None
    ethical_issues: Tristate = Tristate.UNKNOWN
    workflow: str = "basic"  # basic|bio|neuro
    size_limit: int | None = None  # bytes, 1024-based
    size_limit_label: str | None = None  # as written, e.g. "100GB"
    dataset_structure: str | None = None  # with_code|for_parameters
    datasets: tuple[Dataset, ...] = ()
    compute: Compute = field(default_factory=Compute)
    reproducibility: Reproducibility = field(default_factory=Reproducibility)

    @property
    def personal_or_sensitive(self) -> bool:
        return any(Tristate.YES in (d.personal_data, d.sensitive_data) for d in self.datasets)
