"""access: personal data planned open, restricted data in a public repository, files that leak secrets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from dgbot.checks.base import check
from dgbot.checks.scope import (
    Globs,
    clean_path,
    dataset_entries,
    dataset_location,
    dataset_name,
    dataset_span,
    shown,
)
from dgbot.config import Settings
from dgbot.dmp.plan import Access, Dataset, Plan, Tristate
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot.model import FileEntry, Snapshot
from dgbot.words import N_, _

CHECK = "access"


@dataclass(frozen=True)
class Suspect:
    """File names that suggest secrets or personal data (fnmatch on the file's name)."""

    rule: str
    what: str  # completes "… looks like {what}" (English, translated where shown)
    names: tuple[str, ...]


# The common cases; `.dgbot.yml` adds patterns of its own (access.secret_files, ...).
SUSPECTS: tuple[Suspect, ...] = (
    Suspect("secret-file", N_("an SSH private key"), ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519")),
    Suspect("secret-file", N_("a private key or certificate"), ("*.pem", "*.key", "*.p12", "*.pfx")),
    Suspect("secret-file", N_("a key store"), ("*.jks", "*.keystore", "*.kdbx")),
    Suspect(
        "secret-file", N_("an environment file, which usually holds passwords or tokens"), (".env", ".env.*")
    ),
    Suspect(
        "secret-file", N_("a file of credentials"), ("credentials", "credentials.json", ".git-credentials")
    ),
    Suspect("secret-file", N_("a file of credentials"), ("client_secret*.json", "service-account*.json")),
    Suspect("secret-file", N_("a password file"), (".netrc", "_netrc", ".pgpass", ".htpasswd", ".pypirc")),
    Suspect("secret-file", N_("a file of secrets"), ("secrets.json", "secrets.yml", "secrets.yaml")),
    Suspect(
        "personal-data-file",
        N_("a signed consent form, which carries names and signatures"),
        tuple(f"*consent*.{ext}" for ext in ("pdf", "jpg", "jpeg", "png", "tif", "tiff", "doc", "docx")),
    ),
)
# Templates and public keys look like secrets by name but are meant to be shared.
HARMLESS = ("*.example", "*.sample", "*.template", "*.dist", "*.pub")
# Tables of people, whose header (read from git) should hold no identifying columns.
PEOPLE_TABLES = tuple(
    f"{stem}*.{ext}"
    for stem in ("participants", "subjects", "patients", "contacts")
    for ext in ("tsv", "csv")
)
IDENTIFYING = frozenset(
    {"name", "first_name", "firstname", "last_name", "lastname", "surname", "full_name", "fullname"}
    | {"email", "e_mail", "mail", "phone", "telephone", "mobile", "address", "street", "postcode", "zip"}
    | {"birthdate", "birth_date", "date_of_birth", "dob", "ssn", "passport", "patient_name", "mrn"}
)


_PEOPLE_TABLE = Globs(PEOPLE_TABLES)


@dataclass(frozen=True)
class _Patterns:
    """The suspect-file patterns in force: dgbot's own plus those of `.dgbot.yml`."""

    any: Globs
    each: tuple[tuple[Globs, Suspect], ...]
    harmless: Globs

    @classmethod
    def of(cls, settings: Settings) -> _Patterns:
        extra = (
            Suspect("secret-file", N_("a file of secrets (a pattern of .dgbot.yml)"), settings.secret_files),
            Suspect(
                "personal-data-file", N_("personal data (a pattern of .dgbot.yml)"), settings.personal_files
            ),
        )
        suspects = tuple(s for s in (*SUSPECTS, *extra) if s.names)
        return cls(
            Globs(name for suspect in suspects for name in suspect.names),
            tuple((Globs(suspect.names), suspect) for suspect in suspects),
            Globs((*HARMLESS, *settings.harmless_files)),
        )


def _kinds(dataset: Dataset) -> str:
    """ "personal", "sensitive" or "personal and sensitive" (empty: neither)."""
    personal, sensitive = (
        answer is Tristate.YES for answer in (dataset.personal_data, dataset.sensitive_data)
    )
    if personal and sensitive:
        return _("personal and sensitive")
    return _("personal") if personal else _("sensitive") if sensitive else ""


def _open_personal(plan: Plan, snapshot: Snapshot) -> Iterator[Finding]:
    for dataset in plan.datasets:
        kinds = _kinds(dataset)
        if not kinds or dataset.access is not Access.OPEN:
            continue
        path = clean_path(dataset.path) if dataset.path is not None else None
        present = path is not None and next(dataset_entries(snapshot, path), None) is not None
        said = _("{dataset} holds {kinds} data but the plan makes it open access")
        if present:
            said = _(
                "{dataset} holds {kinds} data but the plan makes it open access, "
                "and its files are in the repository ({path})"
            )
        yield Finding(
            CHECK,
            "open-personal-data",
            Severity.ERROR if present else Severity.WARNING,
            said.format(dataset=dataset_name(dataset), kinds=kinds, path=shown(path or "", snapshot)),
            dataset_location(plan, dataset),
            hint=_("restrict its access in the plan, or anonymise the data and mark it as not personal"),
        )


def restricted(dataset: Dataset, today: date) -> str | None:
    """Why a dataset must not be public ("planned for closed access", ...), None when it may be."""
    if dataset.access is Access.CLOSED:
        return _("planned for closed access")
    if dataset.access is Access.SHARED:
        return _("planned for shared access")
    start = (dataset.available_from or "")[:10]
    if dataset.access is Access.EMBARGOED and not start:
        return _("under embargo with no end date")
    if start > today.isoformat():  # a licence that starts later is an embargo, whatever the access
        return _("under embargo until {date}").format(date=start)
    return None


def _restricted_public(plan: Plan, snapshot: Snapshot, today: date) -> Iterator[Finding]:
    for dataset in plan.datasets:
        why = restricted(dataset, today)
        span = dataset_span(snapshot, dataset.path) if dataset.path and why else range(0)
        if not span:
            continue
        in_git = snapshot.totals(span).in_git  # running totals: datasets may share their files
        where = shown(clean_path(dataset.path or ""), snapshot)
        detail = (
            _("{count} of its {total} files are kept in git").format(count=in_git, total=len(span))
            if in_git
            else _("its files are annexed")
        )
        yield Finding(
            CHECK,
            "restricted-data-public",
            Severity.ERROR if in_git else Severity.WARNING,
            _(
                "{dataset} is {why}, but this repository is public and {path} holds its data ({detail})"
            ).format(dataset=dataset_name(dataset), why=why, path=where, detail=detail),
            Location(path=clean_path(dataset.path or "")),
            hint=_("move the data to a private repository or annex remote, or make the repository private")
            if in_git
            else _("make sure the annex remote holding its content is not public"),
        )


def _suspects(snapshot: Snapshot, patterns: _Patterns) -> Iterator[tuple[FileEntry, Suspect]]:
    names = snapshot.names
    for index in patterns.any.select(snapshot.name_text):
        name = names[index]
        if patterns.harmless.match(name):
            continue
        found = next((suspect for pattern, suspect in patterns.each if pattern.match(name)), None)
        if found is not None:
            yield snapshot.files[index], found


def _people_tables(snapshot: Snapshot) -> Iterator[FileEntry]:
    """Tables of people kept in git (annexed content cannot be read here)."""
    for index in _PEOPLE_TABLE.select(snapshot.name_text.lowered()):
        if not snapshot.files[index].annexed:
            yield snapshot.files[index]


def _identifying_columns(raw: bytes | None) -> list[str]:
    head = (raw or b"").decode("utf-8", errors="replace").splitlines()
    columns = re.split(r"[\t,;]", head[0]) if head else []
    normal = [re.sub(r"[^a-z0-9]+", "_", c.strip().strip('"').lower()).strip("_") for c in columns]
    return [c for c in normal if c in IDENTIFYING]


def _files(snapshot: Snapshot, public: bool | None, patterns: _Patterns) -> Iterator[Finding]:
    people = Severity.ERROR if public else Severity.WARNING
    for entry, suspect in _suspects(snapshot, patterns):
        secret = suspect.rule == "secret-file"
        yield Finding(
            CHECK,
            suspect.rule,
            Severity.ERROR if secret else people,
            _("{path} looks like {what}").format(path=entry.path, what=_(suspect.what)),
            Location(path=entry.path),
            hint=_("remove it from the repository and its history, and revoke what it holds")
            if secret
            else _("keep it out of the repository, or add it to ignore in .dgbot.yml if it is harmless"),
        )
    tables = list(_people_tables(snapshot))
    # one read for all: at a commit, one git process however many tables there are
    for entry, raw in zip(tables, snapshot.heads([t.path for t in tables], 4096), strict=True):
        columns = _identifying_columns(raw)
        if columns:
            yield Finding(
                CHECK,
                "identifying-columns",
                people,
                _("{path} has columns that identify people ({columns})").format(
                    path=entry.path, columns=", ".join(columns)
                ),
                Location(path=entry.path),
                hint=_("keep only pseudonymous ids (e.g. sub-01) in tables of participants"),
            )


@check(
    CHECK,
    N_("Access and personal data"),
    Severity.ERROR,
    N_(
        "Personal or sensitive data must not be planned for open access; data the plan marks "
        "closed, shared or under embargo must not sit in a repository the forge reports as public; "
        "and no file may look like a secret (private keys, .env files, credentials) or like "
        "personal data (signed consent forms, participant tables with names or e-mail addresses)."
    ),
)
def check_access(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """Access levels against the data present and the repository's visibility; suspicious files."""
    yield from _open_personal(plan, snapshot)
    if settings.public:
        yield from _restricted_public(plan, snapshot, date.today())
    yield from _files(snapshot, settings.public, _Patterns.of(settings))
