"""The API under schemathesis (X.3): the live OpenAPI schema of a real `dangjian serve`, fuzzed
over HTTP as four users — 工委 admin, a 党组书记, a branch secretary, an ordinary member —
two by API token and two by session.

Every operation the schema lists is tested (a module's new router is picked up as it is added),
reads and writes alike: the database is the test's own and thrown away, and a fuzzed write must
never be a 500 either. The checks: no 5xx; every status code, content type and response body as
the schema declares them; an operation that needs a login refuses the same request without its
credentials. Generated ids are swapped for real ones half the time (hooks.py), so the calls get
past the lookups into the services.

Reproducible: schemathesis's deterministic generation, no example database. The figures per role
go to the terminal summary and to test-artifacts/api-fuzz/; a failure names the role, the
operation, the check and the request (as curl).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection

from dangjian.accounts.models import User
from dangjian.accounts.services import token_create
from dangjian.core.tests.servers import UNSET, children, first_line, free_port, reap, start
from dangjian.cycles.models import Year
from dangjian.org.models import Body, Person, Post, Role
from dangjian.testing import PASSWORD, build_county, build_small_county

pytestmark = [pytest.mark.req("X.3"), pytest.mark.real_clock]  # a server process

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
#: label -> the test county's account (dangjian.testing.build_county). The admin, whose writes
#: change the most, goes last; its run adds the coverage phase (boundary and invalid values of
#: every parameter, systematically), which costs ten times the fuzzing and mostly meets the
#: same validation whoever calls.
ROLES = {
    "普通党员": Role.MEMBER,
    "支部书记": Role.ORG_SECRETARY,
    "党组书记": Role.LEADING_GROUP_SECRETARY,
    "工委管理员": Role.WORK_COMMITTEE_ADMIN,
}
PHASES = {"工委管理员": "examples,coverage,fuzzing"}
DEFAULT_PHASES = "examples,fuzzing"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "ignored_auth",
    "unsupported_method",
    "missing_required_header",
]
# Left out: negative_data_rejection and positive_data_acceptance, which would have a refusal by
# scope (403/404 for a well-formed request) and the parser's "an empty query value is not
# given" count as failures; the stateful checks (use_after_free, ensure_resource_availability),
# which need the stateful phase's links.
REQUEST_LINE = re.compile(r"^[A-Z][A-Za-z ]+: /")  # Django's log line for a 4xx or 5xx
MAX_EXAMPLES = 5  # per operation in the fuzzing phase (positive and negative)
#: The coverage phase sends each operation one method it does not declare (for
#: unsupported_method), not all seven.
CONFIG = """\
[phases.coverage]
unexpected-methods = ["delete"]
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Server:
    port: int
    stderr: Path

    def tracebacks(self) -> str:
        """What the server logged for its 500s: each "Internal Server Error: <path>" entry with
        its traceback (an entry ends at the next request line Django logs, "<Reason>: /path")."""
        blocks: list[list[str]] = []
        inside = False
        for line in self.stderr.read_text(errors="replace").splitlines():
            if line.startswith("Internal Server Error: "):
                blocks.append([])
                inside = True
            elif REQUEST_LINE.match(line):
                inside = False
            if inside:
                blocks[-1].append(line)
        return "\n".join("\n".join(b) for b in blocks)[-8000:] or "(none)"


@pytest.fixture
def server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    """`dangjian serve` on the test database (whose rows the test commits), its keys from the
    environment (the test's own: the rows it wrote are sealed and signed under them) and the fast
    test hasher the test's users carry."""
    home = tmp_path / "home"
    home.mkdir()
    keys = tuple(settings.KEYS)  # every key the settings require
    drop = {*UNSET, "DANGJIAN_DEMO", "DEBUG", *keys, *(f"{k}_FALLBACKS" for k in keys)}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env |= {k: str(getattr(settings, k)) for k in keys}
    env |= {"DANGJIAN_HOME": str(home), "DATABASE_URL": _database_url(),
            "DANGJIAN_FAST_HASHER": "1"}
    port = free_port()
    proc = start(["--port", str(port), "--threads", "2"], env, home / "stderr")
    seen: list[int] = []
    try:
        assert "已启动" in first_line(proc), (home / "stderr").read_text()
        seen.extend(children(proc.pid))
        yield Server(port, home / "stderr")
    finally:  # stopped before the test database is flushed
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
        reap(proc, seen)


# Auth: a role's credentials are the HTTP headers its every request carries. Two roles call by
# API token, two by session, so both of the API's ways in are fuzzed (ignored_auth strips either).


def _ask(port: int, path: str, cookies: dict[str, str],
         form: dict[str, str] | None = None) -> int:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if form is not None:
        body = urlencode({**form, "csrfmiddlewaretoken": cookies.get("csrftoken", "")})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST" if form is not None else "GET", path, body, headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value
        response.read()
        return response.status
    finally:
        conn.close()


def session_login(port: int, user: User) -> dict[str, str]:
    """Logged in through the login page: the session cookie, and the CSRF header writes need."""
    cookies: dict[str, str] = {}
    assert _ask(port, "/accounts/login/", cookies) == 200
    status = _ask(port, "/accounts/login/", cookies,
                  {"username": user.username, "password": PASSWORD})
    assert status == 302 and "sessionid" in cookies, f"{user.username} could not log in"
    return {
        "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
        "X-CSRFToken": cookies["csrftoken"],
    }


def api_token(port: int, user: User) -> dict[str, str]:
    """A token of the user's own, as the 「API 令牌」 page creates it."""
    _, secret = token_create(actor=user, name="接口测试")
    return {"Authorization": f"Bearer {secret}"}


AUTH = {"普通党员": api_token, "支部书记": session_login, "党组书记": api_token,
        "工委管理员": session_login}


def id_pools(records: dict[str, Any]) -> dict[str, list[int]]:
    """Real ids for hooks.py: bodies, people, posts and years, each app's named records (the
    first path segment of a module's routes is its app's label), and all of them."""
    pools: dict[str, set[int]] = defaultdict(set)
    pools["bodies"] = set(Body.objects.values_list("pk", flat=True))
    pools["people"] = set(Person.objects.values_list("pk", flat=True))
    pools["posts"] = set(Post.objects.values_list("pk", flat=True))
    pools["years"] = set(Year.objects.values_list("year", flat=True))
    for record in records.values():
        if isinstance(getattr(record, "pk", None), int):
            pools[record._meta.app_label].add(record.pk)
            pools["all"].add(record.pk)
    return {kind: sorted(ids) for kind, ids in pools.items()}


@dataclass
class Run:
    role: str
    exit_code: int
    in_schema: int
    operations: int
    cases: int
    failures: int
    errors: int
    seconds: float
    output: str

    def line(self) -> str:
        return (f"{self.role}: {self.operations} operations, {self.cases} cases, "
                f"{self.failures} failures, {self.errors} errors ({self.seconds:.0f} s)")

    def problems(self) -> str:
        """The CLI's FAILURES/ERRORS sections: per operation, the check, the response and the
        curl that reproduces it."""
        found = re.search(r"^=+ (?:FAILURES|ERRORS) =+$.*?(?=^=+ (?:WARNINGS|SUMMARY) =+$)",
                          self.output, re.S | re.M)
        return found.group(0) if found else self.output[-4000:]


def fuzz(port: int, role: str, headers: dict[str, str], ids: Path, out: Path,
         work: Path) -> Run:
    """One schemathesis run as one role. It runs in `work` (a temporary directory), where it
    and hypothesis keep their caches: nothing is left in the tree."""
    shutil.rmtree(out, ignore_errors=True)  # a former run's reports
    out.mkdir(parents=True)
    work.mkdir(parents=True, exist_ok=True)
    (work / "schemathesis.toml").write_text(CONFIG)
    command = [
        str(SCHEMATHESIS), "--config-file", str(work / "schemathesis.toml"), "run", f"http://127.0.0.1:{port}/api/openapi.json",
        "--checks", ",".join(CHECKS), "--phases", PHASES.get(role, DEFAULT_PHASES),
        "--max-examples", str(MAX_EXAMPLES), "--generation-deterministic",
        # the role's credentials only: a generated session cookie or token beside them would
        # make "valid session, junk token" look like accepted junk auth
        "--generation-with-security-parameters", "false",
        "--workers", "1", "--request-timeout", "30", "--no-color",
        "--report", "json,junit", "--report-dir", str(out),
        *(arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")),
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.api_fuzz.hooks",
           "DANGJIAN_FUZZ_IDS": str(ids), "PYTHONPATH": str(ROOT),
           "HYPOTHESIS_STORAGE_DIRECTORY": str(work / ".hypothesis")}
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=work,
                          env=env)
    output = done.stdout + done.stderr
    (out / "output.txt").write_text(output)
    reports = sorted(out.glob("json-*.json"))
    if not reports:
        pytest.fail(f"{role}: schemathesis wrote no report (exit {done.returncode}):\n{output}")
    report = json.loads(reports[-1].read_text())
    return Run(role=role, exit_code=done.returncode,
               in_schema=report["operations"]["total"], operations=report["operations"]["tested"],
               cases=report["test_cases"]["generated"],
               failures=report["test_cases"]["unique_failures"],
               errors=report["operations"]["errored"] + len(report["errors"]),
               seconds=report["running_time"], output=output)


def test_api_holds_under_schemathesis_for_four_roles(
        server: Server, tmp_path: Path, artifacts: Path) -> None:
    county = build_county()
    records = county.objects()  # each module's named records: plans, boxes, lists, ...
    build_small_county("邻县")  # another county's records, out of everyone's scope
    ids = tmp_path / "ids.json"
    ids.write_text(json.dumps(id_pools(records)))
    out = artifacts / "api-fuzz"
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    try:
        for label, role in ROLES.items():
            headers = AUTH[label](server.port, county.user(role))
            run = fuzz(server.port, label, headers, ids, out / label, tmp_path / label)
            runs.append(run)
    finally:
        shutil.copyfile(server.stderr, out / "server.log")
    (out / "summary.txt").write_text("\n".join(r.line() for r in runs) + "\n", encoding="utf-8")

    bad = [r for r in runs if r.exit_code or r.failures or r.errors]
    assert not bad, "\n\n".join(
        [f"##### as {r.line()}\n{r.problems()}" for r in bad]
        + [f"##### the server's tracebacks\n{server.tracebacks()}"])
    # the whole schema, not a part of it
    assert all(r.operations == r.in_schema >= 20 for r in runs), [r.line() for r in runs]
