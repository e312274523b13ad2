"""The main window's commands on the section being read: copy its ID, link or an open reference,
what links here, print, export to PDF, and opening a link that leaves the guidance (asking
first). MainWindow is built on this; it supplies the tabs and opens sections."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMenu, QMessageBox, QTabWidget

from manualviewer.core.content.library import Library
from manualviewer.core.links import link_for, reference_target
from manualviewer.ui.reading.pages import print_header_html
from manualviewer.ui.reading.printing import print_with_dialog, write_pdf
from manualviewer.ui.reading.section_view import SectionView


class SectionCommands(QMainWindow):
    library: Library
    _render: Callable[[Library, str], str]
    status_label: QLabel
    tabs: QTabWidget
    confirm_external: Callable[[QUrl], bool]
    backlinks_menu: QMenu

    def current_view(self) -> SectionView:
        raise NotImplementedError

    def open_section(self, section_id: str, *, new_tab: bool = False) -> bool:
        raise NotImplementedError

    def copy_section_id(self) -> None:
        view = self.current_view()
        if view.current_id:
            QGuiApplication.clipboard().setText(view.current_id)
            self.status_label.setText(f"Copied {view.current_id}")

    def copy_open_reference(self) -> None:
        view = self.current_view()
        if view.current_id:
            QGuiApplication.clipboard().setText(f"manualviewer open {view.current_id}")
            self.status_label.setText(f"Copied: manualviewer open {view.current_id}")

    def copy_link(self) -> None:
        view = self.current_view()
        if view.current_id:
            QGuiApplication.clipboard().setText(link_for(view.current_id))
            self.status_label.setText(f"Copied link: {link_for(view.current_id)}")

    def open_reference(self, text: str) -> bool:
        """Open a section ID, a manualviewer: link or a GOV.UK address (from the command line or a
        second process); one that cannot open says why in the window, never in an error dialog."""
        target = reference_target(text, self.library.resolve)
        if not target.found:
            self.current_view().missing_bar.show_message(target.message, target.section_id)
            self.status_label.setText(target.message)
            return False
        return self.open_section(target.section_id)

    def show_backlinks(self) -> None:
        view = self.current_view()
        if not view.current_id:
            return
        menu = QMenu(self)
        menu.setAccessibleName("What links here")
        links = self.library.backlinks(view.current_id)
        if not links:
            none = menu.addAction(f"No section in this library links to {view.current_id}")
            none.setEnabled(False)
        for source in links:
            section = self.library.sections[source]
            action = menu.addAction(f"{source}  {section.title}")
            action.triggered.connect(lambda _c=False, s=source: self.open_section(s))
        self.backlinks_menu = menu
        menu.popup(self.mapToGlobal(self.tabs.geometry().topLeft()))

    def _printable_html(self) -> str | None:
        section = self.library.get(self.current_view().current_id)
        if section is None:
            return None
        return print_header_html(section.id, section.title) + self._render(self.library, section.id)

    def print_section(self) -> None:
        print_with_dialog(self, self._printable_html)

    def export_pdf(self, path: str | None = None) -> str | None:
        view = self.current_view()
        if not view.current_id:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export to PDF", f"{view.current_id}.pdf", "PDF (*.pdf)")
            if not path:
                return None
        write_pdf(path, view.current_id, self._printable_html())
        self.status_label.setText(f"Saved {path}")
        return path

    # --- external links --------------------------------------------------------------
    def _ask_open_external(self, url: QUrl) -> bool:
        answer = QMessageBox.question(
            self,
            "Open outside the app?",
            f"This link leaves the guidance and opens in your "
            f"{'mail program' if url.scheme() == 'mailto' else 'web browser'}:\n\n{url.toString()}\n\nOpen it?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def open_external(self, url: QUrl) -> None:
        if self.confirm_external(url):
            QDesktopServices.openUrl(url)
