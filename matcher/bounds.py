"""The one set of numeric and length bounds of every field that reaches the matcher.

The API, the web forms, the importer (through ``kernel.types``) and the matcher's own
problem document all use these numbers, so a value that any of them accepts, all accept:
a unit stored through the API can never make a later match run refuse its document.
The matcher imports nothing of the service, so the service imports the bounds from here.

The limits are generous for Danish public housing (almene boliger) but finite, so no
stored value can overflow a column or a planner's sum (a rent of 1e300 once did).
"""

from __future__ import annotations

# Homes
ROOMS_MIN = 1
ROOMS_MAX = 20
SIZE_M2_MAX = 1000.0  # exclusive minimum 0
FLOOR_MIN = -1  # basement
FLOOR_MAX = 99

# Money [DKK]: monthly rent, utilities, reductions, incomes; the deposit; wealth.
DKK_MAX = 1_000_000.0

# Households
ADULTS_MIN = 1
ADULTS_MAX = 10
CHILDREN_MAX = 20
SITUATION_MIN = 1
SITUATION_MAX = 9

# Denmark, WGS84 degrees (homes lie in Denmark).
LAT_MIN, LAT_MAX = 54.0, 58.0
LON_MIN, LON_MAX = 7.5, 15.5

# Text lengths (characters), matching the database columns.
SHORT_TEXT_MAX = 80  # district (area) names, short labels
REF_MAX = 64  # an association's own unit id
ADDRESS_MAX = 200
NAME_MAX = 120  # association, department and person names
DEPARTMENT_NUMBER_MAX = 32
NOTE_MAX = 2000  # free-text notes
