"""The look: the layout, sign-in pages, error pages and the compiled stylesheet."""

from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse

APP_CSS = Path(settings.BASE_DIR) / "static" / "build" / "app.css"


def test_the_sign_in_page_uses_the_layout_without_gov_uk_branding(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en-GB"' in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert 'id="main-content"' in html
    assert "<title>Sign in – Action plan tracker</title>" in html
    assert "Action plan tracker" in html
    assert "Protective marking: <strong>OFFICIAL-SENSITIVE</strong>" in html
    assert "GOV.UK" not in html
    assert "govuk-header__logotype" not in html
    assert "crown" not in html.lower()
    assert "Sign out" not in html
    assert 'class="govuk-button"' in html


def test_the_sign_in_page_has_no_inline_script_or_style(client, db):
    html = client.get(reverse("login")).content.decode()

    assert "<script>" not in html
    assert '<script type="module" src="/static/js/app.js">' in html
    assert "style=" not in html


@pytest.mark.django_db
def test_a_failed_sign_in_shows_an_error_summary_that_does_not_say_which_part_was_wrong(
    client, board_member
):
    response = client.post(
        reverse("login"),
        {"username": "nobody-by-this-name", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in – Action plan tracker</title>" in html
    assert "govuk-error-summary" in html
    assert '<a href="#id_username">' in html
    assert "does not exist" not in html.lower()


def test_the_password_change_page_renders_for_a_signed_in_person(client, board_member):
    client.force_login(board_member)

    response = client.get(reverse("password_change"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Change your password" in html
    assert 'class="govuk-input' in html
    assert 'for="id_old_password"' in html
    assert "Sign out" in html
    assert f'action="{reverse("logout")}"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Board Tester" in html
    assert 'aria-current="page"' in html


def test_the_navigation_depends_on_what_the_person_may_do(client, manager, board_member):
    client.force_login(board_member)
    member_html = client.get(reverse("password_change")).content.decode()
    client.force_login(manager)
    manager_html = client.get(reverse("password_change")).content.decode()

    assert ">Plan<" in member_html
    assert "Manage" not in member_html
    assert "My actions" not in member_html
    assert "Admin" not in member_html
    assert ">Manage<" in manager_html


def test_the_error_pages_say_what_happened_without_internals():
    assert "Sorry, there is a problem with your request" in render_to_string("400.html")
    assert "You do not have permission" in render_to_string("403.html")
    assert "business manager" in render_to_string("403.html")
    assert "Page not found" in render_to_string("404.html")
    page_500 = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in page_500
    assert 'lang="en-GB"' in page_500
    assert "/static/build/app.css" in page_500
    for page in ("400.html", "403.html", "404.html", "500.html"):
        assert "Traceback" not in render_to_string(page)


def test_the_compiled_stylesheet_uses_arial_and_not_gds_transport():
    assert APP_CSS.exists(), "Run `make assets` to build static/build/app.css"
    css = APP_CSS.read_text()

    assert "arial" in css.lower()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    for rag in ("red", "amber", "green", "blue", "none"):
        assert f".app-rag--{rag}" in css
        assert f".app-chart__segment--{rag}" in css
    assert ".app-w-0{" in css
    assert ".app-w-100{width:100%}" in css


def test_the_gov_uk_frontend_files_the_pages_use_are_built():
    build = APP_CSS.parent
    assert (build / "govuk-frontend.min.js").exists()
    assert (build / "govuk" / "assets" / "images" / "govuk-crest.svg").exists()
    assert not (build / "govuk" / "assets" / "fonts").exists()


class ExampleForm(forms.Form):
    name = forms.CharField(help_text="As the board knows you")
    rating = forms.ChoiceField(
        choices=[("red", "Red"), ("amber", "Amber")], widget=forms.RadioSelect
    )
    due = forms.DateField()

    def clean(self):
        raise forms.ValidationError("Check the whole form")


def render(source, **context):
    return Template("{% load govuk %}" + source).render(Context(context))


def test_a_field_is_rendered_the_gov_uk_way_with_its_hint_and_error():
    form = ExampleForm({"name": "", "rating": "red", "due": "2015-11-26"})
    form.is_valid()

    html = render(
        '{% include "includes/field.html" with field=form.name classes="govuk-input--width-20" %}',
        form=form,
    )

    assert "govuk-form-group govuk-form-group--error" in html
    assert '<label class="govuk-label" for="id_name">Name</label>' in html
    assert '<div id="id_name-hint" class="govuk-hint">As the board knows you</div>' in html
    assert '<span class="govuk-visually-hidden">Error:</span> This field is required.' in html
    assert 'class="govuk-input govuk-input--width-20 govuk-input--error"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html


def test_radios_are_a_fieldset_and_a_date_is_a_date_input():
    form = ExampleForm({"name": "x", "rating": "red", "due": "2015-11-26"})

    radios = render(
        '{% include "includes/field.html" with field=form.rating label_class="govuk-label--m" %}',
        form=form,
    )
    date = render('{% include "includes/field.html" with field=form.due %}', form=form)

    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">' in radios
    assert radios.count('class="govuk-radios__item"') == 2
    assert 'id="id_rating_0" name="rating" type="radio" value="red" checked' in radios
    assert 'type="date"' in date
    assert 'value="2015-11-26"' in date


def test_the_error_summary_links_to_each_field_and_lists_form_errors():
    form = ExampleForm({"name": "", "rating": "", "due": ""})
    form.is_valid()

    html = render('{% include "includes/error_summary.html" with form=form %}', form=form)

    assert "There is a problem" in html
    assert '<a href="#id_name">Check the whole form</a>' in html
    assert '<a href="#id_rating_0">' in html
    assert '<a href="#id_due">' in html


def test_no_error_summary_without_errors():
    html = render('{% include "includes/error_summary.html" with form=form %}', form=ExampleForm())

    assert html.strip() == ""


def test_rag_tags_show_the_word():
    html = render('{% rag_tag "red" %} {% rag_tag "" %} {% rag_tag "none" %}')

    assert '<strong class="govuk-tag app-rag app-rag--red">Red</strong>' in html
    assert html.count('<strong class="govuk-tag app-rag app-rag--none">Not rated</strong>') == 2


def test_chart_widths_add_up_to_exactly_100():
    html = render(
        "{% for s in segments|chart_segments %}{{ s.width }} {% endfor %}",
        segments=[
            {"rag": "red", "count": 1},
            {"rag": "amber", "count": 1},
            {"rag": "", "count": 1},
        ],
    )

    assert sorted(int(w) for w in html.split()) == [33, 33, 34]
