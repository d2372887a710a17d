"""Server-rendered pages: public intake forms and staff pages. No JavaScript framework."""
