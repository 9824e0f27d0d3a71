"""CSV cells that open in a spreadsheet as the text they hold.

A cell starting with =, +, -, @, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets. Names, call signs and destinations are chosen by the ships we
watch, so every CSV darkcargo writes (the page's download, export bundles, `--format csv`)
puts an apostrophe before such text, as OWASP advises ("CSV injection"): a ship named
"=HYPERLINK(...)" stays a name.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text that a spreadsheet would run as a formula gets a leading
    apostrophe; everything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_cell_sql(column: str) -> str:
    """`csv_cell` in DuckDB SQL, for a text column that DuckDB writes to CSV itself."""
    starts = ", ".join(f"chr({ord(c)})" for c in FORMULA_START)
    return f"CASE WHEN left({column}, 1) IN ({starts}) THEN chr(39) || {column} ELSE {column} END"
