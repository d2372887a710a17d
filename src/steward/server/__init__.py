"""The Django project that serves the vault: settings, URLs, WSGI, middleware."""
