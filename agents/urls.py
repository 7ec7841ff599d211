"""The console's pages: each view declares its address (`agents/views/routes.py`);
an agent's pages hang under `agents/<public_id>/` once. Every name lives in the
`agents` namespace (`agents:release`)."""

import importlib
import pkgutil

from django.urls import include, path

from agents import views
from agents.views import routes

for _module in pkgutil.iter_modules(views.__path__):  # each module declares its pages
    importlib.import_module(f"{views.__name__}.{_module.name}")

app_name = "agents"

urlpatterns = [
    path("", include(routes.pages.patterns())),
    path("agents/<str:public_id>/", include(routes.agent_pages.patterns())),
]
