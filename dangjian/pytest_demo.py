"""A pytest plugin loaded before Django's settings (`-p dangjian.pytest_demo` in pyproject.toml):
a test run is a demo as far as keys go, so it needs no key in the environment. Each run's keys
are generated under its own DANGJIAN_HOME; processes the tests start inherit the mark and make
theirs under the DANGJIAN_HOME they are given. Tests of production start-up unset it."""

import os

os.environ.setdefault("DANGJIAN_DEMO", "1")

# The second factor is off for the tests' accounts unless a test turns it on (tests/security);
# production requires it of the roles in OTP_REQUIRED_ROLES (settings.py).
os.environ.setdefault("OTP_REQUIRED_ROLES", "")
os.environ.setdefault("OTP_FOR_TOKENS", "0")
