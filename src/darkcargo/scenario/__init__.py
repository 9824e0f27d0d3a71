"""The demo scenario: a simulated DPRK -> Russia shipping season with its ground truth.

Typical use (the demo reuses a finished season made with the same settings)::

from darkcargo.scenario import ScenarioSettings, is_current, simulate

settings = ScenarioSettings(seed=7)
if not is_current(Path("season"), settings):  # reuse a finished season with these settings
    result = simulate(Path("season"), settings)
"""

from darkcargo.scenario.settings import CovertProfile, ScenarioSettings
from darkcargo.scenario.simulate import SCENARIO_VERSION, ScenarioResult, is_current, simulate

__all__ = [
    "SCENARIO_VERSION",
    "CovertProfile",
    "ScenarioResult",
    "ScenarioSettings",
    "is_current",
    "simulate",
]
