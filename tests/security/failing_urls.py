"""A URLconf with one view that fails, to show the URL walk catches a server error."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def fails(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(1 / 0))


urlpatterns = [path("fails/", fails)]
