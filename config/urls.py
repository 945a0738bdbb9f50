from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic.base import RedirectView

from config.healthz import healthz
from delaftaler.adgang import vis_paa_siden
from delaftaler.overblik.views import admin_login

admin.site.site_header = "Delaftaler – sekretariatets redigering"
admin.site.site_title = "Delaftaler"
admin.site.index_title = "Helhedsplaner og delaftaler"


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: the static file (whose name
    is hashed in production), for a day at a time."""
    svar = RedirectView.as_view(url=static("delaftaler/favicon.ico"))(request)
    patch_cache_control(svar, public=True, max_age=24 * 3600)
    return svar


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    # »Vis på siden« scoped to the person's helhedsplaner, in place of the admin's own.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(vis_paa_siden),
    ),
    # One login page (/log-ind/, landing on Mit overblik); the admin's form still takes POSTs.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    # The read-only JSON API (delaftaler/api/), before the »<helhedsplan>/« addresses.
    path("api/v1/", include("delaftaler.api.urls")),
    path("", include("delaftaler.urls")),
]
