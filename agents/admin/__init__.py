"""The Django admin for support staff, one module per area (the same areas as the
rest of the code), the shared view-only pieces in `support.py`.

Writes go through agents/services/ like everywhere else; versions and release
events are read-only here (and everywhere). Importing this package registers
every model admin.
"""

from agents.admin import (  # noqa: F401  (each module registers its model admins)
    agents,
    channels,
    conversations,
    evals,
    history,
    releases,
    revisions,
    rollouts,
    tokens,
    versions,
    webhooks,
)
