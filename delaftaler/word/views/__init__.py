"""The Word pages: the downloads beside the PDFs (export) and the import (indlaes)."""
