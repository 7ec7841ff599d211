from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from mozilla_django_oidc import views as oidc

from agents.api import api
from console.health import healthz, readyz
from console.login import LoginPage, single_sign_on

urlpatterns = [
    # The runtime API first: it is resolved on every runtime request.
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        LoginPage.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "oidc/authenticate/",
        single_sign_on(oidc.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        single_sign_on(oidc.OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    # Pages that name no icon of their own (the API docs) still get ours.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg"))),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("agents.urls")),
]
