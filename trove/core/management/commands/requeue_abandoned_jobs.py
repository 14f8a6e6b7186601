"""Queue again the background jobs whose worker died in the middle (docs/deploy.md: run it when the worker starts
and from the scheduler)."""

from django.core.management.base import BaseCommand

from trove.core.jobs import requeue_abandoned


class Command(BaseCommand):
    help = "Queue again the jobs left running by a worker that stopped (older than JOBS_ABANDONED_AFTER_MINUTES)."

    def handle(self, *args, **options):
        requeued = requeue_abandoned()
        self.stdout.write(f"{len(requeued)} abandoned job(s) queued again.")
