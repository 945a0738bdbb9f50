"""Sizes in the upload limits' messages, as a Danish reader writes them."""

import pytest

from delaftaler.lib.formatting import mb_tekst


@pytest.mark.parametrize(
    ("antal", "tekst"),
    [
        (10 * 1024 * 1024, "10\u00a0MB"),
        (int(5.2 * 1024 * 1024), "5,2\u00a0MB"),
        (20 * 1024, "20\u00a0KB"),  # a small limit is not »0 MB«
        (1, "1\u00a0KB"),
    ],
)
def test_sizes_read_as_danish_megabytes_or_kilobytes(antal, tekst):
    assert mb_tekst(antal) == tekst
