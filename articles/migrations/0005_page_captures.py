"""Captured pages behind the drafts that `import_pages` makes: the text, what was extracted
from it with every span, and the fingerprint that tells an editor's changes from the import's."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PageCapture",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "key",
                    models.CharField(
                        help_text="What makes a page the same page again: its media ID, else its URL, else a hash of its text.",
                        max_length=1100,
                        unique=True,
                    ),
                ),
                ("source_name", models.CharField(max_length=1000, verbose_name="file")),
                ("format", models.CharField(choices=[("text", "Plain text"), ("html", "HTML")], max_length=10)),
                ("text", models.TextField()),
                ("content_hash", models.CharField(help_text="SHA-256 of the file as read.", max_length=64)),
                (
                    "extraction",
                    models.JSONField(default=dict, help_text="What was extracted, each item with its span in the text."),
                ),
                ("flags", models.JSONField(blank=True, default=list)),
                ("fingerprint", models.CharField(max_length=64)),
                ("imported_at", models.DateTimeField()),
                ("doubts_checked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="page_capture", to="articles.article"
                    ),
                ),
                (
                    "doubts_checked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-imported_at"]},
        ),
    ]
