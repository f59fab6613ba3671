from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "standards"

    def ready(self) -> None:
        from actionplan import stamps
        from standards import cse_models, models

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
