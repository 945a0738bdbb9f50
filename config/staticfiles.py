"""Static files: Django's staticfiles app, without the parts of dkfds the site never serves.

The npm package ships its SCSS sources, two other themes, unminified CSS and IBM Plex in
seven formats. Collecting and compressing all of it (about 3 300 files with the hashed
copies, brotli and gzip) took a minute of every deploy; the site serves dkfds.min.css with
its source map, the icons, the fonts that CSS names, and the five ttf cuts that the PDFs and
charts use (static/delaftaler/pdf.css, opfoelgning/rapport/charts.py). A file the CSS names
and this leaves out fails collectstatic (the manifest is strict), which tests/test_drift.py
runs as production does.
"""

from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    # Django matches a file by its name, and by its path below the directory it was found
    # in; each dkfds directory is its own STATICFILES_DIRS entry, so the names are what
    # match. The CSS names only the regular eot cut.
    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "scss",
        "split",
        "otf",
        "dkfds-borgerdk*",
        "dkfds-virkdk*",
        "dkfds.css",
        "IBMPlexSans-*Light*",
        "IBMPlexSans-Thin*",
        "IBMPlexSans-Text*",
        "IBMPlexSans-[!R]*.eot",
        "IBMPlexSans-Medium*.ttf",
        "IBMPlexSans-SemiBoldItalic.ttf",
        # django-ninja's ReDoc: the API's docs page (/api/v1/docs) is its Swagger UI.
        "redoc.standalone.js*",
    ]
