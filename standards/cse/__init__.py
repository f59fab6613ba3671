"""Customer Service Excellence: the standard's criteria, a plan's mapping to them, assessments,
evidence and coverage, with their forms, services, views and URLs."""
