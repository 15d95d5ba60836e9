"""auditpack: school self-audit programmes from YAML to a resource site and printable packs."""

__version__ = "0.1.0"
