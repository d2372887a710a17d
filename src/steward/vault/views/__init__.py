"""Server-rendered pages: public intake forms and staff pages. No JavaScript framework.

The server reaches the pages through their URL maps (``intake_urls``, ``staff_urls``),
which Django imports by name; no other layer imports from here.
"""

__all__: list[str] = []
