from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).parent / "test-artifacts"))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Path) -> None:
    # Argon2 is deliberately slow; tests use a fast hasher. Uploaded files go to a temp dir.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def county(db: None) -> Any:
    from dangjian.testing import build_county

    return build_county()


@pytest.fixture
def login(client: Any) -> Any:
    """login(user) -> a Django test client logged in as that user."""

    def _login(user: Any) -> Any:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
