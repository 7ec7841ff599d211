"""What a locked-out login sees (django-axes calls `locked_out`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render


def locked_out(request, credentials=None, *args, **kwargs):
    """The login page again, saying why and for how long, with status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request)
    message = (
        f"Too many failed logins for this account or from this address. Try again in "
        f"{minutes} minutes, or ask an administrator to unlock it."
    )
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": message, "next": request.POST.get("next", "")},
        status=429,
    )
