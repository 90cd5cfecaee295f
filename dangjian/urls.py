from django.urls import include, path

from dangjian.core.views import healthz

urlpatterns = [
    # First: a rater's sheet is the busiest request (a hall of phones at once); resolved first,
    # it is not tried against every other pattern.
    path("b/", include("dangjian.ballots.urls_public")),
    path("", include("dangjian.core.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("org/", include("dangjian.org.urls")),
    path("trail/", include("dangjian.trail.urls")),
    path("security/", include("dangjian.security.urls")),
    path("jobs/", include("dangjian.jobs.urls")),
    path("evidence/", include("dangjian.evidence.urls")),
    path("rectification/", include("dangjian.rectification.urls")),
    path("ballots/", include("dangjian.ballots.urls")),
    path("assessment/", include("dangjian.assessment.urls")),
    path("duty-review/", include("dangjian.duty_review.urls")),
    path("responsibility/", include("dangjian.responsibility.urls")),
    path("api/", include("dangjian.api.urls")),
    path("healthz", healthz, name="healthz"),
]
