from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Delaftaler – sekretariatets redigering"
admin.site.site_title = "Delaftaler"
admin.site.index_title = "Helhedsplaner og delaftaler"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
