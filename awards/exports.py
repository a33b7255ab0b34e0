"""CSV and XLSX downloads of the dashboards' tables (csv module, openpyxl)."""

import csv

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A text cell starting with one of these is a formula to spreadsheet
# programs (CSV injection): a unit renamed "=HYPERLINK(...)" in the admin
# would run in the editor's Excel. Such text is written with a leading
# apostrophe, which Excel and LibreOffice show as plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def table_response(*, table, file_format: str) -> HttpResponse:
    headers = [str(h) for h in table.headers]
    rows = [[_cell(v) for v in row] for row in table.rows]
    if file_format == "xlsx":
        # Imported here: openpyxl takes most of a second to import, and the
        # admin imports this module at every start (a second `make run`).
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=table.slug[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        response = HttpResponse(content_type=XLSX)
        workbook.save(response)
    elif file_format == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # so that spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(headers)
        writer.writerows(rows)
    else:
        return HttpResponse(status=404)
    response["Content-Disposition"] = 'attachment; filename="%s.%s"' % (
        table.slug,
        file_format,
    )
    return response
