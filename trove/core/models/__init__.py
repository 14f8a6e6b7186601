from trove.core.models.access import AgencyOwned, BreakGlassGrant, IdentityRestriction, Participation
from trove.core.models.audit import AuditArchive, AuditEntry
from trove.core.models.installation import Installation
from trove.core.models.jobs import Job, JobStatus
from trove.core.models.signin import SignInFailure
from trove.core.models.user import User

__all__ = [
    "AgencyOwned", "AuditArchive", "AuditEntry", "BreakGlassGrant", "IdentityRestriction", "Installation", "Job",
    "JobStatus", "Participation", "SignInFailure", "User",
]
