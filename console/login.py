"""Logging in: the password form (with single sign-on on, a superuser's break glass
when local passwords are off) and the OpenID Connect steps."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404


class LoginPage(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": bool(settings.OIDC_RP_CLIENT_ID),
            "sso_provider": settings.OIDC_PROVIDER_NAME,
            "local_passwords": settings.LOCAL_PASSWORDS,
        }


def single_sign_on(view):
    """A step of the OpenID Connect login: open to anyone, and 404 while single sign-on
    is not configured (OIDC_RP_CLIENT_ID unset)."""

    @login_not_required
    def step(request, *args, **kwargs):
        if not settings.OIDC_RP_CLIENT_ID:
            raise Http404("Single sign-on is not configured.")
        return view(request, *args, **kwargs)

    return step
