from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

from sopkinerja.forms import LoginForm
from sopkinerja.health import health
from sopkinerja.views import agency_switch

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static_url("favicon.svg"), permanent=True)),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("agency/switch/", agency_switch, name="agency-switch"),
    path("accounts/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
    path("", include("workflow.urls")),
]
# Nothing under MEDIA_ROOT is served directly, not even with DEBUG on: evidence and attachments
# go through their download views, which check the login and the agency (docs/files.md).

handler403 = "sopkinerja.views.permission_denied"
