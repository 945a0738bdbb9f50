from django.contrib import admin
from django.urls import include, path

from config.healthz import healthz
from delaftaler.adgang import vis_paa_siden
from delaftaler.overblik.views import admin_login

admin.site.site_header = "Delaftaler – sekretariatets redigering"
admin.site.site_title = "Delaftaler"
admin.site.index_title = "Helhedsplaner og delaftaler"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # »Vis på siden« scoped to the person's helhedsplaner, in place of the admin's own.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(vis_paa_siden),
    ),
    # One login page (/log-ind/, landing on Mit overblik); the admin's form still takes POSTs.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("", include("delaftaler.urls")),
]
