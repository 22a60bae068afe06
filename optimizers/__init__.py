"""Optimizers, schedules and the simulation engine."""

from optimizers.catalog import CATALOG
from optimizers.spec import Hyperparam, OptimizerSpec, ScheduleSpec

__all__ = ["CATALOG", "Hyperparam", "OptimizerSpec", "ScheduleSpec"]
