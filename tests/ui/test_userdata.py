"""User programs and profiles on disk (fxcost.userdata, Qt-free): atomic writes, damaged files set aside, no overwrites."""

from __future__ import annotations

import json

import pytest

from fxcost import userdata
from fxcost.analysis import programs


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FXCOST_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _program(name: str) -> programs.RebateProgram:
    return programs.from_dict({"name": name, "rates": [{"match": {}, "model": "per_lot", "rate": 5}]})


def test_save_and_load_round_trip(data_dir):
    path, problems = userdata.save_program(_program("My Cashback!"))
    assert path == data_dir / "programs" / "my-cashback.json" and not problems
    loaded = userdata.load_programs()
    assert [p.name for p in loaded.items] == ["My Cashback!"] and not loaded.problems
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_another_programs_file_is_never_overwritten(data_dir):
    first, _ = userdata.save_program(_program("Same"))
    second, _ = userdata.save_program(_program("Same"))
    assert first != second and first.is_file() and second.is_file()
    assert json.loads(first.read_text())["name"] == "Same"


def test_a_rename_replaces_the_old_file(data_dir):
    program = _program("Old name")
    old, _ = userdata.save_program(program)
    program.name = "New name"
    new, _ = userdata.save_program(program, previous=old)
    assert not old.exists() and new.name == "new-name.json"


def test_damaged_files_are_set_aside_and_reported(data_dir):
    folder = data_dir / "programs"
    folder.mkdir(parents=True)
    (folder / "bad-json.json").write_text("{")
    (folder / "bad-schema.json").write_text('{"name": "x", "rates": [], "typo": 1}')
    loaded = userdata.load_programs()
    assert not loaded.items
    messages = sorted(str(p) for p in loaded.problems)
    assert "not valid JSON" in messages[0] and "typo" in messages[1]
    assert all(p.moved_to is not None and p.moved_to.exists() for p in loaded.problems)
    assert userdata.load_programs().problems == []  # set aside once, not reported again


def test_invalid_data_is_never_written(data_dir):
    with pytest.raises(programs.ProgramError):
        userdata.save(userdata.PROGRAMS, "x", {"name": "x", "rates": "none"}, userdata._program_parse)
    assert not list((data_dir / "programs").glob("*.json"))


def test_only_user_files_can_be_deleted(data_dir, tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text("{}")
    with pytest.raises(userdata.UserDataError):
        userdata.delete(outside)
    assert outside.exists()
