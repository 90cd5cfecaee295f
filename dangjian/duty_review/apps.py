from django.apps import AppConfig


class DutyReviewConfig(AppConfig):
    name = "dangjian.duty_review"
    verbose_name = "述职评议"
