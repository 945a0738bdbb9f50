from django.contrib import admin
from django.urls import include, path

from config.healthz import healthz

admin.site.site_header = "Delaftaler – sekretariatets redigering"
admin.site.site_title = "Delaftaler"
admin.site.index_title = "Helhedsplaner og delaftaler"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("delaftaler.urls")),
]
