"""Installing a program version: validated, stored with its digest, made active, audited."""

from __future__ import annotations

from pathlib import Path

from app.services.context import Actor, Permission
from app.services.core import ACTIVE_PROGRAM, Core
from app.store import models as m
from app.store.integrity import program_digest
from app.store.settings import set_setting
from loyalty.errors import Conflict, Detail
from loyalty.program import Program, load_program


class ProgramService:
    def __init__(self, core: Core) -> None:
        self.core = core

    def install(self, actor: Actor, program: Program, *, activate: bool = True) -> Program:
        """Store a program version. A version is immutable: the same version with other rules is refused
        (entries computed under it must stay explainable)."""
        actor.require(Permission.SETTINGS)
        body = program.canonical_json()
        digest = program_digest(body)
        core = self.core
        with core.write() as session:
            row = session.get(m.ProgramVersion, program.version)
            if row is None:
                session.add(
                    m.ProgramVersion(version=program.version, body=body, sha256=digest, loaded_at=core.now())
                )
            elif row.sha256 != digest:
                raise Conflict(
                    what="Program version",
                    ref=Detail("{version} (give changed rules a new version)", version=program.version),
                )
            if activate:
                set_setting(session, ACTIVE_PROGRAM, program.version)
            core.audit(
                session,
                actor,
                "program.install",
                "program",
                program.version,
                {"sha256": digest, "activate": activate},
            )
        return program

    def install_file(self, actor: Actor, path: Path, *, activate: bool = True) -> Program:
        return self.install(actor, load_program(path), activate=activate)

    def active(self) -> Program:
        with self.core.read() as session:
            return self.core.program(session)
