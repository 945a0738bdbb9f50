"""»Ny delaftale«: a new delaftale for a helhedsplan, started from LBF's standard texts
(``delaftaler.standardtekster``) or as a copy of an earlier delaftale (``services``), on a
staff page (``views``, ``forms``, ``urls``). The new delaftale is a draft; its draft page
(publicering) says what is still missing before it can go to the bestyrelse."""
