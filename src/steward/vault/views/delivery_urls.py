"""Where a recipient fetches an encrypted package (``/deliveries/``)."""

from django.urls import URLPattern, path

from steward.vault.views.delivery import delivery_page

urlpatterns: list[URLPattern] = [
    path("<str:token>/", delivery_page, name="delivery-page"),
]
