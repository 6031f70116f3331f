"""The read-only REST API: open data of the blocs for the ministry's and the
provinces' systems (``/api/``, schema at ``/api/schema/``)."""
