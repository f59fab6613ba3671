"""URLs for committee reports: builder, print page, PDF, workbook, published reports."""

urlpatterns: list = []
