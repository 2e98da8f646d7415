"""The password of a ``--dsn`` never shows: not in read-only mode's errors (libpq echoes pieces
of a bad connection string), not in their tracebacks, not on the CLI's output.

Before the fix, ``postgresql://ro:PASSWORD%zz@host/db`` and an unterminated IPv6 URI printed the
password in ``dbarch explain --dsn``'s error line.
"""

from __future__ import annotations

import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from dbarch.tools.errors import DbarchError
from dbarch.tools.sandbox.readonly import ReadOnlyDatabase, dsn_secrets, redact, scrub

SECRET = "pw-Hk3mW9xQ-dsn-secret"

BAD_DSNS = [
    f"postgresql://ro:{SECRET}%zz@localhost/shop",
    f"postgresql://ro:{SECRET}@[::1/shop",
    f"postgresql://ro:{SECRET}@localhost/shop?nosuchoption=1",
    f"host=localhost user=ro password={SECRET} dbname",
    f"host=localhost password='{SECRET}",
    f"host=127.0.0.1 port=1 user=ro password={SECRET} dbname=shop connect_timeout=2",
]


@pytest.mark.parametrize("dsn", BAD_DSNS)
def test_a_connection_error_never_carries_the_password(dsn: str) -> None:
    with pytest.raises(DbarchError) as caught:
        ReadOnlyDatabase(dsn).connect()
    err = caught.value
    shown = " | ".join([err.one_line(), str(err), repr(vars(err)), "".join(traceback.format_exception(err))])
    assert SECRET not in shown and SECRET[3:15] not in shown, shown


@pytest.mark.parametrize("dsn", BAD_DSNS[:3])
def test_the_cli_never_prints_the_password(dsn: str) -> None:
    dbarch = str(Path(sys.executable).with_name("dbarch"))
    done = subprocess.run([dbarch, "explain", "--dsn", dsn, "SELECT 1"], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "--dsn" in done.stderr
    assert SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize(("dsn", "secret"), [
    (f"postgresql://u:{SECRET}@h/db", SECRET),
    ("postgresql://u:p%40ss%2Fword@h/db", "p@ss/word"),
    ("host=h password='it''s secret' dbname=d", None),
    (f"host=h password = {SECRET} dbname=d", SECRET),
])
def test_every_spelling_of_the_password_is_found(dsn: str, secret: str | None) -> None:
    found = dsn_secrets(dsn)
    assert found
    if secret:
        assert secret in found
    text = f"failed for {dsn}; the password was {found[-1]}"
    cleaned = scrub(text, dsn)
    assert all(s not in cleaned for s in found), cleaned
    assert "***" in redact(dsn) or redact(dsn) == "<dsn>"


def test_short_passwords_and_dsns_without_one_leave_text_alone() -> None:
    assert scrub("a plan on table t", "host=h password=t dbname=d") == "a plan on table t"
    assert scrub("a plan", "host=h dbname=d") == "a plan"
    assert scrub("a plan", None) == "a plan"
