from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from reports.urls import portal_urlpatterns
from sopkinerja.api.api import api, api_not_found
from sopkinerja.health import health
from sopkinerja.password_reset import offered_only
from sopkinerja.second_factor.views import second_factor_setup, second_factor_verify
from sopkinerja.views import PasswordResetRequestView, SignInView, agency_switch

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static_url("favicon.svg"), permanent=True)),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("agency/switch/", agency_switch, name="agency-switch"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Lupa kata sandi: the only reset path (Django's own, under accounts/, had no rate limit);
    # 404 while PASSWORD_RESET_ENABLED is off.
    path("akun/sandi/lupa/", offered_only(PasswordResetRequestView.as_view()), name="password_reset"),
    path("akun/sandi/terkirim/", offered_only(auth_views.PasswordResetDoneView.as_view()), name="password_reset_done"),
    path(
        "akun/sandi/baru/<uidb64>/<token>/",
        offered_only(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "akun/sandi/selesai/",
        offered_only(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    # Issue 18: the second factor (enrolment, verification) and django-otp-webauthn's passkey ceremonies.
    path("akun/faktor-kedua/", second_factor_setup, name="second-factor-setup"),
    path("akun/faktor-kedua/verifikasi/", second_factor_verify, name="second-factor-verify"),
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("admin/", admin.site.urls),
    # Issue 20: the API for other systems (token in a header; docs/api.md), OpenAPI at /api/v1/docs.
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    # Issue 20: the public portal, open to anyone (reports.views.portal).
    path("publik/", include((portal_urlpatterns, "portal"))),
    path("", include("reports.urls")),
    path("", include("workflow.urls")),
]
# Nothing under MEDIA_ROOT is served directly, not even with DEBUG on: evidence and attachments
# go through their download views, which check the login and the agency (docs/files.md).

handler403 = "sopkinerja.views.permission_denied"
