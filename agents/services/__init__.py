"""Every write goes through a service: the console, API, admin, commands and jobs alike.

One module per area; each service is one transaction, named after the button an
operator presses. Import the module: `from agents.services import releases`, then
`releases.release_version(...)`. See `base.py` for locking and history.
"""
