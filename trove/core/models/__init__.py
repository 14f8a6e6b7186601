from trove.core.models.installation import Installation
from trove.core.models.user import User

__all__ = ["Installation", "User"]
