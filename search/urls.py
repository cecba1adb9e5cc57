from django.urls import re_path

from search.api import AutocompleteView, VendorSearchView

urlpatterns = [
    re_path(r"^search/vendors/?$", VendorSearchView.as_view(), name="search-vendors"),
    re_path(r"^search/autocomplete/?$", AutocompleteView.as_view(), name="search-autocomplete"),
]
