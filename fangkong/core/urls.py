from django.urls import path

from .views import account, audit, jurisdictions, staff, twofactor, workbench

app_name = "core"
urlpatterns = [
    path("", workbench.workbench, name="workbench"),
    path("account/2fa/", twofactor.setup, name="twofactor_setup"),
    path("account/2fa/verify/", twofactor.verify, name="twofactor_verify"),
    path("jurisdictions/", jurisdictions.tree, name="tree"),
    path("jurisdictions/grids/new/", jurisdictions.grid_create, name="grid_create"),
    path("jurisdictions/grids/<int:pk>/", jurisdictions.grid_detail, name="grid_detail"),
    path("jurisdictions/buildings/new/", jurisdictions.building_create, name="building_create"),
    path(
        "jurisdictions/buildings/<int:pk>/", jurisdictions.building_detail, name="building_detail"
    ),
    path(
        "jurisdictions/buildings/<int:pk>/assign/",
        jurisdictions.building_assign,
        name="building_assign",
    ),
    path("jurisdictions/units/new/", jurisdictions.unit_create, name="unit_create"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/new/", staff.staff_create, name="staff_create"),
    path("staff/<int:pk>/", staff.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/password/", staff.staff_password, name="staff_password"),
    path("staff/<int:pk>/active/", staff.staff_active, name="staff_active"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("account/tokens/", account.my_tokens, name="my_tokens"),
    path("account/tokens/<int:pk>/revoke/", account.my_token_revoke, name="my_token_revoke"),
]
