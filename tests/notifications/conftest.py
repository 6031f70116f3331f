from tests.pledges.conftest import reporting  # noqa: F401 (a fixture)
from tests.smtp import smtp  # noqa: F401 (a fixture)
