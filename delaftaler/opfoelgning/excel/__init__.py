"""The year's measurements as spreadsheets: a pre-filled template, reading an upload, export.

- ``columns`` – the sheet's columns and the headers an upload may use for them.
- ``safety`` – the upload limits, and the check of an untrusted file before openpyxl
  opens it (``UgyldigFil`` for a file that cannot be used).
- ``cells`` – one cell read into a Python value, or a ``CelleFejl`` in Danish.
- ``reading`` – an upload read into rows and errors (``laes_maalinger``), and planned
  without writing (``maalinger_forhaandsvis``).
- ``template`` – the pre-filled template to download (``skabelon``).
- ``export`` – every measurement of a delaftale (``maalinger_eksport``).

Callers import from the module that holds the name; this package re-exports nothing.
"""
