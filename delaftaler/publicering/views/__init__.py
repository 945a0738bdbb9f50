"""Staff pages of the draft and its submissions (``udkast``) and of history, comparison and
restore (``historik``)."""
