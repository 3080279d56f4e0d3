from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from groups import selectors as group_selectors
from supportforum import ratelimits
from supportforum.views import attempt

from .. import policies
from ..forms.flags import FlagForm
from ..services import flags as services


@login_required
def flag_create(request: HttpRequest, post_id: int) -> HttpResponse:
    """The flag dialog: a page of its own without JavaScript; with htmx, a form that opens
    under the post and answers in place."""
    post = group_selectors.post_for(request.user, post_id)
    form = FlagForm(request.POST or None)
    thanks = False
    limited = ratelimits.check(request, "flag")  # refused: the form again, note kept
    if request.method == "POST" and limited is None and form.is_valid():
        flag = attempt(
            form,
            lambda: services.flag_create(reporter=request.user, post=post, **form.cleaned_data),
        )
        thanks = flag is not None
        if thanks and not request.htmx:
            messages.success(
                request,
                "Thank you. A facilitator will look at this post. "
                "The author won't know it was you.",
            )
            return redirect(post)
    context = {
        "post": post,
        "form": form,
        "thanks": thanks,
        "refusal": None if thanks else policies.flag_refusal(request.user, post),
        "rate_limit": limited,
    }
    template = "moderation/_flag_form.html" if request.htmx else "moderation/flag_form.html"
    response = render(request, template, context)
    return ratelimits.refuse(response, limited) if limited else response
