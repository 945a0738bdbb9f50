"""What every page's template may use, whatever view rendered it (a context processor).

The footer of the public and staff pages and of the admin links to the site's
accessibility statement (Danish public web sites must, at the address the WAS-tool gives);
the address is settings.TILGAENGELIGHEDSERKLAERING_URL.
"""

from django.conf import settings


def side(request) -> dict:
    return {"tilgaengelighedserklaering_url": settings.TILGAENGELIGHEDSERKLAERING_URL}
