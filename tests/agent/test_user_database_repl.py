"""``/database`` in ``dbarch chat``: connect the user's database (read-only), show it without
its password, disconnect; the history file never keeps the password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.interfaces.replhelp import ENTER, drive
from tests.safety.userdb import PASSWORD, user_database

pytestmark = pytest.mark.sandbox


@pytest.fixture(scope="module")
def user_dsn(sandbox: Any) -> Iterator[str]:
    with user_database(sandbox, uri=True) as dsn:
        yield dsn


def test_database_command_connects_shows_and_disconnects(tmp_path: Path, user_dsn: str) -> None:
    bad = user_dsn.replace("@", "%zz@", 1)
    keys = ENTER.join(["/database", f"/database {bad}", f"/db {user_dsn}", "/database off", ""])
    run = drive(keys, home=tmp_path / "home", workspace=tmp_path / "ws")
    out = run.out
    assert out.count("no database of yours connected") == 2
    assert "cannot connect" in out or "not a valid connection string" in out
    assert "your database (read-only): postgresql://postgres:***@" in out or "password=***" in out
    history = run.history()
    assert [h.split()[0] for h in history] == ["/database", "/database", "/db", "/database"]
    assert history[1] == "/database <dsn>" and "password=***" in history[2]
    assert PASSWORD not in out + "\n".join(history)


def test_the_banner_names_the_database_without_its_password(tmp_path: Path, user_dsn: str) -> None:
    run = drive("", home=tmp_path / "home", workspace=tmp_path / "ws", database_dsn=user_dsn)
    assert "your database (read-only, never written): " in run.out
    assert PASSWORD not in run.out


def test_an_unreachable_database_at_start_is_dropped_with_why(tmp_path: Path) -> None:
    bad = f"postgresql://ro:{PASSWORD}%zz@localhost/shop"
    run = drive("/database" + ENTER, home=tmp_path / "home", workspace=tmp_path / "ws", database_dsn=bad)
    assert "error: the --dsn is not a valid connection string" in run.out and "sandbox only" in run.out
    assert "no database of yours connected" in run.out
    assert PASSWORD not in run.out
