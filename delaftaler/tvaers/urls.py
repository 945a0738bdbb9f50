from django.urls import path

from delaftaler.tvaers import views

urlpatterns = [
    path("oversigt/", views.tvaers, name="tvaers"),
    path("oversigt/diagram.svg", views.tvaers_diagram, name="tvaers_diagram"),
    path("oversigt/indikator.csv", views.tvaers_eksport, {"format": "csv"}, name="tvaers_csv"),
    path("oversigt/indikator.xlsx", views.tvaers_eksport, {"format": "xlsx"}, name="tvaers_xlsx"),
]
