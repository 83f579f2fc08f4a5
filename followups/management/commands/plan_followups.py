"""Run the nightly follow-up planning now (what beat runs at 01:00 company time):
summaries, promises that fell due, measured contact rates, the next step for
every debtor. Safe to repeat: an open next step is kept, not planned twice."""

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Plan every debtor's next follow-up now (the nightly run)."

    def handle(self, *args, **options) -> None:
        from followups.tasks import nightly_task

        started = time.perf_counter()
        result = nightly_task.run()
        plan = result["plan"]
        self.stdout.write(
            f"plan_followups: {plan.get('debtors', 0):,} debtors, "
            f"{plan.get('planned', 0):,} steps planned, {plan.get('kept', 0):,} kept, "
            f"{plan.get('cancelled', 0):,} cancelled in {time.perf_counter() - started:.1f} s"
        )
