"""The groups app's pages, one module per area (``groups``, ``threads``, ``search``,
``meetings``); ``groups/urls.py`` names them by module."""
