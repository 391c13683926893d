"""The program versions a till holds, and a new version checked from its file before it is installed.

``check_file`` reads a program file the way installing it would (``loyalty.program.load_program``: bounded
size and depth, strict fields) and, when it is refused, lists every problem with the line of the file it is
on, so the manager sees the mistakes in place. A file that passes is compared with the active program
(``app.services.program_diff``), so the manager sees what installing it would change before they do.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import select

from app.services.context import Actor
from app.services.core import ACTIVE_PROGRAM, Core
from app.services.program_diff import ProgramChange, diff_programs
from app.services.programs import ProgramService
from app.store import models as m
from app.store.integrity import program_digest
from app.store.settings import get_setting
from loyalty.errors import Detail, ProgramError
from loyalty.program import MAX_PROGRAM_BYTES, Program, load_program

Installed = Literal["new", "same", "other"]
"""Whether a file's version is new to this till, installed with the same rules, or installed with others."""


@dataclass(frozen=True, slots=True)
class VersionView:
    version: str
    name: str
    loaded_at: datetime
    sha256: str
    active: bool
    installed_by: str | None  # the staff member's name, as the audit log records the installation


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a program file: where (a dotted path of settings), why, and on which line."""

    where: str
    message: str
    line: int | None = None
    detail: Detail | None = None  # the loader's own sentence, translatable (too large, not TOML...)
    kind: str = ""  # the validator's kind of problem ("greater_than", "missing"...), for the window's words
    context: tuple[tuple[str, str], ...] = ()  # its values ("gt", "0"), as text


@dataclass(frozen=True, slots=True)
class FileCheck:
    path: str
    text: str  # the file as read, to show the problems in place ("" when it could not be read)
    program: Program | None
    problems: tuple[Problem, ...]
    installed: Installed = "new"
    active: Program | None = None
    changes: tuple[ProgramChange, ...] = ()

    @property
    def ok(self) -> bool:
        return self.program is not None and not self.problems


class ProgramDesk:
    """What the manager's program page reads and does."""

    def __init__(self, core: Core, programs: ProgramService) -> None:
        self.core = core
        self.programs = programs

    def history(self) -> list[VersionView]:
        """Every version this till holds, newest first."""
        core = self.core
        with core.read() as session:
            active = get_setting(session, ACTIVE_PROGRAM)
            installers: dict[str, str] = {}
            audited = session.execute(
                select(m.AuditRecord.subject_id, m.Staff.name, m.AuditRecord.staff_id)
                .join(m.Staff, m.Staff.id == m.AuditRecord.staff_id, isouter=True)
                .where(m.AuditRecord.action == "program.install")
                .order_by(m.AuditRecord.seq)
            )
            for version, name, staff_id in audited:
                if version is not None and version not in installers and (name or staff_id):
                    installers[version] = str(name or staff_id)  # "system" for the till's own set-up
            rows = session.execute(
                select(m.ProgramVersion.version, m.ProgramVersion.loaded_at, m.ProgramVersion.sha256)
            ).all()
            views = []
            for version, loaded_at, sha256 in rows:
                program = core.program(session, version)
                views.append(
                    VersionView(
                        version,
                        program.name,
                        loaded_at,
                        sha256,
                        version == active,
                        installers.get(version),
                    )
                )
        return sorted(views, key=lambda v: (v.loaded_at, v.version), reverse=True)

    def program(self, version: str) -> Program:
        with self.core.read() as session:
            return self.core.program(session, version)

    def check_file(self, path: Path) -> FileCheck:
        """The file as installing it would read it, its problems line by line, what it would change."""
        text = _read_text(path)
        try:
            program = load_program(path)
        except ProgramError as err:
            return FileCheck(str(path), text, None, tuple(problems_of(err, text, _format(path))))
        with self.core.read() as session:
            row = session.get(m.ProgramVersion, program.version)
            installed: Installed = "new"
            if row is not None:
                installed = "same" if row.sha256 == program_digest(program.canonical_json()) else "other"
            try:
                active: Program | None = self.core.program(session)
            except ProgramError:
                active = None
        problems: tuple[Problem, ...] = ()
        if installed == "other":
            problems = (
                Problem(
                    "version",
                    f"version {program.version} is installed already with other rules: give these rules a "
                    "new version",
                    locate(text, _format(path), ("version",)),
                    Detail(
                        "version {version} is installed already with other rules: give these rules a new "
                        "version",
                        version=program.version,
                    ),
                ),
            )
        changes = tuple(diff_programs(active, program)) if active is not None else ()
        return FileCheck(str(path), text, program, problems, installed, active, changes)

    def install_file(self, actor: Actor, path: Path) -> Program:
        """Install the file (read again: what is installed is what the file holds now) and make it active."""
        return self.programs.install_file(actor, path)


def _format(path: Path) -> Literal["json", "toml"]:
    return "toml" if path.suffix.lower() == ".toml" else "json"


def _read_text(path: Path) -> str:
    """The file's text for showing it (bounded as the loader reads it); "" when it cannot be shown."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PROGRAM_BYTES + 1)
    except OSError:
        return ""
    if len(raw) > MAX_PROGRAM_BYTES:
        return ""
    return raw.decode("utf-8", errors="replace")


# -- problems, line by line -------------------------------------------------------------------------------
_LINE_IN_ERROR = re.compile(r"line (\d+)")


def problems_of(err: ProgramError, text: str, fmt: Literal["json", "toml"]) -> list[Problem]:
    """The problems a refused file has, each on its line when the file says where.

    The loader joins the validator's problems into one sentence; here the file (already within the loader's
    bounds, or it would have been refused before validation) is validated again to keep them apart.
    """
    problems = err.params.get("problems")
    if isinstance(problems, Detail):
        found = _LINE_IN_ERROR.search(str(problems.params.get("error", "")))
        return [Problem("", str(problems), int(found.group(1)) if found else None, problems)]
    try:
        data = json.loads(text) if fmt == "json" else tomllib.loads(text)
        Program.model_validate(data)
    except ValidationError as invalid:
        return [
            Problem(
                ".".join(str(p) for p in e["loc"]),
                e["msg"].removeprefix("Value error, "),
                locate(text, fmt, tuple(e["loc"])),
                kind=e["type"],
                context=tuple((str(k), str(v)) for k, v in (e.get("ctx") or {}).items()),
            )
            for e in invalid.errors()
        ]
    except (ValueError, TypeError, RecursionError):
        pass
    return [Problem("", str(problems), None)]


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(
    r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*="""
)


def _toml_keys(dotted: str) -> tuple[str, ...]:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_\-]+)""", dotted)
    return tuple(a or b or c for a, b, c in parts)


def locate(text: str, fmt: Literal["json", "toml"], loc: tuple[Any, ...]) -> int | None:
    """The line (from 1) of the setting at ``loc`` (the validator's path: keys and list indexes), or of the
    nearest enclosing one the file writes; None when the file gives no place for it."""
    if not loc or not text:
        return None
    wanted = tuple(str(p) for p in loc)
    return _locate_toml(text, wanted) if fmt == "toml" else _locate_json(text, wanted)


def _locate_toml(text: str, wanted: tuple[str, ...]) -> int | None:
    places: list[tuple[tuple[str, ...], int]] = []
    table: tuple[str, ...] = ()
    arrays: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_HEADER.match(line)
        if header is not None:
            keys = _toml_keys(header.group(2))
            if header.group(1) == "[[":
                index = arrays.get(keys, -1) + 1
                arrays[keys] = index
                table = (*keys, str(index))
            else:
                table = keys
            places.append((table, number))
            continue
        key = _TOML_KEY.match(line)
        if key is not None:
            places.append(((*table, *_toml_keys(key.group(1))), number))
    best: tuple[int, int] | None = None  # (length of the path matched, line)
    for path, number in places:
        if wanted[: len(path)] == path and (best is None or len(path) > best[0]):
            best = (len(path), number)
    if best is not None:
        return best[1]
    # A table the file writes only inside (``[[tiers.levels]]`` for a problem of ``tiers``): where it starts.
    return next((number for path, number in places if path[: len(wanted)] == wanted), None)


def _locate_json(text: str, wanted: tuple[str, ...]) -> int | None:
    """Each key of the path in turn, from where the one before it was found (indexes are skipped)."""
    lines = text.splitlines()
    start = 0
    found: int | None = None
    for part in wanted:
        if part.isdigit():
            continue
        pattern = re.compile(r'"' + re.escape(part) + r'"\s*:')
        for number in range(start, len(lines)):
            if pattern.search(lines[number]):
                found, start = number + 1, number
                break
        else:
            return found
    return found
