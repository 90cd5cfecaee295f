"""The complete check of the trail: the signed checkpoints read and held against the witness
file, every chain recomputed (`trail_verify`) against the checkpoints trusted, then every
registered verifier holds its module's records against their chained entries, checks the
figures derived from them and, when asked, the evidence files' digests.

The engine knows no module: a module registers a verifier (from its AppConfig.ready()).
The command, the pages' background job and any service all run `verify_everything`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Sum

from dangjian.trail.checkpoints import Anchors, trusted_checkpoints
from dangjian.trail.models import ChainHead, TrailEntry
from dangjian.trail.services import Verification, chain_names, trail_verify

# stage (in Chinese), done, total
ProgressFn = Callable[[str, int, int], None]
CHAIN_CHECK = "留痕链"
CHECKPOINT_CHECK = "检查点"
FINISHED = "校验完成"  # the last stage reported: done = total = everything checked


@dataclass(frozen=True)
class Finding:
    """One record that does not match: which check found it, where on which chain, what."""

    check: str
    chain: str
    seq: int | None
    record: str
    problem: str
    url: str = ""


@dataclass(frozen=True)
class Located:
    """A chain entry named as the record people read (for a broken chain's first bad entry)."""

    record: str
    url: str = ""


@dataclass
class Context:
    """What a verifier is handed: the chain results already computed (reuse, do not redo),
    the chains asked for, whether to read evidence files, and a progress callback."""

    files: bool
    chains: dict[str, Verification]
    only: frozenset[str] | None
    progress: Callable[[int, int], None]

    def wants(self, chain: str) -> bool:
        return self.only is None or chain in self.only

    def chain(self, chain: str) -> Verification:
        """The chain's result from the first pass (computed now if it was not part of it)."""
        if chain not in self.chains:
            self.chains[chain] = trail_verify(chain=chain)
        return self.chains[chain]

    def verified_upto(self, chain: str) -> int:
        """The last sequence number whose entry (and every one before it) is intact."""
        result = self.chain(chain)
        return result.checked if result.ok else max((result.first_bad_seq or 1) - 1, 0)


CheckFn = Callable[[Context], Iterable[Finding]]
LocateFn = Callable[[str, int], Located | None]


@dataclass(frozen=True)
class Verifier:
    name: str
    label: str
    check: CheckFn
    locate: LocateFn | None = None


_VERIFIERS: dict[str, Verifier] = {}


def register_verifier(name: str, *, label: str, check: CheckFn,
                      locate: LocateFn | None = None) -> None:
    """Register `check(ctx) -> findings` under `name` (a second registration of the same
    name replaces the first). `locate(chain, seq)` names the record behind a chain entry,
    for the chains the module owns (None for the others)."""
    _VERIFIERS[name] = Verifier(name, label, check, locate)


def verifiers() -> list[Verifier]:
    return list(_VERIFIERS.values())


@dataclass(frozen=True)
class CheckSummary:
    name: str
    label: str
    checked: int
    bad: int


@dataclass
class Report:
    files: bool
    chains: list[Verification] = field(default_factory=list)
    checks: list[CheckSummary] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    more: int = 0  # findings left off beyond the limit

    @property
    def ok(self) -> bool:
        return not self.findings and not self.more

    @property
    def entries(self) -> int:
        return sum(c.checked for c in self.chains)

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "files": self.files, "entries": self.entries,
                "chains": [asdict(c) for c in self.chains],
                "checks": [asdict(c) for c in self.checks],
                "findings": [asdict(f) for f in self.findings], "more": self.more}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(files=bool(data.get("files")),
                   chains=[Verification(**c) for c in data.get("chains", [])],
                   checks=[CheckSummary(**c) for c in data.get("checks", [])],
                   findings=[Finding(**f) for f in data.get("findings", [])],
                   more=int(data.get("more", 0)))


def locate(chain: str, seq: int) -> Located:
    """The record behind a chain entry: as its module names it, else as the entry does."""
    for v in _VERIFIERS.values():
        found = v.locate(chain, seq) if v.locate else None
        if found is not None:
            return found
    entry = TrailEntry.objects.filter(chain=chain, seq=seq).first()
    if entry is None:
        return Located(f"第{seq}条留痕")
    return Located(f"{entry.subject_label}（{entry.subject_type} 编号{entry.subject_id}）")


def _chain_finding(result: Verification) -> Finding:
    seq = result.first_bad_seq
    where = locate(result.chain, seq) if seq else Located("")
    return Finding(CHAIN_CHECK, result.chain, seq, where.record, result.problem, where.url)


def _verify_chains(names: list[str], progress: ProgressFn,
                   anchors: Anchors) -> Iterator[Verification]:
    total = ChainHead.objects.filter(chain__in=names).aggregate(n=Sum("seq"))["n"] or 0
    done = 0
    progress(f"重算{CHAIN_CHECK}", 0, total)
    for name in names:
        base = done

        def tell(n: int, base: int = base) -> None:
            progress(f"重算{CHAIN_CHECK}", base + n, total)

        result = trail_verify(chain=name, on_progress=tell, marks=anchors.marks.get(name, {}))
        done += result.checked
        progress(f"重算{CHAIN_CHECK}", done, max(total, done))
        yield result


def verify_everything(*, files: bool = False, chains: list[str] | None = None,
                      progress: ProgressFn | None = None, limit: int = 200) -> Report:
    """Every chain's hash chain (or the named ones), then every registered verifier.
    Keeps the first `limit` findings (each verifier names the first mismatch per chain)."""
    tell: ProgressFn = progress or (lambda stage, done, total: None)
    tell(CHECKPOINT_CHECK, 0, 0)
    anchors = trusted_checkpoints(chains or None)
    names = chains if chains else sorted({*chain_names(), *anchors.marks})
    report = Report(files=files)

    def keep(finding: Finding) -> int:
        if len(report.findings) < limit:
            report.findings.append(finding)
        else:
            report.more += 1
        return 1

    bad = sum(keep(Finding(CHECKPOINT_CHECK, p.chain, p.seq, p.record, p.problem))
              for p in anchors.problems)
    report.checks.append(CheckSummary("checkpoints", CHECKPOINT_CHECK, anchors.checked, bad))
    for result in _verify_chains(names, tell, anchors):
        report.chains.append(result)
        if not result.ok:
            keep(_chain_finding(result))
    ctx_chains = {r.chain: r for r in report.chains}
    only = frozenset(chains) if chains else None
    for v in _VERIFIERS.values():
        tell(v.label, 0, 0)
        counted = {"done": 0}

        def tick(done: int, total: int, label: str = v.label, c: dict[str, int] = counted
                 ) -> None:
            c["done"] = done
            tell(label, done, total)

        ctx = Context(files=files, chains=ctx_chains, only=only, progress=tick)
        bad = sum(keep(f) for f in v.check(ctx))
        report.checks.append(CheckSummary(v.name, v.label, counted["done"], bad))
    checked = report.entries + sum(c.checked for c in report.checks)
    tell(FINISHED, checked, checked)
    return report
