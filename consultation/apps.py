from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "consultation"

    def ready(self) -> None:
        from actionplan import extensions, stamps
        from consultation import answers, dashboard, demo, models, reporting

        extensions.register_part(
            extensions.DASHBOARD_AFTER_WATCH,
            "consultation/_dashboard_panel.html",
            lambda plan, today: {"panel": dashboard.consultation_panel(plan, today)},
        )
        extensions.register_part(
            extensions.ACTION_ANSWERS,
            "consultation/_action_answers.html",
            lambda action, can_edit: {"consultation_answers": answers.consultation_answers(action)},
        )
        extensions.register_report_section(
            extensions.REPORT_AFTER_THEMES,
            "consultation",
            "consultation/_report_section.html",
            lambda plan, moment, today, actions: reporting.consultation_section(
                plan_id=plan.pk, moment=moment, actions=actions
            ),
        )
        extensions.register_demo(lambda user: demo.consultation_load_demo(user=user))

        for own in (models.Exercise, models.PublicPage, models.ScrutinyMeeting):
            stamps.register(own, lambda row: row.plan_id)
        stamps.register(models.Finding, lambda finding: finding.exercise.plan_id)
        stamps.register(models.FindingTheme, lambda link: link.finding.exercise.plan_id)
        stamps.register(models.FindingAction, lambda link: link.action.plan_id)
        stamps.register(models.Recommendation, lambda rec: rec.meeting.plan_id)
        stamps.register(models.RecommendationAction, lambda link: link.action.plan_id)
