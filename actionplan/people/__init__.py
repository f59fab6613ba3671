"""The owners register of an organisation: people and groups, units, merges and leavers."""
