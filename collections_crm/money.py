# TEMPORARY: removed once every importer uses collections_crm.lib.money.
from collections_crm.lib.money import *  # noqa: F401,F403
from collections_crm.lib.money import (  # noqa: F401,E501
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    money_text,
    quantize_money,
)
