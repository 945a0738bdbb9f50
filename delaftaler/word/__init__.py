"""Word in, Word out: a delaftale read from, and written as, a .docx in LBF's template.

The room holds:

- ``safety``: what is checked of an uploaded file before any XML parser sees it
  (a zip at all, not .doc/.docm/encrypted, size, entry count, uncompressed size, ratio).
- ``reading``: a .docx → ``Laesning``: the delaftale in the fixtures/ JSON format that
  ``delaftaler.indlaesning.indlaes_delaftale`` loads, the places it was unsure about and
  the text it could not place, quoted.
- ``export``: a ``DelaftaleVisning`` (the same one the page and the PDF render) → .docx.
- ``services``, ``views``, ``urls``: the review-then-confirm import and the downloads.

Dependency direction: export and reading never import each other; both may use safety
(reading) and the shared ``layout`` names; services use reading; views use services and
export.

The layout both sides agree on (export writes it; reading reads it and the shapes real
documents have besides, see ``reading``):

1. Title paragraph in style »Title«: »Delaftale for indsatsområdet <indsatsområde>«,
   then a version line (plain paragraph) and LBF's two introductory paragraphs.
2. Metadata: a 2-column table, label | value, rows »Navn på den boligsociale indsats,
   som delaftalen vedrører« | plan name; »Delaftalen gælder fra – til« |
   »01.12.2021–30.11.2025«; »Kommune« | kommune; »Boligområder« | names separated by
   »; «, each followed by » (afd. …)« when the area has afdelinger.
3. »Heading 1« »Delaftalens parter«; per group a »Heading 2« with the group name (none
   for parts without a group); per part one »List Bullet« paragraph »Navn – titel,
   organisation« (name bold for an organ), contact details »e-mail · telefon« after a
   line break in the same paragraph; a part's beskrivelse as paragraphs after it. Then
   the delaftale's »ansvarlige« rich text.
4. »Heading 1« »Delmål og indikatorer for indsatsområdet«, LBF's intro paragraph, then
   the LBF table, header row repeated on each page: Delmål | Indikator | Baseline
   boligområde/målgruppe | Evt. anden baseline | Baseline år | Datakilde. The delmål cell
   is merged down its rows, the indikator cell down its baselines. The baseline cell is
   »<sted> <værdi>« (»Nørremarken 11,3 %«, »Data kommer« when afventer), the other
   baseline »<værdi> <label>« (»79,42 % Viborg Kommune«), the year as the page shows it
   (»2019«, »aug. 2021«), the data source cell the baseline's source and, for a value
   opgjort samlet, »Opgjort samlet for A og B«. Then a »Heading 2« »Indikatorernes
   egenskaber« and a table with header row Indikator | Målgruppe | Enhed | Ønsket retning
   | LBF-standard | Datakilde, one row per indikator in order (Enhed »procent«/»antal«
   etc. as the model's display names, retning as its display name, LBF-standard »Ja«/»Nej«).
5. »Heading 1« »Aktiviteter«, LBF's sentence, the aktiviteter_indledning rich text, a
   »List Bullet« list of activity names.
6. »Heading 1« »Medarbejderressourcer for indsatsområdet«, rich text.
7. »Heading 1« »Sammenhæng med den kommunale indsats i boligområdet«, rich text; the
   kommunale_maalsaetninger under a »Heading 2« »Kommunale målsætninger« when present.
8. »Heading 1« »Revision af delaftalen«, LBF's sentence, rich text.
9. »Heading 1« »Aktivitetsskemaer«; per activity a 2-column table, label | value, rows
   »Aktivitetsnavn«, »Bidrager til delmål« (the delmål texts, one paragraph each),
   »Ressourceestimat«, »Formål«, »Målgruppe(r)«, »Indhold og praksis«,
   »Ansvars- og rollefordeling«; rich text in the value cells.

Rich text (the admin's allow-list: p, strong, em, ul, ol, li, br, h3, h4) maps to Word
as: p → paragraph; strong/em → bold/italic runs; ul/ol li → »List Bullet«/»List Number«
paragraphs (»List Bullet 2«/»List Number 2« one level down); br → line break; h3/h4 →
»Heading 3«/»Heading 4« (outside tables) or a bold paragraph (inside a table cell).
"""
