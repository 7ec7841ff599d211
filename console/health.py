"""Probes for load balancers and orchestrators (no login, no session)."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@login_not_required
@never_cache
def healthz(request):
    """The process is alive. Touches no database."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
def readyz(request):
    """The database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        return JsonResponse({"status": "unavailable", "error": exc.__class__.__name__}, status=503)
    return JsonResponse({"status": "ok"})
