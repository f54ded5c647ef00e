"""The Editors group: everything about articles, quotes, people and sources; regions
are a curated gazetteer, so editors may only look at them."""

from django.db import migrations

EDITOR_PERMISSIONS = {
    "article": ["add", "change", "delete", "view"],
    "quote": ["add", "change", "delete", "view"],
    "person": ["add", "change", "view"],
    "source": ["add", "change", "view"],
    "region": ["view"],
    "historicalarticle": ["view"],
    "historicalquote": ["view"],
    "historicalperson": ["view"],
    "historicalsource": ["view"],
    "historicalregion": ["view"],
}


def create_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations ran; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions]
    editors.permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
