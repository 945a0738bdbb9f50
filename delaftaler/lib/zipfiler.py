"""What reading a hostile or broken zip archive (an uploaded .docx or .xlsx) can raise."""

from __future__ import annotations

import zipfile
import zlib

# A corrupt, truncated, encrypted (RuntimeError) or oddly compressed archive: each is
# refused with the format's own Danish message, never a 500.
ZIP_FEJL: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    NotImplementedError,
    ValueError,
    OSError,
    EOFError,
    RuntimeError,
)
