from django.urls import path

from dangjian.accounts import batch_views, security_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/bulk/", batch_views.users_bulk, name="users_bulk"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/unlock/", views.user_unlock_view, name="user_unlock"),
    path("addresses/unlock/", views.address_unlock_view, name="address_unlock"),
    path("roles/<int:pk>/revoke/", views.role_revoke_view, name="role_revoke"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("password/", security_views.password_change_view, name="password_change"),
    path("otp/", security_views.otp_manage, name="otp_manage"),
    path("otp/setup/", security_views.otp_setup, name="otp_setup"),
    path("otp/verify/", security_views.otp_verify, name="otp_verify"),
    path("users/<int:pk>/password/", security_views.user_password_reset,
         name="user_password_reset"),
    path("users/<int:pk>/otp-reset/", security_views.user_otp_reset, name="user_otp_reset"),
]
