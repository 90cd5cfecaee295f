"""党建考核's notifications. A 党组's feedback to sign for is a stored task (services.feedback)."""

from __future__ import annotations

from dangjian.notify.registry import events

events("党建考核", {
    "assessment.feedback_sent": "收到党建考核反馈意见",
    "assessment.feedback_acknowledged": "党组已签收反馈意见",
})
