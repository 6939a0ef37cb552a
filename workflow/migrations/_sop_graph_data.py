"""Data for migration 0007_sop_graph: the linear flowchart becomes a graph.

Existing versions (signed ones too: the freeze triggers are switched off for this one change, as it
only restates what they already say) get:
- each step's Waktu as text ("15 menit"), read back by the model into the same value;
- each step's column as its one actor;
- exits: every step but the last goes on to the next one; a decision's "Ya" goes to the next step and
  its "Tidak" back to its old branch target;
- Peringatan and Pencatatan as identity-list items, and the printed numbering of every list ("1." …
  where a list has several items);
- decision answers "ya"/"tidak" as the exit labels "Ya"/"Tidak".
"""

TOUCHED = ("workflow_step", "workflow_soplistitem")


def postgresql_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def _triggers(schema_editor, action: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TOUCHED:
        schema_editor.execute(f"ALTER TABLE {table} {action} TRIGGER sopkinerja_freeze", params=None)


def to_graph(apps, schema_editor):
    SopVersion = apps.get_model("workflow", "SopVersion")
    SopListItem = apps.get_model("workflow", "SopListItem")
    Step = apps.get_model("workflow", "Step")
    StepActor = apps.get_model("workflow", "StepActor")
    StepExit = apps.get_model("workflow", "StepExit")
    RunStep = apps.get_model("workflow", "RunStep")
    _triggers(schema_editor, "DISABLE")
    try:
        for version in SopVersion.objects.all():
            steps = list(Step.objects.filter(version=version).order_by("number"))
            for index, step in enumerate(steps):
                step.duration_text = f"{step.duration_amount} {step.duration_unit}"
                step.save(update_fields=["duration_text"])
                StepActor.objects.create(step=step, executor_id=step.executor_id, order=1)
                following = steps[index + 1] if index + 1 < len(steps) else None
                if step.symbol == "decision" and step.no_branch_to_id:
                    if following is not None:
                        StepExit.objects.create(step=step, order=1, label="Ya", target=following)
                    StepExit.objects.create(step=step, order=2, label="Tidak", target_id=step.no_branch_to_id)
                elif following is not None:
                    StepExit.objects.create(step=step, order=1, label="", target=following)
            for section, text in (("peringatan", version.warning), ("pencatatan", version.recording)):
                if text.strip():
                    SopListItem.objects.create(version=version, section=section, order=1, label="", text=text)
            items = list(SopListItem.objects.filter(version=version))
            for item in items:
                several = sum(1 for other in items if other.section == item.section) > 1
                item.label = f"{item.order}." if several else ""
                item.save(update_fields=["label"])
        RunStep.objects.filter(answer="ya").update(answer="Ya")
        RunStep.objects.filter(answer="tidak").update(answer="Tidak")
    finally:
        _triggers(schema_editor, "ENABLE")


# The freeze of 0005 extended to the two new kinds of rows, which hang off a step.
FREEZE_NEW_ROWS_SQL = """
CREATE OR REPLACE FUNCTION sopkinerja_freeze_version_content() RETURNS trigger AS $$
DECLARE
    old_version bigint;
    new_version bigint;
BEGIN
    IF TG_TABLE_NAME IN ('workflow_steprequirement', 'workflow_stepactor', 'workflow_stepexit') THEN
        IF TG_OP <> 'INSERT' THEN
            SELECT version_id INTO old_version FROM workflow_step WHERE id = OLD.step_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            SELECT version_id INTO new_version FROM workflow_step WHERE id = NEW.step_id;
        END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN
            old_version := OLD.version_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            new_version := NEW.version_id;
        END IF;
    END IF;
    IF sopkinerja_version_is_signed(old_version) OR sopkinerja_version_is_signed(new_version) THEN
        RAISE EXCEPTION 'SOP version % is signed: its content cannot change', coalesce(old_version, new_version);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER sopkinerja_freeze BEFORE INSERT OR UPDATE OR DELETE ON workflow_stepactor
    FOR EACH ROW EXECUTE FUNCTION sopkinerja_freeze_version_content();
CREATE TRIGGER sopkinerja_freeze BEFORE INSERT OR UPDATE OR DELETE ON workflow_stepexit
    FOR EACH ROW EXECUTE FUNCTION sopkinerja_freeze_version_content();
"""

UNFREEZE_NEW_ROWS_SQL = """
DROP TRIGGER IF EXISTS sopkinerja_freeze ON workflow_stepactor;
DROP TRIGGER IF EXISTS sopkinerja_freeze ON workflow_stepexit;
"""
