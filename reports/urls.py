from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("data/", views.figures, name="figures"),
    path("data/<str:period>/", views.figures, name="figures-period"),
    path("bukti/<int:evidence_id>/", views.evidence_download, name="evidence-download"),
    path("bukti/<int:evidence_id>/hapus/", views.evidence_delete, name="evidence-delete"),
    path("dokumen/", views.document_list, name="documents"),
    path("dokumen/<int:request_id>/", views.request_view, name="request"),
    path("dokumen/<int:request_id>/unduh/", views.request_download, name="request-download"),
    path("dokumen/<int:request_id>/tandatangani/", views.request_sign, name="request-sign"),
    path("dokumen/ttd/<int:document_id>/unduh/", views.signed_download, name="signed-download"),
    path("disposisi/<int:disposition_id>/cetak/", views.disposition_print, name="disposition-print"),
    path("verifikasi/<uuid:token>/", views.verify, name="verify"),
]
