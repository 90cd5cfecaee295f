"""`dangjian verify-trail`: the complete check (`verify_everything`): every hash chain (or the
named ones) recomputed, then every module's records held against their chained entries and
their derived figures checked; `--files` reads every evidence file too. Names the first record
that does not match and exits non-zero. `--checkpoint` checks a code printed on a report."""

from __future__ import annotations

import re
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.trail.services import checkpoint_check
from dangjian.trail.verification import FINISHED, Finding, Report, verify_everything
from dangjian.trail.witness import witness_path

CODE = re.compile(r"^(?P<chain>[^#]+)#(?P<seq>\d+):(?P<digest>[0-9a-fA-F]{64})$")


def describe(f: Finding) -> str:
    at = f"{f.chain} 第{f.seq}条" if f.seq else f.chain
    return f"[{f.check}] {at}  {f.record}：{f.problem}"


class Command(BaseCommand):
    help = ("校验留痕（SM3）：重算每条链，并将各模块的记录与其留痕逐条比对、核对派生数据；"
            "指出第一条不符的记录")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", action="append", default=[],
                            help="只校验这条链（可多次给出），默认校验全部")
        parser.add_argument("--checkpoint", action="append", default=[],
                            help="核对打印在报表上的检查点，格式：链#序号:摘要")
        parser.add_argument("--files", action="store_true",
                            help="同时读取每个佐证文件，重算其SM3摘要")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        first = ""
        for code in options["checkpoint"]:
            match = CODE.match(code.strip())
            if match is None:
                raise CommandError(f"检查点格式应为 链#序号:摘要，收到：{code}")
            result = checkpoint_check(chain=match["chain"], seq=int(match["seq"]),
                                      digest=match["digest"])
            if not result.ok:
                failed += 1
                first = first or f"检查点 {code}：{result.message}"
            self.stdout.write(f"{'一致' if result.ok else '不符'}  {code}  {result.message}")
        if options["chain"] or not options["checkpoint"]:
            report = verify_everything(files=options["files"], chains=options["chain"] or None,
                                       progress=self._progress())
            self._print(report)
            if not report.ok:
                failed += len(report.findings) + report.more
                if report.first is not None:
                    first = first or describe(report.first)
        if failed:
            raise CommandError(f"{failed}项校验不通过；第一处不符：{first}")
        self.stdout.write(self.style.SUCCESS("全部校验通过"))

    def _progress(self) -> Any:
        state: dict[str, Any] = {"stage": "", "at": 0.0}

        def show(stage: str, done: int, total: int) -> None:
            now = time.monotonic()
            if stage == FINISHED:
                return
            if stage == state["stage"] and now - state["at"] < 2 and done < total:
                return
            if stage != state["stage"]:
                self.stdout.write(f"正在{stage}……" if stage.startswith("重算")
                                  else f"正在核对{stage}……")
            elif total:
                self.stdout.write(f"  {stage}：{done}/{total}")
            state.update(stage=stage, at=now)

        return show

    def _print(self, report: Report) -> None:
        for v in report.chains:
            if v.ok:
                self.stdout.write(f"完好  {v.chain}  {v.checked}条")
            else:
                self.stdout.write(f"不符  {v.chain}  已核对{v.checked}条，"
                                  f"第{v.first_bad_seq}条：{v.problem}")
        for c in report.checks:
            self.stdout.write(f"{c.label}：核对{c.checked}条，"
                              + (f"{c.bad}处不符" if c.bad else "全部相符"))
        self.stdout.write(f"见证文件：{witness_path()}")
        if report.files:
            self.stdout.write("已读取佐证文件并重算SM3摘要")
        for f in report.findings:
            self.stdout.write(f"不符  {describe(f)}")
        if report.more:
            self.stdout.write(f"……另有{report.more}处不符未列出")
