"""liaison: bilateral intelligence exchange over STIX 2.1 and TAXII 2.1.

The public Python API is deliberately small; everything else is internal.
"""

from liaison.config import Settings, get_settings
from liaison.errors import InvalidStix, LiaisonError, ObjectProblem
from liaison.stix.validate import validate_bundle, validate_object

__version__ = "0.1.0"

__all__ = [
    "InvalidStix",
    "LiaisonError",
    "ObjectProblem",
    "Settings",
    "__version__",
    "get_settings",
    "validate_bundle",
    "validate_object",
]
