from django.urls import path

from dangjian.assessment.views import conduct, outputs, scheme

app_name = "assessment"
urlpatterns = [
    path("", conduct.home, name="home"),
    path("scheme/", scheme.scheme_page, name="scheme"),
    path("scheme/create/", scheme.scheme_create_view, name="scheme_create"),
    path("scheme/<int:pk>/publish/", scheme.scheme_publish_view, name="scheme_publish"),
    path("scheme/<int:pk>/replay/", scheme.scheme_replay, name="scheme_replay"),
    path("scheme/<int:pk>/weight/", scheme.scheme_weight_view, name="scheme_weight"),
    path("sets/<int:pk>/indicators/new/", scheme.indicator_add_view, name="indicator_add"),
    path("sets/<int:pk>/thresholds/", scheme.thresholds_view, name="thresholds_save"),
    path("indicators/<int:pk>/edit/", scheme.indicator_edit_view, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", scheme.indicator_delete_view, name="indicator_delete"),
    path("teams/", conduct.teams, name="teams"),
    path("teams/new/", conduct.team_create_view, name="team_create"),
    path("observations/", conduct.observations, name="observations"),
    path("<int:pk>/", conduct.dept, name="dept"),
    path("<int:pk>/hearings/", conduct.hearing_add_view, name="hearing_add"),
    path("<int:pk>/interviews/", conduct.interviews, name="interviews"),
    path("<int:pk>/site-visits/", conduct.site_visit_add_view, name="site_visit_add"),
    path("site-visits/<int:pk>/", conduct.site_visit, name="site_visit"),
    path("<int:pk>/poll/", conduct.poll_create_view, name="poll_create"),
    path("<int:pk>/score/<str:kind>/<int:person>/", conduct.score, name="score"),
    path("<int:pk>/judge/", conduct.judge, name="judge"),
    path("<int:pk>/explain/<str:kind>/<int:person>/", conduct.explain, name="explain"),
    path("<int:pk>/feedback/", outputs.feedback, name="feedback"),
    path("<int:pk>/feedback/send/", outputs.feedback_send, name="feedback_send"),
    path("<int:pk>/feedback/ack/", outputs.feedback_ack, name="feedback_ack"),
    path("<int:pk>/feedback.docx", outputs.feedback_docx_view, name="feedback_docx"),
    path("feedback.zip", outputs.feedback_zip_view, name="feedback_zip"),
    path("report/", outputs.report, name="report"),
    path("report/issue/", outputs.report_issue_view, name="report_issue"),
    path("report.docx", outputs.report_docx_view, name="report_docx"),
    path("results.xlsx", outputs.results_xlsx_view, name="results_xlsx"),
]
