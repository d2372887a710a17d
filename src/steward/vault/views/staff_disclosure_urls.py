"""Staff pages of disclosures (``/staff/disclosures/``): open, approve or refuse, deliver."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
