"""The policy's four-grade scale: 好/较好/一般/差 (二(一)2(3), 二(二)2(2))."""

from django.db import models


class Grade(models.TextChoices):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


GRADE_ORDER = [Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.POOR]
