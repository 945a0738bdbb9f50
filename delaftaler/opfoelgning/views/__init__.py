"""The follow-up's pages: the year's workflow and entry (``opfoelgninger``), the report
(``rapport``) and the measurements' spreadsheets (``maalinger``)."""
