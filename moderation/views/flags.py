from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from groups import selectors as group_selectors
from supportforum.views import attempt

from .. import policies
from ..forms.flags import FlagForm
from ..services import flags as services


@login_required
def flag_create(request: HttpRequest, post_id: int) -> HttpResponse:
    post = group_selectors.post_for(request.user, post_id)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        flag = attempt(
            form,
            lambda: services.flag_create(reporter=request.user, post=post, **form.cleaned_data),
        )
        if flag is not None:
            messages.success(
                request,
                "Thank you. A facilitator will look at this post. "
                "The author won't know it was you.",
            )
            return redirect(post)
    refusal = policies.flag_refusal(request.user, post)
    return render(
        request, "moderation/flag_form.html", {"post": post, "form": form, "refusal": refusal}
    )
