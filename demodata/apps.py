from django.apps import AppConfig


class DemodataConfig(AppConfig):
    """Data generators kept apart from the four apps: the demo data of
    ``make run`` (``load_demo``) and the synthetic scale data of the benchmarks
    (``generate_scale_data``). They write only through the apps' services and
    their public builders, so the apps never carry a second write path."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demodata"
