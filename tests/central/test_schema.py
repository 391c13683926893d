"""The schema the migrations build is the schema the models describe, on SQLite and on PostgreSQL; the
committed OpenAPI document is the one the code serves."""

from __future__ import annotations

import json
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from central.__main__ import main, openapi_document
from central.db import migrate
from central.models import Base

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}


def test_migrating_again_changes_nothing(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_committed_openapi_matches_the_code() -> None:
    committed = OPENAPI.read_text(encoding="utf-8")
    assert committed == openapi_document(), (
        "docs/openapi.json is not what the API serves: regenerate it with "
        "`python -m central openapi > docs/openapi.json` and review the difference"
    )
    paths = json.loads(committed)["paths"]
    assert {
        "/v1/enroll",
        "/v1/push",
        "/v1/pull",
        "/v1/epoch",
        "/v1/inbox",
        "/v1/inbox/{item_id}/resolve",
        "/v1/orders",
        "/v1/orders/{order_ref}",
        "/v1/actions",
        "/v1/members/{number}",
        "/v1/health",
    } == set(paths)


def test_openapi_command_prints_the_document(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["openapi"]) == 0
    assert capsys.readouterr().out == OPENAPI.read_text(encoding="utf-8")
