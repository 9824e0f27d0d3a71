"""darkcargo: from raw maritime evidence to defensible numbers.

Stages (one subpackage each, data flowing one way): ``ais`` (ingest), ``events`` (detect),
``sar`` (see), ``sanctions`` (watch), ``shipments`` (infer), ``estimate``, ``claims`` (verify),
``report`` and ``web`` (present), and ``scenario`` (the demo season with ground truth).
"""

__version__ = "0.1.0"
