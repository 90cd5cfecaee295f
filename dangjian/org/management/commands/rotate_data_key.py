"""`dangjian rotate-data-key`: after DATA_KEY is given a new value (the former one moved to
DATA_KEY_FALLBACKS), reseal every ID number under the new key and recompute its digest; then
the fallback can be dropped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dangjian.core.crypto import SealBroken
from dangjian.org.services.people import person_id_numbers_reseal


class Command(BaseCommand):
    help = ("用当前数据密钥 DATA_KEY 重新加密全部身份证号并重算其摘要（读取时也接受 "
            "DATA_KEY_FALLBACKS 中的原密钥）；完成后可删去原密钥")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            resealed, former = person_id_numbers_reseal()
        except SealBroken as exc:
            raise CommandError(f"未做任何改动：有身份证号{exc}。请把原密钥加入 "
                               "DATA_KEY_FALLBACKS 后重试。") from exc
        self.stdout.write(f"已用当前数据密钥重新加密{resealed}条身份证号"
                          f"（其中{former}条原由旧密钥加密）。")
