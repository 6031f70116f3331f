from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    # Pages of 20 rows by default (a bloc-year carries its members, a round
    # its candidates: up to 15 nested rows each); up to 500 on request.
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 500
