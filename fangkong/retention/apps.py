from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "fangkong.retention"
    verbose_name = "Retention"
