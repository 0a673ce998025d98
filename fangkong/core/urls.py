from django.urls import path

from .views import account, audit, staff, twofactor

app_name = "core"
urlpatterns = [
    path("account/2fa/", twofactor.setup, name="twofactor_setup"),
    path("account/2fa/verify/", twofactor.verify, name="twofactor_verify"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/new/", staff.staff_create, name="staff_create"),
    path("staff/<int:pk>/", staff.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/password/", staff.staff_password, name="staff_password"),
    path("staff/<int:pk>/active/", staff.staff_active, name="staff_active"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("account/tokens/", account.my_tokens, name="my_tokens"),
    path("account/tokens/<int:pk>/revoke/", account.my_token_revoke, name="my_token_revoke"),
]
