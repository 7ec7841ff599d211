"""The console: thin views, one module per area (fetch, form, service, response).

Shared helpers and the htmx event names are in `htmx.py`.
"""
