import os
import secrets
import subprocess
import sys

from django.conf import settings


def test_production_settings_pass_check_deploy(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DANGJIAN_DEMO"}
    env.update({
        "DANGJIAN_HOME": str(tmp_path),
        **{name: secrets.token_urlsafe(50) for name in settings.KEYS},  # every key required
        "SECURE_COOKIES": "1",
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
    })
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
