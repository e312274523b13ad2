"""The guidance a checklist run follows, for ChecklistSession (services/checklist_session.py): a
newer guidance version arriving while the run is on screen (the run keeps the library it started
on: `keep_started_guidance`), and a saved run whose procedure changed since it started (issue 17:
`guidance_change`, then go on with the version started or start again on the current one).
What the note records (content version, guidance notices) follows from both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from manualviewer.core.content.library import Library
from manualviewer.core.procedures import Procedure, Run, archive_notices, content_version
from manualviewer.services.saved_runs import GuidanceChange, guidance_change, restore
from manualviewer.services.session_change import SessionChange

if TYPE_CHECKING:
    from manualviewer.storage.runs import StartedGuidance
    from manualviewer.storage.stores import Stores


class GuidanceVersions:
    """Mixed into ChecklistSession, which sets these."""

    stores: Stores
    run: Run | None
    _started_on: tuple[Library, str] | None  # the library the run started on, once a newer one came
    _kept_version: str  # said while a resumed run follows the procedure version it started on

    if TYPE_CHECKING:
        @property
        def library(self) -> Library: ...

        @property
        def procedures(self) -> dict[str, Procedure]: ...

        @property
        def running(self) -> bool: ...

        def start(self, procedure_id: str) -> SessionChange: ...

        def resume(self, run_id: str) -> SessionChange: ...

        def _show(self, run: Run, run_id: str, guidance: StartedGuidance | None = None) -> None: ...

    # --- a saved run whose checklist changed since it started -------------------------------
    def guidance_change(self, run_id: str) -> GuidanceChange | None:
        """How the checklist of saved run `run_id` changed since it started; None if it did not."""
        saved = self.stores.runs.get(run_id)
        procedure = self.procedures.get(saved.procedure_id) if saved is not None else None
        return guidance_change(saved, procedure) if saved is not None and procedure is not None else None

    def resume_started(self, run_id: str) -> SessionChange:
        """Resume a saved run on the procedure version it started on (kept with the run)."""
        change = self.guidance_change(run_id)
        saved = self.stores.runs.get(run_id)
        if change is None or change.started is None or saved is None:
            reason = change.why_not if change is not None else "the checklist has not changed"
            return SessionChange(message=f"That checklist cannot go on with the version you started: {reason}.")
        run = restore(saved, change.started)
        self._show(run, run_id)
        self._kept_version = change.kept_notice()
        return SessionChange(run=True, saved_runs=True, message=(
            f"Resumed \u201c{change.title}\u201d on the version you started, at \u201c{run.current_step.title}\u201d."))

    def restart(self, run_id: str) -> SessionChange:
        """Start saved run `run_id`'s checklist again on the current version; the saved run goes."""
        saved = self.stores.runs.get(run_id)
        if saved is None or saved.procedure_id not in self.procedures:
            return self.resume(run_id)  # says why not
        self.stores.runs.discard(run_id)
        change = self.start(saved.procedure_id)
        return change | SessionChange(message=f"Started \u201c{self.procedures[saved.procedure_id].title}\u201d "
                                      "again on the current version; the earlier run was discarded.")

    # --- a new version of the guidance while a checklist runs ------------------------------
    def keep_started_guidance(self, library: Library, version: str) -> SessionChange:
        """The window switched to a newer guidance version: the unfinished run keeps the
        procedure it started with (the run holds it), and its note records the guidance it
        followed, `library` (the version it started on, `version`)."""
        if not self.running or self._started_on is not None:
            return SessionChange()
        self._started_on = (library, version)
        return SessionChange(run=True)

    @property
    def version_notice(self) -> str:
        """A sentence for the checklist's header when the guidance changed under the run."""
        if self._kept_version:
            return self._kept_version
        if self._started_on is None:
            return ""
        return (f"This checklist started on guidance version {self._started_on[1]}; "
                "the guidance has since been updated.")

    def _run_library(self) -> Library:
        return self._started_on[0] if self._started_on is not None else self.library

    def content_version(self) -> str:
        assert self.run is not None
        return content_version(self.run.procedure, self._run_library())

    def guidance_notices(self) -> tuple[str, ...]:
        """Sections of the running checklist whose archive date has passed (header and note)."""
        assert self.run is not None
        return archive_notices(self.run.procedure, self._run_library())

    def _note_notices(self) -> tuple[str, ...]:
        # The note also says when the run followed the procedure version it started on.
        return ((self._kept_version,) if self._kept_version else ()) + self.guidance_notices()
