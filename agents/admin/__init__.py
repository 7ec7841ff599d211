"""The Django admin for support staff, one module per area (the same areas as the
rest of the code), the shared view-only pieces in `support.py`.

Writes go through agents/services/ like everywhere else; versions and release
events are read-only here (and everywhere). Importing this package registers
every model admin.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):  # each module registers its model admins
    importlib.import_module(f"{__name__}.{_module.name}")
