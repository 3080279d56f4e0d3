from django.db import transaction

from .models import User


@transaction.atomic
def profile_update(*, user: User, bio: str, region: str, time_zone: str) -> User:
    """Update the member's own profile. Validated with the model's rules."""
    user.bio = bio.replace("\x00", "").strip()
    user.region = region
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["bio", "region", "time_zone"])
    return user
