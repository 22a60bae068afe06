"""Small classifiers on 2-D data: datasets, an MLP, and training with the optimizer records.

`networks.train.train(config)` runs a `TrainConfig`; it is not re-exported here, so that
`networks.train` stays the module.
"""

from networks.datasets import CATALOG, Dataset, DatasetSpec
from networks.mlp import NetConfig
from networks.train import History, Run, TrainConfig

__all__ = ["CATALOG", "Dataset", "DatasetSpec", "History", "NetConfig", "Run", "TrainConfig"]
