"""Only the workspace files may be written; nothing leads out of the workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from memhelp import read_only

from dbarch.memory import Workspace, record_decision
from dbarch.memory.paths import check_relative, slugify
from dbarch.tools.errors import WorkspaceError


@pytest.mark.parametrize(
    "relative",
    ["00_soul.md", "01_state.md", "02_memory.md", "migrations/001_init.sql", "./00_soul.md"],
)
def test_the_allowlisted_files_can_be_written(relative: str) -> None:
    assert str(check_relative(relative)) == relative.removeprefix("./")


@pytest.mark.parametrize(
    ("relative", "why"),
    [
        ("../00_soul.md", "'..'"),
        ("migrations/../../etc/passwd", "'..'"),
        ("/etc/passwd", "absolute"),
        ("C:/soul.md", "absolute"),
        ("notes.txt", "does not write"),
        ("03_other.md", "does not write"),
        ("migrations/001_init.txt", "NNN_slug.sql"),
        ("migrations/1_init.sql", "NNN_slug.sql"),
        ("migrations/001_Init.sql", "NNN_slug.sql"),
        ("migrations/sub/001_init.sql", "does not write"),
        (".dbarch/journal.jsonl", "does not write"),
        ("", "empty"),
    ],
)
def test_every_other_path_is_refused_with_a_reason(relative: str, why: str) -> None:
    with pytest.raises(WorkspaceError) as info:
        check_relative(relative)
    assert why in info.value.message
    assert info.value.hint


def test_a_symlinked_file_leading_out_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("precious\n")
    ws_dir = tmp_path / "ws"
    ws_dir.mkdir()
    (ws_dir / "00_soul.md").symlink_to(outside)
    with pytest.raises(WorkspaceError, match="leads out of the workspace"):
        record_decision(Workspace(ws_dir), decision="x", why="y")
    assert outside.read_text() == "precious\n"
    assert (ws_dir / "00_soul.md").is_symlink()


def test_a_symlink_inside_the_workspace_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text("text\n")
    (tmp_path / "00_soul.md").symlink_to(tmp_path / "real.md")
    with pytest.raises(WorkspaceError, match="is a symlink"):
        record_decision(Workspace(tmp_path), decision="x", why="y")


def test_a_symlinked_migrations_folder_is_refused(tmp_path: Path) -> None:
    from dbarch.memory import write_migration

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ws_dir = tmp_path / "ws"
    ws_dir.mkdir()
    (ws_dir / "migrations").symlink_to(elsewhere)
    with pytest.raises(WorkspaceError, match="leads out of the workspace"):
        write_migration(Workspace(ws_dir), "init", "create table t (id int);")
    assert list(elsewhere.iterdir()) == []


def test_a_workspace_root_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(WorkspaceError, match="not a folder"):
        Workspace(tmp_path / "file")


def test_a_missing_workspace_is_created_on_first_write_with_a_notice(tmp_path: Path) -> None:
    notices: list[str] = []
    ws = Workspace(tmp_path / "new" / "ws", notice=notices.append)
    assert not ws.exists()
    record_decision(ws, decision="Use bigint keys", why="room to grow")
    assert (tmp_path / "new" / "ws" / "00_soul.md").is_file()
    assert notices == [f"created workspace {tmp_path / 'new' / 'ws'}"]


def test_a_read_only_workspace_gives_a_clear_error_and_changes_nothing(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    record_decision(ws, decision="Use bigint keys", why="room to grow")
    with read_only(ws_dir):
        before = {p: p.read_bytes() for p in ws_dir.rglob("*") if p.is_file()}
        with pytest.raises(WorkspaceError) as info:
            record_decision(Workspace(ws_dir), decision="d", why="w")
        assert "read-only" in (info.value.hint or "")
        assert {p: p.read_bytes() for p in ws_dir.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Add orders table", "add_orders_table"), ("users: split name!", "users_split_name")],
)
def test_migration_names_become_lower_case_slugs(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_a_name_without_letters_or_digits_is_refused() -> None:
    with pytest.raises(WorkspaceError):
        slugify("---")
