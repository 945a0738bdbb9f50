"""Mit overblik and logging in and out (names in the delaftaler namespace). »overblik«,
»log-ind« and »log-ud« are reserved helhedsplan slugs."""

from django.urls import path

from delaftaler.overblik import views

urlpatterns = [
    path("overblik/", views.overblik, name="overblik"),
    path("log-ind/", views.log_ind, name="log_ind"),
    path("log-ud/", views.log_ud, name="log_ud"),
]
