from django.urls import path

from dangjian.duty_review.views import meetings, plans, reports

app_name = "duty_review"
urlpatterns = [
    path("", plans.plan_current, name="plan_current"),
    path("plans/create/", plans.plan_create_view, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/generate/", plans.plan_generate_view, name="plan_generate"),
    path("plans/<int:pk>/publish/", plans.plan_publish_view, name="plan_publish"),
    path("plans/<int:pk>/assignments/add/", plans.assignment_add_view, name="assignment_add"),
    path("plans/<int:pk>/meetings/add/", meetings.meeting_create_view, name="meeting_create"),
    path("assignments/<int:pk>/edit/", plans.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/remove/", plans.assignment_remove_view, name="assignment_remove"),
    path("assignments/<int:pk>/letter.docx", meetings.opinion_letter, name="opinion_letter"),
    path("assignments/<int:pk>/evaluate/", meetings.county_evaluate_view,
         name="county_evaluate"),
    path("mine/", reports.my_reports, name="my_reports"),
    path("queue/", reports.review_queue, name="review_queue"),
    path("queue/batch/", reports.review_batch_view, name="review_batch"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/save/", reports.report_save_view, name="report_save"),
    path("reports/<int:pk>/transition/", reports.report_transition_view,
         name="report_transition"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit_view, name="meeting_edit"),
    path("meetings/<int:pk>/remarks/", meetings.remark_add_view, name="remark_add"),
    path("meetings/<int:pk>/results/", meetings.meeting_results, name="meeting_results"),
    path("meetings/<int:pk>/tally.xlsx", meetings.meeting_tally, name="meeting_tally"),
    path("meetings/<int:pk>/notice.docx", meetings.meeting_notice, name="meeting_notice"),
    path("meetings/<int:pk>/rectify/", meetings.meeting_rectify, name="meeting_rectify"),
]
