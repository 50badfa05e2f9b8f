"""icloud-fix: a guided, scriptable troubleshooter for iCloud Photos that stop syncing."""

__version__ = "0.1.0"
