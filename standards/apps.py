from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "standards"

    def ready(self) -> None:
        from actionplan import extensions, stamps
        from standards import (
            dashboard,
            demo,
            links,
            models,
            reporting,
        )
        from standards.cse import coverage as cse_coverage
        from standards.cse import dashboard as cse_dashboard
        from standards.cse import demo as cse_demo
        from standards.cse import models as cse_models

        extensions.register_part(
            extensions.DASHBOARD_END,
            "standards/_cse_dashboard_panel.html",
            lambda plan, today: {"cse_panel": cse_dashboard.cse_panel(plan)},
        )
        extensions.register_part(
            extensions.DASHBOARD_END,
            "standards/_dashboard_panel.html",
            lambda plan, today: {"panel": dashboard.standards_panel(plan, today)},
        )
        extensions.register_part(
            extensions.ACTION_ANSWERS,
            "standards/_action_cse.html",
            lambda action, can_edit: {"cse_links": cse_coverage.action_cse_links(action)},
        )
        extensions.register_part(
            extensions.ACTION_ANSWERS,
            "standards/_action_answers.html",
            lambda action, can_edit: {"standard_links": links.standard_links_for(action)},
        )
        extensions.register_report_section(
            extensions.REPORT_BEFORE_THEMES,
            "standards",
            "standards/_report_section.html",
            lambda plan, moment, today, actions: reporting.standards_section(
                plan_id=plan.pk, organisation_id=plan.organisation_id, moment=moment, today=today
            ),
        )
        extensions.register_demo(
            lambda user: [
                f"cse_demo.json: CSE mapping, assessment and evidence for {slug!r}."
                for slug in cse_demo.cse_demo_load(user=user)
            ]
        )
        extensions.register_demo(
            lambda user: [f"Standards: {demo.standards_load_demo(user=user)} demo figures loaded."]
        )

        # A standard of no plan (None) is shown by every plan: its changes move every stamp.
        stamps.register(models.Standard, lambda standard: standard.plan_id)
        stamps.register(models.PerformanceValue, lambda value: value.standard.plan_id)
        stamps.register(models.StandardAction, lambda link: link.action.plan_id)
        stamps.register(cse_models.Assessment, lambda assessment: assessment.plan_id)
        stamps.register(cse_models.Rating, lambda rating: rating.assessment.plan_id)
        stamps.register(cse_models.Evidence, lambda evidence: evidence.plan_id)
        for link in (
            cse_models.EvidenceSubCriterion,
            cse_models.EvidenceAction,
            cse_models.EvidenceStandard,
            cse_models.EvidenceExercise,
        ):
            stamps.register(link, lambda row: row.evidence.plan_id)
        stamps.register(cse_models.ThemeCriterion, lambda link: link.theme.plan_id)
        stamps.register(cse_models.ActionSubCriterion, lambda link: link.action.plan_id)
        for reference in (cse_models.Criterion, cse_models.SubCriterion):
            stamps.register(reference, lambda row: stamps.EVERY_PLAN)
