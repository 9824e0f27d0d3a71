"""Print Arrow tables as a rich table, CSV or JSON (shared by every listing command)."""

from __future__ import annotations

import csv
import json
import os
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleDimensions
from rich.table import Table
from rich.text import Text

from darkcargo.cli.options import OutputFormat
from darkcargo.errors import printable
from darkcargo.spreadsheet import csv_cell

if TYPE_CHECKING:
    import pyarrow as pa

# Piped output (files, CI logs, other programs) gets wide tables instead of rich's 80-column
# default, so that values are not folded mid-word; a terminal keeps its own width.
PIPED_WIDTH = 160


class _PipeAwareConsole(Console):
    """A console whose width follows COLUMNS and the output as they are when it prints (a test or
    a caller may swap stdout or set COLUMNS after import): COLUMNS if set, a terminal's own
    width, else PIPED_WIDTH."""

    @property
    def size(self) -> ConsoleDimensions:
        dims = super().size
        columns = os.environ.get("COLUMNS", "")
        if columns.isdigit():
            return ConsoleDimensions(int(columns), dims.height)
        if not self.is_terminal:
            return ConsoleDimensions(PIPED_WIDTH, dims.height)
        return dims

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


# No emoji codes: a ship named ":skull:" is printed as named (our own messages use none).
console = _PipeAwareConsole(emoji=False)
err_console = _PipeAwareConsole(stderr=True, emoji=False)


def text(value: Any) -> Text:
    """A value from the data, as a table cell or a line: plain text (never console markup),
    its control characters written as escapes. Names, call signs and destinations are chosen
    by the ships we watch; they must not recolour, link, clear or reorder the terminal."""
    return Text(printable("" if value is None else str(value)))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _csv_value(value: Any) -> Any:
    """A cell of `--format csv`: empty for null, times in ISO 8601, text guarded as formulas."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return csv_cell(value)


def print_table(
    data: pa.Table, fmt: OutputFormat = OutputFormat.table, title: str | None = None
) -> None:
    rows = data.to_pylist()
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(rows, default=_json_default, indent=1) + "\n")
    elif fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(data.column_names)
        for row in rows:
            writer.writerow([_csv_value(v) for v in row.values()])
    else:
        table = Table(title=title and text(title), show_lines=False)
        for name in data.column_names:
            table.add_column(text(name), overflow="fold")
        for row in rows:
            table.add_row(*[text(v) for v in row.values()])
        console.print(table)
