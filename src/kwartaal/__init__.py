"""kwartaal: governance of a recurring multi-stakeholder meeting, in plain TOML files and git."""

__version__ = "0.1.0"
