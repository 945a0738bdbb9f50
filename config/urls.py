from django.contrib import admin
from django.urls import include, path

from config.healthz import healthz
from delaftaler.adgang import vis_paa_siden

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
    path("admin/", admin.site.urls),
    path("", include("delaftaler.urls")),
]
