"""Everything Qt (PySide6), grouped by feature. Thin adapters: call a service, show what changed.

Where a module goes, one rule: a module that belongs to one feature lives in that feature's
package; a module that knows no feature (a helper any window may use) stays at the top of
`ui/`. A feature package imports the top-level modules and the packages below it, never a
sibling it is independent of.

- `reading/`: the main window and its pieces (section view, find bar, search panel and results
  model, contents model, bookmarks and recent panels, start/about pages, printing).
- `checklist/`: running a guided checklist beside the guidance (the controller adapter over
  `services.checklist_session`, its installer, the Checklist panel, note and escalation dialogs,
  notes and escalations panels, and Edit > Settings, whose every field is about checklists).
- `steps/`: one step of a checklist on screen, shared by live checklists and training (so it
  imports neither): a view per step kind or small group, `registry.py` (which view shows which
  kind), `models.py` (path and checklist list), the note editor, `panel_common.py`.
- `training/`: scenarios for new staff (picker, training panel, debrief, presenter).
- `changes/`: what changed in the guidance (View > What changed, the pages of a section's word
  diff for the section view's changes mode, marking sections shown as read); over
  `services.changes`, installed into the reading window.
- top level, shared and feature-free: `actions.py` (QAction and menu helpers), `widgets.py`
  (small widget helpers), `workers.py` (work off the GUI thread), `dialog_lifetime.py`,
  `record_table.py` (a table model over stored records), `single_instance.py` (one app per user).

Names: a guided checklist is a "checklist" in the UI (menus, labels, the `ui.checklist`
package, ChecklistController, ChecklistPanel) and a "procedure" in content and below (`procedures/*.yaml`,
`core.procedures`, `Procedure`, `procedure_id`). Code in `ui/` says "checklist" for what
the user sees and keeps "procedure" only where it handles a core `Procedure` value or its id.
"""
