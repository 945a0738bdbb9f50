"""The follow-up report: built once (``context``), shown as a page and a PDF (``pdf``),
with the development of each indikator drawn as SVG (``charts``)."""
