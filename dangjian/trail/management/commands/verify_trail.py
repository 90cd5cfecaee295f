"""`dangjian verify-trail`: recompute every hash chain (or the named ones) and name the first
record that does not match; optionally check a printed checkpoint code."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.trail.services import chain_names, checkpoint_check, trail_verify

CODE = re.compile(r"^(?P<chain>[^#]+)#(?P<seq>\d+):(?P<digest>[0-9a-fA-F]{64})$")


class Command(BaseCommand):
    help = "校验留痕链（SM3）：逐条重算摘要，指出第一条不符的记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", action="append", default=[],
                            help="只校验这条链（可多次给出），默认校验全部")
        parser.add_argument("--checkpoint", action="append", default=[],
                            help="核对打印在报表上的检查点，格式：链#序号:摘要")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for code in options["checkpoint"]:
            match = CODE.match(code.strip())
            if match is None:
                raise CommandError(f"检查点格式应为 链#序号:摘要，收到：{code}")
            result = checkpoint_check(chain=match["chain"], seq=int(match["seq"]),
                                      digest=match["digest"])
            failed += not result.ok
            self.stdout.write(f"{'一致' if result.ok else '不符'}  {code}  {result.message}")
        chains = options["chain"] or ([] if options["checkpoint"] else chain_names())
        for chain in chains:
            v = trail_verify(chain=chain)
            if v.ok:
                self.stdout.write(f"完好  {chain}  {v.checked}条")
            else:
                failed += 1
                self.stdout.write(f"不符  {chain}  已核对{v.checked}条，"
                                  f"第{v.first_bad_seq}条：{v.problem}")
        if failed:
            raise CommandError(f"{failed}项校验不通过")
        self.stdout.write(self.style.SUCCESS("全部校验通过"))
