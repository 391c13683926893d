"""Program versions on the till: the history, a file checked before it is installed (every problem on its
line), and the installation (manager only, audited)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.demo import PROGRAM_FILE
from app.services.program_diff import program_json
from app.services.program_history import ProgramDesk, locate
from app.store.integrity import check_database
from loyalty.errors import PermissionDenied
from tests.services.conftest import Till

BROKEN_TOML = """\
version = "2026.9"
name = "Thẻ thử"

[earn]
spend_step = 0
points_per_step = 1
rounding = "sideways"

[redemption]
point_value = 1000

[[tiers.levels]]
code = "member"
name = "Thành viên"
qualifying_spend = 0

[[tiers.levels]]
code = "gold"
name = "Vàng"
qualifying_spend = -5
"""


def _desk(till: Till) -> ProgramDesk:
    return ProgramDesk(till.svc.core, till.svc.programs)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_of_a_toml_file_is_on_its_line(till: Till, tmp_path: Path) -> None:
    check = _desk(till).check_file(_write(tmp_path, "new.toml", BROKEN_TOML))
    assert not check.ok and check.program is None
    assert check.text == BROKEN_TOML
    where = {p.where: p.line for p in check.problems}
    assert where["earn.spend_step"] == 5
    assert where["earn.rounding"] == 7
    assert where["tiers.levels.1.qualifying_spend"] == 20
    assert all(p.message for p in check.problems)


def test_a_file_that_is_not_toml_says_where_it_breaks(till: Till, tmp_path: Path) -> None:
    check = _desk(till).check_file(_write(tmp_path, "bad.toml", 'version = "x"\nname = \n'))
    (problem,) = check.problems
    assert problem.line == 2
    assert problem.detail is not None and problem.detail.text == "the file is not valid {format} ({error})"


def test_json_problems_are_found_by_their_keys(till: Till, tmp_path: Path) -> None:
    data = program_json(till.svc.programs.active())
    data["redemption"]["point_value"] = 0
    text = json.dumps(data, indent=2, ensure_ascii=False)
    check = _desk(till).check_file(_write(tmp_path, "new.json", text))
    (problem,) = check.problems
    assert problem.where == "redemption.point_value"
    assert problem.line is not None
    assert '"point_value"' in text.splitlines()[problem.line - 1]


def test_locate_falls_back_to_the_nearest_setting_the_file_writes() -> None:
    assert locate(BROKEN_TOML, "toml", ("tiers",)) == 12
    assert locate(BROKEN_TOML, "toml", ("redemption", "minimum_points")) == 9
    assert locate(BROKEN_TOML, "toml", ()) is None


def test_a_good_file_shows_what_it_changes_and_installs(till: Till, tmp_path: Path) -> None:
    text = PROGRAM_FILE.read_text(encoding="utf-8").replace('version = "2026.2"', 'version = "2026.3"')
    text = text.replace("welcome_bonus = 50", "welcome_bonus = 80")
    path = _write(tmp_path, "next.toml", text)
    desk = _desk(till)
    check = desk.check_file(path)
    assert check.ok and check.installed == "new"
    assert {c.path for c in check.changes} == {("version",), ("welcome_bonus",)}
    with pytest.raises(PermissionDenied):
        desk.install_file(till.cashier, path)
    till.clock.advance(days=1)
    installed = desk.install_file(till.manager, path)
    assert till.svc.programs.active().version == installed.version == "2026.3"
    history = desk.history()
    assert [v.version for v in history] == ["2026.3", "2026.2"]
    newest = next(v for v in history if v.version == "2026.3")
    assert newest.active and newest.installed_by == "Lan"
    assert not next(v for v in history if v.version == "2026.2").active
    # The same file again is installed already; the same version with other rules is refused in place.
    assert desk.check_file(path).installed == "same"
    clash = _write(tmp_path, "clash.toml", text.replace("welcome_bonus = 80", "welcome_bonus = 90"))
    again = desk.check_file(clash)
    assert again.installed == "other" and not again.ok
    assert again.problems[0].where == "version" and again.problems[0].line == 3
    with till.store.read() as session:
        assert check_database(session) == []
