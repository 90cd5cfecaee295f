"""Keys: each its own environment variable, required outside the demo; rotation by fallbacks."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from dangjian.ballots.services import (
    BallotRefused,
    ballot_submit,
    box_create,
    box_open,
    code_digest,
    codes_issue,
)
from dangjian.core.grades import Grade

EXE = Path(sys.executable).with_name("dangjian")
KEYS = tuple(django_settings.KEYS)  # every key the settings require


def _production_env(home: Path, **keys: str) -> dict[str, str]:
    """No demo mark, no DEBUG, and only the given keys."""
    drop = {"DANGJIAN_DEMO", "DEBUG", "DATABASE_URL", *KEYS, *(f"{k}_FALLBACKS" for k in KEYS)}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, "DANGJIAN_HOME": str(home), **keys}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_serve_refuses_to_start_without_the_keys(tmp_path: Path) -> None:
    result = _run(_production_env(tmp_path), "serve", "--port", str(_free_port()))
    assert result.returncode != 0
    assert "已启动" not in result.stdout
    assert "缺少密钥：未设置环境变量 SECRET_KEY、BALLOT_CODE_KEY" in result.stderr
    assert "Missing key(s)" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()  # nothing generated outside the demo


def test_migrate_names_the_one_key_still_missing(tmp_path: Path) -> None:
    env = _production_env(tmp_path, **{k: secrets.token_urlsafe(50) for k in KEYS
                                        if k != "BALLOT_CODE_KEY"})
    result = _run(env, "migrate", "--noinput")
    assert result.returncode != 0
    assert "未设置环境变量 BALLOT_CODE_KEY，" in result.stderr
    assert "SECRET_KEY、" not in result.stderr
    assert "原 SECRET_KEY" in result.stderr  # how to keep codes printed before valid


def test_with_every_key_set_the_checks_pass(tmp_path: Path) -> None:
    env = _production_env(tmp_path, **{k: secrets.token_urlsafe(50) for k in KEYS})
    result = _run(env, "check")
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.glob("*_key")) == []


_PRINT_KEYS = "from django.conf import settings as s; print(s.SECRET_KEY, s.BALLOT_CODE_KEY)"


def _demo_keys(home: Path) -> list[str]:
    env = {**_production_env(home), "DANGJIAN_DEMO": "1"}
    result = _run(env, "shell", "--no-imports", "-c", _PRINT_KEYS)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_demo_generates_each_key_once_under_its_home(tmp_path: Path) -> None:
    first = _demo_keys(tmp_path)
    assert len(first) == 2 and first[0] != first[1]
    assert _demo_keys(tmp_path) == first
    for name, value in zip(("secret_key", "ballot_code_key"), first, strict=True):
        assert (tmp_path / name).read_text() == value
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600


def test_a_demo_home_from_before_keeps_its_printed_codes(tmp_path: Path) -> None:
    """Codes were keyed by SECRET_KEY before BALLOT_CODE_KEY existed; an existing demo home's
    ballot key starts as that key, so the hashes of its printed codes are unchanged."""
    (tmp_path / "secret_key").write_text("the-old-demo-secret\n")
    assert _demo_keys(tmp_path) == ["the-old-demo-secret", "the-old-demo-secret"]


def test_a_code_hashes_as_it_did_when_keyed_by_secret_key(settings: object) -> None:
    """The hash of code ABCD-EFGH-JKLM in box 7, as versions before BALLOT_CODE_KEY stored it
    with SECRET_KEY = "the-old-demo-secret": unchanged under BALLOT_CODE_KEY of that value."""
    settings.BALLOT_CODE_KEY = "the-old-demo-secret"  # type: ignore[attr-defined]
    assert code_digest(7, "abcd-efgh-jklm") == (
        "968af556d10ce8e905dfc996bcc60e23ac70503ae80faa6922f73550f712594a")


def _box() -> object:
    from dangjian.testing import build_county

    county = build_county()
    box = box_create(actor=None, title="换密钥", purpose="test", owner_body=county.root,
                     candidates=[("张三", "", "")], check_scope=False)
    return box


def test_codes_printed_before_a_ballot_key_rotation_stay_valid_with_the_fallback(
        db: None, settings: object) -> None:
    settings.BALLOT_CODE_KEY = "key-of-last-year"  # type: ignore[attr-defined]
    box = _box()
    before, spare = codes_issue(actor=None, box=box, count=2, check_scope=False)
    box_open(actor=None, box=box, check_scope=False)
    grades = {str(box.candidates.get().pk): Grade.GOOD}  # type: ignore[attr-defined]

    settings.BALLOT_CODE_KEY = "key-of-this-year"  # type: ignore[attr-defined]
    with pytest.raises(BallotRefused, match="票码无效"):  # rotated without a fallback
        ballot_submit(box_id=box.pk, code=before, grades=grades)  # type: ignore[attr-defined]

    settings.BALLOT_CODE_KEY_FALLBACKS = ["key-of-last-year"]  # type: ignore[attr-defined]
    assert ballot_submit(box_id=box.pk, code=before, grades=grades)  # type: ignore[attr-defined]
    with pytest.raises(BallotRefused, match="已提交"):
        ballot_submit(box_id=box.pk, code=before, grades=grades)  # type: ignore[attr-defined]
    (after,) = codes_issue(actor=None, box=box, count=1, check_scope=False)
    assert ballot_submit(box_id=box.pk, code=after, grades=grades)  # type: ignore[attr-defined]
    assert ballot_submit(box_id=box.pk, code=spare, grades=grades)  # type: ignore[attr-defined]


def test_a_session_key_rotation_keeps_people_logged_in_with_the_fallback(
        county: object, client: object, settings: object) -> None:
    from dangjian.testing import PASSWORD

    settings.SECRET_KEY = "session-key-of-last-year" * 3  # type: ignore[attr-defined]
    response = client.post(reverse("accounts:login"),  # type: ignore[attr-defined]
                           {"username": "t_wc_admin", "password": PASSWORD})
    assert response.status_code == 302
    settings.SECRET_KEY = "session-key-of-this-year" * 3  # type: ignore[attr-defined]
    settings.SECRET_KEY_FALLBACKS = ["session-key-of-last-year" * 3]  # type: ignore[attr-defined]
    assert client.get("/").status_code == 200  # type: ignore[attr-defined]
    # (that request re-signed the session under this year's key)
    settings.SECRET_KEY = "session-key-of-next-year" * 3  # type: ignore[attr-defined]
    settings.SECRET_KEY_FALLBACKS = []  # type: ignore[attr-defined]
    assert client.get("/").status_code == 302  # type: ignore[attr-defined]  # logged out
