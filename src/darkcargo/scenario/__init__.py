"""The demo scenario: a simulated DPRK -> Russia shipping season with its ground truth.

from darkcargo.scenario import ScenarioSettings, simulate
result = simulate(Path("season"), ScenarioSettings(seed=7))
"""

from darkcargo.scenario.settings import CovertProfile, ScenarioSettings
from darkcargo.scenario.simulate import ScenarioResult, simulate

__all__ = ["CovertProfile", "ScenarioResult", "ScenarioSettings", "simulate"]
