"""The golden-file helper fails on a missing or different file and writes only when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import UPDATE_ENV, assert_golden


def test_a_missing_golden_file_fails_and_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(UPDATE_ENV, raising=False)
    path = tmp_path / "x.expected.txt"
    with pytest.raises(AssertionError, match="missing"):
        assert_golden(path, "output\n")
    assert not path.exists()


def test_a_different_golden_file_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(UPDATE_ENV, raising=False)
    path = tmp_path / "x.expected.txt"
    path.write_text("old\n")
    with pytest.raises(AssertionError, match="changed"):
        assert_golden(path, "new\n")


def test_the_update_flag_rewrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(UPDATE_ENV, "1")
    path = tmp_path / "x.expected.txt"
    assert_golden(path, "new\n")
    assert path.read_text() == "new\n"
