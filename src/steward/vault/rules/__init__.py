"""Pure decisions of the vault, tested as tables: no database, no Django."""
