from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed names once `collectstatic` has written its manifest; the plain
    names before that, which whitenoise serves from the apps' folders (settings turn on
    WHITENOISE_USE_FINDERS then), so a forgotten step never breaks a page."""

    def stored_name(self, name):
        if not self.hashed_files:
            return name
        return super().stored_name(name)
