"""The whole catalogue's list, paged by the database.

Oscar 4 draws its catalogue through haystack, and haystack's simple backend (the only one
that needs no Solr or Elasticsearch server) lists nothing when no words are searched. This
list is what oscar 3's ``SimpleProductSearchHandler`` did without a search server: the
browsable products, newest first, ``OSCAR_PRODUCTS_PER_PAGE`` a page, drawn by oscar's own
``catalogue/browse.html`` template.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")


@dataclass(frozen=True)
class Hit:
    """A product as the template expects a search hit: ``hit.object``."""

    object: Any


class CatalogueView(ListView):  # type: ignore[type-arg]
    template_name = "oscar/catalogue/browse.html"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE

    def get_queryset(self) -> Any:
        return Product.objects.browsable().base_queryset().order_by("-date_created")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["products"] = [Hit(p) for p in context["page_obj"].object_list]
        context["summary"] = _("All products")
        return context
