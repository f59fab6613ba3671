from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "consultation"

    def ready(self) -> None:
        from actionplan import stamps
        from consultation import models

        for own in (models.Exercise, models.PublicPage, models.ScrutinyMeeting):
            stamps.register(own, lambda row: row.plan_id)
        stamps.register(models.Finding, lambda finding: finding.exercise.plan_id)
        stamps.register(models.FindingTheme, lambda link: link.finding.exercise.plan_id)
        stamps.register(models.FindingAction, lambda link: link.action.plan_id)
        stamps.register(models.Recommendation, lambda rec: rec.meeting.plan_id)
        stamps.register(models.RecommendationAction, lambda link: link.action.plan_id)
