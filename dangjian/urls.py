from django.urls import include, path

from dangjian.core.views import healthz

urlpatterns = [
    path("", include("dangjian.core.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("org/", include("dangjian.org.urls")),
    path("trail/", include("dangjian.trail.urls")),
    path("evidence/", include("dangjian.evidence.urls")),
    path("rectification/", include("dangjian.rectification.urls")),
    path("ballots/", include("dangjian.ballots.urls")),
    path("b/", include("dangjian.ballots.urls_public")),
    path("assessment/", include("dangjian.assessment.urls")),
    path("duty-review/", include("dangjian.duty_review.urls")),
    path("responsibility/", include("dangjian.responsibility.urls")),
    path("api/", include("dangjian.api.urls")),
    path("healthz", healthz, name="healthz"),
]
