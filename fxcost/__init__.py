"""fxcost: what forex trading really costs, and what cashback rebates give back."""

__version__ = "0.1.0"
APP_NAME = "fxcost"
ORG_NAME = "fxcost"
