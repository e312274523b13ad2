"""Print a section, or export it to PDF: its HTML laid out by QTextDocument on A4."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QPagedPaintDevice, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QWidget


def print_html(printer: QPagedPaintDevice, text: str) -> None:
    doc = QTextDocument()
    doc.setHtml(text)
    doc.print_(printer)


def print_with_dialog(parent: QWidget, html_of_section: Callable[[], str | None]) -> None:
    """The print dialog, then the section's HTML (None: nothing to print) to the chosen printer."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() == QPrintDialog.DialogCode.Accepted and (text := html_of_section()) is not None:
        print_html(printer, text)


def write_pdf(path: str, title: str, text: str | None) -> None:
    writer = QPdfWriter(path)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setTitle(title)
    if text is not None:
        print_html(writer, text)
    del writer  # the file is complete once the writer is gone
