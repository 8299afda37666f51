"""The privacy notice: what we keep about members, what we never show, and how to download or delete it."""

from django.shortcuts import render

from articles.caching import cache_for_readers


@cache_for_readers
def privacy_page(request):
    return render(request, "community/privacy.html")
