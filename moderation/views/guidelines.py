from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..selectors.guidelines import site_rules


def site_guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "guidelines.html", {"rules": site_rules()})
