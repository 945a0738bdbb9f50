"""An uploaded Word file is refused, before any XML parser sees it, with a Danish message
saying what to do, and never with an exception other than WordFejl."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.test import override_settings
from docx import Document

from delaftaler.word import safety
from delaftaler.word.reading import laes_docx
from delaftaler.word.safety import WordFejl, kontroller_docx

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _docx(afsnit: int = 3) -> bytes:
    dokument = Document()
    dokument.add_paragraph("Delaftale for indsatsområdet Beskæftigelse", style="Title")
    for nr in range(afsnit):
        dokument.add_paragraph(f"Afsnit {nr}")
    ud = io.BytesIO()
    dokument.save(ud)
    return ud.getvalue()


def _omskrevet(docx: bytes, *, erstat: dict[str, bytes] | None = None, tilfoej=None) -> bytes:
    """The package with some parts replaced and others added (``tilfoej(zip)``)."""
    ud = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as ind,
        zipfile.ZipFile(ud, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in ind.infolist():
            data = (erstat or {}).get(info.filename, ind.read(info))
            z.writestr(info.filename, data)
        if tilfoej:
            tilfoej(z)
    return ud.getvalue()


def _del(docx: bytes, navn: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read(navn)


def _afvist(indhold: bytes, filnavn: str = "delaftale.docx") -> str:
    with pytest.raises(WordFejl) as fejl:
        laes_docx(indhold, filnavn=filnavn)
    return str(fejl.value)


def test_a_plain_docx_passes_the_check():
    kontroller_docx(_docx(), "delaftale.docx")


def test_an_old_binary_doc_is_refused_with_the_way_to_save_it_as_docx():
    doc = OLE + b"\x00" * 500 + "WordDocument".encode("utf-16-le") + b"\x00" * 500

    besked = _afvist(doc, "delaftale.doc")

    assert "gamle Word-format (.doc)" in besked
    assert "»Gem som → Word-dokument (.docx)«" in besked


def test_a_password_protected_docx_is_refused_with_the_way_to_remove_the_password():
    krypteret = OLE + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 500

    besked = _afvist(krypteret)

    assert "beskyttet med en adgangskode" in besked
    assert "fjern adgangskoden" in besked


def test_a_docm_is_refused_by_its_content_type_and_by_its_name():
    docx = _docx()
    typer = _del(docx, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    docm = _omskrevet(docx, erstat={"[Content_Types].xml": typer})

    assert "makroer (.docm)" in _afvist(docm)
    assert "makroer (.docm)" in _afvist(_docx(), "delaftale.docm")


def test_a_zip_bomb_is_refused_before_anything_is_inflated_to_its_end():
    def bombe(z: zipfile.ZipFile) -> None:
        with z.open("word/media/nuller.bin", "w", force_zip64=True) as del_:
            blok = bytes(1024 * 1024)
            for _ in range(200):
                del_.write(blok)

    fil = _omskrevet(_docx(), tilfoej=bombe)

    assert len(fil) < 1024 * 1024  # 200 MB of zeros pack to a few hundred KB
    assert "zip-bombe" in _afvist(fil)


def test_a_part_too_large_when_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(safety, "MAKS_DEL_UDPAKKET", 2 * 1024 * 1024)
    fil = _omskrevet(
        _docx(), tilfoej=lambda z: z.writestr("word/media/billede.bin", os.urandom(3 * 1024 * 1024))
    )

    besked = _afvist(fil)

    assert "»word/media/billede.bin« fylder 3\u00a0MB udpakket" in besked
    assert "højst fylde 2\u00a0MB" in besked


def test_a_package_too_large_when_unpacked_in_all_is_refused(monkeypatch):
    monkeypatch.setattr(safety, "MAKS_UDPAKKET", 3 * 1024 * 1024)

    def billeder(z: zipfile.ZipFile) -> None:
        for nr in range(3):
            z.writestr(f"word/media/billede{nr}.bin", os.urandom(1024 * 1024))

    assert "udpakket og må højst fylde 3\u00a0MB" in _afvist(_omskrevet(_docx(), tilfoej=billeder))


def test_too_many_parts_are_refused():
    def mange(z: zipfile.ZipFile) -> None:
        for nr in range(safety.MAKS_ZIP_FILER):
            z.writestr(f"customXml/item{nr}.bin", b"x")

    assert "dele; et Word-dokument har langt færre" in _afvist(_omskrevet(_docx(), tilfoej=mange))


@pytest.mark.parametrize(
    ("del_", "erklaering"),
    [
        ("word/document.xml", b'<!DOCTYPE w:document [<!ENTITY lol "lol">]>'),
        ("word/styles.xml", b'<!doctype x SYSTEM "file:///etc/passwd">'),
    ],
)
def test_a_dtd_or_entity_in_any_xml_part_is_refused(del_, erklaering):
    docx = _docx()
    xml = _del(docx, del_)
    slut = xml.index(b"?>") + 2
    fil = _omskrevet(docx, erstat={del_: xml[:slut] + erklaering + xml[slut:]})

    assert "XML-erklæringer (DOCTYPE eller ENTITY)" in _afvist(fil)


def test_a_dtd_in_a_part_written_in_utf16_is_refused_too():
    docx = _docx()
    xml = _del(docx, "word/settings.xml").decode("utf-8")
    xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    slut = xml.index("?>") + 2
    xml = xml[:slut] + '<!ENTITY a "b">' + xml[slut:]
    fil = _omskrevet(docx, erstat={"word/settings.xml": xml.encode("utf-16")})

    assert "XML-erklæringer" in _afvist(fil)


@pytest.mark.parametrize(
    "indhold",
    [b"Hej, dette er ikke et Word-dokument.", b"%PDF-1.7\n" + b"0" * 100, b"PK\x03\x04brudt"],
)
def test_a_file_that_is_not_a_zip_is_refused_as_not_a_word_document(indhold):
    assert "ikke et Word-dokument (.docx)" in _afvist(indhold)


def test_a_zip_without_a_word_document_is_refused():
    ud = io.BytesIO()
    with zipfile.ZipFile(ud, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("noter.txt", "intet her")

    assert "ikke et Word-dokument (.docx)" in _afvist(ud.getvalue())


def test_an_excel_sheet_is_refused_by_name():
    ud = io.BytesIO()
    with zipfile.ZipFile(ud, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        z.writestr("xl/workbook.xml", "<workbook/>")

    assert "Excel-ark" in _afvist(ud.getvalue(), "ark.xlsx")


@override_settings(WORD_MAKS_BYTES=20_000)
def test_a_file_over_the_size_limit_is_refused_with_both_sizes():
    fil = _docx()
    assert len(fil) > 20_000

    besked = _afvist(fil)

    assert f"Filen fylder {round(len(fil) / 1024)}\u00a0KB og må højst fylde 20\u00a0KB" in besked
    assert "Fjern eller formindsk billeder" in besked


def test_the_size_limit_is_ten_megabytes_unless_set():
    with override_settings():
        from django.conf import settings

        del settings.WORD_MAKS_BYTES
        assert safety.maks_bytes() == 10 * 1024 * 1024


def test_an_empty_file_is_refused():
    assert _afvist(b"") == "Filen er tom."


def test_a_document_with_more_paragraphs_than_can_be_read_in_time_is_refused(monkeypatch):
    monkeypatch.setattr(safety, "MAKS_BLOKKE", 100)

    besked = _afvist(_docx(afsnit=150))

    assert "mere end 100 afsnit og tabelceller" in besked


def test_a_document_with_more_xml_elements_than_can_be_read_in_time_is_refused(monkeypatch):
    monkeypatch.setattr(safety, "MAKS_ELEMENTER", 500)
    docx = _docx(afsnit=3)
    xml = _del(docx, "word/document.xml")
    # One paragraph of many runs: few paragraphs, much to walk.
    loeb = b"<w:r><w:t>x</w:t></w:r>" * 300
    xml = xml.replace(b"</w:body>", b"<w:p>" + loeb + b"</w:p></w:body>")

    besked = _afvist(_omskrevet(docx, erstat={"word/document.xml": xml}))

    assert "mere end 500 dele i dets XML" in besked


def test_broken_xml_in_the_document_gives_a_danish_message_not_a_crash():
    fil = _omskrevet(_docx(), erstat={"word/document.xml": b"<w:document><w:body><w:p>"})

    assert "kan ikke åbnes som Word-dokument" in _afvist(fil)


def test_a_strict_open_xml_document_is_refused_with_the_way_to_save_it():
    docx = _docx()
    xml = _del(docx, "word/document.xml").replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
    )

    assert "Strict Open XML" in _afvist(_omskrevet(docx, erstat={"word/document.xml": xml}))
