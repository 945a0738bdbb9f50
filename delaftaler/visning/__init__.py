"""The published delaftale, built once (``context``) and rendered many ways: the page's
LBF table (``table``), CSV/XLSX (``exports``), the PDF (``pdf``) and the cache of finished
public responses (``page_cache``)."""
