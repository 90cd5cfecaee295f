"""The ballots engine's writes. `sheet_submit` is the hot path: one statement claims the code
(only while the box is open and the sheet grades exactly its candidates) and inserts the ballot
with its grades, in one transaction (`cast`); the caller replies only after it commits, so a
rater who saw success never loses their ballot."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from dangjian.ballots import rules
from dangjian.ballots.cast import cast
from dangjian.ballots.models import Ballot, Box, BoxStatus, Candidate, Code
from dangjian.core.grades import Grade
from dangjian.org.models import Body
from dangjian.org.scope import Perm, require_body
from dangjian.trail.changes import change_record

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper without doubt
CODE_LENGTH = 12
MAX_CODES_PER_ISSUE = 2000


class BallotRefused(Exception):
    """Why a submission was not counted, in Chinese. `kind` lets callers choose a status."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch in ALPHABET)


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


@functools.lru_cache(maxsize=8)
def _code_key(secret: str) -> bytes:
    """The HMAC key for codes, from BALLOT_CODE_KEY (derived as it was from SECRET_KEY before
    that variable existed, so setting it to the former SECRET_KEY keeps old codes valid)."""
    return hmac.new(secret.encode(), b"dangjian-ballot-code", "sm3").digest()


def _code_secrets() -> list[str]:
    """BALLOT_CODE_KEY, then its fallbacks: a rotated key still verifies the codes printed
    under the former one (their stored hashes cannot be recomputed: the codes are not kept)."""
    if not settings.BALLOT_CODE_KEY:
        raise ImproperlyConfigured("未设置环境变量 BALLOT_CODE_KEY (ballot code key not set)")
    return [settings.BALLOT_CODE_KEY, *settings.BALLOT_CODE_KEY_FALLBACKS]


def _digest(secret: str, box_id: int, code: str) -> str:
    message = f"{box_id}:{normalize_code(code)}".encode()
    return hmac.new(_code_key(secret), message, "sm3").hexdigest()


def code_digest(box_id: int, code: str) -> str:
    """The stored hash of a code, under the current key: what new codes are stored as."""
    return _digest(_code_secrets()[0], box_id, code)


def code_digests(box_id: int, code: str) -> list[str]:
    """The hashes the code may be stored under: the current key's first, then the fallbacks'."""
    return [_digest(secret, box_id, code) for secret in _code_secrets()]


def _require_manage(actor: Any, box_body: Body) -> None:
    require_body(actor, Perm.BALLOT_MANAGE, box_body)


@transaction.atomic
def box_create(
    *,
    actor: Any,
    title: str,
    purpose: str,
    owner_body: Body,
    candidates: Iterable[tuple[str, str, str]],
    ref: str = "",
    rule: Mapping[str, Any] | None = None,
    check_scope: bool = True,
) -> Box:
    """candidates: (label, ref, note) in order."""
    if check_scope:
        _require_manage(actor, owner_body)
    rule = dict(rule or rules.DEFAULT_RULE)
    problems = rules.validate(rule)
    if problems:
        raise ValidationError({"rule": problems})
    box = Box(title=title.strip(), purpose=purpose, ref=ref, owner_body=owner_body, rule=rule)
    box.full_clean()
    box.save()
    rows = [Candidate(box=box, label=label, ref=cref, note=note, order=i)
            for i, (label, cref, note) in enumerate(candidates)]
    if not rows:
        raise ValidationError("请至少设置一个被测评对象")
    Candidate.objects.bulk_create(rows)
    change_record(actor=actor, action="create", obj=box,
                  after={"名称": box.title, "被测评对象": [c.label for c in rows],
                         "评定规则": rules.describe(rule)})
    return box


@transaction.atomic
def codes_issue(*, actor: Any, box: Box, count: int, check_scope: bool = True) -> list[str]:
    """Make `count` new one-time codes. The plain codes are returned once and never stored."""
    if check_scope:
        _require_manage(actor, box.owner_body)
    if box.status == BoxStatus.CLOSED:
        raise ValidationError("测评已结束，不能再发放票码")
    if not 1 <= count <= MAX_CODES_PER_ISSUE:
        raise ValidationError(f"每次发放票码数量应在1至{MAX_CODES_PER_ISSUE}之间")
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)]
    # Stored in an order of their own, drawn independently of the sheet's: a row's id and place
    # in the table say nothing about where on the printed sheet its code stands.
    stored = codes[:]
    secrets.SystemRandom().shuffle(stored)
    Code.objects.bulk_create([Code(box=box, digest=code_digest(box.pk, c)) for c in stored])
    Box.objects.filter(pk=box.pk).update(codes_issued=F("codes_issued") + count)
    change_record(actor=actor, action="update", obj=box, after={"发放票码": count})
    return codes


def _set_status(actor: Any, box: Box, to: str, allowed_from: set[str], check_scope: bool) -> Box:
    with transaction.atomic():
        box = Box.objects.select_for_update().select_related("owner_body").get(pk=box.pk)
        if check_scope:
            _require_manage(actor, box.owner_body)
        if box.status not in allowed_from:
            raise ValidationError(
                f"测评当前为“{BoxStatus(box.status).label}”，不能改为“{BoxStatus(to).label}”"
            )
        before = box.status
        box.status = to
        if to == BoxStatus.OPEN:
            box.opened_at = timezone.now()
        else:
            box.closed_at = timezone.now()
        box.save(update_fields=["status", "opened_at", "closed_at"])
        if to == BoxStatus.CLOSED:
            _reshuffle(box)
        change_record(actor=actor, action="update", obj=box,
                      before={"状态": BoxStatus(before).label},
                      after={"状态": BoxStatus(to).label})
    return box


def _reshuffle(box: Box) -> None:
    """Write the closed box's ballots anew, in a random order, in one transaction: while a box
    is open its ballots' ids, place in the table and (on PostgreSQL) transaction ids follow the
    order they were cast in; once closed they share one transaction and follow nothing. The
    receipts and grades are kept; nothing refers to a ballot's id."""
    rows = list(Ballot.objects.filter(box=box).values_list("receipt", "marks"))
    secrets.SystemRandom().shuffle(rows)
    Ballot.objects.filter(box=box).delete()
    Ballot.objects.bulk_create([Ballot(box=box, receipt=receipt, marks=marks)
                                for receipt, marks in rows], batch_size=500)


def box_open(*, actor: Any, box: Box, check_scope: bool = True) -> Box:
    return _set_status(actor, box, BoxStatus.OPEN, {BoxStatus.DRAFT}, check_scope)


def box_close(*, actor: Any, box: Box, check_scope: bool = True) -> Box:
    return _set_status(actor, box, BoxStatus.CLOSED, {BoxStatus.OPEN}, check_scope)


_GRADES = frozenset(Grade.values)
_REFUSED_INVALID = ("invalid", "测评票内容无效，请重新扫码填写")


@dataclass(frozen=True)
class Submitted:
    """What the rater is shown after their sheet is committed."""

    receipt: str
    box_title: str


def _box_sheet(box_id: int) -> tuple[str, str, list[tuple[int, str]]] | None:
    """(status, title, [(candidate id, label)…]) of a box in one query, or None."""
    box, cand = Box._meta.db_table, Candidate._meta.db_table
    order = connection.ops.quote_name("order")
    with connection.cursor() as cur:
        cur.execute(f"SELECT b.status, b.title, c.id, c.label FROM {box} b "
                    f"LEFT JOIN {cand} c ON c.box_id = b.id WHERE b.id = %s "
                    f"ORDER BY c.{order}, c.id", [box_id])
        rows = cur.fetchall()
    if not rows:
        return None
    return rows[0][0], rows[0][1], [(pk, label) for _, _, pk, label in rows if pk is not None]


def _validate_marks(candidates: list[tuple[int, str]], grades: Mapping[str, str]) -> None:
    missing = []
    for pk, label in candidates:
        grade = grades.get(str(pk), "")
        if not grade:
            missing.append(label)
        elif grade not in _GRADES:
            raise BallotRefused(*_REFUSED_INVALID)
    if missing:
        raise BallotRefused("incomplete", "请为以下对象选择评价档次：" + "、".join(missing))
    if len(grades) != len(candidates):  # a key that is no candidate of this box
        raise BallotRefused(*_REFUSED_INVALID)


def _sheet(grades: Mapping[str, str]) -> dict[int, str] | None:
    """The sheet as candidate id → grade, or None if it is malformed on its face."""
    if not all(key.isdigit() and grade in _GRADES for key, grade in grades.items()):
        return None
    return {int(key): grade for key, grade in grades.items()}


def ballot_submit(*, box_id: int, code: str, grades: Mapping[str, str]) -> str:
    """Count one rater's sheet exactly once; return the receipt code."""
    return sheet_submit(box_id=box_id, code=code, grades=grades).receipt


def sheet_submit(*, box_id: int, code: str, grades: Mapping[str, str]) -> Submitted:
    """Count one rater's sheet exactly once. Returns only after the ballot is committed.

    One statement claims the code (only while the box is open and the sheet grades exactly its
    candidates) and inserts the ballot (see `cast`). Only a refused sheet costs more queries,
    to tell the rater why."""
    marks = _sheet(grades)
    if marks:
        receipt = _receipt()
        # Under a former key (BALLOT_CODE_KEY_FALLBACKS) only after the current one claimed
        # nothing: without fallbacks a sheet still costs one statement.
        for digest in code_digests(box_id, code):
            try:
                title = _cast_once_more_on_a_dead_connection(box_id, digest, receipt, marks)
            except IntegrityError:  # a receipt collision (1 in 32^10): ask to resend
                raise BallotRefused("retry", "提交未成功，请再提交一次") from None
            if title is not None:
                return Submitted(receipt=receipt, box_title=title)
    raise _why_refused(box_id, code, grades)


def _cast_once_more_on_a_dead_connection(box_id: int, digest: str, receipt: str,
                                         marks: dict[int, str]) -> str | None:
    """Kept connections are not checked before each request (settings: no health check), so
    after a database restart the first write on one fails; it is then made once more on a new
    connection. That is safe because the code is the idempotency key: if the failed attempt had
    in fact committed, the second claims nothing and the rater is told the sheet is recorded."""
    try:
        return cast(box_id=box_id, digest=digest, receipt=receipt, marks=marks)
    except (InterfaceError, OperationalError):
        if connection.in_atomic_block:  # a caller's transaction is lost with the connection
            raise
        connection.close()
        return cast(box_id=box_id, digest=digest, receipt=receipt, marks=marks)


def _why_refused(box_id: int, code: str, grades: Mapping[str, str]) -> BallotRefused:
    """Why a sheet was not counted, checked in the order a rater can act on. Every state it
    reads only moves towards refusal (open → closed, unused → used or void)."""
    found = _box_sheet(box_id)
    if found is None:
        return BallotRefused("unknown", "测评不存在")
    status, _, candidates = found
    if status == BoxStatus.DRAFT:
        return BallotRefused("not_open", "测评尚未开始")
    if status == BoxStatus.CLOSED:
        return BallotRefused("closed", "测评已结束，不再接受提交")
    try:
        _validate_marks(candidates, grades)
    except BallotRefused as exc:
        return exc
    void = Code.objects.filter(box_id=box_id, digest__in=code_digests(box_id, code)).values_list(
        "void", flat=True).first()
    if void is None:  # a used code has no row left: it cannot be told from a mistyped one
        return BallotRefused("used", _REFUSED_SPENT)
    if void:
        return BallotRefused("void", "该票码已作废")
    return BallotRefused("retry", "提交未成功，请再提交一次")


_REFUSED_SPENT = ("票码无效或已提交：如您已提交过，测评票已记录，无需重复提交；"
                  "否则请核对票码后重新输入")


RECEIPT_LENGTH = 10


def _receipt() -> str:
    """10 characters of ALPHABET (32 = 2^5 letters) from 50 random bits, drawn at once."""
    bits = int.from_bytes(secrets.token_bytes(7))
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(RECEIPT_LENGTH))


@transaction.atomic
def codes_void_unused(*, actor: Any, box: Box) -> int:
    """Void every code not yet used (e.g. a lost code sheet); they will be refused. With none
    left to void it is refused, so a repeated request writes nothing, not even to the trail."""
    _require_manage(actor, box.owner_body)
    n = Code.objects.filter(box=box, void=False).update(void=True)
    if n == 0:
        raise ValidationError("没有可作废的未使用票码")
    change_record(actor=actor, action="update", obj=box, after={"作废未使用票码": n})
    return n


@dataclass(frozen=True)
class Audit:
    """The box's counts. `used` is issued − the code rows left (a used code's row is gone)."""

    issued: int
    void: int
    used: int
    ballots: int
    counted: int  # ballots that carry a mark for every candidate

    @property
    def consistent(self) -> bool:
        return self.issued >= self.used >= 0 and self.used == self.ballots == self.counted
