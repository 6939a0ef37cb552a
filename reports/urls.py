from django.urls import path

from reports.views import documents as views
from reports.views import figures as views_figures
from reports.views import keys as views_keys
from reports.views import portal as views_portal

app_name = "reports"
urlpatterns = [
    path("data/", views_figures.figures, name="figures"),
    path("data/<str:period>/", views_figures.figures, name="figures-period"),
    path("data/<str:period>/unit/<int:unit_id>/", views_figures.figures_unit, name="figures-unit"),
    path(
        "data/<str:period>/unit/<int:unit_id>/capaian/<int:indicator_id>/",
        views_figures.capaian_cell,
        name="figures-capaian",
    ),
    path("data/<str:period>/unit/<int:unit_id>/kirim/", views_figures.figures_submit, name="figures-submit"),
    path("data/<str:period>/unit/<int:unit_id>/excel/", views_figures.figures_excel, name="figures-excel"),
    path("data/kiriman/<int:submission_id>/setujui/", views_figures.submission_approve, name="submission-approve"),
    path("data/kiriman/<int:submission_id>/kembalikan/", views_figures.submission_return, name="submission-return"),
    path("target/<int:year>/", views_figures.targets, name="targets"),
    path("target/<int:year>/excel/", views_figures.targets_excel, name="targets-excel"),
    path("target/<int:year>/kunci/", views_figures.targets_lock, name="targets-lock"),
    path("bukti/<int:evidence_id>/", views.evidence_download, name="evidence-download"),
    path("bukti/<int:evidence_id>/hapus/", views.evidence_delete, name="evidence-delete"),
    path("dokumen/", views.document_list, name="documents"),
    path("dokumen/lkjip/<int:year>/excel/", views_figures.lkjip_excel, name="lkjip-excel"),
    path("dokumen/<int:request_id>/", views.request_view, name="request"),
    path("dokumen/<int:request_id>/unduh/", views.request_download, name="request-download"),
    path("dokumen/<int:request_id>/tandatangani/", views.request_sign, name="request-sign"),
    path("dokumen/<int:request_id>/tarik/", views.request_withdraw, name="request-withdraw"),
    path("dokumen/ttd/<int:document_id>/unduh/", views.signed_download, name="signed-download"),
    path("dokumen/publikasi/", views.publications, name="publications"),
    path("dokumen/publikasi/<int:document_id>/terbitkan/", views.publication_publish_view, name="publication-publish"),
    path("dokumen/publikasi/<int:document_id>/tarik/", views.publication_withdraw_view, name="publication-withdraw"),
    path("disposisi/<int:disposition_id>/cetak/", views.disposition_print, name="disposition-print"),
    path("verifikasi/<uuid:token>/", views.verify, name="verify"),
    path("kunci/", views_keys.signing_keys, name="signing-keys"),
    path("kunci/<int:employee_id>/pasang/", views_keys.signing_key_install_view, name="signing-key-install"),
    path("kunci/<int:employee_id>/demo/", views_keys.signing_key_demo_view, name="signing-key-demo"),
]

# The public portal (no login), included under /publik/ with the namespace "portal" (sopkinerja.urls).
portal_urlpatterns = [
    path("", views_portal.portal_index, name="index"),
    path("pemerintah/<int:government_id>/", views_portal.government, name="government"),
    path("opd/<slug:slug>/", views_portal.office, name="office"),
    path("dokumen/<uuid:token>/", views_portal.document, name="document"),
    path("dokumen/<uuid:token>/unduh/", views_portal.download, name="download"),
]
