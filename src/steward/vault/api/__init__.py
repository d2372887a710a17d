"""The HTTP API (django-ninja). It goes through the same access service as the pages."""
