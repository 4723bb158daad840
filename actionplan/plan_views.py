"""The business manager's pages about a plan itself: create one, edit its details,
close it (read-only from then on, still readable), copy it to start next year's, and
add a section. Each is a FormPage (agencies/views.py): its first step is the access
helper, ``get_plan_for(request, pk=pk, to=...)``, whose rules are in access.RULES."""

from django.urls import reverse

from agencies.forms import ReasonForm
from agencies.views import FormPage

from .access import get_plan_for, require
from .models import save_with_reason
from .plan_forms import CopyPlanForm, NewPlanForm, NewSectionForm, PlanForm


class PlanPage(FormPage):
    """A page about a plan (``to`` names the rule), or about a new one (no pk)."""

    permission = "may_create_plans"
    to = "edit"

    def access(self, request, pk):
        if pk is None:
            self.viewer = require(request, self.permission)
            return None
        return get_plan_for(request, pk=pk, to=self.to)

    def back_url(self):
        if self.object is None:
            return reverse("manage")
        return reverse("plan_overview_for", kwargs={"slug": self.object.slug})


class AddPlan(PlanPage):
    form_class = NewPlanForm
    title = "Create a plan"
    intro = "Sections and actions are added to the plan once it has been created."
    submit = "Create the plan"
    change_reason = "Plan created"
    success_message = "{{ object }} has been created."

    def save(self, form):
        plan = form.save(commit=False)
        self.object = save_with_reason(plan, self.change_reason)
        return plan


class EditPlan(PlanPage):
    form_class = PlanForm
    title = "Edit the plan's details"
    page_title = "Edit {{ object }}"
    change_reason = "Plan details edited"


class ClosePlan(PlanPage):
    to = "close"
    form_class = ReasonForm
    title = "Close {{ object }}?"
    page_title = "Close {{ object }}"
    intro = (
        "A closed plan can still be read, exported and its board packs downloaded, but "
        "nothing in it can be changed: no ratings, evidence or edits. This cannot be undone."
    )
    submit, submit_class = "Close the plan", "govuk-button--warning"
    success_message = "{{ object }} has been closed."

    def save(self, form):
        return self.object.close(form.cleaned_data["reason"])


class CopyPlan(PlanPage):
    to = "copy"
    form_class = CopyPlanForm
    title = "Copy {{ object }} for next year"
    page_title = "Copy {{ object }}"
    intro = (
        "The new plan gets this plan's sections, actions, leads and timescales. It starts "
        "with no evidence and no ratings."
    )
    submit = "Copy the plan"
    success_message = "{{ object }} has been created as a copy."

    def save(self, form):
        data = form.cleaned_data
        self.object = self.object.copy(
            slug=data["slug"], title=data["title"], short_title=data["short_title"]
        )
        return self.object


class AddSection(PlanPage):
    to = "add_section"
    form_class = NewSectionForm
    title = "Add a section to {{ object }}"
    page_title = "Add a section"
    submit = "Add the section"
    success_message = "Section {{ object.number }}, {{ object.title }}, has been added."

    def get_form(self, data):
        return self.form_class(data, plan=self.object)

    def save(self, form):
        data = form.cleaned_data
        return self.object.add_section(
            number=data["number"], title=data["title"], purpose=data["purpose"]
        )
