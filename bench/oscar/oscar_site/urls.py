"""Oscar's storefront at the root, as in its getting-started guide, with the catalogue's list
drawn without a search server (views.py)."""

from django.apps import apps
from django.urls import include, path

from oscar_site.views import CatalogueView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("catalogue/", CatalogueView.as_view(), name="catalogue-list"),
    path("", include(apps.get_app_config("oscar").urls[0])),
]
