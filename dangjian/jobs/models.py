"""A background job as its owner sees it: what was asked, where it is, and how it ended."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


ACTIVE = (JobState.QUEUED, JobState.RUNNING)


def _upload_to(job: Job, name: str) -> str:
    return f"jobs/uploads/{name}"


def _output_to(job: Job, name: str) -> str:
    return f"jobs/outputs/{name}"


class Job(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="jobs", verbose_name="提交人")
    kind = models.CharField("类型", max_length=64)
    label = models.CharField("名称", max_length=200)
    params = models.JSONField("参数", default=dict, blank=True)
    key = models.CharField("去重键", max_length=200)
    state = models.CharField("状态", max_length=10, choices=JobState.choices,
                             default=JobState.QUEUED)
    stage = models.CharField("阶段", max_length=100, blank=True)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    result = models.JSONField("结果", null=True, blank=True)
    error = models.TextField("失败原因", blank=True)
    upload = models.FileField("上传文件", upload_to=_upload_to, blank=True, max_length=300)
    upload_name = models.CharField("上传文件名", max_length=200, blank=True)
    output = models.FileField("结果文件", upload_to=_output_to, blank=True, max_length=300)
    output_name = models.CharField("结果文件名", max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    worker = models.CharField("执行进程", max_length=200, blank=True)
    task_id = models.CharField("队列任务", max_length=64, blank=True)
    created = models.DateTimeField("提交时间", auto_now_add=True)
    started = models.DateTimeField("开始时间", null=True, blank=True)
    finished = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat = models.DateTimeField("最近心跳", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["owner", "-created"]),
                   models.Index(fields=["state", "heartbeat"])]
        constraints = [
            # A double click runs once: one queued-or-running job per (owner, kind, key).
            models.UniqueConstraint(fields=["owner", "kind", "key"],
                                    condition=Q(state__in=["queued", "running"]),
                                    name="jobs_one_active_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.get_state_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", kwargs={"pk": self.pk})

    @property
    def finished_state(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def waiting_long(self) -> bool:
        """Queued for over a minute: no worker may be running."""
        return self.state == JobState.QUEUED and self.created is not None and (
            timezone.now() - self.created).total_seconds() > 60

    @property
    def elapsed(self) -> int:
        """Seconds since it started (to its end, once ended)."""
        if self.started is None:
            return 0
        return max(0, int(((self.finished or timezone.now()) - self.started).total_seconds()))

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    def save_output(self, name: str, data: bytes) -> None:
        """Keep a downloadable result file (from inside the job body)."""
        self.output.save(f"{self.pk}-{_safe(name)}", ContentFile(data), save=False)
        self.output_name = name
        Job.objects.filter(pk=self.pk).update(output=self.output.name, output_name=name)


def _safe(name: str) -> str:
    ext = name.rsplit(".", 1)[-1] if "." in name else "bin"
    return f"output.{ext[:10]}"


class DailyRun(models.Model):
    """A daily kind submitted for a day: the row's uniqueness makes it once a day, even with
    two workers."""

    name = models.CharField(max_length=64)
    day = models.DateField()
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="jobs_daily_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.day:%Y-%m-%d}"
