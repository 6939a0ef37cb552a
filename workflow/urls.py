from django.urls import path

from workflow.views import editor as views_editor
from workflow.views import evaluation as views_evaluation
from workflow.views import exchange as views_exchange
from workflow.views import messages as views_messages
from workflow.views import profile as views_profile
from workflow.views import runs as views
from workflow.views import telegram as views_telegram

app_name = "workflow"
urlpatterns = [
    path("", views.home, name="home"),
    path("profil/", views_profile.profile, name="profile"),
    path("profil/whatsapp/", views_profile.phone_number, name="profile-phone"),
    path("profil/whatsapp/kode/", views_profile.phone_code, name="profile-phone-code"),
    path("profil/telegram/", views_profile.telegram_link, name="profile-telegram"),
    path("profil/hapus/<str:kind>/", views_profile.contact_remove, name="profile-contact-remove"),
    path("profil/pemberitahuan/", views_profile.preferences, name="profile-preferences"),
    path("pemberitahuan/templat/", views_messages.message_templates, name="message-templates"),
    path("telegram/webhook/", views_telegram.telegram_webhook, name="telegram-webhook"),
    path("sop/", views_editor.sop_index, name="sop-list"),
    path("sop/baru/", views_editor.sop_new, name="sop-new"),
    path("sop/<int:version_id>/", views.sop_detail, name="sop-detail"),
    path("sop/<int:version_id>/monitoring/", views_evaluation.sop_monitoring, name="sop-monitoring"),
    path("sop/<int:version_id>/evaluasi/", views_evaluation.sop_evaluation, name="sop-evaluation"),
    path("monitoring/", views_evaluation.monitoring_list, name="monitoring"),
    path("sop/<int:version_id>/unduh/<str:kind>/", views_exchange.sop_download, name="sop-download"),
    path("sop/templat.xlsx", views_exchange.sop_template, name="sop-template"),
    path("sop/impor/", views_exchange.sop_import, name="sop-import"),
    path("sop/<int:version_id>/ubah/", views_editor.sop_edit, name="sop-edit"),
    path("sop/<int:version_id>/pratinjau/", views_editor.sop_preview, name="sop-preview"),
    path("sop/<int:version_id>/langkah-baru/", views_editor.sop_step_add, name="sop-step-add"),
    path("sop/<int:version_id>/revisi/", views_editor.sop_revise, name="sop-revise"),
    path("sop/<int:version_id>/ajukan/", views_editor.sop_submit, name="sop-submit"),
    path("sop/<int:version_id>/hapus/", views_editor.sop_delete, name="sop-delete"),
    path("sop/<int:version_id>/riwayat/", views_editor.sop_history, name="sop-history"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:run_id>/", views.run_view, name="run-detail"),
    path("runs/<int:run_id>/cancel/", views.run_cancel, name="run-cancel"),
    path("steps/<int:run_step_id>/submit/", views.step_submit, name="step-submit"),
    path("steps/<int:run_step_id>/approve/", views.step_approve, name="step-approve"),
    path("steps/<int:run_step_id>/return/", views.step_return, name="step-return"),
    path("disposisi/", views.disposition_inbox, name="disposition-inbox"),
    path("disposisi/<int:disposition_id>/", views.disposition_view, name="disposition"),
    path("disposisi/<int:disposition_id>/teruskan/", views.disposition_forward, name="disposition-forward"),
    path("disposisi/<int:disposition_id>/ubah/", views.disposition_amend, name="disposition-amend"),
    path("plh/", views.appointments, name="appointments"),
    path("plh/<int:assignment_id>/end/", views.appointment_end, name="appointment-end"),
    path("lampiran/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
]
