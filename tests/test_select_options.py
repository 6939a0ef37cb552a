"""A select of model choices reads its options with one query, however often Django's widget asks
for them while rendering, and the rows of the SOP editor's executor table share one read."""

from reports.forms import SopSheetForm
from workflow.forms.editor import ExecutorFormSet
from workflow.forms.runs import RunStartForm


def test_the_sop_sheet_form_reads_its_sops_once_and_renders_without_another_query(balangan, django_assert_num_queries):
    with django_assert_num_queries(1):
        form = SopSheetForm(agency=balangan, can_sign=True)
    with django_assert_num_queries(0):
        html = str(form["sop_version"])
    assert "<option" in html and "Mekanisme Pengumpulan Data Kinerja" in html


def test_the_run_start_form_preselects_the_only_effective_sop_from_the_same_read(
    padang_panjang, django_assert_num_queries
):
    # One read of the versions, and two for the periods that can start (their steps' cadences, the runs).
    with django_assert_num_queries(3):
        form = RunStartForm(agency=padang_panjang, year=2026)
        html = str(form["version"])
    assert form.fields["version"].initial is not None
    assert "selected" in html


def test_every_row_of_the_executor_table_shares_one_read_of_the_positions(balangan, django_assert_num_queries):
    rows = [{"title": f"Kolom {n}", "kind": "party"} for n in range(12)]
    with django_assert_num_queries(1):
        formset = ExecutorFormSet(prefix="col", initial=rows, form_kwargs={"agency": balangan})
        html = "".join(str(form["position"]) for form in formset.forms)
    assert html.count("<select") == len(formset.forms) == 14  # twelve rows and two blank ones
    assert html.count("Kepala Dinas") >= len(formset.forms)
