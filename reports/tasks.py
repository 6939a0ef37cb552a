from django.tasks import task
from django.utils import translation


@task
def render_document(request_id: int) -> str:
    """Background rendering of a requested PDF (django-tasks-db's db_worker in production)."""
    from reports.document_services import document_render
    from reports.models import DocumentRequest

    with translation.override("id"):
        request = document_render(DocumentRequest.objects.select_related("agency").get(pk=request_id))
    return request.status
