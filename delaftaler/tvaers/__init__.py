"""The view across plans (/oversigt/): every current delaftale, and one indikator compared."""
