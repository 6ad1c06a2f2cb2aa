"""The district's smallest groups: the floor under every round's own."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from trellis.core.tenancy import require_district
from trellis.rollout.views.common import saved
from trellis.surveys import services
from trellis.surveys.forms.rounds import SurveySettingsForm
from trellis.surveys.selectors.surveys import survey_settings
from trellis.surveys.views.common import MANAGE, form_page


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request: HttpRequest) -> HttpResponse:
    district, user = require_district(request, MANAGE)
    current = survey_settings(district=district)
    initial = {"min_group": current.min_group, "min_text": current.min_text}
    form = SurveySettingsForm(request.POST or None, initial=initial)

    def save() -> object:
        return services.settings_save(district=district, data=form.cleaned_data, actor=user)

    if saved(request, form, save, "Saved the smallest groups for every new round.") is not None:
        return redirect("surveys:home")
    back = reverse("surveys:home")
    return form_page(request, form, "Smallest groups", back=back,
                     intro="Results never describe a group smaller than these, for anyone, "
                           "administrators included. Each new round starts with them and may "
                           "only ask for larger groups.")  # fmt: skip


urlpatterns = [path("surveys/settings/", settings_edit, name="settings")]
