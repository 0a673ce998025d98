from django.urls import reverse


def test_another_grids_resident_is_a_plain_404_page_with_the_menu(client, world):
    client.force_login(world.user("grid_g1"))
    response = client.get(reverse("people:resident_detail", args=[world.resident_g2.pk]))
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert world.resident_g2.name not in html
    assert "不在您的辖区范围内" in html  # the compiled zh_Hans catalogue is in use


def test_a_role_without_the_registry_gets_the_403_page(client, world):
    client.force_login(world.user("guard_a1"))
    response = client.get(reverse("people:resident_list"))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
