"""One step of a checklist on screen: a view per step kind, the path and checklist-list models, the
note editor and the plumbing a panel needs around the step shown. Shared by the live Checklist
panel (ui.checklist) and training (ui.training), so it imports neither."""
