"""Mit overblik: the logged-in person's own page (what awaits them, deadlines, the board's
next meetings) and the login that lands staff there."""
