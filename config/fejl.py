"""Danish error pages that reveal nothing about the system."""

from django.shortcuts import render


def csrf_fejl(request, reason: str = ""):
    return render(request, "403_csrf.html", status=403)
