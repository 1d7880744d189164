"""boundprop: check the proofs of machine-learning theory papers mechanically."""

__version__ = "0.1.0"
